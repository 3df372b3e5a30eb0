package cypher

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Neighbour pages are sorted and cut in the database: the relationships'
// types are written into the pattern (schema constants only), so Neo4j
// reads only those types' relationship chains of a dense node; the WHERE
// holds only the filters given (a `$x IS NULL OR …` test would be evaluated
// on every relationship); ORDER BY … SKIP … LIMIT is a top-k sort of the
// matches, not all of them collected and sliced; and the matches are
// counted only when totalCount is asked for.

// neighbourPattern is the pattern from n to its neighbour m through r, in
// direction dir, over the relationship types given (every declared type
// when none); ok is false for an unknown direction.
func neighbourPattern(dir model.Dir, types []string) (string, bool) {
	rel := `[r]`
	var declared []string
	for _, t := range types {
		if slices.Contains(schema.RelTypes, schema.RelType(t)) {
			declared = append(declared, t)
		}
	}
	if len(declared) > 0 {
		rel = `[r:` + strings.Join(declared, `|`) + `]`
	}
	switch dir {
	case model.Both:
		return `-` + rel + `-`, true
	case model.Outgoing:
		return `-` + rel + `->`, true
	case model.Incoming:
		return `<-` + rel + `-`, true
	}
	return "", false
}

// neighbourWhere is the condition on r and m for q's filters; the
// parameters are those of Neighbours. No types (a resolved query asking
// only for SAME_AS) matches nothing.
func neighbourWhere(q model.NeighbourQuery, types []string, p map[string]any) string {
	conds := []string{`r.statusRank >= $minRank`, `m.statusRank >= 0`}
	if len(types) == 0 {
		conds = append(conds, `false`)
	}
	if p["kinds"] != nil {
		conds = append(conds, `m.kind IN $kinds`)
	}
	if p["statuses"] != nil {
		conds = append(conds, `r.status IN $statuses`)
	}
	if p["atFirst"] != nil {
		conds = append(conds, `(r.validFrom IS NULL OR r.validFrom <= $atLast) AND (r.validUntil IS NULL OR r.validUntil >= $atFirst) AND `+overlapClause("r", "$atFirst", "$atLast"))
	}
	return strings.Join(conds, "\n  AND ")
}

// neighbourQuery is the records view's query: one row for each of $ids
// (none for an unknown id) with the total (-1 when not counted) and the
// page.
func neighbourQuery(q model.NeighbourQuery, p map[string]any, count bool) (string, bool) {
	types, _ := p["types"].([]string)
	pattern, ok := neighbourPattern(q.Direction, types)
	if !ok {
		return "", false
	}
	match := `MATCH (n)` + pattern + `(m:` + schema.NodeLabel + `)
  WHERE ` + neighbourWhere(q, types, p)
	total := `-1`
	if count {
		total = `COUNT { ` + match + ` }`
	}
	return `UNWIND $ids AS id
MATCH (n:` + schema.NodeLabel + ` {id: id})
CALL (n) {
  ` + match + `
  WITH n, r, m ORDER BY type(r), m.sortName, m.id, r.id SKIP $skip LIMIT $limit
  RETURN collect({r: r, m: m, out: startNode(r) = n}) AS page
}
RETURN id, ` + total + ` AS total, page`, true
}

