package ftm

import (
	"errors"
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
	if !schema.ValidDate(s) {
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

// convert normalises one FtM value for a declared property and checks it
// with the model's value rules (schema.Prop.Check), so a value convert
// accepts is one the writer accepts: dates keep their date part,
// countries become upper-case alpha-2 codes, numbers canonical decimals,
// booleans true or false, and line breaks in one-line strings become
// spaces. FtM has no HS codes.
func convert(p schema.Prop, v string) (string, bool) {
	ok := true
	switch p.Type {
	case schema.TDate:
		v, ok = datePart(v)
	case schema.TCountry, schema.TCountries:
		v, ok = countryCode(v)
	case schema.TNumber, schema.TInt:
		v, ok = number(v)
	case schema.TBool:
		switch strings.ToLower(v) {
		case "true", "yes", "1":
			v = "true"
		case "false", "no", "0":
			v = "false"
		}
	case schema.THSCode, schema.THSCodes:
		return "", false
	case schema.TString, schema.TStrings:
		if strings.ContainsAny(v, "\r\n") {
			v = strings.Join(strings.Fields(v), " ")
		}
	}
	if !ok {
		return "", false
	}
	norm, err := p.Check(v)
	return norm, err == nil
}

// slug makes a stable id part from a name: normalised as names are for
// search, spaces turned into hyphens ("Office of Foreign Assets Control" →
// "office-of-foreign-assets-control"). Non-Latin scripts are kept.
func slug(name string) string {
	return strings.ReplaceAll(model.NormalizeName(name), " ", "-")
}
