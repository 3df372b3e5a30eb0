package curated

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sanctiongraph/sanctiongraph/loaders/loadertest"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// recorder is a loaders.Sink that keeps what it receives; with failAt > 0
// it fails on that record.
type recorder struct {
	records []loaders.Record
	skipped []loaders.Skipped
	failAt  int
}

var errSink = errors.New("sink failed")

func (r *recorder) Record(_ context.Context, rec loaders.Record) error {
	if r.failAt > 0 && len(r.records)+1 == r.failAt {
		return errSink
	}
	r.records = append(r.records, rec)
	return nil
}

func (r *recorder) Skip(_ context.Context, s loaders.Skipped) error {
	r.skipped = append(r.skipped, s)
	return nil
}

// graph indexes emitted records for assertions.
type graph struct {
	entities map[string]model.Entity
	rels     map[string]model.Relationship
	evidence map[string][]model.Evidence // by fact id
}

func index(tb testing.TB, recs []loaders.Record) graph {
	tb.Helper()
	g := graph{entities: map[string]model.Entity{}, rels: map[string]model.Relationship{}, evidence: map[string][]model.Evidence{}}
	for _, r := range recs {
		for _, e := range r.Entities {
			if _, dup := g.entities[e.ID]; dup {
				tb.Fatalf("entity %s emitted twice", e.ID)
			}
			g.entities[e.ID] = e
		}
		for _, rel := range r.Relationships {
			if _, dup := g.rels[rel.ID]; dup {
				tb.Fatalf("relationship %s emitted twice", rel.ID)
			}
			g.rels[rel.ID] = rel
		}
		for _, ev := range r.Evidence {
			g.evidence[ev.FactID] = append(g.evidence[ev.FactID], ev)
		}
	}
	return g
}

func loadDataset(tb testing.TB) ([]loaders.Record, Summary) {
	tb.Helper()
	var rec recorder
	sum, err := Load(context.Background(), Dataset(), &rec)
	if err != nil {
		tb.Fatalf("Load(Dataset()) = %v", err)
	}
	return rec.records, sum
}

func (g graph) rel(tb testing.TB, id string) model.Relationship {
	tb.Helper()
	r, ok := g.rels[id]
	if !ok {
		tb.Fatalf("relationship %s not emitted", id)
	}
	return r
}

func (g graph) entity(tb testing.TB, id string) model.Entity {
	tb.Helper()
	e, ok := g.entities[id]
	if !ok {
		tb.Fatalf("entity %s not emitted", id)
	}
	return e
}

func TestDatasetLoads(t *testing.T) {
	recs, sum := loadDataset(t)
	g := index(t, recs)

	if sum.Records != len(recs) {
		t.Errorf("Summary.Records = %d, emitted %d", sum.Records, len(recs))
	}
	if want := len(Files()); sum.Files != want || want < 8 {
		t.Errorf("Summary.Files = %d, embedded files %d", sum.Files, want)
	}
	evidence := 0
	for _, evs := range g.evidence {
		evidence += len(evs)
	}
	if sum.Evidence != evidence {
		t.Errorf("Summary.Evidence = %d, emitted %d", sum.Evidence, evidence)
	}
	atLeast := map[string][2]int{
		"sources":         {sum.Sources, 80},
		"unverified":      {sum.Unverified, 15},
		"State":           {sum.Entities[schema.State], 12},
		"Person":          {sum.Entities[schema.Person], 12},
		"Organization":    {sum.Entities[schema.Organization], 25},
		"Product":         {sum.Entities[schema.Product], 10},
		"Transfer":        {sum.Entities[schema.Transfer], 5},
		"Resolution":      {sum.Entities[schema.Resolution], 10},
		"Measure":         {sum.Entities[schema.Measure], 10},
		"Event":           {sum.Entities[schema.Event], 15},
		"VOTED_ON":        {sum.Relationships[schema.VotedOn], 45},
		"REACTED_TO":      {sum.Relationships[schema.ReactedTo], 10},
		"VIA":             {sum.Relationships[schema.Via], 10},
		"PARTICIPATED_IN": {sum.Relationships[schema.ParticipatedIn], 30},
		"OWNS":            {sum.Relationships[schema.Owns], 8},
	}
	for name, c := range atLeast {
		if c[0] < c[1] {
			t.Errorf("%s: %d, want at least %d", name, c[0], c[1])
		}
	}
	if sum.ReferenceStates != 0 {
		t.Errorf("ReferenceStates = %d, want 0: declare every state the dataset uses", sum.ReferenceStates)
	}
	for _, r := range recs {
		for _, e := range r.Entities {
			if e.Dataset != DatasetName || !strings.Contains(e.RecordID, ".yaml:") {
				t.Errorf("%s: provenance %q %q", e.ID, e.Dataset, e.RecordID)
			}
			if e.Kind != schema.Source && len(r.Evidence) == 0 {
				t.Errorf("%s: emitted without evidence", e.ID)
			}
		}
		for _, rel := range r.Relationships {
			if len(r.Evidence) == 0 {
				t.Errorf("%s: emitted without evidence", rel.ID)
			}
		}
	}
	if _, ok := g.entities[loaders.ISO3166SourceID]; !ok {
		t.Errorf("source %s not emitted", loaders.ISO3166SourceID)
	}
}

