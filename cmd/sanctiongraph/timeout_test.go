package main

import (
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
)

// TestRequestTimeoutCancelsTheQuery holds a lock on Russia in a transaction
// of its own, so a curator's setStatus on Russia must wait for it. The
// service's per-request timeout (1 s) ends the request with TIMEOUT, and the
// write must be gone from Neo4j too: once the lock is released, Russia's
// status is unchanged and no change was recorded.
func TestRequestTimeoutCancelsTheQuery(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := importer.LoadCurated(ctx, env.Store); err != nil {
		t.Fatal(err)
	}
	app, _ := startService(t, "-request-timeout", "1s")
	editor, _ := createKey(t, "erin", "editor")

	drv, err := neo4j.NewDriverWithContext(env.Config.URI, neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(ctx)
	sess := drv.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite, DatabaseName: env.Config.Database})
	defer sess.Close(ctx)
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Run(ctx, `MATCH (n {id: $id}) SET n.lockedByTest = true`, map[string]any{"id": "state:RU"}); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	r := gql(t, app.Server.URL(), editor, mSetStatus, map[string]any{"id": "state:RU", "s": "DISPUTED", "why": "blocked"})
	took := time.Since(start)
	if r.errCode() != "TIMEOUT" || r.code >= 500 {
		t.Fatalf("HTTP %d, errors %+v (after %s)", r.code, r.body.Errors, took)
	}
	if msg := r.body.Errors[0].Message; strings.Contains(msg, "Neo") || strings.Contains(msg, "MATCH") {
		t.Errorf("message leaks driver text: %s", msg)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// Give a write that was not cancelled time to land, then look.
	time.Sleep(500 * time.Millisecond)
	ru, err := env.Store.Entity(ctx, "state:RU")
	if err != nil {
		t.Fatal(err)
	}
	if ru.Status == "disputed" {
		t.Fatal("the timed-out write was applied after the lock was released")
	}
	f := fingerprint(t)
	if f.Labels["Change"] != 0 {
		t.Fatalf("%d changes recorded by a timed-out write", f.Labels["Change"])
	}
	// The service is not stuck: the same write succeeds now. On a machine
	// whose cores are busy a write can take longer than the 1 s this
	// service allows, so it may answer TIMEOUT a few times first; anything
	// else, or no success within the (scaled) minute, is a failure.
	deadline := time.Now().Add(sharedtest.Timeout(time.Minute))
	for attempt := 1; ; attempt++ {
		r = gql(t, app.Server.URL(), editor, mSetStatus, map[string]any{"id": "state:RU", "s": "DISPUTED", "why": "unblocked"})
		if len(r.body.Errors) == 0 {
			break
		}
		if r.errCode() != "TIMEOUT" || time.Now().After(deadline) {
			t.Fatalf("after the lock (attempt %d): %+v", attempt, r.body.Errors)
		}
		t.Logf("after the lock, attempt %d: TIMEOUT (busy machine); trying again", attempt)
	}
	t.Logf("TIMEOUT after %s with a 1s request timeout", took.Round(time.Millisecond))
}
