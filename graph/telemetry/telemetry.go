// Package telemetry is the service's optional OpenTelemetry tracing: an SDK
// tracer provider exporting over OTLP/HTTP, W3C trace-context propagation,
// a server span per HTTP request (otelhttp), a span per GraphQL operation
// and a client span per Neo4j transaction.
//
// Disabled (the zero Config), nothing is installed: the handler is not
// wrapped, no extension or observer is added, and Shutdown does nothing.
// Nothing is set globally; the provider and propagator travel in Tracing.
//
// Spans carry names and codes, never query text: the operation span has
// the operation's name and type, not its document or variables; a Neo4j
// span has the store operation ("cypher.Store.Search"), not Cypher or
// parameters; errors add their extensions.code, not their messages, which
// may quote driver text.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// DefaultServiceName is service.name when OTEL_SERVICE_NAME is unset.
const DefaultServiceName = "sanctiongraph"

// instrumentation names the tracer.
const instrumentation = "github.com/sanctiongraph/sanctiongraph"

// Config says whether and how to trace.
type Config struct {
	// Enabled installs the SDK tracer provider.
	Enabled bool
	// ServiceName is the service.name resource attribute; default
	// DefaultServiceName.
	ServiceName string
	// Exporter replaces the OTLP/HTTP exporter; spans then go to it
	// synchronously as they end (tests pass tracetest.NewInMemoryExporter).
	Exporter sdktrace.SpanExporter
}

// ConfigFromEnv reads the standard variables: tracing is on when
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set
// and OTEL_SDK_DISABLED is not "true"; OTEL_SERVICE_NAME names the service.
// The exporter itself reads the other OTEL_EXPORTER_OTLP_* variables
// (headers, timeout, TLS) and the SDK OTEL_TRACES_SAMPLER and
// OTEL_RESOURCE_ATTRIBUTES, as the specification says.
func ConfigFromEnv(getenv func(string) string) Config {
	endpoint := getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
	disabled := strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true")
	name := strings.TrimSpace(getenv("OTEL_SERVICE_NAME"))
	if name == "" {
		name = DefaultServiceName
	}
	return Config{Enabled: endpoint && !disabled, ServiceName: name}
}

// Tracing is the installed tracing, or none (the zero value and nil are
// valid and disabled).
type Tracing struct {
	provider trace.TracerProvider
	tracer   trace.Tracer
	prop     propagation.TextMapPropagator
	shutdown func(context.Context) error
}

// Setup installs tracing as cfg says; disabled, it returns a Tracing that
// does nothing. Shutdown flushes and stops it.
func Setup(ctx context.Context, cfg Config) (*Tracing, error) {
	if !cfg.Enabled {
		return &Tracing{}, nil
	}
	if cfg.ServiceName == "" {
		cfg.ServiceName = DefaultServiceName
	}
	var export sdktrace.TracerProviderOption
	if cfg.Exporter != nil {
		export = sdktrace.WithSyncer(cfg.Exporter)
	} else {
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("tracing: OTLP exporter: %w", err)
		}
		export = sdktrace.WithBatcher(exp)
	}
	// Default carries OTEL_RESOURCE_ATTRIBUTES and the SDK's own attributes;
	// the service name from the configuration wins.
	res, err := resource.Merge(resource.Default(),
		resource.NewSchemaless(attribute.String("service.name", cfg.ServiceName)))
	if err != nil {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(export, sdktrace.WithResource(res))
	return New(tp, tp.Shutdown), nil
}

// New returns Tracing over a tracer provider the caller made (tests with a
// tracetest.SpanRecorder); shutdown, if not nil, is what Shutdown calls.
func New(tp trace.TracerProvider, shutdown func(context.Context) error) *Tracing {
	return &Tracing{
		provider: tp,
		tracer:   tp.Tracer(instrumentation),
		prop:     propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		shutdown: shutdown,
	}
}

// Enabled reports whether spans are recorded.
func (t *Tracing) Enabled() bool { return t != nil && t.tracer != nil }

// Provider is the tracer provider; a no-op one when disabled.
func (t *Tracing) Provider() trace.TracerProvider {
	if !t.Enabled() {
		return noop.NewTracerProvider()
	}
	return t.provider
}

// Shutdown exports the spans still buffered and stops the provider.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if !t.Enabled() || t.shutdown == nil {
		return nil
	}
	if err := t.shutdown(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("tracing: shutdown: %w", err)
	}
	return nil
}

// untraced paths: scrapes and probes would drown the traces that matter.
var untraced = map[string]bool{"/metrics": true, "/healthz": true, "/readyz": true}

// Handler wraps next in a server span per request, continuing the trace a
// client sends in traceparent. route maps a request to a bounded name (the
// ServeMux pattern), used for the span name and http.route; nil uses the
// method alone. Disabled, it returns next.
func (t *Tracing) Handler(route func(*http.Request) string, next http.Handler) http.Handler {
	if !t.Enabled() {
		return next
	}
	name := func(_ string, r *http.Request) string {
		if route == nil {
			return r.Method
		}
		return r.Method + " " + route(r)
	}
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if route != nil {
			trace.SpanFromContext(r.Context()).SetAttributes(attribute.String("http.route", route(r)))
		}
		next.ServeHTTP(w, r)
	})
	return otelhttp.NewHandler(inner, "http.server",
		otelhttp.WithTracerProvider(t.provider),
		otelhttp.WithPropagators(t.prop),
		otelhttp.WithSpanNameFormatter(name),
		otelhttp.WithFilter(func(r *http.Request) bool { return !untraced[r.URL.Path] }),
	)
}

// StartQuery starts a client span for one Neo4j transaction, a child of the
// span in ctx (it is a cypher.Observer). The span has the store operation
// as its name and db.operation.name, db.system=neo4j and the access mode;
// an error adds its code as error.type and the span's status.
func (t *Tracing) StartQuery(ctx context.Context, op, mode string) (context.Context, func(error)) {
	ctx, span := t.tracer.Start(ctx, op,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("db.system", "neo4j"),
			attribute.String("db.system.name", "neo4j"),
			attribute.String("db.operation.name", op),
			attribute.String("neo4j.access_mode", mode),
		))
	return ctx, func(err error) {
		if err != nil {
			setError(span, model.ErrorCode(err))
		}
		span.End()
	}
}

func setError(span trace.Span, code string) {
	span.SetAttributes(attribute.String("error.type", code))
	span.SetStatus(codes.Error, code)
}
