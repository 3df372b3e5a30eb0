package cypher_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/ownership"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// deepOwnership is a synthetic structure: the entity prefix+"0-0" at the
// bottom of levels of width entities, each owned in 30 % shares by fanIn
// entities of the level above, the top level on the SDN list: fanIn^levels
// chains of full depth. With circles, each entity above the bottom also
// owns 10 % of an entity of the level above it, so chains can zig-zag.
func deepOwnership(prefix string, levels, width, fanIn int, circles bool) model.Batch {
	var b model.Batch
	id := func(l, i int) string { return fmt.Sprintf("%s%d-%d", prefix, l, i) }
	for l := 0; l <= levels; l++ {
		for i := 0; i < width; i++ {
			b.Entities = append(b.Entities, model.Entity{ID: id(l, i), Kind: schema.Organization, Name: "Deep " + id(l, i), Properties: model.Properties{},
				Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}})
		}
	}
	share := strconv.FormatFloat(90.0/float64(fanIn), 'f', -1, 64)
	for l := 0; l < levels; l++ {
		for i := 0; i < width; i++ {
			for k := 0; k < fanIn; k++ {
				o := id(l+1, (i+k)%width)
				b.Relationships = append(b.Relationships, model.Relationship{ID: "OWNS|" + o + "|" + id(l, i), Type: schema.Owns, FromID: o, ToID: id(l, i),
					Properties: model.Properties{"share": {share}}, Provenance: model.Provenance{Status: schema.Reported, Dataset: "test"}})
			}
			if circles && l > 0 {
				// A circle: this level owns 10 % of one entity of the level above.
				o, to := id(l, i), id(l+1, (i+fanIn)%width)
				b.Relationships = append(b.Relationships, model.Relationship{ID: "OWNS|" + o + "|" + to, Type: schema.Owns, FromID: o, ToID: to,
					Properties: model.Properties{"share": {"10"}}, Provenance: model.Provenance{Status: schema.Reported, Dataset: "test"}})
			}
		}
	}
	for i := 0; i < width; i++ {
		sid := "sanction:" + prefix + strconv.Itoa(i)
		b.Entities = append(b.Entities, model.Entity{ID: sid, Kind: schema.Sanction, Name: "SDN " + sid,
			Properties: model.Properties{"authority": {"Office of Foreign Assets Control"}, "listingDate": {"2020-01-01"}},
			Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}})
		b.Relationships = append(b.Relationships, model.Relationship{ID: "DESIGNATES|" + sid, Type: schema.Designates, FromID: sid, ToID: id(levels, i),
			Properties: model.Properties{}, Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}})
	}
	return b
}

// BenchmarkOwnershipExposure measures one entity's exposure as the
// resolver computes it: the store's read (one transaction, a statement per
// level) and the rules in Go. Small is the 60 % × 90 % chain (60 % under
// OFAC's cascading rule, 54 % look-through); Deep is six levels of eight
// entities, each owned by three of the level above: every level meets the
// rule (90 %), and look-through walks 729 chains of six stakes (0.9^6 =
// 53.1441 %); Circular adds circles between the levels, whose zig-zag
// chains pass the cap of 2000 in the look-through walk.
func BenchmarkOwnershipExposure(b *testing.B) {
	ctx := env.Reset(b)
	batch := ownershipStructures()
	for _, extra := range []model.Batch{deepOwnership("deep:", 6, 8, 3, false), deepOwnership("circ:", 6, 8, 3, true)} {
		batch.Entities = append(batch.Entities, extra.Entities...)
		batch.Relationships = append(batch.Relationships, extra.Relationships...)
	}
	if _, err := env.Store.Write(ctx, batch); err != nil {
		b.Fatal(err)
	}
	rule, _ := ownership.RuleFor("OFAC")
	for _, bc := range []struct{ name, id string }{{"Small", "t2"}, {"Deep", "deep:0-0"}, {"Circular", "circ:0-0"}} {
		b.Run(bc.name, func(b *testing.B) {
			var x *model.OwnershipExposure
			for b.Loop() {
				f, err := env.Store.OwnershipFacts(ctx, model.OwnershipQuery{EntityIDs: []string{bc.id}, At: "2024-06-01"})
				if err != nil {
					b.Fatal(err)
				}
				x = ownership.Exposure(rule, ownership.Input{Facts: f, EntityID: bc.id, At: "2024-06-01"})
			}
			b.ReportMetric(float64(len(x.Chains)), "chains")
			b.ReportMetric(x.Total.Low, "%low")
			b.ReportMetric(x.Total.High, "%high")
			b.ReportMetric(x.LookThrough.Low, "%lookthrough")
		})
	}
}
