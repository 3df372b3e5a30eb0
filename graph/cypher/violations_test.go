package cypher_test

import (
	"context"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/breach"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/loaders/curated"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// batchSink collects a loader's records into one batch, dropping the
// repeated reference records as the CLI's writer does.
type batchSink struct {
	b   model.Batch
	ids map[string]bool
}

func (s *batchSink) Record(ctx context.Context, r loaders.Record) error {
	for _, e := range r.Entities {
		if !s.ids["e:"+e.ID] {
			s.ids["e:"+e.ID] = true
			s.b.Entities = append(s.b.Entities, e)
		}
	}
	s.b.Relationships = append(s.b.Relationships, r.Relationships...)
	for _, ev := range r.Evidence {
		if !s.ids["v:"+ev.ID] {
			s.ids["v:"+ev.ID] = true
			s.b.Evidence = append(s.b.Evidence, ev)
		}
	}
	return nil
}

func (s *batchSink) Skip(ctx context.Context, sk loaders.Skipped) error { return nil }

// writeCurated loads the curated dataset into the test's Neo4j.
func writeCurated(tb testing.TB, ctx context.Context, st *cypher.Store) {
	tb.Helper()
	sink := &batchSink{ids: map[string]bool{}}
	if _, err := curated.Load(ctx, curated.Dataset(), sink); err != nil {
		tb.Fatal(err)
	}
	if _, err := st.Write(ctx, sink.b); err != nil {
		tb.Fatal(err)
	}
}

// assess runs the store query and the rules, as the resolver does.
func assess(tb testing.TB, ctx context.Context, q model.ViolationQuery) *model.ViolationResult {
	tb.Helper()
	f, err := env.Store.ViolationFacts(ctx, q)
	if err != nil {
		tb.Fatal(err)
	}
	return breach.Assess(schema.MustModel(), f, q)
}

func finding(res *model.ViolationResult, transferID string) *model.PotentialViolation {
	for _, v := range res.Findings {
		if v.Transfer.ID == transferID {
			return v
		}
	}
	return nil
}

func breachOf(v *model.PotentialViolation, measureID string) *model.Breach {
	for _, b := range v.Breaches {
		if b.Measure.ID == measureID {
			return b
		}
	}
	return nil
}

func measureIDs(v *model.PotentialViolation) []string {
	var out []string
	for _, b := range v.Breaches {
		out = append(out, b.Measure.ID)
	}
	return out
}

// votesOf returns, for a breach, "resolution:state=vote" for every vote.
func votesOf(b *model.Breach) []string {
	var out []string
	for _, rv := range b.Resolutions {
		for _, v := range rv.SupplierVotes {
			vote := "none"
			if v.Vote != nil {
				vote = *v.Vote
				if v.Relationship == nil || v.Relationship.Type != schema.VotedOn {
					vote += "(no relationship)"
				}
			}
			out = append(out, rv.Resolution.ID+":"+v.State.ID+"="+vote)
		}
	}
	return out
}

func hasFact(v *model.PotentialViolation, role model.FactRole, id string) bool {
	return slices.ContainsFunc(v.Facts, func(f *model.Fact) bool {
		return f.Role == role && ((f.Entity != nil && f.Entity.ID == id) || (f.Relationship != nil && f.Relationship.ID == id))
	})
}

// voteRecords returns, for a breach, "resolution:state=record/vote" for
// every vote.
func voteRecords(b *model.Breach) []string {
	var out []string
	for _, rv := range b.Resolutions {
		for _, v := range rv.SupplierVotes {
			s := rv.Resolution.ID + ":" + v.State.ID + "=" + string(v.Record)
			if v.Vote != nil {
				s += "/" + *v.Vote
			}
			out = append(out, s)
		}
	}
	return out
}

// TestPotentialViolationsCurated runs the rules over the curated dataset:
// the story transfers are found with their obligations (one breach each,
// definitions read with them), directions, votes, contests and statuses,
// and every transfer is either a finding or not assessed (issue 14).
func TestPotentialViolationsCurated(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	res := assess(t, ctx, model.ViolationQuery{})
	if res.Truncated || res.Assessed == 0 {
		t.Fatalf("assessed %d, truncated %v", res.Assessed, res.Truncated)
	}
	if len(res.Findings)+len(res.NotAssessed) != res.Assessed {
		t.Errorf("%d findings + %d not assessed != %d assessed: every transfer in range must be one or the other",
			len(res.Findings), len(res.NotAssessed), res.Assessed)
	}

	t.Run("AurusGiftsTwoObligationsEach", func(t *testing.T) {
		for _, id := range []string{"transfer:aurus-gift-2024-02", "transfer:aurus-gift-2024-06"} {
			v := finding(res, id)
			if v == nil {
				t.Fatalf("%s is not found", id)
			}
			if got := measureIDs(v); !slices.Equal(got, []string{"measure:unsc-1718-op8a-iii", "measure:unsc-2397-op7"}) {
				t.Errorf("%s: obligations %v, want 1718 OP 8(a)(iii) and 2397 OP 7", id, got)
			}
			luxury := breachOf(v, "measure:unsc-1718-op8a-iii")
			if luxury == nil || len(luxury.ExtendedBy) != 1 || luxury.ExtendedBy[0].ID != "measure:unsc-2094-annex-iv" ||
				luxury.Reading != "1718 OP 8(a)(iii), read with 2094 OP 23 and Annex IV" || luxury.Direction != model.SupplyTo {
				t.Errorf("%s: 1718 breach %+v", id, luxury)
			}
			if b := breachOf(v, "measure:unsc-2397-op7"); b == nil || !slices.Contains(b.MatchedBy, "Aurus Senat: HS 8703 lies within 86-89") {
				t.Errorf("%s: 2397 breach %+v", id, b)
			}
		}
		v := finding(res, "transfer:aurus-gift-2024-02")
		if got := votesOf(breachOf(v, "measure:unsc-1718-op8a-iii")); !slices.Equal(got, []string{"resolution:unsc-1718:state:RU=for", "resolution:unsc-2094:state:RU=for"}) {
			t.Errorf("votes %v", got)
		}
		// Russia's foreign ministry defended the gift: contested by the supplier.
		if !v.ContestedBySupplier || len(v.Contests) != 1 || v.Contests[0].FromID != "org:russian-mfa" {
			t.Errorf("contested %v %+v", v.ContestedBySupplier, v.Contests)
		}
		// The body type (limousine or sedan) is disputed: the INCLUDES is
		// DISPUTED (derived), and so is the weakest status.
		if v.WeakestStatus != schema.Disputed {
			t.Errorf("weakest status %s, want disputed", v.WeakestStatus)
		}
		for _, f := range []struct {
			role model.FactRole
			id   string
		}{
			{model.FactIncludes, "INCLUDES|transfer:aurus-gift-2024-02|product:aurus-senat"},
			{model.FactImposes, "IMPOSES|resolution:unsc-2397|measure:unsc-2397-op7"},
			{model.FactImposes, "IMPOSES|resolution:unsc-2094|measure:unsc-2094-annex-iv"},
			{model.FactExtends, "EXTENDS|measure:unsc-2094-annex-iv|measure:unsc-1718-op8a-iii"},
			{model.FactReceived, "RECEIVED|person:kim-yo-jong|transfer:aurus-gift-2024-02"},
			{model.FactRecipientTie, "LEADS|person:kim-jong-un|state:KP"},
			{model.FactSent, "SENT|state:RU|transfer:aurus-gift-2024-02"},
			{model.FactSupplierTie, "LEADS|person:vladimir-putin|state:RU"},
			{model.FactVotedOn, "VOTED_ON|state:RU|resolution:unsc-2094"},
			{model.FactContest, "REACTED_TO|org:russian-mfa|transfer:aurus-gift-2024-02"},
		} {
			if !hasFact(v, f.role, f.id) {
				t.Errorf("no %s fact %s", f.role, f.id)
			}
		}
		text := strings.Join(v.Explanation, "\n")
		for _, s := range []string{"Russian Federation voted for resolutions 1718, 2094 and 2397", "Contested by the supplier's side"} {
			if !strings.Contains(text, s) {
				t.Errorf("explanation lacks %q:\n%s", s, text)
			}
		}
	})

	t.Run("MissilesProcuredByRussia", func(t *testing.T) {
		v := finding(res, "transfer:dprk-russia-ballistic-missiles")
		if v == nil {
			t.Fatalf("the DPRK-Russia missile transfer is not found; not assessed: %+v", res.NotAssessed)
		}
		b := breachOf(v, "measure:unsc-1718-op8b")
		if b == nil || b.Direction != model.ProcurementFrom || len(b.ExtendedBy) != 1 || b.ExtendedBy[0].ID != "measure:unsc-1874-op9" {
			t.Fatalf("breaches %v, 1718 OP 8(b): %+v", measureIDs(v), b)
		}
		if b.Reading != "1718 OP 8(b), read with 1874 OP 9" {
			t.Errorf("reading %q", b.Reading)
		}
		if len(v.Procurers) != 1 || v.Procurers[0].Entity.ID != "state:RU" || v.Procurers[0].Role != model.RoleProcurer {
			t.Errorf("procurers %+v", v.Procurers)
		}
		if got := votesOf(b); !slices.Equal(got, []string{"resolution:unsc-1718:state:RU=for", "resolution:unsc-1874:state:RU=for"}) {
			t.Errorf("votes %v", got)
		}
		for _, rv := range b.Resolutions {
			for _, vt := range rv.SupplierVotes {
				if vt.Role != model.RoleProcurer {
					t.Errorf("vote role %s, want PROCURER", vt.Role)
				}
			}
		}
		// Russia denied the transfers.
		if !v.ContestedBySupplier {
			t.Errorf("not contested; reactions %d", len(v.Reactions))
		}
		if v.WeakestStatus != schema.Alleged {
			t.Errorf("weakest %s, want alleged", v.WeakestStatus)
		}
		for _, q := range []model.ViolationQuery{{Resolution: 1874}, {SupplierID: "state:KP"}, {RecipientID: "state:RU"}} {
			if finding(assess(t, ctx, q), "transfer:dprk-russia-ballistic-missiles") == nil {
				t.Errorf("%+v does not find the missile transfer", q)
			}
		}
	})

	t.Run("MaybachShipment2018", func(t *testing.T) {
		v := finding(res, "transfer:maybach-shipment-2018")
		if v == nil {
			t.Fatal("the 2018 Maybach shipment is not found")
		}
		if got := measureIDs(v); !slices.Equal(got, []string{"measure:unsc-1718-op8a-iii", "measure:unsc-2397-op7"}) {
			t.Errorf("obligations %v", got)
		}
		// C4ADS's "likely": the receipt is alleged; the models of the two
		// cars are disputed (C4ADS against NRC), so the weakest is DISPUTED.
		if v.WeakestStatus != schema.Disputed {
			t.Errorf("weakest status %s, want disputed", v.WeakestStatus)
		}
		if !slices.ContainsFunc(v.Facts, func(f *model.Fact) bool {
			return f.Role == model.FactReceived && f.Relationship.ID == "RECEIVED|person:kim-jong-un|transfer:maybach-shipment-2018" && f.Status == schema.Alleged
		}) {
			t.Errorf("Kim's receipt is not used as alleged")
		}
		var origins []string
		for _, p := range v.Suppliers {
			if p.Role != model.RoleOrigin {
				t.Errorf("%s has role %s: nobody SENT the shipment", p.Entity.ID, p.Role)
			}
			origins = append(origins, p.Entity.ID)
		}
		if slices.Sort(origins); !slices.Equal(origins, []string{"state:DE", "state:IT"}) {
			t.Errorf("origins %v", origins)
		}
		// Italy sat on the Council in 2017 and voted for 2397; neither Italy
		// nor Germany was a member in 2006 or 2013.
		var all []string
		for _, b := range v.Breaches {
			all = append(all, voteRecords(b)...)
		}
		for _, want := range []string{
			"resolution:unsc-2397:state:IT=RECORDED/for", "resolution:unsc-2397:state:DE=NOT_A_MEMBER",
			"resolution:unsc-1718:state:IT=NOT_A_MEMBER", "resolution:unsc-2094:state:DE=NOT_A_MEMBER",
		} {
			if !slices.Contains(all, want) {
				t.Errorf("votes lack %s: %v", want, all)
			}
		}
		text := strings.Join(v.Explanation, "\n")
		if !strings.Contains(text, "Italy voted for resolution 2397") || strings.Contains(text, "No vote of Italy") {
			t.Errorf("explanation:\n%s", text)
		}
	})

	t.Run("LexusAttempt", func(t *testing.T) {
		v := finding(res, "transfer:lexus-lx570-attempt-2020")
		if v == nil || !v.Attempted {
			t.Fatalf("the Lexus attempt is not assessed as an attempt: %+v; not assessed %+v", v, res.NotAssessed)
		}
		if !hasFact(v, model.FactRouteEnd, "VIA|transfer:lexus-lx570-attempt-2020|state:KP") {
			t.Errorf("facts lack the route's end")
		}
	})

	t.Run("BustsProcuredFromKim", func(t *testing.T) {
		v := finding(res, "transfer:kim-gifts-to-putin-2024-06")
		if v == nil {
			t.Fatalf("Kim's gift of busts is not found; not assessed %+v", res.NotAssessed)
		}
		b := breachOf(v, "measure:unsc-2321-op28")
		if b == nil || b.Direction != model.ProcurementFrom || len(v.Procurers) != 1 || v.Procurers[0].States[0].ID != "state:RU" {
			t.Errorf("breaches %v, procurers %+v", measureIDs(v), v.Procurers)
		}
		// 2321 OP 28's paragraph is not verified, so the measure is reported.
		if v.WeakestStatus.Rank() > schema.Reported.Rank() {
			t.Errorf("weakest %s", v.WeakestStatus)
		}
	})

	t.Run("Filters", func(t *testing.T) {
		const (
			maybach  = "transfer:maybach-shipment-2018"
			lexus    = "transfer:lexus-lx570-attempt-2020"
			missiles = "transfer:dprk-russia-ballistic-missiles"
			gift1    = "transfer:aurus-gift-2024-02"
			gift2    = "transfer:aurus-gift-2024-06"
			busts    = "transfer:kim-gifts-to-putin-2024-06"
		)
		tests := []struct {
			name string
			q    model.ViolationQuery
			want []string
		}{
			{"SupplierState", model.ViolationQuery{SupplierID: "state:RU"}, []string{missiles, gift1, gift2, busts}},
			{"SupplierPerson", model.ViolationQuery{SupplierID: "person:vladimir-putin"}, []string{gift1, gift2, busts}},
			{"Origin", model.ViolationQuery{SupplierID: "state:DE"}, []string{maybach}},
			{"RecipientTarget", model.ViolationQuery{RecipientID: "state:KP"}, []string{maybach, lexus, gift1, gift2}},
			{"RecipientOnBehalf", model.ViolationQuery{RecipientID: "person:kim-yo-jong"}, []string{gift1}},
			{"Resolution", model.ViolationQuery{Resolution: 2094}, []string{maybach, lexus, gift1, gift2}},
			{"ResolutionReadWith", model.ViolationQuery{Resolution: 1874}, []string{missiles}},
			{"UnknownResolution", model.ViolationQuery{Resolution: 9999}, nil},
			{"CategoryBroader", model.ViolationQuery{Category: "motor_vehicle"}, []string{maybach, lexus, gift1, gift2}},
			{"CategoryArmoured", model.ViolationQuery{Category: "armoured_vehicle"}, []string{maybach}},
			{"CategoryNone", model.ViolationQuery{Category: "vessel"}, nil},
			{"DateRange", model.ViolationQuery{From: "2024-01-01", To: "2024-03-31"}, []string{gift1}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got []string
				for _, v := range assess(t, ctx, tt.q).Findings {
					got = append(got, v.Transfer.ID)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("findings %v, want %v", got, tt.want)
				}
			})
		}
	})

	t.Run("Cap", func(t *testing.T) {
		f, err := env.Store.ViolationFacts(ctx, model.ViolationQuery{MaxTransfers: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Transfers) != 2 || !f.Truncated || f.Transfers[0].Transfer.Properties.First("date") > f.Transfers[1].Transfer.Properties.First("date") {
			t.Errorf("capped read: %d transfers, truncated %v", len(f.Transfers), f.Truncated)
		}
	})

	t.Run("ErrBadRange", func(t *testing.T) {
		for _, q := range []model.ViolationQuery{{From: "2024-13-01"}, {To: "yesterday"}, {From: "2024-02-01", To: "2024-01-01"}} {
			if _, err := env.Store.ViolationFacts(ctx, q); model.ErrorCode(err) != model.BadUserInput {
				t.Errorf("%+v: err = %v", q, err)
			}
		}
	})
}

// negatives is a graph built to show what the rules do not flag. Measure
// "cars" (HS 8703, motor vehicles) is in force from 2017-12-22; "early" says
// inForceFrom 2010 but its resolution was adopted only on 2017-12-22.
func negatives() model.Batch {
	pv := func(st schema.Status) model.Provenance {
		return model.Provenance{Status: st, Dataset: "test"}
	}
	ent := func(id string, k schema.Kind, name string, props model.Properties) model.Entity {
		if props == nil {
			props = model.Properties{}
		}
		return model.Entity{ID: id, Kind: k, Name: name, Properties: props, Provenance: pv(schema.Confirmed)}
	}
	rel := func(t schema.RelType, from, to string, st schema.Status, props model.Properties) model.Relationship {
		if props == nil {
			props = model.Properties{}
		}
		return model.Relationship{ID: string(t) + "|" + from + "|" + to, Type: t, FromID: from, ToID: to, Properties: props, Provenance: pv(st)}
	}
	transfer := func(id, date string) model.Entity {
		p := model.Properties{"transferKind": {"shipment"}}
		if date != "" {
			p["date"] = []string{date}
		}
		return ent(id, schema.Transfer, "Test "+id, p)
	}
	b := model.Batch{
		Entities: []model.Entity{
			ent("test:state-kp", schema.State, "Testland North", model.Properties{"isoCode": {"KP"}}),
			ent("test:state-xx", schema.State, "Supplierland", model.Properties{"isoCode": {"FR"}}),
			ent("test:leader", schema.Person, "Test Leader", nil),
			ent("test:nobody", schema.Person, "Unrelated Person", nil),
			ent("test:resolution", schema.Resolution, "Test resolution", model.Properties{"number": {"9001"}, "adoptedOn": {"2017-12-22"}}),
			ent("test:measure-cars", schema.Measure, "Test ban on cars", model.Properties{
				"measureKind": {"transport_vehicles"}, "hsCodes": {"8703"}, "goodsCategories": {"motor_vehicle"}, "inForceFrom": {"2017-12-22"}}),
			ent("test:measure-early", schema.Measure, "Test ban said to start before its resolution", model.Properties{
				"measureKind": {"transport_vehicles"}, "hsCodes": {"8703"}, "inForceFrom": {"2010-01-01"}}),
			ent("test:car", schema.Product, "Test car", model.Properties{"hsCode": {"8703"}, "category": {"luxury_vehicle"}}),
			ent("test:vague-car", schema.Product, "Test vehicle of chapter 87", model.Properties{"hsCode": {"87"}}),
			ent("test:teapot", schema.Product, "Test teapot", model.Properties{"category": {"other"}, "hsCode": {"6911"}}),
			transfer("test:t-flagged", "2024-03-01"),
			transfer("test:t-teapot", "2024-03-02"),
			transfer("test:t-before", "2017-06-01"),
			transfer("test:t-partial", "2017"),
			transfer("test:t-untied", "2024-03-03"),
			transfer("test:t-vague", "2024-03-04"),
			transfer("test:t-weak", "2024-03-05"),
			transfer("test:t-undated", ""),
		},
		Relationships: []model.Relationship{
			rel(schema.Leads, "test:leader", "test:state-kp", schema.Confirmed, nil),
			rel(schema.Imposes, "test:resolution", "test:measure-cars", schema.Confirmed, nil),
			rel(schema.Imposes, "test:resolution", "test:measure-early", schema.Confirmed, nil),
			rel(schema.Targets, "test:measure-cars", "test:state-kp", schema.Confirmed, nil),
			rel(schema.Targets, "test:measure-early", "test:state-kp", schema.Confirmed, nil),
			rel(schema.VotedOn, "test:state-xx", "test:resolution", schema.Confirmed, model.Properties{"vote": {"abstain"}}),
		},
	}
	ship := func(t, product, recipient string, st schema.Status) {
		b.Relationships = append(b.Relationships,
			rel(schema.Includes, t, product, schema.Confirmed, nil),
			rel(schema.Received, recipient, t, st, nil),
			rel(schema.Sent, "test:state-xx", t, schema.Confirmed, nil))
	}
	ship("test:t-flagged", "test:car", "test:leader", schema.Confirmed)
	ship("test:t-teapot", "test:teapot", "test:leader", schema.Confirmed)
	ship("test:t-before", "test:car", "test:leader", schema.Confirmed)
	ship("test:t-partial", "test:car", "test:leader", schema.Confirmed)
	ship("test:t-untied", "test:car", "test:nobody", schema.Confirmed)
	ship("test:t-vague", "test:vague-car", "test:leader", schema.Confirmed)
	ship("test:t-weak", "test:car", "test:leader", schema.Alleged)
	ship("test:t-undated", "test:car", "test:leader", schema.Confirmed)
	return b
}

// TestPotentialViolationsNegatives writes transfers that must not be
// flagged, beside one that must, and runs the store query and the rules.
func TestPotentialViolationsNegatives(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := env.Store.Write(ctx, negatives()); err != nil {
		t.Fatal(err)
	}
	res := assess(t, ctx, model.ViolationQuery{})
	var got []string
	for _, v := range res.Findings {
		got = append(got, v.Transfer.ID)
	}
	// t-flagged proves the graph can be flagged at all; t-weak is flagged
	// at its weakest status (alleged).
	if want := []string{"test:t-flagged", "test:t-weak"}; !slices.Equal(got, want) {
		t.Fatalf("flagged %v, want %v", got, want)
	}
	v := res.Findings[0]
	if got := measureIDs(v); !slices.Equal(got, []string{"test:measure-cars", "test:measure-early"}) {
		t.Fatalf("breaches %v", got)
	}
	for _, b := range v.Breaches {
		if votes := votesOf(b); !slices.Equal(votes, []string{"test:resolution:test:state-xx=abstain"}) {
			t.Errorf("%s: votes %v", b.Measure.ID, votes)
		}
		// The early ban starts with its resolution, not its inForceFrom.
		if !strings.HasPrefix(b.InForce, "in force from 2017-12-22") {
			t.Errorf("%s: inForce %q", b.Measure.ID, b.InForce)
		}
	}
	if w := res.Findings[1].WeakestStatus; w != schema.Alleged {
		t.Errorf("weak finding's status %s, want alleged", w)
	}
	var undated bool
	for _, na := range res.NotAssessed {
		if na.Transfer.ID == "test:t-undated" && na.Reason == model.NoDate {
			undated = true
		}
	}
	if !undated {
		t.Errorf("the undated transfer is not listed as not assessed: %+v", res.NotAssessed)
	}

	t.Run("EarlyMeasureWaitsForItsResolution", func(t *testing.T) {
		// Before the resolution's adoption neither ban applies, whatever
		// inForceFrom says; after, both would, but the 2024 transfers are
		// checked above. A 2015 transfer proves the adoption bound.
		b := negatives()
		b.Entities = append(b.Entities, model.Entity{ID: "test:t-2015", Kind: schema.Transfer, Name: "Test 2015",
			Properties: model.Properties{"transferKind": {"sale"}, "date": {"2015-05-05"}}, Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}})
		b.Relationships = append(b.Relationships,
			model.Relationship{ID: "INCLUDES|test:t-2015|test:car", Type: schema.Includes, FromID: "test:t-2015", ToID: "test:car", Properties: model.Properties{}, Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}},
			model.Relationship{ID: "RECEIVED|test:leader|test:t-2015", Type: schema.Received, FromID: "test:leader", ToID: "test:t-2015", Properties: model.Properties{}, Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}})
		if _, err := env.Store.Write(ctx, b); err != nil {
			t.Fatal(err)
		}
		if v := finding(assess(t, ctx, model.ViolationQuery{}), "test:t-2015"); v != nil {
			t.Errorf("a 2015 transfer breaches %v", measureIDs(v))
		}
	})

	t.Run("MinStatusDropsWeakFacts", func(t *testing.T) {
		r := assess(t, ctx, model.ViolationQuery{MinStatus: schema.Reported})
		if len(r.Findings) != 1 || r.Findings[0].Transfer.ID != "test:t-flagged" {
			t.Errorf("findings %d", len(r.Findings))
		}
	})
}

