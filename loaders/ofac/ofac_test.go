package ofac_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/loaders/ofac"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

const fixtureCSV = "testdata/csv"

func TestLoadCSVFixture(t *testing.T) {
	s, sum := loadCSV(t, fixtureCSV, ofac.Options{Published: "2024-05-03"})
	s.checkEvidence(t)
	s.checkBatchable(t)
	s.checkModel(t)
	golden(t, "csv.golden", dump(s, sum))

	if got := s.records[0].ID; got != "source:ofac-sdn-2024-05-03" {
		t.Errorf("first record %s, want the source", got)
	}
	tests := []struct {
		name, id, prop string
		want           []string
	}{
		{"PersonBirthDate", "ofac:20157", "birthDate", []string{"1984-01-08"}},
		{"PersonPosition", "ofac:20157", "position", []string{"Chairman of the Workers' Party of Korea"}},
		{"TwoPrograms", "ofac-sanction:9345", "program", []string{"NPWMD", "DPRK2"}},
		{"SanctionAuthority", "ofac-sanction:9345", "authority", []string{"Office of Foreign Assets Control"}},
		{"SanctionListType", "ofac-sanction:9345", "listType", []string{"SDN"}},
		{"OrganizationIMO", "ofac:17068", "imoNumber", []string{"1790183"}},
		{"VesselIMO", "ofac:23729", "imoNumber", []string{"8660313"}},
		{"VesselFlag", "ofac:23729", "flag", []string{"KP"}},
		{"VesselTonnage", "ofac:23729", "tonnage", []string{"1024"}},
		{"VesselCallSign", "ofac:23729", "callSign", []string{"HMYZ"}},
		{"VesselCategory", "ofac:23729", "category", []string{"vessel"}},
		{"AircraftCategory", "ofac:15431", "category", []string{"aircraft"}},
		{"AircraftModel", "ofac:15431", "model", []string{"IL76-TD"}},
		{"TaxNumber", "ofac:47956", "taxNumber", []string{"7743237789"}},
		{"FirstRegistrationNumber", "ofac:47956", "registrationNumber", []string{"5177746340998"}},
		{"IncorporationDate", "ofac:47956", "incorporationDate", []string{"2018-07-26"}},
		{"Website", "ofac:47956", "website", []string{"http://www.aurus.example"}},
		{"CountryFromAddresses", "ofac:47956", "country", []string{"RU"}},
		{"NoCountryWhenAddressesDisagree", "ofac:9345", "country", nil},
		{"CircaAndRangeDOB", "ofac:30001", "birthDate", []string{"1960"}},
		{"UncertainDOB", "ofac:30001", "birthDateUncertain", []string{"true"}},
		{"CertainDOB", "ofac:20157", "birthDateUncertain", nil},
		{"BirthPlace", "ofac:30001", "birthPlace", []string{"Tehran, Iran"}},
		{"NationalityAndCitizen", "ofac:30001", "nationality", []string{"IR", "SY"}},
		{"Gender", "ofac:30001", "gender", []string{"male"}},
		{"TitleSplit", "ofac:30001", "position", []string{"Commander", "Deputy Minister"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.entity(t, tt.id).Properties[tt.prop]; !slices.Equal(got, tt.want) {
				t.Errorf("%s %s = %q, want %q", tt.id, tt.prop, got, tt.want)
			}
		})
	}

	t.Run("Kinds", func(t *testing.T) {
		for id, want := range map[string]schema.Kind{
			"ofac:20157": schema.Person, "ofac:9345": schema.Organization, "ofac:23729": schema.Product,
			"ofac:15431": schema.Product, "ofac-sanction:9345": schema.Sanction, "source:ofac-sdn-2024-05-03": schema.Source,
		} {
			if got := s.entity(t, id).Kind; got != want {
				t.Errorf("%s kind %s, want %s", id, got, want)
			}
		}
	})
	t.Run("Names", func(t *testing.T) {
		e := s.entity(t, "ofac:20157")
		if e.Name != "Jong Un KIM" || !slices.Contains(e.Aliases, "KIM, Jong Un") || !slices.Contains(e.Aliases, "Jong-un KIM") {
			t.Errorf("name %q aliases %q", e.Name, e.Aliases)
		}
		if e := s.entity(t, "ofac:30001"); e.Name != "Juan Abu DELOS REYES Jr." {
			t.Errorf("suffix name %q", e.Name)
		}
		if e := s.entity(t, "ofac:30006"); e.Name != "CAFÉ CENTRAL S.A." {
			t.Errorf("Windows-1252 name %q", e.Name)
		}
		komid := s.entity(t, "ofac:9345").Aliases
		if !slices.Contains(komid, "KOMID") || !slices.Contains(komid, "CHANGGWANG SINYONG CORPORATION") {
			t.Errorf("KOMID aliases %q", komid)
		}
		if n := strings.Count(strings.Join(komid, "|"), "KOMID"); n != 1 {
			t.Errorf("alias KOMID from alt.csv and remarks kept %d times", n)
		}
		if a := s.entity(t, "ofac:30001").Aliases; !slices.Contains(a, "ABU-'UMAR") {
			t.Errorf("alias with inner quote: %q", a)
		}
	})
	t.Run("Comments", func(t *testing.T) {
		e := s.entity(t, "ofac:30007")
		if !strings.HasSuffix(e.Description, "a.k.a. 'LAZARUS FIXTURE'; Linked To: KOREA MINING DEVELOPMENT TRADING CORPORATION.") {
			t.Errorf("remarks not continued: …%s", e.Description[len(e.Description)-80:])
		}
		if !slices.Contains(e.Aliases, "LAZARUS FIXTURE") {
			t.Errorf("alias across the comment join missing: %q", e.Aliases)
		}
		if _, ok := s.rel("ASSOCIATE_OF|ofac:30007|ofac:9345"); !ok {
			t.Error("link in the continuation not resolved")
		}
	})
	t.Run("Truncated", func(t *testing.T) {
		if a := s.entity(t, "ofac:30008").Aliases; len(a) != 0 {
			t.Errorf("alias cut at 1000 characters kept: %q", a)
		}
		if sum.Truncated != 1 {
			t.Errorf("Truncated = %d, want 1", sum.Truncated)
		}
	})
	t.Run("Relationships", func(t *testing.T) {
		for _, id := range []string{
			"DESIGNATES|ofac-sanction:20157|ofac:20157",
			"BASED_IN|ofac:20157|state:KP",
			"BASED_IN|ofac:9345|state:KP",
			"BASED_IN|ofac:9345|state:CN",
			"NATIONAL_OF|ofac:30001|state:IR",
			"NATIONAL_OF|ofac:30001|state:SY",
			"USES|ofac:23730|ofac:23729",         // vessel Linked To its company (forward)
			"OWNS|ofac:23730|ofac:23729",         // vessel owner
			"USES|ofac:23730|ofac:15431",         // aircraft operator and Linked To: one relationship
			"ASSOCIATE_OF|ofac:23730|ofac:17068", // backward link
			"ASSOCIATE_OF|ofac:30001|ofac:30004", // forward link
			"ASSOCIATE_OF|ofac:30004|ofac:30001", // link to an individual, "LAST, First"
			"ASSOCIATE_OF|ofac:30007|ofac:9345",  // link found in sdn_comments.csv
		} {
			if _, ok := s.rel(id); !ok {
				t.Errorf("missing %s", id)
			}
		}
		if _, ok := s.rel("NATIONAL_OF|ofac:20157|state:KP"); ok {
			t.Error("an address is not a nationality")
		}
		if rel, _ := s.rel("BASED_IN|ofac:47956|state:RU"); rel.Properties.First("address") != "ul. Ivanovskaya 1, Moscow 125000, Russia\npr. Lenina 2, Yelabuga, Russia" {
			t.Errorf("addresses of one state: %q", rel.Properties.First("address"))
		}
		if n := len(s.evidenceFor("USES|ofac:23730|ofac:15431")); n != 2 {
			t.Errorf("operator + Linked To: %d evidence records, want 2", n)
		}
		if n := len(s.evidenceFor("USES|ofac:23730|ofac:23729")); n != 2 {
			t.Errorf("vessel and company naming each other: %d evidence records, want 2", n)
		}
	})
	t.Run("BirthDateEvidence", func(t *testing.T) {
		var values []string
		for _, ev := range s.evidenceFor("ofac:30001") {
			if ev.Property == "birthDate" {
				values = append(values, ev.Value)
			}
		}
		if want := []string{"1960", "1953", "1961"}; !slices.Equal(values, want) {
			t.Errorf("birthDate evidence %q, want %q", values, want)
		}
	})
	t.Run("Skips", func(t *testing.T) {
		want := map[string]int{
			ofac.ReasonOrphanAddress:     1,
			ofac.ReasonOrphanAlias:       1,
			ofac.ReasonOrphanComment:     1,
			ofac.ReasonDuplicate:         1,
			"unknown SDN type submarine": 1,
		}
		if !mapsEqual(sum.Skipped, want) {
			t.Errorf("Skipped = %v, want %v", sum.Skipped, want)
		}
		if len(s.skips) != 5 {
			t.Errorf("%d skips sent to the sink, want 5", len(s.skips))
		}
	})
	t.Run("Summary", func(t *testing.T) {
		if sum.Entries != 15 || sum.Addresses != 8 || sum.Aliases != 5 || sum.Comments != 1 || sum.DPRK != 6 {
			t.Errorf("Entries %d Addresses %d Aliases %d Comments %d DPRK %d", sum.Entries, sum.Addresses, sum.Aliases, sum.Comments, sum.DPRK)
		}
		if sum.UnresolvedCountries["Region: Crimea"] != 1 || sum.UnresolvedCountries["Eritrean"] != 1 {
			t.Errorf("UnresolvedCountries = %v", sum.UnresolvedCountries)
		}
		reasons := map[string]string{}
		for _, l := range sum.Unlinked {
			reasons[l.Name] = l.Reason
		}
		if reasons["TWIN TRADING LLC"] != "ambiguous" || reasons["NOBODY ON THIS LIST."] != "no entry" {
			t.Errorf("Unlinked = %+v", sum.Unlinked)
		}
	})
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

func TestLoadXMLFixture(t *testing.T) {
	tests := []struct {
		name, file, golden string
		opts               ofac.Options
		source             string
		entries            int
	}{
		{"Namespace2024", "sdn-2024ns.xml", "xml-2024ns.golden", ofac.Options{}, "source:ofac-sdn-2024-05-03", 5},
		{"Namespace2018", "consolidated-2018ns.xml", "xml-2018ns.golden", ofac.Options{}, "source:ofac-cons-2018-04-06", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, sum := loadXML(t, filepath.Join("testdata/xml", tt.file), tt.opts)
			s.checkEvidence(t)
			s.checkBatchable(t)
			s.checkModel(t)
			golden(t, tt.golden, dump(s, sum))
			if sum.SourceID != tt.source || s.records[0].ID != tt.source {
				t.Errorf("source %s (first record %s), want %s", sum.SourceID, s.records[0].ID, tt.source)
			}
			if sum.Entries != tt.entries || sum.Declared != tt.entries {
				t.Errorf("Entries %d Declared %d, want %d", sum.Entries, sum.Declared, tt.entries)
			}
		})
	}

	// The same entry under either namespace yields the same record, but
	// for the dataset and source.
	t.Run("SameEntryBothNamespaces", func(t *testing.T) {
		opts := ofac.Options{Dataset: ofac.DatasetSDN, Published: "2024-01-01"}
		a, _ := loadXML(t, "testdata/xml/sdn-2024ns.xml", opts)
		b, _ := loadXML(t, "testdata/xml/consolidated-2018ns.xml", opts)
		// The first record to link to a state carries it: 9345 in one file
		// and not in the other. Compare without the states.
		noStates := func(r loaders.Record) loaders.Record {
			r.Entities = slices.DeleteFunc(slices.Clone(r.Entities), func(e model.Entity) bool { return e.Kind == schema.State })
			r.Evidence = slices.DeleteFunc(slices.Clone(r.Evidence), func(e model.Evidence) bool { return strings.HasPrefix(e.FactID, "state:") })
			return r
		}
		ra, rb := noStates(a.record(t, "ofac:9345")), noStates(b.record(t, "ofac:9345"))
		da := strings.ReplaceAll(string(dump(&memSink{records: []loaders.Record{ra}}, ofac.Summary{})), "2024-05-03", "X")
		db := strings.ReplaceAll(string(dump(&memSink{records: []loaders.Record{rb}}, ofac.Summary{})), "2018-04-06", "X")
		if da != db {
			t.Errorf("records differ:\n%s\n%s", da, db)
		}
	})

	t.Run("Facts", func(t *testing.T) {
		s, _ := loadXML(t, "testdata/xml/sdn-2024ns.xml", ofac.Options{})
		k := s.entity(t, "ofac:20157")
		if k.Name != "Jong Un KIM" || k.Properties.First("birthDate") != "1984-01-08" || !slices.Equal(k.Properties["nationality"], []string{"KP"}) {
			t.Errorf("KIM: %q %v", k.Name, k.Properties)
		}
		for _, id := range []string{"NATIONAL_OF|ofac:20157|state:KP", "BASED_IN|ofac:20157|state:KP", "USES|ofac:9345|ofac:23729", "OWNS|ofac:9345|ofac:23729"} {
			if _, ok := s.rel(id); !ok {
				t.Errorf("missing %s", id)
			}
		}
		h := s.entity(t, "ofac:9639")
		if h.Properties.First("birthDate") != "1962" || h.Properties.First("birthDateUncertain") != "true" {
			t.Errorf("HANIYA: mainEntry DOB first: %v", h.Properties)
		}
		if got := s.entity(t, "ofac-sanction:47956").Properties.First("listingDate"); got != "2022-02-24" {
			t.Errorf("listingDate %q", got)
		}
		a := s.entity(t, "ofac:47956")
		if a.Properties.First("taxNumber") != "7743237789" || a.Properties.First("registrationNumber") != "5177746340998" || a.Properties.First("incorporationDate") != "2018-07-26" {
			t.Errorf("AURUS: %v", a.Properties)
		}
		old, _ := loadXML(t, "testdata/xml/consolidated-2018ns.xml", ofac.Options{})
		p := old.entity(t, "ofac-cons:7777")
		if p.Properties.First("birthDate") != "1953" || !slices.Equal(p.Properties["position"], []string{"Director, Fixture Oil Company", "Director, Fixture Trading"}) {
			t.Errorf("TESTER: %v", p.Properties)
		}
		if v := old.entity(t, "ofac-cons:7778"); v.Properties.First("flag") != "" || v.Properties.First("tonnage") != "318000" {
			t.Errorf("ATLANTIC STAR: %v", v.Properties)
		}
	})
}

