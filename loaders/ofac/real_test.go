package ofac_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/loaders/ofac"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
)

// The real lists in ../shared/data (see its README): counts and anchors.

// propCase is one expected property value of one entity.
type propCase struct {
	name, id, prop string
	want           []string
}

func checkProps(t *testing.T, s *memSink, cases []propCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got := s.entity(t, tt.id).Properties[tt.prop]
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s %s = %q, want %q", tt.id, tt.prop, got, tt.want)
			}
		})
	}
}

func checkRels(t *testing.T, s *memSink, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, ok := s.rel(id); !ok {
			t.Errorf("missing relationship %s", id)
		}
	}
}

func TestRealSDNCSV2024(t *testing.T) {
	set, err := ofac.FindCSV(sharedtest.Path(t, "ofac-sdn-csv-2024/sdn.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if set.Add != "" || set.Alt != "" || set.Comments != "" {
		t.Fatalf("the 2024 copy has no side files, found %+v", set)
	}
	s, sum := loadCSV(t, strings.TrimSuffix(set.SDN, "/sdn.csv"), ofac.Options{Published: "2024-05-03"})
	s.checkEvidence(t)
	s.checkBatchable(t)
	s.checkModel(t)

	t.Run("Counts", func(t *testing.T) {
		if sum.Entries != 14965 {
			t.Errorf("Entries = %d, want 14965", sum.Entries)
		}
		want := map[string]int{"entity": 6884, "individual": 6854, "vessel": 851, "aircraft": 376}
		if !mapsEqual(sum.ByType, want) {
			t.Errorf("ByType = %v, want %v", sum.ByType, want)
		}
		if sum.DPRK != 484 {
			t.Errorf("DPRK = %d, want 484", sum.DPRK)
		}
		for p, n := range map[string]int{"DPRK": 57, "DPRK2": 111, "DPRK3": 147, "DPRK4": 174, "DPRK-NKSPEA": 2} {
			if sum.ByProgram[p] != n {
				t.Errorf("ByProgram[%s] = %d, want %d", p, sum.ByProgram[p], n)
			}
		}
		if len(sum.Skipped) != 0 {
			t.Errorf("Skipped = %v", sum.Skipped)
		}
		t.Logf("records %d, relationships %d, links %d, unlinked %d, truncated %d, unresolved countries %v",
			sum.Records, sum.Relationships, sum.Links, len(sum.Unlinked), sum.Truncated, sum.UnresolvedCountries)
	})
	checkProps(t, s, []propCase{
		{"KimJongUnBirthDate", "ofac:20157", "birthDate", []string{"1984-01-08"}},
		{"KimJongUnProgram", "ofac-sanction:20157", "program", []string{"DPRK3"}},
		{"KimYoJongBirthDate", "ofac:21444", "birthDate", []string{"1989-09-26"}},
		{"KimYoJongGender", "ofac:21444", "gender", []string{"female"}},
		{"KimYoJongProgram", "ofac-sanction:21444", "program", []string{"DPRK2"}},
		{"KOMIDPrograms", "ofac-sanction:9345", "program", []string{"NPWMD", "DPRK2"}},
		{"OMMIMO", "ofac:17068", "imoNumber", []string{"1790183"}},
		{"ChonMaSanFlag", "ofac:23729", "flag", []string{"KP"}},
		{"ChonMaSanIMO", "ofac:23729", "imoNumber", []string{"8660313"}},
		{"ChonMaSanCategory", "ofac:23729", "category", []string{"vessel"}},
		{"AurusProgram", "ofac-sanction:47956", "program", []string{"RUSSIA-EO14024"}},
		{"AurusTax", "ofac:47956", "taxNumber", []string{"7743237789"}},
		{"AurusRegistration", "ofac:47956", "registrationNumber", []string{"5177746340998"}},
		{"NAMITax", "ofac:47953", "taxNumber", []string{"7711000924"}},
		{"NAMIProgram", "ofac-sanction:47953", "program", []string{"RUSSIA-EO14024"}},
	})
	t.Run("Names", func(t *testing.T) {
		k := s.entity(t, "ofac:20157")
		if k.Name != "Jong Un KIM" || !slices.Contains(k.Aliases, "KIM, Jong Un") {
			t.Errorf("20157 %q %q", k.Name, k.Aliases)
		}
		if y := s.entity(t, "ofac:21444"); y.Name != "Yo Jong KIM" {
			t.Errorf("21444 %q", y.Name)
		}
		if a := s.entity(t, "ofac:9345").Aliases; !slices.Contains(a, "KOMID") {
			t.Errorf("9345 aliases %q", a)
		}
		if n := s.entity(t, "ofac:47953").Name; !strings.HasSuffix(n, "AUTOMOTIVE ENGINES INSTITUTE NAMI") {
			t.Errorf("47953 %q", n)
		}
	})
	t.Run("Links", func(t *testing.T) {
		// CHON MA SAN "Linked To: KOREA ACHIM SHIPPING CO." is entry 23707
		// "KOREA ACHIM SHIPPING CO" (no final dot).
		checkRels(t, s, "DESIGNATES|ofac-sanction:20157|ofac:20157", "USES|ofac:23707|ofac:23729")
		if sum.Links < 6300 {
			t.Errorf("Links = %d, want most of the 6,375 Linked To resolved", sum.Links)
		}
	})
}

func TestRealSDNCSV2021(t *testing.T) {
	set, err := ofac.FindCSV(sharedtest.Path(t, "ofac-sdn-csv-2021"))
	if err != nil {
		t.Fatal(err)
	}
	s := &memSink{}
	sum, err := ofac.LoadCSVSet(t.Context(), set, ofac.Options{Published: "2021-07-07"}, s)
	if err != nil {
		t.Fatal(err)
	}
	s.checkEvidence(t)
	s.checkBatchable(t)
	s.checkModel(t)

	t.Run("Counts", func(t *testing.T) {
		got := [...]int{sum.Entries, sum.Addresses, sum.Aliases, sum.Comments, sum.DPRK}
		if want := [...]int{8976, 13837, 11910, 5, 414}; got != want {
			t.Errorf("entries, addresses, aliases, comments, DPRK = %v, want %v", got, want)
		}
		if len(sum.Skipped) != 0 || sum.Truncated != 0 {
			t.Errorf("Skipped %v, Truncated %d: every side row has its entry and every cut remark its comment", sum.Skipped, sum.Truncated)
		}
		if sum.SourceID != "source:ofac-sdn-2021-07-07" {
			t.Errorf("SourceID %q", sum.SourceID)
		}
		t.Logf("records %d, relationships %d, links %d, unlinked %d, unresolved countries %v",
			sum.Records, sum.Relationships, sum.Links, len(sum.Unlinked), sum.UnresolvedCountries)
	})
	t.Run("KOMID", func(t *testing.T) {
		e := s.entity(t, "ofac:9345")
		// 6 from alt.csv, and KOMID from the remarks.
		if len(e.Aliases) != 7 || !slices.Contains(e.Aliases, "CHANGGWANG SINYONG CORPORATION") || !slices.Contains(e.Aliases, "KOMID") {
			t.Errorf("aliases %q", e.Aliases)
		}
		checkRels(t, s, "BASED_IN|ofac:9345|state:KP", "BASED_IN|ofac:9345|state:CN", "BASED_IN|ofac:9345|state:RU",
			"BASED_IN|ofac:9345|state:IR", "BASED_IN|ofac:9345|state:SY")
		based := 0
		for _, r := range s.record(t, "ofac:9345").Relationships {
			if r.Type == "BASED_IN" {
				based++
			}
		}
		if based != 5 {
			t.Errorf("%d BASED_IN, want 5 (one per address)", based)
		}
	})
	t.Run("KimJongUnAddress", func(t *testing.T) {
		checkRels(t, s, "BASED_IN|ofac:20157|state:KP")
		if _, ok := s.rel("NATIONAL_OF|ofac:20157|state:KP"); ok {
			t.Error("NATIONAL_OF from an address: the list gives no nationality for 20157")
		}
	})
	t.Run("OMMAliases", func(t *testing.T) {
		a := s.entity(t, "ofac:17068").Aliases
		for _, want := range []string{"EAST SEA SHIPPING COMPANY", "KOREA MIRAE SHIPPING CO. LTD.", "HAEYANG CREW MANAGEMENT COMPANY"} {
			if !slices.Contains(a, want) {
				t.Errorf("17068 lacks alias %q", want)
			}
		}
	})
	t.Run("CommentJoin", func(t *testing.T) {
		// 28263's remarks stop at "a.k.a. 'snowsjo"; sdn_comments.csv
		// goes on with "hn'; Linked To: LAZARUS GROUP."
		e := s.entity(t, "ofac:28263")
		if !slices.Contains(e.Aliases, "snowsjohn") || !strings.HasSuffix(e.Description, "Linked To: LAZARUS GROUP.") {
			t.Errorf("28263 aliases %q, remarks …%s", e.Aliases, e.Description[max(0, len(e.Description)-60):])
		}
		var associate bool
		for _, r := range s.record(t, "ofac:28263 links").Relationships {
			associate = associate || r.Type == "ASSOCIATE_OF"
		}
		if !associate {
			t.Error("28263 not ASSOCIATE_OF LAZARUS GROUP")
		}
	})
}

func TestRealConsolidatedXML(t *testing.T) {
	s, sum := loadXML(t, sharedtest.Path(t, "ofac-consolidated-xml/ofac.xml"), ofac.Options{Dataset: ofac.DatasetConsolidated})
	s.checkEvidence(t)
	s.checkBatchable(t)
	s.checkModel(t)
	t.Run("Counts", func(t *testing.T) {
		if sum.Entries != 442 || sum.Declared != 442 {
			t.Errorf("Entries %d Declared %d, want 442", sum.Entries, sum.Declared)
		}
		if want := map[string]int{"entity": 363, "individual": 79}; !mapsEqual(sum.ByType, want) {
			t.Errorf("ByType %v, want %v", sum.ByType, want)
		}
		if sum.Published != "2026-01-08" || sum.SourceID != "source:ofac-cons-2026-01-08" {
			t.Errorf("Published %q SourceID %q", sum.Published, sum.SourceID)
		}
		if sum.DPRK != 0 || sum.ByProgram["UKRAINE-EO13662"] != 286 || sum.ByProgram["NS-PLC"] != 78 {
			t.Errorf("DPRK %d ByProgram %v", sum.DPRK, sum.ByProgram)
		}
		t.Logf("records %d, relationships %d, links %d, unlinked %d, aliases %d, addresses %d, unresolved countries %v",
			sum.Records, sum.Relationships, sum.Links, len(sum.Unlinked), sum.Aliases, sum.Addresses, sum.UnresolvedCountries)
	})
	checkProps(t, s, []propCase{
		{"VTBPrograms", "ofac-cons-sanction:17013", "program", []string{"UKRAINE-EO13662", "RUSSIA-EO14024"}},
		{"VTBListType", "ofac-cons-sanction:17013", "listType", []string{"Non-SDN Consolidated"}},
		{"HANIYABirthDate", "ofac-cons:9639", "birthDate", []string{"1962"}},
		{"HANIYABirthPlace", "ofac-cons:9639", "birthPlace", []string{"Shati"}},
	})
	t.Run("Names", func(t *testing.T) {
		if v := s.entity(t, "ofac-cons:17013"); v.Name != "VTB BANK PUBLIC JOINT STOCK COMPANY" || v.Kind != "Organization" {
			t.Errorf("17013 %s %q", v.Kind, v.Name)
		}
		if h := s.entity(t, "ofac-cons:9639"); h.Name != "Ismail Abdul Salah HANIYA" || h.Kind != "Person" || !slices.Contains(h.Aliases, "HANIYA, Ismail Abdul Salah") {
			t.Errorf("9639 %s %q %q", h.Kind, h.Name, h.Aliases)
		}
	})
}

func TestRealConsolidatedXML2018(t *testing.T) {
	s, sum := loadXML(t, sharedtest.Path(t, "ofac-consolidated-xml-2018/consolidated.xml"), ofac.Options{})
	s.checkEvidence(t)
	s.checkBatchable(t)
	s.checkModel(t)
	t.Run("Counts", func(t *testing.T) {
		if sum.Entries != 639 || sum.Declared != 639 {
			t.Errorf("Entries %d Declared %d, want 639", sum.Entries, sum.Declared)
		}
		if want := map[string]int{"entity": 471, "individual": 94, "vessel": 74}; !mapsEqual(sum.ByType, want) {
			t.Errorf("ByType %v, want %v", sum.ByType, want)
		}
		if sum.Dataset != ofac.DatasetConsolidated || sum.SourceID != "source:ofac-cons-2018-04-06" {
			t.Errorf("Dataset %q SourceID %q: the name consolidated.xml tells the list", sum.Dataset, sum.SourceID)
		}
		t.Logf("records %d, relationships %d, links %d, unlinked %d, aliases %d, addresses %d, unresolved countries %v",
			sum.Records, sum.Relationships, sum.Links, len(sum.Unlinked), sum.Aliases, sum.Addresses, sum.UnresolvedCountries)
	})
	t.Run("BankMarkazi", func(t *testing.T) {
		e := s.entity(t, "ofac-cons:4632")
		want := []string{"CENTRAL BANK OF THE ISLAMIC REPUBLIC OF IRAN", "BANK MARKAZI IRAN", "CENTRAL BANK OF IRAN"}
		if e.Name != "BANK MARKAZI JOMHOURI ISLAMI IRAN" || !slices.Equal(e.Aliases, want) {
			t.Errorf("4632 %q aliases %q", e.Name, e.Aliases)
		}
		checkRels(t, s, "BASED_IN|ofac-cons:4632|state:IR")
		if p := s.entity(t, "ofac-cons-sanction:4632").Properties["program"]; !slices.Equal(p, []string{"IRAN"}) {
			t.Errorf("program %q", p)
		}
	})
	checkProps(t, s, []propCase{
		{"HANIYABirthDate", "ofac-cons:9639", "birthDate", []string{"1962"}},
	})
}
