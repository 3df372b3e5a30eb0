// Package auth holds who is asking: the Principal a request acts as and the
// roles that gate writes. Reads are open to anonymous clients; writes need an
// API key whose role is high enough. Keys themselves live in Neo4j
// (cypher.Store keys); this package only carries the result of checking one.
package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// Role is what a credential may do; higher roles include the lower ones.
type Role int

const (
	// Anonymous: no credential; read-only.
	Anonymous Role = iota
	// Reader: an identified client; reads, with its own rate-limit budget.
	Reader
	// Editor: a curator; may create, update, re-status and retract facts.
	Editor
	// Admin: may also restore retracted facts and read the full change log.
	Admin
)

var names = [...]string{"anonymous", "reader", "editor", "admin"}

func (r Role) String() string {
	if r < 0 || int(r) >= len(names) {
		return fmt.Sprintf("role(%d)", int(r))
	}
	return names[r]
}

// ParseRole parses a role name given to a key ("reader", "editor", "admin").
func ParseRole(s string) (Role, error) {
	for i, n := range names[1:] {
		if strings.EqualFold(s, n) {
			return Role(i + 1), nil
		}
	}
	return 0, fmt.Errorf("role %q is not one of reader, editor, admin", s)
}

// Principal is the caller of a request.
type Principal struct {
	// KeyID is the public id of the API key; empty for anonymous callers.
	KeyID string
	// Name is the key's owner as given when it was created ("alice").
	Name string
	Role Role
}

// Actor names the principal in change records: "name (key id)".
func (p Principal) Actor() string {
	if p.KeyID == "" {
		return "anonymous"
	}
	return p.Name + " (" + p.KeyID + ")"
}

type ctxKey struct{}

type clientKey struct{}

// WithClient returns ctx naming its client for per-client budgets
// (metrics labels, persisted queries): "key:<id>" with an API key,
// "ip:<address>" without (an IPv6 client's /64).
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

// Client returns the client ctx names; empty when no server set one.
func Client(ctx context.Context) string {
	c, _ := ctx.Value(clientKey{}).(string)
	return c
}

// With returns ctx carrying p.
func With(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the principal of ctx; anonymous when none was set.
func From(ctx context.Context) Principal {
	p, _ := ctx.Value(ctxKey{}).(Principal)
	return p
}

// Require returns nil when ctx's principal has at least role min, an
// UNAUTHENTICATED error when it is anonymous, and FORBIDDEN otherwise.
func Require(ctx context.Context, min Role) error {
	p := From(ctx)
	switch {
	case p.Role >= min:
		return nil
	case p.Role == Anonymous:
		return model.Errorf(model.Unauthenticated, "this needs an API key with role %s or higher: send it as `Authorization: Bearer <key>`", min)
	default:
		return model.Errorf(model.Forbidden, "the key %s has role %s; this needs %s or higher", p.KeyID, p.Role, min)
	}
}
