package cypher

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// buildPathQuery writes the Cypher of a path search with Neo4j's native
// shortest-path planning (SHORTEST k / ALL SHORTEST over quantified path
// patterns). The relationship types come from schema constants and the
// numbers are validated integers; every value is a $parameter. Each
// segment (from → via… → to) may take up to perSegment hops; the caller
// checks the total against maxHops. A filter the search does not have is
// not written (a `$x IS NULL OR …` test is read on every hop and entity the
// search expands).
func buildPathQuery(sh pathShape) string {
	var b strings.Builder
	typeExpr := pathHead(&b, schema.NodeLabel, sh)
	for i := 1; i <= sh.segments; i++ {
		r, m := fmt.Sprintf("r%d", i), fmt.Sprintf("m%d", i)
		fmt.Fprintf(&b, `
  (()-[%[1]s:%[2]s]-(%[3]s)
     WHERE %[4]s
       AND (%[3]s.id IN $ends OR (%[5]s
             AND COUNT { (%[3]s)--() } <= $maxDegree))
  ){1,%[6]d} (n%[7]d)`, r, typeExpr, m, sh.hopWhere(r), sh.passWhere(m), sh.perSegment, i)
	}
	// Ties are broken by the ids along the path, so identical calls give
	// identical answers in identical order.
	b.WriteString(`
WITH p WHERE all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
WITH p ORDER BY length(p), [n IN nodes(p) | n.id], [x IN relationships(p) | x.id]
LIMIT $limit`)
	ret := `
RETURN nodes(p) AS nodes, [x IN relationships(p) | {r: x, from: startNode(x).id, to: endNode(x).id}] AS rels`
	if sh.facts {
		b.WriteString(`
WITH p, [x IN relationships(p) | x.id] AS rids
` + evidenceOfRecords)
		ret += `, evidence`
	}
	b.WriteString(ret)
	return b.String()
}

// buildResolvedPathQuery is buildPathQuery on the resolved graph: the ends
// are resolved entities, and one hop is one relationship between records
// of two resolved entities, entered by RECORD_OF and left by HAS_RECORD, so
// passing through an entity by another of its records costs nothing and
// SAME_AS (left out of types) is never a hop. It returns, per hop, the
// records left (xs) and reached (ys), and the records of the entities on
// the path (what resolvedByID reads). facts adds the hops' evidence with
// the sources it cites (both builders), so a search is one statement.
func buildResolvedPathQuery(sh pathShape) string {
	var b strings.Builder
	typeExpr := pathHead(&b, schema.ResolvedLabel, sh)
	var xs, ys, rs []string
	for i := 1; i <= sh.segments; i++ {
		r, y := fmt.Sprintf("r%d", i), fmt.Sprintf("y%d", i)
		fmt.Fprintf(&b, `
  ((a%[1]d)-[:%[4]s]->(x%[1]d)-[%[7]s:%[2]s]-(%[8]s)-[:%[5]s]->(m%[1]d:%[6]s)
     WHERE %[9]s
       AND (a%[1]d.id IN $ends OR x%[1]d.statusRank >= 0)
       AND (m%[1]d.id IN $ends OR (%[10]s
             AND COUNT { (m%[1]d)-[:%[4]s]->()--() } <= $maxDegree))
  ){1,%[3]d} (n%[1]d)`, i, typeExpr, sh.perSegment, schema.HasRecord, schema.RecordOf, schema.ResolvedLabel,
			r, y, sh.hopWhere(r), sh.passWhere(y))
		xs = append(xs, fmt.Sprintf("x%d", i))
		ys = append(ys, fmt.Sprintf("y%d", i))
		rs = append(rs, fmt.Sprintf("r%d", i))
	}
	fmt.Fprintf(&b, `
WITH p, [n IN nodes(p) WHERE n:%s] AS res, %s AS xs, %s AS ys, %s AS rs
WITH p, res, xs, ys, rs WHERE all(i IN range(0, size(res) - 2) WHERE NOT res[i] IN res[i + 1..])
WITH res, xs, ys, rs ORDER BY size(rs), [n IN res | n.id], [x IN rs | x.id]
LIMIT $limit
CALL (res) {
  UNWIND res AS e
  MATCH (e)-[:%s]->(n:%s)
  RETURN collect({rid: e.id, n: n}) AS records
}`,
		schema.ResolvedLabel, strings.Join(xs, " + "), strings.Join(ys, " + "), strings.Join(rs, " + "),
		schema.HasRecord, schema.NodeLabel)
	ret := `
RETURN [n IN res | n.id] AS nodes, [n IN xs | n.id] AS xs, [n IN ys | n.id] AS ys,
       [x IN rs | {r: x, from: startNode(x).id, to: endNode(x).id}] AS rels, records`
	if sh.facts {
		b.WriteString(`
WITH res, xs, ys, rs, records, [x IN rs | x.id] AS rids
` + evidenceOfRecords)
		ret += `, evidence`
	}
	b.WriteString(ret)
	return b.String()
}

