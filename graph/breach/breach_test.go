package breach

import (
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

func TestViolationHSCodes(t *testing.T) {
	tests := []struct {
		product, measure string
		want             bool
	}{
		{"8703", "8703", true},
		{"8703", "87", true},
		{"8703", "86-89", true},
		{"8903", "86-89", true},
		{"8601", "86-89", true},
		{"8503", "86-89", false},
		{"9001", "86-89", false},
		{"8703", "8701-8705", true},
		{"8706", "8701-8705", false},
		{"870321", "8703", true},
		{"870321", "87", true},
		// A product coded less precisely than the measure may be anything
		// in its chapter: no match.
		{"87", "8703", false},
		{"87", "86-89", true},
		{"", "87", false},
		{"8703", "", false},
	}
	for _, tt := range tests {
		if got := hsWithin(tt.product, tt.measure); got != tt.want {
			t.Errorf("hsWithin(%q, %q) = %v, want %v", tt.product, tt.measure, got, tt.want)
		}
	}
}

// graph builds ViolationFacts by hand.
type graph struct {
	f        model.ViolationFacts
	entities map[string]*model.Entity
}

func newGraph() *graph {
	g := &graph{entities: map[string]*model.Entity{}, f: model.ViolationFacts{Parties: map[string]*model.PartyFacts{}, Votes: map[string][]*model.Relationship{}}}
	g.ent("state:KP", schema.State, nil)
	g.ent("state:RU", schema.State, nil)
	g.ent("state:DE", schema.State, nil)
	g.ent("person:kim", schema.Person, nil)
	g.ent("person:sister", schema.Person, nil)
	g.ent("person:putin", schema.Person, nil)
	g.ent("person:stranger", schema.Person, nil)
	g.ent("res:1", schema.Resolution, model.Properties{"number": {"1"}, "adoptedOn": {"2006-10-14"}})
	g.ent("res:2", schema.Resolution, model.Properties{"number": {"2"}, "adoptedOn": {"2013-03-07"}})
	g.ent("res:3", schema.Resolution, model.Properties{"number": {"3"}, "adoptedOn": {"2017-12-22"}})
	g.ent("product:car", schema.Product, model.Properties{"hsCode": {"8703"}, "category": {"luxury_vehicle"}})
	g.ent("product:watch", schema.Product, model.Properties{"category": {"luxury_goods"}})
	g.ent("product:mystery", schema.Product, nil)
	g.ent("res:4", schema.Resolution, model.Properties{"number": {"4"}, "adoptedOn": {"2009-06-12"}})
	g.ent("res:5", schema.Resolution, model.Properties{"number": {"5"}, "adoptedOn": {"2016-11-30"}})
	g.ent("product:missile", schema.Product, model.Properties{"category": {"missile"}})
	g.ent("product:steel", schema.Product, model.Properties{"hsCode": {"7208"}})
	g.ent("product:spare", schema.Product, model.Properties{"hsCode": {"8803"}, "category": {"parts"}})
	g.ent("product:used-ship", schema.Product, model.Properties{"hsCode": {"8901"}, "category": {"vessel"}, "condition": {"used"}})
	g.ent("product:plane", schema.Product, model.Properties{"hsCode": {"880240"}, "category": {"aircraft"}})
	g.ent("product:bust", schema.Product, model.Properties{"hsCode": {"9703"}, "category": {"statues"}})
	g.measure("m:luxury", "res:1", model.Properties{"goodsCategories": {"luxury_goods"}, "inForceFrom": {"2006-10-14"}})
	g.measure("m:annex", "res:2", model.Properties{"goodsCategories": {"luxury_vehicle"}, "hsCodes": {"8703"}, "inForceFrom": {"2013-03-07"}})
	g.measure("m:watches", "res:2", model.Properties{"goodsCategories": {"luxury_goods"}, "inForceFrom": {"2013-03-07"}})
	g.measure("m:transport", "res:3", model.Properties{"hsCodes": {"72-83", "84-85", "86-89"}, "exceptHsCodes": {"8803", "8807"},
		"exceptions": {"spare parts for civil passenger aircraft"}, "inForceFrom": {"2017-12-22"}, "inForceUntil": {"2030"}})
	g.measure("m:arms-export", "res:1", model.Properties{"goodsCategories": {"missile"}, "direction": {"procurement_from"}, "inForceFrom": {"2006-10-14"}})
	g.measure("m:all-arms", "res:4", model.Properties{"goodsCategories": {"weapon", "missile"}, "direction": {"procurement_from"}})
	g.extends("m:all-arms", "m:arms-export")
	g.measure("m:new-vessels", "res:5", model.Properties{"goodsCategories": {"helicopter", "vessel"}, "condition": {"new"}})
	g.measure("m:exports", "res:3", model.Properties{"hsCodes": {"89", "9703"}, "direction": {"procurement_from"}})
	g.extends("m:annex", "m:luxury")
	g.extends("m:watches", "m:luxury")
	g.tie(schema.Leads, "person:kim", "state:KP", "")
	g.tie(schema.Leads, "person:putin", "state:RU", "2012-05-07")
	g.tie(schema.WorksFor, "person:sister", "state:KP", "2030-01-01") // not yet
	g.vote("state:RU", "res:1", "for")
	g.vote("state:RU", "res:3", "for")
	return g
}

func (g *graph) ent(id string, k schema.Kind, p model.Properties) *model.Entity {
	if p == nil {
		p = model.Properties{}
	}
	e := &model.Entity{ID: id, Kind: k, Name: "Name of " + id, Properties: p, Provenance: model.Provenance{Status: schema.Confirmed}}
	g.entities[id] = e
	return e
}

func (g *graph) rel(t schema.RelType, from, to string, p model.Properties) *model.Relationship {
	if p == nil {
		p = model.Properties{}
	}
	return &model.Relationship{ID: string(t) + "|" + from + "|" + to, Type: t, FromID: from, ToID: to, Properties: p,
		Provenance: model.Provenance{Status: schema.Confirmed}}
}

func (g *graph) measure(id, res string, p model.Properties) {
	m := g.ent(id, schema.Measure, p)
	g.f.Measures = append(g.f.Measures, model.MeasureFacts{Measure: m,
		ImposedBy: []model.Link{{Rel: g.rel(schema.Imposes, res, id, nil), Other: g.entities[res]}},
		Targets:   []model.Link{{Rel: g.rel(schema.Targets, id, "state:KP", nil), Other: g.entities["state:KP"]}},
	})
}

func (g *graph) extends(from, to string) {
	for i := range g.f.Measures {
		if g.f.Measures[i].Measure.ID == from {
			g.f.Measures[i].Extends = append(g.f.Measures[i].Extends, model.Link{Rel: g.rel(schema.Extends, from, to, nil), Other: g.entities[to]})
		}
	}
}

func (g *graph) party(id string) *model.PartyFacts {
	if g.f.Parties[id] == nil {
		g.f.Parties[id] = &model.PartyFacts{Entity: g.entities[id]}
	}
	return g.f.Parties[id]
}

func (g *graph) tie(t schema.RelType, from, to, validFrom string) {
	r := g.rel(t, from, to, nil)
	r.ValidFrom = validFrom
	p := g.party(from)
	p.Ties = append(p.Ties, model.Link{Rel: r, Other: g.entities[to]})
}

func (g *graph) vote(state, res, vote string) {
	g.f.Votes[state] = append(g.f.Votes[state], g.rel(schema.VotedOn, state, res, model.Properties{"vote": {vote}}))
}

// transfer adds a transfer; parties are "SENT:id", "RECEIVED:id",
// "RECEIVED:id>principal", "VIA0:id", "VIA2:id"; goods are product ids.
func (g *graph) transfer(id, date string, goods []string, parties ...string) *model.TransferFacts {
	p := model.Properties{"transferKind": {"gift"}}
	if date != "" {
		p["date"] = []string{date}
	}
	tf := model.TransferFacts{Transfer: g.ent(id, schema.Transfer, p)}
	for _, gd := range goods {
		tf.Goods = append(tf.Goods, model.Link{Rel: g.rel(schema.Includes, id, gd, nil), Other: g.entities[gd]})
	}
	for _, pt := range parties {
		kind, who, _ := strings.Cut(pt, ":")
		who, principal, _ := strings.Cut(who, ">")
		switch kind {
		case "SENT":
			tf.Senders = append(tf.Senders, model.Link{Rel: g.rel(schema.Sent, who, id, nil), Other: g.entities[who]})
			g.party(who)
		case "RECEIVED":
			r := g.rel(schema.Received, who, id, nil)
			if principal != "" {
				r.Properties["onBehalfOf"] = []string{principal}
				g.party(principal)
			}
			tf.Recipients = append(tf.Recipients, model.Link{Rel: r, Other: g.entities[who]})
			g.party(who)
		case "VIA0", "VIA2":
			tf.Route = append(tf.Route, model.Link{Rel: g.rel(schema.Via, id, who, model.Properties{"leg": {kind[3:]}}), Other: g.entities[who]})
			g.party(who)
		}
	}
	if date == "" {
		g.f.Undated = append(g.f.Undated, tf)
		return &g.f.Undated[len(g.f.Undated)-1]
	}
	g.f.Transfers = append(g.f.Transfers, tf)
	return &g.f.Transfers[len(g.f.Transfers)-1]
}

func (g *graph) assess(q model.ViolationQuery) *model.ViolationResult {
	return Assess(schema.MustModel(), &g.f, q)
}

func measures(v *model.PotentialViolation) []string {
	var out []string
	for _, b := range v.Breaches {
		out = append(out, b.Measure.ID)
	}
	return out
}

func TestViolationRules(t *testing.T) {
	tests := []struct {
		name     string
		date     string
		goods    []string
		parties  []string
		want     []string // measures breached; nil: no finding
		notAsked model.NotAssessedReason
	}{
		// One breach per obligation: the annex is read with the luxury ban.
		{"CarAfter2017", "2024-02-18", []string{"product:car"}, []string{"SENT:state:RU", "RECEIVED:person:kim"},
			[]string{"m:luxury", "m:transport"}, ""},
		// Before 2013 the car falls under the general ban only.
		{"CarIn2010", "2010-05-01", []string{"product:car"}, []string{"RECEIVED:person:kim"}, []string{"m:luxury"}, ""},
		// 2017 as a whole is not covered by the 2017-12-22 ban.
		{"PartialYear", "2017", []string{"product:car"}, []string{"RECEIVED:person:kim"}, []string{"m:luxury"}, ""},
		{"PartialMonth", "2017-12", []string{"product:car"}, []string{"RECEIVED:person:kim"}, []string{"m:luxury"}, ""},
		// The transport ban ends in 2030.
		{"AfterEnd", "2031-01-01", []string{"product:car"}, []string{"RECEIVED:person:kim"}, []string{"m:luxury"}, ""},
		{"Watch", "2024-01-01", []string{"product:watch"}, []string{"RECEIVED:person:kim"}, []string{"m:luxury"}, ""},
		{"BeforeAnything", "2005-01-01", []string{"product:car"}, []string{"RECEIVED:person:kim"}, nil, model.NoMeasure},
		{"TargetItself", "2024-01-01", []string{"product:car"}, []string{"RECEIVED:state:KP"}, []string{"m:luxury", "m:transport"}, ""},
		{"OnBehalf", "2024-01-01", []string{"product:car"}, []string{"RECEIVED:person:stranger>person:kim"}, []string{"m:luxury", "m:transport"}, ""},
		{"Untied", "2024-01-01", []string{"product:car"}, []string{"RECEIVED:person:stranger"}, nil, model.NotTied},
		// The sister's tie starts in 2030.
		{"TieNotYet", "2024-01-01", []string{"product:car"}, []string{"RECEIVED:person:sister"}, nil, model.NotTied},
		{"NoDate", "", []string{"product:car"}, []string{"RECEIVED:person:kim"}, nil, model.NoDate},
		{"BadDate", "2024-02-30", []string{"product:car"}, []string{"RECEIVED:person:kim"}, nil, model.NoDate},
		{"NoGoods", "2024-01-01", nil, []string{"RECEIVED:person:kim"}, nil, model.NoGoods},
		{"Unclassified", "2024-01-01", []string{"product:mystery"}, []string{"RECEIVED:person:kim"}, nil, model.UnclassifiedGoods},
		{"NoRecipient", "2024-01-01", []string{"product:car"}, []string{"SENT:state:RU", "VIA0:state:KP"}, nil, model.NoRecipient},
		// The audit's probes (section 3.2 and 3.3).
		{"MissilesProcured", "2023", []string{"product:missile"}, []string{"SENT:state:KP", "RECEIVED:state:RU"}, []string{"m:arms-export"}, ""},
		{"MissilesSuppliedToKP", "2023", []string{"product:missile"}, []string{"SENT:state:RU", "RECEIVED:state:KP"}, nil, model.NotTied},
		{"Steel", "2019-01-01", []string{"product:steel"}, []string{"RECEIVED:state:KP"}, []string{"m:transport"}, ""},
		{"SpareParts", "2019-01-01", []string{"product:spare"}, []string{"RECEIVED:state:KP"}, nil, model.NoMeasure},
		// A used ship to the DPRK: the transport ban, not the export ban or the new-vessels ban.
		{"UsedShip", "2018-06-01", []string{"product:used-ship"}, []string{"RECEIVED:state:KP"}, []string{"m:transport"}, ""},
		{"Aeroplane2017", "2017-06-01", []string{"product:plane"}, []string{"RECEIVED:state:KP"}, nil, model.NoMeasure},
		{"BustProcured", "2024-06-19", []string{"product:bust"}, []string{"SENT:person:kim", "RECEIVED:person:putin"}, []string{"m:exports"}, ""},
		{"Attempt", "2020", []string{"product:car"}, []string{"VIA0:state:DE", "VIA2:state:KP"}, []string{"m:luxury", "m:transport"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGraph()
			g.transfer("t:1", tt.date, tt.goods, tt.parties...)
			res := g.assess(model.ViolationQuery{})
			switch {
			case tt.want == nil && len(res.Findings) > 0:
				t.Fatalf("flagged: %v", measures(res.Findings[0]))
			case tt.want != nil && len(res.Findings) != 1:
				t.Fatalf("%d findings, want 1 (not assessed: %+v)", len(res.Findings), res.NotAssessed)
			case tt.want != nil && !slices.Equal(measures(res.Findings[0]), tt.want):
				t.Fatalf("breaches %v, want %v", measures(res.Findings[0]), tt.want)
			}
			var reason model.NotAssessedReason
			if len(res.NotAssessed) > 0 {
				reason = res.NotAssessed[0].Reason
			}
			if reason != tt.notAsked {
				t.Errorf("not assessed %q, want %q", reason, tt.notAsked)
			}
		})
	}
}

func TestViolationDetails(t *testing.T) {
	g := newGraph()
	g.transfer("t:gift", "2024-02-18", []string{"product:car"}, "SENT:person:putin", "SENT:state:RU", "RECEIVED:person:stranger>person:kim")
	g.transfer("t:smuggled", "2024-03-01", []string{"product:car"}, "VIA0:state:DE", "RECEIVED:person:kim")
	res := g.assess(model.ViolationQuery{})
	if len(res.Findings) != 2 {
		t.Fatalf("%d findings", len(res.Findings))
	}

	t.Run("ExtensionAndVotes", func(t *testing.T) {
		v := res.Findings[0]
		luxury := v.Breaches[0]
		if luxury.Measure.ID != "m:luxury" || len(luxury.ExtendedBy) != 1 || luxury.ExtendedBy[0].ID != "m:annex" {
			t.Fatalf("luxury breach %+v", luxury)
		}
		want := []string{
			"Name of product:car: category luxury_vehicle is a kind of luxury_goods, which is listed",
			"Name of product:car: falls under Name of m:annex, which extends this measure (EXTENDS)",
		}
		if !slices.Equal(luxury.MatchedBy, want) {
			t.Errorf("matchedBy %q", luxury.MatchedBy)
		}
		var votes []string
		for _, b := range v.Breaches {
			for _, rv := range b.Resolutions {
				for _, vt := range rv.SupplierVotes {
					s := rv.Resolution.ID + " " + vt.State.ID + " " + string(vt.Role) + " "
					if vt.Vote != nil {
						s += *vt.Vote
					}
					votes = append(votes, s)
				}
			}
		}
		if want := []string{"res:1 state:RU SUPPLIER for", "res:2 state:RU SUPPLIER ", "res:3 state:RU SUPPLIER for"}; !slices.Equal(votes, want) {
			t.Errorf("votes %q", votes)
		}
		if len(v.Suppliers) != 2 || len(v.Suppliers[0].Ties) != 1 || v.Suppliers[0].States[0].ID != "state:RU" {
			t.Errorf("suppliers %+v", v.Suppliers)
		}
		r := v.Recipients[0]
		if r.OnBehalfOf == nil || r.OnBehalfOf.ID != "person:kim" || len(r.Ties) != 1 || r.Ties[0].Type != schema.Leads {
			t.Errorf("recipient %+v", r)
		}
		text := strings.Join(v.Explanation, "\n")
		for _, s := range []string{"on behalf of Name of person:kim, who leads Name of state:KP (LEADS)",
			"No vote of Name of state:RU is recorded on resolution 2, whose roll is incomplete in the graph.", "Name of state:RU voted for resolutions 1 and 3 (VOTED_ON).",
			"extends Name of m:luxury (EXTENDS)"} {
			if !strings.Contains(text, s) {
				t.Errorf("explanation lacks %q:\n%s", s, text)
			}
		}
	})

	t.Run("OriginNotSupplier", func(t *testing.T) {
		v := res.Findings[1]
		if len(v.Suppliers) != 1 || v.Suppliers[0].Role != model.RoleOrigin || v.Suppliers[0].Entity.ID != "state:DE" {
			t.Fatalf("suppliers %+v", v.Suppliers)
		}
		vt := v.Breaches[0].Resolutions[0].SupplierVotes[0]
		if vt.Role != model.RoleOrigin || vt.Vote != nil || vt.Relationship != nil {
			t.Errorf("origin vote %+v", vt)
		}
		if !slices.ContainsFunc(v.Facts, func(f *model.Fact) bool { return f.Role == model.FactOrigin }) ||
			slices.ContainsFunc(v.Facts, func(f *model.Fact) bool { return f.Role == model.FactSent }) {
			t.Errorf("facts %+v", v.Facts)
		}
	})

	t.Run("WeakestAndMinStatus", func(t *testing.T) {
		g := newGraph()
		tf := g.transfer("t:weak", "2024-01-01", []string{"product:car"}, "RECEIVED:person:kim")
		tf.Goods[0].Rel.Status = schema.Alleged
		v := g.assess(model.ViolationQuery{}).Findings[0]
		if v.WeakestStatus != schema.Alleged || v.Breaches[0].WeakestStatus != schema.Alleged {
			t.Errorf("weakest %s / %s", v.WeakestStatus, v.Breaches[0].WeakestStatus)
		}
		if !strings.Contains(v.Explanation[len(v.Explanation)-1], "alleged (INCLUDES Name of t:weak → Name of product:car)") {
			t.Errorf("explanation %q", v.Explanation[len(v.Explanation)-1])
		}
		if n := len(g.assess(model.ViolationQuery{MinStatus: schema.Reported}).Findings); n != 0 {
			t.Errorf("minStatus reported: %d findings", n)
		}
	})

	t.Run("Filters", func(t *testing.T) {
		tests := []struct {
			name string
			q    model.ViolationQuery
			want int
		}{
			{"SupplierState", model.ViolationQuery{SupplierID: "state:RU"}, 1},
			{"Origin", model.ViolationQuery{SupplierID: "state:DE"}, 1},
			{"RecipientPrincipal", model.ViolationQuery{RecipientID: "person:kim"}, 2},
			{"RecipientTarget", model.ViolationQuery{RecipientID: "state:KP"}, 2},
			{"RecipientOther", model.ViolationQuery{RecipientID: "state:RU"}, 0},
			{"Resolution", model.ViolationQuery{Resolution: 3}, 2},
			{"UnknownResolution", model.ViolationQuery{Resolution: 42}, 0},
			{"Category", model.ViolationQuery{Category: "motor_vehicle"}, 2},
			{"OtherCategory", model.ViolationQuery{Category: "weapon"}, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if n := len(g.assess(tt.q).Findings); n != tt.want {
					t.Errorf("%d findings, want %d", n, tt.want)
				}
			})
		}
	})
}

