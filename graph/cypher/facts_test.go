package cypher_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// allRelationships pages through a fact list, 100 at a time, checking that
// the pages add up to the total without repeats.
func allRelationships(tb testing.TB, ctx context.Context, st *cypher.Store, q model.RelationshipQuery) []*model.Relationship {
	tb.Helper()
	var out []*model.Relationship
	seen := map[string]bool{}
	for off := 0; ; off += 100 {
		q.Page = model.Page{Offset: off, Limit: 100}
		page, err := st.Relationships(ctx, q)
		if err != nil {
			tb.Fatalf("%+v: %v", q, err)
		}
		for _, r := range page.Relationships {
			if seen[r.ID] {
				tb.Fatalf("%s on two pages", r.ID)
			}
			seen[r.ID] = true
		}
		out = append(out, page.Relationships...)
		if len(page.Relationships) < 100 {
			if len(out) != page.Total {
				tb.Fatalf("pages hold %d facts, total says %d", len(out), page.Total)
			}
			return out
		}
	}
}

func relIDs(rs []*model.Relationship) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	slices.Sort(out)
	return out
}

// TestFactLists lists the curated dataset's facts with each filter and
// checks the answer against the same filter applied here to the whole list.
func TestFactLists(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	all := allRelationships(t, ctx, env.Store, model.RelationshipQuery{})
	if len(all) < 100 {
		t.Fatalf("the curated dataset has %d facts", len(all))
	}
	keep := func(f func(*model.Relationship) bool) []string {
		var out []*model.Relationship
		for _, r := range all {
			if f(r) {
				out = append(out, r)
			}
		}
		return relIDs(out)
	}
	owns := keep(func(r *model.Relationship) bool { return r.Type == schema.Owns })
	share := func(r *model.Relationship) (float64, bool) {
		v := r.Properties.First("share")
		f, err := strconv.ParseFloat(v, 64)
		return f, v != "" && err == nil
	}
	str := func(s string) *string { return &s }
	evidence, err := env.Store.EvidenceByFact(ctx, relIDs(all))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    model.RelationshipQuery
		want []string
	}{
		{"Type", model.RelationshipQuery{Types: []schema.RelType{schema.Owns}}, owns},
		{"From", model.RelationshipQuery{From: "org:aurus"}, keep(func(r *model.Relationship) bool { return r.FromID == "org:aurus" })},
		{"To", model.RelationshipQuery{To: "state:KP"}, keep(func(r *model.Relationship) bool { return r.ToID == "state:KP" })},
		{"ToOfTypes", model.RelationshipQuery{To: "state:KP", Types: []schema.RelType{schema.Targets, schema.NationalOf}},
			keep(func(r *model.Relationship) bool {
				return r.ToID == "state:KP" && (r.Type == schema.Targets || r.Type == schema.NationalOf)
			})},
		{"Status", model.RelationshipQuery{Statuses: []schema.Status{schema.Alleged}}, keep(func(r *model.Relationship) bool { return r.Status == schema.Alleged })},
		{"MinStatus", model.RelationshipQuery{MinStatus: schema.Reported}, keep(func(r *model.Relationship) bool { return r.Status.Rank() >= schema.Reported.Rank() })},
		{"ShareAtLeast50", model.RelationshipQuery{Types: []schema.RelType{schema.Owns}, Properties: []model.PropertyFilter{{Name: "share", Min: str("50")}}},
			keep(func(r *model.Relationship) bool { s, ok := share(r); return r.Type == schema.Owns && ok && s >= 50 })},
		{"ShareBelow50", model.RelationshipQuery{Types: []schema.RelType{schema.Owns}, Properties: []model.PropertyFilter{{Name: "share", Max: str("49.999")}}},
			keep(func(r *model.Relationship) bool { s, ok := share(r); return r.Type == schema.Owns && ok && s <= 49.999 })},
		{"BasisParty", model.RelationshipQuery{Basis: []string{"party"}}, keep(func(r *model.Relationship) bool {
			return slices.ContainsFunc(evidence[r.ID], func(e model.Evidence) bool { return e.Basis == "party" })
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := relIDs(allRelationships(t, ctx, env.Store, tt.q))
			if len(tt.want) == 0 {
				t.Fatalf("the curated dataset has no fact for this filter; the test checks nothing")
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %d facts, want %d\ngot  %v\nwant %v", len(got), len(tt.want), got, tt.want)
			}
		})
	}
	t.Run("Uncounted", func(t *testing.T) {
		q := model.RelationshipQuery{Types: []schema.RelType{schema.Owns}, Page: model.Page{Offset: 1, Limit: 3}}
		counted, err := env.Store.Relationships(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		q.WithoutTotal = true
		page, err := env.Store.Relationships(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != -1 || page.More != (len(owns) > 4) || !slices.Equal(relIDs(page.Relationships), relIDs(counted.Relationships)) {
			t.Errorf("uncounted page: total %d, more %v, %v; counted %v of %d", page.Total, page.More, relIDs(page.Relationships), relIDs(counted.Relationships), counted.Total)
		}
	})
	t.Run("SortByDate", func(t *testing.T) {
		rs := allRelationships(t, ctx, env.Store, model.RelationshipQuery{Types: []schema.RelType{schema.Sent}, Sort: model.RelByDateAsc})
		for i := 1; i < len(rs); i++ {
			a, b := rs[i-1].ValidFrom, rs[i].ValidFrom
			if b != "" && (a == "" || a > b) {
				t.Errorf("%s (%q) before %s (%q)", rs[i-1].ID, a, rs[i].ID, b)
			}
		}
	})
	for name, q := range map[string]model.RelationshipQuery{
		"UndeclaredProperty":   {Types: []schema.RelType{schema.Owns}, Properties: []model.PropertyFilter{{Name: "imoNumber", Equals: str("1")}}},
		"PrefixOnNumber":       {Types: []schema.RelType{schema.Owns}, Properties: []model.PropertyFilter{{Name: "share", Prefix: str("5")}}},
		"NotANumber":           {Types: []schema.RelType{schema.Owns}, Properties: []model.PropertyFilter{{Name: "share", Min: str("half")}}},
		"TwoConditions":        {Types: []schema.RelType{schema.Owns}, Properties: []model.PropertyFilter{{Name: "share", Equals: str("51"), Min: str("50")}}},
		"NoCondition":          {Types: []schema.RelType{schema.Owns}, Properties: []model.PropertyFilter{{Name: "share"}}},
		"UnknownBasis":         {Basis: []string{"rumour"}},
		"BadDate":              {At: "2024-02-30"},
		"InjectedPropertyName": {Properties: []model.PropertyFilter{{Name: "share`]) DETACH DELETE r //", Equals: str("1")}}},
	} {
		t.Run("Err"+name, func(t *testing.T) {
			_, err := env.Store.Relationships(ctx, q)
			if model.ErrorCode(err) != model.BadUserInput {
				t.Fatalf("err = %v, want BAD_USER_INPUT", err)
			}
		})
	}
}

// TestEntityPropertyFilters filters entities on declared properties: a
// text prefix, a list value, a date range by overlap.
func TestEntityPropertyFilters(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	str := func(s string) *string { return &s }
	all, err := env.Store.Entities(ctx, model.EntityQuery{Kinds: []schema.Kind{schema.Transfer}, Page: model.Page{Limit: 100}, View: model.ViewRecords})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range all.Entities {
		if d := e.Properties.First("date"); d != "" && d[:4] == "2024" {
			want = append(want, e.ID)
		}
	}
	if len(want) == 0 {
		t.Fatal("no curated transfer is dated 2024; the test checks nothing")
	}
	page, err := env.Store.Entities(ctx, model.EntityQuery{Kinds: []schema.Kind{schema.Transfer}, View: model.ViewRecords, Page: model.Page{Limit: 100},
		Properties: []model.PropertyFilter{{Name: "date", Min: str("2024"), Max: str("2024")}}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range page.Entities {
		got = append(got, e.ID)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || page.Total != len(want) {
		t.Errorf("transfers dated in 2024 = %v (total %d), want %v", got, page.Total, want)
	}
	if _, err := env.Store.Entities(ctx, model.EntityQuery{Kinds: []schema.Kind{schema.Person}, Page: model.Page{Limit: 10},
		Properties: []model.PropertyFilter{{Name: "imoNumber", Equals: str("1")}}}); model.ErrorCode(err) != model.BadUserInput {
		t.Errorf("a property people do not have: err = %v, want BAD_USER_INPUT", err)
	}
}

// TestSupports lists what one source backs: every fact found, oldest
// statement first, filtered by kind and type.
func TestSupports(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	sources, err := env.Store.Entities(ctx, model.EntityQuery{Kinds: []schema.Kind{schema.Source}, Page: model.Page{Limit: 100}, View: model.ViewRecords})
	if err != nil {
		t.Fatal(err)
	}
	var busiest string
	var most int
	for _, src := range sources.Entities {
		// The source backing the most relationships (the ISO list backs
		// only states).
		page, err := env.Store.Supports(ctx, model.SupportQuery{SourceID: src.ID, Types: schema.RelTypes, Page: model.Page{Limit: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total > most {
			busiest, most = src.ID, page.Total
		}
	}
	if most < 5 {
		t.Fatalf("the busiest source backs %d relationships", most)
	}
	page, err := env.Store.Supports(ctx, model.SupportQuery{SourceID: busiest, Page: model.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var entities, relationships int
	for i, sp := range page.Supports {
		if sp.Evidence.SourceID != busiest {
			t.Errorf("%s: evidence of %s", sp.Evidence.ID, sp.Evidence.SourceID)
		}
		switch {
		case sp.Entity != nil && sp.Entity.ID == sp.Evidence.FactID:
			entities++
		case sp.Relationship != nil && sp.Relationship.ID == sp.Evidence.FactID:
			relationships++
		default:
			t.Errorf("%s: fact %s not found", sp.Evidence.ID, sp.Evidence.FactID)
		}
		if i > 0 {
			a, b := page.Supports[i-1].Evidence.ReportedOn(), sp.Evidence.ReportedOn()
			if b != "" && (a == "" || a > b) {
				t.Errorf("statement of %q listed after %q", b, a)
			}
		}
	}
	t.Logf("%s backs %d facts (%d entities, %d relationships)", busiest, page.Total, entities, relationships)
	if relationships != most {
		t.Errorf("%s backs %d relationships among all its facts, %d when asked for relationships", busiest, relationships, most)
	}
	if relationships > 0 {
		rels, err := env.Store.Supports(ctx, model.SupportQuery{SourceID: busiest, Types: schema.RelTypes, Page: model.Page{Limit: 100}})
		if err != nil || rels.Total != relationships {
			t.Errorf("relationships only: %d, %v; want %d", rels.Total, err, relationships)
		}
	}
	if entities > 0 {
		ents, err := env.Store.Supports(ctx, model.SupportQuery{SourceID: busiest, Kinds: schema.Kinds, Page: model.Page{Limit: 100}})
		if err != nil || ents.Total != entities {
			t.Errorf("entities only: %d, %v; want %d", ents.Total, err, entities)
		}
	}
}

// TestPartialDatesKeepTheirPrecision: a month written is a month read, and
// filters match it by overlap.
func TestPartialDatesKeepTheirPrecision(t *testing.T) {
	ctx := env.Reset(t)
	b := story()
	props := model.Properties{}
	props.Set("transferKind", "shipment")
	props.Set("date", "2018-10")
	b.Entities = append(b.Entities, model.Entity{ID: "transfer:month", Kind: schema.Transfer, Name: "A shipment in October 2018", Properties: props,
		Provenance: model.Provenance{Status: schema.Reported, Dataset: "test", ValidFrom: "2018-10", ValidUntil: "2019"}})
	b.Relationships = append(b.Relationships, model.Relationship{ID: "SENT|state:RU|transfer:month", Type: schema.Sent, FromID: "state:RU", ToID: "transfer:month",
		Properties: model.Properties{}, Provenance: model.Provenance{Status: schema.Reported, Dataset: "test", ValidFrom: "2018-10"}})
	if _, err := env.Store.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	e, err := env.Store.Entity(ctx, "transfer:month")
	if err != nil {
		t.Fatal(err)
	}
	if e.ValidFrom != "2018-10" || e.ValidUntil != "2019" || e.DateOrNil() == nil || *e.DateOrNil() != "2018-10" {
		t.Errorf("read back validFrom %q, validUntil %q, date %v; want 2018-10, 2019, 2018-10", e.ValidFrom, e.ValidUntil, e.DateOrNil())
	}
	r, err := env.Store.Relationship(ctx, "SENT|state:RU|transfer:month")
	if err != nil || r.ValidFrom != "2018-10" {
		t.Fatalf("relationship validFrom %v, %v; want 2018-10", r, err)
	}
	for at, want := range map[string]bool{"2018-10-31": true, "2018-10": true, "2018": true, "2018-09-30": false, "2020": false} {
		page, err := env.Store.Entities(ctx, model.EntityQuery{Kinds: []schema.Kind{schema.Transfer}, ActiveAt: at, View: model.ViewRecords, Page: model.Page{Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.ContainsFunc(page.Entities, func(x *model.Entity) bool { return x.ID == "transfer:month" }); got != want {
			t.Errorf("activeAt %s: listed %v, want %v", at, got, want)
		}
		rels, err := env.Store.Relationships(ctx, model.RelationshipQuery{Types: []schema.RelType{schema.Sent}, At: at, Page: model.Page{Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		// The SENT fact has no end: it holds from October 2018 on.
		wantRel := at >= "2018-10" || at == "2018"
		if got := slices.ContainsFunc(rels.Relationships, func(x *model.Relationship) bool { return x.ID == r.ID }); got != wantRel {
			t.Errorf("relationships at %s: listed %v, want %v", at, got, wantRel)
		}
	}
}

// TestEntityListFilters checks the entity list's filters (written from the
// filters given, one kind as the label) against the same filters applied
// here to every entity, with and without counting the total.
func TestEntityListFilters(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	list := func(q model.EntityQuery) (ids []string, total int) {
		t.Helper()
		q.View = model.ViewRecords
		for off := 0; ; off += 100 {
			q.Page = model.Page{Offset: off, Limit: 100}
			page, err := env.Store.Entities(ctx, q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			for _, e := range page.Entities {
				ids = append(ids, e.ID)
			}
			if q.WithoutTotal && page.Total != -1 {
				t.Fatalf("a page without its total says %d", page.Total)
			}
			total = page.Total
			if len(page.Entities) < 100 || q.WithoutTotal && !page.More {
				if q.WithoutTotal && page.More {
					t.Fatalf("the last page says more follow")
				}
				return ids, total
			}
		}
	}
	everything, total := list(model.EntityQuery{})
	if total != len(everything) || len(everything) < 300 {
		t.Fatalf("%d entities, total %d", len(everything), total)
	}
	all := map[string]*model.Entity{}
	page, err := env.Store.EntitiesByID(ctx, everything)
	if err != nil {
		t.Fatal(err)
	}
	for id, e := range page {
		all[id] = e
	}
	keep := func(f func(e *model.Entity) bool) []string {
		var out []string
		for _, id := range everything {
			if f(all[id]) {
				out = append(out, id)
			}
		}
		return out
	}
	for _, tt := range []struct {
		name string
		q    model.EntityQuery
		want []string
	}{
		{"OneKind", model.EntityQuery{Kinds: []schema.Kind{schema.Person}}, keep(func(e *model.Entity) bool { return e.Kind == schema.Person })},
		{"TwoKinds", model.EntityQuery{Kinds: []schema.Kind{schema.Person, schema.State}}, keep(func(e *model.Entity) bool { return e.Kind == schema.Person || e.Kind == schema.State })},
		{"Status", model.EntityQuery{Statuses: []schema.Status{schema.Reported}}, keep(func(e *model.Entity) bool { return e.Status == schema.Reported })},
		{"Dataset", model.EntityQuery{Dataset: "curated", Kinds: []schema.Kind{schema.Source}}, keep(func(e *model.Entity) bool { return e.Dataset == "curated" && e.Kind == schema.Source })},
		{"MinStatusOneKind", model.EntityQuery{Kinds: []schema.Kind{schema.Organization}, MinStatus: schema.Confirmed},
			keep(func(e *model.Entity) bool { return e.Kind == schema.Organization && e.Status == schema.Confirmed })},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.want) == 0 {
				t.Fatal("no curated entity matches; the test checks nothing")
			}
			got, total := list(tt.q)
			tt.q.WithoutTotal = true
			uncounted, _ := list(tt.q)
			if !slices.Equal(got, tt.want) || total != len(tt.want) || !slices.Equal(uncounted, got) {
				t.Errorf("got %d (total %d), without the total %d; want %d", len(got), total, len(uncounted), len(tt.want))
			}
		})
	}
}
