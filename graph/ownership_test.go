package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/fake"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/ownership"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// ownershipStore serves a made-up structure: org:x (on the SDN list from
// 2020) owns 90 % of org:h, which owns 60 % of org:aurus.
func ownershipStore(got *model.OwnershipQuery) *fake.Store {
	st := pathStore(new(model.PathQuery))
	ents := map[string]*model.Entity{
		"org:aurus": {ID: "org:aurus", Kind: schema.Organization, Name: "Aurus", Properties: model.Properties{}},
		"org:h":     {ID: "org:h", Kind: schema.Organization, Name: "Holding", Properties: model.Properties{}},
		"org:x":     {ID: "org:x", Kind: schema.Organization, Name: "Blocked", Properties: model.Properties{}},
	}
	stake := func(owner, owned, share string) *model.Stake {
		return &model.Stake{OwnerID: owner, OwnedID: owned, Rel: &model.Relationship{ID: "OWNS|" + owner + "|" + owned, Type: schema.Owns,
			FromID: owner, ToID: owned, Properties: model.Properties{"share": {share}}, Provenance: model.Provenance{Status: schema.Reported, Dataset: "test"}}}
	}
	sanction := &model.Entity{ID: "ofac-sanction:1", Kind: schema.Sanction, Name: "SDN 1", Properties: model.Properties{"authority": {"Office of Foreign Assets Control"}},
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "ofac-sdn"}}
	facts := &model.OwnershipFacts{
		Stakes: []*model.Stake{stake("org:x", "org:h", "90"), stake("org:h", "org:aurus", "60")},
		Designations: map[string][]*model.DesignationFact{"org:x": {{EntityID: "org:x", Sanction: sanction, ListingDate: "2020-01-01",
			Designates: &model.Relationship{ID: "DESIGNATES|ofac-sanction:1|org:x", Type: schema.Designates, FromID: sanction.ID, ToID: "org:x",
				Properties: model.Properties{}, Provenance: model.Provenance{Status: schema.Confirmed}}}}},
		Editions: map[string][]string{},
		Names:    map[string]string{"org:aurus": "Aurus", "org:h": "Holding", "org:x": "Blocked"},
	}
	st.OwnershipFactsFn = func(ctx context.Context, q model.OwnershipQuery) (*model.OwnershipFacts, error) {
		*got = q
		return facts, nil
	}
	st.OwnedByDesignatedFn = func(ctx context.Context, rule ownership.Rule, minStatus schema.Status, depth, limit int) ([]string, bool, error) {
		return []string{"org:aurus", "org:h"}, false, nil
	}
	st.ResolvedByIDFn = func(ctx context.Context, ids []string) (map[string]*model.Entity, error) {
		out := map[string]*model.Entity{}
		for _, id := range ids {
			if e := ents[id]; e != nil {
				out[id] = e
			}
		}
		return out, nil
	}
	return st
}

func TestOwnershipArguments(t *testing.T) {
	tests := []struct{ name, query, code, arg string }{
		{"ErrAuthority", `{ ownershipExposure(entity: "org:aurus", authority: "ATLANTIS") { verdict } }`, model.BadUserInput, "authority"},
		{"ErrDate", `{ ownershipExposure(entity: "org:aurus", at: "2024-13-01") { verdict } }`, model.BadUserInput, "at"},
		{"ErrEntityAmbiguous", `{ ownershipExposure(entity: "Kim") { verdict } }`, model.BadUserInput, "entity"},
		{"ErrEntityUnknown", `{ ownershipExposure(entity: "Atlantis") { verdict } }`, model.NotFound, "entity"},
		{"ErrCapturedAuthority", `{ capturedByOwnership(authority: "") { totalCount } }`, model.BadUserInput, "authority"},
		{"ErrCapturedFirst", `{ capturedByOwnership(first: 0) { totalCount } }`, model.BadUserInput, "first"},
		{"ErrCapturedCursor", `{ capturedByOwnership(after: "nope") { totalCount } }`, model.BadUserInput, "after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got model.OwnershipQuery
			resp, _ := query(t, ownershipStore(&got), tt.query, nil)
			if resp.code(0) != tt.code || !strings.Contains(resp.Errors[0].Message, tt.arg) {
				t.Fatalf("errors = %+v, want %s naming %s", resp.Errors, tt.code, tt.arg)
			}
			if got.At != "" {
				t.Errorf("the store was asked %+v", got)
			}
		})
	}
}

