package curated

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/biter777/countries"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// checkValue checks one value (one element of a list for list types) against
// a property declaration and returns it normalised, or an error message.
func checkValue(p schema.Prop, v string) (string, error) {
	switch p.Type {
	case schema.TString, schema.TText, schema.TStrings:
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("is empty")
		}
		if p.Type != schema.TText && strings.ContainsAny(v, "\n\r") {
			return "", fmt.Errorf("%q is not one line", v)
		}
		return v, nil
	case schema.TDate:
		if _, _, err := dateRange(v); err != nil {
			return "", err
		}
		return v, nil
	case schema.TInt:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", fmt.Errorf("%q is not a whole number", v)
		}
		return strconv.FormatInt(n, 10), nil
	case schema.TNumber:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", fmt.Errorf("%q is not a number", v)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	case schema.TBool:
		switch v {
		case "true", "false":
			return v, nil
		}
		return "", fmt.Errorf("%q is not true or false", v)
	case schema.TURL:
		if err := checkURL(v); err != nil {
			return "", err
		}
		return v, nil
	case schema.TCountry, schema.TCountries:
		if !validCountry(v) {
			return "", fmt.Errorf("%q is not an ISO 3166-1 alpha-2 country code", v)
		}
		return v, nil
	case schema.THSCode, schema.THSCodes:
		if !validHSCode(v) {
			return "", fmt.Errorf("%q is not an HS code or range (8703, 87, 86-89)", v)
		}
		return v, nil
	case schema.TEnum, schema.TEnums:
		if !slices.Contains(p.Values, v) {
			return "", fmt.Errorf("%q is not one of %s", v, strings.Join(p.Values, ", "))
		}
		return v, nil
	}
	return "", fmt.Errorf("property type %q is not supported", p.Type)
}

// dateRange parses a date of the model (YYYY, YYYY-MM or YYYY-MM-DD, a real
// calendar date) into the first and last day of the period it names.
func dateRange(v string) (first, last time.Time, err error) {
	first, last, err = model.DateBounds(v)
	if err != nil {
		return first, last, fmt.Errorf("%q is not a date (YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date)", v)
	}
	return first, last, nil
}

// checkURL accepts absolute http(s) URLs with a host.
func checkURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(v, " \t\n") {
		return fmt.Errorf("%q is not an absolute http(s) URL", v)
	}
	return nil
}

var alpha2 = regexp.MustCompile(`^[A-Z]{2}$`)

// validCountry reports whether v is an assigned ISO 3166-1 alpha-2 code
// (plus XK, Kosovo, which the lists use).
func validCountry(v string) bool {
	if !alpha2.MatchString(v) {
		return false
	}
	if v == "XK" {
		return true
	}
	c := countries.ByName(v)
	return c != countries.Unknown && c.Alpha2() == v
}

var (
	hsCode  = regexp.MustCompile(`^(\d\d){1,5}$`)
	hsRange = regexp.MustCompile(`^((?:\d\d){1,5})-((?:\d\d){1,5})$`)
)

// validHSCode accepts an HS chapter, heading or subheading (2 to 10 digits,
// even length) or a range of two codes of the same length in order.
func validHSCode(v string) bool {
	if hsCode.MatchString(v) {
		return true
	}
	m := hsRange.FindStringSubmatch(v)
	return m != nil && len(m[1]) == len(m[2]) && m[1] < m[2]
}
