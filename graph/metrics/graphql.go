package metrics

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
	"github.com/sanctiongraph/sanctiongraph/graph/opname"
)

// GraphQL returns the gqlgen extension that counts and times operations;
// add it with endpoint.Options.Extensions. It sees every response, including
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
// belongs to: its name, Anonymous, or Other (see Options.MaxOperations and
// MaxOperationsPerClient; the client is auth.Client(ctx)).
func (m *Metrics) OperationLabel(ctx context.Context) string {
	name, _ := opname.Of(ctx)
	return m.ops.label(name, auth.Client(ctx))
}

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
