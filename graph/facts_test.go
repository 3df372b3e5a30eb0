package graph

import (
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// TestFirstReported: who said it first, at the precision they said it, and
// the last confirmation; a disputing source never counts as a report, and a
// source's publication date stands in for an undated statement.
func TestFirstReported(t *testing.T) {
	ev := func(id string, st schema.Status, stated, published string) *model.Evidence {
		return &model.Evidence{ID: id, Status: st, StatedOn: stated, SourcePublishedOn: published}
	}
	evs := []*model.Evidence{
		ev("confirmed-late", schema.Confirmed, "2024-03-01", ""),
		ev("undated", schema.Reported, "", ""),
		ev("disputed-early", schema.Disputed, "2023", ""),
		ev("month", schema.Reported, "2024-02", ""),
		ev("published", schema.Confirmed, "", "2024-02-20"),
		ev("day-in-month", schema.Alleged, "2024-02-01", ""),
	}
	// 2024-02-01 and 2024-02 start together; the day is surely the first,
	// the month may be later. The disputing 2023 source is no report.
	if got := firstReported(evs); got == nil || *got != "2024-02-01" {
		t.Errorf("firstReported = %v, want 2024-02-01", deref(got))
	}
	if got := lastConfirmed(evs); got == nil || *got != "2024-03-01" {
		t.Errorf("lastConfirmed = %v, want 2024-03-01", deref(got))
	}
	order := model.EvidenceByStatedAsc
	var ids []string
	for _, e := range orderEvidence(append([]*model.Evidence(nil), evs...), &order) {
		ids = append(ids, e.ID)
	}
	want := []string{"disputed-early", "day-in-month", "month", "published", "confirmed-late", "undated"}
	if len(ids) != len(want) {
		t.Fatalf("order = %v", ids)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("order = %v, want %v", ids, want)
		}
	}
	if firstReported([]*model.Evidence{ev("x", schema.Reported, "", "")}) != nil || lastConfirmed(nil) != nil {
		t.Error("undated evidence gives a date")
	}
	strength := model.EvidenceByStrength
	if got := orderEvidence(append([]*model.Evidence(nil), evs...), &strength); got[0].ID != "confirmed-late" || got[1].ID != "undated" {
		t.Error("STRENGTH reorders the store's order")
	}
}
