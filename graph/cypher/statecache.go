package cypher

import (
	"context"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/sanctiongraph/sanctiongraph/graph/bookmark"
)

// stateCache keeps results computed at a database state (readAt) by key.
// An entry answers only while the database is still in the state it was
// computed at, so a result is never older than the data: any committed
// write — a load, a curator's change, from this process or another —
// moves the state on and the next request computes afresh. The cache is
// per process and bounded: past max keys it starts over.
type stateCache[T any] struct {
	mu      sync.Mutex
	max     int
	entries map[string]stateEntry[T]
}

type stateEntry[T any] struct {
	state string
	v     T
}

func newStateCache[T any](max int) *stateCache[T] {
	return &stateCache[T]{max: max, entries: map[string]stateEntry[T]{}}
}

// get returns the value kept for key at state.
func (c *stateCache[T]) get(key, state string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || state == "" || e.state != state {
		var zero T
		return zero, false
	}
	return e.v, true
}

// peek returns the value kept for key and the state it was computed at,
// whatever the database's state now: the caller reads at some state and
// uses v only if that state is the same (one round trip fewer than asking
// for the state first).
func (c *stateCache[T]) peek(key string) (v T, state string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e.v, e.state, ok
}

// put keeps v for key at state; an empty state (no bookmark) keeps nothing.
func (c *stateCache[T]) put(key, state string, v T) {
	if state == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[key] = stateEntry[T]{state: state, v: v}
}

// shareFlight runs work once for all callers of the same key at a time
// (key names the result and the database state it is wanted at) and gives
// each caller the result or, if its own context ends first, its own
// context's error. The work runs in a context that the callers' ends do not
// cancel (others may be waiting for it) but that keeps the first caller's
// deadline and values, and that reads at least at state (its bookmarks), so
// that no caller gets a result older than the state it saw.
func shareFlight[T any](ctx context.Context, g *singleflight.Group, key, state string, work func(ctx context.Context) (T, error)) (T, error) {
	ch := g.DoChan(key, func() (any, error) {
		fctx := context.WithoutCancel(ctx)
		if d, ok := ctx.Deadline(); ok {
			var cancel context.CancelFunc
			fctx, cancel = context.WithDeadline(fctx, d)
			defer cancel()
		}
		if bms, err := bookmark.Parse(strings.Split(state, ",")); err == nil && len(bms) > 0 {
			fctx = bookmark.With(fctx, bms)
		}
		return work(fctx)
	})
	var zero T
	select {
	case <-ctx.Done():
		return zero, translate("cypher.shareFlight", withContext(ctx, ctx.Err()))
	case r := <-ch:
		if r.Err != nil {
			return zero, r.Err
		}
		return r.Val.(T), nil
	}
}