func relTypeList(ts []schema.RelType) []string {
	if len(ts) == 0 {
		ts = schema.RelTypes
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// Neighbours returns one page of the relationships around an entity, with
// the entity at the other end, ordered by type, neighbour name and id.
// Errors: NOT_FOUND for an unknown id, BAD_USER_INPUT for a bad date.
func (s *Store) Neighbours(ctx context.Context, q model.NeighbourQuery) (model.NeighbourPage, error) {
	m, err := s.NeighboursOf(ctx, q, []string{q.ID})
	if err != nil {
		return model.NeighbourPage{}, err
	}
	page, ok := m[q.ID]
	if !ok {
		return model.NeighbourPage{}, &model.Error{Code: model.NotFound, Message: fmt.Sprintf("no entity with id %q", q.ID), Op: "cypher.Store.Neighbours"}
	}
	return page, nil
}

// NeighboursOf is Neighbours for several entities at once (q.ID is not
// used): the same page of each, in one statement, for a request that asks
// for the neighbours of every entity of a list. Unknown ids are absent.
func (s *Store) NeighboursOf(ctx context.Context, q model.NeighbourQuery, ids []string) (map[string]model.NeighbourPage, error) {
	const op = "cypher.Store.Neighbours"
	atFirst, atLast, err := optPeriod(q.At)
	if err != nil {
		return nil, &model.Error{Code: model.BadUserInput, Message: "at: " + err.Error(), Op: op}
	}
	p := map[string]any{
		"ids": ids, "types": relTypeList(q.Types), "kinds": kindList(q.Kinds),
		"minRank": int64(q.MinStatus.Rank()), "statuses": statusList(q.Statuses), "atFirst": atFirst, "atLast": atLast,
		"skip": int64(q.Offset), "limit": int64(q.Limit),
	}
	if q.WithoutTotal {
		p["limit"] = int64(q.Limit) + 1 // one more says whether a page follows
	}
	if q.View == model.ViewResolved {
		return s.neighboursResolved(ctx, q, p, ids)
	}
	kept := s.keptNeighbourTotal(q, ids, p)
	if _, ok := neighbourQuery(q, p, kept.counts(q)); !ok {
		return nil, &model.Error{Code: model.BadUserInput, Message: "direction is not OUTGOING, INCOMING or BOTH", Op: op}
	}
	queryFor := func(counts bool) string { query, _ := neighbourQuery(q, p, counts); return query }
	return s.readNeighbours(ctx, op, q, kept, queryFor, p, func(_ neo4j.ManagedTransaction, rows []neighbourRow) (map[string][]model.Neighbour, error) {
		out := map[string][]model.Neighbour{}
		for _, row := range rows {
			ns := []model.Neighbour{}
			for _, m := range row.items {
				rel, _ := m["r"].(neo4j.Relationship)
				other, _ := m["m"].(neo4j.Node)
				node := s.decodeEntity(other)
				ns = append(ns, s.neighbour(rel, node, row.id, node.ID, m))
			}
			out[row.id] = ns
		}
		return out, nil
	})
}

// neighbourRow is one row of a neighbour query: the entity asked about,
// the total (-1 when not counted) and the page's items.
type neighbourRow struct {
	id    string
	total int
	items []map[string]any
}

// readNeighbours runs a neighbour query, which answers a row for each
// entity found, and turns the rows' items into neighbours with build, in
// the same read transaction.
func (s *Store) readNeighbours(ctx context.Context, op string, q model.NeighbourQuery, kept keptCount, queryFor func(counts bool) string, p map[string]any,
	build func(tx neo4j.ManagedTransaction, rows []neighbourRow) (map[string][]model.Neighbour, error)) (map[string]model.NeighbourPage, error) {
	pages, total, state, err := pageAt(kept.total, kept.state, func(total int) (map[string]model.NeighbourPage, string, error) {
		kept := keptCount{key: kept.key, total: total}
		query := queryFor(kept.counts(q))
		return readAt(ctx, s, op, func(tx neo4j.ManagedTransaction) (map[string]model.NeighbourPage, error) {
			res, err := tx.Run(ctx, query, p)
			if err != nil {
				return nil, err
			}
			var rows []neighbourRow
			for res.Next(ctx) {
				rec := res.Record()
				id, _, _ := neo4j.GetRecordValue[string](rec, "id")
				total, _, _ := neo4j.GetRecordValue[int64](rec, "total")
				raw, _, _ := neo4j.GetRecordValue[[]any](rec, "page")
				row := neighbourRow{id: id, total: int(total), items: make([]map[string]any, 0, len(raw))}
				for _, it := range raw {
					m, _ := it.(map[string]any)
					row.items = append(row.items, m)
				}
				rows = append(rows, row)
			}
			if err := res.Err(); err != nil {
				return nil, err
			}
			ns, err := build(tx, rows)
			if err != nil {
				return nil, err
			}
			out := make(map[string]model.NeighbourPage, len(rows))
			for _, row := range rows {
				page := model.NeighbourPage{Total: row.total, Neighbours: ns[row.id]}
				if kept.total >= 0 {
					page.Total = kept.total
				}
				if q.WithoutTotal && len(row.items) > q.Limit {
					page.More = true
					if len(page.Neighbours) > q.Limit {
						page.Neighbours = page.Neighbours[:q.Limit]
					}
				}
				out[row.id] = page
			}
			if q.WithEvidence && len(out) > 0 {
				// One statement for every page's relationships; each page
				// gets its own relationships' evidence and the sources.
				var facts []string
				for _, page := range out {
					for _, n := range page.Neighbours {
						facts = append(facts, n.Relationship.ID)
					}
				}
				b, err := s.evidenceWithSources(ctx, tx, slices.Compact(slices.Sorted(slices.Values(facts))))
				if err != nil {
					return nil, err
				}
				for id, page := range out {
					own := model.EntityBundle{Evidence: make(map[string][]model.Evidence, len(page.Neighbours)), Sources: b.Sources}
					for _, n := range page.Neighbours {
						own.Evidence[n.Relationship.ID] = b.Evidence[n.Relationship.ID]
					}
					page.Facts = &own
					out[id] = page
				}
			}
			return out, nil
		})
	})
	if err == nil && kept.key != "" && total < 0 {
		for _, page := range pages {
			s.totals.put(kept.key, state, page.Total)
		}
	}
	return pages, err
}

// keptCount is where the total of one entity's neighbour page is kept
// (stateCache): key names it, empty when it is not kept (not asked for, or
// pages of several entities); total is the value kept and state the state
// it was counted at (keptTotal), total -1 when there is none and the
// statement must count.
type keptCount struct {
	key   string
	total int
	state string // the state total was counted at
}

// counts reports whether the statement for q must count the matches.
func (k keptCount) counts(q model.NeighbourQuery) bool { return !q.WithoutTotal && k.total < 0 }

// keptNeighbourTotal looks for the kept total (keptTotal) of a single
// entity's counted neighbour page.
func (s *Store) keptNeighbourTotal(q model.NeighbourQuery, ids []string, p map[string]any) keptCount {
	if q.WithoutTotal || len(ids) != 1 {
		return keptCount{total: -1}
	}
	key, total, state := s.keptTotal(false, "neighbours|"+string(q.View)+"|"+fmt.Sprint(q.Direction), p)
	return keptCount{key: key, total: total, state: state}
}

// neighbour is one item of a neighbour page: the relationship between this
// (the entity asked about) and other, read in its own direction (the item's
// "out" says whether it leaves this).
func (s *Store) neighbour(rel neo4j.Relationship, node *model.Entity, this, other string, item map[string]any) model.Neighbour {
	outgoing, _ := item["out"].(bool)
	from, to := this, other
	if !outgoing {
		from, to = to, from
	}
	return model.Neighbour{Relationship: s.decodeRel(rel, from, to), Node: node, Outgoing: outgoing}
}

// cypherSearch ranks a name that equals the query first, then names that
// start with it, then by full-text relevance (which favours short names, so
// "Aurus gift to Kim Jong Un" must not beat "Kim Jong Un" itself).
const cypherSearch = `CALL db.index.fulltext.queryNodes('node_names', $q, {limit: $max}) YIELD node, score
WHERE ($kinds IS NULL OR node.kind IN $kinds) AND node.statusRank >= 0
WITH node, score, split(node.searchText, '\n') AS names
WITH node, score + CASE WHEN $norm IN names THEN 100.0
                        WHEN any(x IN names WHERE x STARTS WITH $norm) THEN 50.0
                        ELSE 0.0 END AS score
ORDER BY score DESC, node.sortName, node.id
WITH collect({n: node, s: score}) AS hits
RETURN size(hits) AS total, hits[$skip..$skip + $limit] AS page`

// maxSearchTerms bounds the words of one search.
const maxSearchTerms = 12

// maxTermLength bounds the characters of one searched word: Lucene refuses
// the prefix query of a word of about a thousand ("input automaton is too
// large"), which would surface as INTERNAL; no name has such a word.
const maxTermLength = 100

// LuceneQuery turns search text into a full-text query: the text is
// normalised like stored names (model.NormalizeName), every word is
// required, and the last one also matches as a prefix, so results appear
// while a name is being typed. Normalisation leaves only letters, digits and
// spaces, so nothing in the text can act as Lucene syntax.
func LuceneQuery(text string) (query string, terms []string, err error) {
	terms = strings.Fields(model.NormalizeName(text))
	if len(terms) == 0 {
		return "", nil, fmt.Errorf("query %q has no letters or digits to search for", text)
	}
	if len(terms) > maxSearchTerms {
		return "", nil, fmt.Errorf("query has %d words; at most %d are searched", len(terms), maxSearchTerms)
	}
	for _, t := range terms {
		if n := utf8.RuneCountInString(t); n > maxTermLength {
			return "", nil, fmt.Errorf("query has a word of %d characters; at most %d are searched", n, maxTermLength)
		}
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		if i == len(terms)-1 {
			parts[i] = "+(" + t + " OR " + t + "*)"
		} else {
			parts[i] = "+" + t
		}
	}
	return strings.Join(parts, " "), terms, nil
}

// Search finds entities by any of their names, ranked by relevance, and says
// which name matched. Errors: BAD_USER_INPUT for a query without words.
func (s *Store) Search(ctx context.Context, q model.SearchQuery) (model.SearchPage, error) {
	const op = "cypher.Store.Search"
	lq, terms, err := LuceneQuery(q.Text)
	if err != nil {
		return model.SearchPage{}, &model.Error{Code: model.BadUserInput, Message: "query: " + err.Error(), Op: op}
	}
	p := map[string]any{
		"q": lq, "norm": strings.Join(terms, " "), "max": int64(model.MaxSearchHits), "kinds": kindList(q.Kinds),
		"skip": int64(q.Offset), "limit": int64(q.Limit),
	}
	if q.View == model.ViewResolved {
		return s.searchResolved(ctx, p, terms)
	}
	return read(ctx, s, op, func(tx neo4j.ManagedTransaction) (model.SearchPage, error) {
		res, err := tx.Run(ctx, cypherSearch, p)
		if err != nil {
			return model.SearchPage{}, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return model.SearchPage{}, err
		}
		total, _, _ := neo4j.GetRecordValue[int64](rec, "total")
		items, _, _ := neo4j.GetRecordValue[[]any](rec, "page")
		page := model.SearchPage{Total: int(total)}
		for _, it := range items {
			m, _ := it.(map[string]any)
			n, _ := m["n"].(neo4j.Node)
			score, _ := m["s"].(float64)
			e := s.decodeEntity(n)
			page.Hits = append(page.Hits, model.SearchResult{Entity: e, Score: score, MatchedName: MatchedName(e, terms)})
		}
		return page, nil
	})
}

// MatchedName picks the name or alias that best explains a hit: the first
// (name before aliases) containing every term, the last as a prefix;
// otherwise the one sharing the most terms.
func MatchedName(e *model.Entity, terms []string) string {
	names := append([]string{e.Name}, e.Aliases...)
	best, bestScore := e.Name, -1
	for _, n := range names {
		words := strings.Fields(model.NormalizeName(n))
		score := 0
		for i, t := range terms {
			for _, w := range words {
				if w == t || (i == len(terms)-1 && strings.HasPrefix(w, t)) {
					score++
					break
				}
			}
		}
		if score > bestScore {
			best, bestScore = n, score
		}
		if score == len(terms) {
			return n
		}
	}
	return best
}

// entityWhere is the MATCH and WHERE of an entity list, written from the
// filters given: a filter not given adds nothing (a `$x IS NULL OR …` test
// keeps the planner from an index and makes it read every node), and one
// kind becomes the pattern's label (a schema constant), so the planner can
// start from that label's indexes (a listing's authorityId, a vessel's IMO
// number) rather than from every node. Values stay parameters.
func entityWhere(q model.EntityQuery) string {
	match, conds := kindMatch(q.Kinds)
	if len(q.Statuses) > 0 {
		conds = append(conds, "n.status IN $statuses")
	}
	if q.Dataset != "" {
		conds = append(conds, "n.dataset = $dataset")
	}
	if q.ActiveAt != "" {
		conds = append(conds, `(n.validFrom IS NULL OR n.validFrom <= $atLast) AND (n.validUntil IS NULL OR n.validUntil >= $atFirst) AND `+overlapClause("n", "$atFirst", "$atLast"))
	}
	return match + ")\nWHERE " + strings.Join(conds, "\n  AND ")
}

var (
	entityOrders = map[model.EntityOrder]string{
		model.ByNameAsc:  `ORDER BY n.sortName, n.id`,
		model.ByNameDesc: `ORDER BY n.sortName DESC, n.id`,
		model.ByDateAsc:  `ORDER BY n.when IS NULL, n.when, n.sortName, n.id`,
		model.ByDateDesc: `ORDER BY n.when IS NULL, n.when DESC, n.sortName, n.id`,
	}
)

// Entities lists entities with filters, sorted, one page at a time.
// Errors: BAD_USER_INPUT for a bad date or sort.
func (s *Store) Entities(ctx context.Context, q model.EntityQuery) (model.EntityPage, error) {
	const op = "cypher.Store.Entities"
	atFirst, atLast, err := optPeriod(q.ActiveAt)
	if err != nil {
		return model.EntityPage{}, &model.Error{Code: model.BadUserInput, Message: "activeAt: " + err.Error(), Op: op}
	}
	order, ok := entityOrders[q.Sort]
	if !ok {
		return model.EntityPage{}, &model.Error{Code: model.BadUserInput, Message: "sort is not a known order", Op: op}
	}
	var dataset any
	if q.Dataset != "" {
		dataset = q.Dataset
	}
	p := map[string]any{
		"kinds": kindList(q.Kinds), "statuses": statusList(q.Statuses), "minRank": int64(q.MinStatus.Rank()),
		"dataset": dataset, "atFirst": atFirst, "atLast": atLast, "skip": int64(q.Offset), "limit": int64(q.Limit),
	}
	props, err := propertyConditions("n", q.Properties, s.kindPropertyDecl(q.Kinds), p)
	if err != nil {
		return model.EntityPage{}, &model.Error{Code: model.BadUserInput, Message: "properties: " + err.Error(), Op: op}
	}
	filter := entityWhere(q) + props + "\n"
	if q.WithoutTotal {
		// One more than the page says whether another page follows.
		p["limit"] = int64(q.Limit + 1)
	}
	if q.View == model.ViewResolved {
		return s.entitiesResolved(ctx, q, filter, p)
	}
	seek, keyed := keysetCondition(q, p, "n.sortName", "n.id")
	if seek != "" {
		seek = "  AND " + seek + "\n"
	}
	pageQuery := filter + seek + `RETURN n ` + order + ` SKIP $skip LIMIT $limit`
	countQuery := filter + `RETURN count(n) AS total`
	key, kept, keptState := s.keptTotal(q.WithoutTotal, countQuery, p)
	page, total, state, err := pageAt(kept, keptState, func(total int) (model.EntityPage, string, error) {
		return readAt(ctx, s, op, func(tx neo4j.ManagedTransaction) (model.EntityPage, error) {
			page := model.EntityPage{Total: total}
			var nodes []neo4j.Node
			var err error
			if q.WithoutTotal || total >= 0 {
				nodes, err = pageNodes(ctx, tx, pageQuery, p)
			} else {
				page.Total, nodes, err = countAndPage(ctx, tx, countQuery, pageQuery, p)
			}
			if err != nil {
				return page, err
			}
			for _, n := range nodes {
				page.Entities = append(page.Entities, s.decodeEntity(n))
				if keyed {
					page.Keys = append(page.Keys, model.SortKey{Name: str(n.Props["sortName"]), ID: str(n.Props["id"])})
				}
			}
			trimPage(&page, q)
			return page, s.pageFacts(ctx, tx, q.WithEvidence, &page)
		})
	})
	s.keepTotal(key, total, state, page.Total, err)
	return page, err
}

// keysetCondition is the seek of a page by its keyset cursor: in a name
// order, a condition on the sort name and id expressions keeping the items
// after q.After, the page then read from there, not skipped to (its
// parameters are set in p). keyed says the order is by name, so the page
// returns its items' keys for the next cursors. Other orders page by
// offset.
func keysetCondition(q model.EntityQuery, p map[string]any, name, id string) (cond string, keyed bool) {
	var cmp string
	switch q.Sort {
	case model.ByNameAsc:
		cmp = ">"
	case model.ByNameDesc:
		cmp = "<" // ids ascend within a name in both orders
	default:
		return "", false
	}
	if q.After == nil {
		return "", true
	}
	p["afterName"], p["afterID"], p["skip"] = q.After.Name, q.After.ID, int64(0)
	// name >= key AND (name > key OR id > key's id): the first conjunct is
	// a range the planner can seek in the sort name's index.
	return name + " " + cmp + "= $afterName AND (" + name + " " + cmp + " $afterName OR " + id + " > $afterID)", true
}

// keptTotal returns the total of a list kept (stateCache) and the state it
// was counted at, or -1 when none is kept or none is wanted. The caller
// reads its page and uses the total only if the page was read at that same
// state (usedKept), else counts again: no extra round trip to ask for the
// state, and a total never from another state than its page. key names the
// count (the statement and its filter parameters, not the page's position).
func (s *Store) keptTotal(withoutTotal bool, countQuery string, p map[string]any) (key string, total int, state string) {
	if withoutTotal {
		return "", -1, ""
	}
	names := make([]string, 0, len(p))
	for k := range p {
		if k != "skip" && k != "limit" && k != "afterName" && k != "afterID" && k != "walk" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(countQuery)
	for _, k := range names {
		fmt.Fprintf(&b, "\x00%s=%#v", k, p[k])
	}
	key = b.String()
	if n, st, ok := s.totals.peek(key); ok && st != "" {
		return key, n, st
	}
	return key, -1, ""
}

// pageAt reads a page with a kept total (-1: count it in the same
// transaction). A page read at another state than the kept total's is read
// again, counting. It returns the total it kept (-1 when it counted) and
// the state the page was read at.
func pageAt[T any](kept int, keptState string, read func(total int) (T, string, error)) (page T, usedKept int, state string, err error) {
	page, state, err = read(kept)
	if err == nil && kept >= 0 && state != keptState {
		kept = -1
		page, state, err = read(kept)
	}
	return page, kept, state, err
}

// pageFacts reads, when asked, the evidence of a page's records and the
// sources it cites, in the page's transaction.
func (s *Store) pageFacts(ctx context.Context, tx neo4j.ManagedTransaction, want bool, page *model.EntityPage) error {
	if !want {
		return nil
	}
	var facts []string
	for _, e := range page.Entities {
		facts = append(facts, e.RecordIDs()...)
	}
	b, err := s.evidenceWithSources(ctx, tx, slices.Compact(slices.Sorted(slices.Values(facts))))
	page.Facts = &b
	return err
}

// keepTotal keeps a total counted (not kept) at state.
func (s *Store) keepTotal(key string, kept int, state string, total int, err error) {
	if key != "" && kept < 0 && err == nil && total >= 0 {
		s.totals.put(key, state, total)
	}
}

// trimPage ends a page asked without its total: the row past the page
// says that more follow, and Total is -1 (not counted).
func trimPage(page *model.EntityPage, q model.EntityQuery) {
	if !q.WithoutTotal {
		return
	}
	page.Total = -1
	if len(page.Entities) > q.Limit {
		page.Entities, page.More = page.Entities[:q.Limit], true
		if len(page.Keys) > q.Limit {
			page.Keys = page.Keys[:q.Limit]
		}
	}
}

// countAndPage runs a count query (returning total) and a page query
// (returning nodes n) with the same parameters, in one transaction.
func countAndPage(ctx context.Context, tx neo4j.ManagedTransaction, countQuery, pageQuery string, p map[string]any) (int, []neo4j.Node, error) {
	total, err := single[int64](ctx, tx, countQuery, p, "total")
	if err != nil {
		return 0, nil, err
	}
	nodes, err := pageNodes(ctx, tx, pageQuery, p)
	return int(total), nodes, err
}

// pageNodes runs a page query returning nodes n.
func pageNodes(ctx context.Context, tx neo4j.ManagedTransaction, pageQuery string, p map[string]any) ([]neo4j.Node, error) {
	res, err := tx.Run(ctx, pageQuery, p)
	if err != nil {
		return nil, err
	}
	var nodes []neo4j.Node
	for res.Next(ctx) {
		n, _, _ := neo4j.GetRecordValue[neo4j.Node](res.Record(), "n")
		nodes = append(nodes, n)
	}
	return nodes, res.Err()
}

const timelineFilter = `MATCH (n:` + schema.NodeLabel + `)
WHERE n.when IS NOT NULL
  AND ($from IS NULL OR n.when >= $from)
  AND ($to IS NULL OR n.when <= $to)
  AND ($kinds IS NULL OR n.kind IN $kinds)
  AND n.statusRank >= $minRank
`

const (
	cypherTimelineCount = timelineFilter + `RETURN count(n) AS total`
	cypherTimelinePage  = timelineFilter + `RETURN n ORDER BY n.when, n.sortName, n.id SKIP $skip LIMIT $limit`
)

// Timeline lists dated entities (events, transfers, resolutions, listings,
// sources) in date order. Errors: BAD_USER_INPUT for a bad date or range.
func (s *Store) Timeline(ctx context.Context, q model.TimelineQuery) (model.TimelinePage, error) {
	const op = "cypher.Store.Timeline"
	from, err := optDate(q.From)
	if err != nil {
		return model.TimelinePage{}, &model.Error{Code: model.BadUserInput, Message: "from: " + err.Error(), Op: op}
	}
	to, err := optDate(q.To)
	if err != nil {
		return model.TimelinePage{}, &model.Error{Code: model.BadUserInput, Message: "to: " + err.Error(), Op: op}
	}
	if q.From != "" && q.To != "" && q.To < q.From {
		return model.TimelinePage{}, &model.Error{Code: model.BadUserInput, Message: "to: must not be before from", Op: op}
	}
	p := map[string]any{
		"from": from, "to": to, "kinds": kindList(q.Kinds), "minRank": int64(q.MinStatus.Rank()),
		"skip": int64(q.Offset), "limit": int64(q.Limit),
	}
	return read(ctx, s, op, func(tx neo4j.ManagedTransaction) (model.TimelinePage, error) {
		var page model.TimelinePage
		total, nodes, err := countAndPage(ctx, tx, cypherTimelineCount, cypherTimelinePage, p)
		page.Total = total
		for _, n := range nodes {
			page.Items = append(page.Items, model.TimelineItem{Date: dateStr(n.Props["when"]), Entity: s.decodeEntity(n)})
		}
		return page, err
	})
}

const (
	cypherCountNodesTail = `
RETURN n.kind AS kind, n.status AS status, [n.dataset] AS datasets, count(*) AS c`
)

// kindMatch starts the MATCH of records n of kinds, without its closing
// parenthesis, and their first conditions (status): one kind is the
// pattern's label (a schema constant), several an IN test, none nothing.
func kindMatch(kinds []schema.Kind) (match string, conds []string) {
	match = `MATCH (n:` + schema.NodeLabel
	conds = []string{"n.statusRank >= $minRank"}
	switch {
	case len(kinds) == 1 && slices.Contains(schema.Kinds, kinds[0]):
		match += ":" + string(schema.Kinds[slices.Index(schema.Kinds, kinds[0])])
	case len(kinds) > 0:
		conds = append(conds, "n.kind IN $kinds")
	}
	return match, conds
}

// countMatch is the MATCH and WHERE of the records a count reads, written
// from the filters given (as entityWhere: a filter not given adds nothing,
// one kind becomes the label).
func countMatch(q model.CountQuery) string {
	match, conds := kindMatch(q.Kinds)
	if q.Dataset != "" {
		conds = append(conds, "n.dataset = $dataset")
	}
	return match + ")\nWHERE " + strings.Join(conds, " AND ")
}

// countRelsQuery counts relationships between entities by type with the
// filters given: with one kind, those from an entity of that kind and those
// to one from another kind, each walked from the kind's label (a third of
// the work of testing both ends of every relationship on the 1M graph).
func countRelsQuery(q model.CountQuery) string {
	conds := []string{"r.statusRank >= $minRank"}
	if q.Dataset != "" {
		conds = append(conds, "r.dataset = $dataset")
	}
	where := strings.Join(conds, " AND ")
	if len(q.Kinds) == 1 && slices.Contains(schema.Kinds, q.Kinds[0]) {
		kind := string(schema.Kinds[slices.Index(schema.Kinds, q.Kinds[0])])
		return `CALL {
  MATCH (a:` + schema.NodeLabel + `:` + kind + `)-[r]->(b:` + schema.NodeLabel + `) WHERE ` + where + ` RETURN r
  UNION ALL
  MATCH (a:` + schema.NodeLabel + `)-[r]->(b:` + schema.NodeLabel + `:` + kind + `) WHERE ` + where + ` AND NOT a:` + kind + ` RETURN r
}
RETURN type(r) AS t, count(*) AS c`
	}
	if len(q.Kinds) > 0 {
		where += " AND (a.kind IN $kinds OR b.kind IN $kinds)"
	}
	return `MATCH (a:` + schema.NodeLabel + `)-[r]->(b:` + schema.NodeLabel + `)
WHERE ` + where + `
RETURN type(r) AS t, count(*) AS c`
}

// countNodes runs a node count (cypherCountNodes, cypherCountResolvedNodes:
// kind, status, datasets and a count per row) and adds it up by kind,
// status and dataset.
func countNodes(ctx context.Context, tx neo4j.ManagedTransaction, query string, p map[string]any, c *model.Counts, byKind, byStatus, byDataset map[string]int) error {
	res, err := tx.Run(ctx, query, p)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		rec := res.Record()
		k, _, _ := neo4j.GetRecordValue[string](rec, "kind")
		st, _, _ := neo4j.GetRecordValue[string](rec, "status")
		ds, _, _ := neo4j.GetRecordValue[[]any](rec, "datasets")
		n, _, _ := neo4j.GetRecordValue[int64](rec, "c")
		byKind[k] += int(n)
		byStatus[st] += int(n)
		for _, d := range strs(ds) {
			byDataset[d] += int(n)
		}
		c.Entities += int(n)
	}
	return res.Err()
}

// cypherCountRelsFast reads per-type totals from Neo4j's count store, for
// unfiltered dashboards: constant time whatever the graph's size.
var cypherCountRelsFast = func() string {
	parts := make([]string, len(schema.RelTypes))
	for i, t := range schema.RelTypes {
		parts[i] = `MATCH ()-[r:` + string(t) + `]->() RETURN '` + string(t) + `' AS t, count(r) AS c`
	}
	return "CALL {\n" + strings.Join(parts, "\nUNION ALL\n") + "\n}\nRETURN t, c"
}()

// Counts returns dashboard totals of entities by kind, status and dataset,
// and of relationships by type. They are computed once per database state
// (stateCache): while nothing has been committed since, a request costs one
// trivial read that asks Neo4j for its state, whatever the graph's size.
//
// Requests that find no count kept at the same state share one count (a
// flight per key and state): the dashboards that all ask after a load
// cost one scan of the graph, not one each.
func (s *Store) Counts(ctx context.Context, q model.CountQuery) (*model.Counts, error) {
	key := countKey(q)
	st, err := s.state(ctx)
	if err != nil || st == "" {
		c, st, err := s.countNow(ctx, q)
		if err != nil {
			return nil, err
		}
		s.counts.put(key, st, c)
		return c.Clone(), nil
	}
	c, err := s.countsAt(ctx, q, key, st)
	if err != nil {
		return nil, err
	}
	return c.Clone(), nil
}

// countKey names a count in the cache and its flights.
func countKey(q model.CountQuery) string {
	return fmt.Sprintf("%s|%q|%q|%s", q.View, kindStrings(q.Kinds), q.Dataset, q.MinStatus)
}

// countsAt returns the counts kept at state st or counts them, sharing the
// count with every caller at st; the result is shared, not to be changed.
func (s *Store) countsAt(ctx context.Context, q model.CountQuery, key, st string) (*model.Counts, error) {
	if c, ok := s.counts.get(key, st); ok {
		return c, nil
	}
	return shareFlight(ctx, &s.countFlights, key+"@"+st, st, func(fctx context.Context) (*model.Counts, error) {
		if c, ok := s.counts.get(key, st); ok { // counted by a flight that just ended
			return c, nil
		}
		c, at, err := s.countNow(fctx, q)
		if err == nil {
			s.counts.put(key, at, c)
		}
		return c, err
	})
}

// countNow counts in the database; it returns the state it counted at.
func (s *Store) countNow(ctx context.Context, q model.CountQuery) (*model.Counts, string, error) {
	const op = "cypher.Store.Counts"
	var dataset any
	if q.Dataset != "" {
		dataset = q.Dataset
	}
	p := map[string]any{"kinds": kindList(q.Kinds), "dataset": dataset, "minRank": int64(q.MinStatus.Rank())}
	unfiltered := len(q.Kinds) == 0 && q.Dataset == "" && q.MinStatus == ""
	return readAt(ctx, s, op, func(tx neo4j.ManagedTransaction) (*model.Counts, error) {
		c := &model.Counts{}
		byKind, byStatus, byDataset := map[string]int{}, map[string]int{}, map[string]int{}
		// A resolved entity counts by its preferred record's kind and status,
		// and once in each dataset that has a record of it (so byDataset
		// may sum to more than the total).
		nodeQuery := countMatch(q) + cypherCountNodesTail
		switch {
		case q.View == model.ViewResolved && len(q.Kinds) == 0 && q.Dataset == "":
			nodeQuery = cypherCountAllResolved
		case q.View == model.ViewResolved:
			nodeQuery = countMatch(q) + cypherCountResolvedTail
		}
		if err := countNodes(ctx, tx, nodeQuery, p, c, byKind, byStatus, byDataset); err != nil {
			return nil, err
		}
		relQuery := countRelsQuery(q)
		if unfiltered {
			relQuery = cypherCountRelsFast
		}
		res, err := tx.Run(ctx, relQuery, p)
		if err != nil {
			return nil, err
		}
		byType := map[string]int{}
		for res.Next(ctx) {
			rec := res.Record()
			t, _, _ := neo4j.GetRecordValue[string](rec, "t")
			n, _, _ := neo4j.GetRecordValue[int64](rec, "c")
			if q.View == model.ViewResolved && t == string(schema.SameAs) {
				continue // joins records of one entity: not a relationship between entities
			}
			byType[t] += int(n)
			c.Relationships += int(n)
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		for _, k := range schema.Kinds {
			if n := byKind[string(k)]; n > 0 {
				c.ByKind = append(c.ByKind, model.KindCount{Kind: k, Count: n})
			}
		}
		for _, st := range schema.Statuses {
			if n := byStatus[string(st)]; n > 0 {
				c.ByStatus = append(c.ByStatus, model.StatusCount{Status: st, Count: n})
			}
		}
		for _, t := range schema.RelTypes {
			if n := byType[string(t)]; n > 0 {
				c.ByRelationshipType = append(c.ByRelationshipType, model.RelationshipTypeCount{Type: t, Count: n})
			}
		}
		names := make([]string, 0, len(byDataset))
		for d := range byDataset {
			names = append(names, d)
		}
		sort.Strings(names)
		for _, d := range names {
			c.ByDataset = append(c.ByDataset, model.DatasetCount{Dataset: d, Count: byDataset[d]})
		}
		return c, nil
	})
}
