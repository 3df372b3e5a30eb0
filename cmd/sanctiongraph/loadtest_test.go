package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/server/loadtest"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// withoutRateLimit returns the flags that turn per-client rate limiting
// off, for tests that send many requests from one address; none when the
// service has no such flag.
func withoutRateLimit() []string {
	args := []string{"-rate-limit", "0"}
	_, err := parseFlags("serve", append(args, "-neo4j-uri", "bolt://127.0.0.1:7687"), func(string) string { return "" }, io.Discard, false)
	if err != nil && strings.Contains(err.Error(), "not defined") {
		return nil
	}
	return args
}

// TestLoadTest runs the load test (cmd/loadtest) in process against the
// service over the curated dataset for a few seconds, then again while
// `load ofac` imports the SDN list into the same Neo4j: no 5xx, no
// transport errors and no GraphQL errors at all, and the import succeeds.
func TestLoadTest(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := importer.LoadCurated(ctx, env.Store); err != nil {
		t.Fatal(err)
	}
	app, _ := startService(t, withoutRateLimit()...)
	cfg := loadtest.Config{URL: app.Server.URL(), Duration: 5 * time.Second, Concurrency: 4, Seed: 1}

	check := func(what string, rep *loadtest.Report) {
		t.Helper()
		t.Logf("%s: %d requests, %.1f/s, p50 %.1fms, p90 %.1fms, p99 %.1fms, max %.1fms; HTTP %v, errors %v",
			what, rep.Requests, rep.Throughput, rep.Latency.P50, rep.Latency.P90, rep.Latency.P99, rep.Latency.Max, rep.Status, rep.Codes)
		if rep.Requests == 0 {
			t.Errorf("%s: no requests", what)
		}
		if rep.Failed() || len(rep.Codes) > 0 {
			var text strings.Builder
			rep.WriteText(&text)
			t.Errorf("%s: %d 5xx, %d transport errors, %d bad responses, error codes %v\n%s",
				what, rep.ServerErrors(), rep.TransportErrors, rep.BadResponses, rep.Codes, text.String())
		}
		// Every query of the mix is sent, unless the machine was so busy
		// that too few requests went out for that to be likely (the
		// weights are checked in graph/server/loadtest's own tests).
		if what != "warm-up" && rep.Requests >= 200 {
			for _, name := range loadtest.QueryNames() {
				if loadtest.DefaultMix[name] > 0 && rep.Queries[name] == nil {
					t.Errorf("%s: the mix sent no %s query in %d requests", what, name, rep.Requests)
				}
			}
		}
	}

	// A short warm-up, so the first run measures a warm Neo4j (the first
	// run of each query plans it).
	warm := cfg
	warm.Duration, warm.Concurrency = 2*time.Second, 2
	rep, err := loadtest.Run(ctx, warm)
	if err != nil {
		t.Fatal(err)
	}
	check("warm-up", rep)
	rep, err = loadtest.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	check("reads only", rep)

	// The same while a large list is imported: start the import, wait for
	// its first batches, then read.
	type result struct {
		code        int
		out, errOut string
	}
	done := make(chan result, 1)
	loadCtx, cancelLoad := context.WithCancel(ctx)
	defer cancelLoad()
	go func() {
		var out, errOut syncBuffer
		code := run(loadCtx, []string{"load", "ofac", "-published", "2024-05-03", "-progress", "none", sharedtest.Path(t, "ofac-sdn-csv-2024/sdn.csv")}, testEnv, &out, &errOut)
		done <- result{code, out.String(), errOut.String()}
	}()
	for deadline := time.Now().Add(sharedtest.Timeout(time.Minute)); ; time.Sleep(100 * time.Millisecond) {
		c, err := env.Store.Counts(ctx, model.CountQuery{Kinds: []schema.Kind{schema.Sanction}, Dataset: "ofac-sdn"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Entities > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the import wrote nothing in a minute")
		}
	}
	rep, err = loadtest.Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		t.Errorf("the import ended (exit %d) before the reads did; the reads did not overlap it", r.code)
		done <- r
	default:
	}
	check("reads during the OFAC import", rep)
	start := time.Now()
	r := <-done
	if r.code != 0 {
		t.Fatalf("the import under read load: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
	t.Logf("the import finished %s after the reads", time.Since(start).Round(time.Millisecond))
	if n := countKind(t, ctx, schema.Sanction, "ofac-sdn"); n != 14965 {
		t.Errorf("OFAC sanctions after the import under read load: %d, want 14965", n)
	}
}
