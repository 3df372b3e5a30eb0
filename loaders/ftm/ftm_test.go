package ftm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

const fixture = "testdata/cluster.ftm.json"

func TestLoadFixtureGolden(t *testing.T) {
	tests := []struct {
		name    string
		golden  string
		load    func(tb testing.TB) (*collector, Summary)
		ordered bool // every relationship after its ends
		missing bool // relationships may name entities not emitted
	}{
		{"Passes", "cluster.passes.golden", func(tb testing.TB) (*collector, Summary) {
			return loadFile(tb, fixture, Options{Name: "cluster"})
		}, true, false},
		{"DatasetSources", "cluster.datasets.golden", func(tb testing.TB) (*collector, Summary) {
			return loadFile(tb, fixture, Options{Name: "cluster", DatasetSources: true, URL: "https://example.org/cluster.ftm.json"})
		}, true, false},
		{"OnePassWithoutIndex", "cluster.once.golden", func(tb testing.TB) (*collector, Summary) {
			return loadOnce(tb, fixture, Options{Name: "cluster"})
		}, false, true},
		{"OnePassWithIndex", "cluster.indexed.golden", func(tb testing.TB) (*collector, Summary) {
			return loadOnce(tb, fixture, Options{Name: "cluster", Index: index(tb, fixture), PublishedOn: "2024-06"})
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, sum := tt.load(t)
			checkAccounted(t, c, sum)
			checkModelEnds(t, c, tt.ordered, tt.missing)
			golden(t, tt.golden, render(c, sum))
		})
	}
}

func index(tb testing.TB, path string) *Index {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	idx, err := BuildIndex(context.Background(), f)
	if err != nil {
		tb.Fatal(err)
	}
	return idx
}

