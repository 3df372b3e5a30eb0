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
// checks the total against maxHops. dated adds the listing-period check of
// each hop (overlapClause), needed only when the search has a date range.
func buildPathQuery(types []schema.RelType, segments, perSegment int, mode model.PathSearchMode, k int, dated bool) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	typeExpr := strings.Join(names, "|")
	var b strings.Builder
	b.WriteString("MATCH (n0:" + schema.NodeLabel + " {id: $ends[0]})\n")
	for i := 1; i <= segments; i++ {
		fmt.Fprintf(&b, "MATCH (n%d:%s {id: $ends[%d]})\n", i, schema.NodeLabel, i)
	}
	switch mode {
	case model.AllShortest:
		b.WriteString("MATCH p = ALL SHORTEST (n0)")
	case model.KShortest:
		// Neo4j 5 has no ACYCLIC path mode: the k shortest trails may
		// revisit an entity (Russia ← A → Russia → …). Ask for more and keep
		// the paths that visit each entity once.
		b.WriteString("MATCH p = SHORTEST " + strconv.Itoa(3*k) + " (n0)")
	default:
		b.WriteString("MATCH p = SHORTEST 1 (n0)")
	}
	periods := ""
	if dated {
		periods = "\n       AND " + overlapClause("r%[1]d", "$lo", "$hi")
	}
	for i := 1; i <= segments; i++ {
		fmt.Fprintf(&b, `
  (()-[r%[1]d:%[2]s]-(m%[1]d)
     WHERE r%[1]d.statusRank >= $minRank
       AND ($hi IS NULL OR r%[1]d.validFrom IS NULL OR r%[1]d.validFrom <= $hi)
       AND ($lo IS NULL OR r%[1]d.validUntil IS NULL OR r%[1]d.validUntil >= $lo)`+periods+`
       AND (m%[1]d.id IN $ends OR (
             m%[1]d.statusRank >= 0
             AND ($kinds IS NULL OR m%[1]d.kind IN $kinds)
             AND NOT m%[1]d.kind IN $excludeKinds
             AND COUNT { (m%[1]d)--() } <= $maxDegree))
  ){1,%[3]d} (n%[1]d)`, i, typeExpr, perSegment)
	}
	b.WriteString(`
WITH p WHERE all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
WITH p ORDER BY length(p)
LIMIT $limit
RETURN nodes(p) AS nodes, [x IN relationships(p) | {r: x, from: startNode(x).id, to: endNode(x).id}] AS rels`)
	return b.String()
}

// pathTypes is the set of relationship types a query may traverse.
func pathTypes(q model.PathQuery) []schema.RelType {
	base := q.Types
	if len(base) == 0 {
		base = schema.RelTypes
	}
	var out []schema.RelType
	for _, t := range schema.RelTypes { // constants only, in declaration order
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
	const op = "cypher.Store.Paths"
	bad := func(msg string) error { return &model.Error{Code: model.BadUserInput, Message: msg, Op: op} }
	switch {
	case q.MaxHops < 1 || q.MaxHops > model.MaxHopsCap:
		return model.PathSearch{}, bad(fmt.Sprintf("maxHops must be between 1 and %d", model.MaxHopsCap))
	case len(q.Via) > model.MaxVia:
		return model.PathSearch{}, bad(fmt.Sprintf("at most %d waypoints", model.MaxVia))
	case len(q.Via)+1 > q.MaxHops:
		return model.PathSearch{}, bad("maxHops is smaller than the number of segments the waypoints make")
	case q.Mode == model.KShortest && (q.K < 1 || q.K > model.MaxK):
		return model.PathSearch{}, bad(fmt.Sprintf("k must be between 1 and %d", model.MaxK))
	case q.MaxDegree < 1 || q.MaxDegree > model.MaxDegreeCap:
		return model.PathSearch{}, bad(fmt.Sprintf("maxDegree must be between 1 and %d", model.MaxDegreeCap))
	}
	lo, err := optDate(q.HeldFrom)
	if err != nil {
		return model.PathSearch{}, bad("date: " + err.Error())
	}
	hi, err := optDate(q.HeldUntil)
	if err != nil {
		return model.PathSearch{}, bad("date: " + err.Error())
	}
	ends := append(append([]string{q.From}, q.Via...), q.To)
	if err := s.checkEnds(ctx, ends); err != nil {
		return model.PathSearch{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.PathTimeout)
	defer cancel()

	res, err := s.findPaths(ctx, q, ends, lo, hi)
	if err != nil || len(res.Paths) > 0 {
		return res, err
	}
	// Nothing found: relax one constraint at a time to say which cut it.
	probe := func(p model.PathQuery) (bool, error) {
		p.Mode = model.Shortest
		r, err := s.findPaths(ctx, p, ends, dateOrNil(p.HeldFrom), dateOrNil(p.HeldUntil))
		return len(r.Paths) > 0, err
	}
	if q.HeldFrom != "" || q.HeldUntil != "" {
		p := q
		p.HeldFrom, p.HeldUntil = "", ""
		if ok, err := probe(p); err != nil || ok {
			return model.PathSearch{Cut: model.CutDate}, err
		}
	}
	if q.MinStatus != "" {
		p := q
		p.MinStatus = ""
		if ok, err := probe(p); err != nil || ok {
			return model.PathSearch{Cut: model.CutStatus}, err
		}
	}
	if len(q.Types)+len(q.ExcludeTypes)+len(q.Kinds)+len(q.ExcludeKinds) > 0 {
		p := q
		p.Types, p.ExcludeTypes, p.Kinds, p.ExcludeKinds = nil, nil, nil, nil
		if ok, err := probe(p); err != nil || ok {
			return model.PathSearch{Cut: model.CutFilters}, err
		}
	}
	if q.MaxHops < model.MaxHopsCap {
		p := q
		p.MaxHops, p.Mode = model.MaxHopsCap, model.Shortest
		r, err := s.findPaths(ctx, p, ends, lo, hi)
		if err != nil {
			return model.PathSearch{}, err
		}
		if len(r.Paths) > 0 {
			return model.PathSearch{Cut: model.CutMaxHops, ShortestBeyond: len(r.Paths[0].Rels)}, nil
		}
	}
	return model.PathSearch{Cut: model.CutNotConnected}, nil
}

func dateOrNil(s string) any {
	d, _ := optDate(s)
	return d
}

const cypherEndsExist = `UNWIND $ids AS id
OPTIONAL MATCH (n:` + schema.NodeLabel + ` {id: id})
WITH id, n WHERE n IS NULL
RETURN collect(id) AS missing`

func (s *Store) checkEnds(ctx context.Context, ids []string) error {
	const op = "cypher.Store.Paths"
	missing, err := read(ctx, s, op, func(tx neo4j.ManagedTransaction) ([]any, error) {
		res, err := tx.Run(ctx, cypherEndsExist, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return nil, err
		}
		m, _, err := neo4j.GetRecordValue[[]any](rec, "missing")
		return m, err
	})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return &model.Error{Code: model.NotFound, Message: fmt.Sprintf("no entity with id %v", missing[0]), Op: op}
	}
	return nil
}

func (s *Store) findPaths(ctx context.Context, q model.PathQuery, ends []string, lo, hi any) (model.PathSearch, error) {
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
	query := buildPathQuery(types, segments, perSegment, q.Mode, q.K, lo != nil || hi != nil)
	excl := kindStrings(q.ExcludeKinds)
	p := map[string]any{
		"ends": ends, "minRank": int64(q.MinStatus.Rank()), "lo": lo, "hi": hi,
		"kinds": kindList(q.Kinds), "excludeKinds": excl, "maxDegree": int64(q.MaxDegree), "limit": int64(limit),
	}
	return read(ctx, s, "cypher.Store.Paths", func(tx neo4j.ManagedTransaction) (model.PathSearch, error) {
		var out model.PathSearch
		res, err := tx.Run(ctx, query, p)
		if err != nil {
			return out, err
		}
		for res.Next(ctx) {
			rec := res.Record()
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
			}
			if len(path.Rels) <= q.MaxHops {
				out.Paths = append(out.Paths, path)
			}
		}
		return out, res.Err()
	})
}

