// Package metrics exports the service's Prometheus metrics: GraphQL
// operations by name and outcome, HTTP requests by route and status (which
// counts requests refused before GraphQL sees them), Neo4j transactions by
// store operation and outcome, sessions in flight, the configured pool size
// and whether Neo4j answers, plus the Go runtime and process collectors.
//
// Each Metrics owns its registry (nothing is registered globally), so tests
// and several services in one process keep their numbers apart.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/opname"
)

// Namespace prefixes every metric of the service.
const Namespace = "sanctiongraph"

// Label values with a fixed meaning.
const (
	// Anonymous is the operation label of operations without a name.
	Anonymous = "anonymous"
	// Other stands for operation names over MaxNameLength, not GraphQL
	// names, or beyond the cap of distinct names (Options.MaxOperations).
	Other = "other"
	// OK is the outcome of a request or query without errors.
	OK = "ok"
	// Unknown is the outcome of an error without extensions.code.
	Unknown = "unknown"
)

// MaxNameLength is the longest operation name used as a label value.
const MaxNameLength = 64

// Options configure Metrics.
type Options struct {
	// MaxOperations caps the distinct operation names kept as label values;
	// default 200. Later names are counted as "other".
	MaxOperations int
	// MaxOperationsPerClient caps the names one client (API key, or
	// address without one; auth.Client) may add to them; default
	// 20. Without it 210 invented names from one client used up the cap,
	// and every real operation after them counted as "other".
	MaxOperationsPerClient int
	// KnownOperations are the names of the documents the service's own
	// clients send (the explorer's): always labelled, never counted
	// against either cap.
	KnownOperations []string
	// NoRuntime leaves out the Go runtime and process collectors (tests
	// that compare whole scrapes).
	NoRuntime bool
}

// Metrics holds the service's collectors and their registry.
type Metrics struct {
	reg *prometheus.Registry

	gqlRequests  *prometheus.CounterVec
	gqlDuration  *prometheus.HistogramVec
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	queries      *prometheus.HistogramVec
	inFlight     *prometheus.GaugeVec
	poolMax      prometheus.Gauge
	up           prometheus.Gauge

	ops operationNames
}

// requestBuckets cover GraphQL and HTTP latencies up to the default 30 s
// request timeout.
var requestBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// queryBuckets start lower: most Neo4j transactions take milliseconds.
var queryBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// New returns Metrics registered in a fresh registry.
func New(opts Options) *Metrics {
	if opts.MaxOperations <= 0 {
		opts.MaxOperations = 200
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		gqlRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "graphql", Name: "requests_total",
			Help: "GraphQL operations by operation name and outcome (ok or the first error's extensions.code).",
		}, []string{"operation", "outcome"}),
		gqlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "graphql", Name: "request_duration_seconds",
			Help:    "Time from receiving a GraphQL request to its response, by operation name and outcome.",
			Buckets: requestBuckets,
		}, []string{"operation", "outcome"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests by route and status code, including those refused before GraphQL (401, 413, 429).",
		}, []string{"path", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "HTTP request latency by route and status code.",
			Buckets: requestBuckets,
		}, []string{"path", "code"}),
		queries: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "neo4j", Name: "query_duration_seconds",
			Help:    "Neo4j managed transactions (session open to close, retries included) by store operation and outcome.",
			Buckets: queryBuckets,
		}, []string{"op", "outcome"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: Namespace, Subsystem: "neo4j", Name: "sessions_in_flight",
			Help: "Neo4j sessions open now, by access mode; each holds at most one pooled connection.",
		}, []string{"mode"}),
		poolMax: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: Namespace, Subsystem: "neo4j", Name: "pool_max_connections",
			Help: "Configured cap on open Neo4j connections (the driver reports no pool statistics).",
		}),
		up: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: Namespace, Subsystem: "neo4j", Name: "up",
			Help: "1 if the last contact with Neo4j (readiness check or query) succeeded, 0 if it found Neo4j unavailable.",
		}),
	}
	if opts.MaxOperationsPerClient <= 0 {
		opts.MaxOperationsPerClient = 20
	}
	m.ops = operationNames{max: opts.MaxOperations, perClient: opts.MaxOperationsPerClient,
		seen: map[string]struct{}{}, known: map[string]struct{}{}, byClient: map[string]int{}}
	for _, n := range opts.KnownOperations {
		if len(n) <= MaxNameLength && opname.Valid(n) {
			m.ops.known[n] = struct{}{}
		}
	}
	m.reg.MustRegister(m.gqlRequests, m.gqlDuration, m.httpRequests, m.httpDuration, m.queries, m.inFlight, m.poolMax, m.up)
	if !opts.NoRuntime {
		m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	// Both modes show from the start, at zero.
	m.inFlight.WithLabelValues("read")
	m.inFlight.WithLabelValues("write")
	return m
}