func TestMalformed(t *testing.T) {
	good := `20157,"KIM, Jong Un","individual","DPRK3",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n"
	tests := []struct {
		name  string
		files ofac.CSVFiles
		want  []string // the message names these
	}{
		{"SDNFieldCount", ofac.CSVFiles{SDN: strings.NewReader(good + `42,"SHORT ROW",-0- ,"SDGT"` + "\r\n")}, []string{"sdn.csv:2", "ent_num 42", "4 fields"}},
		{"SDNBadQuote", ofac.CSVFiles{SDN: strings.NewReader(good + `43,"BAD "QUOTE" CO",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n")}, []string{"sdn.csv:2"}},
		{"SDNUnterminatedQuote", ofac.CSVFiles{SDN: strings.NewReader(good + `44,"OPEN QUOTE,-0- ` + "\r\n\x1a")}, []string{"sdn.csv:2"}},
		{"SDNEntNum", ofac.CSVFiles{SDN: strings.NewReader(`X1,"NAME",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n")}, []string{"sdn.csv:1", `"X1"`}},
		{"AddFieldCount", ofac.CSVFiles{SDN: strings.NewReader(good), Add: strings.NewReader("20157,1,\"Street\"\r\n"), AddName: "add.csv"}, []string{"add.csv:1", "ent_num 20157"}},
		{"AltFieldCount", ofac.CSVFiles{SDN: strings.NewReader(good), Alt: strings.NewReader("20157,1,\"aka\",\"X\",-0- ,extra\r\n")}, []string{"alt.csv:1", "ent_num 20157"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ofac.LoadCSV(context.Background(), tt.files, ofac.Options{Published: "2024-05-03"}, &memSink{})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}

	// An empty or cut-short sdn.csv is an error naming the line, before
	// anything would count as the whole list.
	two := good + `20158,"SECOND, Row","individual","DPRK3",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n"
	cut := []struct {
		name, sdn string
		is        error
		want      string
	}{
		{"Empty", "", ofac.ErrEmpty, "sdn.csv:1"},
		{"OnlyMarker", "\x1a", ofac.ErrEmpty, "sdn.csv:1"},
		{"RowBoundary", two, ofac.ErrTruncated, "sdn.csv:2"},
		{"MidRecord", two[:len(two)-3], ofac.ErrTruncated, "sdn.csv:2"}, // "-0" of the last field
	}
	for _, tt := range cut {
		t.Run("Cut"+tt.name, func(t *testing.T) {
			sink := &memSink{}
			_, err := ofac.LoadCSV(context.Background(), ofac.CSVFiles{SDN: strings.NewReader(tt.sdn)}, ofac.Options{Published: "2024-05-03"}, sink)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %q", err, tt.want)
			}
		})
	}
	if _, err := ofac.LoadCSV(context.Background(), ofac.CSVFiles{SDN: strings.NewReader(two + "\x1a")}, ofac.Options{Published: "2024-05-03"}, &memSink{}); err != nil {
		t.Errorf("whole file: %v", err)
	}

	xmlTests := []struct {
		name, doc string
		want      []string
	}{
		{"FewerThanDeclared", "<sdnList>\n<publshInformation><Publish_Date>01/08/2026</Publish_Date><Record_Count>3</Record_Count></publshInformation>\n<sdnEntry><uid>1</uid><lastName>A</lastName><sdnType>Entity</sdnType></sdnEntry>\n</sdnList>", []string{"bad.xml", "Record_Count declares 3"}},
		{"Unclosed", "<sdnList>\n<publshInformation><Publish_Date>01/08/2026</Publish_Date></publshInformation>\n<sdnEntry><uid>1</uid><lastName>A</lastName><sdnType>Entity</sdnType></sdnEntry>\n<sdnEntry><uid>2</uid><lastName>B</lastName>\n</sdnList>", []string{"bad.xml:5", "after uid 1"}},
		{"BadDate", "<sdnList>\n<publshInformation><Publish_Date>2026-01-08</Publish_Date></publshInformation>\n</sdnList>", []string{"bad.xml:2", "Publish_Date"}},
		{"NoDate", "<sdnList>\n<sdnEntry><uid>1</uid><lastName>A</lastName></sdnEntry>\n</sdnList>", []string{"bad.xml:2", "Publish_Date"}},
		{"NotSDNList", "<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>", []string{"bad.xml", "sdnList"}},
		{"Latin1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<sdnList><publshInformation><Publish_Date>01/08/2026</Publish_Date></publshInformation>\n<sdnEntry><uid>1</uid><lastName>CAF\xc9</lastName></sdnEntry>\n<sdnEntry><uid>2</uid>", []string{"bad.xml:4", "after uid 1"}},
		{"UnknownEncoding", "<?xml version=\"1.0\" encoding=\"EBCDIC\"?>\n<sdnList/>", []string{"bad.xml", "EBCDIC"}},
		{"NoUID", "<sdnList>\n<publshInformation><Publish_Date>01/08/2026</Publish_Date></publshInformation>\n<sdnEntry><lastName>A</lastName></sdnEntry>\n</sdnList>", []string{"bad.xml:3", "uid"}},
	}
	for _, tt := range xmlTests {
		t.Run("XML"+tt.name, func(t *testing.T) {
			_, err := ofac.LoadXML(context.Background(), strings.NewReader(tt.doc), ofac.Options{Dataset: ofac.DatasetSDN, Name: "bad.xml"}, &memSink{})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}

func TestOptions(t *testing.T) {
	sdn := func() ofac.CSVFiles { return openCSVSet(t, fixtureCSV) }
	tests := []struct {
		name string
		run  func() error
	}{
		{"CSVWithoutPublished", func() error {
			_, err := ofac.LoadCSV(context.Background(), sdn(), ofac.Options{}, &memSink{})
			return err
		}},
		{"CSVBadPublished", func() error {
			_, err := ofac.LoadCSV(context.Background(), sdn(), ofac.Options{Published: "05/03/2024"}, &memSink{})
			return err
		}},
		{"CSVUnknownDataset", func() error {
			_, err := ofac.LoadCSV(context.Background(), sdn(), ofac.Options{Published: "2024-05-03", Dataset: "ofac"}, &memSink{})
			return err
		}},
		{"CSVWithoutSDN", func() error {
			_, err := ofac.LoadCSV(context.Background(), ofac.CSVFiles{}, ofac.Options{Published: "2024-05-03"}, &memSink{})
			return err
		}},
		{"XMLWithoutDataset", func() error {
			_, err := ofac.LoadXML(context.Background(), strings.NewReader("<sdnList/>"), ofac.Options{}, &memSink{})
			return err
		}},
		{"XMLFileNameDoesNotTell", func() error {
			p := filepath.Join(t.TempDir(), "ofac.xml")
			if err := os.WriteFile(p, []byte("<sdnList/>"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ofac.LoadXMLFile(context.Background(), p, ofac.Options{}, &memSink{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestStops(t *testing.T) {
	t.Run("ContextCancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := &memSink{cancel: cancel}
		_, err := ofac.LoadCSV(ctx, openCSVSet(t, fixtureCSV), ofac.Options{Published: "2024-05-03"}, s)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if len(s.records) != 1 {
			t.Errorf("%d records after cancelling, want 1", len(s.records))
		}
	})
	t.Run("ContextCancelledXML", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := &memSink{cancel: cancel}
		_, err := ofac.LoadXMLFile(ctx, "testdata/xml/sdn-2024ns.xml", ofac.Options{}, s)
		if !errors.Is(err, context.Canceled) || len(s.records) != 1 {
			t.Fatalf("err = %v after %d records, want context.Canceled after 1", err, len(s.records))
		}
	})
	t.Run("SinkError", func(t *testing.T) {
		s := &memSink{failAt: 3}
		_, err := ofac.LoadCSV(context.Background(), openCSVSet(t, fixtureCSV), ofac.Options{Published: "2024-05-03"}, s)
		if err == nil || !strings.Contains(err.Error(), "ofac:9345") {
			t.Fatalf("err = %v, want the failing record named", err)
		}
		if len(s.records) != 2 {
			t.Errorf("%d records, want 2", len(s.records))
		}
	})
}

func TestNoLinks(t *testing.T) {
	s, sum := loadCSV(t, fixtureCSV, ofac.Options{Published: "2024-05-03", NoLinks: true})
	if sum.Links != 0 {
		t.Errorf("Links = %d", sum.Links)
	}
	for _, r := range s.records {
		if strings.HasSuffix(r.ID, " links") {
			t.Errorf("link record %s with NoLinks", r.ID)
		}
	}
	if len(sum.Unlinked) != 0 || sum.LinkNames != 11 {
		t.Errorf("Unlinked %d, LinkNames %d, want 0 and 11", len(sum.Unlinked), sum.LinkNames)
	}
}

func TestFindCSV(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"cons_prim.csv", "CONS_ALT.CSV", "cons_comments.csv"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, path string
		want       ofac.CSVSet
	}{
		{"Dir", fixtureCSV, ofac.CSVSet{Dataset: ofac.DatasetSDN, SDN: "testdata/csv/sdn.csv", Add: "testdata/csv/add.csv", Alt: "testdata/csv/alt.csv", Comments: "testdata/csv/sdn_comments.csv"}},
		{"PrimaryFile", "testdata/csv/sdn.csv", ofac.CSVSet{Dataset: ofac.DatasetSDN, SDN: "testdata/csv/sdn.csv", Add: "testdata/csv/add.csv", Alt: "testdata/csv/alt.csv", Comments: "testdata/csv/sdn_comments.csv"}},
		{"Consolidated", dir, ofac.CSVSet{Dataset: ofac.DatasetConsolidated, SDN: filepath.Join(dir, "cons_prim.csv"), Alt: filepath.Join(dir, "CONS_ALT.CSV"), Comments: filepath.Join(dir, "cons_comments.csv")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ofac.FindCSV(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			got.Modified = time.Time{}
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	t.Run("Missing", func(t *testing.T) {
		if _, err := ofac.FindCSV(t.TempDir()); err == nil {
			t.Error("no error")
		}
	})
	t.Run("LoadCSVSetDatesByModTime", func(t *testing.T) {
		d := t.TempDir()
		data, err := os.ReadFile("testdata/csv/sdn.csv")
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(d, "sdn.csv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		mt := time.Date(2021, 7, 7, 23, 30, 0, 0, time.UTC)
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
		set, err := ofac.FindCSV(p)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := ofac.LoadCSVSet(context.Background(), set, ofac.Options{}, &memSink{})
		if err != nil || sum.SourceID != "source:ofac-sdn-2021-07-07" {
			t.Errorf("SourceID %q, err %v", sum.SourceID, err)
		}
	})
}