func TestDatasetFacts(t *testing.T) {
	recs, _ := loadDataset(t)
	g := index(t, recs)

	t.Run("RussiaAurusSenatKimPath", func(t *testing.T) {
		for _, id := range []string{
			"BASED_IN|org:aurus|state:RU",
			"MANUFACTURES|org:aurus|product:aurus-senat",
			"USES|person:kim-jong-un|product:aurus-senat",
		} {
			r := g.rel(t, id)
			if r.Status != schema.Confirmed {
				t.Errorf("%s: status %s, want confirmed", id, r.Status)
			}
		}
		uses := g.rel(t, "USES|person:kim-jong-un|product:aurus-senat")
		if uses.ValidFrom != "2024-02-18" {
			t.Errorf("USES validFrom = %q, want 2024-02-18", uses.ValidFrom)
		}
		var sources []string
		for _, ev := range g.evidence[uses.ID] {
			sources = append(sources, ev.SourceID)
		}
		for _, want := range []string{"source:thehindu-reuters-kim-receives-car", "source:marketscreener-reuters-turns-driving"} {
			if !slices.Contains(sources, want) {
				t.Errorf("USES evidence lacks %s (has %v)", want, sources)
			}
		}
		if g.entity(t, "product:aurus-senat").Properties.First("hsCode") != "8703" {
			t.Error("product:aurus-senat has no hsCode 8703")
		}
	})

	t.Run("GiftVariantDisputedSideBySide", func(t *testing.T) {
		id := "INCLUDES|transfer:aurus-gift-2024-02|product:aurus-senat"
		g.rel(t, id)
		values := map[string]int{}
		for _, ev := range g.evidence[id] {
			if ev.Property == "variant" {
				if ev.Status != schema.Disputed {
					t.Errorf("%s: variant evidence status %s, want disputed", ev.ID, ev.Status)
				}
				values[ev.Value]++
			}
		}
		if values["limousine"] == 0 || values["sedan"] == 0 {
			t.Errorf("variant values = %v, want limousine and sedan side by side", values)
		}
	})

	t.Run("Gift", func(t *testing.T) {
		tr := g.entity(t, "transfer:aurus-gift-2024-02")
		if tr.Properties.First("transferKind") != "gift" || tr.Properties.First("date") != "2024-02-18" {
			t.Errorf("gift properties = %v", tr.Properties)
		}
		for _, id := range []string{
			"SENT|person:vladimir-putin|transfer:aurus-gift-2024-02",
			"SENT|state:RU|transfer:aurus-gift-2024-02",
			"RECEIVED|person:kim-jong-un|transfer:aurus-gift-2024-02",
		} {
			g.rel(t, id)
		}
		for _, agent := range []string{"person:kim-yo-jong", "person:pak-jong-chon"} {
			r := g.rel(t, "RECEIVED|"+agent+"|transfer:aurus-gift-2024-02")
			if got := r.Properties.First("onBehalfOf"); got != "person:kim-jong-un" {
				t.Errorf("%s onBehalfOf = %q", r.ID, got)
			}
		}
	})

	t.Run("Measures", func(t *testing.T) {
		tests := []struct {
			id, kind, paragraph, annex, hs string
		}{
			{"measure:unsc-1718-op8a-iii", "luxury_goods", "OP 8(a)(iii)", "", ""},
			{"measure:unsc-2094-annex-iv", "luxury_goods", "OP 23", "Annex IV", "8703"},
			{"measure:unsc-2397-op7", "transport_vehicles", "OP 7", "", "84-85"},
			{"measure:unsc-1718-op8b", "arms_embargo", "OP 8(b)", "", ""},
			{"measure:unsc-2397-op6", "export_ban", "OP 6", "", "07"},
		}
		for _, tt := range tests {
			m := g.entity(t, tt.id)
			p := m.Properties
			if p.First("measureKind") != tt.kind || p.First("paragraph") != tt.paragraph || p.First("annex") != tt.annex || p.First("hsCodes") != tt.hs {
				t.Errorf("%s properties = %v", tt.id, p)
			}
			g.rel(t, "TARGETS|"+tt.id+"|state:KP")
		}
		g.rel(t, "EXTENDS|measure:unsc-2094-annex-iv|measure:unsc-1718-op8a-iii")
		g.rel(t, "EXTENDS|measure:unsc-1874-op9|measure:unsc-1718-op8b")
		g.rel(t, "IMPOSES|resolution:unsc-2397|measure:unsc-2397-op7")
		// Direction, exception and condition (audit 3.2).
		if d := g.entity(t, "measure:unsc-2397-op6").Properties.First("direction"); d != "procurement_from" {
			t.Errorf("2397 OP 6 direction %q", d)
		}
		if op7 := g.entity(t, "measure:unsc-2397-op7").Properties; !slices.Equal(op7["hsCodes"], []string{"84-85", "86-89", "72-83"}) ||
			!slices.Equal(op7["exceptHsCodes"], []string{"8803", "8807"}) {
			t.Errorf("2397 OP 7 = %v", op7)
		}
		if c := g.entity(t, "measure:unsc-2321-op30").Properties.First("condition"); c != "new" {
			t.Errorf("2321 OP 30 condition %q", c)
		}
		// A paragraph not read in the text is reported, and says so.
		if m := g.entity(t, "measure:unsc-2321-op28"); m.Status != schema.Reported || m.Properties.First("verified") != "unverified" {
			t.Errorf("2321 OP 28 = %s %v", m.Status, m.Properties)
		}
	})

	t.Run("EveryMemberVoted", func(t *testing.T) {
		// Italy sat on the Council in 2017 and voted for 2397 (audit 3.1 (c)).
		if r := g.rel(t, "VOTED_ON|state:IT|resolution:unsc-2397"); r.Properties.First("vote") != "for" {
			t.Errorf("Italy's vote on 2397 = %v", r.Properties)
		}
		for res, want := range map[string]int{"resolution:unsc-1718": 15, "resolution:unsc-2397": 15, "resolution:unsc-2680": 15, "event:unsc-vote-2024-03-28-panel-of-experts": 15} {
			n := 0
			for _, r := range g.rels {
				if r.Type == schema.VotedOn && r.ToID == res {
					n++
				}
			}
			if n != want {
				t.Errorf("%s: %d votes, want %d", res, n, want)
			}
		}
		if r := g.rel(t, "VOTED_ON|state:RU|event:unsc-vote-2024-03-28-panel-of-experts"); r.Properties.First("vote") != "against" {
			t.Errorf("Russia on the 2024 draft: %v", r.Properties)
		}
	})

	t.Run("DisputedIsDerived", func(t *testing.T) {
		// The body type of gift 1 is disputed (limousine or sedan).
		if r := g.rel(t, "INCLUDES|transfer:aurus-gift-2024-02|product:aurus-senat"); r.Status != schema.Disputed {
			t.Errorf("gift 1 INCLUDES status %s, want disputed", r.Status)
		}
	})

	t.Run("RussiaVotedForEachSanctionsResolution", func(t *testing.T) {
		for _, n := range []int{1718, 1874, 2087, 2094, 2270, 2321, 2371, 2375, 2397} {
			res := fmt.Sprintf("resolution:unsc-%d", n)
			g.rel(t, "ADOPTED|org:un-security-council|"+res)
			for _, st := range []string{"state:RU", "state:CN"} {
				r := g.rel(t, "VOTED_ON|"+st+"|"+res)
				if r.Properties.First("vote") != "for" {
					t.Errorf("%s vote = %q, want for", r.ID, r.Properties.First("vote"))
				}
			}
		}
		pm := g.rel(t, "PERMANENT_MEMBER_OF|state:RU|org:un-security-council")
		if pm.ValidFrom != "1991-12-24" {
			t.Errorf("PERMANENT_MEMBER_OF validFrom = %q", pm.ValidFrom)
		}
	})

	t.Run("MaybachRouteKeepsLikely", func(t *testing.T) {
		// C4ADS's "likely" makes the leg alleged (audit rows 61, 62).
		r := g.rel(t, "VIA|transfer:maybach-shipment-2018|state:RU")
		if r.Properties.First("place") != "Nakhodka" || r.Status != schema.Alleged {
			t.Errorf("Nakhodka leg = %v %s", r.Properties, r.Status)
		}
		likely := false
		for _, ev := range g.evidence[r.ID] {
			likely = likely || strings.Contains(ev.Quote+ev.Claim, "likely")
		}
		if !likely {
			t.Error("Nakhodka leg lost C4ADS's \"likely\"")
		}
		if air := g.rel(t, "VIA|transfer:maybach-shipment-2018|org:air-koryo"); air.Status != schema.Alleged {
			t.Errorf("Air Koryo leg status %s, want alleged", air.Status)
		}
	})

	t.Run("MissileTransferAllegedWithConfirmedPoEFinding", func(t *testing.T) {
		tr := g.entity(t, "transfer:dprk-russia-ballistic-missiles")
		if tr.Status != schema.Alleged || tr.Properties.First("transferKind") != "arms_transfer" {
			t.Errorf("missile transfer = %s %v", tr.Status, tr.Properties)
		}
		poe := false
		for _, ev := range g.evidence[tr.ID] {
			poe = poe || (ev.Status == schema.Confirmed && ev.Basis == "expert")
		}
		if !poe {
			t.Error("no confirmed expert (UN PoE) evidence on the missile transfer")
		}
	})

	t.Run("GoodsCategoriesAreProductCategories", func(t *testing.T) {
		decl, _ := schema.MustModel().Kind(schema.Product)
		cats := decl.Properties["category"].Values
		for _, e := range g.entities {
			for _, c := range e.Properties["goodsCategories"] {
				if !slices.Contains(cats, c) {
					t.Errorf("%s: goodsCategories value %q is not a Product.category", e.ID, c)
				}
			}
		}
	})
}

