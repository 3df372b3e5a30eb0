package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/breach"
	"github.com/sanctiongraph/sanctiongraph/graph/fake"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// violationFacts is a small graph: n gifts of a car to Kim, who leads the
// DPRK, which a ban on motor vehicles targets; Russia sent them and voted
// for the resolution.
func violationFacts(n int) *model.ViolationFacts {
	pv := model.Provenance{Status: schema.Confirmed, Dataset: "test"}
	ent := func(id string, k schema.Kind, p model.Properties) *model.Entity {
		return &model.Entity{ID: id, Kind: k, Name: "Name of " + id, Properties: p, Provenance: pv}
	}
	rel := func(t schema.RelType, from, to string, p model.Properties) *model.Relationship {
		return &model.Relationship{ID: string(t) + "|" + from + "|" + to, Type: t, FromID: from, ToID: to, Properties: p, Provenance: pv}
	}
	kp, ru, k := ent("state:KP", schema.State, nil), ent("state:RU", schema.State, nil), kim()
	res := ent("resolution:2397", schema.Resolution, model.Properties{"number": {"2397"}, "adoptedOn": {"2017-12-22"}})
	m := ent("measure:2397", schema.Measure, model.Properties{"hsCodes": {"86-89"}, "goodsCategories": {"motor_vehicle"}, "paragraph": {"OP 7"}})
	car := ent("product:car", schema.Product, model.Properties{"hsCode": {"8703"}, "category": {"luxury_vehicle"}})
	f := &model.ViolationFacts{
		Measures: []model.MeasureFacts{{Measure: m,
			ImposedBy: []model.Link{{Rel: rel(schema.Imposes, res.ID, m.ID, nil), Other: res}},
			Targets:   []model.Link{{Rel: rel(schema.Targets, m.ID, kp.ID, nil), Other: kp}}}},
		Parties: map[string]*model.PartyFacts{
			k.ID:  {Entity: k, Ties: []model.Link{{Rel: rel(schema.Leads, k.ID, kp.ID, nil), Other: kp}}},
			ru.ID: {Entity: ru},
		},
		Votes: map[string][]*model.Relationship{ru.ID: {rel(schema.VotedOn, ru.ID, res.ID, model.Properties{"vote": {"for"}})}},
	}
	for i := range n {
		t := ent(fmt.Sprintf("transfer:%d", i), schema.Transfer, model.Properties{"transferKind": {"gift"}, "date": {fmt.Sprintf("2024-02-%02d", i+1)}})
		f.Transfers = append(f.Transfers, model.TransferFacts{Transfer: t,
			Goods:      []model.Link{{Rel: rel(schema.Includes, t.ID, car.ID, nil), Other: car}},
			Senders:    []model.Link{{Rel: rel(schema.Sent, ru.ID, t.ID, nil), Other: ru}},
			Recipients: []model.Link{{Rel: rel(schema.Received, k.ID, t.ID, nil), Other: k}},
		})
	}
	return f
}

func violationStore(got *model.ViolationQuery, n int) *fake.Store {
	st := pathStore(new(model.PathQuery))
	st.ViolationFactsFn = func(ctx context.Context, q model.ViolationQuery) (*model.ViolationFacts, error) {
		*got = q
		return violationFacts(n), nil
	}
	return st
}

