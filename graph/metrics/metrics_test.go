package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
	"github.com/sanctiongraph/sanctiongraph/graph/endpoint"
	"github.com/sanctiongraph/sanctiongraph/graph/fake"
	"github.com/sanctiongraph/sanctiongraph/graph/metrics"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

const (
	requestsTotal   = "sanctiongraph_graphql_requests_total"
	requestDuration = "sanctiongraph_graphql_request_duration_seconds"
	queryDuration   = "sanctiongraph_neo4j_query_duration_seconds"
)

// newHandler is the GraphQL handler over st with m's extension (none when
// m is nil), as the server builds it.
func newHandler(st *fake.Store, m *metrics.Metrics) http.Handler {
	opts := endpoint.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if m != nil {
		opts.Extensions = append(opts.Extensions, m.GraphQL())
	}
	return endpoint.NewHandler(st, opts)
}

// post sends one GraphQL request and returns the first error's code.
func post(tb testing.TB, h http.Handler, body string) string {
	tb.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		tb.Fatalf("response is not JSON: %v\n%s", err, rec.Body)
	}
	if len(resp.Errors) == 0 {
		return metrics.OK
	}
	code, _ := resp.Errors[0].Extensions["code"].(string)
	return code
}

func gql(query, operationName string) string {
	b, _ := json.Marshal(map[string]any{"query": query, "operationName": operationName})
	return string(b)
}

// countsStore answers counts with err (nil: a result).
func countsStore(err error) *fake.Store {
	return &fake.Store{CountsFn: func(ctx context.Context, q model.CountQuery) (*model.Counts, error) {
		if err != nil {
			return nil, err
		}
		return &model.Counts{Entities: 3}, nil
	}}
}

func TestGraphQLMetrics(t *testing.T) {
	long := "Q" + strings.Repeat("x", metrics.MaxNameLength)
	tests := []struct {
		name      string
		store     *fake.Store
		body      string
		operation string
		outcome   string
	}{
		{"OK", countsStore(nil), gql(`query Dashboard { counts { entities } }`, ""), "Dashboard", "ok"},
		{"Anonymous", countsStore(nil), gql(`{ counts { entities } }`, ""), metrics.Anonymous, "ok"},
		{"ChosenOperation", countsStore(nil), gql(`query A { counts { entities } } query B { counts { relationships } }`, "B"), "B", "ok"},
		{"Unavailable", countsStore(&model.Error{Code: model.Unavailable, Message: "down"}), gql(`query Dashboard { counts { entities } }`, ""), "Dashboard", model.Unavailable},
		{"Timeout", countsStore(&model.Error{Code: model.Timeout, Message: "slow"}), gql(`query Dashboard { counts { entities } }`, ""), "Dashboard", model.Timeout},
		{"Internal", countsStore(errors.New("Neo.ClientError: MATCH (n) boom")), gql(`query Dashboard { counts { entities } }`, ""), "Dashboard", model.Internal},
		{"BadUserInput", &fake.Store{}, gql(`query Recent { timeline(first: 1000) { totalCount } }`, ""), "Recent", model.BadUserInput},
		{"ValidationFailed", &fake.Store{}, gql(`query Broken { nope }`, ""), "Broken", "GRAPHQL_VALIDATION_FAILED"},
		{"ParseFailed", &fake.Store{}, gql(`query Broken {`, ""), metrics.Anonymous, "GRAPHQL_PARSE_FAILED"},
		{"NotJSON", &fake.Store{}, `{"query": `, metrics.Anonymous, ""},
		{"LongName", countsStore(nil), gql(`query `+long+` { counts { entities } }`, ""), metrics.Other, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := metrics.New(metrics.Options{NoRuntime: true})
			h := newHandler(tt.store, m)
			code := post(t, h, tt.body)
			if tt.outcome == "" { // whatever gqlgen answers, as long as it is counted under it
				tt.outcome = code
			}
			if code != tt.outcome {
				t.Fatalf("response code = %q, want %q", code, tt.outcome)
			}
			labels := map[string]string{"operation": tt.operation, "outcome": tt.outcome}
			if got := counter(t, m.Registry(), requestsTotal, labels); got != 1 {
				t.Errorf("%s%v = %v, want 1", requestsTotal, labels, got)
			}
			if n := testutil.CollectAndCount(m.Registry(), requestsTotal); n != 1 {
				t.Errorf("%s has %d series, want 1", requestsTotal, n)
			}
			if n, sum := histogram(t, m.Registry(), requestDuration, labels); n != 1 || sum <= 0 {
				t.Errorf("%s%v: count %d sum %v, want 1 and > 0", requestDuration, labels, n, sum)
			}
		})
	}
}

