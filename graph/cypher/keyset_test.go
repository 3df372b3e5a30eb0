package cypher_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// TestEntitiesKeysetPages: a list sorted by name, paged by keyset cursors
// (each page sought from the previous page's last key), holds exactly the
// items and order of the same list paged by offset, in both views and both
// name orders, through names shared by several entities (ties by id), with
// and without totals; other orders give no keys.
func TestEntitiesKeysetPages(t *testing.T) {
	ctx := env.Reset(t)
	b := story()
	for i := range 7 {
		name := []string{"Same Name", "Same Name", "Same Name", "Ålesund Trading", "alpha", "Zeta", "Same Name"}[i]
		id := fmt.Sprintf("person:dup-%d", (i*5)%7) // ids not in name order
		b.Entities = append(b.Entities, model.Entity{ID: id, Kind: schema.Person, Name: name, Properties: model.Properties{},
			Provenance: model.Provenance{Status: schema.Reported, Dataset: "test", RecordID: id}})
	}
	if _, err := env.Store.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	ids := func(es []*model.Entity) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	for _, view := range []model.View{model.ViewRecords, model.ViewResolved} {
		for _, order := range []model.EntityOrder{model.ByNameAsc, model.ByNameDesc} {
			for _, withoutTotal := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/order%d/withoutTotal=%v", view, order, withoutTotal), func(t *testing.T) {
					q := model.EntityQuery{View: view, Sort: order, Kinds: []schema.Kind{schema.Person}, WithoutTotal: withoutTotal}
					q.Page = model.Page{Limit: 100}
					whole, err := env.Store.Entities(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					if len(whole.Entities) != 9 || len(whole.Keys) != 9 {
						t.Fatalf("whole list: %d entities, %d keys", len(whole.Entities), len(whole.Keys))
					}
					var byKey, byOffset []string
					q.Page = model.Page{Limit: 2}
					for range 10 {
						page, err := env.Store.Entities(ctx, q)
						if err != nil {
							t.Fatal(err)
						}
						if len(page.Keys) != len(page.Entities) {
							t.Fatalf("%d keys for %d entities", len(page.Keys), len(page.Entities))
						}
						if !withoutTotal && page.Total != 9 {
							t.Fatalf("total %d after %+v", page.Total, q.After)
						}
						byKey = append(byKey, ids(page.Entities)...)
						if len(page.Entities) < 2 || (withoutTotal && !page.More) {
							break
						}
						last := page.Keys[len(page.Keys)-1]
						if last.ID != page.Entities[len(page.Entities)-1].ID {
							t.Fatalf("key %+v is not the last entity's", last)
						}
						q.Offset, q.After = q.Offset+len(page.Entities), &last
					}
					q.After = nil
					for off := 0; off < 9; off += 2 {
						q.Offset = off
						page, err := env.Store.Entities(ctx, q)
						if err != nil {
							t.Fatal(err)
						}
						byOffset = append(byOffset, ids(page.Entities)...)
					}
					if !slices.Equal(byKey, ids(whole.Entities)) || !slices.Equal(byOffset, byKey) {
						t.Fatalf("by key    %v\nby offset %v\nwhole     %v", byKey, byOffset, ids(whole.Entities))
					}
				})
			}
		}
	}
	t.Run("DateOrderHasNoKeys", func(t *testing.T) {
		page, err := env.Store.Entities(ctx, model.EntityQuery{Sort: model.ByDateAsc, Page: model.Page{Limit: 5}})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Entities) == 0 || page.Keys != nil {
			t.Fatalf("%d entities, keys %v", len(page.Entities), page.Keys)
		}
	})
}
