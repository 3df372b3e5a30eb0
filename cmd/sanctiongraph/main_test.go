package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher/cyphertest"
	"github.com/sanctiongraph/sanctiongraph/graph/hostiletest"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
)

var env *cyphertest.Env

func TestMain(m *testing.M) { cyphertest.Main(m, &env) }

// startService runs `sanctiongraph serve` in process against the test's
// Neo4j, bound to a free port, and stops it when the test ends.
func startService(tb testing.TB, extra ...string) (*App, func() error) {
	tb.Helper()
	// No rate limits unless a test asks for them (extra flags win), and no
	// counting ahead of requests (tests count the transactions requests run).
	// Deadlines stretched by the timeout scale, so a busy machine does not
	// turn slow answers into TIMEOUTs (tests of the limits set their own).
	args := append([]string{"-addr", "127.0.0.1:0", "-log-level", "warn", "-shutdown-timeout", "10s", "-rate-limit", "0", "-warm-counts", "0",
		"-request-timeout", sharedtest.Timeout(30 * time.Second).String(),
		"-path-timeout", sharedtest.Timeout(10 * time.Second).String(),
		"-neo4j-tx-timeout", sharedtest.Timeout(time.Minute).String()}, extra...)
	cfg, err := parseFlags("serve", args, testEnv, io.Discard, false)
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan *App, 1)
	done := make(chan error, 1)
	var logs syncBuffer
	go func() { done <- serve(ctx, cfg, &logs, func(a *App) { started <- a }) }()
	var app *App
	select {
	case app = <-started:
	case err := <-done:
		tb.Fatalf("serve: %v", err)
	case <-time.After(sharedtest.Timeout(2 * time.Minute)):
		tb.Fatal("serve did not start")
	}
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}
	tb.Cleanup(func() { _ = stop() })
	return app, stop
}

