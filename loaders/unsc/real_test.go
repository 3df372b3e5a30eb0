package unsc

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// The published lists in ../shared/data (never copied into the repository).
const (
	list2026 = "un-sc-consolidated/un_sanctions.xml"
	list2020 = "un-sc-consolidated-2020/consolidated.xml"
)

// loadShared loads a shared data file through loaders.Open, as the
// importer does.
func loadShared(tb testing.TB, rel string) (*collector, Summary) {
	tb.Helper()
	f, err := loaders.Open(sharedtest.Path(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	c := &collector{}
	sum, err := (&Loader{}).Load(context.Background(), f, c)
	if err != nil {
		tb.Fatal(err)
	}
	return c, sum
}

// want describes what one listed party must look like; empty fields are
// not checked.
type want struct {
	dataID      string
	kind        schema.Kind
	name        string
	ref         string
	listed      string
	aliases     []string // must be among the aliases
	props       map[string][]string
	resolutions []string // PURSUANT_TO targets, exactly
	states      []string // NATIONAL_OF or BASED_IN targets, at least
}

func checkParty(t *testing.T, c *collector, w want) {
	t.Helper()
	rec := c.record(t, PartyID(w.ref))
	party := c.entity(t, PartyID(w.ref))
	sanction := c.entity(t, SanctionID(w.ref))
	if party.Kind != w.kind {
		t.Errorf("kind = %s, want %s", party.Kind, w.kind)
	}
	if w.name != "" && party.Name != w.name {
		t.Errorf("name = %q, want %q", party.Name, w.name)
	}
	for _, a := range w.aliases {
		if !slices.Contains(party.Aliases, a) {
			t.Errorf("alias %q missing from %q", a, party.Aliases)
		}
	}
	if party.RecordID != w.dataID || party.Dataset != Dataset || party.Status != schema.Confirmed {
		t.Errorf("party provenance = %+v", party.Provenance)
	}
	if got := sanction.Properties.First("authorityId"); got != w.ref {
		t.Errorf("authorityId = %q, want %q", got, w.ref)
	}
	if got := sanction.Properties.First("listingDate"); got != w.listed || sanction.ValidFrom != w.listed {
		t.Errorf("listingDate = %q, validFrom = %q, want %q", got, sanction.ValidFrom, w.listed)
	}
	if got := sanction.Properties.First("authority"); got != Authority {
		t.Errorf("authority = %q", got)
	}
	for k, v := range w.props {
		if got := party.Properties[k]; !slices.Equal(got, v) {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	var res, states []string
	designated := false
	for _, rel := range rec.Relationships {
		switch rel.Type {
		case schema.PursuantTo:
			res = append(res, rel.ToID)
		case schema.NationalOf, schema.BasedIn:
			states = append(states, rel.ToID)
		case schema.Designates:
			designated = rel.FromID == sanction.ID && rel.ToID == party.ID &&
				rel.ID == "DESIGNATES|"+sanction.ID+"|"+party.ID
		}
	}
	if !designated {
		t.Errorf("no DESIGNATES %s → %s", sanction.ID, party.ID)
	}
	if w.resolutions != nil && !slices.Equal(res, w.resolutions) {
		t.Errorf("PURSUANT_TO %v, want %v", res, w.resolutions)
	}
	for _, s := range w.states {
		if !slices.Contains(states, s) {
			t.Errorf("no link to %s in %v", s, states)
		}
	}
}

func TestReal2026(t *testing.T) {
	c, sum := loadShared(t, list2026)
	checkModel(t, c)

	t.Run("Counts", func(t *testing.T) {
		if sum.Individuals != 737 || sum.Entities != 272 {
			t.Errorf("%d individuals + %d entities, want 737 + 272", sum.Individuals, sum.Entities)
		}
		if sum.Records != 1+737+272 || len(c.records) != sum.Records {
			t.Errorf("records = %d (sink %d), want 1010", sum.Records, len(c.records))
		}
		if got := countDPRK(c); got != [2]int{80, 75} {
			t.Errorf("DPRK %d + %d, want 80 + 75", got[0], got[1])
		}
		if sum.ByListType["DPRK"] != 155 || sum.ByListType["Al-Qaida"] != 343 {
			t.Errorf("ByListType = %v", sum.ByListType)
		}
		if sum.ByRelType[schema.Designates] != 1009 {
			t.Errorf("DESIGNATES = %d, want 1009", sum.ByRelType[schema.Designates])
		}
		if len(c.skipped) != 0 {
			t.Errorf("%d skipped", len(c.skipped))
		}
	})
	t.Run("Source", func(t *testing.T) {
		if sum.SourceID != "source:unsc-consolidated-2026-05-08" || sum.Published != "2026-05-08" {
			t.Errorf("source %s published %s", sum.SourceID, sum.Published)
		}
		first := c.records[0]
		if first.ID != sum.SourceID || len(first.Entities) != 1 || first.Entities[0].Kind != schema.Source {
			t.Fatalf("first record = %+v", first)
		}
		src := first.Entities[0]
		if src.Name != "UN Security Council Consolidated List (2026-05-08)" ||
			src.Properties.First("publishedOn") != "2026-05-08" ||
			src.Properties.First("sourceKind") != "sanctions_list" ||
			src.Properties.First("url") != DefaultSourceURL ||
			src.Properties.First("publisher") != Authority {
			t.Errorf("source = %+v", src)
		}
		for _, r := range c.records[1:] {
			for _, ev := range r.Evidence {
				if ev.SourceID != sum.SourceID && ev.SourceID != loaders.ISO3166SourceID {
					t.Fatalf("%s cites %s", ev.ID, ev.SourceID)
				}
			}
		}
	})
	for _, w := range []want{
		{dataID: "690734", kind: schema.Person, name: "YUN HO-JIN", ref: "KPi.001", listed: "2009-07-16",
			aliases: []string{"Yun Ho-chin"},
			props: map[string][]string{"birthDate": {"1944-10-13"}, "nationality": {"KP"},
				"position": {"Director of Namchongang Trading Corporation"}},
			states: []string{"state:KP"}},
		{dataID: "6908555", kind: schema.Person, name: "RI WON HO", ref: "KPi.033", listed: "2016-11-30",
			props: map[string][]string{"birthDate": {"1964-07-17"}}},
		{dataID: "6908643", kind: schema.Person, name: "KIM JONG SIK", ref: "KPi.066", listed: "2017-12-22",
			aliases: []string{"Kim Cho’ng-sik"},
			props:   map[string][]string{"birthDateUncertain": {"true"}, "gender": {"male"}}},
		{dataID: "690735", kind: schema.Organization, name: "KOREA MINING DEVELOPMENT TRADING CORPORATION", ref: "KPe.001", listed: "2009-04-24",
			aliases: []string{"CHANGGWANG SINYONG CORPORATION"}},
		{dataID: "6908046", kind: schema.Organization, name: "OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)", ref: "KPe.020", listed: "2014-07-28",
			aliases:     []string{"East Sea Shipping Company", "Korea Mirae Shipping Co. Ltd", "Haeyang Crew Management Company"},
			props:       map[string][]string{"imoNumber": {"1790183"}, "country": {"KP"}},
			resolutions: []string{"resolution:unsc-1718", "resolution:unsc-1874"},
			states:      []string{"state:KP"}},
		{dataID: "6908499", kind: schema.Organization, name: "DAEDONG CREDIT BANK (DCB)", ref: "KPe.023", listed: "2016-03-02"},
		{dataID: "6908689", kind: schema.Organization, name: "YUK TUNG ENERGY PTE LTD", ref: "KPe.075", listed: "2018-03-30",
			props: map[string][]string{"imoNumber": {"5987860"}}},
	} {
		t.Run(w.ref, func(t *testing.T) { checkParty(t, c, w) })
	}
	t.Run("EmptyPlaceholderAlias", func(t *testing.T) {
		if a := c.entity(t, PartyID("KPi.033")).Aliases; len(a) != 0 {
			t.Errorf("KPi.033 aliases = %q, want none", a)
		}
	})
	t.Run("KPi.066BirthRange", func(t *testing.T) {
		rec := c.record(t, PartyID("KPi.066"))
		found := false
		for _, ev := range rec.Evidence {
			if ev.Property == "birthDate" && ev.Claim == "between 1967 and 1969" {
				found = true
			}
		}
		if !found {
			t.Errorf("no evidence keeps the birth range 1967–1969")
		}
	})
	t.Run("NothingUntrimmed", func(t *testing.T) {
		for _, r := range c.records {
			for _, e := range r.Entities {
				for _, s := range append([]string{e.Name}, e.Aliases...) {
					if s != strings.TrimSpace(s) || s == "" || strings.Contains(s, "  ") {
						t.Errorf("%s: name %q", e.ID, s)
					}
				}
				for k, vs := range e.Properties {
					for _, v := range vs {
						if v != strings.TrimSpace(v) || v == "" {
							t.Errorf("%s: %s = %q", e.ID, k, v)
						}
					}
				}
			}
		}
	})
	t.Run("UniqueIDs", func(t *testing.T) {
		seen := map[string]string{}
		for _, r := range c.records {
			for _, e := range r.Entities {
				if prev, dup := seen[e.ID]; dup {
					t.Errorf("%s in %s and %s", e.ID, prev, r.ID)
				}
				seen[e.ID] = r.ID
			}
		}
	})
	t.Logf("2026: %d records, %d nodes, %d relationships %v, %d evidence, %d review mentions; unresolved %v; dropped %v",
		sum.Records, sum.Nodes, sum.Relationships, sum.ByRelType, sum.Evidence, sum.ReviewMentions, sum.Unresolved, sum.Dropped)
}

func TestReal2020(t *testing.T) {
	c, sum := loadShared(t, list2020)
	checkModel(t, c)
	if sum.Individuals != 713 || sum.Entities != 305 {
		t.Errorf("%d individuals + %d entities, want 713 + 305", sum.Individuals, sum.Entities)
	}
	if got := countDPRK(c); got != [2]int{80, 75} {
		t.Errorf("DPRK %d + %d, want 80 + 75", got[0], got[1])
	}
	if sum.SourceID != "source:unsc-consolidated-2020-11-24" {
		t.Errorf("SourceID = %s", sum.SourceID)
	}
	for _, w := range []want{
		{dataID: "6908555", kind: schema.Person, name: "RI WON HO", ref: "KPi.033", listed: "2016-11-30"},
		{dataID: "6908565", kind: schema.Person, ref: "KPi.034"},
		{dataID: "690735", kind: schema.Organization, name: "KOREA MINING DEVELOPMENT TRADING CORPORATION", ref: "KPe.001", listed: "2009-04-24",
			aliases: []string{"CHANGGWANG SINYONG CORPORATION"}},
	} {
		t.Run(w.ref, func(t *testing.T) {
			if w.listed == "" {
				w.listed = c.entity(t, SanctionID(w.ref)).Properties.First("listingDate")
			}
			checkParty(t, c, w)
		})
	}
	t.Logf("2020: %d records, %d nodes, %d relationships %v, %d evidence, %d review mentions; unresolved %v; dropped %v",
		sum.Records, sum.Nodes, sum.Relationships, sum.ByRelType, sum.Evidence, sum.ReviewMentions, sum.Unresolved, sum.Dropped)
}

// countDPRK counts DPRK individuals and entities by their reference numbers.
func countDPRK(c *collector) [2]int {
	var n [2]int
	for _, r := range c.records {
		for _, e := range r.Entities {
			if e.Kind != schema.Sanction || e.Properties.First("program") != "DPRK" {
				continue
			}
			switch ref := e.Properties.First("authorityId"); {
			case strings.HasPrefix(ref, "KPi."):
				n[0]++
			case strings.HasPrefix(ref, "KPe."):
				n[1]++
			}
		}
	}
	return n
}

// TestRealTruncated cuts the real file in half: the load must fail with
// the line of the cut and the last DATAID read, after sending every record
// before it.
func TestRealTruncated(t *testing.T) {
	data := readFile(t, sharedtest.Path(t, list2026))
	half := data[:len(data)/2]
	c, _, err := load(t, context.Background(), half)
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *ParseError", err)
	}
	if want := bytes.Count(half, []byte("\n")) + 1; pe.Line != want {
		t.Errorf("Line = %d, want %d", pe.Line, want)
	}
	last := c.records[len(c.records)-1]
	if lastParty := c.entity(t, last.ID); lastParty.RecordID != pe.After {
		t.Errorf("After = %s, last record sent %s", pe.After, last.ID)
	}
	t.Logf("%v", err)
}

// BenchmarkLoad loads the real 2026 list into a sink that discards
// everything.
func BenchmarkLoad(b *testing.B) {
	data := readFile(b, sharedtest.Path(b, list2026))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	records := 0
	for b.Loop() {
		sum, err := (&Loader{}).Load(context.Background(), bytes.NewReader(data), discard{})
		if err != nil {
			b.Fatal(err)
		}
		records += sum.Records
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}
