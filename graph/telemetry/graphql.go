package telemetry

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/sanctiongraph/sanctiongraph/graph/opname"
)

// maxSpanName bounds the operation names used as span names; clients choose
// them, so longer or malformed ones become "other".
const maxSpanName = 64

// GraphQL returns the gqlgen extension that wraps each operation in a span
// named after the operation ("anonymous" without a name, "other" for a
// malformed or over-long one); the Neo4j spans
// of its resolvers and dataloaders are its children. Disabled, it returns
// nil (endpoint.NewHandler then adds nothing).
func (t *Tracing) GraphQL() graphql.HandlerExtension {
	if !t.Enabled() {
		return nil
	}
	return graphqlExtension{t}
}

type graphqlExtension struct{ t *Tracing }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = graphqlExtension{}

func (graphqlExtension) ExtensionName() string                   { return "Tracing" }
func (graphqlExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e graphqlExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	name, kind := operation(ctx)
	opts := []trace.SpanStartOption{
		trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(attribute.String("graphql.operation.name", name)),
	}
	if kind != "" {
		opts = append(opts, trace.WithAttributes(attribute.String("graphql.operation.type", kind)))
	}
	// Start when the request arrived, so parsing and validation are inside.
	if start := graphql.GetStartTime(ctx); !start.IsZero() {
		opts = append(opts, trace.WithTimestamp(start))
	}
	ctx, span := e.t.tracer.Start(ctx, name, opts...)
	defer span.End()
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > 0 {
		var code string
		if resp.Errors[0] != nil {
			code, _ = resp.Errors[0].Extensions["code"].(string)
		}
		if code == "" {
			code = "unknown"
		}
		span.SetAttributes(attribute.Int("graphql.errors", len(resp.Errors)))
		setError(span, code)
	}
	return resp
}

// operation returns the span name and type of the operation in ctx.
func operation(ctx context.Context) (name, kind string) {
	name, kind = opname.Of(ctx)
	switch {
	case name == "":
		name = "anonymous"
	case len(name) > maxSpanName || !opname.Valid(name):
		name = "other"
	}
	return name, kind
}