// pathShape is what a path statement is written from: the types (schema
// constants), the segments and the hops each may take, the mode, and which
// filters the search has (their values are parameters).
type pathShape struct {
	types                []schema.RelType
	segments, perSegment int
	mode                 model.PathSearchMode
	k                    int
	lo, hi               bool // a date range's bounds given
	kinds, excludeKinds  bool
	facts                bool // read the hops' evidence with its sources
}

// hopWhere is the condition on hop r: its status and, when the search has
// a date range, its validity and listing periods (overlapClause).
func (sh pathShape) hopWhere(r string) string {
	w := r + ".statusRank >= $minRank"
	if sh.hi {
		w += "\n       AND (" + r + ".validFrom IS NULL OR " + r + ".validFrom <= $hi)"
	}
	if sh.lo {
		w += "\n       AND (" + r + ".validUntil IS NULL OR " + r + ".validUntil >= $lo)"
	}
	if sh.lo || sh.hi {
		w += "\n       AND " + overlapClause(r, "$lo", "$hi")
	}
	return w
}

// passWhere is the condition on the record e a path passes through (ends
// aside): not retracted, and of the kinds asked.
func (sh pathShape) passWhere(e string) string {
	w := e + ".statusRank >= 0"
	if sh.kinds {
		w += "\n             AND " + e + ".kind IN $kinds"
	}
	if sh.excludeKinds {
		w += "\n             AND NOT " + e + ".kind IN $excludeKinds"
	}
	return w
}

// pathHead writes the start of a path query: the ends (nodes of label,
// $ends in order) and the shortest-path selector for the mode. It returns
// the relationship type expression of the types.
func pathHead(b *strings.Builder, label string, sh pathShape) string {
	names := make([]string, len(sh.types))
	for i, t := range sh.types {
		names[i] = string(t)
	}
	for i := 0; i <= sh.segments; i++ {
		fmt.Fprintf(b, "MATCH (n%d:%s {id: $ends[%d]})\n", i, label, i)
	}
	switch sh.mode {
	case model.AllShortest:
		b.WriteString("MATCH p = ALL SHORTEST (n0)")
	case model.KShortest:
		// Neo4j 5 has no ACYCLIC path mode: the k shortest trails may
		// revisit an entity (Russia ← A → Russia → …). Ask for more and keep
		// the paths that visit each entity once.
		b.WriteString("MATCH p = SHORTEST " + strconv.Itoa(3*sh.k) + " (n0)")
	default:
		b.WriteString("MATCH p = SHORTEST 1 (n0)")
	}
	return strings.Join(names, "|")
}

// pathTypes is the set of relationship types a query may traverse.
func pathTypes(q model.PathQuery) []schema.RelType {
	base := q.Types
	if len(base) == 0 {
		base = schema.RelTypes
	}
	var out []schema.RelType
	for _, t := range schema.RelTypes { // constants only, in declaration order
		if q.View == model.ViewResolved && t == schema.SameAs {
			continue
		}
		if slices.Contains(base, t) && !slices.Contains(q.ExcludeTypes, t) {
			out = append(out, t)
		}
	}
	return out
}

// Paths finds how two entities are connected: the shortest path, all
// shortest paths or the k shortest, optionally through waypoints, with every
// hop filtered by type, status and date and every intermediate entity by
// kind and degree (the hub guard). When nothing is found, the result says
// which constraint cut the connection.
//
// Errors: BAD_USER_INPUT for limits outside their caps or bad dates,
// NOT_FOUND for an unknown end or waypoint, TIMEOUT, UNAVAILABLE.
func (s *Store) Paths(ctx context.Context, q model.PathQuery) (model.PathSearch, error) {
	_, _, res, err := s.paths(ctx, q, false)
	return res, err
}

