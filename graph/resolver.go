// Package graph is the GraphQL layer: gqlgen's generated executor and the
// resolvers. Resolvers parse arguments, call the store (root fields) or a
// dataloader (nested fields) and map errors; all Cypher lives in
// graph/cypher, and the HTTP endpoint that serves the schema (transports,
// limits, persisted queries, error presentation) in graph/endpoint.
package graph

//go:generate go tool gqlgen generate --config gqlgen.yml

import (
	"context"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/ownership"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Store is what the resolvers need from the graph store (graph/cypher.Store).
type Store interface {
	Entity(ctx context.Context, id string) (*model.Entity, error)
	EntitiesByID(ctx context.Context, ids []string) (map[string]*model.Entity, error)
	Relationship(ctx context.Context, id string) (*model.Relationship, error)
	RelationshipsByID(ctx context.Context, ids []string) (map[string]*model.Relationship, error)
	EvidenceByFact(ctx context.Context, factIDs []string) (map[string][]model.Evidence, error)
	State(ctx context.Context, isoCode string) (*model.Entity, error)
	Resolution(ctx context.Context, number int) (*model.Entity, error)
	Entities(ctx context.Context, q model.EntityQuery) (model.EntityPage, error)
	Search(ctx context.Context, q model.SearchQuery) (model.SearchPage, error)
	Neighbours(ctx context.Context, q model.NeighbourQuery) (model.NeighbourPage, error)
	Relationships(ctx context.Context, q model.RelationshipQuery) (model.RelationshipPage, error)
	Supports(ctx context.Context, q model.SupportQuery) (model.SupportPage, error)
	Timeline(ctx context.Context, q model.TimelineQuery) (model.TimelinePage, error)
	Counts(ctx context.Context, q model.CountQuery) (*model.Counts, error)
	Paths(ctx context.Context, q model.PathQuery) (model.PathSearch, error)
	ResolveEntity(ctx context.Context, ref string, view model.View) (*model.Entity, error)
	ResolvedByID(ctx context.Context, ids []string) (map[string]*model.Entity, error)
	Listings(ctx context.Context, recordIDs []string) (map[string][]*model.Entity, error)
	SameAsLinks(ctx context.Context, id string) ([]*model.Relationship, error)
	// ViolationFacts gathers the facts the potential-violation rules
	// (graph/breach) look at.
	ViolationFacts(ctx context.Context, q model.ViolationQuery) (*model.ViolationFacts, error)
	// OwnershipFacts gathers the stakes and listings the ownership rules
	// (graph/ownership) look at; OwnedByDesignated finds the entities a
	// rule's designated persons own, the candidates of capturedByOwnership.
	OwnershipFacts(ctx context.Context, q model.OwnershipQuery) (*model.OwnershipFacts, error)
	OwnedByDesignated(ctx context.Context, rule ownership.Rule, minStatus schema.Status, depth, limit int) ([]string, bool, error)
	Lists
	Curator
}

// Lists reads list editions (system records the loaders write) and what
// they say about listings.
type Lists interface {
	Editions(ctx context.Context, list string) ([]model.Edition, error)
	ListChanges(ctx context.Context, q model.ListChangeQuery) (model.ListChangePage, error)
	ListingHistory(ctx context.Context, id string) (model.ListingHistory, error)
}

// Curator is the write side of the store: curator writes, each one
// transaction recorded in the change log, and the log itself.
type Curator interface {
	UpsertEntity(ctx context.Context, e model.Entity, evidence []model.Evidence, action string, who model.Actor, reason string) (*model.Entity, model.WriteResult, error)
	UpsertRelationship(ctx context.Context, r model.Relationship, evidence []model.Evidence, who model.Actor, reason string) (*model.Relationship, model.WriteResult, error)
	AttachEvidence(ctx context.Context, ev model.Evidence, who model.Actor, reason string) (model.Evidence, model.WriteResult, error)
	SetStatus(ctx context.Context, id string, status schema.Status, who model.Actor, reason string) (model.CuratedFact, model.WriteResult, error)
	Retract(ctx context.Context, id string, who model.Actor, reason string) (model.CuratedFact, model.WriteResult, error)
	Restore(ctx context.Context, id string, who model.Actor, reason string) (model.CuratedFact, model.WriteResult, error)
	History(ctx context.Context, q model.ChangeQuery) (model.ChangePage, error)
	VerifyChangeLog(ctx context.Context) (model.ChangeLogCheck, error)
}

// RequestIDFunc returns the id of the request a context belongs to, for
// logs and change records.
type RequestIDFunc func(ctx context.Context) string

// Resolver holds the resolvers' dependencies. It is never regenerated.
type Resolver struct {
	Store Store
	model *schema.Model
	// requestID names the request in change records.
	requestID RequestIDFunc
}

// NewResolver returns a Resolver over store; requestID, which may be nil,
// names the request in change records.
func NewResolver(store Store, requestID RequestIDFunc) *Resolver {
	if requestID == nil {
		requestID = func(context.Context) string { return "" }
	}
	return &Resolver{Store: store, model: schema.MustModel(), requestID: requestID}
}