func TestOwnershipAnswer(t *testing.T) {
	t.Run("Exposure", func(t *testing.T) {
		var got model.OwnershipQuery
		resp, _ := query(t, ownershipStore(&got), `{ ownershipExposure(entity: "org:aurus", at: "2024-06-01", authority: "ofac", minStatus: REPORTED) {
			entity { id } at verdict totalLow totalHigh largestSingleLow largestSingleHigh lookThroughLow lookThroughHigh rule { authority threshold comparison aggregation together }
			owners { entity { name } shareLow shareHigh state designations { id } }
			chains { owner { id } shareLow shareHigh inLowerBound inUpperBound sentence hops { owner { id } owned { id } share maxShare relationship { id } } }
			unknownLinks { id } cycles { id } depthCut { id } listed listings { id } explanation caveat } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		if got.At != "2024-06-01" || got.MinStatus != schema.Reported || len(got.EntityIDs) != 1 || got.EntityIDs[0] != "org:aurus" {
			t.Errorf("store asked %+v", got)
		}
		var data struct {
			X struct {
				At                                  string
				Verdict                             string
				TotalLow, TotalHigh, LookThroughLow float64
				Rule                                struct {
					Authority string
					Together  *string
				}
				Chains []struct {
					Sentence string
					Hops     []struct {
						Share    *float64
						MaxShare float64
					}
				}
				Owners []struct {
					State        string
					Designations []struct{ ID string }
				}
				Explanation    []string
				Listed, Caveat string
			} `json:"ownershipExposure"`
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		x := data.X
		// Holding meets the rule itself (90 % by Blocked), so its whole 60 %
		// counts; multiplied all the way up, Blocked holds 54 %.
		if x.Verdict != "MEETS" || x.TotalLow != 60 || x.TotalHigh != 60 || x.LookThroughLow != 54 || x.Rule.Authority != "OFAC" || x.Rule.Together != nil {
			t.Errorf("answer %s", resp.Data)
		}
		if len(x.Chains) != 1 || x.Chains[0].Sentence != "Holding (meets the rule through its owners) — owns 60 % → Aurus: 60 %" || len(x.Chains[0].Hops) != 1 || *x.Chains[0].Hops[0].Share != 60 {
			t.Errorf("chains %s", resp.Data)
		}
		if len(x.Owners) != 1 || x.Owners[0].State != "BY_OWNERSHIP" || len(x.Owners[0].Designations) != 0 || x.Listed != "NOT_HELD" || x.Caveat == "" {
			t.Errorf("owners %s", resp.Data)
		}
		want := []string{
			"On 2024-06-01, persons designated by OFAC (or meeting its rule through their own owners) hold 60 % of Aurus on the recorded data, all designated owners together; the largest single designated owner holds 60 %.",
			"Multiplied along every chain up to designated persons (look-through), they hold 54 %; the OFAC 50 Percent Rule counts an owner that itself meets it as designated, so that owner's whole stake counts.",
			"Aurus meets the threshold of the OFAC 50 Percent Rule (50 % or more, all designated owners together) on the recorded data.",
			"Holding holds 60 %; it is not designated by OFAC on 2024-06-01 but meets the rule itself on the recorded data (90 % held through its owners), so its stake counts in full.",
		}
		if strings.Join(x.Explanation, "\n") != strings.Join(want, "\n") {
			t.Errorf("explanation:\n%s", strings.Join(x.Explanation, "\n"))
		}
	})
	t.Run("Captured", func(t *testing.T) {
		var got model.OwnershipQuery
		resp, _ := query(t, ownershipStore(&got), `{ capturedByOwnership(at: "2024-06-01", first: 1) {
			totalCount undeterminedCount assessed truncated rule { authority } pageInfo { hasNextPage endCursor }
			nodes { entity { id } totalLow verdict } } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		// org:h 90 % first, then org:aurus 60 %; one per page.
		want := `{"capturedByOwnership":{"totalCount":2,"undeterminedCount":0,"assessed":2,"truncated":false,"rule":{"authority":"OFAC"},` +
			`"pageInfo":{"hasNextPage":true,"endCursor":"` + cursorOf(t, resp.Data) + `"},"nodes":[{"entity":{"id":"org:h"},"totalLow":90,"verdict":"MEETS"}]}}`
		if string(resp.Data) != want {
			t.Errorf("data = %s\nwant %s", resp.Data, want)
		}
		resp, _ = query(t, ownershipStore(&got), `{ capturedByOwnership(at: "2024-06-01", kind: PERSON) { totalCount nodes { entity { id } } } }`, nil)
		if string(resp.Data) != `{"capturedByOwnership":{"totalCount":0,"nodes":[]}}` {
			t.Errorf("kind filter: %s %v", resp.Data, resp.Errors)
		}
	})
	t.Run("Rules", func(t *testing.T) {
		resp, _ := query(t, ownershipStore(new(model.OwnershipQuery)), `{ ownershipRules { authority threshold comparison aggregation together cascade } }`, nil)
		want := `{"ownershipRules":[{"authority":"OFAC","threshold":50,"comparison":"at_least","aggregation":"owners","together":null,"cascade":true},` +
			`{"authority":"EU","threshold":50,"comparison":"more_than","aggregation":"single","together":"joint","cascade":true},` +
			`{"authority":"UK","threshold":50,"comparison":"more_than","aggregation":"single","together":"joint","cascade":true}]}`
		if string(resp.Data) != want {
			t.Errorf("data = %s", resp.Data)
		}
	})
}

// cursorOf reads the end cursor of a capturedByOwnership page.
func cursorOf(t *testing.T, data json.RawMessage) string {
	t.Helper()
	var d struct {
		C struct{ PageInfo struct{ EndCursor string } } `json:"capturedByOwnership"`
	}
	_ = json.Unmarshal(data, &d)
	return d.C.PageInfo.EndCursor
}

// TestPathsShowOwnershipShares checks that an ownership hop of a path says
// its share.
func TestPathsShowOwnershipShares(t *testing.T) {
	st := pathStore(new(model.PathQuery))
	nami := &model.Entity{ID: "org:nami", Kind: schema.Organization, Name: "NAMI", Properties: model.Properties{}}
	aurus := &model.Entity{ID: "org:aurus", Kind: schema.Organization, Name: "Aurus", Properties: model.Properties{}}
	owns := &model.Relationship{ID: "OWNS|org:nami|org:aurus", Type: schema.Owns, FromID: nami.ID, ToID: aurus.ID,
		Properties: model.Properties{"share": {"63.5"}}, Provenance: model.Provenance{Status: schema.Confirmed}}
	st.PathsFn = func(ctx context.Context, q model.PathQuery) (model.PathSearch, error) {
		return model.PathSearch{Paths: []model.Path{{Nodes: []*model.Entity{nami, aurus}, Rels: []*model.Relationship{owns}, Forward: []bool{true},
			FromRecords: []string{nami.ID}, ToRecords: []string{aurus.ID}}}}, nil
	}
	st.ResolveEntityFn = func(ctx context.Context, ref string, view model.View) (*model.Entity, error) {
		if ref == "org:nami" {
			return nami, nil
		}
		return aurus, nil
	}
	st.EvidenceByFactFn = func(ctx context.Context, ids []string) (map[string][]model.Evidence, error) {
		return map[string][]model.Evidence{}, nil
	}
	resp, _ := query(t, st, `{ paths(from: "org:nami", to: "org:aurus") { paths { hops { sentence } } } }`, nil)
	if want := `{"paths":{"paths":[{"hops":[{"sentence":"NAMI — owns 63.5 % → Aurus, no source recorded"}]}]}}`; string(resp.Data) != want {
		t.Errorf("data = %s %v\nwant %s", resp.Data, resp.Errors, want)
	}
}
