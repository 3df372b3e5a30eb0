package model_test

import (
	"reflect"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

func TestListingPeriods(t *testing.T) {
	eds := []model.EditionDate{{"a", "2020-11-24"}, {"b", "2024-01-01"}, {"c", "2026-05-08"}}
	s := func(v string) *string { return &v }
	tests := []struct {
		name   string
		in     string // editions holding the listing
		listed string
		want   []model.ListingPeriod
	}{
		{"Always", "abc", "2009-07-16", []model.ListingPeriod{{ListedOn: s("2009-07-16"), FirstSeen: s("2020-11-24"), LastSeen: s("2026-05-08"), Current: true}}},
		{"Removed", "ab", "2009-07-16", []model.ListingPeriod{{ListedOn: s("2009-07-16"), FirstSeen: s("2020-11-24"), LastSeen: s("2024-01-01"),
			RemovedBetween: []string{"2024-01-01", "2026-05-08"}}}},
		{"AddedWithDate", "c", "2025-03-01", []model.ListingPeriod{{ListedOn: s("2025-03-01"), FirstSeen: s("2026-05-08"), LastSeen: s("2026-05-08"),
			AddedBetween: []string{"2024-01-01", "2026-05-08"}, Current: true}}},
		// Listed in 2006, missing from the 2020 edition, back in 2026: two periods.
		{"Relisted", "c", "2006-12-23", []model.ListingPeriod{
			{ListedOn: s("2006-12-23"), RemovedBetween: []string{"2006-12-23", "2020-11-24"}},
			{FirstSeen: s("2026-05-08"), LastSeen: s("2026-05-08"), AddedBetween: []string{"2024-01-01", "2026-05-08"}, Current: true}}},
		{"Gap", "ac", "", []model.ListingPeriod{
			{FirstSeen: s("2020-11-24"), LastSeen: s("2020-11-24"), RemovedBetween: []string{"2020-11-24", "2024-01-01"}},
			{FirstSeen: s("2026-05-08"), LastSeen: s("2026-05-08"), AddedBetween: []string{"2024-01-01", "2026-05-08"}, Current: true}}},
		{"Never", "", "2009-07-16", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := func(id string) bool {
				for _, c := range tt.in {
					if string(c) == id {
						return true
					}
				}
				return false
			}
			got := model.ListingPeriods(eds, in, tt.listed)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	p := model.ListingPeriods(eds, func(id string) bool { return id == "a" }, "2009-07-16")[0]
	if p.ActiveFrom() != "2009-07-16" || p.ActiveUntil() != "2020-11-24" {
		t.Errorf("active %s–%s", p.ActiveFrom(), p.ActiveUntil())
	}
}