// TestIDsStable loads twice and checks every id is the same, and that
// evidence ids do not depend on the order of items or files.
func TestIDsStable(t *testing.T) {
	ids := func(recs []loaders.Record) []string {
		var out []string
		for _, r := range recs {
			for _, e := range r.Entities {
				out = append(out, e.ID)
			}
			for _, rel := range r.Relationships {
				out = append(out, rel.ID)
			}
			for _, ev := range r.Evidence {
				out = append(out, ev.ID)
			}
		}
		return out
	}
	t.Run("TwoLoads", func(t *testing.T) {
		a, _ := loadDataset(t)
		b, _ := loadDataset(t)
		if !slices.Equal(ids(a), ids(b)) {
			t.Error("ids differ between two loads")
		}
	})
	t.Run("Reordered", func(t *testing.T) {
		const ev1 = "      - {source: source:a, status: reported}\n"
		const ev2 = "      - {source: source:b, status: reported, property: birthDate, value: \"1950\"}\n"
		const ent = "entities:\n  - id: person:p\n    kind: Person\n    name: P\n    status: reported\n    evidence:\n"
		srcs := "sources:\n  - {id: source:a, name: A, url: https://example.org/a, publisher: A, publishedOn: 2024}\n" +
			"  - {id: source:b, name: B, unknown: [url, publisher, publishedOn], unknownWhy: a test}\n"
		one := fstest.MapFS{
			"data/a.yaml": {Data: []byte(srcs)},
			"data/b.yaml": {Data: []byte(ent + ev1 + ev2)},
		}
		two := fstest.MapFS{
			"data/a.yaml": {Data: []byte(ent + ev2 + ev1)},
			"data/b.yaml": {Data: []byte(srcs)},
		}
		sa, err := Read(one)
		if err != nil {
			t.Fatal(err)
		}
		sb, err := Read(two)
		if err != nil {
			t.Fatal(err)
		}
		a, b := ids(sa.Records), ids(sb.Records)
		sort.Strings(a)
		sort.Strings(b)
		if !slices.Equal(a, b) {
			t.Errorf("ids depend on order:\n%v\n%v", a, b)
		}
	})
}

