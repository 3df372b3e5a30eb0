package endpoint

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Bookmarker is a store that can tell the bookmarks of the writes it has
// committed (cypher.Store.Bookmarks).
type Bookmarker interface {
	Bookmarks(ctx context.Context) ([]string, error)
}

// bookmarkExtension adds extensions.bookmarks to every mutation's answer:
// the bookmarks of the writes this replica has committed, which a client
// sends back in the Sanctiongraph-Bookmarks header (graph/bookmark) so that
// its next request, on any replica, reads what it wrote.
type bookmarkExtension struct{ store Bookmarker }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = bookmarkExtension{}

func (bookmarkExtension) ExtensionName() string { return "Bookmarks" }

func (bookmarkExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e bookmarkExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Mutation {
		return resp
	}
	bms, err := e.store.Bookmarks(ctx)
	if err != nil || len(bms) == 0 {
		return resp // the write stands; only the hint for other replicas is missing
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["bookmarks"] = bms
	return resp
}