// PathsByRef is Paths whose From, Via and To are refs as ResolveEntity
// takes them (ids or names), resolved in the first search's transaction:
// refs that are ids and a search that finds paths take one statement,
// names one transaction. It returns the entities
// the refs name in the order From, Via…, To, and, when some ref does not
// name one, an error for each such ref in endErrs and no search.
func (s *Store) PathsByRef(ctx context.Context, q model.PathQuery) (ends []*model.Entity, endErrs []error, res model.PathSearch, err error) {
	return s.paths(ctx, q, true)
}

func (s *Store) paths(ctx context.Context, q model.PathQuery, byRef bool) (ents []*model.Entity, endErrs []error, found model.PathSearch, err error) {
	const op = "cypher.Store.Paths"
	bad := func(msg string) error { return &model.Error{Code: model.BadUserInput, Message: msg, Op: op} }
	switch {
	case q.MaxHops < 1 || q.MaxHops > model.MaxHopsCap:
		return nil, nil, model.PathSearch{}, bad(fmt.Sprintf("maxHops must be between 1 and %d", model.MaxHopsCap))
	case len(q.Via) > model.MaxVia:
		return nil, nil, model.PathSearch{}, bad(fmt.Sprintf("at most %d waypoints", model.MaxVia))
	case len(q.Via)+1 > q.MaxHops:
		return nil, nil, model.PathSearch{}, bad("maxHops is smaller than the number of segments the waypoints make")
	case q.Mode == model.KShortest && (q.K < 1 || q.K > model.MaxK):
		return nil, nil, model.PathSearch{}, bad(fmt.Sprintf("k must be between 1 and %d", model.MaxK))
	case q.MaxDegree < 1 || q.MaxDegree > model.MaxDegreeCap:
		return nil, nil, model.PathSearch{}, bad(fmt.Sprintf("maxDegree must be between 1 and %d", model.MaxDegreeCap))
	}
	lo, err := optDate(q.HeldFrom)
	if err != nil {
		return nil, nil, model.PathSearch{}, bad("date: " + err.Error())
	}
	hi, err := optDate(q.HeldUntil)
	if err != nil {
		return nil, nil, model.PathSearch{}, bad("date: " + err.Error())
	}
	ends := append(append([]string{q.From}, q.Via...), q.To)
	if len(pathTypes(q)) == 0 { // no search runs to check or resolve the ends
		if byRef {
			ents, endErrs, err = s.ResolveEntities(ctx, ends, q.View)
			return ents, endErrs, model.PathSearch{}, err
		}
		if err := s.checkEnds(ctx, ends, q.View); err != nil {
			return nil, nil, model.PathSearch{}, err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.PathTimeout)
	defer cancel()

	// The search tries the ends as ids; when it finds nothing it checks
	// that they exist, or resolves them, in its transaction.
	first := checked(ends, q.View)
	if byRef {
		refs := slices.Clone(ends)
		first = func(ctx context.Context, tx neo4j.ManagedTransaction) ([]string, error) {
			var err error
			if ents, endErrs, err = s.resolveRefs(ctx, tx, refs, q.View); err != nil {
				return nil, err
			}
			ids := make([]string, len(ents))
			for i, e := range ents {
				if endErrs[i] != nil {
					return nil, nil
				}
				ids[i] = e.ID
			}
			return ids, nil
		}
	}
	res, err := s.findPaths(ctx, q, ends, lo, hi, first)
	if err != nil {
		return nil, nil, res, err
	}
	if byRef && ents == nil && len(res.Paths) > 0 {
		// Found as ids: the paths hold the entities the refs name.
		ents, endErrs = endsOn(res.Paths[0], ends), make([]error, len(ends))
		if slices.Contains(ents, nil) { // cannot happen: each end matched by id
			if ents, endErrs, err = s.ResolveEntities(ctx, ends, q.View); err != nil {
				return nil, nil, model.PathSearch{}, err
			}
		}
	}
	if byRef {
		for i, e := range endErrs {
			if e != nil {
				return ents, endErrs, model.PathSearch{}, nil
			}
			ends[i] = ents[i].ID
		}
	}
	if len(res.Paths) > 0 {
		return ents, endErrs, res, nil
	}
	// Nothing found: relax one constraint at a time to say which cut it.
	q.WithEvidence = false // the probes find no paths to show
	probe := func(p model.PathQuery) (bool, error) {
		p.Mode = model.Shortest
		r, err := s.findPaths(ctx, p, ends, dateOrNil(p.HeldFrom), dateOrNil(p.HeldUntil), nil)
		return len(r.Paths) > 0, err
	}
	if q.HeldFrom != "" || q.HeldUntil != "" {
		p := q
		p.HeldFrom, p.HeldUntil = "", ""
		if ok, err := probe(p); err != nil || ok {
			return ents, endErrs, model.PathSearch{Cut: model.CutDate}, err
		}
	}
	if q.MinStatus != "" {
		p := q
		p.MinStatus = ""
		if ok, err := probe(p); err != nil || ok {
			return ents, endErrs, model.PathSearch{Cut: model.CutStatus}, err
		}
	}
	if len(q.Types)+len(q.ExcludeTypes)+len(q.Kinds)+len(q.ExcludeKinds) > 0 {
		p := q
		p.Types, p.ExcludeTypes, p.Kinds, p.ExcludeKinds = nil, nil, nil, nil
		if ok, err := probe(p); err != nil || ok {
			return ents, endErrs, model.PathSearch{Cut: model.CutFilters}, err
		}
	}
	if q.MaxHops < model.MaxHopsCap {
		p := q
		p.MaxHops, p.Mode = model.MaxHopsCap, model.Shortest
		r, err := s.findPaths(ctx, p, ends, lo, hi, nil)
		if err != nil {
			return ents, endErrs, model.PathSearch{}, err
		}
		if len(r.Paths) > 0 {
			return ents, endErrs, model.PathSearch{Cut: model.CutMaxHops, ShortestBeyond: len(r.Paths[0].Rels)}, nil
		}
	}
	return ents, endErrs, model.PathSearch{Cut: model.CutNotConnected}, nil
}

// endsOn returns the entities of path whose ids are ids (a path's ends
// and waypoints, in order), nil for one it does not visit.
func endsOn(path model.Path, ids []string) []*model.Entity {
	out := make([]*model.Entity, len(ids))
	for i, id := range ids {
		for _, n := range path.Nodes {
			if n.ID == id {
				out[i] = n
				break
			}
		}
	}
	return out
}

func dateOrNil(s string) any {
	d, _ := optDate(s)
	return d
}

var cypherEndsExist = map[model.View]string{
	model.ViewRecords: `UNWIND $ids AS id
OPTIONAL MATCH (n:` + schema.NodeLabel + ` {id: id})
WITH id, n WHERE n IS NULL
RETURN collect(id) AS missing`,
	model.ViewResolved: `UNWIND $ids AS id
OPTIONAL MATCH (n:` + schema.ResolvedLabel + ` {id: id})
WITH id, n WHERE n IS NULL
RETURN collect(id) AS missing`,
}

// checkEnds fails NOT_FOUND when an end or waypoint does not exist, in its
// own transaction (a search runs it first in its own: endsExist).
func (s *Store) checkEnds(ctx context.Context, ids []string, view model.View) error {
	_, err := read(ctx, s, "cypher.Store.Paths", func(tx neo4j.ManagedTransaction) (struct{}, error) {
		return struct{}{}, endsExist(ctx, tx, ids, view)
	})
	return err
}

// endsExist is checkEnds inside a transaction.
func endsExist(ctx context.Context, tx neo4j.ManagedTransaction, ids []string, view model.View) error {
	q := cypherEndsExist[model.ViewRecords]
	if view == model.ViewResolved {
		q = cypherEndsExist[model.ViewResolved]
	}
	res, err := tx.Run(ctx, q, map[string]any{"ids": ids})
	if err != nil {
		return err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return err
	}
	missing, _, err := neo4j.GetRecordValue[[]any](rec, "missing")
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return &model.Error{Code: model.NotFound, Message: fmt.Sprintf("no entity with id %v", missing[0]), Op: "cypher.Store.Paths"}
	}
	return nil
}

