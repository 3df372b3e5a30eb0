package telemetry_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/sanctiongraph/sanctiongraph/graph/endpoint"
	"github.com/sanctiongraph/sanctiongraph/graph/fake"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/telemetry"
)

func newTracing(tb testing.TB) (*telemetry.Tracing, *tracetest.SpanRecorder) {
	tb.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	tb.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return telemetry.New(tp, tp.Shutdown), rec
}

func attr(s sdktrace.ReadOnlySpan, key string) string {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.Emit()
		}
	}
	return ""
}

// TestOperationSpans checks the operation span's name, its error code and
// that it sits under the HTTP span.
func TestOperationSpans(t *testing.T) {
	tests := []struct {
		name     string
		query    string
		countErr error
		span     string
		code     string
	}{
		{"OK", `query Dashboard { counts { entities } }`, nil, "Dashboard", ""},
		{"Anonymous", `{ counts { entities } }`, nil, "anonymous", ""},
		{"Unavailable", `query Dashboard { counts { entities } }`, &model.Error{Code: model.Unavailable, Message: "down"}, "Dashboard", model.Unavailable},
		{"Validation", `query Broken { nope }`, nil, "Broken", "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, rec := newTracing(t)
			st := &fake.Store{CountsFn: func(ctx context.Context, q model.CountQuery) (*model.Counts, error) {
				return &model.Counts{}, tt.countErr
			}}
			h := tr.Handler(nil, endpoint.NewHandler(st, endpoint.Options{
				Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
				Extensions: []graphql.HandlerExtension{tr.GraphQL()},
			}))
			body, _ := json.Marshal(map[string]any{"query": tt.query})
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(httptest.NewRecorder(), req)

			spans := rec.Ended()
			if len(spans) != 2 {
				t.Fatalf("%d spans, want the HTTP and the operation span", len(spans))
			}
			op, server := spans[0], spans[1]
			if op.Name() != tt.span || op.Parent().SpanID() != server.SpanContext().SpanID() {
				t.Errorf("operation span %q under %s, want %q under the HTTP span %s", op.Name(), op.Parent().SpanID(), tt.span, server.SpanContext().SpanID())
			}
			if got := attr(op, "error.type"); got != tt.code {
				t.Errorf("error.type = %q, want %q", got, tt.code)
			}
			if wantErr := tt.code != ""; (op.Status().Code == codes.Error) != wantErr {
				t.Errorf("status = %v, want error %v", op.Status(), wantErr)
			}
			if got := attr(op, "graphql.operation.name"); got != tt.span {
				t.Errorf("graphql.operation.name = %q", got)
			}
		})
	}
}

func TestQuerySpans(t *testing.T) {
	tr, rec := newTracing(t)
	ctx, parent := tr.Provider().Tracer("test").Start(context.Background(), "parent")
	_, done := tr.StartQuery(ctx, "cypher.Store.Search", "read")
	done(&model.Error{Code: model.Timeout, Message: "slow", Err: io.ErrUnexpectedEOF})
	parent.End()
	spans := rec.Ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans", len(spans))
	}
	s := spans[0]
	if s.Name() != "cypher.Store.Search" || s.Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Errorf("span %q under %s", s.Name(), s.Parent().SpanID())
	}
	want := []attribute.KeyValue{
		attribute.String("db.system", "neo4j"),
		attribute.String("db.operation.name", "cypher.Store.Search"),
		attribute.String("neo4j.access_mode", "read"),
		attribute.String("error.type", model.Timeout),
	}
	for _, kv := range want {
		if got := attr(s, string(kv.Key)); got != kv.Value.Emit() {
			t.Errorf("%s = %q, want %q", kv.Key, got, kv.Value.Emit())
		}
	}
	if s.Status().Code != codes.Error || s.Status().Description != model.Timeout {
		t.Errorf("status = %+v", s.Status())
	}
	if len(s.Events()) > 0 {
		t.Errorf("events %v: error messages may quote driver text", s.Events())
	}
}

func TestDisabled(t *testing.T) {
	tr, err := telemetry.Setup(context.Background(), telemetry.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Enabled() || tr.GraphQL() != nil || tr.Shutdown(context.Background()) != nil {
		t.Error("disabled tracing installs something")
	}
	var none *telemetry.Tracing
	if none.Enabled() {
		t.Error("nil Tracing is enabled")
	}
}
