// Package loadtest drives the sanctiongraph GraphQL API with a weighted mix
// of the reads its clients make (Queries, DefaultMix) from several workers
// for a bounded time, and reports requests, throughput, latency
// percentiles, HTTP statuses and GraphQL error codes. cmd/loadtest is its
// command line; service tests run it in process.
package loadtest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits of a run.
const (
	DefaultDuration    = 30 * time.Second
	MaxDuration        = 10 * time.Minute
	DefaultConcurrency = 8
	MaxConcurrency     = 512
	DefaultTimeout     = 30 * time.Second
)

// Config configures a run.
type Config struct {
	// URL is the service's base URL (http://127.0.0.1:8080) or its GraphQL
	// endpoint (…/graphql).
	URL string
	// Duration is how long requests are sent; default 30s, at most 10m.
	// Requests in flight when it ends are waited for and counted.
	Duration time.Duration
	// Concurrency is the number of workers, each sending one request at a
	// time; default 8.
	Concurrency int
	// Key, when set, is sent as "Authorization: Bearer KEY".
	Key string
	// Mix weighs the queries by name; nil means DefaultMix.
	Mix map[string]int
	// Timeout bounds one request; default 30s.
	Timeout time.Duration
	// Seed makes the choice of queries and variables repeatable; 0 picks one.
	Seed uint64
	// Client sends the requests; default a client pooling Concurrency
	// connections.
	Client *http.Client
}

// Endpoint returns the GraphQL endpoint URL.
func (c Config) Endpoint() string {
	u := strings.TrimRight(c.URL, "/")
	if !strings.HasSuffix(u, "/graphql") {
		u += "/graphql"
	}
	return u
}