func TestLoadFixtureSummary(t *testing.T) {
	c, sum := loadFile(t, fixture, Options{Name: "cluster"})
	if sum.Lines != 36 {
		t.Errorf("Lines = %d, want 36 (blank lines are not lines)", sum.Lines)
	}
	wantSkipped := map[string]int{
		"OWNS asset: not in the file":                                          1,
		"ASSOCIATE_OF object: is a Product, which ASSOCIATE_OF does not allow": 1,
		"Directorship: no director":                                            1,
		"Sanction: no entity":                                                  1,
		"Address: not referenced by any mapped entity in the file":             1,
		"Passport: no document number":                                         1,
		"Identification: holder not a mapped entity of the file":               1,
		"schema Note not mapped":                                               1,
		"schema Security not mapped":                                           1,
		"schema Occupancy not mapped":                                          1,
		"no id":                                                                1,
	}
	if !mapsEqual(sum.Skipped, wantSkipped) {
		t.Errorf("Skipped = %v, want %v", sum.Skipped, wantSkipped)
	}
	wantFolded := map[string]int{
		"Address: attached to the entities referencing it": 2,
		"Passport: folded into the holder's description":   1,
	}
	if !mapsEqual(sum.Folded, wantFolded) {
		t.Errorf("Folded = %v, want %v", sum.Folded, wantFolded)
	}
	wantRejected := map[string]int{
		"DESIGNATES entity: is a Security, which is not mapped": 1,
		"OWNS owner: not in the file":                           1,
	}
	if !mapsEqual(sum.Rejected, wantRejected) {
		t.Errorf("Rejected = %v, want %v", sum.Rejected, wantRejected)
	}
	if sum.Emitted != 22 {
		t.Errorf("Emitted = %d, want 22", sum.Emitted)
	}
	if sum.PublishedOn != "2024-05-06" {
		t.Errorf("PublishedOn = %q, want the latest last_change, 2024-05-06", sum.PublishedOn)
	}
	if c.Records[0].ID != "source:ftm-cluster" || c.Records[0].Entities[1].Kind != schema.Source {
		t.Errorf("first record is %q, want the Source", c.Records[0].ID)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestLoadFixtureFacts checks one mapping decision per case, independent of
// the golden files.
func TestLoadFixtureFacts(t *testing.T) {
	c, _ := loadFile(t, fixture, Options{Name: "cluster"})
	ivan, aero, maria := ID("p-ivan"), ID("c-aero"), ID("p-maria")
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"PersonNames", func(t *testing.T) {
			e := c.entity(t, ivan)
			if e.Name != "Ivan Petrovich TESTOV" {
				t.Errorf("Name = %q", e.Name)
			}
			for _, a := range []string{"Иван Петрович Тестов", "Vanya", "Ivan Petrovich Probov", "Ivan TESTOV"} {
				if !slices.Contains(e.Aliases, a) {
					t.Errorf("aliases %q lack %q", e.Aliases, a)
				}
			}
		}},
		{"NameFromParts", func(t *testing.T) {
			e := c.entity(t, maria)
			if e.Name != "Мария Тестова" || e.Status != schema.Reported {
				t.Errorf("got %q %s, want Мария Тестова, reported (wd_peps is not official)", e.Name, e.Status)
			}
			if !strings.Contains(e.Description, "firstName: Maria") || !strings.Contains(e.Description, "nationality: zz") {
				t.Errorf("description %q lacks the other first name or the unknown country", e.Description)
			}
		}},
		{"BirthDates", func(t *testing.T) {
			e := c.entity(t, ivan)
			if e.Properties.First("birthDate") != "1970-05-01" || e.Properties.First("birthDateUncertain") != "true" {
				t.Errorf("birthDate %v", e.Properties)
			}
			var vals []string
			for _, ev := range c.evidence(ivan) {
				if ev.Property == "birthDate" {
					vals = append(vals, ev.Value)
				}
			}
			if !slices.Equal(vals, []string{"1970-05-01", "1971"}) {
				t.Errorf("birthDate evidence %q, want both dates side by side", vals)
			}
			if !strings.Contains(e.Description, "birthDate: circa 1970") {
				t.Errorf("an unparsable date must be kept in the description: %q", e.Description)
			}
		}},
		{"ISO3166SourceIsTheSharedOne", func(t *testing.T) {
			// Every loader emits the same reference Source, so whichever
			// import creates it first, the graph holds one version.
			if got, want := c.entity(t, loaders.ISO3166SourceID), loaders.ISO3166Source(); !reflect.DeepEqual(got, want) {
				t.Errorf("ISO 3166-1 Source\n got %+v\nwant %+v", got, want)
			}
		}},
		{"NationalityAndCountries", func(t *testing.T) {
			e := c.entity(t, ivan)
			if got := e.Properties["nationality"]; !slices.Equal(got, []string{"RU", "KP"}) {
				t.Errorf("nationality %q", got)
			}
			if len(c.rels(schema.NationalOf, ivan, "state:KP")) != 1 || len(c.rels(schema.BasedIn, ivan, "state:AE")) != 1 {
				t.Error("want NATIONAL_OF KP and BASED_IN AE")
			}
			if !strings.Contains(e.Description, "country: suhh") {
				t.Errorf("a code that is no state goes to the description: %q", e.Description)
			}
		}},
		{"AddressesJoinBasedIn", func(t *testing.T) {
			rels := c.rels(schema.BasedIn, ivan, "state:KP")
			if len(rels) != 1 {
				t.Fatalf("BASED_IN KP: %v", rels)
			}
			want := []string{"5 Sungri Street, Pyongyang, DPRK"}
			if got := rels[0].Properties["address"]; !slices.Equal(got, want) {
				t.Errorf("address %q, want %q", got, want)
			}
			ru := c.rels(schema.BasedIn, aero, "state:RU")
			if len(ru) != 1 || ru[0].Properties.First("address") != "1 Test Street, Moscow, 101000, Russia" {
				t.Errorf("BASED_IN RU of the company: %v", ru)
			}
			d := c.entity(t, aero).Description
			if strings.Count(d, "Unit 4, Industrial Zone") != 1 || strings.Contains(d, "1 Test Street, Moscow, 101000;") {
				t.Errorf("address without country once in the description, the one with a country not at all: %q", d)
			}
		}},
		{"DocumentsFolded", func(t *testing.T) {
			if d := c.entity(t, ivan).Description; !strings.Contains(d, "identification: Passport 751234567 (RU), 2015-01-01 to 2025-01-01") {
				t.Errorf("description %q lacks the passport", d)
			}
		}},
		{"OrganizationProperties", func(t *testing.T) {
			e := c.entity(t, aero)
			want := map[string][]string{
				"country": {"RU"}, "registrationNumber": {"1091841000624"}, "taxNumber": {"1841015504"},
				"incorporationDate": {"2010-12-24"}, "website": {"https://aero.example/"}, "roles": {"bank"},
			}
			for k, v := range want {
				if !slices.Equal(e.Properties[k], v) {
					t.Errorf("%s = %q, want %q", k, e.Properties[k], v)
				}
			}
			if !strings.Contains(e.Description, "website: aero.example") || !strings.Contains(e.Description, "kppCode: 184101001") {
				t.Errorf("description %q", e.Description)
			}
			if len(c.rels(schema.BasedIn, aero, "state:BY")) != 1 {
				t.Error("every country is a BASED_IN")
			}
		}},
		{"RolesFromSchema", func(t *testing.T) {
			if got := c.entity(t, ID("pb-ministry")).Properties["roles"]; !slices.Equal(got, []string{"government_body"}) {
				t.Errorf("PublicBody roles %q", got)
			}
			if _, ok := c.entity(t, ID("le-agent")).Properties["roles"]; ok {
				t.Error("no role without data saying so")
			}
		}},
		{"Unicode", func(t *testing.T) {
			e := c.entity(t, ID("org-greek"))
			if !slices.Contains(e.Aliases, "Ελληνική Εταιρεία Δοκιμών") || !slices.Contains(e.Aliases, "Грэцкая кампанія") {
				t.Errorf("aliases %q", e.Aliases)
			}
		}},
		{"Vessel", func(t *testing.T) {
			e := c.entity(t, ID("v-tanker"))
			want := map[string][]string{"category": {"vessel"}, "flag": {"KP"}, "imoNumber": {"9123456"}, "callSign": {"HMAB"}, "vesselType": {"Oil Tanker"}, "tonnage": {"25.5"}}
			for k, v := range want {
				if !slices.Equal(e.Properties[k], v) {
					t.Errorf("%s = %q, want %q", k, e.Properties[k], v)
				}
			}
			if len(c.rels(schema.Owns, aero, ID("v-tanker"))) != 2 || len(c.rels(schema.Uses, ivan, ID("v-tanker"))) != 1 {
				t.Error("want OWNS from the owner property and from own-3, USES from the operator")
			}
		}},
		{"AirplaneAndCar", func(t *testing.T) {
			a := c.entity(t, ID("a-plane"))
			if a.Properties.First("category") != "aircraft" || a.Properties.First("make") != "Ilyushin" {
				t.Errorf("airplane %v", a.Properties)
			}
			if c.entity(t, ID("car-1")).Properties.First("category") != "motor_vehicle" {
				t.Error("Vehicle is a motor_vehicle")
			}
		}},
		{"Ownership", func(t *testing.T) {
			rels := c.rels(schema.Owns, ivan, aero)
			if len(rels) != 1 {
				t.Fatalf("OWNS: %v", rels)
			}
			r := rels[0]
			if r.ID != "OWNS|ftm:p-ivan|ftm:c-aero|own-1" || r.Properties.First("share") != "51" || r.ValidFrom != "2015-11-25" || r.ValidUntil != "2023-12-21" {
				t.Errorf("OWNS %+v", r)
			}
			if ev := c.evidence(r.ID); len(ev) != 1 || ev[0].Claim != "sharesCount: 5100" || ev[0].Status != schema.Confirmed {
				t.Errorf("evidence %+v", ev)
			}
			bad := c.rels(schema.Owns, aero, ID("v-tanker"))
			for _, r := range bad {
				if r.Properties.First("share") != "" {
					t.Errorf("a share over 100 is no share: %+v", r)
				}
			}
		}},
		{"Directorship", func(t *testing.T) {
			rels := c.rels(schema.Directs, ivan, aero)
			if len(rels) != 1 || rels[0].Properties.First("role") != "Генеральный директор" || rels[0].ValidFrom != "2017-10-23" {
				t.Fatalf("DIRECTS %+v", rels)
			}
			if ev := c.evidence(rels[0].ID); !strings.Contains(ev[0].Claim, "role: General Director") || !strings.Contains(ev[0].Claim, "Head of the legal entity") {
				t.Errorf("claim %q", ev[0].Claim)
			}
		}},
		{"Family", func(t *testing.T) {
			if r := c.rels(schema.FamilyOf, maria, ivan); len(r) != 1 || r[0].Properties.First("relationship") != "father" {
				t.Errorf("FAMILY_OF %+v", r)
			}
		}},
		{"AssociateEndBeforeStart", func(t *testing.T) {
			r := c.rels(schema.AssociateOf, ivan, maria)
			if len(r) != 1 || r[0].ValidFrom != "2020" || r[0].ValidUntil != "" {
				t.Fatalf("ASSOCIATE_OF %+v", r)
			}
			if ev := c.evidence(r[0].ID); !strings.Contains(ev[0].Claim, "endDate: 2019") {
				t.Errorf("claim %q", ev[0].Claim)
			}
		}},
		{"Representation", func(t *testing.T) {
			r := c.rels(schema.AssociateOf, ID("le-agent"), aero)
			if len(r) != 1 || r[0].Properties.First("relationship") != "representative" {
				t.Fatalf("%+v", r)
			}
			if ev := c.evidence(r[0].ID); ev[0].Claim != "role: lawyer" {
				t.Errorf("claim %q", ev[0].Claim)
			}
		}},
		{"MembershipEmploymentUnknownLink", func(t *testing.T) {
			if r := c.rels(schema.MemberOf, aero, ID("pb-ministry")); len(r) != 1 {
				t.Error("MEMBER_OF")
			}
			if r := c.rels(schema.WorksFor, maria, aero); len(r) != 1 || r[0].ValidFrom != "2021-02" {
				t.Errorf("WORKS_FOR %+v", r)
			}
			if r := c.rels(schema.AssociateOf, ivan, ID("le-agent")); len(r) != 1 || r[0].Properties.First("relationship") != "linked to" {
				t.Errorf("UnknownLink %+v", r)
			}
		}},
		{"Sanction", func(t *testing.T) {
			s := c.entity(t, ID("s-ofac"))
			want := map[string][]string{
				"authority": {"Office of Foreign Assets Control"}, "authorityId": {"12345"},
				"program": {"RUSSIA-EO14024", "UKRAINE-EO13662"}, "listingDate": {"2022-03-11"}, "amendedOn": {"2023-05-19"},
			}
			for k, v := range want {
				if !slices.Equal(s.Properties[k], v) {
					t.Errorf("%s = %q, want %q", k, s.Properties[k], v)
				}
			}
			if s.Name != "Office of Foreign Assets Control: RUSSIA-EO14024" || s.ValidFrom != "2022-03-11" {
				t.Errorf("%q from %s", s.Name, s.ValidFrom)
			}
			if !strings.Contains(s.Description, "sourceUrl: https://sanctionssearch.ofac.treas.gov/Details.aspx?id=12345") {
				t.Errorf("description %q", s.Description)
			}
			if len(c.rels(schema.Designates, s.ID, ivan)) != 1 {
				t.Error("DESIGNATES")
			}
			auth := AuthorityIDPrefix + "office-of-foreign-assets-control"
			if len(c.rels(schema.IssuedBy, s.ID, auth)) != 1 || c.entity(t, auth).Properties.First("country") != "US" {
				t.Error("ISSUED_BY the authority, based in the sanction's country")
			}
		}},
		{"SanctionEnds", func(t *testing.T) {
			eu := c.entity(t, ID("s-eu"))
			if eu.Properties.First("delistedOn") != "2016-01-01" || eu.ValidUntil != "2016-01-01" || eu.Properties.First("listingDate") != "2014-07-31" {
				t.Errorf("past end: %v %s", eu.Properties, eu.ValidUntil)
			}
			fut := c.entity(t, ID("s-future"))
			if fut.Properties.First("delistedOn") != "" || fut.ValidUntil != "2031-10-30" {
				t.Errorf("future end is not a delisting: %v %s", fut.Properties, fut.ValidUntil)
			}
		}},
		{"StatusFromDatasets", func(t *testing.T) {
			if s := c.entity(t, ID("s-research")); s.Status != schema.Reported {
				t.Errorf("kp_rusi_reports: %s", s.Status)
			}
			if s := c.entity(t, ID("s-future")); s.Status != schema.Confirmed {
				t.Errorf("ua_nsdc_sanctions: %s", s.Status)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

func TestLoadDatasetSources(t *testing.T) {
	c, _ := loadFile(t, fixture, Options{Name: "cluster", DatasetSources: true})
	var evs []model.Evidence
	for _, ev := range c.evidence(ID("p-ivan")) {
		if ev.Property == "" {
			evs = append(evs, ev)
		}
	}
	want := map[string]schema.Status{
		"source:ftm-cluster":            schema.Confirmed,
		DatasetSourceID("us_ofac_sdn"):  schema.Confirmed,
		DatasetSourceID("ext_ru_egrul"): schema.Confirmed,
	}
	if len(evs) != len(want) {
		t.Fatalf("evidence %+v", evs)
	}
	for _, ev := range evs {
		if st, ok := want[ev.SourceID]; !ok || st != ev.Status {
			t.Errorf("evidence %s from %s is %s", ev.ID, ev.SourceID, ev.Status)
		}
	}
	if ev := c.evidence(ID("p-maria")); !slices.ContainsFunc(ev, func(e model.Evidence) bool {
		return e.SourceID == DatasetSourceID("wd_peps") && e.Status == schema.Reported
	}) {
		t.Errorf("wd_peps evidence %+v", ev)
	}
}

func TestLoadExternalEndpoints(t *testing.T) {
	c, sum := loadFile(t, fixture, Options{Name: "cluster", ExternalEndpoints: true})
	if len(c.rels(schema.Owns, ID("c-aero"), ID("c-elsewhere"))) != 1 || sum.External != 2 {
		t.Errorf("want the ownership of c-elsewhere and the car's owner emitted, External = %d", sum.External)
	}
	if sum.Skipped["OWNS asset: not in the file"] != 0 {
		t.Error("not skipped with ExternalEndpoints")
	}
}

func TestLoadMalformed(t *testing.T) {
	good := `{"id":"a","schema":"Person","properties":{"name":["A"]},"datasets":["us_ofac_sdn"]}`
	tests := []struct {
		name     string
		input    string
		wantLine int
		shape    bool // valid JSON of the wrong shape, which BuildIndex does not look into
	}{
		{"TruncatedObject", good + "\n" + `{"id":"b","schema":"Person","properties":{"name":["B"]` + "\n", 2, false},
		{"Array", "[1,2]\n" + good, 1, false},
		{"PropertyNotAList", good + "\n\n" + `{"id":"c","schema":"Person","properties":{"name":"C"}}`, 3, true},
		{"TwoObjectsOnALine", good + " " + good, 1, false},
		{"NotJSON", good + "\n" + good + "\nid,schema\n", 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var le *LineError
			_, err := Load(context.Background(), strings.NewReader(tt.input), Options{Name: "bad"}, &collector{})
			if !errors.As(err, &le) || le.Line != tt.wantLine {
				t.Errorf("Load: %v, want an error on line %d", err, tt.wantLine)
			}
			if _, err = BuildIndex(context.Background(), strings.NewReader(tt.input)); !tt.shape && (!errors.As(err, &le) || le.Line != tt.wantLine) {
				t.Errorf("BuildIndex: %v, want an error on line %d", err, tt.wantLine)
			}
			open := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(tt.input)), nil }
			_, err = LoadPasses(context.Background(), open, Options{Name: "bad"}, &collector{})
			if !errors.As(err, &le) || le.Line != tt.wantLine {
				t.Errorf("LoadPasses: %v, want an error on line %d", err, tt.wantLine)
			}
		})
	}
}

// cancelling is a sink that cancels the load's context at its n-th record.
type cancelling struct {
	collector
	n      int
	cancel context.CancelFunc
}

func (c *cancelling) Record(ctx context.Context, r loaders.Record) error {
	if len(c.Records) == c.n {
		c.cancel()
	}
	return c.collector.Record(ctx, r)
}

func TestLoadContext(t *testing.T) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		after int // records before cancelling; -1 cancels before the load
	}{
		{"CancelledBefore", -1},
		{"CancelledAfterSource", 0},
		{"CancelledMidway", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sink := &cancelling{n: tt.after, cancel: cancel}
			if tt.after < 0 {
				cancel()
			}
			_, err := Load(ctx, bytes.NewReader(data), Options{Name: "cluster"}, sink)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Load: %v, want context.Canceled", err)
			}
			if n := len(sink.Records); n > tt.after+2 {
				t.Errorf("%d records after cancelling at %d: the loader must stop at the next line", n, tt.after)
			}
			open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
			ctx2, cancel2 := context.WithCancel(context.Background())
			defer cancel2()
			sink2 := &cancelling{n: tt.after, cancel: cancel2}
			if tt.after < 0 {
				cancel2()
			}
			if _, err := LoadPasses(ctx2, open, Options{Name: "cluster"}, sink2); !errors.Is(err, context.Canceled) {
				t.Errorf("LoadPasses: %v, want context.Canceled", err)
			}
		})
	}
}

