package ownership_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/ownership"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// facts builds ownership facts by hand: stakes "owner>owned:share" (share
// "?" for none, optional "@from..until"), and OFAC SDN designations.
type facts struct{ f *model.OwnershipFacts }

func newFacts() *facts {
	return &facts{f: &model.OwnershipFacts{Designations: map[string][]*model.DesignationFact{}, Editions: map[string][]string{}}}
}

func (b *facts) stake(owner, owned, share, from, until string) *facts {
	p := model.Properties{}
	if share != "?" {
		p.Set("share", share)
	}
	b.f.Stakes = append(b.f.Stakes, &model.Stake{OwnerID: owner, OwnedID: owned, Rel: &model.Relationship{
		ID: "OWNS|" + owner + "|" + owned, Type: schema.Owns, FromID: owner, ToID: owned, Properties: p,
		Provenance: model.Provenance{Status: schema.Reported, ValidFrom: from, ValidUntil: until, Dataset: "test"}}})
	return b
}

// sdn designates id on the SDN list from listed ("" for no date).
func (b *facts) sdn(id, listed string) *facts {
	s := &model.Entity{ID: "ofac-sanction:" + id, Kind: schema.Sanction, Name: "SDN " + id, Properties: model.Properties{},
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "ofac-sdn"}}
	s.Properties.Set("authority", "Office of Foreign Assets Control")
	b.f.Designations[id] = append(b.f.Designations[id], &model.DesignationFact{EntityID: id, Sanction: s, ListingDate: listed,
		Designates: &model.Relationship{ID: "DESIGNATES|" + s.ID + "|" + id, Type: schema.Designates, Provenance: model.Provenance{Status: schema.Confirmed}}})
	return b
}

// eu designates id on an EU list from 2022-01-01.
func (b *facts) eu(id string) *facts {
	s := &model.Entity{ID: "eu:" + id, Kind: schema.Sanction, Name: "EU " + id, Properties: model.Properties{},
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "ftm"}}
	s.Properties.Set("authority", "European Union")
	b.f.Designations[id] = append(b.f.Designations[id], &model.DesignationFact{EntityID: id, Sanction: s, ListingDate: "2022-01-01",
		Designates: &model.Relationship{ID: "DESIGNATES|" + s.ID + "|" + id, Type: schema.Designates, Provenance: model.Provenance{Status: schema.Confirmed}}})
	return b
}

func exposure(t *testing.T, authority string, b *facts, entity, at string) *model.OwnershipExposure {
	t.Helper()
	r, ok := ownership.RuleFor(authority)
	if !ok {
		t.Fatalf("no rule %s", authority)
	}
	return ownership.Exposure(r, ownership.Input{Facts: b.f, EntityID: entity, At: at})
}

func want(t *testing.T, e *model.OwnershipExposure, total model.ShareBounds, v model.OwnershipVerdict) {
	t.Helper()
	if e.Total != total || e.Verdict != v {
		t.Errorf("total %v verdict %s, want %v %s\n%s", e.Total, e.Verdict, total, v, strings.Join(e.Explanation, "\n"))
	}
}