const baseYAML = `sources:
  - id: source:test
    name: Test source
    url: https://example.org/test
    publisher: Example
    publishedOn: 2024-01-01
    sourceKind: news
  - id: source:record
    name: Test record
    url: https://example.org/record
    publisher: Example registry
    publishedOn: 2024-01-01
    sourceKind: official_record
entities:
  - id: person:a
    kind: Person
    name: A
    status: reported
    evidence:
      - {source: source:test, status: reported}
`

// TestBrokenInputRefused feeds one broken file beside a valid one. The
// dataset must be refused whole: a *ValidationError locating the problem
// at the line marked "# <-", and nothing emitted.
func TestBrokenInputRefused(t *testing.T) {
	tests := []struct {
		name, yaml, field, message string
	}{
		{"BadDate", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    properties:
      birthDate: 1984-13-01 # <-
    evidence: [{source: source:test, status: reported}]
`, "entities[0].properties.birthDate", `"1984-13-01" is not a date`},
		{"BadValidFrom", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    validFrom: 2023-02-30 # <-
    evidence: [{source: source:test, status: reported}]
`, "entities[0].validFrom", "is not a date"},
		{"ValidUntilBeforeValidFrom", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    validFrom: 2024-03
    validUntil: 2024-02-29 # <-
    evidence: [{source: source:test, status: reported}]
`, "entities[0].validUntil", "before validFrom"},
		{"UnknownKind", `entities:
  - id: person:b
    kind: Persn # <-
    name: B
    status: reported
    evidence: [{source: source:test, status: reported}]
`, "entities[0].kind", `unknown kind "Persn"`},
		{"SourceUnderEntities", `entities:
  - id: source:b
    kind: Source # <-
    name: B
    status: confirmed
    evidence: [{source: source:test, status: confirmed}]
`, "entities[0].kind", "declared under `sources:`"},
		{"EmptyListElement", `entities:
  - id: state:FR
    kind: State
    name: France
    status: confirmed
    properties:
      isoCode: [""] # <-
    evidence: [{source: source:test, status: confirmed}]
`, "entities[0].properties.isoCode[0]", "is empty"},
		{"IDPrefixNotKind", `entities:
  - id: org:b # <-
    kind: Person
    name: B
    status: reported
    evidence: [{source: source:test, status: reported}]
`, "entities[0].id", `must start with "person:"`},
		{"UnknownProperty", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    properties:
      shoeSize: 42 # <-
    evidence: [{source: source:test, status: reported}]
`, "entities[0].properties.shoeSize", `unknown property "shoeSize"`},
		{"ListPropertyAsScalar", `entities:
  - id: product:b
    kind: Product
    name: B
    status: reported
    properties:
      category: luxury_vehicle # <-
    evidence: [{source: source:test, status: reported}]
`, "entities[0].properties.category", "is a list"},
		{"BadEnum", `entities:
  - id: org:b
    kind: Organization
    name: B
    status: reported
    properties:
      roles:
        - spy # <-
    evidence: [{source: source:test, status: reported}]
`, "entities[0].properties.roles[0]", `"spy" is not one of`},
		{"BadCountry", `entities:
  - id: org:b
    kind: Organization
    name: B
    status: reported
    properties:
      country: UK # <-
    evidence: [{source: source:test, status: reported}]
`, "entities[0].properties.country", "not an ISO 3166-1 alpha-2"},
		{"BadHSCode", `entities:
  - id: product:b
    kind: Product
    name: B
    status: reported
    properties:
      hsCode: 89-86 # <-
    evidence: [{source: source:test, status: reported}]
`, "entities[0].properties.hsCode", "not an HS code"},
		{"BadURL", `sources:
  - id: source:b
    name: B
    url: ftp://example.org/b # <-
`, "sources[0].url", "not an absolute http(s) URL"},
		{"BadInt", `entities:
  - id: resolution:unsc-1
    kind: Resolution
    name: R
    status: reported
    properties:
      number: one # <-
      adoptedOn: 2000
    evidence: [{source: source:test, status: reported}]
`, "entities[0].properties.number", "not a whole number"},
		{"RequiredPropertyMissing", `entities:
  - id: transfer:b
    kind: Transfer
    name: B
    status: reported
    properties: # <-
      date: 2024
    evidence: [{source: source:test, status: reported}]
`, "entities[0].properties", `required property "transferKind"`},
		{"StateCodesDisagree", `entities:
  - id: state:FR
    kind: State
    name: France
    status: confirmed
    properties:
      isoCode: DE # <-
    evidence: [{source: source:test, status: confirmed}]
`, "entities[0].properties.isoCode", `does not match id "state:FR"`},
		{"MissingEvidence", `entities:
  - id: person:b # <-
    kind: Person
    name: B
    status: reported
`, "entities[0].evidence", "evidence is required"},
		{"OnlyPropertyEvidence", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    evidence: # <-
      - {source: source:test, status: reported, property: birthDate, value: "1950"}
`, "entities[0].evidence", "evidence is required"},
		{"EvidenceUnknownSource", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    evidence:
      - source: source:nowhere # <-
        status: reported
`, "entities[0].evidence[0].source", `"source:nowhere" is not a declared source`},
		{"EvidenceBadBasis", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    evidence:
      - source: source:test
        status: reported
        basis: gossip # <-
`, "entities[0].evidence[0].basis", `"gossip" is not one of`},
		{"EvidenceValueWithoutProperty", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    evidence:
      - source: source:test
        status: reported
        value: x # <-
`, "entities[0].evidence[0].value", "needs the property"},
		{"EvidenceUnknownProperty", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    evidence:
      - {source: source:test, status: reported}
      - source: source:test
        status: reported
        property: shoeSize # <-
`, "entities[0].evidence[1].property", `"shoeSize" is not a property`},
		{"SameSourceTwice", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    evidence:
      - {source: source:test, status: reported}
      - source: source:test # <-
        status: reported
`, "entities[0].evidence[1].source", "already supports this fact"},
		{"StatusStrongerThanEvidence", `entities:
  - id: person:b
    kind: Person
    name: B
    status: confirmed # <-
    evidence:
      - {source: source:test, status: reported}
`, "entities[0].status", `"confirmed" is stronger than the strongest evidence (reported)`},
		{"BadStatus", `entities:
  - id: person:b
    kind: Person
    name: B
    status: likely # <-
    evidence: [{source: source:test, status: reported}]
`, "entities[0].status", `"likely" is not a status`},
		{"DuplicateID", `entities:
  - id: person:a # <-
    kind: Person
    name: A again
    status: reported
    evidence: [{source: source:test, status: reported}]
`, "entities[0].id", `duplicate id "person:a"`},
		{"UnknownKey", `entities:
  - id: person:b
    kind: Person
    name: B
    aliasses: [Bee] # <-
    status: reported
    evidence: [{source: source:test, status: reported}]
`, "entities[0].aliasses", `unknown key "aliasses"`},
		{"UnknownTopLevelKey", `entitties: [] # <-
`, "entitties", `unknown key "entitties"`},
		{"RepeatedKey", `entities:
  - id: person:b
    kind: Person
    name: B
    name: C # <-
    status: reported
    evidence: [{source: source:test, status: reported}]
`, "entities[0].name", "key repeated"},
		{"EmptyValue", `entities:
  - id: person:b
    kind: Person
    name: # <-
    status: reported
    evidence: [{source: source:test, status: reported}]
`, "entities[0].name", "is empty"},
		{"UnknownRelType", `relationships:
  - type: LIKES # <-
    from: person:a
    to: person:a
    status: reported
    evidence: [{source: source:test, status: reported}]
`, "relationships[0].type", `unknown relationship type "LIKES"`},
		{"DanglingReference", `relationships:
  - type: FAMILY_OF
    from: person:a
    to: person:nobody # <-
    status: reported
    evidence: [{source: source:test, status: reported}]
`, "relationships[0].to", `"person:nobody" is not a declared entity`},
		{"UnknownStateCode", `relationships:
  - type: NATIONAL_OF
    from: person:a
    to: state:XX # <-
    status: reported
    evidence: [{source: source:test, status: reported}]
`, "relationships[0].to", `"state:XX" is not a declared entity`},
		{"KindNotAllowed", `relationships:
  - type: BASED_IN
    from: person:a
    to: person:a # <-
    status: reported
    evidence: [{source: source:test, status: reported}]
`, "relationships[0].to", "BASED_IN goes to State"},
		{"RelPropertyUnknown", `relationships:
  - type: FAMILY_OF
    from: person:a
    to: person:a
    status: reported
    properties: {role: x} # <-
    evidence: [{source: source:test, status: reported}]
`, "relationships[0].properties.role", `unknown property "role" of FAMILY_OF`},
		{"RequiredRelProperty", `entities:
  - id: resolution:unsc-1
    kind: Resolution
    name: R
    status: reported
    properties: {number: 1, adoptedOn: 2000}
    evidence: [{source: source:test, status: reported}]
relationships:
  - type: VOTED_ON # <-
    from: state:FR
    to: resolution:unsc-1
    status: reported
    evidence: [{source: source:test, status: reported}]
`, "relationships[0].properties", `required property "vote"`},
		{"OnBehalfOfDangling", `entities:
  - id: transfer:b
    kind: Transfer
    name: B
    status: reported
    properties: {transferKind: gift}
    evidence: [{source: source:test, status: reported}]
relationships:
  - type: RECEIVED
    from: person:a
    to: transfer:b
    status: reported
    properties:
      onBehalfOf: person:nobody # <-
    evidence: [{source: source:test, status: reported}]
`, "relationships[0].properties.onBehalfOf", `"person:nobody" is not a declared entity`},
		{"DuplicateRelationship", `relationships:
  - {type: FAMILY_OF, from: person:a, to: person:a, status: reported, evidence: [{source: source:test, status: reported}]}
  - {type: FAMILY_OF, from: person:a, to: person:a, status: reported, evidence: [{source: source:test, status: reported}]} # <-
`, "relationships[1]", "duplicate relationship FAMILY_OF|person:a|person:a"},
		{"RelationshipWithoutEvidence", `relationships:
  - type: FAMILY_OF # <-
    from: person:a
    to: person:a
    status: reported
`, "relationships[0].evidence", "evidence is required"},
		{"UnverifiedWithoutWhy", `unverified:
  - id: X1 # <-
    claim: Something
`, "unverified[0].why", "why is required"},
		{"SourceWithEvidence", `sources:
  - id: source:b
    name: B
    evidence: [] # <-
`, "sources[0].evidence", `unknown key "evidence"`},
		{"NotYAML", `entities:
  - id: person:b
    name: "unterminated # <-
`, "", "not valid YAML"},
		// Status calibration (issue 14): a fact or evidence item no stronger
		// than its evidence allows.
		{"NewsConfirmed", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    evidence:
      - source: source:test
        status: confirmed # <-
        basis: news
`, "entities[0].evidence[0].status", "stronger than a news report"},
		{"LikelyIsAlleged", `entities:
  - id: person:b
    kind: Person
    name: B
    status: alleged
    evidence:
      - source: source:record
        status: reported # <-
        basis: record
        claim: The cars were likely for B.
`, "entities[0].evidence[0].status", `its wording ("likely")`},
		{"RecordBasisNeedsRecord", `entities:
  - id: person:b
    kind: Person
    name: B
    status: reported
    evidence:
      - source: source:test
        status: reported
        basis: record # <-
`, "entities[0].evidence[0].basis", "basis record needs a record source"},
		{"FactStrongerThanEvidence", `entities:
  - id: person:b
    kind: Person
    name: B
    status: confirmed # <-
    evidence:
      - source: source:test
        status: reported
        basis: news
`, "entities[0].status", "stronger than the strongest evidence"},
		{"SourceWithoutURL", `sources:
  - id: source:b # <-
    name: B
    publisher: B
    publishedOn: 2024
`, "sources[0]", "lacks url"},
		{"UnknownWithoutWhy", `sources:
  - id: source:b
    name: B
    publisher: B
    unknown: [url, publishedOn] # <-
`, "sources[0].unknown", "without unknownWhy"},
		{"NotAMapping", `- just # <-
- a list
`, "", "must be a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"data/a-base.yaml": {Data: []byte(baseYAML)},
				"data/broken.yaml": {Data: []byte(tt.yaml)},
			}
			var rec recorder
			_, err := Load(context.Background(), fsys, &rec)
			if len(rec.records) != 0 {
				t.Errorf("emitted %d records from an invalid dataset", len(rec.records))
			}
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Load = %v, want *ValidationError", err)
			}
			line := markedLine(t, tt.yaml)
			for _, p := range verr.Problems {
				if p.File == "data/broken.yaml" && p.Line == line && p.Field == tt.field && strings.Contains(p.Message, tt.message) {
					return
				}
			}
			t.Errorf("no problem data/broken.yaml:%d: %s: …%s…; got:\n%v", line, tt.field, tt.message, err)
		})
	}
}

// markedLine returns the 1-based line that carries the "# <-" marker.
func markedLine(tb testing.TB, text string) int {
	tb.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "# <-") {
			return i + 1
		}
	}
	tb.Fatal("test YAML has no # <- marker")
	return 0
}

func TestProblemsCollectedAcrossFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"data/a.yaml": {Data: []byte(baseYAML + "  - {id: person:c, kind: Person, name: C, status: nonsense, evidence: [{source: source:test, status: reported}]}\n")},
		"data/b.yaml": {Data: []byte("entities:\n  - {id: person:d, kind: Person, name: D, status: reported}\n")},
	}
	_, err := Read(fsys)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Read = %v, want *ValidationError", err)
	}
	files := map[string]bool{}
	for _, p := range verr.Problems {
		files[p.File] = true
	}
	if !files["data/a.yaml"] || !files["data/b.yaml"] {
		t.Errorf("problems from %v, want both files:\n%v", files, err)
	}
	want := `data/a.yaml:21: entities[1].status: "nonsense" is not a status`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error lacks %q:\n%v", want, err)
	}
}

func TestNoDataFiles(t *testing.T) {
	_, err := Read(fstest.MapFS{"other/x.yaml": {Data: []byte(baseYAML)}})
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Read = %v, want *ValidationError", err)
	}
}

func TestReferenceStates(t *testing.T) {
	fsys := fstest.MapFS{
		"data/a.yaml": {Data: []byte(baseYAML + `relationships:
  - {type: NATIONAL_OF, from: person:a, to: state:FR, status: reported, evidence: [{source: source:test, status: reported}]}
`)},
		"data/b.yaml": {Data: []byte("sources:\n  - {id: source:iso-3166-1, name: ISO 3166-1, url: https://www.iso.org/iso-3166-country-codes.html, publisher: ISO, unknown: [publishedOn], unknownWhy: a maintained standard}\n")},
	}
	var rec recorder
	sum, err := Load(context.Background(), fsys, &rec)
	if err != nil {
		t.Fatal(err)
	}
	g := index(t, rec.records)
	fr := g.entity(t, "state:FR")
	if sum.ReferenceStates != 1 || fr.Dataset != loaders.ReferenceDataset || fr.Properties.First("iso3") != "FRA" {
		t.Errorf("reference state = %+v (summary %d)", fr, sum.ReferenceStates)
	}
	if evs := g.evidence["state:FR"]; len(evs) != 1 || evs[0].SourceID != loaders.ISO3166SourceID {
		t.Errorf("reference state evidence = %+v", evs)
	}

	t.Run("WithoutISOSource", func(t *testing.T) {
		delete(fsys, "data/b.yaml")
		if _, err := Read(fsys); err == nil || !strings.Contains(err.Error(), loaders.ISO3166SourceID) {
			t.Errorf("Read = %v, want a problem naming %s", err, loaders.ISO3166SourceID)
		}
	})
}

func TestSinkErrorStopsLoad(t *testing.T) {
	fsys := fstest.MapFS{"data/a.yaml": {Data: []byte(baseYAML)}}
	rec := &recorder{failAt: 2}
	_, err := Load(context.Background(), fsys, rec)
	if !errors.Is(err, errSink) {
		t.Fatalf("Load = %v, want the sink's error", err)
	}
	if len(rec.records) != 1 {
		t.Errorf("records before the failure = %d, want 1", len(rec.records))
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Load(ctx, Dataset(), &recorder{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Load = %v, want context.Canceled", err)
	}
}

// TestGolden compares the normalised emitted dataset with
// testdata/dataset.golden; `go test ./loaders/curated -update` rewrites it.
func TestGolden(t *testing.T) {
	recs, sum := loadDataset(t)
	set, err := Read(Dataset())
	if err != nil {
		t.Fatal(err)
	}
	got := normalise(recs, sum, set.Unverified)
	loadertest.Golden(t, filepath.Join("testdata", "dataset.golden"), []byte(got), *update)
}

// normalise renders records as stable text, one field a line.
func normalise(recs []loaders.Record, sum Summary, unverified []Unverified) string {
	var b strings.Builder
	props := func(p model.Properties) {
		names := make([]string, 0, len(p))
		for n := range p {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&b, "  prop %s = %q\n", n, p[n])
		}
	}
	prov := func(p model.Provenance) string {
		return fmt.Sprintf("status=%s validFrom=%s validUntil=%s dataset=%s recordId=%s", p.Status, p.ValidFrom, p.ValidUntil, p.Dataset, p.RecordID)
	}
	for _, r := range recs {
		fmt.Fprintf(&b, "record %s\n", r.ID)
		for _, e := range r.Entities {
			fmt.Fprintf(&b, "entity %s %s %q %s\n", e.ID, e.Kind, e.Name, prov(e.Provenance))
			if len(e.Aliases) > 0 {
				fmt.Fprintf(&b, "  aliases %q\n", e.Aliases)
			}
			if e.Description != "" {
				fmt.Fprintf(&b, "  description %q\n", e.Description)
			}
			props(e.Properties)
		}
		for _, rel := range r.Relationships {
			fmt.Fprintf(&b, "relationship %s %s\n", rel.ID, prov(rel.Provenance))
			props(rel.Properties)
		}
		for _, ev := range r.Evidence {
			fmt.Fprintf(&b, "evidence %s fact=%s source=%s status=%s basis=%s", ev.ID, ev.FactID, ev.SourceID, ev.Status, ev.Basis)
			if ev.Property != "" {
				fmt.Fprintf(&b, " property=%s value=%q", ev.Property, ev.Value)
			}
			if ev.StatedOn != "" {
				fmt.Fprintf(&b, " statedOn=%s", ev.StatedOn)
			}
			b.WriteByte('\n')
			if ev.Quote != "" {
				fmt.Fprintf(&b, "  quote %q\n", ev.Quote)
			}
			if ev.Claim != "" {
				fmt.Fprintf(&b, "  claim %q\n", ev.Claim)
			}
		}
	}
	for _, u := range unverified {
		fmt.Fprintf(&b, "unverified %s %s:%d\n  claim %q\n  why %q\n", u.ID, filepath.Base(u.File), u.Line, u.Claim, u.Why)
	}
	fmt.Fprintf(&b, "summary files=%d records=%d sources=%d evidence=%d referenceStates=%d unverified=%d\n",
		sum.Files, sum.Records, sum.Sources, sum.Evidence, sum.ReferenceStates, sum.Unverified)
	for _, k := range schema.Kinds {
		if n := sum.Entities[k]; n > 0 {
			fmt.Fprintf(&b, "summary entities %s=%d\n", k, n)
		}
	}
	for _, rt := range schema.RelTypes {
		if n := sum.Relationships[rt]; n > 0 {
			fmt.Fprintf(&b, "summary relationships %s=%d\n", rt, n)
		}
	}
	return b.String()
}
