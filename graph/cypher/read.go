package cypher

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

const (
	cypherEntitiesByID = `UNWIND $ids AS id
MATCH (n:` + schema.NodeLabel + ` {id: id})
RETURN n`
	cypherEvidenceByFact = `UNWIND $ids AS id
MATCH (e:` + schema.EvidenceLabel + ` {factId: id})
OPTIONAL MATCH (e)-[:` + string(schema.Cites) + `]->(s)
RETURN e, s.publishedOn AS published ORDER BY e.statusRank DESC, e.id`
	// Evidence with the cited source node, so evidence and sources take
	// one statement; and the same after the entities it is of.
	cypherEvidenceWithSources = `UNWIND $ids AS id
MATCH (e:` + schema.EvidenceLabel + ` {factId: id})
OPTIONAL MATCH (e)-[:` + string(schema.Cites) + `]->(s:` + schema.NodeLabel + `)
RETURN e, s ORDER BY e.statusRank DESC, e.id`
	evidenceOfRecords = `CALL (rids) {
  UNWIND rids AS fid
  MATCH (e:` + schema.EvidenceLabel + ` {factId: fid})
  OPTIONAL MATCH (e)-[:` + string(schema.Cites) + `]->(s:` + schema.NodeLabel + `)
  WITH e, s ORDER BY e.statusRank DESC, e.id
  RETURN collect({e: e, s: s}) AS evidence
}
`
	cypherEntitiesWithEvidence = `UNWIND $ids AS id
MATCH (n:` + schema.NodeLabel + ` {id: id})
WITH id, n, [n.id] AS rids
` + evidenceOfRecords + `RETURN id, n, evidence`
	cypherResolvedWithEvidence = `UNWIND $ids AS id
` + resolvedOf + `MATCH (res)-[:` + string(schema.HasRecord) + `]->(n:` + schema.NodeLabel + `)
WITH id, res, collect({n: n}) AS records, collect(n.id) AS rids
` + evidenceOfRecords + `RETURN id, res.id AS rid, records, evidence`
	cypherStateByISO = `MATCH (n:` + string(schema.State) + ` {isoCode: $code})
RETURN n ORDER BY CASE n.dataset WHEN 'curated' THEN 0 ELSE 1 END, n.id LIMIT 1`
	cypherResolutionByNumber = `MATCH (n:` + string(schema.Resolution) + ` {number: $number})
RETURN n ORDER BY CASE n.dataset WHEN 'curated' THEN 0 ELSE 1 END, n.id LIMIT 1`
)

var relsByID = map[schema.RelType]string{}

func init() {
	for _, t := range schema.RelTypes {
		relsByID[t] = `UNWIND $ids AS id
MATCH (a)-[r:` + string(t) + ` {id: id}]->(b)
RETURN r, a.id AS from, b.id AS to`
	}
}

// EntitiesByID returns the entities with these ids; unknown ids are absent
// from the map. One query for all ids, for dataloaders.
func (s *Store) EntitiesByID(ctx context.Context, ids []string) (map[string]*model.Entity, error) {
	return read(ctx, s, "cypher.Store.EntitiesByID", func(tx neo4j.ManagedTransaction) (map[string]*model.Entity, error) {
		return s.entitiesByID(ctx, tx, ids)
	})
}

// entitiesByID is EntitiesByID inside a transaction.
func (s *Store) entitiesByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]*model.Entity, error) {
	res, err := tx.Run(ctx, cypherEntitiesByID, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*model.Entity, len(ids))
	for res.Next(ctx) {
		n, _, err := neo4j.GetRecordValue[neo4j.Node](res.Record(), "n")
		if err != nil {
			return nil, err
		}
		e := s.decodeEntity(n)
		out[e.ID] = e
	}
	return out, res.Err()
}