func TestRulesParse(t *testing.T) {
	if got := ownership.Authorities(); !slices.Equal(got, []string{"OFAC", "EU", "UK"}) {
		t.Errorf("authorities %v", got)
	}
	for _, bad := range []string{
		"rules: []",
		"rules: [{id: X, name: n, text: t, threshold: 50, comparison: over, aggregation: owners, designations: {datasets: [a]}}]",
		"rules: [{id: X, name: n, text: t, threshold: 150, comparison: at_least, aggregation: owners, designations: {datasets: [a]}}]",
		"rules: [{id: X, name: n, text: t, threshold: 50, comparison: at_least, aggregation: owners, together: joint, designations: {datasets: [a]}}]",
		"rules: [{id: X, name: n, text: t, threshold: 50, comparison: at_least, aggregation: owners, designations: {}}]",
		"rules: [{id: X, name: n, text: t, threshold: 50, comparison: at_least, aggregation: owners, designations: {datasets: [a]}, extra: 1}]",
	} {
		if _, err := ownership.ParseRules([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestExposure(t *testing.T) {
	t.Run("TwoBlockedOwnersAggregate", func(t *testing.T) {
		// A 30 % and B 25 %, both blocked: 55 % together.
		b := newFacts().stake("A", "T", "30", "", "").stake("B", "T", "25", "", "").stake("C", "T", "45", "", "").sdn("A", "2020-01-01").sdn("B", "2020-01-01")
		e := exposure(t, "OFAC", b, "T", "2024-01-01")
		want(t, e, model.ShareBounds{Low: 55, High: 55}, model.Meets)
		if len(e.Owners) != 2 || e.LargestSingle != (model.ShareBounds{Low: 30, High: 30}) {
			t.Errorf("owners %d, largest single %v", len(e.Owners), e.LargestSingle)
		}
		// The EU and the UK add different listed persons' shares only when
		// they act jointly, which the graph does not record: neither passes
		// alone, together they would.
		b.eu("A").eu("B")
		e = exposure(t, "EU", b, "T", "2024-01-01")
		want(t, e, model.ShareBounds{Low: 55, High: 55}, model.Undetermined)
		if !strings.Contains(strings.Join(e.Explanation, " "), "jointly") {
			t.Errorf("explanation does not say the combined share needs a joint arrangement: %q", e.Explanation)
		}
		// One listed person with 51 % meets the EU's test alone.
		b2 := newFacts().stake("A", "T", "51", "", "").eu("A")
		want(t, exposure(t, "EU", b2, "T", "2024-01-01"), model.ShareBounds{Low: 51, High: 51}, model.Meets)
		// Exactly 50 % meets OFAC's (50 % or more), not the EU's (more than 50 %).
		b3 := newFacts().stake("A", "T", "50", "", "").sdn("A", "2020-01-01").eu("A")
		want(t, exposure(t, "OFAC", b3, "T", "2024-01-01"), model.ShareBounds{Low: 50, High: 50}, model.Meets)
		want(t, exposure(t, "EU", b3, "T", "2024-01-01"), model.ShareBounds{Low: 50, High: 50}, model.DoesNotMeet)
	})
	t.Run("IndirectMultiplies", func(t *testing.T) {
		// X (blocked) owns 90 % of H, H owns 60 % of T: 54 % multiplied
		// (look-through). H itself meets the rule (90 %), so under OFAC's
		// rule its whole 60 % counts.
		b := newFacts().stake("X", "H", "90", "", "").stake("H", "T", "60", "", "").sdn("X", "2020-01-01")
		e := exposure(t, "OFAC", b, "T", "2024-01-01")
		want(t, e, model.ShareBounds{Low: 60, High: 60}, model.Meets)
		if e.LookThrough != (model.ShareBounds{Low: 54, High: 54}) {
			t.Errorf("look-through %v, want 54 %%", e.LookThrough)
		}
		if len(e.Chains) != 1 || len(e.Chains[0].Hops) != 1 || e.Chains[0].OwnerID != "H" || e.Owners[0].State != model.ByOwnership {
			t.Fatalf("chains %+v owners %+v", e.Chains, e.Owners)
		}
		// X also owns 10 % of T directly: 64 % across two chains, 70 %
		// under the rule.
		b.stake("X", "T", "10", "", "")
		e = exposure(t, "OFAC", b, "T", "2024-01-01")
		want(t, e, model.ShareBounds{Low: 70, High: 70}, model.Meets)
		if e.LookThrough != (model.ShareBounds{Low: 64, High: 64}) {
			t.Errorf("look-through %v, want 64 %%", e.LookThrough)
		}
	})
	t.Run("CascadeOfOFACGuidance", func(t *testing.T) {
		// OFAC's own example: X (blocked) owns 50 % of A, A owns 50 % of
		// B: A is blocked, and so is B, though 50 % × 50 % is 25 %.
		b := newFacts().stake("X", "A", "50", "", "").stake("A", "B", "50", "", "").sdn("X", "2020-01-01").eu("X")
		e := exposure(t, "OFAC", b, "B", "2024-01-01")
		want(t, e, model.ShareBounds{Low: 50, High: 50}, model.Meets)
		if e.LookThrough != (model.ShareBounds{Low: 25, High: 25}) {
			t.Errorf("look-through %v", e.LookThrough)
		}
		// The EU's test is more than 50 %: A does not meet it, so B's
		// listed owner holds 25 % through it.
		want(t, exposure(t, "EU", b, "B", "2024-01-01"), model.ShareBounds{Low: 25, High: 25}, model.DoesNotMeet)
	})
	t.Run("StopsAtTheFirstDesignatedOwner", func(t *testing.T) {
		// Y (blocked) owns 100 % of X (blocked) which owns 40 % of T: 40 %, not 80 %.
		b := newFacts().stake("Y", "X", "100", "", "").stake("X", "T", "40", "", "").sdn("X", "2020").sdn("Y", "2020")
		want(t, exposure(t, "OFAC", b, "T", "2024-01-01"), model.ShareBounds{Low: 40, High: 40}, model.DoesNotMeet)
	})
	t.Run("CycleTerminates", func(t *testing.T) {
		// T ← 50 % A ← 50 % B ← 50 % A (A and B hold each other); X
		// (blocked) owns the other 50 % of B: one chain X → B → A → T,
		// 50 % × 50 % × 50 % = 12.5 % look-through. Under OFAC's rule B
		// (50 % by X) and then A (50 % by B) are blocked: T 50 %.
		b := newFacts().stake("A", "T", "50", "", "").stake("B", "A", "50", "", "").stake("A", "B", "50", "", "").
			stake("X", "B", "50", "", "").sdn("X", "2020-01-01")
		e := exposure(t, "OFAC", b, "T", "2024-01-01")
		want(t, e, model.ShareBounds{Low: 50, High: 50}, model.Meets)
		if e.LookThrough != (model.ShareBounds{Low: 12.5, High: 12.5}) {
			t.Errorf("look-through %v", e.LookThrough)
		}
		if len(e.Cycles) != 1 || !slices.Equal(e.Cycles[0].EntityIDs, []string{"A", "B"}) {
			t.Errorf("cycles %+v", e.Cycles)
		}
		// The answers do not depend on the order entities are asked in. B
		// is blocked by X's 50 % alone, so A (50 % by B) is blocked, and
		// A's 50 % of B then counts too: 100 %.
		r, _ := ownership.RuleFor("OFAC")
		wantTotal := map[string]float64{"A": 50, "B": 100, "T": 50}
		for _, order := range [][]string{{"A", "T", "B"}, {"T", "A", "B"}, {"B", "A", "T"}} {
			engine := ownership.New(r, ownership.Input{Facts: b.f, At: "2024-01-01"})
			for _, id := range order {
				if x := engine.Exposure(id); x.Verdict != model.Meets || x.Total.Low != wantTotal[id] {
					t.Errorf("order %v: %s %v %s", order, id, x.Total, x.Verdict)
				}
			}
		}
		// A circle with no designated owner: followed once, nothing held.
		b = newFacts().stake("A", "T", "60", "", "").stake("T", "A", "30", "", "").stake("B", "A", "40", "", "")
		e = exposure(t, "OFAC", b, "T", "2024-01-01")
		want(t, e, model.ShareBounds{}, model.DoesNotMeet)
		if len(e.Cycles) != 1 {
			t.Errorf("cycles %+v", e.Cycles)
		}
	})
	t.Run("UnknownShareGivesBounds", func(t *testing.T) {
		// X (blocked) owns an unrecorded share of T, whose other recorded
		// owner holds 30 %: 0 % to 70 %, and the link is named.
		b := newFacts().stake("X", "T", "?", "", "").stake("C", "T", "30", "", "").sdn("X", "2020-01-01")
		e := exposure(t, "OFAC", b, "T", "2024-01-01")
		want(t, e, model.ShareBounds{Low: 0, High: 70}, model.Undetermined)
		if len(e.UnknownLinks) != 1 || e.UnknownLinks[0].ID != "OWNS|X|T" {
			t.Errorf("unknown links %+v", e.UnknownLinks)
		}
		// With a known blocked 50 % beside it, the lower bound settles it.
		b.stake("Y", "T", "50", "", "").sdn("Y", "2020-01-01")
		want(t, exposure(t, "OFAC", b, "T", "2024-01-01"), model.ShareBounds{Low: 50, High: 70}, model.Meets)
		// Below the threshold whatever the unknown share is: 10 % known
		// others leave at most 90 %? No: 60 % others leave 40 %.
		b = newFacts().stake("X", "T", "?", "", "").stake("C", "T", "60", "", "").sdn("X", "2020-01-01")
		want(t, exposure(t, "OFAC", b, "T", "2024-01-01"), model.ShareBounds{Low: 0, High: 40}, model.DoesNotMeet)
	})
	t.Run("DateCut", func(t *testing.T) {
		// A owns 60 % of T until 2023-06-30; B owns 60 % from 2023-07-01;
		// A is listed from 2022-03-15.
		b := newFacts().stake("A", "T", "60", "", "2023-06-30").stake("B", "T", "60", "2023-07-01", "").sdn("A", "2022-03-15")
		want(t, exposure(t, "OFAC", b, "T", "2022-03-14"), model.ShareBounds{}, model.DoesNotMeet) // before A's listing
		want(t, exposure(t, "OFAC", b, "T", "2022-03-15"), model.ShareBounds{Low: 60, High: 60}, model.Meets)
		want(t, exposure(t, "OFAC", b, "T", "2023-06-30"), model.ShareBounds{Low: 60, High: 60}, model.Meets)
		want(t, exposure(t, "OFAC", b, "T", "2023-07-01"), model.ShareBounds{}, model.DoesNotMeet) // A sold
	})
	t.Run("DesignationDateUnknown", func(t *testing.T) {
		// X owns 60 %; its SDN listing carries no date and the only edition
		// loaded is of 2024-05-03: held from then, unknown before.
		b := newFacts().stake("X", "T", "60", "", "")
		b.f.Designations["X"] = []*model.DesignationFact{{EntityID: "X",
			Sanction: &model.Entity{ID: "ofac-sanction:1", Name: "SDN 1", Properties: model.Properties{},
				// The loader sets validFrom from the first edition holding it.
				Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "ofac-sdn", ValidFrom: "2024-05-03"}},
			Designates: &model.Relationship{ID: "d", Provenance: model.Provenance{Status: schema.Confirmed}},
			PeriodFrom: []string{"2024-05-03"}, PeriodUntil: []string{"9999-12-31"}}}
		b.f.Editions["ofac-sdn"] = []string{"2024-05-03"}
		e := exposure(t, "OFAC", b, "T", "2024-03-01")
		want(t, e, model.ShareBounds{Low: 0, High: 60}, model.Undetermined)
		if len(e.Owners) != 1 || e.Owners[0].State != model.Unknown ||
			e.Owners[0].Designations[0].Explanation != "first seen in the edition of 2024-05-03; the list gives no listing date" {
			t.Errorf("owners %+v", e.Owners[0].Designations[0])
		}
		want(t, exposure(t, "OFAC", b, "T", "2024-05-03"), model.ShareBounds{Low: 60, High: 60}, model.Meets)
	})
	t.Run("DepthCap", func(t *testing.T) {
		// Seven 100 % stakes up to a blocked X, read as the store reads
		// them: six levels of owners, and "6" at the cap with owners not
		// read. Only the upper bound can reach X.
		b := newFacts()
		ids := []string{"T", "1", "2", "3", "4", "5", "6"}
		for i := 0; i+1 < len(ids); i++ {
			b.stake(ids[i+1], ids[i], "100", "", "")
		}
		b.f.Frontier = []string{"6"}
		e := exposure(t, "OFAC", b, "T", "2024-01-01")
		want(t, e, model.ShareBounds{Low: 0, High: 100}, model.Undetermined)
		if !slices.Equal(e.DepthCutIDs, []string{"6"}) {
			t.Errorf("depth cut at %v", e.DepthCutIDs)
		}
	})
}
