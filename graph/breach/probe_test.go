package breach_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/breach"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/curated"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// catalogue builds ViolationFacts from the curated dataset's measures,
// resolutions and votes, exactly as loaded, so probe transfers can be
// assessed against the real DPRK measure catalogue without a database.
func catalogue(tb testing.TB) (*model.ViolationFacts, map[string]*model.Entity) {
	tb.Helper()
	set, err := curated.Read(curated.Dataset())
	if err != nil {
		tb.Fatal(err)
	}
	ents := map[string]*model.Entity{}
	var rels []*model.Relationship
	for _, r := range set.Records {
		for i := range r.Entities {
			ents[r.Entities[i].ID] = &r.Entities[i]
		}
		for i := range r.Relationships {
			rels = append(rels, &r.Relationships[i])
		}
	}
	f := &model.ViolationFacts{Parties: map[string]*model.PartyFacts{}, Votes: map[string][]*model.Relationship{}, Rolls: map[string]int{}}
	byMeasure := map[string]*model.MeasureFacts{}
	var order []string
	measure := func(id string) *model.MeasureFacts {
		if byMeasure[id] == nil {
			byMeasure[id] = &model.MeasureFacts{Measure: ents[id]}
			order = append(order, id)
		}
		return byMeasure[id]
	}
	for _, r := range rels {
		switch r.Type {
		case schema.Imposes:
			m := measure(r.ToID)
			m.ImposedBy = append(m.ImposedBy, model.Link{Rel: r, Other: ents[r.FromID]})
		case schema.Targets:
			m := measure(r.FromID)
			m.Targets = append(m.Targets, model.Link{Rel: r, Other: ents[r.ToID]})
		case schema.Extends:
			m := measure(r.FromID)
			m.Extends = append(m.Extends, model.Link{Rel: r, Other: ents[r.ToID]})
		case schema.VotedOn:
			f.Votes[r.FromID] = append(f.Votes[r.FromID], r)
			f.Rolls[r.ToID]++
		}
	}
	for _, id := range order {
		f.Measures = append(f.Measures, *byMeasure[id])
	}
	return f, ents
}

// probe is a made-up transfer: goods with an HS code, categories and a
// condition, sent by one state to another.
type probe struct {
	name, date, hs, condition, from, to string
	cats                                []string
	want                                []string // obligations breached, in catalogue order
	reason                              model.NotAssessedReason
}

// TestAuditProbesOnTheCatalogue feeds the curated measures the audit's
// probes (section 3.2 and 3.3): its three false positives are no longer
// flagged, its missed cases (the missiles, steel, the busts) are, and the
// Aurus gifts breach two obligations each.
func TestAuditProbesOnTheCatalogue(t *testing.T) {
	probes := []probe{
		{"UsedShipToKP", "2018-06-01", "8901", "used", "state:RU", "state:KP", []string{"vessel"},
			[]string{"measure:unsc-2397-op7", "measure:unsc-2397-op14"}, ""},
		{"AeroplaneToKP", "2017-06-01", "880240", "new", "state:RU", "state:KP", []string{"aircraft"}, nil, model.NoMeasure},
		{"SparePartToKP", "2019-06-01", "8803", "", "state:RU", "state:KP", []string{"parts"}, nil, model.NoMeasure},
		{"NewHelicopterToKP", "2017-06-01", "880212", "new", "state:RU", "state:KP", []string{"helicopter"},
			[]string{"measure:unsc-2321-op30"}, ""},
		{"MissilesFromKP", "2023", "", "", "state:KP", "state:RU", []string{"missile"}, []string{"measure:unsc-1718-op8b"}, ""},
		{"SteelToKP", "2019-06-01", "7208", "", "state:CN", "state:KP", nil, []string{"measure:unsc-2397-op7"}, ""},
		{"BustFromKP", "2024-06-19", "9703", "", "state:KP", "state:RU", []string{"statues"}, []string{"measure:unsc-2321-op28"}, ""},
		{"AurusToKP", "2024-02-18", "8703", "", "state:RU", "state:KP", []string{"luxury_vehicle", "armoured_vehicle"},
			[]string{"measure:unsc-1718-op8a-iii", "measure:unsc-2397-op7"}, ""},
		{"CoalFromKP", "2018-03-01", "2701", "", "state:KP", "state:CN", []string{"coal"},
			[]string{"measure:unsc-2270-op29", "measure:unsc-2371-op8"}, ""},
	}
	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			f, ents := catalogue(t)
			props := model.Properties{}
			if p.hs != "" {
				props["hsCode"] = []string{p.hs}
			}
			if p.condition != "" {
				props["condition"] = []string{p.condition}
			}
			if len(p.cats) > 0 {
				props["category"] = p.cats
			}
			conf := model.Provenance{Status: schema.Confirmed}
			goods := &model.Entity{ID: "p:goods", Kind: schema.Product, Name: "Probe goods", Properties: props, Provenance: conf}
			tr := &model.Entity{ID: "t:probe", Kind: schema.Transfer, Name: "Probe", Properties: model.Properties{"transferKind": {"shipment"}, "date": {p.date}}, Provenance: conf}
			rel := func(typ schema.RelType, from, to string) *model.Relationship {
				return &model.Relationship{ID: string(typ) + "|" + from + "|" + to, Type: typ, FromID: from, ToID: to, Properties: model.Properties{}, Provenance: conf}
			}
			f.Transfers = []model.TransferFacts{{
				Transfer:   tr,
				Goods:      []model.Link{{Rel: rel(schema.Includes, tr.ID, goods.ID), Other: goods}},
				Senders:    []model.Link{{Rel: rel(schema.Sent, p.from, tr.ID), Other: ents[p.from]}},
				Recipients: []model.Link{{Rel: rel(schema.Received, p.to, tr.ID), Other: ents[p.to]}},
			}}
			res := breach.Assess(schema.MustModel(), f, model.ViolationQuery{})
			var got []string
			if len(res.Findings) == 1 {
				for _, b := range res.Findings[0].Breaches {
					got = append(got, b.Measure.ID)
				}
			}
			if !slices.Equal(got, p.want) {
				t.Errorf("breaches %v, want %v (not assessed %+v)", got, p.want, res.NotAssessed)
			}
			if p.reason != "" && (len(res.NotAssessed) != 1 || res.NotAssessed[0].Reason != p.reason) {
				t.Errorf("not assessed %+v, want %s", res.NotAssessed, p.reason)
			}
			if p.name == "SparePartToKP" && !strings.Contains(res.NotAssessed[0].Explanation, "excepted from") {
				t.Errorf("the exception is not named: %q", res.NotAssessed[0].Explanation)
			}
		})
	}
}