func TestPotentialViolationsArguments(t *testing.T) {
	tests := []struct {
		name, filter, page, arg string
	}{
		{"ErrBadFrom", `{from: "2024-13-01"}`, "", "filter.from"},
		{"ErrMonth13To", `{to: "2024-13"}`, "", "filter.to"},
		{"ErrListFrom", `{from: ["2024-01-01"]}`, "", "filter.from"},
		{"ErrReversed", `{from: "2024-02-01", to: "2024-01-01"}`, "", "filter.to"},
		{"ErrResolution", `{resolution: 0}`, "", "filter.resolution"},
		{"ErrFirstTooLarge", `{}`, "first: 101", "first"},
		{"ErrFirstZero", `{}`, "first: 0", "first"},
		{"ErrBadCursor", `{}`, `after: "nope"`, "after"},
		{"ErrAmbiguousSupplier", `{supplier: "Kim"}`, "", "filter.supplier"},
		{"ErrEmptyRecipient", `{recipient: " "}`, "", "filter.recipient"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got model.ViolationQuery
			q := `{ potentialViolations(filter: ` + tt.filter
			if tt.page != "" {
				q += ", " + tt.page
			}
			q += `) { totalCount } }`
			resp, _ := query(t, violationStore(&got, 1), q, nil)
			if resp.code(0) != model.BadUserInput || !strings.Contains(resp.Errors[0].Message, "argument "+tt.arg+":") {
				t.Fatalf("errors = %+v, want BAD_USER_INPUT naming %s", resp.Errors, tt.arg)
			}
		})
	}
	t.Run("AmbiguousSupplierListsCandidates", func(t *testing.T) {
		var got model.ViolationQuery
		resp, _ := query(t, violationStore(&got, 1), `{ potentialViolations(filter: {supplier: "Kim"}) { totalCount } }`, nil)
		if c, _ := resp.Errors[0].Extensions["candidates"].([]any); len(c) != 2 {
			t.Fatalf("extensions = %+v", resp.Errors[0].Extensions)
		}
	})
	t.Run("ErrUnknownRecipient", func(t *testing.T) {
		var got model.ViolationQuery
		resp, _ := query(t, violationStore(&got, 1), `{ potentialViolations(filter: {recipient: "Atlantis"}) { totalCount } }`, nil)
		if resp.code(0) != model.NotFound || !strings.Contains(resp.Errors[0].Message, "filter.recipient") {
			t.Fatalf("errors = %+v", resp.Errors)
		}
	})
	t.Run("ErrUnknownCategory", func(t *testing.T) {
		var got model.ViolationQuery
		resp, _ := query(t, violationStore(&got, 1), `{ potentialViolations(filter: {category: SPACESHIP}) { totalCount } }`, nil)
		if resp.code(0) != "GRAPHQL_VALIDATION_FAILED" {
			t.Fatalf("errors = %+v", resp.Errors)
		}
	})
	t.Run("ErrStoreUnavailable", func(t *testing.T) {
		st := violationStore(new(model.ViolationQuery), 1)
		st.ViolationFactsFn = func(ctx context.Context, q model.ViolationQuery) (*model.ViolationFacts, error) {
			return nil, &model.Error{Code: model.Unavailable, Message: "the graph database is unavailable; retry later"}
		}
		resp, _ := query(t, st, `{ potentialViolations { totalCount } }`, nil)
		if resp.code(0) != model.Unavailable {
			t.Fatalf("errors = %+v", resp.Errors)
		}
	})
}

