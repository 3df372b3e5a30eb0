package cypher_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/bookmark"
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

// TestBookmarksAcrossReplicas is two API replicas, each with its own driver:
// a curator's write through the first, then a read through the second that
// carries the first one's bookmarks (graph/bookmark) and sees the write. A
// bookmark the database never issued is refused as the client's mistake,
// which shows the bookmarks reach Neo4j (a single instance is never behind,
// so the wait itself cannot be shown here).
func TestBookmarksAcrossReplicas(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := env.Store.Write(ctx, story()); err != nil {
		t.Fatal(err)
	}
	open := func() *cypher.Store {
		st, err := cypher.Open(env.Config)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close(ctx) })
		return st
	}
	a, b := open(), open()
	if !strings.HasPrefix(env.Config.URI, "neo4j://") && env.Local != nil {
		t.Errorf("the tests' local Neo4j is reached through %s, want its routing address neo4j://", env.Config.URI)
	}
	if _, _, err := a.SetStatus(ctx, "state:RU", schema.Alleged, model.Actor{Name: "erin", Role: "editor"}, "replica test"); err != nil {
		t.Fatal(err)
	}
	bms, err := a.Bookmarks(ctx)
	if err != nil || len(bms) == 0 {
		t.Fatalf("replica A's bookmarks after its write: %v, %v", bms, err)
	}
	if own, _ := b.Bookmarks(ctx); len(own) != 0 {
		t.Fatalf("replica B holds bookmarks %v before any write of its own", own)
	}
	e, err := b.Entity(bookmark.With(ctx, bms), "state:RU")
	if err != nil || e.Status != schema.Alleged {
		t.Fatalf("replica B reading with A's bookmarks: %+v, %v", e, err)
	}
	_, err = b.Entity(bookmark.With(ctx, []string{"FB:notabookmark"}), "state:RU")
	var me *model.Error
	if !errors.As(err, &me) || me.Code != model.BadUserInput || !strings.Contains(me.Message, bookmark.Header) {
		t.Fatalf("a forged bookmark: %v, want BAD_USER_INPUT naming the header", err)
	}
	if strings.Contains(me.Message, "Neo.") {
		t.Errorf("the message shows the driver's: %q", me.Message)
	}
}
