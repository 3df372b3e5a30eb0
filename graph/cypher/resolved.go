package cypher

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Reads of the resolved graph (see resolve.go for how it is stored).

// resolvedOf matches `res`, the resolved entity an id names: a resolved id
// is its preferred record's id, so both a resolved id and the id of any of
// its records lead there through that record's RECORD_OF.
const resolvedOf = `MATCH (:` + schema.NodeLabel + ` {id: id})-[:` + string(schema.RecordOf) + `]->(res:` + schema.ResolvedLabel + `)
`

// cypherResolvedByID reads each entity's records; the SAME_AS links
// between them (SameAsLinks) and listings (Listings) are read when asked for.
const cypherResolvedByID = `UNWIND $ids AS id
` + resolvedOf + `MATCH (res)-[:` + string(schema.HasRecord) + `]->(n:` + schema.NodeLabel + `)
RETURN id, res.id AS rid, collect({n: n}) AS records`

const cypherClusterLinks = `WITH $id AS id
` + resolvedOf + `MATCH (res)-[:` + string(schema.HasRecord) + `]->(n:` + schema.NodeLabel + `)-[s:` + string(schema.SameAs) + `]->(o:` + schema.NodeLabel + `)-[:` + string(schema.RecordOf) + `]->(res)
RETURN s, n.id AS from, o.id AS to ORDER BY s.id`

