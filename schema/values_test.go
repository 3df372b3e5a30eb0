package schema_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

// valueCase is one value of one type: accepted with its normal form, or
// refused (norm is then unused).
type valueCase struct {
	name string
	in   string
	ok   bool
	norm string // "" means the input, unchanged
}

func runValueCases(t *testing.T, p schema.Prop, cases []valueCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			norm, err := p.Check(c.in)
			switch {
			case c.ok && err != nil:
				t.Fatalf("Check(%q) refused: %v", c.in, err)
			case !c.ok && err == nil:
				t.Fatalf("Check(%q) = %q, want refused", c.in, norm)
			case c.ok:
				want := c.norm
				if want == "" {
					want = c.in
				}
				if norm != want {
					t.Errorf("Check(%q) = %q, want %q", c.in, norm, want)
				}
			}
		})
	}
}

func TestCheckString(t *testing.T) {
	cases := []valueCase{
		{"OK", "Rosoboronexport", true, ""},
		{"Unicode", "Рособоронэкспорт", true, ""},
		{"Empty", "", false, ""},
		{"Blank", " \t", false, ""},
		{"Newline", "two\nlines", false, ""},
		{"CarriageReturn", "two\rlines", false, ""},
	}
	for _, typ := range []schema.PropType{schema.TString, schema.TStrings} {
		t.Run(string(typ), func(t *testing.T) { runValueCases(t, schema.Prop{Type: typ}, cases) })
	}
}

func TestCheckText(t *testing.T) {
	runValueCases(t, schema.Prop{Type: schema.TText}, []valueCase{
		{"OK", "one line", true, ""},
		{"Lines", "Street 1\nMoscow", true, ""},
		{"Empty", "", false, ""},
		{"Blank", "\n ", false, ""},
	})
}

func TestCheckDate(t *testing.T) {
	runValueCases(t, schema.Prop{Type: schema.TDate}, []valueCase{
		{"Day", "2023-02-24", true, ""},
		{"Month", "2023-02", true, ""},
		{"Year", "2023", true, ""},
		{"LeapDay", "2024-02-29", true, ""},
		{"NoLeapDay", "2023-02-29", false, ""},
		{"Month13", "2023-13", false, ""},
		{"Day32", "2023-01-32", false, ""},
		{"Month00", "2023-00", false, ""},
		{"ShortYear", "23", false, ""},
		{"Timestamp", "2023-02-24T10:00:00Z", false, ""},
		{"Slashes", "2023/02/24", false, ""},
		{"Spaces", " 2023", false, ""},
		{"Empty", "", false, ""},
		{"Words", "circa 1970", false, ""},
	})
}

func TestDateBounds(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	tests := []struct {
		in          string
		first, last string
	}{
		{"2024", "2024-01-01", "2024-12-31"},
		{"2024-02", "2024-02-01", "2024-02-29"},
		{"2023-02", "2023-02-01", "2023-02-28"},
		{"2023-02-24", "2023-02-24", "2023-02-24"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			first, last, err := schema.DateBounds(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !first.Equal(day(tt.first)) || !last.Equal(day(tt.last)) {
				t.Errorf("DateBounds(%s) = %s … %s, want %s … %s", tt.in, first.Format(time.DateOnly), last.Format(time.DateOnly), tt.first, tt.last)
			}
		})
	}
}

func TestCheckInt(t *testing.T) {
	runValueCases(t, schema.Prop{Type: schema.TInt}, []valueCase{
		{"OK", "2231", true, ""},
		{"Negative", "-3", true, ""},
		{"LeadingZero", "007", true, "7"},
		{"Plus", "+5", true, "5"},
		{"Decimal", "1.5", false, ""},
		{"Overflow", "9223372036854775808", false, ""},
		{"Empty", "", false, ""},
		{"Words", "five", false, ""},
		{"NaN", "NaN", false, ""},
	})
}

func TestCheckNumber(t *testing.T) {
	runValueCases(t, schema.Prop{Type: schema.TNumber}, []valueCase{
		{"Whole", "50", true, ""},
		{"Decimal", "50.5", true, ""},
		{"Trailing", "50.50", true, "50.5"},
		{"Exponent", "1e3", true, "1000"},
		{"LargeExponent", "1.8e7", true, "18000000"},
		{"Negative", "-0.25", true, ""},
		{"NaN", "NaN", false, ""},
		{"NaNLower", "nan", false, ""},
		{"Inf", "Inf", false, ""},
		{"PlusInf", "+Inf", false, ""},
		{"MinusInfinity", "-infinity", false, ""},
		{"Overflow", "1e400", false, ""},
		{"Comma", "50,5", false, ""},
		{"Percent", "50 %", false, ""},
		{"Empty", "", false, ""},
	})
}

func TestCheckBool(t *testing.T) {
	runValueCases(t, schema.Prop{Type: schema.TBool}, []valueCase{
		{"True", "true", true, ""},
		{"False", "false", true, ""},
		{"Capital", "True", false, ""},
		{"Yes", "yes", false, ""},
		{"One", "1", false, ""},
		{"Empty", "", false, ""},
	})
}

