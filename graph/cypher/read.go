package cypher

import (
	"context"
	"fmt"
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
		var ents map[string]*model.Entity
		var err error
		if view == model.ViewResolved {
			ents, err = s.resolvedByID(ctx, tx, ids)
		} else {
			ents, err = s.entitiesByID(ctx, tx, ids)
		}
		if err != nil {
			return model.EntityBundle{}, err
		}
		var facts []string
		for _, id := range ids {
			if e := ents[id]; e != nil {
				facts = append(facts, e.RecordIDs()...)
			}
		}
		b, err := s.evidenceWithSources(ctx, tx, facts)
		b.Entities = ents
		return b, err
	})
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
	evs, err := evidenceByFact(ctx, tx, factIDs)
	if err != nil {
		return b, err
	}
	seen := map[string]bool{}
	var sources []string
	for _, id := range factIDs {
		b.Evidence[id] = append([]model.Evidence{}, evs[id]...)
		for _, ev := range evs[id] {
			if ev.SourceID != "" && !seen[ev.SourceID] {
				seen[ev.SourceID] = true
				sources = append(sources, ev.SourceID)
			}
		}
	}
	if len(sources) > 0 {
		if b.Sources, err = s.entitiesByID(ctx, tx, sources); err != nil {
			return b, err
		}
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
