package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/sanctiongraph/sanctiongraph/graph/telemetry"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
)

// scrape reads /metrics into a map from series ("name{labels}" as
// exposed, labels sorted by name) to value.
func scrape(tb testing.TB, url string) map[string]float64 {
	tb.Helper()
	code, body := get(tb, url+"/metrics")
	if code != http.StatusOK {
		tb.Fatalf("/metrics = %d", code)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			tb.Fatalf("bad sample line %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

// TestMetricsEndpoint queries the real service and finds the query in
// /metrics: the GraphQL counter under its operation name, the Neo4j
// latency of the store operation it ran, the pool gauges, a 413 refused
// before GraphQL, and the runtime collectors.
func TestMetricsEndpoint(t *testing.T) {
	env.Reset(t)
	app, _ := startService(t)
	url := app.Server.URL()

	r := postGraphQL(t, url, `query Dashboard { counts { entities } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("query: %+v", r.Errors)
	}
	resp, err := http.Post(url+"/graphql", "application/json", strings.NewReader(`{"query": "`+strings.Repeat("x", 2<<20)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MiB body = %s, want 413", resp.Status)
	}
	get(t, url+"/no-such-page")

	m := scrape(t, url)
	want := map[string]float64{
		`sanctiongraph_graphql_requests_total{operation="Dashboard",outcome="ok"}`:                 1,
		`sanctiongraph_graphql_request_duration_seconds_count{operation="Dashboard",outcome="ok"}`: 1,
		`sanctiongraph_http_requests_total{code="200",path="/graphql"}`:                            1,
		`sanctiongraph_http_requests_total{code="413",path="/graphql"}`:                            1,
		`sanctiongraph_http_requests_total{code="404",path="other"}`:                               1,
		`sanctiongraph_neo4j_pool_max_connections`:                                                 50,
		`sanctiongraph_neo4j_sessions_in_flight{mode="read"}`:                                      0,
		`sanctiongraph_neo4j_sessions_in_flight{mode="write"}`:                                     0,
		`sanctiongraph_neo4j_up`: 1,
	}
	for k, v := range want {
		got, ok := m[k]
		if !ok {
			t.Errorf("/metrics lacks %s", k)
		} else if got != v {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
	// The 413 never reached GraphQL: Dashboard is the only operation.
	for k := range m {
		if strings.HasPrefix(k, "sanctiongraph_graphql_requests_total{") && !strings.Contains(k, `operation="Dashboard"`) {
			t.Errorf("unexpected GraphQL series %s", k)
		}
	}
	const counts = `{op="cypher.Store.Counts",outcome="ok"}`
	if n := m["sanctiongraph_neo4j_query_duration_seconds_count"+counts]; n < 1 {
		t.Errorf("Neo4j latency samples of cypher.Store.Counts = %v, want ≥ 1", n)
	}
	if s := m["sanctiongraph_neo4j_query_duration_seconds_sum"+counts]; s <= 0 {
		t.Errorf("Neo4j latency sum of cypher.Store.Counts = %v, want > 0", s)
	}
	// Migrations ran through the same helpers at start.
	if n := m[`sanctiongraph_neo4j_query_duration_seconds_count{op="cypher.Store.Migrate",outcome="ok"}`]; n < 1 {
		t.Errorf("no Neo4j latency samples of cypher.Store.Migrate")
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if _, ok := m[name]; !ok {
			t.Errorf("/metrics lacks %s", name)
		}
	}

	t.Run("Disabled", func(t *testing.T) {
		app, _ := startService(t, "-metrics=false")
		if code, _ := get(t, app.Server.URL()+"/metrics"); code != http.StatusNotFound {
			t.Errorf("/metrics with -metrics=false = %d, want 404", code)
		}
		if app.Metrics != nil {
			t.Error("-metrics=false still created metrics")
		}
	})
}

// TestTracingSpans serves one request with tracing into an in-memory
// exporter: it yields an HTTP server span continuing the client's trace,
// an operation span under it and Neo4j client spans under that, with no
// Cypher text or argument values in any attribute.
func TestTracingSpans(t *testing.T) {
	env.Reset(t)
	exp := tracetest.NewInMemoryExporter()
	app := startServiceWith(t, func(c *Config) {
		c.Tracing = telemetry.Config{Enabled: true, ServiceName: "sanctiongraph-test", Exporter: exp}
	})
	url := app.Server.URL()
	if !app.Tracing.Enabled() {
		t.Fatal("tracing is not enabled")
	}

	const secret = "Kim Jong-un"
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	body, _ := json.Marshal(map[string]any{
		"query":     `query Lookup($q: String!) { search(query: $q, first: 3) { edges { node { id } } } counts { entities } }`,
		"variables": map[string]any{"q": secret},
	})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", parent)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %s", resp.Status)
	}
	get(t, url+"/healthz") // not traced

	traceID := "4bf92f3577b34da6a3ce929d0e0e4736"
	var spans tracetest.SpanStubs
	var httpSpan *tracetest.SpanStub
	for deadline := time.Now().Add(sharedtest.Timeout(5 * time.Second)); ; time.Sleep(20 * time.Millisecond) {
		spans = nil
		httpSpan = nil
		for _, s := range exp.GetSpans() {
			if s.SpanContext.TraceID().String() != traceID {
				continue
			}
			spans = append(spans, s)
			if s.SpanKind == trace.SpanKindServer {
				httpSpan = &spans[len(spans)-1]
			}
		}
		if httpSpan != nil || time.Now().After(deadline) {
			break
		}
	}
	if httpSpan == nil {
		t.Fatalf("no HTTP server span in the client's trace; %d spans in it", len(spans))
	}
	if httpSpan.Name != "POST /graphql" || httpSpan.Parent.SpanID().String() != "00f067aa0ba902b7" || !httpSpan.Parent.IsRemote() {
		t.Errorf("HTTP span %q, parent %s (remote %v): want POST /graphql under the client's span",
			httpSpan.Name, httpSpan.Parent.SpanID(), httpSpan.Parent.IsRemote())
	}
	t.Logf("spans of the trace (name<parent): %v", names(spans))
	var op *tracetest.SpanStub
	for i := range spans {
		if spans[i].Name == "Lookup" {
			op = &spans[i]
		}
	}
	if op == nil {
		t.Fatalf("no operation span named Lookup among %v", names(spans))
	}
	if op.Parent.SpanID() != httpSpan.SpanContext.SpanID() {
		t.Errorf("operation span's parent %s, want the HTTP span %s", op.Parent.SpanID(), httpSpan.SpanContext.SpanID())
	}
	neo := map[string]int{}
	for _, s := range spans {
		if !hasAttr(s.Attributes, "db.system", "neo4j") {
			continue
		}
		neo[s.Name]++
		if s.Parent.SpanID() != op.SpanContext.SpanID() {
			t.Errorf("Neo4j span %s has parent %s, want the operation span %s", s.Name, s.Parent.SpanID(), op.SpanContext.SpanID())
		}
		if s.SpanKind != trace.SpanKindClient {
			t.Errorf("Neo4j span %s is %s, want client", s.Name, s.SpanKind)
		}
	}
	if neo["cypher.Store.Search"] == 0 || neo["cypher.Store.Counts"] == 0 {
		t.Errorf("Neo4j spans %v, want cypher.Store.Search and cypher.Store.Counts", neo)
	}
	for _, s := range spans {
		for _, kv := range s.Attributes {
			v := kv.Value.Emit()
			for _, bad := range []string{secret, "MATCH", "RETURN", "$q"} {
				if strings.Contains(v, bad) {
					t.Errorf("span %s attribute %s = %q carries %q", s.Name, kv.Key, v, bad)
				}
			}
		}
	}
	for _, s := range exp.GetSpans() {
		if hasAttr(s.Attributes, "url.path", "/healthz") {
			t.Error("/healthz was traced")
		}
	}
	if res := httpSpan.Resource; res == nil || !hasAttr(res.Attributes(), "service.name", "sanctiongraph-test") {
		t.Errorf("resource %v lacks service.name=sanctiongraph-test", httpSpan.Resource)
	}
}

// TestTracingConfigFromEnv checks when the OTEL_* variables turn tracing on.
func TestTracingConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		enabled bool
		service string
	}{
		{"Unset", nil, false, "sanctiongraph"},
		{"Endpoint", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, true, "sanctiongraph"},
		{"TracesEndpoint", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces", "OTEL_SERVICE_NAME": "sg"}, true, "sg"},
		{"SDKDisabled", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "TRUE"}, false, "sanctiongraph"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseFlags("serve", nil, func(k string) string {
				if k == "NEO4J_URI" {
					return "bolt://x:7687"
				}
				return tt.env[k]
			}, io.Discard, false)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Tracing.Enabled != tt.enabled || cfg.Tracing.ServiceName != tt.service {
				t.Errorf("tracing = %+v, want enabled %v service %q", cfg.Tracing, tt.enabled, tt.service)
			}
			if !cfg.Metrics {
				t.Error("metrics are off by default")
			}
		})
	}
	// Disabled, Setup installs nothing and the handler is returned as is.
	tr, err := telemetry.Setup(context.Background(), telemetry.Config{})
	if err != nil || tr.Enabled() || tr.GraphQL() != nil {
		t.Fatalf("disabled Setup = %+v, %v", tr, err)
	}
	h := http.NewServeMux()
	if got := tr.Handler(nil, h); got != http.Handler(h) {
		t.Errorf("disabled tracing wrapped the handler: %T", got)
	}
}

// startServiceWith is startService with a configuration the flags cannot
// express (an in-memory span exporter).
func startServiceWith(tb testing.TB, edit func(*Config), extra ...string) *App {
	tb.Helper()
	args := append([]string{"-addr", "127.0.0.1:0", "-log-level", "warn", "-shutdown-timeout", "10s", "-warm-counts", "0"}, extra...)
	cfg, err := parseFlags("serve", args, testEnv, io.Discard, false)
	if err != nil {
		tb.Fatal(err)
	}
	edit(&cfg)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan *App, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, io.Discard, func(a *App) { started <- a }) }()
	select {
	case app := <-started:
		tb.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("serve: %v", err)
			}
		})
		return app
	case err := <-done:
		cancel()
		tb.Fatalf("serve: %v", err)
	case <-time.After(sharedtest.Timeout(2 * time.Minute)):
		cancel()
		tb.Fatal("serve did not start")
	}
	return nil
}

func hasAttr(attrs []attribute.KeyValue, key, value string) bool {
	for _, kv := range attrs {
		if string(kv.Key) == key && kv.Value.Emit() == value {
			return true
		}
	}
	return false
}

func names(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name+"<"+s.Parent.SpanID().String())
	}
	return out
}