// endsFunc runs in a search's transaction when the search between the
// ends as given found nothing: it checks them (NOT_FOUND) or resolves them
// (refs that are names), and returns the ends to search between (the same
// ends: nothing to search again) or nil (and no error) to stop.
type endsFunc func(ctx context.Context, tx neo4j.ManagedTransaction) ([]string, error)

// checked is the endsFunc of a search whose ends are ids: they must exist.
func checked(ends []string, view model.View) endsFunc {
	return func(ctx context.Context, tx neo4j.ManagedTransaction) ([]string, error) {
		return ends, endsExist(ctx, tx, ends, view)
	}
}

// findPaths runs one search in a read transaction. The ends are tried as
// ids first: a search that finds paths has proved them (each end matched
// a node by id, as an id ref resolves), so the common request is one
// statement; only an empty answer runs check (existence, or resolving
// names) and, if that changed the ends, the search again.
func (s *Store) findPaths(ctx context.Context, q model.PathQuery, ends []string, lo, hi any, check endsFunc) (model.PathSearch, error) {
	types := pathTypes(q)
	if len(types) == 0 {
		return model.PathSearch{}, nil
	}
	segments := len(ends) - 1
	perSegment := q.MaxHops - (segments - 1)
	limit := 1
	switch q.Mode {
	case model.AllShortest:
		limit = model.MaxPaths
	case model.KShortest:
		limit = q.K
	}
	sh := pathShape{types: types, segments: segments, perSegment: perSegment, mode: q.Mode, k: q.K,
		lo: lo != nil, hi: hi != nil, kinds: len(q.Kinds) > 0, excludeKinds: len(q.ExcludeKinds) > 0, facts: q.WithEvidence}
	p := map[string]any{
		"ends": ends, "minRank": int64(q.MinStatus.Rank()), "lo": lo, "hi": hi,
		"kinds": kindList(q.Kinds), "excludeKinds": kindStrings(q.ExcludeKinds), "maxDegree": int64(q.MaxDegree), "limit": int64(limit),
	}
	search := s.searchRecordPaths
	query := buildPathQuery(sh)
	if q.View == model.ViewResolved {
		search = s.searchResolvedPaths
		query = buildResolvedPathQuery(sh)
	}
	return read(ctx, s, "cypher.Store.Paths", func(tx neo4j.ManagedTransaction) (model.PathSearch, error) {
		p["ends"] = ends
		out, err := search(ctx, tx, q, query, p)
		if err != nil || len(out.Paths) > 0 || check == nil {
			return out, err
		}
		ids, err := check(ctx, tx)
		if err != nil || ids == nil || slices.Equal(ids, ends) {
			return out, err
		}
		p["ends"] = ids
		return search(ctx, tx, q, query, p)
	})
}