func (c *Config) validate() error {
	if c.URL == "" {
		return errors.New("loadtest: URL is required")
	}
	if c.Duration == 0 {
		c.Duration = DefaultDuration
	}
	if c.Duration < 0 || c.Duration > MaxDuration {
		return fmt.Errorf("loadtest: duration %s: must be positive and at most %s", c.Duration, MaxDuration)
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.Concurrency < 1 || c.Concurrency > MaxConcurrency {
		return fmt.Errorf("loadtest: concurrency %d: must be between 1 and %d", c.Concurrency, MaxConcurrency)
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Mix == nil {
		c.Mix = DefaultMix
	}
	total := 0
	for name, w := range c.Mix {
		if queryByName(name) == nil {
			return fmt.Errorf("loadtest: unknown query %q in the mix (known: %s)", name, strings.Join(QueryNames(), ", "))
		}
		if w < 0 {
			return fmt.Errorf("loadtest: weight of %s is negative", name)
		}
		total += w
	}
	if total == 0 {
		return errors.New("loadtest: the mix weighs no query")
	}
	if c.Seed == 0 {
		c.Seed = uint64(time.Now().UnixNano())
	}
	if c.Client == nil {
		c.Client = &http.Client{Transport: &http.Transport{
			MaxIdleConns: c.Concurrency, MaxIdleConnsPerHost: c.Concurrency, IdleConnTimeout: 90 * time.Second,
		}}
	}
	return nil
}

// QueryNames lists the names a mix may weigh.
func QueryNames() []string {
	var names []string
	for _, q := range Queries {
		names = append(names, q.Name)
	}
	return names
}

func queryByName(name string) *Query {
	for i := range Queries {
		if Queries[i].Name == name {
			return &Queries[i]
		}
	}
	return nil
}

// ParseMix parses "search=4,entity=3,paths=1" into weights.
func ParseMix(s string) (map[string]int, error) {
	mix := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, weight, ok := strings.Cut(part, "=")
		w, err := strconv.Atoi(weight)
		if !ok || err != nil || w < 0 {
			return nil, fmt.Errorf("mix %q: want name=weight, e.g. search=4,entity=3", part)
		}
		if queryByName(name) == nil {
			return nil, fmt.Errorf("mix: unknown query %q (known: %s)", name, strings.Join(QueryNames(), ", "))
		}
		mix[name] = w
	}
	if len(mix) == 0 {
		return nil, errors.New("mix: empty")
	}
	return mix, nil
}

// Report is the outcome of a run. Latencies are in milliseconds.
type Report struct {
	URL         string  `json:"url"`
	Concurrency int     `json:"concurrency"`
	Seconds     float64 `json:"seconds"`
	Requests    int     `json:"requests"`
	// Throughput is requests completed per second.
	Throughput float64 `json:"throughput"`
	Latency    Latency `json:"latencyMs"`
	// Status counts HTTP responses by status code.
	Status map[int]int `json:"httpStatus"`
	// Codes counts GraphQL errors by extensions.code ("NONE" when an error
	// has none).
	Codes map[string]int `json:"graphqlErrorCodes"`
	// TransportErrors counts requests that got no HTTP response (refused,
	// reset, timed out); BadResponses those whose body was not a GraphQL
	// response.
	TransportErrors int `json:"transportErrors"`
	BadResponses    int `json:"badResponses"`
	// Queries breaks the numbers down by query.
	Queries map[string]*QueryReport `json:"queries"`
	// Samples are a few distinct failures, for a first look.
	Samples []string `json:"samples,omitempty"`
}

// QueryReport is the share of one query in a run.
type QueryReport struct {
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	Latency  Latency `json:"latencyMs"`
}

// Latency holds percentiles and the maximum, in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// ServerErrors counts 5xx responses.
func (r *Report) ServerErrors() int {
	n := 0
	for code, c := range r.Status {
		if code >= 500 {
			n += c
		}
	}
	return n
}

// Failed reports whether the service failed: any 5xx, transport error or
// response that is not GraphQL. GraphQL error codes are left to the caller.
func (r *Report) Failed() bool {
	return r.ServerErrors() > 0 || r.TransportErrors > 0 || r.BadResponses > 0
}

// result is one request's outcome.
type result struct {
	query     string
	took      time.Duration
	status    int // 0: no response
	codes     []string
	bad       bool
	cancelled bool
	sample    string
}

// Run sends the mix until cfg.Duration has passed or ctx is done, waits for
// the requests in flight and reports. It returns an error only for a bad
// configuration; failures of the service are in the Report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	endpoint := cfg.Endpoint()
	var choices []*Query // one entry per unit of weight
	for _, name := range slices.Sorted(maps.Keys(cfg.Mix)) {
		for range cfg.Mix[name] {
			choices = append(choices, queryByName(name))
		}
	}
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	results := make([][]result, cfg.Concurrency)
	var wg sync.WaitGroup
	for w := range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(cfg.Seed, uint64(w)))
			for time.Now().Before(deadline) && ctx.Err() == nil {
				q := choices[r.IntN(len(choices))]
				res, data := do(ctx, cfg, endpoint, q, q.Vars(r))
				results[w] = append(results[w], res)
				if q.Next != nil && data != nil && time.Now().Before(deadline) && ctx.Err() == nil {
					if vars := q.Next(r, data); vars != nil {
						res, _ := do(ctx, cfg, endpoint, q, vars)
						results[w] = append(results[w], res)
					}
				}
			}
		}()
	}
	wg.Wait()
	return report(cfg, endpoint, time.Since(start), slices.Concat(results...)), nil
}

// do sends one request. Requests run under ctx (so an interrupt stops
// them) and cfg.Timeout, not under the run's duration: requests in flight
// when it ends finish and count.
func do(ctx context.Context, cfg Config, endpoint string, q *Query, vars map[string]any) (result, json.RawMessage) {
	res := result{query: q.Name}
	body, err := json.Marshal(map[string]any{"query": q.Doc, "operationName": operationName(q.Doc), "variables": vars})
	if err != nil {
		res.bad, res.sample = true, err.Error()
		return res, nil
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		res.bad, res.sample = true, err.Error()
		return res, nil
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if cfg.Key != "" {
		req.Header.Set("Authorization", "Bearer "+cfg.Key)
	}
	start := time.Now()
	resp, err := cfg.Client.Do(req)
	if err != nil {
		res.took = time.Since(start)
		res.cancelled = ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded)
		res.sample = fmt.Sprintf("%s: %v", q.Name, err)
		return res, nil
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	res.took, res.status = time.Since(start), resp.StatusCode
	if err != nil {
		res.status, res.cancelled = 0, ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded)
		res.sample = fmt.Sprintf("%s: reading the response: %v", q.Name, err)
		return res, nil
	}
	var gql struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &gql); err != nil || (len(gql.Data) == 0 && len(gql.Errors) == 0) {
		res.bad = true
		res.sample = fmt.Sprintf("%s: HTTP %d, not a GraphQL response: %.200s", q.Name, resp.StatusCode, raw)
		return res, nil
	}
	for _, e := range gql.Errors {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = "NONE"
		}
		res.codes = append(res.codes, code)
		if res.sample == "" {
			res.sample = fmt.Sprintf("%s: %s: %.200s", q.Name, code, e.Message)
		}
	}
	if resp.StatusCode >= 500 && res.sample == "" {
		res.sample = fmt.Sprintf("%s: HTTP %d", q.Name, resp.StatusCode)
	}
	if len(gql.Errors) > 0 || string(gql.Data) == "null" {
		return res, nil
	}
	return res, gql.Data
}

