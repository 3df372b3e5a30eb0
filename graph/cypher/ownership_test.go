package cypher_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/ownership"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// ownershipStructures are made-up ownership structures whose answers are
// computed by hand in TestOwnershipExposure. Designations are OFAC's
// (authority "Office of Foreign Assets Control") unless named EU.
func ownershipStructures() model.Batch {
	var b model.Batch
	org := func(ids ...string) {
		for _, id := range ids {
			b.Entities = append(b.Entities, model.Entity{ID: id, Kind: schema.Organization, Name: "Company " + id, Properties: model.Properties{},
				Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test", RecordID: id}})
		}
	}
	owns := func(owner, owned, share, from, until string) {
		p := model.Properties{}
		p.Set("share", share)
		id := "OWNS|" + owner + "|" + owned
		b.Relationships = append(b.Relationships, model.Relationship{ID: id, Type: schema.Owns, FromID: owner, ToID: owned, Properties: p,
			Provenance: model.Provenance{Status: schema.Reported, Dataset: "test", ValidFrom: from, ValidUntil: until}})
		b.Evidence = append(b.Evidence, model.Evidence{ID: "ev:" + id, FactID: id, SourceID: "source:registry", Status: schema.Reported,
			Basis: "research", Claim: owner + " holds " + share + " % of " + owned})
	}
	designate := func(authority, id, listed string) {
		sid := "sanction:" + strings.ToLower(authority[:2]) + ":" + id
		p := model.Properties{}
		p.Set("authority", authority)
		p.Set("listingDate", listed)
		b.Entities = append(b.Entities, model.Entity{ID: sid, Kind: schema.Sanction, Name: authority + " listing of " + id, Properties: p,
			Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test", RecordID: sid}})
		b.Relationships = append(b.Relationships, model.Relationship{ID: "DESIGNATES|" + sid + "|" + id, Type: schema.Designates, FromID: sid, ToID: id,
			Properties: model.Properties{}, Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}})
	}
	const ofac, eu = "Office of Foreign Assets Control", "European Union"
	b.Entities = append(b.Entities, model.Entity{ID: "source:registry", Kind: schema.Source, Name: "A made-up registry",
		Properties: model.Properties{"publisher": {"Registry"}, "url": {"https://registry.example/"}, "publishedOn": {"2024-01-01"}},
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}})
	// 1. Two blocked owners, 30 % + 25 %.
	org("t1", "a1", "b1", "c1")
	owns("a1", "t1", "30", "", "")
	owns("b1", "t1", "25", "", "")
	owns("c1", "t1", "45", "", "")
	designate(ofac, "a1", "2020-01-01")
	designate(ofac, "b1", "2020-01-01")
	designate(eu, "a1", "2020-01-01")
	designate(eu, "b1", "2020-01-01")
	// 2. Indirect: x2 (blocked) 90 % of h2, h2 60 % of t2.
	org("t2", "h2", "x2")
	owns("x2", "h2", "90", "", "")
	owns("h2", "t2", "60", "", "")
	designate(ofac, "x2", "2020-01-01")
	// 3. A cycle: a3 and b3 hold 50 % of each other, a3 50 % of t3, x3
	// (blocked) the other 50 % of b3.
	org("t3", "a3", "b3", "x3")
	owns("a3", "t3", "50", "", "")
	owns("b3", "a3", "50", "", "")
	owns("a3", "b3", "50", "", "")
	owns("x3", "b3", "50", "", "")
	designate(ofac, "x3", "2020-01-01")
	// 4. An unknown share: x4 (blocked) holds an unrecorded share of t4,
	// c4 holds 30 %.
	org("t4", "x4", "c4")
	owns("x4", "t4", "", "", "")
	owns("c4", "t4", "30", "", "")
	designate(ofac, "x4", "2020-01-01")
	// 5. A date cut: a5 held 60 % of t5 until 2023-06-30 and was listed on
	// 2022-03-15.
	org("t5", "a5")
	owns("a5", "t5", "60", "", "2023-06-30")
	designate(ofac, "a5", "2022-03-15")
	return b
}

func TestOwnershipExposure(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := env.Store.Write(ctx, ownershipStructures()); err != nil {
		t.Fatal(err)
	}
	expose := func(t *testing.T, authority, id, at string) *model.OwnershipExposure {
		t.Helper()
		rule, _ := ownership.RuleFor(authority)
		f, err := env.Store.OwnershipFacts(ctx, model.OwnershipQuery{EntityIDs: []string{id}, At: at, Authority: authority})
		if err != nil {
			t.Fatal(err)
		}
		return ownership.Exposure(rule, ownership.Input{Facts: f, EntityID: id, At: at})
	}
	check := func(t *testing.T, x *model.OwnershipExposure, low, high float64, v model.OwnershipVerdict) {
		t.Helper()
		if x.Total.Low != low || x.Total.High != high || x.Verdict != v {
			t.Errorf("%s: total %v to %v, %s; want %v to %v, %s\n%s", x.EntityID, x.Total.Low, x.Total.High, x.Verdict, low, high, v, strings.Join(x.Explanation, "\n"))
		}
	}
	const day = "2024-06-01"

	t.Run("TwoBlockedOwnersAggregate", func(t *testing.T) {
		x := expose(t, "OFAC", "t1", day)
		check(t, x, 55, 55, model.Meets)
		if len(x.Owners) != 2 || len(x.Chains) != 2 {
			t.Errorf("owners %d, chains %d, want 2 and 2", len(x.Owners), len(x.Chains))
		}
		// EU: neither passes more than 50 % alone; together they would,
		// which counts only under a joint arrangement the graph does not
		// record.
		x = expose(t, "EU", "t1", day)
		check(t, x, 55, 55, model.Undetermined)
		if x.LargestSingle.Low != 30 {
			t.Errorf("largest single %v, want 30", x.LargestSingle)
		}
		if x.Rule.Comparison != ownership.MoreThan || x.Rule.Aggregation != ownership.SingleOwner {
			t.Errorf("EU rule %+v", x.Rule)
		}
	})
	t.Run("IndirectMultiplies", func(t *testing.T) {
		// 60 % × 90 % = 54 % look-through; h2 meets the rule itself (90 %
		// by x2), so under it h2's whole 60 % counts.
		x := expose(t, "OFAC", "t2", day)
		check(t, x, 60, 60, model.Meets)
		if x.LookThrough != (model.ShareBounds{Low: 54, High: 54}) {
			t.Errorf("look-through %v, want 54 %%", x.LookThrough)
		}
		if len(x.Chains) != 1 || x.Chains[0].OwnerID != "h2" || x.Owners[0].State != model.ByOwnership {
			t.Fatalf("chains %+v", x.Chains)
		}
		h := expose(t, "OFAC", "h2", day)
		check(t, h, 90, 90, model.Meets)
		rels := []string{h.Chains[0].Hops[0].Relationship.ID, x.Chains[0].Hops[0].Relationship.ID}
		if !slices.Equal(rels, []string{"OWNS|x2|h2", "OWNS|h2|t2"}) {
			t.Errorf("hops %v", rels)
		}
		if s := x.Chains[0].Sentence; s != "Company h2 (meets the rule through its owners) — owns 60 % → Company t2: 60 %" {
			t.Errorf("sentence %q", s)
		}
		// Every hop's evidence is the relationship's.
		ev, err := env.Store.EvidenceByFact(ctx, rels)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range rels {
			if len(ev[id]) != 1 {
				t.Errorf("evidence of %s: %v", id, ev[id])
			}
		}
	})
	t.Run("CycleTerminates", func(t *testing.T) {
		// 50 % × 50 % × 50 % = 12.5 % look-through; under the rule b3
		// (50 % by x3) and then a3 (50 % by b3) are blocked: 50 %.
		x := expose(t, "OFAC", "t3", day)
		check(t, x, 50, 50, model.Meets)
		if x.LookThrough != (model.ShareBounds{Low: 12.5, High: 12.5}) {
			t.Errorf("look-through %v", x.LookThrough)
		}
		if len(x.Cycles) != 1 || !slices.Equal(x.Cycles[0].EntityIDs, []string{"a3", "b3"}) {
			t.Errorf("cycles %+v", x.Cycles)
		}
	})
	t.Run("UnknownShareGivesBounds", func(t *testing.T) {
		x := expose(t, "OFAC", "t4", day)
		check(t, x, 0, 70, model.Undetermined)
		if len(x.UnknownLinks) != 1 || x.UnknownLinks[0].ID != "OWNS|x4|t4" {
			t.Errorf("unknown links %+v", x.UnknownLinks)
		}
	})
	t.Run("DateCut", func(t *testing.T) {
		check(t, expose(t, "OFAC", "t5", "2022-03-14"), 0, 0, model.DoesNotMeet) // before the listing
		check(t, expose(t, "OFAC", "t5", "2022-03-15"), 60, 60, model.Meets)
		check(t, expose(t, "OFAC", "t5", "2023-06-30"), 60, 60, model.Meets)
		check(t, expose(t, "OFAC", "t5", "2023-07-01"), 0, 0, model.DoesNotMeet) // the stake ended
	})
	t.Run("Captured", func(t *testing.T) {
		rule, _ := ownership.RuleFor("OFAC")
		ids, truncated, err := env.Store.OwnedByDesignated(ctx, rule, "", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		// Owned by designated owners, within six stakes: t1, h2 and t2,
		// b3, a3 and t3 (through the cycle), t4, t5.
		want := []string{"a3", "b3", "h2", "t1", "t2", "t3", "t4", "t5"}
		if truncated || !slices.Equal(ids, want) {
			t.Errorf("candidates %v (truncated %v), want %v", ids, truncated, want)
		}
		f, err := env.Store.OwnershipFacts(ctx, model.OwnershipQuery{EntityIDs: ids, At: day})
		if err != nil {
			t.Fatal(err)
		}
		var meets []string
		engine := ownership.New(rule, ownership.Input{Facts: f, At: day})
		for _, id := range ids {
			if x := engine.Exposure(id); x.Verdict == model.Meets && x.Listed != model.Held {
				meets = append(meets, id)
			}
		}
		// a3 50 % (b3), b3 50 % (x3), h2 90 % (x2), t1 55 %, t2 60 % (h2),
		// t3 50 % (a3); t4 (0 to 70 %) does not, nor t5 on this day.
		if !slices.Equal(meets, []string{"a3", "b3", "h2", "t1", "t2", "t3"}) {
			t.Errorf("meet the OFAC rule: %v", meets)
		}
	})
}
