package cypher

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/ownership"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Ownership is read over resolved entities: a stake is an OWNS between two
// records, and counts between the entities those records belong to, so the
// curated NAMI and OFAC's record of it are one owner. The walk goes up one
// level of owners per statement (a variable-length pattern cannot cross
// from one record of an entity to another), each statement bounded by the
// stakes still allowed; graph/ownership computes the shares in Go.

var (
	cypherOwnersOf = `UNWIND $ids AS rid
MATCH (:` + schema.ResolvedLabel + ` {id: rid})-[:` + string(schema.HasRecord) + `]->(rec:` + schema.NodeLabel + `)<-[o:` + string(schema.Owns) + `]-(own:` + schema.NodeLabel + `)-[:` + string(schema.RecordOf) + `]->(ores:` + schema.ResolvedLabel + `)
WHERE o.statusRank >= $minRank
RETURN rid, o, rec.id AS toRec, own.id AS fromRec, ores.id AS owner
ORDER BY o.id LIMIT $limit`
	cypherHasOwners = `UNWIND $ids AS rid
MATCH (:` + schema.ResolvedLabel + ` {id: rid})-[:` + string(schema.HasRecord) + `]->(:` + schema.NodeLabel + `)<-[o:` + string(schema.Owns) + `]-(:` + schema.NodeLabel + `)
WHERE o.statusRank >= $minRank
RETURN DISTINCT rid`
	cypherOwnedBy = `UNWIND $ids AS rid
MATCH (:` + schema.ResolvedLabel + ` {id: rid})-[:` + string(schema.HasRecord) + `]->(:` + schema.NodeLabel + `)-[o:` + string(schema.Owns) + `]->(:` + schema.NodeLabel + `)-[:` + string(schema.RecordOf) + `]->(x:` + schema.ResolvedLabel + `)
WHERE o.statusRank >= $minRank
RETURN DISTINCT x.id AS id ORDER BY id LIMIT $limit`
	cypherDesignationsOf = `UNWIND $ids AS rid
MATCH (:` + schema.ResolvedLabel + ` {id: rid})-[:` + string(schema.HasRecord) + `]->(rec:` + schema.NodeLabel + `)<-[d:` + string(schema.Designates) + `]-(s:` + schema.NodeLabel + `:` + string(schema.Sanction) + `)
WHERE d.statusRank >= 0 AND s.statusRank >= 0
RETURN rid, d, s, rec.id AS rec, s.listingDate AS listed, s.delistedOn AS delisted, s.periodFrom AS pf, s.periodUntil AS pu
ORDER BY s.id LIMIT $limit`
	cypherEditionDates = `MATCH (e:` + schema.EditionLabel + `)
RETURN e.dataset AS dataset, collect(DISTINCT e.publishedOn) AS dates`
	cypherNamesOf = `UNWIND $ids AS rid
MATCH (n:` + schema.NodeLabel + ` {id: rid})
RETURN rid, n.name AS name`
	// The entities an authority designates that own something: the
	// starting points of capturedByOwnership. The matcher's lists come from
	// graph/ownership/rules.yaml, as parameters.
	cypherDesignatedOwners = `MATCH (s:` + schema.NodeLabel + `:` + string(schema.Sanction) + `)-[d:` + string(schema.Designates) + `]->(rec:` + schema.NodeLabel + `)-[:` + string(schema.RecordOf) + `]->(res:` + schema.ResolvedLabel + `)
WHERE s.statusRank >= $minRank AND d.statusRank >= $minRank
  AND (s.dataset IN $datasets OR toLower(s.authority) IN $authorities) AND NOT s.dataset IN $exclude
  AND EXISTS { MATCH (res)-[:` + string(schema.HasRecord) + `]->(:` + schema.NodeLabel + `)-[o:` + string(schema.Owns) + `]->() WHERE o.statusRank >= $minRank }
RETURN DISTINCT res.id AS id ORDER BY id LIMIT $limit`
)