// pathRow decodes one row of a path statement into a path; ok false
// drops the row.
type pathRow func(rec *neo4j.Record) (path model.Path, ok bool)

// runPaths runs a path statement in tx and decodes its rows with decode,
// each path's hops' evidence (when the statement reads it) into Facts.
func (s *Store) runPaths(ctx context.Context, tx neo4j.ManagedTransaction, q model.PathQuery, query string, p map[string]any, decode pathRow) (model.PathSearch, error) {
	var out model.PathSearch
	res, err := tx.Run(ctx, query, p)
	if err != nil {
		return out, err
	}
	out.Facts = newFacts(q.WithEvidence)
	for res.Next(ctx) {
		rec := res.Record()
		if path, ok := decode(rec); ok {
			out.Paths = append(out.Paths, path)
			s.addPathFacts(out.Facts, rec, path)
		}
	}
	return out, res.Err()
}

// searchRecordPaths runs a records-view search (buildPathQuery) and decodes
// its paths, with their hops' evidence when the query reads it.
func (s *Store) searchRecordPaths(ctx context.Context, tx neo4j.ManagedTransaction, q model.PathQuery, query string, p map[string]any) (model.PathSearch, error) {
	return s.runPaths(ctx, tx, q, query, p, func(rec *neo4j.Record) (model.Path, bool) {
		nodes, _, _ := neo4j.GetRecordValue[[]any](rec, "nodes")
		rels, _, _ := neo4j.GetRecordValue[[]any](rec, "rels")
		var path model.Path
		for _, n := range nodes {
			if node, ok := n.(neo4j.Node); ok {
				path.Nodes = append(path.Nodes, s.decodeEntity(node))
			}
		}
		for i, x := range rels {
			m, _ := x.(map[string]any)
			r, _ := m["r"].(neo4j.Relationship)
			from, _ := m["from"].(string)
			to, _ := m["to"].(string)
			path.Rels = append(path.Rels, s.decodeRel(r, from, to))
			path.Forward = append(path.Forward, i < len(path.Nodes) && path.Nodes[i].ID == from)
			if i+1 < len(path.Nodes) {
				path.FromRecords = append(path.FromRecords, path.Nodes[i].ID)
				path.ToRecords = append(path.ToRecords, path.Nodes[i+1].ID)
			}
		}
		return path, len(path.Rels) <= q.MaxHops
	})
}

