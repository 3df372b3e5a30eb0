package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/fake"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

func pathStore(got *model.PathQuery) *fake.Store {
	ents := map[string]*model.Entity{
		"state:RU":           {ID: "state:RU", Kind: schema.State, Name: "Russia", Properties: model.Properties{}},
		"org:aurus":          {ID: "org:aurus", Kind: schema.Organization, Name: "Aurus", Properties: model.Properties{}},
		"person:kim-jong-un": kim(),
	}
	return &fake.Store{
		ResolveEntityFn: func(ctx context.Context, ref string) (*model.Entity, error) {
			if e, ok := ents[ref]; ok {
				return e, nil
			}
			if ref == "Kim" {
				return nil, &model.Error{Code: model.BadUserInput, Message: `"Kim" matches 2 entities`,
					Details: map[string]any{"candidates": []map[string]any{{"id": "person:kim-jong-un"}, {"id": "person:kim-yo-jong"}}}}
			}
			return nil, &model.Error{Code: model.NotFound, Message: "no entity is named " + ref}
		},
		PathsFn: func(ctx context.Context, q model.PathQuery) (model.PathSearch, error) {
			*got = q
			return model.PathSearch{Cut: model.CutDate}, nil
		},
	}
}

func TestPathsArguments(t *testing.T) {
	tests := []struct {
		name, query, arg string
	}{
		{"ErrMaxHopsCap", `{ paths(from: "state:RU", to: "person:kim-jong-un", maxHops: 9) { explanation } }`, "maxHops"},
		{"ErrMaxHopsZero", `{ paths(from: "state:RU", to: "person:kim-jong-un", maxHops: 0) { explanation } }`, "maxHops"},
		{"ErrKCap", `{ paths(from: "state:RU", to: "person:kim-jong-un", mode: K_SHORTEST, k: 11) { explanation } }`, "k"},
		{"ErrTooManyVia", `{ paths(from: "state:RU", to: "person:kim-jong-un", via: ["a","b","c","d"]) { explanation } }`, "via"},
		{"ErrViaExceedsHops", `{ paths(from: "state:RU", to: "person:kim-jong-un", via: ["org:aurus"], maxHops: 1) { explanation } }`, "maxHops"},
		{"ErrDegree", `{ paths(from: "state:RU", to: "person:kim-jong-un", maxDegree: 0) { explanation } }`, "maxDegree"},
		{"ErrAtAndDuring", `{ paths(from: "state:RU", to: "person:kim-jong-un", at: "2024-01-01", during: {from: "2024-01-01", to: "2024-02-01"}) { explanation } }`, "during"},
		{"ErrBadAt", `{ paths(from: "state:RU", to: "person:kim-jong-un", at: "2024-02-30") { explanation } }`, "at"},
		{"ErrAtList", `{ paths(from: "state:RU", to: "person:kim-jong-un", at: ["2024-01-01"]) { explanation } }`, "at"},
		{"ErrDuringFromObject", `{ paths(from: "state:RU", to: "person:kim-jong-un", during: {from: {y: 2024}, to: "2024"}) { explanation } }`, "during.from"},
		{"ErrReversedPartialDuring", `{ paths(from: "state:RU", to: "person:kim-jong-un", during: {from: "2024-02", to: "2024-01"}) { explanation } }`, "during.to"},
		{"ErrReversedDuring", `{ paths(from: "state:RU", to: "person:kim-jong-un", during: {from: "2024-02-01", to: "2024-01-01"}) { explanation } }`, "during.to"},
		{"ErrAmbiguousFrom", `{ paths(from: "Kim", to: "state:RU") { explanation } }`, "from"},
		{"ErrEmptyTo", `{ paths(from: "state:RU", to: "  ") { explanation } }`, "to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got model.PathQuery
			resp, _ := query(t, pathStore(&got), tt.query, nil)
			if resp.code(0) != model.BadUserInput || !strings.Contains(resp.Errors[0].Message, "argument "+tt.arg+":") {
				t.Fatalf("errors = %+v, want BAD_USER_INPUT naming %s", resp.Errors, tt.arg)
			}
		})
	}
	t.Run("AmbiguousListsCandidates", func(t *testing.T) {
		var got model.PathQuery
		resp, _ := query(t, pathStore(&got), `{ paths(from: "Kim", to: "state:RU") { explanation } }`, nil)
		c, _ := resp.Errors[0].Extensions["candidates"].([]any)
		if len(c) != 2 {
			t.Fatalf("extensions = %+v", resp.Errors[0].Extensions)
		}
	})
	t.Run("ErrUnknownName", func(t *testing.T) {
		var got model.PathQuery
		resp, _ := query(t, pathStore(&got), `{ paths(from: "Atlantis", to: "state:RU") { explanation } }`, nil)
		if resp.code(0) != model.NotFound {
			t.Fatalf("errors = %+v", resp.Errors)
		}
	})
	t.Run("PartialDatesArePeriods", func(t *testing.T) {
		for _, tt := range []struct{ args, from, until string }{
			{`at: "2024-02"`, "2024-02-01", "2024-02-29"},
			{`at: "2024"`, "2024-01-01", "2024-12-31"},
			{`during: {from: "2023", to: "2024-02"}`, "2023-01-01", "2024-02-29"},
			{`during: {from: "2024-02", to: "2024-02"}`, "2024-02-01", "2024-02-29"},
		} {
			var got model.PathQuery
			resp, _ := query(t, pathStore(&got), `{ paths(from: "state:RU", to: "person:kim-jong-un", `+tt.args+`) { explanation } }`, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("%s: %v", tt.args, resp.Errors)
			}
			if got.HeldFrom != tt.from || got.HeldUntil != tt.until {
				t.Errorf("%s: held %s … %s, want %s … %s", tt.args, got.HeldFrom, got.HeldUntil, tt.from, tt.until)
			}
		}
	})
	t.Run("PassesFiltersAndExplainsCut", func(t *testing.T) {
		var got model.PathQuery
		resp, _ := query(t, pathStore(&got), `{ paths(from: "state:RU", to: "person:kim-jong-un", via: ["org:aurus"], at: "2024-01-31",
			minStatus: REPORTED, types: [USES, BASED_IN], excludeKinds: [SOURCE], mode: ALL_SHORTEST) { cut explanation via { id } } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		if got.From != "state:RU" || got.To != "person:kim-jong-un" || len(got.Via) != 1 || got.HeldFrom != "2024-01-31" ||
			got.HeldUntil != "2024-01-31" || got.MinStatus != schema.Reported || len(got.Types) != 2 || got.Mode != model.AllShortest ||
			got.MaxHops != model.DefaultMaxHops || got.MaxDegree != model.DefaultMaxDegree {
			t.Errorf("query = %+v", got)
		}
		if !strings.Contains(string(resp.Data), `"cut":"DATE"`) || !strings.Contains(string(resp.Data), "on 2024-01-31") {
			t.Errorf("data = %s", resp.Data)
		}
	})
}
