package graph

import (
	"context"
	"fmt"
	"slices"

	"github.com/sanctiongraph/sanctiongraph/graph/dataloader"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
	"github.com/vikstrous/dataloadgen"
)

// noEntity is the NOT_FOUND error of an unknown entity id.
func noEntity(id string) error {
	return &model.Error{Code: model.NotFound, Message: fmt.Sprintf("no entity with id %q", id)}
}

// entity loads one entity through the request's dataloader (or directly
// outside a request).
func (r *Resolver) entity(ctx context.Context, id string) (*model.Entity, error) {
	l := dataloader.For(ctx)
	if l == nil {
		return r.Store.Entity(ctx, id)
	}
	e, err := l.Entities.Load(ctx, id)
	if dataloader.IsNotFound(err) {
		return nil, noEntity(id)
	}
	return e, err
}

// evidence loads the evidence of one fact through the request's dataloader.
func (r *Resolver) evidence(ctx context.Context, factID string) ([]*model.Evidence, error) {
	var evs []model.Evidence
	if l := dataloader.For(ctx); l != nil {
		v, err := l.Evidence.Load(ctx, factID)
		if err != nil {
			return nil, err
		}
		evs = v
	} else {
		m, err := r.Store.EvidenceByFact(ctx, []string{factID})
		if err != nil {
			return nil, err
		}
		evs = m[factID]
	}
	out := make([]*model.Evidence, len(evs))
	for i := range evs {
		out[i] = &evs[i]
	}
	return out, nil
}

// batchedNeighbours is the request's loader for neighbour pages like q,
// when batch asks for one (Entity.neighbours: many entities of a list ask
// alike) and the store can batch them; nil otherwise.
func batchedNeighbours(ctx context.Context, batch bool, q model.NeighbourQuery) *dataloadgen.Loader[string, model.NeighbourPage] {
	if !batch {
		return nil
	}
	if l := dataloader.For(ctx); l != nil {
		return l.Neighbours(q)
	}
	return nil
}

// neighbours answers Query.neighbours and Entity.neighbours (batch: read
// through the request's neighbour loader with the entity's siblings).
func (r *Resolver) neighbours(ctx context.Context, id string, filter *model.NeighbourFilter, first *int, after *string, view model.View, batch bool) (*model.NeighbourConnection, error) {
	p, err := page(first, after, 20)
	if err != nil {
		return nil, err
	}
	q := model.NeighbourQuery{ID: id, Page: p, View: view, WithoutTotal: !selects(ctx, "totalCount"),
		WithEvidence: r.canPrime(ctx) && wantsEvidence(ctx, "edges", "relationship")}
	if filter != nil {
		q.Types, q.Kinds, q.Statuses, q.MinStatus = filter.Types, filter.Kinds, filter.Statuses, deref(filter.MinStatus)
		q.Direction, q.At = deref(filter.Direction), string(deref(filter.At))
	}
	var res model.NeighbourPage
	if ld := batchedNeighbours(ctx, batch, q); ld != nil {
		res, err = ld.Load(ctx, id)
		if dataloader.IsNotFound(err) {
			err = noEntity(id)
		}
		if err == nil && res.Facts != nil {
			// The batch read every page's evidence in its transaction.
			err = r.primePage(ctx, res.Facts, func() error { return nil })
		}
	} else {
		res, err = r.Store.Neighbours(ctx, q)
		if err == nil {
			err = r.primePage(ctx, res.Facts, func() error { return r.primeRelEvidence(ctx, res.Neighbours) })
		}
	}
	if err != nil {
		return nil, err
	}
	total := res.Total
	if q.WithoutTotal {
		total = uncounted(p, len(res.Neighbours), res.More)
	}
	conn := &model.NeighbourConnection{TotalCount: total, PageInfo: pageInfo(p, len(res.Neighbours), total)}
	for i, n := range res.Neighbours {
		conn.Edges = append(conn.Edges, &model.NeighbourEdge{Cursor: cursor(p.Offset + i), Relationship: n.Relationship, Node: n.Node, Direction: n.Direction()})
	}
	return conn, nil
}

// properties lists declared properties that have values, in name order,
// optionally only the named ones.
func properties(decl map[string]schema.Prop, have model.Properties, names []string) []*model.Property {
	var out []*model.Property
	for _, n := range schema.PropNames(decl) {
		vals := have[n]
		if len(vals) == 0 || (len(names) > 0 && !slices.Contains(names, n)) {
			continue
		}
		out = append(out, &model.Property{Name: n, Type: model.PropertyType(schema.EnumName(string(decl[n].Type))), Values: vals})
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// viewOf is the view a query asked for; RESOLVED when it asked for none.
func viewOf(v *model.View) model.View {
	if v != nil && *v == model.ViewRecords {
		return model.ViewRecords
	}
	return model.ViewResolved
}

// resolvedEntity loads the resolved entity an id names (its own or a
// record's). Errors: NOT_FOUND.
func (r *Resolver) resolvedEntity(ctx context.Context, id string) (*model.Entity, error) {
	m, err := r.Store.ResolvedByID(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if e, ok := m[id]; ok {
		return e, nil
	}
	return nil, noEntity(id)
}

// sameAsPath returns the SAME_AS links (of one resolved entity) that lead
// from record a to record b (a shortest chain; links in id order break ties).
func sameAsPath(links []*model.Relationship, a, b string) []*model.Relationship {
	prev := map[string]*model.Relationship{a: nil}
	queue := []string{a}
	for len(queue) > 0 && prev[b] == nil && a != b {
		cur := queue[0]
		queue = queue[1:]
		for _, l := range links {
			next := ""
			switch cur {
			case l.FromID:
				next = l.ToID
			case l.ToID:
				next = l.FromID
			default:
				continue
			}
			if _, seen := prev[next]; !seen {
				prev[next] = l
				queue = append(queue, next)
			}
		}
	}
	var out []*model.Relationship
	for cur := b; prev[cur] != nil; {
		l := prev[cur]
		out = append([]*model.Relationship{l}, out...)
		if l.FromID == cur {
			cur = l.ToID
		} else {
			cur = l.FromID
		}
	}
	return out
}

// hopRecord is the record a hop leaves or reaches: the entity itself in the
// records view, else the resolved entity's record of that id.
func (r *Resolver) hopRecord(ctx context.Context, e *model.Entity, id string) (*model.Entity, error) {
	if id == "" || id == e.ID && !e.Resolved() {
		return e, nil
	}
	for _, rec := range e.Records {
		if rec.Entity.ID == id {
			return rec.Entity, nil
		}
	}
	return r.entity(ctx, id)
}