func TestViolationNotAssessedFollowsPartyFilters(t *testing.T) {
	g := newGraph()
	g.transfer("t:undated", "", []string{"product:car"}, "SENT:state:RU", "RECEIVED:person:kim")
	g.transfer("t:nogoods", "2024-01-01", nil, "SENT:person:putin", "RECEIVED:person:stranger")
	tests := []struct {
		name string
		q    model.ViolationQuery
		want []string
	}{
		{"All", model.ViolationQuery{}, []string{"t:nogoods", "t:undated"}},
		{"SupplierState", model.ViolationQuery{SupplierID: "state:RU"}, []string{"t:nogoods", "t:undated"}},
		{"Recipient", model.ViolationQuery{RecipientID: "person:kim"}, []string{"t:undated"}},
		{"RecipientNone", model.ViolationQuery{RecipientID: "state:DE"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, na := range g.assess(tt.q).NotAssessed {
				got = append(got, na.Transfer.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("not assessed %v, want %v", got, tt.want)
			}
		})
	}
}

func TestViolationDirectionsAndVotes(t *testing.T) {
	t.Run("Procurement", func(t *testing.T) {
		g := newGraph()
		g.ent("state:IT", schema.State, nil)
		g.vote("state:RU", "res:4", "for")
		tf := g.transfer("t:missiles", "2023", []string{"product:missile"}, "SENT:state:KP", "RECEIVED:state:RU")
		tf.Reactions = append(tf.Reactions, model.Link{Rel: g.rel(schema.ReactedTo, "state:RU", "t:missiles", model.Properties{"stance": {"denied"}}), Other: g.entities["state:RU"]})
		v := g.assess(model.ViolationQuery{}).Findings[0]
		b := v.Breaches[0]
		if b.Direction != model.ProcurementFrom || len(b.ExtendedBy) != 1 || b.ExtendedBy[0].ID != "m:all-arms" {
			t.Fatalf("breach %+v", b)
		}
		if len(v.Procurers) != 1 || v.Procurers[0].Role != model.RoleProcurer || v.Procurers[0].States[0].ID != "state:RU" {
			t.Fatalf("procurers %+v", v.Procurers)
		}
		var votes []string
		for _, rv := range b.Resolutions {
			for _, vt := range rv.SupplierVotes {
				votes = append(votes, rv.Resolution.ID+" "+vt.State.ID+" "+string(vt.Role)+" "+string(vt.Record))
			}
		}
		if want := []string{"res:1 state:RU PROCURER RECORDED", "res:4 state:RU PROCURER RECORDED"}; !slices.Equal(votes, want) {
			t.Errorf("votes %q", votes)
		}
		if !v.ContestedBySupplier || len(v.Contests) != 1 {
			t.Errorf("contested %v %v", v.ContestedBySupplier, v.Contests)
		}
		if n := len(g.assess(model.ViolationQuery{Resolution: 4}).Findings); n != 1 {
			t.Errorf("resolution 4 (read with): %d findings", n)
		}
		if n := len(g.assess(model.ViolationQuery{SupplierID: "state:RU"}).Findings); n != 1 {
			t.Errorf("supplier RU (procurer): %d findings", n)
		}
	})

	t.Run("NotAMember", func(t *testing.T) {
		g := newGraph()
		g.ent("state:IT", schema.State, nil)
		g.entities["res:1"].Properties["votesFor"] = []string{"1"}
		g.entities["res:3"].Properties["votesFor"] = []string{"2"}
		g.vote("state:IT", "res:3", "for")
		g.f.Rolls = map[string]int{"res:1": 1, "res:3": 2}
		g.transfer("t:car", "2018-06-14", []string{"product:car"}, "VIA0:state:IT", "RECEIVED:person:kim")
		v := g.assess(model.ViolationQuery{}).Findings[0]
		got := map[string]model.VoteRecord{}
		for _, b := range v.Breaches {
			for _, rv := range b.Resolutions {
				for _, vt := range rv.SupplierVotes {
					got[rv.Resolution.ID] = vt.Record
				}
			}
		}
		want := map[string]model.VoteRecord{"res:1": model.NotAMember, "res:2": model.VoteNotRecorded, "res:3": model.VoteRecorded}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %s, want %s", k, got[k], w)
			}
		}
		if text := strings.Join(v.Explanation, "\n"); !strings.Contains(text, "Name of state:IT was not a member of the Security Council when resolution 1 was adopted") {
			t.Errorf("explanation:\n%s", text)
		}
	})

	t.Run("Attempt", func(t *testing.T) {
		g := newGraph()
		g.transfer("t:lexus", "2020", []string{"product:car"}, "VIA0:state:DE", "VIA2:state:KP")
		v := g.assess(model.ViolationQuery{}).Findings[0]
		if !v.Attempted || !slices.ContainsFunc(v.Facts, func(f *model.Fact) bool { return f.Role == model.FactRouteEnd }) {
			t.Errorf("attempt %+v", v)
		}
	})

	t.Run("ExceptionNamed", func(t *testing.T) {
		g := newGraph()
		g.transfer("t:spare", "2019-01-01", []string{"product:spare"}, "RECEIVED:state:KP")
		na := g.assess(model.ViolationQuery{}).NotAssessed
		if len(na) != 1 || !strings.Contains(na[0].Explanation, "excepted from Name of m:transport (spare parts for civil passenger aircraft)") {
			t.Errorf("not assessed %+v", na)
		}
	})
}