// OwnershipFacts reads what the ownership rules look at for the resolved
// entities q.EntityIDs: the stakes upstream of them, level by level up to
// q.Depth levels of owners (default and most model.MaxOwnershipDepth), at
// most model.MaxOwnershipStakes in all; the entities at the last level that
// have owners of their own (Frontier); every listing designating a record
// of any entity met; the publication dates of every list's editions; and
// the entities' names. One read transaction of at most Depth + 5 bounded
// statements; the date and the authority are applied in Go.
//
// Errors: TIMEOUT, UNAVAILABLE.
func (s *Store) OwnershipFacts(ctx context.Context, q model.OwnershipQuery) (*model.OwnershipFacts, error) {
	const op = "cypher.Store.OwnershipFacts"
	depth := q.Depth
	if depth <= 0 || depth > model.MaxOwnershipDepth {
		depth = model.MaxOwnershipDepth
	}
	maxStakes := q.MaxStakes
	if maxStakes <= 0 {
		maxStakes = model.MaxOwnershipStakes
	}
	minRank := int64(max(q.MinStatus.Rank(), 0))
	return read(ctx, s, op, func(tx neo4j.ManagedTransaction) (*model.OwnershipFacts, error) {
		f := &model.OwnershipFacts{Designations: map[string][]*model.DesignationFact{}, Editions: map[string][]string{}, Names: map[string]string{}}
		seen := map[string]bool{}
		for _, id := range q.EntityIDs {
			seen[id] = true
		}
		level := slices.Clone(q.EntityIDs)
		for d := 0; d < depth && len(level) > 0; d++ {
			left := maxStakes - len(f.Stakes)
			res, err := tx.Run(ctx, cypherOwnersOf, map[string]any{"ids": level, "minRank": minRank, "limit": int64(left + 1)})
			if err != nil {
				return nil, err
			}
			var next []string
			for res.Next(ctx) {
				rec := res.Record()
				r, _, err := neo4j.GetRecordValue[neo4j.Relationship](rec, "o")
				if err != nil {
					return nil, err
				}
				rid, _, _ := neo4j.GetRecordValue[string](rec, "rid")
				owner, _, _ := neo4j.GetRecordValue[string](rec, "owner")
				fromRec, _, _ := neo4j.GetRecordValue[string](rec, "fromRec")
				toRec, _, _ := neo4j.GetRecordValue[string](rec, "toRec")
				if len(f.Stakes) == maxStakes {
					f.Truncated = true
					break
				}
				f.Stakes = append(f.Stakes, &model.Stake{Rel: s.decodeRel(r, fromRec, toRec), OwnerID: owner, OwnedID: rid})
				if !seen[owner] {
					seen[owner] = true
					next = append(next, owner)
				}
			}
			if err := res.Err(); err != nil {
				return nil, err
			}
			level = next
			if f.Truncated {
				level = nil
			}
		}
		if len(level) > 0 {
			frontier, err := column[string](ctx, tx, cypherHasOwners, map[string]any{"ids": level, "minRank": minRank}, "rid")
			if err != nil {
				return nil, err
			}
			f.Frontier = frontier
		}
		ids := make([]string, 0, len(seen))
		for id := range seen {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if err := s.designationFacts(ctx, tx, ids, f); err != nil {
			return nil, err
		}
		if err := editionDates(ctx, tx, f); err != nil {
			return nil, err
		}
		return f, names(ctx, tx, ids, f)
	})
}

// maxDesignations caps the listings read for the entities met.
const maxDesignations = 20000

func (s *Store) designationFacts(ctx context.Context, tx neo4j.ManagedTransaction, ids []string, f *model.OwnershipFacts) error {
	res, err := tx.Run(ctx, cypherDesignationsOf, map[string]any{"ids": ids, "limit": int64(maxDesignations)})
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		rec := res.Record()
		n, _, err := neo4j.GetRecordValue[neo4j.Node](rec, "s")
		if err != nil {
			return err
		}
		r, _, err := neo4j.GetRecordValue[neo4j.Relationship](rec, "d")
		if err != nil {
			return err
		}
		rid, _, _ := neo4j.GetRecordValue[string](rec, "rid")
		recID, _, _ := neo4j.GetRecordValue[string](rec, "rec")
		sanction := s.decodeEntity(n)
		m := rec.AsMap()
		d := &model.DesignationFact{
			EntityID: rid, Sanction: sanction, Designates: s.decodeRel(r, sanction.ID, recID),
			ListingDate: dayOf(m["listed"]), DelistedOn: dayOf(m["delisted"]),
		}
		for _, v := range asList(m["pf"]) {
			d.PeriodFrom = append(d.PeriodFrom, dayOf(v))
		}
		for _, v := range asList(m["pu"]) {
			d.PeriodUntil = append(d.PeriodUntil, dayOf(v))
		}
		f.Designations[rid] = append(f.Designations[rid], d)
	}
	return res.Err()
}

