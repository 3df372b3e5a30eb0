package metrics

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// GraphQL returns the gqlgen extension that counts and times operations;
// add it with graph.Options.Extensions. It sees every response, including
// parse, validation, depth and complexity refusals.
func (m *Metrics) GraphQL() graphql.HandlerExtension { return graphqlExtension{m} }

type graphqlExtension struct{ m *Metrics }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = graphqlExtension{}

func (graphqlExtension) ExtensionName() string                   { return "Metrics" }
func (graphqlExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e graphqlExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	// The handler stamps the start when the request arrives, so the time
	// includes reading, parsing and validating it.
	start := graphql.GetStartTime(ctx)
	if start.IsZero() {
		start = time.Now()
	}
	resp := next(ctx)
	if resp == nil { // end of a stream; nothing to count
		return nil
	}
	op, outcome := e.m.OperationLabel(ctx), Outcome(resp.Errors)
	e.m.gqlRequests.WithLabelValues(op, outcome).Inc()
	e.m.gqlDuration.WithLabelValues(op, outcome).Observe(time.Since(start).Seconds())
	return resp
}

// OperationLabel returns the operation label of the GraphQL request ctx
// belongs to: its name, Anonymous, or Other (see Options.MaxOperations).
func (m *Metrics) OperationLabel(ctx context.Context) string {
	if !graphql.HasOperationContext(ctx) {
		return Anonymous // the body was not a GraphQL request at all
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation != nil {
		return m.ops.label(oc.Operation.Name)
	}
	// Parsing or validation failed, so gqlgen kept no document: the name is
	// the requested one, or that of the document's only operation.
	name := oc.OperationName
	if name == "" && oc.RawQuery != "" {
		name = soleOperationName(oc.RawQuery)
	}
	return m.ops.label(name)
}

// soleOperationName parses query (only on this error path) for the name of
// its single operation; "" if it does not parse or has several.
func soleOperationName(query string) string {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, parseTokenLimit)
	if err != nil || len(doc.Operations) != 1 {
		return ""
	}
	return doc.Operations[0].Name
}

// parseTokenLimit bounds that extra parse.
const parseTokenLimit = 15_000

// Outcome is OK for a response without errors, else the first error's
// extensions.code (Unknown when it has none or it is not a code).
func Outcome(errs gqlerror.List) string {
	if len(errs) == 0 {
		return OK
	}
	if errs[0] == nil {
		return Unknown
	}
	code, _ := errs[0].Extensions["code"].(string)
	if !validCode(code) {
		return Unknown
	}
	return code
}