// operationName returns the name of the document's operation.
func operationName(doc string) string {
	f := strings.Fields(doc)
	if len(f) < 2 || f[0] != "query" {
		return ""
	}
	name, _, _ := strings.Cut(f[1], "(")
	return name
}

func report(cfg Config, endpoint string, elapsed time.Duration, results []result) *Report {
	r := &Report{URL: endpoint, Concurrency: cfg.Concurrency, Seconds: elapsed.Seconds(),
		Status: map[int]int{}, Codes: map[string]int{}, Queries: map[string]*QueryReport{}}
	var all []time.Duration
	byQuery := map[string][]time.Duration{}
	samples := map[string]bool{}
	for _, res := range results {
		if res.cancelled { // interrupted by the caller, not failed
			continue
		}
		r.Requests++
		q := r.Queries[res.query]
		if q == nil {
			q = &QueryReport{}
			r.Queries[res.query] = q
		}
		q.Requests++
		failed := false
		switch {
		case res.status == 0 && !res.bad:
			r.TransportErrors++
			failed = true
		case res.bad:
			r.BadResponses++
			if res.status != 0 {
				r.Status[res.status]++
			}
			failed = true
		default:
			r.Status[res.status]++
			failed = res.status >= 500 || len(res.codes) > 0
			all = append(all, res.took)
			byQuery[res.query] = append(byQuery[res.query], res.took)
		}
		for _, c := range res.codes {
			r.Codes[c]++
		}
		if failed {
			q.Errors++
			if res.sample != "" && !samples[res.sample] && len(samples) < 10 {
				samples[res.sample] = true
				r.Samples = append(r.Samples, res.sample)
			}
		}
	}
	if elapsed > 0 {
		r.Throughput = float64(r.Requests) / elapsed.Seconds()
	}
	r.Latency = latency(all)
	for name, ds := range byQuery {
		r.Queries[name].Latency = latency(ds)
	}
	return r
}

// latency computes nearest-rank percentiles.
func latency(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	at := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.999999) - 1
		return ms(ds[max(0, min(i, len(ds)-1))])
	}
	return Latency{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: ms(ds[len(ds)-1])}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "target       %s, concurrency %d, %.1fs\n", r.URL, r.Concurrency, r.Seconds)
	fmt.Fprintf(w, "requests     %d (%.1f/s)\n", r.Requests, r.Throughput)
	fmt.Fprintf(w, "latency      p50 %.1fms  p90 %.1fms  p99 %.1fms  max %.1fms\n", r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.Max)
	fmt.Fprintf(w, "HTTP status  %s\n", histogram(r.Status))
	fmt.Fprintf(w, "GraphQL errors %s\n", histogram(r.Codes))
	fmt.Fprintf(w, "transport errors %d, bad responses %d\n", r.TransportErrors, r.BadResponses)
	fmt.Fprintf(w, "\n%-12s %9s %7s %9s %9s %9s %9s\n", "query", "requests", "errors", "p50 ms", "p90 ms", "p99 ms", "max ms")
	for _, name := range slices.Sorted(maps.Keys(r.Queries)) {
		q := r.Queries[name]
		fmt.Fprintf(w, "%-12s %9d %7d %9.1f %9.1f %9.1f %9.1f\n", name, q.Requests, q.Errors, q.Latency.P50, q.Latency.P90, q.Latency.P99, q.Latency.Max)
	}
	if len(r.Samples) > 0 {
		fmt.Fprintln(w, "\nfailures, for example:")
		for _, s := range r.Samples {
			fmt.Fprintln(w, "  "+s)
		}
	}
}

func histogram[K cmp.Ordered](m map[K]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%v: %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