// dayOf reads a stored date: a Neo4j date, or the text of one (a
// property stored as written); a partial text date is its first day.
func dayOf(v any) string {
	if d := dateStr(v); d != "" {
		return d
	}
	if s := str(v); s != "" {
		if f, _, err := schema.DateBounds(s); err == nil {
			return f.Format(time.DateOnly)
		}
	}
	return ""
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func editionDates(ctx context.Context, tx neo4j.ManagedTransaction, f *model.OwnershipFacts) error {
	res, err := tx.Run(ctx, cypherEditionDates, nil)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		m := res.Record().AsMap()
		var dates []string
		for _, v := range asList(m["dates"]) {
			if d := dayOf(v); d != "" {
				dates = append(dates, d)
			}
		}
		slices.Sort(dates)
		f.Editions[str(m["dataset"])] = dates
	}
	return res.Err()
}

func names(ctx context.Context, tx neo4j.ManagedTransaction, ids []string, f *model.OwnershipFacts) error {
	res, err := tx.Run(ctx, cypherNamesOf, map[string]any{"ids": ids})
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		m := res.Record().AsMap()
		f.Names[str(m["rid"])] = str(m["name"])
	}
	return res.Err()
}

// column runs a query and returns one column of every row.
func column[T neo4j.RecordValue](ctx context.Context, tx neo4j.ManagedTransaction, query string, p map[string]any, key string) ([]T, error) {
	res, err := tx.Run(ctx, query, p)
	if err != nil {
		return nil, err
	}
	var out []T
	for res.Next(ctx) {
		v, _, err := neo4j.GetRecordValue[T](res.Record(), key)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, res.Err()
}

// OwnedByDesignated returns the resolved entities that persons the rule
// designates own, directly or within depth levels (default and most
// model.MaxOwnershipDepth), in id order, at most limit of them, whatever
// the date: the candidates of capturedByOwnership. It starts from at most
// model.MaxOwnershipStakes designated owners; truncated says a cap was met.
//
// Errors: TIMEOUT, UNAVAILABLE.
func (s *Store) OwnedByDesignated(ctx context.Context, rule ownership.Rule, minStatus schema.Status, depth, limit int) (ids []string, truncated bool, err error) {
	const op = "cypher.Store.OwnedByDesignated"
	if depth <= 0 || depth > model.MaxOwnershipDepth {
		depth = model.MaxOwnershipDepth
	}
	minRank := int64(max(minStatus.Rank(), 0))
	lower := make([]string, len(rule.Designations.Authorities))
	for i, a := range rule.Designations.Authorities {
		lower[i] = strings.ToLower(a)
	}
	type result struct {
		ids       []string
		truncated bool
	}
	r, err := read(ctx, s, op, func(tx neo4j.ManagedTransaction) (result, error) {
		owners, err := column[string](ctx, tx, cypherDesignatedOwners, map[string]any{
			"minRank": minRank, "datasets": nonNil(rule.Designations.Datasets), "authorities": lower,
			"exclude": nonNil(rule.Designations.ExcludeDatasets), "limit": int64(model.MaxOwnershipStakes + 1),
		}, "id")
		if err != nil {
			return result{}, err
		}
		cut := len(owners) > model.MaxOwnershipStakes
		if cut {
			owners = owners[:model.MaxOwnershipStakes]
		}
		seen := map[string]bool{}
		var out []string
		level := owners
		for d := 0; d < depth && len(level) > 0; d++ {
			next, err := column[string](ctx, tx, cypherOwnedBy, map[string]any{"ids": level, "minRank": minRank, "limit": int64(limit + 1)}, "id")
			if err != nil {
				return result{}, err
			}
			level = nil
			for _, id := range next {
				if seen[id] {
					continue
				}
				if len(out) == limit {
					slices.Sort(out)
					return result{out, true}, nil
				}
				seen[id] = true
				out = append(out, id)
				level = append(level, id)
			}
		}
		slices.Sort(out)
		return result{out, cut}, nil
	})
	return r.ids, r.truncated, err
}

// nonNil is s, or an empty list for none (a nil slice is a Cypher null).
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