func TestCheckURL(t *testing.T) {
	runValueCases(t, schema.Prop{Type: schema.TURL}, []valueCase{
		{"HTTPS", "https://www.un.org/securitycouncil/content/un-sc-consolidated-list", true, ""},
		{"HTTP", "http://example.org", true, ""},
		{"Query", "https://example.org/a?b=c&d=e#f", true, ""},
		{"Escaped", "https://example.org/a%20b", true, ""},
		{"Space", "https://example.org/a b", false, ""},
		{"Tab", "https://example.org/a\tb", false, ""},
		{"TrailingNewline", "https://example.org/\n", false, ""},
		{"NoScheme", "www.example.org", false, ""},
		{"FTP", "ftp://example.org/file", false, ""},
		{"JavaScript", "javascript:alert(1)", false, ""},
		{"NoHost", "https:///path", false, ""},
		{"Relative", "/path", false, ""},
		{"Empty", "", false, ""},
	})
}

func TestCheckCountry(t *testing.T) {
	cases := []valueCase{
		{"RU", "RU", true, ""},
		{"KP", "KP", true, ""},
		{"Kosovo", "XK", true, ""},
		{"UserAssignedZZ", "ZZ", false, ""},
		{"UserAssignedXX", "XX", false, ""},
		{"UKIsNotAssigned", "UK", false, ""},
		{"Unassigned", "QQ", false, ""},
		{"Lower", "ru", false, ""},
		{"Alpha3", "RUS", false, ""},
		{"Numeric", "643", false, ""},
		{"Name", "Russia", false, ""},
		{"Subdivision", "GE-AB", false, ""},
		{"Empty", "", false, ""},
	}
	for _, typ := range []schema.PropType{schema.TCountry, schema.TCountries} {
		t.Run(string(typ), func(t *testing.T) { runValueCases(t, schema.Prop{Type: typ}, cases) })
	}
}

func TestCheckHSCode(t *testing.T) {
	cases := []valueCase{
		{"Chapter", "87", true, ""},
		{"Heading", "8703", true, ""},
		{"Subheading", "870323", true, ""},
		{"TenDigits", "8703231910", true, ""},
		{"Range", "86-89", true, ""},
		{"HeadingRange", "8701-8705", true, ""},
		{"OddLength", "870", false, ""},
		{"OneDigit", "8", false, ""},
		{"TwelveDigits", "870323191011", false, ""},
		{"RangeReversed", "89-86", false, ""},
		{"RangeEqual", "87-87", false, ""},
		{"RangeMixedLength", "87-8705", false, ""},
		{"Dots", "8703.23", false, ""},
		{"Letters", "87a3", false, ""},
		{"Empty", "", false, ""},
	}
	for _, typ := range []schema.PropType{schema.THSCode, schema.THSCodes} {
		t.Run(string(typ), func(t *testing.T) { runValueCases(t, schema.Prop{Type: typ}, cases) })
	}
}

func TestCheckEnum(t *testing.T) {
	cases := []valueCase{
		{"Declared", "news", true, ""},
		{"Other", "party", true, ""},
		{"Capital", "News", false, ""},
		{"Undeclared", "rumour", false, ""},
		{"Empty", "", false, ""},
	}
	for _, typ := range []schema.PropType{schema.TEnum, schema.TEnums} {
		t.Run(string(typ), func(t *testing.T) {
			runValueCases(t, schema.Prop{Type: typ, Values: []string{"party", "news"}}, cases)
		})
	}
}

func TestCheckUnknownType(t *testing.T) {
	if _, err := (schema.Prop{Type: "colour"}).Check("red"); !errors.Is(err, schema.ErrUnsupportedType) {
		t.Errorf("a value of an undeclared type: err = %v, want ErrUnsupportedType", err)
	}
}

// TestCheckEveryDeclaredType makes sure every property type model.yaml uses
// has rules: a declaration with a type Check does not know would refuse
// every value of it.
func TestCheckEveryDeclaredType(t *testing.T) {
	m := schema.MustModel()
	seen := map[schema.PropType]string{}
	for _, k := range m.Kinds {
		for n, p := range k.Properties {
			seen[p.Type] = string(k.Name) + "." + n
		}
	}
	for _, r := range m.Relationships {
		for n, p := range r.Properties {
			seen[p.Type] = string(r.Name) + "." + n
		}
	}
	for n, p := range m.EvidenceProps() {
		seen[p.Type] = "evidence." + n
	}
	for _, p := range m.Provenance {
		seen[p.Type] = "provenance." + p.Name
	}
	for typ, where := range seen {
		if _, err := (schema.Prop{Type: typ}).Check("x"); errors.Is(err, schema.ErrUnsupportedType) {
			t.Errorf("%s: model.yaml uses type %q, which Check has no rules for", where, typ)
		}
	}
}