const cypherResolveName = `CALL db.index.fulltext.queryNodes('node_names', $q, {limit: 50}) YIELD node, score
WITH node, score, $norm IN split(node.searchText, '\n') AS exact
ORDER BY exact DESC, score DESC, node.sortName, node.id
RETURN node, exact LIMIT 10`

// ResolveEntity finds the entity a path end names: an id, or a name or alias
// that matches exactly one entity (after normalisation), or failing that the
// only full-text hit. Errors: NOT_FOUND when nothing matches, BAD_USER_INPUT
// with the candidates (Details["candidates"]) when several do.
func (s *Store) ResolveEntity(ctx context.Context, ref string) (*model.Entity, error) {
	const op = "cypher.Store.ResolveEntity"
	if m, err := s.EntitiesByID(ctx, []string{ref}); err != nil {
		return nil, err
	} else if e, ok := m[ref]; ok {
		return e, nil
	}
	lq, terms, err := LuceneQuery(ref)
	if err != nil {
		return nil, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: op}
	}
	type hit struct {
		e     *model.Entity
		exact bool
	}
	hits, err := read(ctx, s, op, func(tx neo4j.ManagedTransaction) ([]hit, error) {
		res, err := tx.Run(ctx, cypherResolveName, map[string]any{"q": lq, "norm": strings.Join(terms, " ")})
		if err != nil {
			return nil, err
		}
		var out []hit
		for res.Next(ctx) {
			n, _, _ := neo4j.GetRecordValue[neo4j.Node](res.Record(), "node")
			exact, _, _ := neo4j.GetRecordValue[bool](res.Record(), "exact")
			out = append(out, hit{s.decodeEntity(n), exact})
		}
		return out, res.Err()
	})
	if err != nil {
		return nil, err
	}
	var exact []*model.Entity
	for _, h := range hits {
		if h.exact {
			exact = append(exact, h.e)
		}
	}
	switch {
	case len(exact) == 1:
		return exact[0], nil
	case len(exact) == 0 && len(hits) == 1:
		return hits[0].e, nil
	case len(hits) == 0:
		return nil, &model.Error{Code: model.NotFound, Message: fmt.Sprintf("no entity is named %q", ref), Op: op}
	}
	cands := exact
	if len(cands) == 0 {
		for _, h := range hits {
			cands = append(cands, h.e)
		}
	}
	var list []map[string]any
	var names []string
	for _, c := range cands {
		list = append(list, map[string]any{"id": c.ID, "name": c.Name, "kind": schema.EnumName(string(c.Kind))})
		names = append(names, fmt.Sprintf("%s (%s)", c.Name, c.ID))
	}
	return nil, &model.Error{Code: model.BadUserInput, Op: op,
		Message: fmt.Sprintf("%q matches %d entities: %s; pass one of their ids", ref, len(cands), strings.Join(names, ", ")),
		Details: map[string]any{"candidates": list}}
}