// Registry is where the collectors are registered; tests read it with
// prometheus/testutil, and callers may register more.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, EnableOpenMetrics: true})
}

// SetPoolSize records the configured maximum of Neo4j connections.
func (m *Metrics) SetPoolSize(n int) { m.poolMax.Set(float64(n)) }

// StartQuery observes one Neo4j transaction (it is a cypher.Observer): the
// session counts as in flight until the returned function is called, and
// the duration is recorded under op and the error's code.
func (m *Metrics) StartQuery(ctx context.Context, op, mode string) (context.Context, func(error)) {
	g := m.inFlight.WithLabelValues(mode)
	g.Inc()
	start := time.Now()
	return ctx, func(err error) {
		d := time.Since(start)
		g.Dec()
		outcome := OK
		if err != nil {
			outcome = model.ErrorCode(err)
		}
		m.queries.WithLabelValues(op, outcome).Observe(d.Seconds())
		m.observeNeo4j(outcome)
	}
}

// ObserveVerify records the result of a connectivity check (/readyz, the
// wait at start).
func (m *Metrics) ObserveVerify(err error) {
	outcome := OK
	if err != nil {
		outcome = model.ErrorCode(err)
	}
	m.observeNeo4j(outcome)
}

func (m *Metrics) observeNeo4j(outcome string) {
	switch outcome {
	case OK:
		m.up.Set(1)
	case model.Unavailable:
		m.up.Set(0)
	}
}

// HTTP counts and times every request to next by route and status code.
// route maps a request to a bounded label (the matching ServeMux pattern);
// nil labels every request "all".
func (m *Metrics) HTTP(route func(*http.Request) string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		path := "all"
		if route != nil {
			path = route(r)
		}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		code := rec.code
		if code == 0 {
			code = http.StatusOK
		}
		c := strconv.Itoa(code)
		m.httpRequests.WithLabelValues(path, c).Inc()
		m.httpDuration.WithLabelValues(path, c).Observe(time.Since(start).Seconds())
	})
}

// statusRecorder remembers the status code a handler sends.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.code == 0 && code >= 200 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if w.code == 0 {
			w.code = http.StatusOK
		}
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// operationNames bounds the operation label: valid GraphQL names of at most
// MaxNameLength bytes, the first max distinct ones.
type operationNames struct {
	mu        sync.RWMutex
	known     map[string]struct{} // never counted, never refused
	seen      map[string]struct{}
	byClient  map[string]int // names added per client; at most max entries
	max       int
	perClient int
}

// label returns name as a label value: Anonymous for "", Other for a name
// that is too long, not a GraphQL name, or new once max names are known or
// once client has added perClient of them. Known names are always kept.
func (o *operationNames) label(name, client string) string {
	if name == "" {
		return Anonymous
	}
	if len(name) > MaxNameLength || !opname.Valid(name) {
		return Other
	}
	o.mu.RLock()
	_, known := o.known[name]
	_, ok := o.seen[name]
	o.mu.RUnlock()
	if ok || known {
		return name
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.seen[name]; ok {
		return name
	}
	if len(o.seen) >= o.max || o.byClient[client] >= o.perClient {
		return Other
	}
	o.seen[name] = struct{}{}
	o.byClient[client]++
	return name
}

// validCode reports whether s looks like an extensions.code: UPPER_SNAKE,
// at most 48 bytes.
func validCode(s string) bool {
	if s == "" || len(s) > 48 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