// newFacts is the bundle a search with evidence fills, nil without.
func newFacts(want bool) *model.EntityBundle {
	if !want {
		return nil
	}
	return &model.EntityBundle{Evidence: map[string][]model.Evidence{}, Sources: map[string]*model.Entity{}}
}

// addPathFacts adds a path row's evidence (evidenceOfRecords over its
// hops) to facts: every hop has a list, maybe empty; a hop on two paths
// is read once.
func (s *Store) addPathFacts(facts *model.EntityBundle, rec *neo4j.Record, path model.Path) {
	if facts == nil {
		return
	}
	fresh := false
	for _, r := range path.Rels {
		if _, seen := facts.Evidence[r.ID]; !seen {
			facts.Evidence[r.ID] = []model.Evidence{}
			fresh = true
		}
	}
	if !fresh {
		return
	}
	items, _, _ := neo4j.GetRecordValue[[]any](rec, "evidence")
	var row model.EntityBundle
	row.Evidence, row.Sources = map[string][]model.Evidence{}, facts.Sources
	s.addEvidence(&row, items)
	for id, evs := range row.Evidence {
		if len(facts.Evidence[id]) == 0 {
			facts.Evidence[id] = evs
		}
	}
}

const cypherResolveName = `CALL db.index.fulltext.queryNodes('node_names', $q, {limit: 50}) YIELD node, score
WITH node, score, $norm IN split(node.searchText, '\n') AS exact
ORDER BY exact DESC, score DESC, node.sortName, node.id
RETURN node, exact LIMIT 10`

// ResolveEntity finds the entity a path end names. In the resolved view
// (the default) it is a resolved entity, found by tiers (resolveNameResolved);
// in the records view a record: an id, or a name or alias that matches
// exactly one record (after normalisation), or failing that the only
// full-text hit. Errors: NOT_FOUND when nothing matches, BAD_USER_INPUT
// with the candidates (Details["candidates"]) when several do.
func (s *Store) ResolveEntity(ctx context.Context, ref string, view model.View) (*model.Entity, error) {
	ents, errs, err := s.ResolveEntities(ctx, []string{ref}, view)
	if err != nil {
		return nil, err
	}
	return ents[0], errs[0]
}

// ResolveEntities is ResolveEntity for several refs (a path's ends and
// waypoints) in one read transaction: the ids in one statement, then each
// name's search. It returns an entity or an error (BAD_USER_INPUT,
// NOT_FOUND) for each ref, and err for what fails them all (UNAVAILABLE,
// TIMEOUT).
func (s *Store) ResolveEntities(ctx context.Context, refs []string, view model.View) ([]*model.Entity, []error, error) {
	var ents []*model.Entity
	var errs []error
	_, err := read(ctx, s, "cypher.Store.ResolveEntity", func(tx neo4j.ManagedTransaction) (struct{}, error) {
		var err error
		ents, errs, err = s.resolveRefs(ctx, tx, refs, view)
		return struct{}{}, err
	})
	return ents, errs, err
}

