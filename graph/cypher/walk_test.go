package cypher_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// TestResolvedListWalkAgreesWithSort: a resolved list sorted by name read
// by walking the name index (the preferred records in order, kept when a
// record of their entity matches) returns exactly the page the sort of
// every match returns — ids, keys and totals — for kinds common and rare,
// status, dataset and date filters, both name orders, offset pages and
// keyset pages through names shared by several entities, on the curated
// story with its SAME_AS clusters; and so does the plan each page chooses.
func TestResolvedListWalkAgreesWithSort(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	var b model.Batch
	for i := range 9 {
		name := []string{"Same Name", "Same Name", "Ålesund Trading", "alpha", "Zeta", "Same Name", "Kim Jong Un", "Aurus", "same name"}[i]
		id := fmt.Sprintf("person:walk-%d", (i*5)%9) // ids not in name order
		st := []schema.Status{schema.Reported, schema.Alleged, schema.Confirmed}[i%3]
		b.Entities = append(b.Entities, model.Entity{ID: id, Kind: schema.Person, Name: name, Properties: model.Properties{},
			Provenance: model.Provenance{Status: st, Dataset: "walk", RecordID: id}})
	}
	// Groups of one name at either end of the index, two of five
	// confirmed: a walk that reads a few rows stops inside the group, so it
	// must read the group in the final order (ids ascending).
	for _, name := range []string{"000 tie", "zzzz tie"} {
		for i := 1; i <= 5; i++ {
			id := fmt.Sprintf("person:%s-%d", name[:4], i)
			st := schema.Alleged
			if i == 1 || i == 4 {
				st = schema.Confirmed
			}
			b.Entities = append(b.Entities, model.Entity{ID: id, Kind: schema.Person, Name: name, Properties: model.Properties{},
				Provenance: model.Provenance{Status: st, Dataset: "tie", RecordID: id}})
		}
	}
	// Two of them are records of curated entities.
	for _, l := range [][2]string{{"person:walk-3", "person:kim-jong-un"}, {"person:walk-8", "person:kim-jong-un"}} {
		b.Relationships = append(b.Relationships, model.Relationship{ID: "SAME_AS|" + l[0] + "|" + l[1], Type: schema.SameAs, FromID: l[0], ToID: l[1],
			Properties: model.Properties{}, Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "walk"}})
	}
	if _, err := env.Store.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.LinkSameAs(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.Resolve(ctx); err != nil {
		t.Fatal(err)
	}
	defer env.Store.ForceListPlan("")

	type pageOf struct {
		IDs   []string
		Keys  []model.SortKey
		Total int
		More  bool
	}
	read := func(plan string, q model.EntityQuery) pageOf {
		t.Helper()
		env.Store.ForceListPlan(plan)
		page, err := env.Store.Entities(ctx, q)
		if err != nil {
			t.Fatalf("%s %+v: %v", plan, q, err)
		}
		out := pageOf{Keys: page.Keys, Total: page.Total, More: page.More}
		for _, e := range page.Entities {
			out.IDs = append(out.IDs, e.ID)
		}
		return out
	}
	filters := map[string]model.EntityQuery{
		"all":              {},
		"people":           {Kinds: []schema.Kind{schema.Person}},
		"people and orgs":  {Kinds: []schema.Kind{schema.Person, schema.Organization}},
		"resolutions":      {Kinds: []schema.Kind{schema.Resolution}},
		"confirmed people": {Kinds: []schema.Kind{schema.Person}, MinStatus: schema.Confirmed},
		"alleged":          {Statuses: []schema.Status{schema.Alleged}},
		"dataset walk":     {Dataset: "walk"},
		"active in 2024":   {ActiveAt: "2024"},
		"nothing":          {Kinds: []schema.Kind{schema.Person}, Dataset: "no-such-dataset"},
		"confirmed ties":   {Statuses: []schema.Status{schema.Confirmed}, Dataset: "tie"},
	}
	walked := 0
	for name, f := range filters {
		for _, order := range []model.EntityOrder{model.ByNameAsc, model.ByNameDesc} {
			t.Run(fmt.Sprintf("%s/order%d", name, order), func(t *testing.T) {
				q := f
				q.View, q.Sort = model.ViewResolved, order
				for _, pg := range []model.Page{{Limit: 1}, {Limit: 3}, {Offset: 2, Limit: 3}, {Offset: 7, Limit: 50}, {Limit: 1000}} {
					q.Page = pg
					for _, withoutTotal := range []bool{false, true} {
						// Without a total, the page chooses its plan from the
						// total kept for its filter by the pages with one.
						q.WithoutTotal = withoutTotal
						sorted := read("sort", q)
						for _, plan := range []string{"walk", ""} {
							if got := read(plan, q); !reflect.DeepEqual(got, sorted) {
								t.Errorf("page %+v without total %v, plan %q:\n got %+v\nsort %+v", pg, withoutTotal, plan, got, sorted)
							}
						}
					}
					q.WithoutTotal = false
					sorted := read("sort", q)
					if pg.Limit == 1000 && len(sorted.IDs) > 3 {
						walked++
					}
				}
				// Keyset pages of 2, each from the walk and from the sort.
				q.Page = model.Page{Limit: 2}
				for range 12 {
					sorted := read("sort", q)
					if got := read("walk", q); !reflect.DeepEqual(got, sorted) {
						t.Fatalf("keyset page after %+v at %d:\n got %+v\nsort %+v", q.After, q.Offset, got, sorted)
					}
					if len(sorted.IDs) < 2 {
						break
					}
					last := sorted.Keys[len(sorted.Keys)-1]
					q.Offset, q.After = q.Offset+len(sorted.IDs), &last
				}
			})
		}
	}
	// With evidence: the page's entities (records inline) and its evidence
	// and sources (in the page's statement) are what the separate look-ups
	// return, whichever plan reads it.
	for _, plan := range []string{"walk", "sort", ""} {
		env.Store.ForceListPlan(plan)
		for _, withoutTotal := range []bool{false, true} {
			q := model.EntityQuery{View: model.ViewResolved, Kinds: []schema.Kind{schema.Person}, Dataset: "curated", WithEvidence: true, WithoutTotal: withoutTotal,
				Page: model.Page{Offset: 1, Limit: 6}}
			page, err := env.Store.Entities(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var ids, facts []string
			for _, e := range page.Entities {
				ids = append(ids, e.ID)
				facts = append(facts, e.RecordIDs()...)
			}
			want, err := env.Store.ResolvedByID(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			wantEv, err := env.Store.EvidenceWithSources(ctx, facts)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Entities) != 6 || page.Facts == nil {
				t.Fatalf("plan %q: %d entities, facts %v", plan, len(page.Entities), page.Facts)
			}
			for _, e := range page.Entities {
				if !reflect.DeepEqual(e, want[e.ID]) {
					t.Errorf("plan %q: entity %s on the page:\n%+v\nlooked up:\n%+v", plan, e.ID, e, want[e.ID])
				}
			}
			if !reflect.DeepEqual(page.Facts.Evidence, wantEv.Evidence) || !reflect.DeepEqual(page.Facts.Sources, wantEv.Sources) {
				t.Errorf("plan %q without total %v: evidence of the page differs from the look-up:\n got %v\nwant %v", plan, withoutTotal, page.Facts.Evidence, wantEv.Evidence)
			}
			n := 0
			for _, evs := range page.Facts.Evidence {
				n += len(evs)
			}
			if n == 0 {
				t.Errorf("plan %q: no evidence on a page of curated people", plan)
			}
		}
	}
	if walked < 6 {
		t.Errorf("only %d lists long enough to tell the plans apart", walked)
	}
}
