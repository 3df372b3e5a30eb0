package ofac

import (
	"slices"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"DayMonthYear", "08 Jan 1984", "1984-01-08", true},
		{"SingleDigitDay", "8 Jan 1984", "1984-01-08", true},
		{"UpperMonth", "08 JAN 1984", "1984-01-08", true},
		{"TrailingDot", "26 Sep 1989.", "1989-09-26", true},
		{"MonthYear", "Jan 1984", "1984-01", true},
		{"Year", "1962", "1962", true},
		{"ISO", "1984-01-08", "1984-01-08", true},
		{"BadDay", "32 Jan 1984", "", false},
		{"Words", "sometime in 1984", "", false},
		{"Empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseDate(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseDate(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseDOB(t *testing.T) {
	tests := []struct {
		name, in, want string
		uncertain, ok  bool
	}{
		{"Exact", "08 Jan 1984", "1984-01-08", false, true},
		{"Year", "1962", "1962", false, true},
		{"Circa", "circa 1960", "1960", true, true},
		{"CircaDay", "circa 01 Jan 1955", "1955-01-01", true, true},
		{"YearRange", "1953 to 1954", "1953", true, true},
		{"WholeYearsRange", "01 Jan 1953 to 31 Dec 1954", "1953", true, true},
		{"DayRange", "12 Feb 1961 to 20 Feb 1961", "1961-02-12", true, true},
		{"MonthRange", "Feb 1961 to Mar 1961", "1961-02", true, true},
		{"CircaDashRange", "circa 1960-1962", "1960", true, true},
		{"Garbage", "unknown", "", false, false},
		{"BadRange", "1960 to sometime", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, unc, ok := parseDOB(tt.in)
			if got != tt.want || unc != tt.uncertain || ok != tt.ok {
				t.Errorf("parseDOB(%q) = %q, %v, %v; want %q, %v, %v", tt.in, got, unc, ok, tt.want, tt.uncertain, tt.ok)
			}
		})
	}
}

