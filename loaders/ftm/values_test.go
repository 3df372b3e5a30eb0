package ftm

import (
	"testing"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

func TestDatePart(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"Day", "2023-02-24", "2023-02-24", true},
		{"Month", "2023-02", "2023-02", true},
		{"Year", "2023", "2023", true},
		{"Timestamp", "2023-02-23T18:03:02", "2023-02-23", true},
		{"SpaceTime", "2023-02-23 18:03", "2023-02-23", true},
		{"Spaces", " 1965-09-21 ", "1965-09-21", true},
		{"NotACalendarDay", "2023-02-30", "", false},
		{"Words", "circa 1970", "", false},
		{"Empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := datePart(tt.in); got != tt.want || ok != tt.ok {
				t.Errorf("datePart(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestConvert(t *testing.T) {
	enum := schema.Prop{Type: schema.TEnums, Values: []string{"bank"}}
	tests := []struct {
		name string
		p    schema.Prop
		in   string
		want string
		ok   bool
	}{
		{"CountryLower", schema.Prop{Type: schema.TCountry}, "ru", "RU", true},
		{"CountryNoState", schema.Prop{Type: schema.TCountry}, "suhh", "", false},
		{"CountryZZ", schema.Prop{Type: schema.TCountries}, "zz", "", false},
		{"NumberPercent", schema.Prop{Type: schema.TNumber}, "51%", "51", true},
		{"NumberDecimalComma", schema.Prop{Type: schema.TNumber}, "25,5", "25.5", true},
		{"NumberThousands", schema.Prop{Type: schema.TNumber}, "1,234", "", false},
		{"NumberCanonical", schema.Prop{Type: schema.TNumber}, "6401.770", "6401.77", true},
		{"IntFromDecimal", schema.Prop{Type: schema.TInt}, "3.5", "", false},
		{"URL", schema.Prop{Type: schema.TURL}, "https://zala-aero.com/", "https://zala-aero.com/", true},
		{"URLWithoutScheme", schema.Prop{Type: schema.TURL}, "zala-aero.com", "", false},
		{"Enum", enum, "bank", "bank", true},
		{"EnumUnknown", enum, "manufacturer", "", false},
		{"StringNewlines", schema.Prop{Type: schema.TString}, "a\nb", "a b", true},
		{"HSCode", schema.Prop{Type: schema.THSCode}, "8703", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := convert(tt.p, tt.in); got != tt.want || ok != tt.ok {
				t.Errorf("convert(%s, %q) = %q, %v; want %q, %v", tt.p.Type, tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCountryInText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"LastPart", "3/2 Perunovsky Lane, Floor 3, Room 21, Moscow, 127055, Russia", "RU"},
		{"PostalCodeLast", "P.O. Box 9050, Izhevsk, Russian Federation, 426011", "RU"},
		{"UpperCase", "Majengo area, Mombasa, KENYA", "KE"},
		{"Alias", "5 Sungri Street, Pyongyang, DPRK", "KP"},
		{"City", "130 Vorovskogo St., Izhevsk, 436063", ""},
		{"NoComma", "Unit 4 Industrial Zone", ""},
		{"Empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := countryInText(tt.in); got != tt.want {
				t.Errorf("countryInText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestOfficial(t *testing.T) {
	tests := []struct {
		dataset string
		want    bool
	}{
		{"us_ofac_sdn", true},
		{"gb_fcdo_sanctions", true},
		{"eu_fsf", true},
		{"eu_journal_sanctions", true},
		{"un_sc_sanctions", true},
		{"ua_nsdc_sanctions", true},
		{"ext_ru_egrul", true},
		{"ext_us_ofac_press_releases", true},
		{"tw_shtc", true},
		{"us_sam_exclusions", true},
		{"kp_rusi_reports", false},
		{"ru_rupep", false},
		{"wd_peps", false},
		{"ann_graph_topics", false},
		{"permid", false},
		{"default", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.dataset, func(t *testing.T) {
			if got := Official(tt.dataset); got != tt.want {
				t.Errorf("Official(%q) = %v, want %v", tt.dataset, got, tt.want)
			}
		})
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Latin", "Office of Foreign Assets Control", "office-of-foreign-assets-control"},
		{"Punctuation", "Foreign, Commonwealth & Development Office", "foreign-commonwealth-development-office"},
		{"Cyrillic", "ГУР МО України", "гур-мо-украіни"},
		{"Empty", " – ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slug(tt.in); got != tt.want {
				t.Errorf("slug(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDescription(t *testing.T) {
	var d description
	d.add("website", "aero.example")
	d.note("First note.", "First note.", " ")
	d.add("address", "Unit 4", "Unit 4", "")
	d.note("Second note.")
	want := "First note.\n\nSecond note.\n\naddress: Unit 4\nwebsite: aero.example"
	if got := d.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var empty description
	empty.add("x", "a")
	if got := empty.String(); got != "x: a" {
		t.Errorf("got %q", got)
	}
}
