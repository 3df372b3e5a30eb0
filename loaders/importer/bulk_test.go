package importer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/cyphertest"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/neo4jlocal"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

var env *cyphertest.Env

func TestMain(m *testing.M) { cyphertest.Main(m, &env) }

// volatile are the properties that say when something was loaded or
// applied; they differ between any two loads.
var volatile = []string{"loadedAt", "appliedAt"}

// sharedSpecs is every shared file with the curated dataset, as the tests
// and demos load them.
func sharedSpecs(t *testing.T) []importer.Spec {
	sharedtest.Path(t, "README.md") // skips without the shared folder (fails in CI)
	return importer.SharedData(sharedtest.Dir(), importer.Options{LoadedBy: "test"})
}

// TestBulkImportEqualsLoad loads the curated dataset and every shared file
// through Neo4j's importer and through transactional loads, and finds the
// same graph: every node and relationship with the same properties, and the
// same fingerprint. A second import holds all but the newest UN list, which
// then loads incrementally onto the imported graph, as a later edition
// would, with the same result.
func TestBulkImportEqualsLoad(t *testing.T) {
	specs := sharedSpecs(t)
	if newest := specs[len(specs)-1]; newest.Format != importer.UN {
		t.Fatalf("SharedData should end with the newest UN list, ends with %s", newest)
	}
	ctx := env.Reset(t)
	var last *cypher.Store

	// Transactional, as `sanctiongraph load` run once per file.
	start := time.Now()
	if _, _, err := importer.LoadAll(ctx, env.Store, specs); err != nil {
		t.Fatalf("transactional load: %v", err)
	}
	loadTook := time.Since(start)
	want, err := env.Store.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantContents, err := env.Store.Contents(ctx, volatile...)
	if err != nil {
		t.Fatal(err)
	}

	// Every file through the importer; then all but the newest UN list,
	// which loads incrementally onto the imported graph with `load`.
	for _, c := range []struct {
		name string
		bulk []importer.Spec
		then []importer.Spec
	}{
		{"every file imported", specs, nil},
		{"imported, then the newest UN list loaded", specs[:len(specs)-1], specs[len(specs)-1:]},
	} {
		st := bulkStore(t, ctx, c.bulk)
		if c.then != nil {
			if _, _, err := importer.LoadAll(ctx, st, c.then); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		got, err := st.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := want.Diff(got); len(d) > 0 {
			t.Errorf("%s: fingerprints differ (load, then import):\n%s", c.name, strings.Join(d, "\n"))
		}
		gotContents, err := st.Contents(ctx, volatile...)
		if err != nil {
			t.Fatal(err)
		}
		if d := wantContents.Diff(gotContents, 20); len(d) > 0 {
			t.Errorf("%s: contents differ (load, then import):\n%s", c.name, strings.Join(d, "\n"))
		}
		last = st
	}
	t.Logf("transactional: %s for everything", loadTook.Round(time.Millisecond))
	if len(wantContents) < 100_000 {
		t.Errorf("only %d nodes and relationships: the shared lists did not load", len(wantContents))
	}
	st, got := last, want

	// Loading a file again onto the imported graph changes nothing.
	if _, _, err := importer.LoadAll(ctx, st, specs[1:2]); err == nil {
		t.Error("loading the 2020 UN list after the 2026 one should be refused as older")
	} else if !errors.Is(err, importer.ErrOlderList) {
		t.Errorf("loading an older list: %v, want ErrOlderList", err)
	}
	again, err := st.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Diff(again); len(d) > 0 {
		t.Errorf("a refused load changed the imported graph:\n%s", strings.Join(d, "\n"))
	}
}

// TestCaptureKeepsTheGuards: the bulk path runs the same list guards as a
// load — a mass removal is refused without the flag, and nothing is written.
func TestCaptureKeepsTheGuards(t *testing.T) {
	specs := sharedSpecs(t)
	var un []importer.Spec
	for _, s := range specs {
		if s.Format == importer.UN {
			s.Options.AllowMassRemoval = false
			un = append(un, s)
		}
	}
	m, err := schema.LoadModel()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "csv")
	_, _, err = importer.Capture(t.Context(), m, un, dir)
	if !errors.Is(err, importer.ErrMassRemoval) {
		t.Fatalf("capture of UN 2020 then 2026 without -allow-mass-removal: %v, want ErrMassRemoval", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused capture wrote %s", dir)
	}
}

// bulkStore imports specs through the loaders' capture, Neo4j's importer
// into a new store and Finish, and returns the store serving it.
func bulkStore(t *testing.T, ctx context.Context, specs []importer.Spec) *cypher.Store {
	t.Helper()
	dir := t.TempDir()
	m, err := schema.LoadModel()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	files, _, err := importer.Capture(ctx, m, specs, filepath.Join(dir, "csv"))
	if err != nil {
		t.Fatalf("capture: %v", err)
	}
	captureTook, start := time.Since(start), time.Now()
	store := filepath.Join(dir, "store")
	stats, err := neo4jlocal.Import(ctx, neo4jlocal.Config{Dir: store, HeapMB: 1024}, neo4jlocal.ImportConfig{
		Nodes: files.Nodes, Relationships: files.Relationships,
		ArrayDelimiter: cypher.ArrayDelimiter, MultilineFields: true,
	})
	if err != nil {
		t.Fatalf("neo4j importer: %v", err)
	}
	importTook := time.Since(start)
	if stats.Nodes != int64(files.NodeRows) || stats.Relationships != int64(files.RelationshipRows) {
		t.Errorf("importer read %d nodes and %d relationships, the files hold %d and %d", stats.Nodes, stats.Relationships, files.NodeRows, files.RelationshipRows)
	}
	sctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(3*time.Minute))
	defer cancel()
	inst, err := neo4jlocal.Start(sctx, neo4jlocal.Config{Dir: store, HeapMB: 1024, PageCacheMB: 128})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = inst.Stop(context.Background()) })
	cfg := env.Config
	cfg.URI, cfg.User, cfg.Password, cfg.Database = inst.RoutingURI(), "", "", ""
	st, err := cypher.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	start = time.Now()
	if _, err := importer.Finish(ctx, st, files.Editions); err != nil {
		t.Fatalf("finish: %v", err)
	}
	t.Logf("bulk of %d files: capture %s (%d nodes, %d relationships in files), importer %s, finish %s", len(specs),
		captureTook.Round(time.Millisecond), files.NodeRows, files.RelationshipRows, importTook.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	return st
}
