package cypher

import "sync"

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
