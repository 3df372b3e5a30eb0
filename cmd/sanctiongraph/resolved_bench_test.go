package main

import (
	"context"
	"sync"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// BenchmarkViews compares the resolved view with the records view on the
// curated dataset plus the UN 2026 and OFAC SDN 2024 lists, through the
// store (the Cypher the API runs):
//
//	go test -run '^$' -bench BenchmarkViews -benchtime 20x ./cmd/sanctiongraph
//
// search: the same five queries; entity: the same ids (a resolved entity
// with its records, listings and links, against one record); paths: Russia
// to Kim Jong Un through Aurus, all shortest paths, between the same ids.
// The graph is loaded once per run (minutes); against a NEO4J_URI that
// already holds exactly these datasets the load is skipped.
func BenchmarkViews(b *testing.B) {
	ctx := listsGraph(b)
	views := []struct {
		name string
		view model.View
	}{{"resolved", model.ViewResolved}, {"records", model.ViewRecords}}
	queries := []string{"Kim Jong-un", "Ким Чен Ын", "korea mining", "aurus", "ocean maritime management"}
	ids := []string{"person:kim-jong-un", "org:aurus", "state:KP", "org:nami"}
	for _, v := range views {
		b.Run("search/"+v.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := env.Store.Search(ctx, model.SearchQuery{Text: queries[i%len(queries)], Page: model.Page{Limit: 10}, View: v.view}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, v := range views {
		b.Run("entity/"+v.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				id := ids[i%len(ids)]
				var err error
				if v.view == model.ViewResolved {
					_, err = env.Store.ResolvedEntity(ctx, id)
				} else {
					_, err = env.Store.Entity(ctx, id)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, v := range views {
		b.Run("paths/"+v.name, func(b *testing.B) {
			q := model.PathQuery{From: "state:RU", To: "person:kim-jong-un", Via: []string{"org:aurus"}, MaxHops: 4,
				Mode: model.AllShortest, MaxDegree: model.DefaultMaxDegree, View: v.view}
			for i := 0; i < b.N; i++ {
				res, err := env.Store.Paths(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Paths) == 0 {
					b.Fatalf("no path (cut %s)", res.Cut)
				}
			}
		})
	}
}

var listsOnce sync.Once

// listsGraph loads the curated dataset and the two lists once per test
// binary, unless the graph already holds exactly them.
func listsGraph(b *testing.B) context.Context {
	ctx := context.Background()
	listsOnce.Do(func() {
		if countKind(b, ctx, schema.Sanction, "ofac-sdn") == 14965 && countKind(b, ctx, schema.Sanction, "unsc") == 1009 &&
			countKind(b, ctx, schema.Person, "curated") > 0 {
			return
		}
		if err := env.Store.Purge(ctx); err != nil {
			b.Fatal(err)
		}
		loadStoryAndLists(b, ctx)
	})
	return ctx
}