func TestSplitPrograms(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"One", "DPRK3", []string{"DPRK3"}},
		{"Two", "NPWMD] [DPRK2", []string{"NPWMD", "DPRK2"}},
		{"Three", "SDGT] [IRGC] [IFSR", []string{"SDGT", "IRGC", "IFSR"}},
		{"Bracketed", "[SDGT] [IRGC]", []string{"SDGT", "IRGC"}},
		{"SpaceInName", "CAATSA - RUSSIA] [UKRAINE-EO13661", []string{"CAATSA - RUSSIA", "UKRAINE-EO13661"}},
		{"Empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := splitPrograms(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("splitPrograms(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestReadableName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"LastFirst", "KIM, Jong Un", "Jong Un KIM"},
		{"Suffix", "DELOS REYES, Feliciano Semborio, Jr.", "Feliciano Semborio DELOS REYES Jr."},
		{"NoComma", "KOMID", "KOMID"},
		{"EmptyFirst", "KIM, ", "KIM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := readableName(tt.in); got != tt.want {
				t.Errorf("readableName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseAKA(t *testing.T) {
	tests := []struct {
		name, in string
		want     alias
		ok       bool
	}{
		{"AKA", "a.k.a. 'KOMID'.", alias{name: "KOMID", typ: "aka"}, true},
		{"FKA", "f.k.a. 'OLD NAME'", alias{name: "OLD NAME", typ: "fka"}, true},
		{"NKA", "n.k.a. 'NEW NAME'", alias{name: "NEW NAME", typ: "nka"}, true},
		{"InnerQuote", "a.k.a. 'ABU-'UMAR'", alias{name: "ABU-'UMAR", typ: "aka"}, true},
		{"CutShort", "a.k.a. 'WHOIS HACKIN", alias{}, true},
		{"NotAnAlias", "Linked To: KOMID.", alias{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseAKA(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseAKA(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseRemarks(t *testing.T) {
	e := &entry{remarks: "DOB 08 Jan 1984; alt. DOB 1985; POB Pyongyang, Korea, North; nationality Korea, North; alt. citizen Russia; " +
		"Gender Female.; Tax ID No. 7743237789 (Russia); Registration Number 5177746340998 (Russia); " +
		"Vessel Registration Identification IMO 8660313; a.k.a. 'KIMO'; Linked To: OCEAN MARITIME MANAGEMENT COMPANY LIMITED; " +
		"Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; " +
		"For more information on directives, please visit the following link: http://example.test/x#directives; (Linked To: ROSTEC)"}
	e.parseRemarks()
	if len(e.dobs) != 2 || e.dobs[0] != (dob{text: "08 Jan 1984"}) || e.dobs[1] != (dob{text: "1985", alt: true}) {
		t.Errorf("dobs %+v", e.dobs)
	}
	if !slices.Equal(e.pobs, []string{"Pyongyang, Korea, North"}) {
		t.Errorf("pobs %q", e.pobs)
	}
	if !slices.Equal(e.nationalities, []string{"Korea, North", "Russia"}) {
		t.Errorf("nationalities %q", e.nationalities)
	}
	if !slices.Equal(e.genders, []string{"female"}) {
		t.Errorf("genders %q", e.genders)
	}
	want := []ident{
		{identTax, "7743237789", "Russia", "Tax ID No. 7743237789 (Russia)"},
		{identRegistration, "5177746340998", "Russia", "Registration Number 5177746340998 (Russia)"},
		{identIMO, "8660313", "", "Vessel Registration Identification IMO 8660313"},
	}
	if !slices.Equal(e.idents, want) {
		t.Errorf("idents %+v", e.idents)
	}
	if len(e.aliases) != 1 || e.aliases[0].name != "KIMO" {
		t.Errorf("aliases %+v (an alias containing IMO is not an IMO number)", e.aliases)
	}
	if len(e.links) != 2 || e.links[0].name != "OCEAN MARITIME MANAGEMENT COMPANY LIMITED" || e.links[1].name != "ROSTEC" {
		t.Errorf("links %+v", e.links)
	}
	if len(e.sanctionNotes) != 2 {
		t.Errorf("sanction notes %q", e.sanctionNotes)
	}
}

func TestWebsiteURL(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"Bare", "www.vtb.com", "http://www.vtb.com", true},
		{"HTTPS", "https://vtb.ru/", "https://vtb.ru/", true},
		{"TrailingDot", "www.vtb.com.", "http://www.vtb.com", true},
		{"NotAHost", "n/a", "", false},
		{"Spaces", "see remarks", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := websiteURL(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("websiteURL(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCountry(t *testing.T) {
	l := &loader{sum: newSummary(DatasetSDN), states: map[string]bool{}}
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"CSVSpelling", "Korea, North", "KP", true},
		{"VesselFlag", "Democratic People's Republic of Korea", "KP", true},
		{"TheBahamas", "Bahamas, The", "BS", true},
		{"NorthMacedonia", "North Macedonia, The Republic of", "MK", true},
		{"Region", "Region: Gaza", "PS", true},
		{"RegionUnknown", "Region: Crimea", "", false},
		{"NoneIdentified", "None Identified", "", false},
		{"Adjective", "Eritrean", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := l.country(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("country(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
	if l.sum.UnresolvedCountries["None Identified"] != 0 || l.sum.UnresolvedCountries["Region: Crimea"] != 1 {
		t.Errorf("UnresolvedCountries %v", l.sum.UnresolvedCountries)
	}
}

func TestNormalizeKey(t *testing.T) {
	for _, s := range []string{
		"KIM, Jong Un", "KOREA ACHIM SHIPPING CO.", "ABU-'UMAR", "C.I. DISERCOM S.A.S.", "  spaced  OUT  ",
		"ROSOBORONEKSPORT OAO.", "back`tick", "MIXED case 123-456", "Café Central", "Cho’ng", "",
	} {
		if got, want := normalizeKey(s), model.NormalizeName(s); got != want {
			t.Errorf("normalizeKey(%q) = %q, NormalizeName gives %q", s, got, want)
		}
	}
}