// TestGraphQLMetricsAccumulate runs several requests through one handler
// and compares the whole counter family.
func TestGraphQLMetricsAccumulate(t *testing.T) {
	m := metrics.New(metrics.Options{NoRuntime: true, MaxOperations: 2})
	fail := false
	st := &fake.Store{CountsFn: func(ctx context.Context, q model.CountQuery) (*model.Counts, error) {
		if fail {
			return nil, &model.Error{Code: model.Unavailable, Message: "down"}
		}
		return &model.Counts{}, nil
	}}
	h := newHandler(st, m)
	for range 3 {
		post(t, h, gql(`query Dashboard { counts { entities } }`, ""))
	}
	fail = true
	post(t, h, gql(`query Dashboard { counts { entities } }`, ""))
	fail = false
	post(t, h, gql(`query Second { counts { entities } }`, ""))
	post(t, h, gql(`query Third { counts { entities } }`, "")) // over MaxOperations
	post(t, h, gql(`{ counts { entities } }`, ""))

	want := `
# HELP sanctiongraph_graphql_requests_total GraphQL operations by operation name and outcome (ok or the first error's extensions.code).
# TYPE sanctiongraph_graphql_requests_total counter
sanctiongraph_graphql_requests_total{operation="Dashboard",outcome="UNAVAILABLE"} 1
sanctiongraph_graphql_requests_total{operation="Dashboard",outcome="ok"} 3
sanctiongraph_graphql_requests_total{operation="Second",outcome="ok"} 1
sanctiongraph_graphql_requests_total{operation="anonymous",outcome="ok"} 1
sanctiongraph_graphql_requests_total{operation="other",outcome="ok"} 1
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want), requestsTotal); err != nil {
		t.Error(err)
	}
	if n, _ := histogram(t, m.Registry(), requestDuration, map[string]string{"operation": "Dashboard", "outcome": "ok"}); n != 3 {
		t.Errorf("Dashboard/ok latency samples = %d, want 3", n)
	}
}

func TestQueryObserver(t *testing.T) {
	m := metrics.New(metrics.Options{NoRuntime: true})
	m.SetPoolSize(50)
	_, done := m.StartQuery(context.Background(), "cypher.Store.Search", "read")
	if got := gauge(t, m.Registry(), "sanctiongraph_neo4j_sessions_in_flight", map[string]string{"mode": "read"}); got != 1 {
		t.Errorf("sessions in flight during a query = %v, want 1", got)
	}
	time.Sleep(time.Millisecond)
	done(nil)
	_, done = m.StartQuery(context.Background(), "cypher.Store.Search", "read")
	done(&model.Error{Code: model.Unavailable, Message: "down"})

	for _, tt := range []struct {
		outcome string
		n       uint64
	}{{"ok", 1}, {model.Unavailable, 1}} {
		labels := map[string]string{"op": "cypher.Store.Search", "outcome": tt.outcome}
		if n, sum := histogram(t, m.Registry(), queryDuration, labels); n != tt.n || sum <= 0 {
			t.Errorf("%s%v: count %d sum %v", queryDuration, labels, n, sum)
		}
	}
	if got := gauge(t, m.Registry(), "sanctiongraph_neo4j_sessions_in_flight", map[string]string{"mode": "read"}); got != 0 {
		t.Errorf("sessions in flight after = %v, want 0", got)
	}
	if got := gauge(t, m.Registry(), "sanctiongraph_neo4j_up", nil); got != 0 {
		t.Errorf("neo4j_up after UNAVAILABLE = %v, want 0", got)
	}
	m.ObserveVerify(nil)
	if got := gauge(t, m.Registry(), "sanctiongraph_neo4j_up", nil); got != 1 {
		t.Errorf("neo4j_up after a good Verify = %v, want 1", got)
	}
	if got := gauge(t, m.Registry(), "sanctiongraph_neo4j_pool_max_connections", nil); got != 50 {
		t.Errorf("pool max = %v, want 50", got)
	}
}

func TestHTTPMetrics(t *testing.T) {
	m := metrics.New(metrics.Options{NoRuntime: true})
	h := m.HTTP(func(r *http.Request) string { return r.URL.Path }, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		case "/implicit":
			io.WriteString(w, "ok")
		}
	}))
	for _, p := range []string{"/big", "/big", "/implicit", "/empty"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	for _, tt := range []struct {
		path, code string
		want       float64
	}{{"/big", "413", 2}, {"/implicit", "200", 1}, {"/empty", "200", 1}} {
		labels := map[string]string{"path": tt.path, "code": tt.code}
		if got := counter(t, m.Registry(), "sanctiongraph_http_requests_total", labels); got != tt.want {
			t.Errorf("http requests %v = %v, want %v", labels, got, tt.want)
		}
		if n, _ := histogram(t, m.Registry(), "sanctiongraph_http_request_duration_seconds", labels); float64(n) != tt.want {
			t.Errorf("http latency samples %v = %d, want %v", labels, n, tt.want)
		}
	}
}

func TestHandlerServesRuntimeMetrics(t *testing.T) {
	m := metrics.New(metrics.Options{})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "sanctiongraph_neo4j_up", "sanctiongraph_neo4j_sessions_in_flight"} {
		if !strings.Contains(body, "\n"+name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

// BenchmarkMetricsOverhead compares the GraphQL handler over the fake store
// with and without the metrics extension.
func BenchmarkMetricsOverhead(b *testing.B) {
	body := []byte(gql(`query Dashboard { counts { entities relationships } }`, ""))
	for _, bb := range []struct {
		name string
		m    *metrics.Metrics
	}{{"without", nil}, {"with", metrics.New(metrics.Options{NoRuntime: true})}} {
		b.Run(bb.name, func(b *testing.B) {
			h := newHandler(countsStore(nil), bb.m)
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code, rec.Body)
				}
			}
		})
	}
}

// series finds the metric of family name with exactly labels.
func series(tb testing.TB, g prometheus.Gatherer, name string, labels map[string]string) *dto.Metric {
	tb.Helper()
	families, err := g.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metric:
		for _, m := range f.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, l := range m.GetLabel() {
				if v, ok := labels[l.GetName()]; !ok || v != l.GetValue() {
					continue metric
				}
			}
			return m
		}
	}
	return nil
}

func counter(tb testing.TB, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	tb.Helper()
	return series(tb, g, name, labels).GetCounter().GetValue()
}

func gauge(tb testing.TB, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	tb.Helper()
	m := series(tb, g, name, labels)
	if m == nil {
		tb.Fatalf("no %s%v", name, labels)
	}
	return m.GetGauge().GetValue()
}

func histogram(tb testing.TB, g prometheus.Gatherer, name string, labels map[string]string) (uint64, float64) {
	tb.Helper()
	h := series(tb, g, name, labels).GetHistogram()
	return h.GetSampleCount(), h.GetSampleSum()
}

// TestOperationLabelsPerClient invents 210 operation names from one
// client: it gets MaxOperationsPerClient of them, and another client's
// new name and a known name keep their labels.
func TestOperationLabelsPerClient(t *testing.T) {
	m := metrics.New(metrics.Options{NoRuntime: true, KnownOperations: []string{"Paths"}})
	h := newHandler(countsStore(nil), m)
	send := func(client, name string) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(gql(`query `+name+` { counts { entities } }`, "")))
		req.Header.Set("Content-Type", "application/json")
		req = req.WithContext(auth.WithClient(req.Context(), client))
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	for i := range 210 {
		send("ip:192.0.2.66", fmt.Sprintf("Invented%d", i))
	}
	send("ip:192.0.2.1", "Dashboard")
	send("ip:192.0.2.66", "Paths")
	count := func(op string) float64 {
		c := series(t, m.Registry(), "sanctiongraph_graphql_requests_total", map[string]string{"operation": op, "outcome": "ok"})
		return c.GetCounter().GetValue()
	}
	if got := count(metrics.Other); got != 210-20 {
		t.Errorf("other = %v, want 190 (20 names per client)", got)
	}
	if count("Invented19") != 1 || count("Invented20") != 0 {
		t.Errorf("Invented19 = %v, Invented20 = %v", count("Invented19"), count("Invented20"))
	}
	if count("Dashboard") != 1 || count("Paths") != 1 {
		t.Errorf("Dashboard = %v, Paths = %v, want 1 each", count("Dashboard"), count("Paths"))
	}
}
