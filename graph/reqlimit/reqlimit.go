// Package reqlimit bounds the database work one request may have in flight
// at once. gqlgen resolves root fields concurrently, so without a bound one
// request of 150 aliased path searches held all 50 pooled Neo4j connections
// for 10 s and other clients got UNAVAILABLE. The endpoint gives each
// request a budget (With); graph/cypher takes a slot (Acquire) for each
// transaction it runs under that request's context and gives it back when
// the transaction ends. Work beyond the budget waits its turn, under the
// request's deadline.
package reqlimit

import "context"

// DefaultSessions is the budget the endpoint gives a request: four
// concurrent transactions, so it takes at most 4 of the default 50 pooled
// connections however many fields it asks for.
const DefaultSessions = 4

type key struct{}

// With returns ctx carrying a budget of n concurrent transactions; n < 1
// means no budget. A context that already has one keeps it.
func With(ctx context.Context, n int) context.Context {
	if n < 1 || ctx.Value(key{}) != nil {
		return ctx
	}
	return context.WithValue(ctx, key{}, make(chan struct{}, n))
}

// Acquire takes one slot of ctx's budget, waiting while all are taken, and
// returns the function that gives it back. Without a budget it returns at
// once. It fails with ctx's error when ctx ends while it waits.
func Acquire(ctx context.Context) (release func(), err error) {
	slots, _ := ctx.Value(key{}).(chan struct{})
	if slots == nil {
		return func() {}, nil
	}
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
