package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/sanctiongraph/sanctiongraph/graph/dataloader"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// Prefetcher is a store that reads entities with their evidence and its
// sources in one transaction (cypher.Store). The resolvers use it when the
// request's selection shows it will ask for all of them: the answer primes
// the request's dataloaders, so the evidence and source fields find their
// data there instead of each level waiting for a loader batch and running a
// transaction of its own.
type Prefetcher interface {
	EntitiesWithEvidence(ctx context.Context, ids []string, view model.View) (model.EntityBundle, error)
	EvidenceWithSources(ctx context.Context, factIDs []string) (model.EntityBundle, error)
}

// evidenceFields are the Entity fields that read the entity's evidence.
var evidenceFields = []string{"evidence", "firstReported", "lastConfirmed", "citations"}

// selectedUnder returns the names of the fields selected at path below the
// current field (e.g. "edges", "node"), through fragments and aliases.
func selectedUnder(ctx context.Context, path ...string) []string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	fields := graphql.CollectFields(oc, fc.Field.Selections, nil)
	for _, name := range path {
		var next ast.SelectionSet
		for _, f := range fields {
			if f.Name == name {
				next = append(next, f.Selections...)
			}
		}
		fields = graphql.CollectFields(oc, next, nil)
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return names
}

// wantsEvidence reports whether the objects at path below the current
// field will be asked for their evidence (evidenceFields of an entity or a
// relationship).
func wantsEvidence(ctx context.Context, path ...string) bool {
	return asksFor(ctx, evidenceFields, path...)
}

// asksFor reports whether any of fields is selected at path below the
// current field.
func asksFor(ctx context.Context, fields []string, path ...string) bool {
	return slices.ContainsFunc(selectedUnder(ctx, path...), func(n string) bool { return slices.Contains(fields, n) })
}

// prefetcher returns the store as a Prefetcher when the request has
// dataloaders to prime.
func (r *Resolver) prefetcher(ctx context.Context) (Prefetcher, *dataloader.Loaders) {
	l := dataloader.For(ctx)
	p, ok := r.Store.(Prefetcher)
	if l == nil || !ok {
		return nil, nil
	}
	return p, l
}

// canPrime reports whether the request has loaders a page's evidence can
// prime: then a store may read that evidence with the page (WithEvidence).
func (r *Resolver) canPrime(ctx context.Context) bool {
	p, _ := r.prefetcher(ctx)
	return p != nil
}

// primePage primes the loaders with the evidence a page was read with, or,
// when the store did not read it with the page, runs fallback (its own
// look-ahead transaction).
func (r *Resolver) primePage(ctx context.Context, facts *model.EntityBundle, fallback func() error) error {
	if facts != nil {
		if _, l := r.prefetcher(ctx); l != nil {
			prime(l, *facts)
			return nil
		}
	}
	return fallback()
}

// prime hands a bundle's evidence and sources to the request's loaders.
func prime(l *dataloader.Loaders, b model.EntityBundle) {
	for id, evs := range b.Evidence {
		l.Evidence.Prime(id, evs)
	}
	for id, src := range b.Sources {
		l.Entities.Prime(id, src)
	}
}

// entityWithEvidence reads one entity (records or resolved view) and, when
// the selection asks for its evidence, that evidence and its sources in the
// same transaction. ok is false when no prefetch applies; the caller then
// reads the entity alone.
func (r *Resolver) entityWithEvidence(ctx context.Context, id string, view model.View) (e *model.Entity, ok bool, err error) {
	p, l := r.prefetcher(ctx)
	if p == nil || !wantsEvidence(ctx) {
		return nil, false, nil
	}
	b, err := p.EntitiesWithEvidence(ctx, []string{id}, view)
	if err != nil {
		return nil, true, err
	}
	e = b.Entities[id]
	if e == nil {
		return nil, true, noEntity(id)
	}
	prime(l, b)
	return e, true, nil
}

// primeEvidence reads the evidence and sources of a page of entities in
// one transaction when the selection at path asks for their evidence.
func (r *Resolver) primeEvidence(ctx context.Context, ents []*model.Entity, path ...string) error {
	if !wantsEvidence(ctx, path...) {
		return nil
	}
	var facts []string
	for _, e := range ents {
		facts = append(facts, e.RecordIDs()...)
	}
	return r.primeFacts(ctx, facts)
}

// hopEvidenceFields are the Hop fields that read the hop's evidence.
var hopEvidenceFields = []string{"evidence", "sentence", "citations"}

// primeHopEvidence reads the evidence and sources of every hop of the
// paths found in one transaction when the selection asks for them.
func (r *Resolver) primeHopEvidence(ctx context.Context, paths []model.Path) error {
	if !asksFor(ctx, hopEvidenceFields, "paths", "hops") {
		return nil
	}
	var rels []string
	for _, path := range paths {
		for _, rel := range path.Rels {
			rels = append(rels, rel.ID)
		}
	}
	return r.primeFacts(ctx, rels)
}

// primeRelEvidence reads the evidence and sources of a neighbour page's
// relationships in one transaction when the selection asks for them (a
// top-level page; nested pages share the loaders' batches instead).
func (r *Resolver) primeRelEvidence(ctx context.Context, ns []model.Neighbour) error {
	if !wantsEvidence(ctx, "edges", "relationship") {
		return nil
	}
	rels := make([]string, len(ns))
	for i, n := range ns {
		rels[i] = n.Relationship.ID
	}
	return r.primeFacts(ctx, rels)
}

// primeFacts reads the evidence of these facts (entities' records or
// relationships; repeats read once) and the sources it cites in one
// transaction, and hands them to the request's loaders.
func (r *Resolver) primeFacts(ctx context.Context, facts []string) error {
	p, l := r.prefetcher(ctx)
	if p == nil || len(facts) == 0 {
		return nil
	}
	b, err := p.EvidenceWithSources(ctx, slices.Compact(slices.Sorted(slices.Values(facts))))
	if err != nil {
		return err
	}
	prime(l, b)
	return nil
}
