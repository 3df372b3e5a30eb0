// Package dataloader batches the nested lookups of one GraphQL request:
// every Relationship.from/to and Evidence.source asked for while resolving
// one level of the response becomes one query for all of their ids, and
// every Entity.evidence / Relationship.evidence one query for all facts, and
// the Entity.neighbours of a list's entities, asked alike, one query.
// Loaders are request-scoped (Middleware); nothing is cached across requests.
package dataloader

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// Fetcher is what the loaders need from the store.
type Fetcher interface {
	EntitiesByID(ctx context.Context, ids []string) (map[string]*model.Entity, error)
	EvidenceByFact(ctx context.Context, factIDs []string) (map[string][]model.Evidence, error)
}

// NeighbourFetcher is a Fetcher that also reads the same page of
// neighbours of several entities in one statement (cypher.Store).
type NeighbourFetcher interface {
	NeighboursOf(ctx context.Context, q model.NeighbourQuery, ids []string) (map[string]model.NeighbourPage, error)
}

// Loaders are the request-scoped batch loaders.
type Loaders struct {
	Entities *dataloadgen.Loader[string, *model.Entity]
	Evidence *dataloadgen.Loader[string, []model.Evidence]

	nf         NeighbourFetcher
	wait       time.Duration
	mu         sync.Mutex
	neighbours map[string]*dataloadgen.Loader[string, model.NeighbourPage]
}

// maxNeighbourShapes bounds the neighbour loaders of one request (one per
// distinct set of arguments); past it, neighbours are read one by one.
const maxNeighbourShapes = 32

// Neighbours returns the request's loader of neighbour pages asked with
// q's arguments (q.ID aside): the Entity.neighbours fields of a list's
// entities that share their arguments become one statement. Nil when the
// store cannot batch them or the request has used maxNeighbourShapes.
func (l *Loaders) Neighbours(q model.NeighbourQuery) *dataloadgen.Loader[string, model.NeighbourPage] {
	if l.nf == nil {
		return nil
	}
	q.ID = ""
	key := fmt.Sprintf("%+v", q)
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := l.neighbours[key]; ok {
		return ld
	}
	if len(l.neighbours) >= maxNeighbourShapes {
		return nil
	}
	nf := l.nf
	ld := dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]model.NeighbourPage, error) {
		return nf.NeighboursOf(ctx, q, ids)
	}, dataloadgen.WithWait(l.wait), dataloadgen.WithBatchCapacity(100))
	l.neighbours[key] = ld
	return ld
}

// DefaultWait is how long a loader collects keys before it fetches; the
// resolvers of one level of a response run concurrently within it. A
// resolver that starts later (a busy machine) only costs one more query.
const DefaultWait = 2 * time.Millisecond

// New returns fresh loaders over f that collect keys for wait (DefaultWait
// when 0). A fetch runs with the first caller's context, so it reads no
// per-caller values from it.
func New(f Fetcher, wait time.Duration) *Loaders {
	if wait <= 0 {
		wait = DefaultWait
	}
	nf, _ := f.(NeighbourFetcher)
	return &Loaders{
		nf: nf, wait: wait, neighbours: map[string]*dataloadgen.Loader[string, model.NeighbourPage]{},
		Entities: dataloadgen.NewMappedLoader(f.EntitiesByID, dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(500)),
		Evidence: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string][]model.Evidence, error) {
			m, err := f.EvidenceByFact(ctx, ids)
			if err != nil {
				return nil, err
			}
			for _, id := range ids { // a fact without evidence has an empty list, not "not found"
				if _, ok := m[id]; !ok {
					m[id] = []model.Evidence{}
				}
			}
			return m, nil
		}, dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(500)),
	}
}

type ctxKey struct{}

// Middleware gives each request its own loaders (see New for wait).
func Middleware(f Fetcher, wait time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(With(r.Context(), New(f, wait))))
	})
}

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the request's loaders; nil outside a request set up by Middleware.
func For(ctx context.Context) *Loaders {
	l, _ := ctx.Value(ctxKey{}).(*Loaders)
	return l
}

// IsNotFound reports whether err is a loader's "no such key".
func IsNotFound(err error) bool { return errors.Is(err, dataloadgen.ErrNotFound) }