// resolveRefs is ResolveEntities inside a transaction.
func (s *Store) resolveRefs(ctx context.Context, tx neo4j.ManagedTransaction, refs []string, view model.View) ([]*model.Entity, []error, error) {
	const op = "cypher.Store.ResolveEntity"
	ents, errs := make([]*model.Entity, len(refs)), make([]error, len(refs))
	var byID map[string]*model.Entity
	var err error
	if view == model.ViewResolved {
		byID, err = s.resolvedByID(ctx, tx, refs)
	} else {
		byID, err = s.entitiesByID(ctx, tx, refs)
	}
	if err != nil {
		return nil, nil, err
	}
	for i, ref := range refs {
		if e := byID[ref]; e != nil {
			ents[i] = e
			continue
		}
		lq, terms, err := LuceneQuery(ref)
		if err != nil {
			errs[i] = &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: op}
			continue
		}
		if view == model.ViewResolved {
			ents[i], errs[i], err = s.nameResolved(ctx, tx, ref, lq, terms)
		} else {
			ents[i], errs[i], err = s.nameRecord(ctx, tx, ref, lq, terms)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	return ents, errs, nil
}

// nameRecord resolves a name to a record: the one whose name or alias
// matches exactly (after normalisation), or failing that the only
// full-text hit. notFound is NOT_FOUND or the ambiguity; err a failure of
// the transaction.
func (s *Store) nameRecord(ctx context.Context, tx neo4j.ManagedTransaction, ref, lq string, terms []string) (e *model.Entity, notFound, err error) {
	const op = "cypher.Store.ResolveEntity"
	type hit struct {
		e     *model.Entity
		exact bool
	}
	res, err := tx.Run(ctx, cypherResolveName, map[string]any{"q": lq, "norm": strings.Join(terms, " ")})
	if err != nil {
		return nil, nil, err
	}
	var hits []hit
	for res.Next(ctx) {
		n, _, _ := neo4j.GetRecordValue[neo4j.Node](res.Record(), "node")
		exact, _, _ := neo4j.GetRecordValue[bool](res.Record(), "exact")
		hits = append(hits, hit{s.decodeEntity(n), exact})
	}
	if err := res.Err(); err != nil {
		return nil, nil, err
	}
	var exact []*model.Entity
	for _, h := range hits {
		if h.exact {
			exact = append(exact, h.e)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], nil, nil
	case len(exact) == 0 && len(hits) == 1:
		return hits[0].e, nil, nil
	case len(hits) == 0:
		return nil, &model.Error{Code: model.NotFound, Message: fmt.Sprintf("no entity is named %q", ref), Op: op}, nil
	}
	cands := exact
	if len(cands) == 0 {
		for _, h := range hits {
			cands = append(cands, h.e)
		}
	}
	return nil, ambiguous(op, ref, cands), nil
}

func ambiguous(op, ref string, cands []*model.Entity) error {
	var list []map[string]any
	var names []string
	for _, c := range cands {
		list = append(list, map[string]any{"id": c.ID, "name": c.Name, "kind": schema.EnumName(string(c.Kind))})
		names = append(names, fmt.Sprintf("%s (%s)", c.Name, c.ID))
	}
	return &model.Error{Code: model.BadUserInput, Op: op,
		Message: fmt.Sprintf("%q matches %d entities: %s; pass one of their ids", ref, len(cands), strings.Join(names, ", ")),
		Details: map[string]any{"candidates": list}}
}

// searchResolvedPaths runs a resolved-view search (buildResolvedPathQuery)
// and decodes its paths: the entities from the records the statement
// returns, the hops' evidence when the query reads it.
func (s *Store) searchResolvedPaths(ctx context.Context, tx neo4j.ManagedTransaction, q model.PathQuery, query string, p map[string]any) (model.PathSearch, error) {
	ents := map[string]*model.Entity{}
	return s.runPaths(ctx, tx, q, query, p, func(rec *neo4j.Record) (model.Path, bool) {
		var path model.Path
		n, _, _ := neo4j.GetRecordValue[[]any](rec, "nodes")
		x, _, _ := neo4j.GetRecordValue[[]any](rec, "xs")
		y, _, _ := neo4j.GetRecordValue[[]any](rec, "ys")
		nodes, xs, ys := strs(n), strs(x), strs(y)
		rels, _, _ := neo4j.GetRecordValue[[]any](rec, "rels")
		if len(rels) > q.MaxHops || len(xs) != len(rels) || len(nodes) != len(rels)+1 {
			return path, false
		}
		items, _, _ := neo4j.GetRecordValue[[]any](rec, "records")
		byRID := map[string][]any{}
		for _, it := range items {
			m, _ := it.(map[string]any)
			byRID[str(m["rid"])] = append(byRID[str(m["rid"])], it)
		}
		for _, id := range nodes {
			if ents[id] == nil && len(byRID[id]) > 0 {
				ents[id] = s.decodeResolved(id, byRID[id])
			}
			path.Nodes = append(path.Nodes, ents[id])
		}
		if slices.Contains(path.Nodes, nil) {
			return path, false
		}
		for i, x := range rels {
			m, _ := x.(map[string]any)
			r, _ := m["r"].(neo4j.Relationship)
			from, to := str(m["from"]), str(m["to"])
			path.Rels = append(path.Rels, s.decodeRel(r, from, to))
			path.Forward = append(path.Forward, xs[i] == from)
		}
		path.FromRecords, path.ToRecords = xs, ys
		return path, true
	})
}
