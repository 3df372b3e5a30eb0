// Package endpoint assembles the GraphQL endpoint served at /graphql: the
// executable schema of package graph with its transports (POST, GET), the
// query cache and automatic persisted queries, the limits that bound one
// request's work (tokens, depth, complexity), the checks of scalar inputs,
// the error presenter that gives every error an extensions.code, and the
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
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sanctiongraph/sanctiongraph/graph"
	"github.com/sanctiongraph/sanctiongraph/graph/dataloader"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Limits that bound the work one request can ask for.
const (
	// DefaultComplexityLimit caps a query's complexity: every field costs 1
	// and a list field costs its page size (`first`) times its selection.
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
	setComplexity(&cfg.Complexity)
	srv := handler.New(graph.NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(MaxQueryTokens)
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: newAPQCache()}) // apq.go
	srv.Use(extension.FixedComplexityLimit(opts.ComplexityLimit))
	srv.Use(depthLimit{max: opts.MaxDepth})
	srv.Use(&scalarInputs{}) // scalarinput.go
	for _, ext := range opts.Extensions {
		srv.Use(ext)
	}
	srv.SetErrorPresenter(ErrorPresenter(opts.Logger, opts.RequestID))
	srv.SetRecoverFunc(Recover(opts.Logger, opts.RequestID))
	return dataloader.Middleware(store, opts.BatchWait, codeTransportErrors(srv)) // transporterrors.go
}

// setComplexity makes list fields cost their page size times their selection.
func setComplexity(c *graph.ComplexityRoot) {
	size := func(first *int, def int) int {
		if first == nil || *first < 1 {
			return def
		}
		return *first
	}
	c.Query.Entities = func(child int, _ *model.EntityFilter, _ *model.EntitySort, first *int, _ *string) int {
		return 1 + size(first, 20)*child
	}
	c.Query.Search = func(child int, _ string, _ []schema.Kind, first *int, _ *string) int {
		return 1 + size(first, 10)*child
	}
	c.Query.Neighbours = func(child int, _ string, _ *model.NeighbourFilter, first *int, _ *string) int {
		return 1 + size(first, 20)*child
	}
	c.Entity.Neighbours = func(child int, _ *model.NeighbourFilter, first *int, _ *string) int {
		return 1 + size(first, 20)*child
	}
	c.Query.PotentialViolations = func(child int, _ *model.ViolationFilter, first *int, _ *string) int {
		return 1 + size(first, 20)*child
	}
	c.Query.History = func(child int, _ string, first *int, _ *string) int {
		return 1 + size(first, 20)*child
	}
	c.Query.Changes = func(child int, _ *string, _ *string, first *int, _ *string) int {
		return 1 + size(first, 20)*child
	}
	c.Query.Timeline = func(child int, _ *string, _ *string, _ []schema.Kind, _ *schema.Status, first *int, _ *string) int {
		return 1 + size(first, 20)*child
	}
}

// depthLimit refuses operations whose selections nest deeper than max.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, 0, map[string]bool{}, oc.Doc.Fragments); depth > d.max {
		err := gqlerror.Errorf("query is nested %d levels deep; the limit is %d", depth, d.max)
		err.Extensions = map[string]any{"code": model.BadUserInput}
		return err
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, depth int, seen map[string]bool, frags ast.FragmentDefinitionList) int {
	max := depth
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) == 0 {
				d = depth + 1
			} else {
				d = selectionDepth(s.SelectionSet, depth+1, seen, frags)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, depth, seen, frags)
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := frags.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, depth, seen, frags)
			}
			delete(seen, s.Name)
		}
		if d > max {
			max = d
		}
	}
	return max
}
