// Package fake provides a graph.Store whose behaviour each test sets with
// function fields, for resolver tests that check argument handling and
// error mapping without Neo4j. Behaviour that touches the graph is tested
// against a real Neo4j (graph/cypher, cmd/sanctiongraph).
package fake

import (
	"context"
	"errors"

	"github.com/sanctiongraph/sanctiongraph/graph/endpoint"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/ownership"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

var _ endpoint.StoreWithLoaders = (*Store)(nil)

// ErrUnset is returned by methods whose function field is nil.
var ErrUnset = errors.New("fake: method not set by the test")

// Store is a graph.Store made of function fields.
type Store struct {
	EntityFn            func(ctx context.Context, id string) (*model.Entity, error)
	EntitiesByIDFn      func(ctx context.Context, ids []string) (map[string]*model.Entity, error)
	RelationshipFn      func(ctx context.Context, id string) (*model.Relationship, error)
	RelationshipsByIDFn func(ctx context.Context, ids []string) (map[string]*model.Relationship, error)
	EvidenceByFactFn    func(ctx context.Context, ids []string) (map[string][]model.Evidence, error)
	StateFn             func(ctx context.Context, iso string) (*model.Entity, error)
	ResolutionFn        func(ctx context.Context, n int) (*model.Entity, error)
	EntitiesFn          func(ctx context.Context, q model.EntityQuery) (model.EntityPage, error)
	SearchFn            func(ctx context.Context, q model.SearchQuery) (model.SearchPage, error)
	NeighboursFn        func(ctx context.Context, q model.NeighbourQuery) (model.NeighbourPage, error)
	RelationshipsFn     func(ctx context.Context, q model.RelationshipQuery) (model.RelationshipPage, error)
	SupportsFn          func(ctx context.Context, q model.SupportQuery) (model.SupportPage, error)
	TimelineFn          func(ctx context.Context, q model.TimelineQuery) (model.TimelinePage, error)
	CountsFn            func(ctx context.Context, q model.CountQuery) (*model.Counts, error)
	PathsFn             func(ctx context.Context, q model.PathQuery) (model.PathSearch, error)
	ResolveEntityFn     func(ctx context.Context, ref string, view model.View) (*model.Entity, error)
	ResolvedByIDFn      func(ctx context.Context, ids []string) (map[string]*model.Entity, error)
	ListingsFn          func(ctx context.Context, ids []string) (map[string][]*model.Entity, error)
	SameAsLinksFn       func(ctx context.Context, id string) ([]*model.Relationship, error)
	ViolationFactsFn    func(ctx context.Context, q model.ViolationQuery) (*model.ViolationFacts, error)
	OwnershipFactsFn    func(ctx context.Context, q model.OwnershipQuery) (*model.OwnershipFacts, error)
	OwnedByDesignatedFn func(ctx context.Context, rule ownership.Rule, minStatus schema.Status, depth, limit int) ([]string, bool, error)

	UpsertEntityFn       func(ctx context.Context, e model.Entity, evidence []model.Evidence, action string, who model.Actor, reason string) (*model.Entity, model.WriteResult, error)
	UpsertRelationshipFn func(ctx context.Context, r model.Relationship, evidence []model.Evidence, who model.Actor, reason string) (*model.Relationship, model.WriteResult, error)
	AttachEvidenceFn     func(ctx context.Context, ev model.Evidence, who model.Actor, reason string) (model.Evidence, model.WriteResult, error)
	// FactFn serves SetStatus, Retract and Restore; action says which.
	FactFn            func(ctx context.Context, action, id string, status schema.Status, who model.Actor, reason string) (model.CuratedFact, model.WriteResult, error)
	HistoryFn         func(ctx context.Context, q model.ChangeQuery) (model.ChangePage, error)
	VerifyChangeLogFn func(ctx context.Context) (model.ChangeLogCheck, error)

	EditionsFn       func(ctx context.Context, list string) ([]model.Edition, error)
	ListChangesFn    func(ctx context.Context, q model.ListChangeQuery) (model.ListChangePage, error)
	ListingHistoryFn func(ctx context.Context, id string) (model.ListingHistory, error)
}

func (s *Store) Relationships(ctx context.Context, q model.RelationshipQuery) (model.RelationshipPage, error) {
	if s.RelationshipsFn == nil {
		return model.RelationshipPage{}, ErrUnset
	}
	return s.RelationshipsFn(ctx, q)
}

func (s *Store) Supports(ctx context.Context, q model.SupportQuery) (model.SupportPage, error) {
	if s.SupportsFn == nil {
		return model.SupportPage{}, ErrUnset
	}
	return s.SupportsFn(ctx, q)
}

func (s *Store) Editions(ctx context.Context, list string) ([]model.Edition, error) {
	if s.EditionsFn == nil {
		return nil, ErrUnset
	}
	return s.EditionsFn(ctx, list)
}

func (s *Store) ListChanges(ctx context.Context, q model.ListChangeQuery) (model.ListChangePage, error) {
	if s.ListChangesFn == nil {
		return model.ListChangePage{}, ErrUnset
	}
	return s.ListChangesFn(ctx, q)
}

func (s *Store) ListingHistory(ctx context.Context, id string) (model.ListingHistory, error) {
	if s.ListingHistoryFn == nil {
		return model.ListingHistory{}, ErrUnset
	}
	return s.ListingHistoryFn(ctx, id)
}

func (s *Store) UpsertEntity(ctx context.Context, e model.Entity, evidence []model.Evidence, action string, who model.Actor, reason string) (*model.Entity, model.WriteResult, error) {
	if s.UpsertEntityFn == nil {
		return nil, model.WriteResult{}, ErrUnset
	}
	return s.UpsertEntityFn(ctx, e, evidence, action, who, reason)
}

func (s *Store) UpsertRelationship(ctx context.Context, r model.Relationship, evidence []model.Evidence, who model.Actor, reason string) (*model.Relationship, model.WriteResult, error) {
	if s.UpsertRelationshipFn == nil {
		return nil, model.WriteResult{}, ErrUnset
	}
	return s.UpsertRelationshipFn(ctx, r, evidence, who, reason)
}

func (s *Store) AttachEvidence(ctx context.Context, ev model.Evidence, who model.Actor, reason string) (model.Evidence, model.WriteResult, error) {
	if s.AttachEvidenceFn == nil {
		return model.Evidence{}, model.WriteResult{}, ErrUnset
	}
	return s.AttachEvidenceFn(ctx, ev, who, reason)
}

func (s *Store) fact(ctx context.Context, action, id string, status schema.Status, who model.Actor, reason string) (model.CuratedFact, model.WriteResult, error) {
	if s.FactFn == nil {
		return model.CuratedFact{}, model.WriteResult{}, ErrUnset
	}
	return s.FactFn(ctx, action, id, status, who, reason)
}

func (s *Store) SetStatus(ctx context.Context, id string, status schema.Status, who model.Actor, reason string) (model.CuratedFact, model.WriteResult, error) {
	return s.fact(ctx, model.ActionSetStatus, id, status, who, reason)
}

func (s *Store) Retract(ctx context.Context, id string, who model.Actor, reason string) (model.CuratedFact, model.WriteResult, error) {
	return s.fact(ctx, model.ActionRetract, id, "", who, reason)
}

func (s *Store) Restore(ctx context.Context, id string, who model.Actor, reason string) (model.CuratedFact, model.WriteResult, error) {
	return s.fact(ctx, model.ActionRestore, id, "", who, reason)
}

func (s *Store) History(ctx context.Context, q model.ChangeQuery) (model.ChangePage, error) {
	if s.HistoryFn == nil {
		return model.ChangePage{}, ErrUnset
	}
	return s.HistoryFn(ctx, q)
}

func (s *Store) VerifyChangeLog(ctx context.Context) (model.ChangeLogCheck, error) {
	if s.VerifyChangeLogFn == nil {
		return model.ChangeLogCheck{}, ErrUnset
	}
	return s.VerifyChangeLogFn(ctx)
}

func (s *Store) ViolationFacts(ctx context.Context, q model.ViolationQuery) (*model.ViolationFacts, error) {
	if s.ViolationFactsFn == nil {
		return nil, ErrUnset
	}
	return s.ViolationFactsFn(ctx, q)
}

func (s *Store) OwnershipFacts(ctx context.Context, q model.OwnershipQuery) (*model.OwnershipFacts, error) {
	if s.OwnershipFactsFn == nil {
		return nil, ErrUnset
	}
	return s.OwnershipFactsFn(ctx, q)
}

func (s *Store) OwnedByDesignated(ctx context.Context, rule ownership.Rule, minStatus schema.Status, depth, limit int) ([]string, bool, error) {
	if s.OwnedByDesignatedFn == nil {
		return nil, false, ErrUnset
	}
	return s.OwnedByDesignatedFn(ctx, rule, minStatus, depth, limit)
}

func (s *Store) Paths(ctx context.Context, q model.PathQuery) (model.PathSearch, error) {
	if s.PathsFn == nil {
		return model.PathSearch{}, ErrUnset
	}
	return s.PathsFn(ctx, q)
}

func (s *Store) ResolveEntity(ctx context.Context, ref string, view model.View) (*model.Entity, error) {
	if s.ResolveEntityFn == nil {
		return nil, ErrUnset
	}
	return s.ResolveEntityFn(ctx, ref, view)
}

func (s *Store) Listings(ctx context.Context, ids []string) (map[string][]*model.Entity, error) {
	if s.ListingsFn == nil {
		return nil, ErrUnset
	}
	return s.ListingsFn(ctx, ids)
}

func (s *Store) SameAsLinks(ctx context.Context, id string) ([]*model.Relationship, error) {
	if s.SameAsLinksFn == nil {
		return nil, ErrUnset
	}
	return s.SameAsLinksFn(ctx, id)
}

func (s *Store) ResolvedByID(ctx context.Context, ids []string) (map[string]*model.Entity, error) {
	if s.ResolvedByIDFn == nil {
		return nil, ErrUnset
	}
	return s.ResolvedByIDFn(ctx, ids)
}

func (s *Store) Entity(ctx context.Context, id string) (*model.Entity, error) {
	if s.EntityFn == nil {
		return nil, ErrUnset
	}
	return s.EntityFn(ctx, id)
}

func (s *Store) EntitiesByID(ctx context.Context, ids []string) (map[string]*model.Entity, error) {
	if s.EntitiesByIDFn == nil {
		return nil, ErrUnset
	}
	return s.EntitiesByIDFn(ctx, ids)
}

func (s *Store) Relationship(ctx context.Context, id string) (*model.Relationship, error) {
	if s.RelationshipFn == nil {
		return nil, ErrUnset
	}
	return s.RelationshipFn(ctx, id)
}

func (s *Store) RelationshipsByID(ctx context.Context, ids []string) (map[string]*model.Relationship, error) {
	if s.RelationshipsByIDFn == nil {
		return nil, ErrUnset
	}
	return s.RelationshipsByIDFn(ctx, ids)
}

func (s *Store) EvidenceByFact(ctx context.Context, ids []string) (map[string][]model.Evidence, error) {
	if s.EvidenceByFactFn == nil {
		return nil, ErrUnset
	}
	return s.EvidenceByFactFn(ctx, ids)
}

func (s *Store) State(ctx context.Context, iso string) (*model.Entity, error) {
	if s.StateFn == nil {
		return nil, ErrUnset
	}
	return s.StateFn(ctx, iso)
}

func (s *Store) Resolution(ctx context.Context, n int) (*model.Entity, error) {
	if s.ResolutionFn == nil {
		return nil, ErrUnset
	}
	return s.ResolutionFn(ctx, n)
}

func (s *Store) Entities(ctx context.Context, q model.EntityQuery) (model.EntityPage, error) {
	if s.EntitiesFn == nil {
		return model.EntityPage{}, ErrUnset
	}
	return s.EntitiesFn(ctx, q)
}

func (s *Store) Search(ctx context.Context, q model.SearchQuery) (model.SearchPage, error) {
	if s.SearchFn == nil {
		return model.SearchPage{}, ErrUnset
	}
	return s.SearchFn(ctx, q)
}

func (s *Store) Neighbours(ctx context.Context, q model.NeighbourQuery) (model.NeighbourPage, error) {
	if s.NeighboursFn == nil {
		return model.NeighbourPage{}, ErrUnset
	}
	return s.NeighboursFn(ctx, q)
}

func (s *Store) Timeline(ctx context.Context, q model.TimelineQuery) (model.TimelinePage, error) {
	if s.TimelineFn == nil {
		return model.TimelinePage{}, ErrUnset
	}
	return s.TimelineFn(ctx, q)
}

func (s *Store) Counts(ctx context.Context, q model.CountQuery) (*model.Counts, error) {
	if s.CountsFn == nil {
		return nil, ErrUnset
	}
	return s.CountsFn(ctx, q)
}
