package cypher_test

import (
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// TestRoutingAddressAndBookmarks runs the store through a neo4j:// (routing)
// address, as against a cluster or Aura: a curator's write leaves its
// bookmark with the store, so every later read of the process waits for it,
// and the write is read back through that routing store.
func TestRoutingAddressAndBookmarks(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := env.Store.Write(ctx, story()); err != nil {
		t.Fatal(err)
	}
	cfg := env.Config
	cfg.URI = "neo4j://" + strings.TrimPrefix(strings.TrimPrefix(cfg.URI, "bolt://"), "neo4j://")
	st, err := cypher.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.Verify(ctx); err != nil {
		t.Fatalf("routing address %s: %v", cfg.URI, err)
	}
	before, err := st.Bookmarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.SetStatus(ctx, "state:RU", schema.Disputed, model.Actor{Name: "erin", Role: "editor"}, "bookmark test"); err != nil {
		t.Fatal(err)
	}
	after, err := st.Bookmarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) == 0 || strings.Join(after, ",") == strings.Join(before, ",") {
		t.Errorf("bookmarks before the write %v, after %v: the write left none for reads to wait on", before, after)
	}
	e, err := st.Entity(ctx, "state:RU")
	if err != nil || e.Status != schema.Disputed {
		t.Fatalf("read after the write through %s: %v, %v", cfg.URI, e, err)
	}
}