// Entity returns one entity. Errors: NOT_FOUND.
func (s *Store) Entity(ctx context.Context, id string) (*model.Entity, error) {
	m, err := s.EntitiesByID(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if e, ok := m[id]; ok {
		return e, nil
	}
	return nil, &model.Error{Code: model.NotFound, Message: fmt.Sprintf("no entity with id %q", id), Op: "cypher.Store.Entity"}
}

// RelType returns the type a relationship id names ("USES|a|b" → USES).
func RelType(id string) (schema.RelType, bool) {
	t, _, ok := strings.Cut(id, "|")
	if !ok || !schema.ValidRelType(schema.RelType(t)) {
		return "", false
	}
	return schema.RelType(t), true
}

// RelationshipsByID returns the relationships with these ids; unknown ids
// are absent from the map.
func (s *Store) RelationshipsByID(ctx context.Context, ids []string) (map[string]*model.Relationship, error) {
	if len(ids) == 0 {
		return map[string]*model.Relationship{}, nil
	}
	return read(ctx, s, "cypher.Store.RelationshipsByID", func(tx neo4j.ManagedTransaction) (map[string]*model.Relationship, error) {
		return s.relationshipsByID(ctx, tx, ids)
	})
}

// relationshipsByID is RelationshipsByID inside a transaction: one
// index-backed query per relationship type the ids name.
func (s *Store) relationshipsByID(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]*model.Relationship, error) {
	byType := map[schema.RelType][]string{}
	for _, id := range ids {
		if t, ok := RelType(id); ok {
			byType[t] = append(byType[t], id)
		}
	}
	out := make(map[string]*model.Relationship, len(ids))
	for _, t := range schema.RelTypes {
		if len(byType[t]) == 0 {
			continue
		}
		res, err := tx.Run(ctx, relsByID[t], map[string]any{"ids": byType[t]})
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			rec := res.Record()
			r, _, err := neo4j.GetRecordValue[neo4j.Relationship](rec, "r")
			if err != nil {
				return nil, err
			}
			from, _, _ := neo4j.GetRecordValue[string](rec, "from")
			to, _, _ := neo4j.GetRecordValue[string](rec, "to")
			rel := s.decodeRel(r, from, to)
			out[rel.ID] = rel
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Relationship returns one relationship. Errors: NOT_FOUND.
func (s *Store) Relationship(ctx context.Context, id string) (*model.Relationship, error) {
	m, err := s.RelationshipsByID(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if r, ok := m[id]; ok {
		return r, nil
	}
	return nil, &model.Error{Code: model.NotFound, Message: fmt.Sprintf("no relationship with id %q", id), Op: "cypher.Store.Relationship"}
}

// EvidenceByFact returns the evidence for each fact id, strongest first.
func (s *Store) EvidenceByFact(ctx context.Context, factIDs []string) (map[string][]model.Evidence, error) {
	return read(ctx, s, "cypher.Store.EvidenceByFact", func(tx neo4j.ManagedTransaction) (map[string][]model.Evidence, error) {
		return evidenceByFact(ctx, tx, factIDs)
	})
}

// evidenceByFact is EvidenceByFact inside a transaction.
func evidenceByFact(ctx context.Context, tx neo4j.ManagedTransaction, factIDs []string) (map[string][]model.Evidence, error) {
	res, err := tx.Run(ctx, cypherEvidenceByFact, map[string]any{"ids": factIDs})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]model.Evidence, len(factIDs))
	for res.Next(ctx) {
		n, _, err := neo4j.GetRecordValue[neo4j.Node](res.Record(), "e")
		if err != nil {
			return nil, err
		}
		ev := decodeEvidence(n)
		published, _, _ := neo4j.GetRecordValue[string](res.Record(), "published")
		ev.SourcePublishedOn = published
		out[ev.FactID] = append(out[ev.FactID], ev)
	}
	return out, res.Err()
}

// EntitiesWithEvidence reads, in one read transaction, the entities with
// these ids (in view: records, or resolved entities), the evidence of each
// of their records and the sources that evidence cites: what a request
// asking for an entity with its evidence and sources needs, which would
// otherwise take a transaction for each level. Unknown ids are absent.
func (s *Store) EntitiesWithEvidence(ctx context.Context, ids []string, view model.View) (model.EntityBundle, error) {
	return read(ctx, s, "cypher.Store.EntitiesWithEvidence", func(tx neo4j.ManagedTransaction) (model.EntityBundle, error) {
		b := model.EntityBundle{Entities: map[string]*model.Entity{}, Evidence: map[string][]model.Evidence{}, Sources: map[string]*model.Entity{}}
		if len(ids) == 0 {
			return b, nil
		}
		// One statement: the entities (a resolved one with its records),
		// and for each record its evidence with the cited source.
		ids = slices.Compact(slices.Sorted(slices.Values(ids)))
		query := cypherEntitiesWithEvidence
		if view == model.ViewResolved {
			query = cypherResolvedWithEvidence
		}
		res, err := tx.Run(ctx, query, map[string]any{"ids": ids})
		if err != nil {
			return b, err
		}
		byRID := map[string]*model.Entity{}
		for res.Next(ctx) {
			rec := res.Record()
			id, _, _ := neo4j.GetRecordValue[string](rec, "id")
			var e *model.Entity
			if view == model.ViewResolved {
				rid, _, _ := neo4j.GetRecordValue[string](rec, "rid")
				if e = byRID[rid]; e != nil {
					b.Entities[id] = e
					continue
				}
				items, _, _ := neo4j.GetRecordValue[[]any](rec, "records")
				e = s.decodeResolved(rid, items)
				byRID[rid] = e
			} else {
				n, _, err := neo4j.GetRecordValue[neo4j.Node](rec, "n")
				if err != nil {
					return b, err
				}
				e = s.decodeEntity(n)
			}
			b.Entities[id] = e
			items, _, _ := neo4j.GetRecordValue[[]any](rec, "evidence")
			s.addEntityEvidence(&b, e, items)
		}
		return b, res.Err()
	})
}

// addEntityEvidence adds the evidence of e's records that evidenceOfRecords
// collected (items) to b, every record with a list, maybe empty.
func (s *Store) addEntityEvidence(b *model.EntityBundle, e *model.Entity, items []any) {
	for _, f := range e.RecordIDs() {
		b.Evidence[f] = []model.Evidence{}
	}
	s.addEvidence(b, items)
}

// addEvidence adds what evidenceOfRecords collects (items {e, s}, strongest
// first) to b: each evidence under its fact, each cited source.
func (s *Store) addEvidence(b *model.EntityBundle, items []any) {
	for _, it := range items {
		m, _ := it.(map[string]any)
		en, ok := m["e"].(neo4j.Node)
		if !ok {
			continue
		}
		ev := decodeEvidence(en)
		if src, ok := m["s"].(neo4j.Node); ok {
			se := s.decodeEntity(src)
			ev.SourcePublishedOn = se.Properties.First("publishedOn")
			b.Sources[se.ID] = se
		}
		b.Evidence[ev.FactID] = append(b.Evidence[ev.FactID], ev)
	}
}

// EvidenceWithSources reads the evidence of these facts and the sources it
// cites in one read transaction (every fact id has a list, maybe empty).
func (s *Store) EvidenceWithSources(ctx context.Context, factIDs []string) (model.EntityBundle, error) {
	return read(ctx, s, "cypher.Store.EvidenceWithSources", func(tx neo4j.ManagedTransaction) (model.EntityBundle, error) {
		return s.evidenceWithSources(ctx, tx, factIDs)
	})
}

func (s *Store) evidenceWithSources(ctx context.Context, tx neo4j.ManagedTransaction, factIDs []string) (model.EntityBundle, error) {
	b := model.EntityBundle{Evidence: map[string][]model.Evidence{}, Sources: map[string]*model.Entity{}}
	if len(factIDs) == 0 {
		return b, nil
	}
	res, err := tx.Run(ctx, cypherEvidenceWithSources, map[string]any{"ids": factIDs})
	if err != nil {
		return b, err
	}
	evs := make(map[string][]model.Evidence, len(factIDs))
	for res.Next(ctx) {
		n, _, err := neo4j.GetRecordValue[neo4j.Node](res.Record(), "e")
		if err != nil {
			return b, err
		}
		ev := decodeEvidence(n)
		if src, isNil, _ := neo4j.GetRecordValue[neo4j.Node](res.Record(), "s"); !isNil {
			e := s.decodeEntity(src)
			ev.SourcePublishedOn = e.Properties.First("publishedOn")
			b.Sources[e.ID] = e
		}
		evs[ev.FactID] = append(evs[ev.FactID], ev)
	}
	if err := res.Err(); err != nil {
		return b, err
	}
	for _, id := range factIDs {
		b.Evidence[id] = append([]model.Evidence{}, evs[id]...)
	}
	return b, nil
}

// State returns the state with an ISO 3166-1 alpha-2 code, preferring the
// curated node. Errors: NOT_FOUND.
func (s *Store) State(ctx context.Context, isoCode string) (*model.Entity, error) {
	return s.one(ctx, "cypher.Store.State", cypherStateByISO, map[string]any{"code": strings.ToUpper(isoCode)},
		fmt.Sprintf("no state with ISO code %q", isoCode))
}

// Resolution returns the UN Security Council resolution with a number.
// Errors: NOT_FOUND.
func (s *Store) Resolution(ctx context.Context, number int) (*model.Entity, error) {
	return s.one(ctx, "cypher.Store.Resolution", cypherResolutionByNumber, map[string]any{"number": int64(number)},
		fmt.Sprintf("no resolution number %d", number))
}

func (s *Store) one(ctx context.Context, op, query string, params map[string]any, notFound string) (*model.Entity, error) {
	e, err := read(ctx, s, op, func(tx neo4j.ManagedTransaction) (*model.Entity, error) {
		res, err := tx.Run(ctx, query, params)
		if err != nil {
			return nil, err
		}
		if !res.Next(ctx) {
			return nil, res.Err()
		}
		n, _, err := neo4j.GetRecordValue[neo4j.Node](res.Record(), "n")
		if err != nil {
			return nil, err
		}
		return s.decodeEntity(n), nil
	})
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, &model.Error{Code: model.NotFound, Message: notFound, Op: op}
	}
	return e, nil
}
