package ftm

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

var errNotObject = errors.New("not a JSON object")

func isLetter(r rune) bool { return unicode.IsLetter(r) }

// datePart keeps the date of an FtM date or timestamp: "2023-02-24",
// "2023-02", "2023", or "2023-02-23T18:03:02" → "2023-02-23".
func datePart(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "T "); i >= 0 {
		s = s[:i]
	}
	if !model.ValidDate(s) {
		return "", false
	}
	return s, true
}

// countryCode turns an FtM country code ("ru") into the model's ISO 3166-1
// alpha-2 code ("RU"). FtM also has codes that are no state ("zz",
// "suhh", "ge-ab"); they are not countries here.
func countryCode(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 2 {
		return "", false
	}
	if _, _, ok := loaders.StateEntity(s); !ok {
		return "", false
	}
	return s, true
}

// number parses a decimal as FtM data writes it: "50", "50.5", "50,5",
// "50 %". It returns the canonical decimal text.
func number(s string) (string, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	s = strings.ReplaceAll(s, " ", "")
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		// "50,5" is a decimal comma; "1,234" could be a thousands
		// separator, so it is no number.
		if _, frac, _ := strings.Cut(s, ","); len(frac) == 3 {
			return "", false
		}
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// convert checks and normalises one value for a declared property: dates
// keep their date part, countries become upper-case alpha-2 codes, numbers
// canonical decimals, URLs must be absolute http(s), enums one of their
// values.
func convert(p schema.Prop, v string) (string, bool) {
	switch p.Type {
	case schema.TDate:
		return datePart(v)
	case schema.TCountry, schema.TCountries:
		return countryCode(v)
	case schema.TNumber:
		return number(v)
	case schema.TInt:
		n, ok := number(v)
		if !ok {
			return "", false
		}
		if _, err := strconv.ParseInt(n, 10, 64); err != nil {
			return "", false
		}
		return n, true
	case schema.TBool:
		switch strings.ToLower(v) {
		case "true", "yes", "1":
			return "true", true
		case "false", "no", "0":
			return "false", true
		}
		return "", false
	case schema.TURL:
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", false
		}
		return v, true
	case schema.TEnum, schema.TEnums:
		if !slices.Contains(p.Values, v) {
			return "", false
		}
		return v, true
	case schema.THSCode, schema.THSCodes:
		return "", false // FtM has no HS codes
	}
	if strings.ContainsAny(v, "\r\n") && p.Type == schema.TString {
		v = strings.Join(strings.Fields(v), " ")
	}
	return v, true
}

// slug makes a stable id part from a name: normalised as names are for
// search, spaces turned into hyphens ("Office of Foreign Assets Control" →
// "office-of-foreign-assets-control"). Non-Latin scripts are kept.
func slug(name string) string {
	return strings.ReplaceAll(model.NormalizeName(name), " ", "-")
}
