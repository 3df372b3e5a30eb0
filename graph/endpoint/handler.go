// Package endpoint assembles the GraphQL endpoint served at /graphql: the
// executable schema of package graph with its transports (POST, GET), the
// query cache and automatic persisted queries, the limits that bound one
// request's work (tokens, depth, fragment spreads, selections, introspection,
// cost, concurrent Neo4j transactions), the error presenter that gives every error an extensions.code, and the
// request-scoped dataloaders. The resolvers themselves live in graph.
package endpoint

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/sanctiongraph/sanctiongraph/graph"
	"github.com/sanctiongraph/sanctiongraph/graph/dataloader"
	"github.com/sanctiongraph/sanctiongraph/graph/reqlimit"
)

// Limits that bound the work one request can ask for.
const (
	// DefaultComplexityLimit caps a query's cost (limits.go, costs.go):
	// every field costs 1, a list field its page size (`first`) times its
	// selection, and paths, potentialViolations, neighbours, search and
	// counts what they make Neo4j do.
	DefaultComplexityLimit = 20_000
	// DefaultMaxDepth caps how deeply selections nest.
	DefaultMaxDepth = 12
	// MaxQueryTokens caps the tokens of a query document, ten times the
	// largest the explorer or GraphiQL sends, so that validation, whose
	// overlapping-fields rule is quadratic in repeated fields, stays cheap
	// (10,000 copies of one field took 23 s of CPU) and aliases cannot
	// multiply root lookups by the thousand.
	MaxQueryTokens = 5_000
)

// Options configure the GraphQL handler.
type Options struct {
	Logger          *slog.Logger
	RequestID       graph.RequestIDFunc
	ComplexityLimit int
	MaxDepth        int
	// BatchWait is how long the dataloaders collect keys; default
	// dataloader.DefaultWait.
	BatchWait time.Duration
	// Extensions are added after the built-in ones (metrics, tracing).
	Extensions []graphql.HandlerExtension
	// MaxConcurrentQueries is how many Neo4j transactions one request may
	// have in flight at once (graph/reqlimit); default
	// reqlimit.DefaultSessions, negative for no budget.
	MaxConcurrentQueries int
}

// StoreWithLoaders is a Store that can also back the dataloaders.
type StoreWithLoaders interface {
	graph.Store
	dataloader.Fetcher
}

// NewHandler returns the GraphQL endpoint: POST and GET transports,
// introspection, automatic persisted queries, a query cache, complexity and
// depth limits, the error presenter and request-scoped dataloaders.
func NewHandler(store StoreWithLoaders, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.RequestID == nil {
		opts.RequestID = func(context.Context) string { return "" }
	}
	if opts.ComplexityLimit == 0 {
		opts.ComplexityLimit = DefaultComplexityLimit
	}
	if opts.MaxDepth == 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	cfg := graph.Config{Resolvers: graph.NewResolver(store, opts.RequestID)}
	srv := handler.New(graph.NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(MaxQueryTokens)
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: newAPQCache()})                                                         // apq.go
	srv.Use(&limitExtension{costs: ResolverCosts(), limits: Limits{MaxDepth: opts.MaxDepth, MaxCost: opts.ComplexityLimit}}) // limits.go
	if b, ok := store.(Bookmarker); ok {
		srv.Use(bookmarkExtension{store: b}) // bookmarks.go
	}
	for _, ext := range opts.Extensions {
		srv.Use(ext)
	}
	srv.SetErrorPresenter(ErrorPresenter(opts.Logger, opts.RequestID))
	srv.SetRecoverFunc(Recover(opts.Logger, opts.RequestID))
	if opts.MaxConcurrentQueries == 0 {
		opts.MaxConcurrentQueries = reqlimit.DefaultSessions
	}
	h := dataloader.Middleware(store, opts.BatchWait, codeTransportErrors(srv)) // transporterrors.go
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(reqlimit.With(r.Context(), opts.MaxConcurrentQueries)))
	})
}