// SameAsLinks returns the SAME_AS links that join the records of the
// resolved entity an id names, in id order (none for an unknown id).
func (s *Store) SameAsLinks(ctx context.Context, id string) ([]*model.Relationship, error) {
	return read(ctx, s, "cypher.Store.SameAsLinks", func(tx neo4j.ManagedTransaction) ([]*model.Relationship, error) {
		res, err := tx.Run(ctx, cypherClusterLinks, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		out := []*model.Relationship{}
		for res.Next(ctx) {
			rec := res.Record()
			r, _, _ := neo4j.GetRecordValue[neo4j.Relationship](rec, "s")
			from, _, _ := neo4j.GetRecordValue[string](rec, "from")
			to, _, _ := neo4j.GetRecordValue[string](rec, "to")
			out = append(out, s.decodeRel(r, from, to))
		}
		return out, res.Err()
	})
}

const cypherListings = `UNWIND $ids AS id
MATCH (l:` + string(schema.Sanction) + `)-[:` + string(schema.Designates) + `]->(:` + schema.NodeLabel + ` {id: id})
WITH id, l ORDER BY l.id
RETURN id, collect(l)[..$max] AS listings`

// MaxListings bounds the listings shown per record.
const MaxListings = 20

// Listings returns, for each record id, the listings (Sanction records)
// that designate it, by id, at most MaxListings each.
func (s *Store) Listings(ctx context.Context, ids []string) (map[string][]*model.Entity, error) {
	return read(ctx, s, "cypher.Store.Listings", func(tx neo4j.ManagedTransaction) (map[string][]*model.Entity, error) {
		res, err := tx.Run(ctx, cypherListings, map[string]any{"ids": ids, "max": int64(MaxListings)})
		if err != nil {
			return nil, err
		}
		out := map[string][]*model.Entity{}
		for res.Next(ctx) {
			id, _, _ := neo4j.GetRecordValue[string](res.Record(), "id")
			ls, _, _ := neo4j.GetRecordValue[[]any](res.Record(), "listings")
			for _, l := range ls {
				if n, ok := l.(neo4j.Node); ok {
					out[id] = append(out[id], s.decodeEntity(n))
				}
			}
		}
		return out, res.Err()
	})
}

// ResolvedByID returns the resolved entities that these ids name (resolved
// ids or ids of their records), keyed by the id asked for; unknown ids are
// absent.
func (s *Store) ResolvedByID(ctx context.Context, ids []string) (map[string]*model.Entity, error) {
	return read(ctx, s, "cypher.Store.ResolvedByID", func(tx neo4j.ManagedTransaction) (map[string]*model.Entity, error) {
		return s.resolvedByID(ctx, tx, ids)
	})
}

func (s *Store) resolvedByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]*model.Entity, error) {
	out := make(map[string]*model.Entity, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// An id asked twice (two relationships to one entity on a page) would
	// collect that entity's records twice.
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	res, err := tx.Run(ctx, cypherResolvedByID, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	byRID := map[string]*model.Entity{}
	for res.Next(ctx) {
		rec := res.Record()
		id, _, _ := neo4j.GetRecordValue[string](rec, "id")
		rid, _, _ := neo4j.GetRecordValue[string](rec, "rid")
		if e, ok := byRID[rid]; ok {
			out[id] = e
			continue
		}
		items, _, _ := neo4j.GetRecordValue[[]any](rec, "records")
		e := s.decodeResolved(rid, items)
		byRID[rid] = e
		out[id] = e
	}
	return out, res.Err()
}

// decodeResolved builds a resolved entity from its records: the preferred
// record's id... name, description and provenance; every other name as an
// alias; properties merged; the strongest status of any record.
func (s *Store) decodeResolved(rid string, items []any) *model.Entity {
	var recs []*model.Record
	for _, it := range items {
		m, _ := it.(map[string]any)
		n, _ := m["n"].(neo4j.Node)
		r := &model.Record{Entity: s.decodeEntity(n)}
		recs = append(recs, r)
	}
	sort.Slice(recs, func(i, j int) bool {
		a, b := recs[i].Entity, recs[j].Entity
		if a.ID == rid || b.ID == rid {
			return a.ID == rid
		}
		return preferred(a.ID, a.Dataset, b.ID, b.Dataset)
	})
	if len(recs) == 0 {
		return &model.Entity{ID: rid, Records: []*model.Record{}}
	}
	p := recs[0].Entity
	e := &model.Entity{
		ID: rid, Kind: p.Kind, Name: p.Name, Description: p.Description,
		Properties: model.Properties{}, Provenance: p.Provenance, Records: recs,
	}
	seen := map[string]bool{p.Name: true}
	for _, r := range recs {
		for _, n := range append([]string{r.Entity.Name}, r.Entity.Aliases...) {
			if !seen[n] {
				seen[n] = true
				e.Aliases = append(e.Aliases, n)
			}
		}
		for _, k := range sortedKeys(r.Entity.Properties) {
			for _, v := range r.Entity.Properties[k] {
				if !slices.Contains(e.Properties[k], v) {
					e.Properties[k] = append(e.Properties[k], v)
				}
			}
		}
		if r.Entity.Status.Rank() > e.Status.Rank() && r.Entity.Retracted == nil {
			e.Status = r.Entity.Status
		}
	}
	if e.Description == "" {
		for _, r := range recs {
			if r.Entity.Description != "" {
				e.Description = r.Entity.Description
				break
			}
		}
	}
	return e
}

// ResolvedEntity returns the resolved entity an id names (its own id or a
// record's). Errors: NOT_FOUND.
func (s *Store) ResolvedEntity(ctx context.Context, id string) (*model.Entity, error) {
	m, err := s.ResolvedByID(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if e, ok := m[id]; ok {
		return e, nil
	}
	return nil, &model.Error{Code: model.NotFound, Message: fmt.Sprintf("no entity with id %q", id), Op: "cypher.Store.ResolvedEntity"}
}

// cypherSearchResolved ranks like cypherSearch, one hit per resolved
// entity: its best score, ties by the first name among its hits, then id;
// each hit of the page comes with its records (what resolvedByID reads), so
// a search is one statement.
const cypherSearchResolved = `CALL db.index.fulltext.queryNodes('node_names', $q, {limit: $max}) YIELD node, score
WHERE ($kinds IS NULL OR node.kind IN $kinds) AND node.statusRank >= 0
WITH node, score, split(node.searchText, '\n') AS names
WITH node, score + CASE WHEN $norm IN names THEN 100.0
                        WHEN any(x IN names WHERE x STARTS WITH $norm) THEN 50.0
                        ELSE 0.0 END AS score
MATCH (node)-[:` + string(schema.RecordOf) + `]->(r:` + schema.ResolvedLabel + `)
WITH r, max(score) AS score, min(node.sortName) AS sortName
ORDER BY score DESC, sortName, r.id
WITH collect({r: r, s: score}) AS hits
WITH size(hits) AS total, hits[$skip..$skip + $limit] AS hits
CALL (hits) {
  UNWIND range(0, size(hits) - 1) AS i
  WITH i, hits[i].r AS r, hits[i].s AS s ORDER BY i
  RETURN collect({id: r.id, s: s, records: COLLECT { MATCH (r)-[:` + string(schema.HasRecord) + `]->(n:` + schema.NodeLabel + `) RETURN {n: n} }}) AS page
}
RETURN total, page`

func (s *Store) searchResolved(ctx context.Context, p map[string]any, terms []string) (model.SearchPage, error) {
	return read(ctx, s, "cypher.Store.Search", func(tx neo4j.ManagedTransaction) (model.SearchPage, error) {
		res, err := tx.Run(ctx, cypherSearchResolved, p)
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
			recs, _ := m["records"].([]any)
			if len(recs) == 0 {
				continue
			}
			e := s.decodeResolved(str(m["id"]), recs)
			sc, _ := m["s"].(float64)
			page.Hits = append(page.Hits, model.SearchResult{Entity: e, Score: sc, MatchedName: MatchedName(e, terms)})
		}
		return page, res.Err()
	})
}

// resolvedNeighbourQuery is neighbourQuery for the resolved graph: the
// relationships of every record of the entity, to records of other
// resolved entities (SAME_AS left out: it joins records of one entity),
// sorted by the other entity's preferred record. One row for each of $ids
// (none for an unknown id).
func resolvedNeighbourQuery(q model.NeighbourQuery, p map[string]any, count bool) (string, bool) {
	types, _ := p["types"].([]string)
	pattern, ok := neighbourPattern(q.Direction, types)
	if !ok {
		return "", false
	}
	match := `MATCH (res)-[:` + string(schema.HasRecord) + `]->(n:` + schema.NodeLabel + `)` + pattern +
		`(m:` + schema.NodeLabel + `)-[:` + string(schema.RecordOf) + `]->(mr:` + schema.ResolvedLabel + `)
  WHERE mr <> res AND ` + neighbourWhere(q, types, p)
	total := `-1`
	if count {
		total = `COUNT { ` + match + ` }`
	}
	return `UNWIND $ids AS id
` + resolvedOf + `CALL (res) {
  ` + match + `
  OPTIONAL MATCH (mp:` + schema.NodeLabel + ` {id: mr.id})
  WITH n, r, m, mr, mp ORDER BY type(r), mp.sortName, mr.id, r.id SKIP $skip LIMIT $limit
  RETURN collect({r: r, n: n.id, m: m.id, mr: mr.id, out: startNode(r) = n}) AS page
}
RETURN id, res.id AS rid, ` + total + ` AS total, page`, true
}

func withoutSameAs(ts []schema.RelType) []string {
	var out []string
	for _, t := range relTypeList(ts) {
		if t != string(schema.SameAs) {
			out = append(out, t)
		}
	}
	return out
}

func (s *Store) neighboursResolved(ctx context.Context, q model.NeighbourQuery, p map[string]any, ids []string) (map[string]model.NeighbourPage, error) {
	const op = "cypher.Store.Neighbours"
	p["types"] = withoutSameAs(q.Types)
	kept := s.keptNeighbourTotal(q, ids, p)
	if _, ok := resolvedNeighbourQuery(q, p, kept.counts(q)); !ok {
		return nil, &model.Error{Code: model.BadUserInput, Message: "direction is not OUTGOING, INCOMING or BOTH", Op: op}
	}
	queryFor := func(counts bool) string { query, _ := resolvedNeighbourQuery(q, p, counts); return query }
	return s.readNeighbours(ctx, op, q, kept, queryFor, p, func(tx neo4j.ManagedTransaction, rows []neighbourRow) (map[string][]model.Neighbour, error) {
		var ids []string
		for _, row := range rows {
			for _, m := range row.items {
				ids = append(ids, str(m["mr"]))
			}
		}
		ents, err := s.resolvedByID(ctx, tx, ids)
		if err != nil {
			return nil, err
		}
		out := map[string][]model.Neighbour{}
		for _, row := range rows {
			ns := []model.Neighbour{}
			for _, m := range row.items {
				node := ents[str(m["mr"])]
				if node == nil {
					continue
				}
				rel, _ := m["r"].(neo4j.Relationship)
				ns = append(ns, s.neighbour(rel, node, str(m["n"]), str(m["m"]), m))
			}
			out[row.id] = ns
		}
		return out, nil
	})
}

// Entity lists and counts on the resolved graph: a resolved entity matches
// a filter when one of its records does, and is sorted by its preferred
// record.
var (
	resolvedEntityTail = `MATCH (n)-[:` + string(schema.RecordOf) + `]->(r:` + schema.ResolvedLabel + `)
WITH DISTINCT r
MATCH (p:` + schema.NodeLabel + ` {id: r.id})
`
	resolvedEntityOrders = map[model.EntityOrder]string{
		model.ByNameAsc:  `ORDER BY p.sortName, r.id`,
		model.ByNameDesc: `ORDER BY p.sortName DESC, r.id`,
		model.ByDateAsc:  `ORDER BY p.when IS NULL, p.when, p.sortName, r.id`,
		model.ByDateDesc: `ORDER BY p.when IS NULL, p.when DESC, p.sortName, r.id`,
	}
)

// entitiesResolved lists resolved entities whose records match filter
// (entityWhere and its property conditions).
func (s *Store) entitiesResolved(ctx context.Context, q model.EntityQuery, filter string, p map[string]any) (model.EntityPage, error) {
	order := resolvedEntityOrders[q.Sort]
	// A resolved entity sorts by its preferred record (p), whose id is its own.
	seek, keyed := keysetCondition(q, p, "p.sortName", "r.id")
	if seek != "" {
		seek = "WHERE " + seek + "\n"
	}
	tail := resolvedPageTail(order, q.WithEvidence)
	pageQuery := filter + resolvedEntityTail + seek + `WITH r, p ` + order + ` SKIP $skip LIMIT $limit
` + tail
	countQuery := filter + resolvedEntityTail + `RETURN count(r) AS total`
	walkQuery := resolvedWalk(q, filter, p, tail)
	key, kept, keptState := s.keptTotal(q.WithoutTotal, countQuery, p)
	hint := -1 // what a page without a total knows of the matches, to choose its plan
	if q.WithoutTotal {
		_, hint, _ = s.keptTotal(false, countQuery, p)
	}
	page, kept, state, err := pageAt(kept, keptState, func(kept int) (model.EntityPage, string, error) {
		return readAt(ctx, s, "cypher.Store.Entities", func(tx neo4j.ManagedTransaction) (model.EntityPage, error) {
			page := model.EntityPage{Total: kept}
			if !q.WithoutTotal && kept < 0 {
				total, err := single[int64](ctx, tx, countQuery, p, "total")
				if err != nil {
					return page, err
				}
				page.Total = int(total)
			}
			matches := page.Total
			if q.WithoutTotal {
				matches = hint
			}
			rows, err := s.resolvedPage(ctx, tx, q, matches, kept < 0, walkQuery, pageQuery, p)
			if err != nil {
				return page, err
			}
			evidence := make(map[string][]any, len(rows))
			for _, r := range rows {
				page.Entities = append(page.Entities, s.decodeResolved(r.id, r.records))
				if keyed {
					page.Keys = append(page.Keys, model.SortKey{Name: r.key, ID: r.id})
				}
				evidence[r.id] = r.evidence
			}
			trimPage(&page, q)
			if q.WithEvidence {
				b := model.EntityBundle{Evidence: map[string][]model.Evidence{}, Sources: map[string]*model.Entity{}}
				for _, e := range page.Entities {
					s.addEntityEvidence(&b, e, evidence[e.ID])
				}
				page.Facts = &b
			}
			return page, nil
		})
	})
	s.keepTotal(key, kept, state, page.Total, err)
	return page, err
}

// List plans of a resolved list sorted by name that tests force
// (Store.listPlan) to compare their pages; "" chooses per page.
const (
	planWalk = "walk"
	planSort = "sort"
)

// resolvedWalk is the page statement that walks the preferred records in
// the sort name's index order (node_name), keeping those whose resolved
// entity has a record matching filter, until the page is full: a few rows
// read for a common kind where the sort of every match reads all of them
// (a page of the 31,601 people of the 1M graph: 764 db hits against
// 961,983). It walks at most $walk index rows, so a kind whose names sit
// late in the alphabet cannot make it read the whole index (the page then
// comes up short and is read by sorting instead, resolvedPage). "" when
// the order is not by name or the filter is not a MATCH. Every record has
// a sort name (write.go sets it from the name), so the walk misses no
// entity the sort would return.
func resolvedWalk(q model.EntityQuery, filter string, p map[string]any, tail string) string {
	records, ok := strings.CutPrefix(filter, "MATCH ")
	walkOrder := map[model.EntityOrder]string{model.ByNameAsc: `ORDER BY p.sortName, p.id`, model.ByNameDesc: `ORDER BY p.sortName DESC, p.id`}[q.Sort]
	if !ok || walkOrder == "" {
		return ""
	}
	seek, _ := keysetCondition(q, p, "p.sortName", "p.id") // the preferred record's id is its entity's
	if seek != "" {
		seek = " AND " + seek
	}
	return `MATCH (p:` + schema.NodeLabel + `) WHERE p.sortName IS NOT NULL` + seek + `
WITH p ` + walkOrder + ` LIMIT $walk
MATCH (p)-[:` + string(schema.RecordOf) + `]->(r:` + schema.ResolvedLabel + `) WHERE r.id = p.id
  AND EXISTS { MATCH (r)-[:` + string(schema.HasRecord) + `]->` + records + `}
WITH r, p ` + resolvedEntityOrders[q.Sort] + ` SKIP $skip LIMIT $limit
` + tail
}

// resolvedPageTail ends a page statement whose rows are the page's
// resolved entities r with preferred records p, in order: each entity's
// records and, asked with evidence, each record's evidence with the source
// it cites — the page, its records and its evidence in one statement.
func resolvedPageTail(order string, withEvidence bool) string {
	tail := `CALL (r) {
  MATCH (r)-[:` + string(schema.HasRecord) + `]->(n:` + schema.NodeLabel + `)
  RETURN collect({n: n}) AS records, collect(n.id) AS rids
}
`
	ret := `RETURN r.id AS id, p.sortName AS key, records`
	if withEvidence {
		tail += evidenceOfRecords
		ret += `, evidence`
	}
	return tail + ret + "\n" + order
}

// cypherCountAllResolvedFast counts resolved entities from the count store.
const cypherCountAllResolvedFast = `MATCH (r:` + schema.ResolvedLabel + `) RETURN count(r) AS total`

// resolvedPage reads a resolved list's page (resolvedRow): by the index
// walk (resolvedWalk) where it pays, else by sorting the matches
// (pageQuery). With the matches known (total: counted, kept, or for a page
// without a total the one kept for its filter), the walk may read up to
// total index rows and is chosen when the matches are common enough among
// all resolved entities that the rows it reads stay well under the matches
// the sort reads: need × all × 2 ≤ total², need being the page's end, or
// its size after a keyset cursor. With the matches unknown (total < 0), a
// near page (need ≤ 100) tries the walk with 20 index rows for each item
// it needs, enough for a filter that keeps one entity in 20. A full page
// from the walk is exact whatever the figures (it read a prefix of the
// index holding the page); a short one may be the walk's bound, not the
// list's end, so the page is then read by the sort.
func (s *Store) resolvedPage(ctx context.Context, tx neo4j.ManagedTransaction, q model.EntityQuery, total int, counted bool, walkQuery, pageQuery string, p map[string]any) ([]resolvedRow, error) {
	if walkQuery != "" && s.listPlan != planSort && total != 0 {
		need := int64(q.Offset + q.Limit)
		if q.After != nil {
			need = int64(q.Limit)
		}
		var budget int64
		switch {
		case s.listPlan == planWalk:
			budget = max(int64(total), 20*need)
		case total > 0:
			// All resolved entities, from the count store: a rough figure
			// does (it only chooses the plan), so it is read again only
			// with a page that counted its matches (a new state).
			all := s.resolvedAll.Load()
			if all == 0 || counted {
				n, err := single[int64](ctx, tx, cypherCountAllResolvedFast, nil, "total")
				if err != nil {
					return nil, err
				}
				all = n
				s.resolvedAll.Store(n)
			}
			if need*all*2 <= int64(total)*int64(total) {
				budget = int64(total)
			}
		case need <= 100:
			budget = 20 * need
		}
		if budget > 0 {
			p["walk"] = budget
			rows, err := readResolvedRows(ctx, tx, walkQuery, p)
			if limit, _ := p["limit"].(int64); err != nil || int64(len(rows)) == limit {
				return rows, err
			}
		}
	}
	return readResolvedRows(ctx, tx, pageQuery, p)
}

// resolvedRow is a row of a resolved list's page statement
// (resolvedPageTail): the entity's id, its sort key, its records and,
// asked for, their evidence with cited sources.
type resolvedRow struct {
	id, key           string
	records, evidence []any
}

// readResolvedRows runs a page statement ending with resolvedPageTail.
func readResolvedRows(ctx context.Context, tx neo4j.ManagedTransaction, query string, p map[string]any) ([]resolvedRow, error) {
	res, err := tx.Run(ctx, query, p)
	if err != nil {
		return nil, err
	}
	var rows []resolvedRow
	for res.Next(ctx) {
		rec := res.Record()
		var r resolvedRow
		r.id, _, _ = neo4j.GetRecordValue[string](rec, "id")
		r.key, _, _ = neo4j.GetRecordValue[string](rec, "key")
		r.records, _, _ = neo4j.GetRecordValue[[]any](rec, "records")
		r.evidence, _, _ = neo4j.GetRecordValue[[]any](rec, "evidence")
		rows = append(rows, r)
	}
	return rows, res.Err()
}

// cypherCountResolvedTail follows countMatch: the resolved entities of the
// records matched, by their preferred record's kind and status, with every
// dataset that has a matched record of them.
const cypherCountResolvedTail = `
MATCH (n)-[:` + string(schema.RecordOf) + `]->(r:` + schema.ResolvedLabel + `)
WITH r, collect(DISTINCT n.dataset) AS datasets
MATCH (p:` + schema.NodeLabel + ` {id: r.id})
RETURN p.kind AS kind, p.status AS status, datasets, count(*) AS c`

// cypherCountAllResolved counts resolved entities as cypherCountResolvedTail
// when no kind or dataset narrows the records: walked from each resolved
// entity to its own records (HAS_RECORD), not from every record through all
// its relationships to find its RECORD_OF — less than half the db hits
// (2,953,298 → 1,300,001 on the 1M graph).
const cypherCountAllResolved = `MATCH (r:` + schema.ResolvedLabel + `)
CALL (r) {
  MATCH (r)-[:` + string(schema.HasRecord) + `]->(n:` + schema.NodeLabel + `) WHERE n.statusRank >= $minRank
  RETURN collect(DISTINCT n.dataset) AS datasets
}
WITH r, datasets WHERE datasets <> []
MATCH (p:` + schema.NodeLabel + ` {id: r.id})
RETURN p.kind AS kind, p.status AS status, datasets, count(*) AS c`

// resolvedMatch is how a name matched a resolved entity, strongest first.
type resolvedMatch int

const (
	matchExactParty resolvedMatch = iota // a Person, Organization or State named exactly so
	matchExact                           // another kind named exactly so
	matchWordsParty                      // a Person, Organization or State with every word of the name
	matchAny                             // any full-text hit
)

// partyKinds are the kinds a reader means first when naming a path end.
var partyKinds = []string{string(schema.Person), string(schema.Organization), string(schema.State)}

// nameKinds are the kinds name resolution considers: sources (and evidence,
// which is not an entity) are named by id only.
var nameKinds = func() []string {
	var out []string
	for _, k := range schema.Kinds {
		if k != schema.Source {
			out = append(out, string(k))
		}
	}
	return out
}()

const cypherResolveNameResolved = `CALL db.index.fulltext.queryNodes('node_names', $q, {limit: 200}) YIELD node, score
WHERE node.kind IN $kinds AND node.statusRank >= 0
WITH node, score, split(node.searchText, '\n') AS names
WITH node, score, $norm IN names AS exact,
     any(x IN names WHERE all(t IN $terms WHERE t IN split(x, ' '))) AS words
MATCH (node)-[:` + string(schema.RecordOf) + `]->(r:` + schema.ResolvedLabel + `)
WITH r, node.kind IN $party AS party, exact, words, score
WITH r, min(CASE WHEN exact AND party THEN 0 WHEN exact THEN 1 WHEN words AND party THEN 2 ELSE 3 END) AS tier, max(score) AS score
MATCH (p:` + schema.NodeLabel + ` {id: r.id})
RETURN r.id AS id, tier ORDER BY tier, score DESC, p.sortName, r.id LIMIT 50`

// nameResolved resolves a path end's name to a resolved entity: by
// tiers (an exact normalised name of a person, organisation or state; an
// exact name of another kind; a person, organisation or state having every
// word of the name; any hit), the first tier with exactly one resolved
// entity wins; a tier with several is refused with them as candidates.
// Sources are never candidates (name them by id).
func (s *Store) nameResolved(ctx context.Context, tx neo4j.ManagedTransaction, ref, lq string, terms []string) (e *model.Entity, notFound, err error) {
	const op = "cypher.Store.ResolveEntity"
	type hit struct {
		id   string
		tier resolvedMatch
	}
	res, err := tx.Run(ctx, cypherResolveNameResolved, map[string]any{
		"q": lq, "norm": strings.Join(terms, " "), "terms": terms, "kinds": nameKinds, "party": partyKinds,
	})
	if err != nil {
		return nil, nil, err
	}
	var hits []hit
	var ids []string
	for res.Next(ctx) {
		id, _, _ := neo4j.GetRecordValue[string](res.Record(), "id")
		t, _, _ := neo4j.GetRecordValue[int64](res.Record(), "tier")
		hits = append(hits, hit{id, resolvedMatch(t)})
		ids = append(ids, id)
	}
	if err := res.Err(); err != nil {
		return nil, nil, err
	}
	if len(hits) == 0 {
		return nil, &model.Error{Code: model.NotFound, Message: fmt.Sprintf("no entity is named %q", ref), Op: op}, nil
	}
	ents, err := s.resolvedByID(ctx, tx, ids)
	if err != nil {
		return nil, nil, err
	}
	var cands []*model.Entity
	for tier := matchExactParty; tier <= matchAny; tier++ {
		cands = cands[:0]
		for _, h := range hits {
			if h.tier == tier && ents[h.id] != nil {
				cands = append(cands, ents[h.id])
			}
		}
		if len(cands) == 1 {
			return cands[0], nil, nil
		}
		if len(cands) > 1 {
			break
		}
	}
	return nil, ambiguous(op, ref, cands), nil
}