// failing is a sink whose Record fails.
type failing struct{ err error }

func (f failing) Record(context.Context, loaders.Record) error { return f.err }
func (f failing) Skip(context.Context, loaders.Skipped) error  { return f.err }

func TestLoadSinkError(t *testing.T) {
	boom := errors.New("boom")
	_, err := LoadFile(context.Background(), fixture, Options{Name: "cluster"}, failing{boom})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the sink's error wrapped", err)
	}
}

func TestLoadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"NameRequired", Options{}},
		{"PublishedOnNotADate", Options{Name: "x", PublishedOn: "29/04/2026"}},
		{"URLNotAbsolute", Options{Name: "x", URL: "data.opensanctions.org/x.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Load(context.Background(), strings.NewReader(""), tt.opts, &collector{}); err == nil {
				t.Error("want an error")
			}
		})
	}
}

func TestLoadLongLineAndBOM(t *testing.T) {
	aliases := make([]string, 0, 40000)
	for i := range 40000 {
		aliases = append(aliases, `"Alias number `+strings.Repeat("x", i%50)+string(rune('a'+i%26))+`"`)
	}
	long := `{"id":"big","schema":"Company","caption":"Big","properties":{"name":["Big"],"alias":[` + strings.Join(aliases, ",") + `]},"datasets":["eu_fsf"]}`
	if len(long) <= readerSize {
		t.Fatalf("line of %d bytes is not longer than the buffer", len(long))
	}
	input := "\xef\xbb\xbf" + `{"id":"first","schema":"Person","properties":{"name":["First"]}}` + "\r\n" + long + "\n" + `{"id":"last","schema":"Person","properties":{"name":["Last"]}}`
	c := &collector{}
	sum, err := Load(context.Background(), strings.NewReader(input), Options{Name: "long"}, c)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Lines != 3 || sum.Emitted != 3 {
		t.Fatalf("summary %+v", sum)
	}
	if e := c.entity(t, ID("big")); len(e.Aliases) != 650 { // 40,000 aliases, 650 distinct
		t.Errorf("big entity has %d aliases", len(e.Aliases))
	}
	c.entity(t, ID("first"))
	c.entity(t, ID("last"))
}

func TestLoadPublishedOnWithoutIndex(t *testing.T) {
	c, sum := loadOnce(t, fixture, Options{Name: "cluster"})
	last := c.Records[len(c.Records)-1]
	if last.ID != "source:ftm-cluster (publishedOn)" || last.Entities[0].Properties.First("publishedOn") != "2024-05-06" || sum.PublishedOn != "2024-05-06" {
		t.Errorf("the Source is re-emitted with the date found: %+v", last)
	}
}
