package cypher

import (
	"context"
	"strings"
	"sync"

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

// flights shares work among the callers that ask for the same key at once
// (Counts: a count per filter and database state). The work runs while
// one of its callers still waits: when the last one leaves (its request
// ends or is cancelled), the work is cancelled, so a client that asks and
// hangs up leaves no scan of the graph behind it.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done    chan struct{}
	val     any
	err     error
	waiters int
	cancel  context.CancelFunc
}

// shareFlight runs work once for all callers of the same key at a time
// (key names the result and the database state it is wanted at) and gives
// each caller the result or, if its own context ends first, its own
// context's error. The work runs in a context that keeps the first
// caller's deadline and values, that ends when every caller has left, and
// that reads at least at state (its bookmarks), so that no caller gets a
// result older than the state it saw.
func shareFlight[T any](ctx context.Context, g *flights, key, state string, work func(ctx context.Context) (T, error)) (T, error) {
	g.mu.Lock()
	f, ok := g.m[key]
	if ok {
		f.waiters++
	} else {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		if d, ok := ctx.Deadline(); ok {
			cancel()
			fctx, cancel = context.WithDeadline(context.WithoutCancel(ctx), d)
		}
		if bms, err := bookmark.Parse(strings.Split(state, ",")); err == nil && len(bms) > 0 {
			fctx = bookmark.With(fctx, bms)
		}
		f = &flight{done: make(chan struct{}), waiters: 1, cancel: cancel}
		if g.m == nil {
			g.m = map[string]*flight{}
		}
		g.m[key] = f
		go func() {
			defer cancel()
			f.val, f.err = work(fctx)
			g.mu.Lock()
			if g.m[key] == f {
				delete(g.m, key)
			}
			g.mu.Unlock()
			close(f.done)
		}()
	}
	g.mu.Unlock()
	var zero T
	select {
	case <-f.done:
		if f.err != nil {
			return zero, f.err
		}
		return f.val.(T), nil
	case <-ctx.Done():
		g.mu.Lock()
		if f.waiters--; f.waiters == 0 {
			f.cancel() // nobody waits for it any more
			if g.m[key] == f {
				delete(g.m, key) // a caller from now on starts afresh
			}
		}
		g.mu.Unlock()
		return zero, translate("cypher.shareFlight", withContext(ctx, ctx.Err()))
	}
}
