package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/neo4jlocal"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Fault tolerance: the service and the loader run against a Neo4j of the
// test's own (so stopping it disturbs no other test), which is stopped under
// them and started again on the same store and port.

// faultRequestTimeout is the service's -request-timeout in these tests;
// errors must arrive well within it (faultFailFast), not when it runs out.
const (
	faultRequestTimeout = 20 * time.Second
	faultFailFast       = 10 * time.Second
)

// TestFaultTolerance stops Neo4j while readers query the service
// (StopMidTraffic) and while a list is loaded (StopMidLoad).
func TestFaultTolerance(t *testing.T) {
	// The test runs a local Neo4j of its own (it needs Java), whatever
	// NEO4J_URI names, so it never skips.
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(4*time.Minute))
	defer cancel()
	inst, st := startOwnNeo4j(t, ctx)
	t.Run("StopMidTraffic", func(t *testing.T) { testStopMidTraffic(t, ctx, inst) })
	t.Run("StopMidLoad", func(t *testing.T) { testStopMidLoad(t, ctx, inst, st) })
}

// startOwnNeo4j starts a local Neo4j in a temporary directory on a free
// port, with the schema applied, for one test.
func startOwnNeo4j(t *testing.T, ctx context.Context) (*neo4jlocal.Instance, *cypher.Store) {
	t.Helper()
	start := time.Now()
	inst, err := neo4jlocal.Start(ctx, neo4jlocal.Config{Dir: t.TempDir(), Port: 0, HeapMB: 512, PageCacheMB: 64})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // before t.TempDir's removal: cleanups run last first
		c, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(time.Minute))
		defer cancel()
		if err := inst.Stop(c); err != nil {
			t.Errorf("stop own Neo4j: %v", err)
		}
	})
	st, err := cypher.Open(cypher.Config{URI: inst.URI(), QueryTimeout: sharedtest.Timeout(2 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("own Neo4j at %s, ready in %s", inst.URI(), time.Since(start).Round(time.Millisecond))
	return inst, st
}

// restartNeo4j starts inst again on its store and port and waits until st
// reaches it.
func restartNeo4j(t *testing.T, ctx context.Context, inst *neo4jlocal.Instance, st *cypher.Store) {
	t.Helper()
	port := inst.Port()
	if err := inst.Restart(ctx); err != nil {
		t.Fatalf("restart Neo4j: %v", err)
	}
	if inst.Port() != port {
		t.Fatalf("Neo4j came back on port %d, not %d: clients keep the old URI", inst.Port(), port)
	}
	if st == nil {
		return
	}
	deadline := time.Now().Add(sharedtest.Timeout(30 * time.Second))
	for st.Verify(ctx) != nil {
		if time.Now().After(deadline) {
			t.Fatal("Neo4j restarted but does not answer")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// gqlCall is one GraphQL request as a client saw it.
type gqlCall struct {
	probe  string
	start  time.Time
	took   time.Duration
	status int
	resp   gqlResponse
	raw    []byte
	err    error // transport error or a body that is not a GraphQL response
}

func (c gqlCall) codes() []string {
	var out []string
	for _, e := range c.resp.Errors {
		code, _ := e.Extensions["code"].(string)
		out = append(out, code)
	}
	return out
}

// callGraphQL posts one request and never fails the test: the caller judges
// the outcome, from any goroutine.
func callGraphQL(client *http.Client, url, query string, vars map[string]any) gqlCall {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	c := gqlCall{start: time.Now()}
	resp, err := client.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		c.took, c.err = time.Since(c.start), err
		return c
	}
	defer resp.Body.Close()
	c.status = resp.StatusCode
	c.raw, c.err = io.ReadAll(resp.Body)
	c.took = time.Since(c.start)
	if c.err == nil {
		if err := json.Unmarshal(c.raw, &c.resp); err != nil || (c.resp.Data == nil && len(c.resp.Errors) == 0) {
			c.err = fmt.Errorf("HTTP %d without a GraphQL response: %.200s", c.status, c.raw)
		}
	}
	return c
}

// faultProbes are the reads the readers repeat; their answers must be the
// same before Neo4j stops and after it is back.
var faultProbes = []struct {
	name, query string
	vars        map[string]any
}{
	{"counts", `{ counts { entities relationships byKind { kind count } byRelationshipType { type count } } }`, nil},
	{"search", `query($q: String!) { search(query: $q, first: 5) { totalCount edges { matchedName node { id } } } }`, map[string]any{"q": "Kim Jong-un"}},
	{"entity", `query($id: ID!) { entity(id: $id) { id name kind aliases evidence { id quote source { id } } } }`, map[string]any{"id": "org:aurus"}},
	{"neighbours", `query($id: ID!) { neighbours(id: $id, first: 100) { totalCount edges { direction relationship { id type status } node { id } } } }`, map[string]any{"id": "person:kim-jong-un"}},
	{"paths", `{ paths(from: "Russia", to: "Kim Jong-un", via: ["Aurus"]) { explanation paths { length hops { sentence } } } }`, nil},
	{"timeline", `{ timeline(from: "2024-01-01", to: "2024-12-31", first: 20) { totalCount edges { date node { id } } } }`, nil},
}

func testStopMidTraffic(t *testing.T, ctx context.Context, inst *neo4jlocal.Instance) {
	app, _ := startService(t, append(withoutRateLimit(), "-neo4j-uri", inst.URI(), "-load-curated", "-request-timeout", faultRequestTimeout.String())...)
	url := app.Server.URL()
	client := &http.Client{Timeout: faultRequestTimeout + 10*time.Second}

	want := map[string]string{}
	for _, p := range faultProbes {
		c := callGraphQL(client, url, p.query, p.vars)
		if c.err != nil || len(c.resp.Errors) > 0 {
			t.Fatalf("%s before the fault: %v %s", p.name, c.err, c.raw)
		}
		want[p.name] = string(c.resp.Data)
	}

	// Readers query continuously until told to stop.
	const readers = 4
	var (
		mu    sync.Mutex
		calls []gqlCall
		wg    sync.WaitGroup
	)
	quit := make(chan struct{})
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := r; ; i++ {
				select {
				case <-quit:
					return
				default:
				}
				p := faultProbes[i%len(faultProbes)]
				c := callGraphQL(client, url, p.query, p.vars)
				c.probe = p.name
				mu.Lock()
				calls = append(calls, c)
				mu.Unlock()
				if c.err != nil || len(c.resp.Errors) > 0 {
					time.Sleep(50 * time.Millisecond) // failing fast must not become a busy loop
				}
			}
		}()
	}
	stopReaders := sync.OnceFunc(func() { close(quit); wg.Wait() })
	defer stopReaders()

	time.Sleep(time.Second)
	stopping := time.Now()
	if err := inst.Stop(ctx); err != nil {
		t.Fatalf("stop Neo4j: %v", err)
	}
	stopped := time.Now()
	if code, body := get(t, url+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Neo4j stopped = %d %s, want 503", code, body)
	}
	time.Sleep(time.Second)
	if code, _ := get(t, url+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz 1s after Neo4j stopped = %d, want 503", code)
	}

	restarting := time.Now()
	restartNeo4j(t, ctx, inst, nil)
	var ready time.Time
	for deadline := time.Now().Add(sharedtest.Timeout(30 * time.Second)); ; time.Sleep(100 * time.Millisecond) {
		if code, _ := get(t, url+"/readyz"); code == http.StatusOK {
			ready = time.Now()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz not 200 within 30s of Neo4j's restart")
		}
	}
	// Let the readers finish a few requests sent after recovery (the first
	// queries after a restart are planned afresh, which takes seconds).
	for deadline := time.Now().Add(sharedtest.Timeout(30 * time.Second)); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		mu.Lock()
		after := 0
		for _, c := range calls {
			if c.start.After(ready) {
				after++
			}
		}
		mu.Unlock()
		if after >= readers {
			break
		}
	}
	stopReaders()
	t.Logf("from the stop: Neo4j stopped at +%s, restarted from +%s, /readyz 200 at +%s",
		stopped.Sub(stopping).Round(time.Millisecond), restarting.Sub(stopping).Round(time.Millisecond), ready.Sub(stopping).Round(time.Millisecond))

	var ok, unavailable, okAfter int
	var slowest, slowestOK time.Duration
	for _, c := range calls {
		switch {
		case c.err != nil: // a transport error, or an HTTP answer without a GraphQL body
			t.Errorf("%s at +%s: %v", c.probe, c.start.Sub(stopping).Round(time.Millisecond), c.err)
		case len(c.resp.Errors) > 0:
			for _, code := range c.codes() {
				if code != model.Unavailable {
					t.Errorf("%s at +%s: code %q, want UNAVAILABLE: %.300s", c.probe, c.start.Sub(stopping).Round(time.Millisecond), code, c.raw)
				}
			}
			if c.took >= faultFailFast {
				t.Errorf("%s failed after %s; errors must come well within the %s request timeout", c.probe, c.took.Round(time.Millisecond), faultRequestTimeout)
			}
			if c.start.After(ready) {
				t.Errorf("%s sent %s after /readyz was 200 again failed: %.300s", c.probe, c.start.Sub(ready).Round(time.Millisecond), c.raw)
			}
			slowest = max(slowest, c.took)
			unavailable++
		default:
			if got := string(c.resp.Data); got != want[c.probe] {
				t.Errorf("%s answered differently at +%s:\n got %.300s\nwant %.300s", c.probe, c.start.Sub(stopping).Round(time.Millisecond), got, want[c.probe])
			}
			if c.start.After(stopped) && c.start.Before(restarting) {
				t.Errorf("%s succeeded while Neo4j was stopped", c.probe)
			}
			ok++
			slowestOK = max(slowestOK, c.took)
			if c.start.After(ready) {
				okAfter++
			}
		}
	}
	t.Logf("%d requests: %d answered (slowest %s), %d UNAVAILABLE (slowest %s), %d answered after recovery",
		len(calls), ok, slowestOK.Round(time.Millisecond), unavailable, slowest.Round(time.Millisecond), okAfter)

	if unavailable == 0 {
		t.Error("no request failed while Neo4j was stopped: the readers missed the outage")
	}
	if okAfter == 0 {
		t.Error("no request succeeded after Neo4j was back")
	}
	for _, p := range faultProbes {
		c := callGraphQL(client, url, p.query, p.vars)
		if c.err != nil || len(c.resp.Errors) > 0 {
			t.Errorf("%s after recovery: %v %s", p.name, c.err, c.raw)
		} else if string(c.resp.Data) != want[p.name] {
			t.Errorf("%s after recovery:\n got %.300s\nwant %.300s", p.name, c.resp.Data, want[p.name])
		}
	}
}

func testStopMidLoad(t *testing.T, ctx context.Context, inst *neo4jlocal.Instance, st *cypher.Store) {
	// OFAC's consolidated (non-SDN) list: 442 entries, a few seconds' load.
	list := sharedtest.Path(t, "ofac-consolidated-xml/ofac.xml")
	getenv := func(k string) string {
		if k == "NEO4J_URI" {
			return inst.URI()
		}
		return ""
	}
	load := func(args ...string) (int, string, string) {
		var out, errOut syncBuffer
		code := run(ctx, append([]string{"load", "ofac", "-dataset", "ofac-cons"}, args...), getenv, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	sanctions := func() int {
		c, err := st.Counts(ctx, model.CountQuery{Kinds: []schema.Kind{schema.Sanction}})
		if err != nil {
			t.Fatal(err)
		}
		return c.Entities
	}
	if err := st.Purge(ctx); err != nil {
		t.Fatal(err)
	}

	// The load, with Neo4j stopped once a few batches of 5 are written.
	type result struct {
		code        int
		out, errOut string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errOut := load("-batch", "5", "-progress", "plain", list)
		done <- result{code, out, errOut}
	}()
	var written int
	for deadline := time.Now().Add(sharedtest.Timeout(time.Minute)); written < 20; time.Sleep(20 * time.Millisecond) {
		if written = sanctions(); time.Now().After(deadline) {
			t.Fatalf("the load wrote %d sanctions in a minute", written)
		}
		select {
		case r := <-done:
			t.Fatalf("the load ended (exit %d) before Neo4j could be stopped:\n%s%s", r.code, r.out, r.errOut)
		default:
		}
	}
	stopping := time.Now()
	if err := inst.Stop(ctx); err != nil {
		t.Fatalf("stop Neo4j: %v", err)
	}
	var r result
	select {
	case r = <-done:
	case <-time.After(sharedtest.Timeout(time.Minute)):
		t.Fatal("the load still runs a minute after Neo4j stopped")
	}
	t.Logf("stopped Neo4j with %d sanctions written; the load ended %s later: exit %d, %s",
		written, time.Since(stopping).Round(time.Millisecond), r.code, strings.TrimSpace(r.errOut))
	if r.code == 0 {
		t.Fatalf("the load succeeded although Neo4j stopped under it:\n%s", r.out)
	}
	if !strings.Contains(r.errOut, "ofac.xml") || !strings.Contains(r.errOut, "writing record") || !strings.Contains(r.errOut, "graph database") {
		t.Errorf("the failed load's error should name the file, the records and the cause:\n%s", r.errOut)
	}
	if strings.Contains(r.errOut, "panic") || strings.Contains(r.errOut, "goroutine ") {
		t.Errorf("the load panicked:\n%s", r.errOut)
	}

	// Neo4j back on the same store: the batches written are whole and
	// running the load again finishes the job.
	restartNeo4j(t, ctx, inst, st)
	partial, err := st.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := partial.Duplicates(); len(d) > 0 {
		t.Errorf("the failed load left duplicate ids: %v", d)
	}
	start := time.Now()
	if code, out, errOut := load("-progress", "none", list); code != 0 {
		t.Fatalf("rerun: exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("the rerun took %s", time.Since(start).Round(time.Millisecond))
	got, err := st.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Duplicates(); len(d) > 0 {
		t.Errorf("after the rerun: duplicate ids: %v", d)
	}

	// The reference: one clean load into an empty graph.
	if err := st.Purge(ctx); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if code, out, errOut := load("-progress", "none", list); code != 0 {
		t.Fatalf("reference load: exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("the reference load took %s", time.Since(start).Round(time.Millisecond))
	want, err := st.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := want.Duplicates(); len(d) > 0 {
		t.Errorf("the clean load stored duplicate ids: %v", d)
	}
	all := want.Labels[string(schema.Sanction)]
	if p := partial.Labels[string(schema.Sanction)]; p == 0 || p >= all {
		t.Errorf("after the failed load: %d of %d sanctions; want part of them", p, all)
	}
	if d := want.Diff(got); len(d) > 0 {
		t.Errorf("interrupted load + rerun differs from one clean load:\n%s", strings.Join(d, "\n"))
	}
	t.Logf("partial: %d of %d sanctions; after the rerun: %d nodes, %d relationships, %d evidence, checksum %s, as one clean load",
		partial.Labels[string(schema.Sanction)], all, got.Nodes, got.Relationships, got.Labels[schema.EvidenceLabel], got.Checksum)
}