// testEnv is the environment the service sees in tests: the test's Neo4j.
func testEnv(k string) string {
	switch k {
	case "NEO4J_URI":
		return env.Config.URI
	case "NEO4J_USER":
		return env.Config.User
	case "NEO4J_PASSWORD":
		return env.Config.Password
	case "NEO4J_DATABASE":
		return env.Config.Database
	}
	return ""
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in different
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// gqlResponse is a GraphQL response body.
type gqlResponse = hostiletest.Response

func postGraphQL(tb testing.TB, url, query string, vars map[string]any) gqlResponse {
	tb.Helper()
	var out gqlResponse
	if b := postRaw(tb, url, query, vars); json.Unmarshal(b, &out) != nil {
		tb.Fatalf("response is not GraphQL JSON: %s", b)
	}
	return out
}

func get(tb testing.TB, url string) (int, string) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeEndpoints(t *testing.T) {
	env.Reset(t)
	app, _ := startService(t)
	url := app.Server.URL()

	if code, _ := get(t, url+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get(t, url+"/readyz"); code != 200 || !strings.Contains(body, "ready") {
		t.Errorf("/readyz = %d %s", code, body)
	}
	if code, body := get(t, url+"/"); code != 200 || !strings.Contains(body, "graphiql") {
		t.Errorf("GraphiQL at / = %d", code)
	}
	r := postGraphQL(t, url, `{ __schema { queryType { name } } }`, nil)
	if string(r.Data) != `{"__schema":{"queryType":{"name":"Query"}}}` {
		t.Errorf("introspection over POST = %s %v", r.Data, r.Errors)
	}
	code, body := get(t, url+"/graphql?query=%7B__schema%7BqueryType%7Bname%7D%7D%7D")
	if code != 200 || !strings.Contains(body, `"Query"`) {
		t.Errorf("GET /graphql = %d %s", code, body)
	}
	resp, err := http.Post(url+"/graphql", "application/json", strings.NewReader(`{"query": "`+strings.Repeat("x", 2<<20)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Errorf("a 2 MiB body was accepted: %s", resp.Status)
	}
}

// TestReadinessFollowsNeo4j stops the local Neo4j under a running service:
// /readyz must answer 503 and queries UNAVAILABLE, then both recover when
// Neo4j is back, without restarting the service.
func TestReadinessFollowsNeo4j(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(3*time.Minute))
	defer cancel()
	inst, extra := env.Local, []string(nil)
	if inst == nil { // NEO4J_URI names a Neo4j this test cannot stop: run one of its own
		own, _ := startOwnNeo4j(t, ctx)
		inst, extra = own, []string{"-neo4j-uri", own.URI()}
	} else {
		env.Reset(t)
	}
	app, _ := startService(t, extra...)
	url := app.Server.URL()
	if code, _ := get(t, url+"/readyz"); code != 200 {
		t.Fatalf("/readyz before = %d", code)
	}
	if err := inst.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			_ = inst.Restart(context.Background())
		}
	})
	if code, _ := get(t, url+"/readyz"); code != 503 {
		t.Errorf("/readyz with Neo4j stopped = %d, want 503", code)
	}
	start := time.Now()
	r := postGraphQL(t, url, `{ counts { entities } }`, nil)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "UNAVAILABLE" {
		t.Errorf("query with Neo4j stopped: %s %+v", r.Data, r.Errors)
	}
	if d := time.Since(start); d > sharedtest.Timeout(15*time.Second) {
		t.Errorf("query with Neo4j stopped took %s; it should fail fast", d)
	}
	// Watch /readyz while Neo4j restarts: the first 200 must mean that
	// queries answer (it used to come about 8 s before they did).
	type firstReady struct {
		after  time.Duration
		errors []string
	}
	ready := make(chan firstReady, 1)
	restartAt := time.Now()
	go func() {
		client := &http.Client{Timeout: 5 * time.Second}
		for time.Since(restartAt) < sharedtest.Timeout(3*time.Minute) {
			resp, err := client.Get(url + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					// A cold Neo4j on a busy machine may be slow; what matters is
					// that the query answers, not how fast.
					call := callGraphQL(&http.Client{Timeout: sharedtest.Timeout(time.Minute)}, url, `{ counts { entities } }`, nil)
					errs := call.codes()
					if call.err != nil {
						errs = append(errs, call.err.Error())
					}
					ready <- firstReady{after: time.Since(restartAt), errors: errs}
					return
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		ready <- firstReady{after: -1}
	}()
	if err := inst.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	restarted = true
	first := <-ready
	if first.after < 0 {
		t.Fatal("/readyz never answered 200 after Neo4j restarted")
	}
	if len(first.errors) > 0 {
		t.Errorf("/readyz answered 200 %s after the restart began, but a query then failed: %v", first.after, first.errors)
	}
	t.Logf("/readyz 200 %s after the restart began; a query then answered", first.after.Round(time.Millisecond))
	if r := postGraphQL(t, url, `{ counts { entities } }`, nil); len(r.Errors) > 0 {
		t.Errorf("query after restart: %+v", r.Errors)
	}
}

// TestGracefulShutdown cancels the service (as SIGTERM does) while a request
// is in flight: the request completes and serve returns cleanly.
func TestGracefulShutdown(t *testing.T) {
	env.Reset(t)
	app, stop := startService(t)
	url := app.Server.URL()
	// Hold a connection open with a slow body so the request is in flight.
	pr, pw := io.Pipe()
	result := make(chan int, 1)
	go func() {
		resp, err := http.Post(url+"/graphql", "application/json", pr)
		if err != nil {
			result <- -1
			return
		}
		resp.Body.Close()
		result <- resp.StatusCode
	}()
	io.WriteString(pw, `{"query": "{ counts`)
	time.Sleep(200 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(200 * time.Millisecond)
	io.WriteString(pw, ` { entities } }"}`)
	pw.Close()
	if code := <-result; code != 200 {
		t.Errorf("in-flight request = %d, want 200", code)
	}
	if err := <-stopped; err != nil {
		t.Errorf("serve returned %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"ErrNoURI", nil, nil, "NEO4J_URI"},
		{"ErrBadScheme", nil, map[string]string{"NEO4J_URI": "http://localhost:7474"}, "scheme"},
		{"ErrBadLogLevel", []string{"-log-level", "loud"}, map[string]string{"NEO4J_URI": "bolt://x:7687"}, "log-level"},
		{"FlagWinsOverEnv", []string{"-neo4j-uri", "ftp://x"}, map[string]string{"NEO4J_URI": "bolt://x:7687"}, "scheme"},
		{"ErrWarmCountsTooOften", []string{"-warm-counts", "1ms"}, map[string]string{"NEO4J_URI": "bolt://x:7687"}, "warm-counts"},
		{"ErrWarmCountsNegative", []string{"-warm-counts", "-1s"}, map[string]string{"NEO4J_URI": "bolt://x:7687"}, "warm-counts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags("serve", tt.args, func(k string) string { return tt.env[k] }, io.Discard, false)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want mention of %q", err, tt.want)
			}
		})
	}
	t.Run("EnvAndDefaults", func(t *testing.T) {
		cfg, err := parseFlags("serve", nil, func(k string) string {
			return map[string]string{"NEO4J_URI": "neo4j+s://db.example:7687", "LISTEN_ADDR": ":9000", "NEO4J_USER": "u"}[k]
		}, io.Discard, false)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Addr != ":9000" || cfg.Neo4j.User != "u" || cfg.Neo4j.Database != "neo4j" || cfg.LoadCurated || cfg.WarmCounts != 10*time.Second {
			t.Errorf("cfg = %+v", cfg)
		}
	})
}

func TestRunUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"nonsense"}, func(string) string { return "" }, &out, &errOut); code != 2 {
		t.Errorf("unknown command exit = %d", code)
	}
	if code := run(context.Background(), []string{"help"}, func(string) string { return "" }, &out, &errOut); code != 0 || !strings.Contains(out.String(), "dev") {
		t.Errorf("help exit = %d, out %q", code, out.String())
	}
}
