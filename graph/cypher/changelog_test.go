package cypher_test

import (
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

var admin = model.Actor{Name: "root (sgk_9)", Role: "admin", RequestID: "req-9"}

// TestRecreatedRetractedFact retracts a relationship, then writes the same
// fact (type, ends, overlapping validity) under a new id: an editor is
// refused with FORBIDDEN and nothing is written; a fact that never held at
// the same time is not the same fact; an admin may re-create it.
func TestRecreatedRetractedFact(t *testing.T) {
	ctx := env.Reset(t)
	st := env.Store
	if _, err := st.Write(ctx, story()); err != nil {
		t.Fatal(err)
	}
	uses := "USES|person:kim-jong-un|product:aurus-senat"
	if _, _, err := st.Retract(ctx, uses, alice, "wrong car"); err != nil {
		t.Fatal(err)
	}
	ev := []model.Evidence{{SourceID: "source:tass", Status: schema.Reported, Claim: "rides in it"}}
	again := func(id, from, until string) model.Relationship {
		return model.Relationship{ID: id, Type: schema.Uses, FromID: "person:kim-jong-un", ToID: "product:aurus-senat",
			Provenance: model.Provenance{Status: schema.Reported, ValidFrom: from, ValidUntil: until}}
	}
	before, err := st.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []model.Relationship{again(uses+"|2", "", ""), again(uses+"|3", "2024-02", "2024-12-31"), again(uses+"|4", "2000", "")} {
		_, _, err := st.UpsertRelationship(ctx, r, ev, alice, "it was right after all")
		if model.ErrorCode(err) != model.Forbidden {
			t.Errorf("editor re-creating %s (valid %q–%q): err = %v, want FORBIDDEN", r.ID, r.ValidFrom, r.ValidUntil, err)
		}
	}
	after, err := st.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := before.Diff(after); len(d) > 0 {
		t.Errorf("refused re-creations wrote: %v", d)
	}
	// The retracted fact held from 2024-02-20 (story); one that ended before is another fact.
	if _, _, err := st.UpsertRelationship(ctx, again(uses+"|1990s", "1990", "1999"), ev, alice, "in the nineties"); err != nil {
		t.Errorf("a fact that ended before the retracted one began: %v", err)
	}
	if _, res, err := st.UpsertRelationship(ctx, again(uses+"|2", "", ""), ev, admin, "it was right after all"); err != nil || res.Outcome != model.Created {
		t.Errorf("admin re-creating: %+v %v", res, err)
	}
}

// TestChangeLogChain writes changes, verifies the chain, then edits one
// change, deletes another and moves the head behind the API's back: each
// time VerifyChangeLog names the first broken link.
func TestChangeLogChain(t *testing.T) {
	ctx := env.Reset(t)
	st := env.Store
	if _, err := st.Write(ctx, story()); err != nil {
		t.Fatal(err)
	}
	uses := "USES|person:kim-jong-un|product:aurus-senat"
	for _, s := range []schema.Status{schema.Alleged, schema.Reported, schema.Disputed, schema.Confirmed} {
		if _, _, err := st.SetStatus(ctx, uses, s, alice, "sources disagree"); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := st.Retract(ctx, uses, alice, "wrong car"); err != nil {
		t.Fatal(err)
	}
	check, err := st.VerifyChangeLog(ctx)
	if err != nil || check.Broken != nil || check.Checked != 5 || check.HeadSeq != 5 || len(check.HeadHash) != 64 {
		t.Fatalf("intact chain: %+v %v", check, err)
	}
	tamper := func(cypher string, params map[string]any) {
		t.Helper()
		if err := st.ExecForTest(ctx, cypher, params); err != nil {
			t.Fatal(err)
		}
	}
	expectBroken := func(name string, seq int, missing bool) {
		t.Helper()
		check, err := st.VerifyChangeLog(ctx)
		switch {
		case err != nil:
			t.Fatalf("%s: %v", name, err)
		case check.Broken == nil:
			t.Fatalf("%s: not detected: %+v", name, check)
		case check.Broken.Seq != seq || (check.Broken.ChangeID == "") != missing:
			t.Fatalf("%s: broken link %+v, want change %d", name, check.Broken, seq)
		}
		t.Logf("%s: %+v", name, *check.Broken)
	}
	tamper(`MATCH (c:Change {seq: 4}) SET c.reason = 'nothing to see'`, nil)
	expectBroken("EditedReason", 4, false)
	tamper(`MATCH (c:Change {seq: 4}) SET c.reason = 'sources disagree'`, nil)
	if check, _ := st.VerifyChangeLog(ctx); check.Broken != nil {
		t.Fatalf("restored reason still broken: %+v", check.Broken)
	}
	tamper(`MATCH (c:Change {seq: 2}) SET c.actor = 'mallory (sgk_x)'`, nil)
	expectBroken("EditedActor", 2, false)
	tamper(`MATCH (c:Change {seq: 2}) SET c.actor = $a`, map[string]any{"a": alice.Name})
	tamper(`MATCH (c:Change {seq: 3}) DETACH DELETE c`, nil)
	expectBroken("Deleted", 3, true)
	tamper(`MATCH (c:Change) WHERE c.seq >= 4 DETACH DELETE c`, nil)
	expectBroken("DeletedNewest", 3, true)
}