func TestPotentialViolationsAnswer(t *testing.T) {
	t.Run("PassesFilters", func(t *testing.T) {
		var got model.ViolationQuery
		resp, _ := query(t, violationStore(&got, 1), `{ potentialViolations(filter: {supplier: "state:RU", recipient: "person:kim-jong-un",
			resolution: 2397, category: MOTOR_VEHICLE, from: "2024-01-01", to: "2024-12-31", minStatus: REPORTED}, first: 5) { totalCount } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		want := model.ViolationQuery{From: "2024-01-01", To: "2024-12-31", SupplierID: "state:RU", RecipientID: "person:kim-jong-un",
			Resolution: 2397, Category: "motor_vehicle", MinStatus: schema.Reported, Page: model.Page{Limit: 5}}
		if got != want {
			t.Errorf("query = %+v, want %+v", got, want)
		}
		if string(resp.Data) != `{"potentialViolations":{"totalCount":1}}` {
			t.Errorf("data = %s", resp.Data)
		}
	})
	t.Run("UnknownResolutionIsEmpty", func(t *testing.T) {
		var got model.ViolationQuery
		resp, _ := query(t, violationStore(&got, 1), `{ potentialViolations(filter: {resolution: 9999}) { totalCount edges { cursor } } }`, nil)
		if len(resp.Errors) > 0 || string(resp.Data) != `{"potentialViolations":{"totalCount":0,"edges":[]}}` {
			t.Errorf("data = %s, errors = %+v", resp.Data, resp.Errors)
		}
	})
	t.Run("Finding", func(t *testing.T) {
		var got model.ViolationQuery
		resp, _ := query(t, violationStore(&got, 1), `{ potentialViolations { assessed truncated rules notAssessed { reason }
			edges { node { transfer { id } date weakestStatus caveat explanation
				suppliers { role entity { id } states { id } }
				recipients { role entity { id } states { id } ties { type } }
				breaches { measure { id } paragraph annex matchedBy inForce weakestStatus goods { id } targets { id }
					resolutions { resolution { id } supplierVotes { state { id } role vote } } }
				facts { role status entity { id } relationship { id } } } } } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		var data struct {
			PotentialViolations struct {
				Assessed  int
				Truncated bool
				Rules     []string
				Edges     []struct {
					Node struct {
						Transfer      struct{ ID string }
						Date          string
						WeakestStatus string
						Caveat        string
						Explanation   []string
						Breaches      []struct {
							Paragraph   string
							Annex       *string
							MatchedBy   []string
							Resolutions []struct {
								SupplierVotes []struct {
									State struct{ ID string }
									Role  string
									Vote  string
								}
							}
						}
						Facts []struct {
							Role, Status string
						}
					}
				}
			}
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		pv := data.PotentialViolations
		if pv.Assessed != 1 || pv.Truncated || len(pv.Rules) != len(breach.Rules) || len(pv.Edges) != 1 {
			t.Fatalf("data = %s", resp.Data)
		}
		n := pv.Edges[0].Node
		if n.Date != "2024-02-01" || n.WeakestStatus != "CONFIRMED" || !strings.Contains(n.Caveat, "Potential") || len(n.Breaches) != 1 {
			t.Fatalf("node = %s", resp.Data)
		}
		b := n.Breaches[0]
		if b.Paragraph != "OP 7" || b.Annex != nil || len(b.MatchedBy) != 2 ||
			len(b.Resolutions) != 1 || len(b.Resolutions[0].SupplierVotes) != 1 || b.Resolutions[0].SupplierVotes[0].Vote != "for" ||
			b.Resolutions[0].SupplierVotes[0].Role != "SUPPLIER" {
			t.Errorf("breach = %+v", b)
		}
		roles := map[string]bool{}
		for _, f := range n.Facts {
			roles[f.Role] = true
		}
		for _, r := range []string{"TRANSFER", "GOODS", "INCLUDES", "MEASURE", "IMPOSES", "RESOLUTION", "TARGETS", "RECEIVED", "RECIPIENT_TIE", "SENT", "VOTED_ON"} {
			if !roles[r] {
				t.Errorf("no %s fact in %v", r, roles)
			}
		}
	})
	t.Run("Pages", func(t *testing.T) {
		var got model.ViolationQuery
		seen := map[string]bool{}
		after := ""
		for i := 0; i < 5; i++ {
			resp, _ := query(t, violationStore(&got, 5), `query($after: String) { potentialViolations(first: 2, after: $after) {
				totalCount pageInfo { hasNextPage endCursor } edges { node { transfer { id } } } } }`, map[string]any{"after": after})
			var data struct {
				PotentialViolations struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   string
					}
					Edges []struct {
						Node struct{ Transfer struct{ ID string } }
					}
				}
			}
			if err := json.Unmarshal(resp.Data, &data); err != nil || len(resp.Errors) > 0 {
				t.Fatalf("%v %+v", err, resp.Errors)
			}
			for _, e := range data.PotentialViolations.Edges {
				if seen[e.Node.Transfer.ID] {
					t.Errorf("%s twice", e.Node.Transfer.ID)
				}
				seen[e.Node.Transfer.ID] = true
			}
			if !data.PotentialViolations.PageInfo.HasNextPage {
				break
			}
			after = data.PotentialViolations.PageInfo.EndCursor
		}
		if len(seen) != 5 {
			t.Errorf("paged through %d of 5 findings", len(seen))
		}
	})
}
