package cypher_test

import (
	"strconv"
	"sync"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// BenchmarkCountsAfterWrite measures the dashboards' unfiltered counts
// (resolved view) asked by 1 and by 8 callers at once right after a write,
// on the curated story with its clusters: each op writes one record (a new
// state: nothing kept) and waits for every caller's answer. Callers at one
// state share one count, so 8 cost about what 1 does; tx/op is the
// transactions the callers ran (a state probe each and one count).
func BenchmarkCountsAfterWrite(b *testing.B) {
	ctx := env.Reset(b)
	writeCurated(b, ctx, env.Store)
	if _, err := env.Store.Resolve(ctx); err != nil {
		b.Fatal(err)
	}
	for _, callers := range []int{1, 8} {
		b.Run("callers="+strconv.Itoa(callers), func(b *testing.B) {
			var tx int64
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				id := "person:bench-" + strconv.Itoa(callers) + "-" + strconv.Itoa(i)
				if _, err := env.Store.Write(ctx, model.Batch{Entities: []model.Entity{{ID: id, Kind: schema.Person, Name: "Bench " + id,
					Provenance: model.Provenance{Status: schema.Reported, Dataset: "bench"}}}}); err != nil {
					b.Fatal(err)
				}
				before := env.Store.QueryCount()
				b.StartTimer()
				var wg sync.WaitGroup
				for range callers {
					wg.Go(func() {
						if _, err := env.Store.Counts(ctx, model.CountQuery{View: model.ViewResolved}); err != nil {
							b.Error(err)
						}
					})
				}
				wg.Wait()
				tx += env.Store.QueryCount() - before
			}
			b.ReportMetric(float64(tx)/float64(b.N), "tx/op")
		})
	}
}
