package model_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

func TestDateUnmarshal(t *testing.T) {
	tests := []struct {
		name        string
		in          any
		ok          bool
		first, last string
	}{
		{"Day", "2024-02-18", true, "2024-02-18", "2024-02-18"},
		{"Month", "2024-02", true, "2024-02-01", "2024-02-29"},
		{"Year", "2023", true, "2023-01-01", "2023-12-31"},
		{"NotACalendarDay", "2023-02-29", false, "", ""},
		{"Month13", "2024-13", false, "", ""},
		{"Timestamp", "2024-02-18T10:00:00Z", false, "", ""},
		{"Empty", "", false, "", ""},
		{"Number", 2024, false, "", ""},
		{"JSONNumber", json.Number("2024"), false, "", ""},
		{"Bool", true, false, "", ""},
		{"List", []any{"2024"}, false, "", ""},
		{"Object", map[string]any{"year": "2024"}, false, "", ""},
		{"Null", nil, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := graphql.WithPathContext(context.Background(), graphql.NewPathWithField("filter"))
			ctx = graphql.WithPathContext(ctx, graphql.NewPathWithField("from"))
			var d model.Date
			err := d.UnmarshalGQLContext(ctx, tt.in)
			if !tt.ok {
				if code := model.ErrorCode(err); code != model.BadUserInput {
					t.Fatalf("UnmarshalGQLContext(%#v): code %q (%v), want BAD_USER_INPUT", tt.in, code, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("UnmarshalGQLContext(%#v): %v", tt.in, err)
			}
			if d.First() != tt.first || d.Last() != tt.last {
				t.Errorf("%s: %s … %s, want %s … %s", d, d.First(), d.Last(), tt.first, tt.last)
			}
			if d.IsDay() != (tt.first == tt.last) {
				t.Errorf("%s: IsDay = %v", d, d.IsDay())
			}
			var b bytes.Buffer
			if err := d.MarshalGQLContext(context.Background(), &b); err != nil || b.String() != `"`+tt.in.(string)+`"` {
				t.Errorf("MarshalGQLContext = %s, %v", b.String(), err)
			}
		})
	}
	t.Run("ZeroDate", func(t *testing.T) {
		var d model.Date
		if d.First() != "" || d.Last() != "" {
			t.Errorf("zero Date covers %q … %q, want nothing", d.First(), d.Last())
		}
	})
}

// TestPathHeldAcrossPrecisions: a path's held period compares dates given
// at different precisions by the days they cover ("2025" ends after
// "2025-06-30"; "2025-03" starts after "2025").
func TestPathHeldAcrossPrecisions(t *testing.T) {
	rel := func(from, until string) *model.Relationship {
		return &model.Relationship{Provenance: model.Provenance{ValidFrom: from, ValidUntil: until}}
	}
	p := &model.Path{Rels: []*model.Relationship{rel("2025", "2025"), rel("2025-03", "2025-06-30"), rel("", "")}}
	if from := p.HeldFrom(); from == nil || *from != "2025-03" {
		t.Errorf("HeldFrom = %v, want 2025-03", from)
	}
	if until := p.HeldUntil(); until == nil || *until != "2025-06-30" {
		t.Errorf("HeldUntil = %v, want 2025-06-30", until)
	}
}
