package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/cyphertest"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/synth"
)

// TestBulkEqualsTransactional generates a small graph through Neo4j's
// importer (-bulk) and through transactions, as graphgen does without
// -bulk, then links both as after any load, and finds the same graph: the
// same fingerprint and every node and relationship with the same
// properties.
func TestBulkEqualsTransactional(t *testing.T) {
	dir := t.TempDir()
	c, err := parseFlags([]string{"-bulk", "-neo4j-dir", filepath.Join(dir, "store"),
		"-nodes", "1000", "-rels", "5000", "-hubs", "1", "-hub-degree", "300", "-pairs", "1",
		"-neo4j-heap-mb", "512", "-neo4j-pagecache-mb", "64", "-import-heap-mb", "512", "-import-threads", "2", "-import-off-heap-mb", "512"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	g, err := synth.Build(c.Synth)
	if err != nil {
		t.Fatal(err)
	}
	volatile := []string{"loadedAt", "appliedAt"}
	var got cypher.Fingerprint
	var gotContents cypher.Contents
	var out bytes.Buffer
	err = runBulk(t.Context(), c, g, &out, io.Discard, func(ctx context.Context, st *cypher.Store) error {
		var err error
		if got, err = st.Fingerprint(ctx); err != nil {
			return err
		}
		gotContents, err = st.Contents(ctx, volatile...)
		return err
	})
	if err != nil {
		t.Fatalf("bulk: %v\n%s", err, out.String())
	}
	for _, want := range []string{"capture (cypher.Bulk.Write)", "CSV files (WriteCSV)", "Neo4j importer", "start + Finish"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}

	e, err := cyphertest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Stop)
	ctx := e.Reset(t)
	if _, err := g.Write(ctx, e.Store, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Link(ctx, e.Store); err != nil {
		t.Fatal(err)
	}
	want, err := e.Store.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := want.Diff(got); len(d) > 0 {
		t.Errorf("fingerprints differ (transactional, then bulk):\n%s", strings.Join(d, "\n"))
	}
	wantContents, err := e.Store.Contents(ctx, volatile...)
	if err != nil {
		t.Fatal(err)
	}
	if d := wantContents.Diff(gotContents, 20); len(d) > 0 {
		t.Errorf("contents differ (transactional, then bulk):\n%s", strings.Join(d, "\n"))
	}
	if len(wantContents) < 6000 {
		t.Errorf("only %d nodes and relationships", len(wantContents))
	}
}