// BenchmarkPotentialViolations measures the store query (three statements
// in one transaction) and the rules on the curated dataset. Run with
//
//	go test -run '^$' -bench PotentialViolations ./graph/cypher
//
// With SANCTIONGRAPH_BENCH_GRAPH=existing it reads the graph NEO4J_URI
// holds as it is, without resetting it, for example one cmd/graphgen wrote:
//
//	go run ./cmd/graphgen -nodes 100000 -rels 1000000 -neo4j-dir /tmp/g -serve &
//	NEO4J_URI=bolt://127.0.0.1:7687 SANCTIONGRAPH_BENCH_GRAPH=existing \
//	  go test -run '^$' -bench PotentialViolations ./graph/cypher
func BenchmarkPotentialViolations(b *testing.B) {
	ctx := context.Background()
	if os.Getenv("SANCTIONGRAPH_BENCH_GRAPH") != "existing" {
		ctx = env.Reset(b)
		writeCurated(b, ctx, env.Store)
	}
	m := schema.MustModel()
	f, err := env.Store.ViolationFacts(ctx, model.ViolationQuery{})
	if err != nil {
		b.Fatal(err)
	}
	res := breach.Assess(m, f, model.ViolationQuery{})
	b.Logf("%d transfers read (truncated %v), %d measures, %d parties; %d findings, %d not assessed",
		len(f.Transfers), f.Truncated, len(f.Measures), len(f.Parties), len(res.Findings), len(res.NotAssessed))
	b.Run("Store", func(b *testing.B) {
		for b.Loop() {
			if _, err := env.Store.ViolationFacts(ctx, model.ViolationQuery{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(f.Transfers)), "transfers")
	})
	b.Run("StoreAndRules", func(b *testing.B) {
		for b.Loop() {
			f, err := env.Store.ViolationFacts(ctx, model.ViolationQuery{})
			if err != nil {
				b.Fatal(err)
			}
			breach.Assess(m, f, model.ViolationQuery{})
		}
	})
	b.Run("Rules", func(b *testing.B) {
		for b.Loop() {
			breach.Assess(m, f, model.ViolationQuery{})
		}
	})
	b.Run("StoreAndRulesOneYear", func(b *testing.B) {
		q := model.ViolationQuery{From: "2024-01-01", To: "2024-12-31"}
		var n int
		for b.Loop() {
			f, err := env.Store.ViolationFacts(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			n = len(f.Transfers)
			breach.Assess(m, f, q)
		}
		b.ReportMetric(float64(n), "transfers")
	})
	b.Run("StoreOneMonth", func(b *testing.B) {
		q := model.ViolationQuery{From: "2024-02-01", To: "2024-02-29"}
		for b.Loop() {
			if _, err := env.Store.ViolationFacts(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestViolationMeasuresKeptPerState: the measures (and their resolutions'
// rolls), which no date range changes, are read once per database state
// and follow every committed write, one from another process too.
func TestViolationMeasuresKeptPerState(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	q := model.ViolationQuery{From: "2024-01-01", To: "2024-12-31"}
	facts := func() *model.ViolationFacts {
		t.Helper()
		f, err := env.Store.ViolationFacts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	ids := func(f *model.ViolationFacts) []string {
		var out []string
		for _, m := range f.Measures {
			out = append(out, m.Measure.ID)
		}
		return out
	}
	first, again := facts(), facts()
	if len(first.Measures) < 10 || !reflect.DeepEqual(ids(first), ids(again)) || !reflect.DeepEqual(first.Rolls, again.Rolls) {
		t.Fatalf("measures read %v then kept %v; rolls %v then %v", ids(first), ids(again), first.Rolls, again.Rolls)
	}
	// Another process adds a measure with goods to resolution 2397.
	other, err := cypher.Open(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	prov := model.Provenance{Status: schema.Confirmed, Dataset: "test"}
	b := model.Batch{Entities: []model.Entity{{ID: "measure:test-new", Kind: schema.Measure, Name: "A test measure",
		Properties: model.Properties{"measureKind": {"other"}, "hsCodes": {"8703"}}, Provenance: prov}},
		Relationships: []model.Relationship{{ID: "IMPOSES|resolution:unsc-2397|measure:test-new", Type: schema.Imposes, FromID: "resolution:unsc-2397",
			ToID: "measure:test-new", Properties: model.Properties{}, Provenance: prov}}}
	if _, err := other.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	after := facts()
	if got := ids(after); len(got) != len(first.Measures)+1 || !slices.Contains(got, "measure:test-new") {
		t.Errorf("after another process added a measure: %v", got)
	}
	if _, ok := after.Rolls["resolution:unsc-2397"]; !ok {
		t.Errorf("rolls after the write: %v", after.Rolls)
	}
}
