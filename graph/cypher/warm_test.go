package cypher_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// TestWarmCounts: a service that keeps its counts warm finds the
// dashboards' counts kept after another process wrote — the first request
// costs its state probe only — and counted at that write, equal to a count
// made there and then; counts not kept warm (filtered) are counted on
// request as before.
func TestWarmCounts(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	svc, err := cypher.Open(env.Config) // the service; env.Store is the loader
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close(context.Background())
	before, err := svc.Counts(ctx, model.CountQuery{View: model.ViewRecords})
	if err != nil {
		t.Fatal(err)
	}

	// The loader writes: a new record the counts must hold.
	if _, err := env.Store.Write(ctx, model.Batch{Entities: []model.Entity{{ID: "person:warm", Kind: schema.Person, Name: "Warm Counts",
		Provenance: model.Provenance{Status: schema.Reported, Dataset: "test"}}}}); err != nil {
		t.Fatal(err)
	}

	wctx, stop := context.WithCancel(ctx)
	var mu sync.Mutex
	var counted []error
	var wg sync.WaitGroup
	wg.Go(func() {
		svc.WarmCounts(wctx, 50*time.Millisecond, func(_ time.Duration, err error) {
			mu.Lock()
			defer mu.Unlock()
			counted = append(counted, err)
		})
	})
	deadline := time.Now().Add(sharedtest.Timeout(30 * time.Second))
	for {
		mu.Lock()
		n := len(counted)
		mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the counts were not warmed: %d counts made", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	wg.Wait()
	for _, err := range counted {
		if err != nil {
			t.Errorf("a warm count failed: %v", err)
		}
	}

	for _, view := range []model.View{model.ViewRecords, model.ViewResolved} {
		q := model.CountQuery{View: view}
		n := svc.QueryCount()
		got, err := svc.Counts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if tx := svc.QueryCount() - n; tx != 1 {
			t.Errorf("%s: the first request after the write ran %d transactions, want 1 (the state probe; the counts kept warm)", view, tx)
		}
		fresh, err := env.Store.Counts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, fresh) {
			t.Errorf("%s: warm counts %+v, counted now %+v", view, got, fresh)
		}
		if view == model.ViewRecords && got.Entities != before.Entities+1 {
			t.Errorf("records: %d entities after the write, %d before", got.Entities, before.Entities)
		}
	}
	n := svc.QueryCount()
	if _, err := svc.Counts(ctx, model.CountQuery{View: model.ViewRecords, Kinds: []schema.Kind{schema.Person}}); err != nil {
		t.Fatal(err)
	}
	if tx := svc.QueryCount() - n; tx != 2 {
		t.Errorf("a filtered count ran %d transactions, want 2 (probe and count: not kept warm)", tx)
	}
}
