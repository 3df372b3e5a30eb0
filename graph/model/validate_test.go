package model_test

import (
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

func TestValidate(t *testing.T) {
	m := schema.MustModel()
	prov := model.Provenance{Status: schema.Confirmed, Dataset: "test"}
	entity := func(edit func(e *model.Entity)) func() error {
		return func() error {
			e := model.Entity{ID: "product:aurus-senat", Kind: schema.Product, Name: "Aurus Senat", Provenance: prov,
				Properties: model.Properties{"hsCode": {"8703"}, "price": {"18000000"}, "flag": {"RU"}}}
			edit(&e)
			return e.Validate(m)
		}
	}
	rel := func(edit func(r *model.Relationship)) func() error {
		return func() error {
			r := model.Relationship{ID: "BASED_IN|org:aurus|state:RU", Type: schema.BasedIn, FromID: "org:aurus", ToID: "state:RU", Provenance: prov}
			edit(&r)
			return r.Validate(m)
		}
	}
	evidence := func(edit func(ev *model.Evidence)) func() error {
		return func() error {
			ev := model.Evidence{ID: "ev:1", FactID: "org:aurus", SourceID: "source:tass", Status: schema.Reported, Basis: "news", StatedOn: "2024-02"}
			edit(&ev)
			return ev.Validate(m)
		}
	}
	tests := []struct {
		name  string
		check func() error
		ok    bool
	}{
		{"EntityOK", entity(func(e *model.Entity) {}), true},
		{"ErrEntityID", entity(func(e *model.Entity) { e.ID = "" }), false},
		{"ErrEntityKind", entity(func(e *model.Entity) { e.Kind = "Planet" }), false},
		{"ErrEntityName", entity(func(e *model.Entity) { e.Name = " " }), false},
		{"ErrEntityStatus", entity(func(e *model.Entity) { e.Status = "rumoured" }), false},
		{"ErrEntityDataset", entity(func(e *model.Entity) { e.Dataset = "" }), false},
		{"ErrValidFrom", entity(func(e *model.Entity) { e.ValidFrom = "2024-02-30" }), false},
		{"ErrValidUntilBeforeFrom", entity(func(e *model.Entity) { e.ValidFrom, e.ValidUntil = "2024-03", "2024-02" }), false},
		{"PartialPeriodOK", entity(func(e *model.Entity) { e.ValidFrom, e.ValidUntil = "2024", "2024-02" }), true},
		{"ErrUndeclared", entity(func(e *model.Entity) { e.Properties["colour"] = []string{"black"} }), false},
		{"ErrTwoValues", entity(func(e *model.Entity) { e.Properties["hsCode"] = []string{"8703", "8704"} }), false},
		{"ErrPriceNaN", entity(func(e *model.Entity) { e.Properties["price"] = []string{"NaN"} }), false},
		{"ErrFlagZZ", entity(func(e *model.Entity) { e.Properties["flag"] = []string{"ZZ"} }), false},
		{"ErrHSCode870", entity(func(e *model.Entity) { e.Properties["hsCode"] = []string{"870"} }), false},
		{"ErrRequired", func() error {
			e := model.Entity{ID: "transfer:x", Kind: schema.Transfer, Name: "x", Provenance: prov}
			return e.Validate(m)
		}, false},
		{"RelationshipOK", rel(func(r *model.Relationship) {}), true},
		{"ErrRelType", rel(func(r *model.Relationship) { r.Type = "LIKES" }), false},
		{"ErrRelIDPrefix", rel(func(r *model.Relationship) { r.ID = "org:aurus->state:RU" }), false},
		{"ErrRelEnds", rel(func(r *model.Relationship) { r.ToID = "" }), false},
		{"ErrRelProperty", rel(func(r *model.Relationship) { r.Properties = model.Properties{"address": {" "}} }), false},
		{"EvidenceOK", evidence(func(ev *model.Evidence) {}), true},
		{"ErrEvidenceFact", evidence(func(ev *model.Evidence) { ev.FactID = "" }), false},
		{"ErrEvidenceSource", evidence(func(ev *model.Evidence) { ev.SourceID = "" }), false},
		{"ErrEvidenceStatus", evidence(func(ev *model.Evidence) { ev.Status = "" }), false},
		{"ErrEvidenceBasis", evidence(func(ev *model.Evidence) { ev.Basis = "rumour" }), false},
		{"ErrEvidenceStatedOn", evidence(func(ev *model.Evidence) { ev.StatedOn = "yesterday" }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check()
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
