package schema

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/biter777/countries"
)

// This file is the one home of the value rules: what a value of each
// property type may be, and its normal form. The store, curator writes and
// every loader check values here, so a value one of them accepts is a value
// all of them accept (compare followthemoney's types package, one class per
// type).

// Check checks one value against the property's type (one element, for the
// list types) and returns it in normal form: whole numbers and decimals in
// canonical decimal text, everything else as given. The error says what is
// wrong with the value, without naming the property; callers add where it
// was found.
//
// The rules, by type:
//   - string, strings: not blank, one line; text: not blank.
//   - date: YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date (DateBounds).
//   - int: a whole number that fits 64 bits; number: a finite decimal (no
//     NaN, no infinity).
//   - bool: true or false.
//   - url: an absolute http(s) URL with a host and no white space.
//   - country, countries: an assigned ISO 3166-1 alpha-2 code, upper case,
//     or XK (Kosovo, which the lists use); ZZ and other user-assigned codes
//     are refused.
//   - hscode, hscodes: an HS chapter, heading or subheading (2 to 10 digits,
//     even length), or a range of two codes of the same length in order
//     (86-89).
//   - enum, enums: one of the declared values.
func (p Prop) Check(v string) (string, error) {
	switch p.Type {
	case TString, TText, TStrings:
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("is empty")
		}
		if p.Type != TText && strings.ContainsAny(v, "\n\r") {
			return "", fmt.Errorf("%q is not one line", v)
		}
		return v, nil
	case TDate:
		if _, _, err := DateBounds(v); err != nil {
			return "", err
		}
		return v, nil
	case TInt:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", fmt.Errorf("%q is not a whole number", v)
		}
		return strconv.FormatInt(n, 10), nil
	case TNumber:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return "", fmt.Errorf("%q is not a finite number", v)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	case TBool:
		if v == "true" || v == "false" {
			return v, nil
		}
		return "", fmt.Errorf("%q is not true or false", v)
	case TURL:
		if !ValidURL(v) {
			return "", fmt.Errorf("%q is not an absolute http(s) URL", v)
		}
		return v, nil
	case TCountry, TCountries:
		if !ValidCountry(v) {
			return "", fmt.Errorf("%q is not an ISO 3166-1 alpha-2 country code", v)
		}
		return v, nil
	case THSCode, THSCodes:
		if !ValidHSCode(v) {
			return "", fmt.Errorf("%q is not an HS code or range (8703, 87, 86-89)", v)
		}
		return v, nil
	case TEnum, TEnums:
		if !slices.Contains(p.Values, v) {
			return "", fmt.Errorf("%q is not one of %s", v, strings.Join(p.Values, ", "))
		}
		return v, nil
	}
	return "", fmt.Errorf("property type %q: %w", p.Type, ErrUnsupportedType)
}

// ErrUnsupportedType is what Check returns for a property type it has no
// rules for.
var ErrUnsupportedType = errors.New("no value rules for this property type")

var dateRE = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$`)

// DateBounds parses a date as the model writes it, to the precision the
// source gives (YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date), and
// returns the first and last day it covers: "2024" is 2024-01-01 …
// 2024-12-31, "2024-02" is 2024-02-01 … 2024-02-29.
func DateBounds(s string) (first, last time.Time, err error) {
	bad := fmt.Errorf("%q is not a date (YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date)", s)
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return first, last, bad
	}
	switch {
	case m[3] != "":
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return first, last, bad
		}
		return t, t, nil
	case m[2] != "":
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return first, last, bad
		}
		return t, t.AddDate(0, 1, -1), nil
	default:
		t, _ := time.Parse("2006", s)
		return t, t.AddDate(1, 0, -1), nil
	}
}

// ValidDate reports whether s is a date in the model's format.
func ValidDate(s string) bool { _, _, err := DateBounds(s); return err == nil }

// ValidURL reports whether v is an absolute http(s) URL with a host and
// without white space (which url.Parse lets through in paths).
func ValidURL(v string) bool {
	if strings.ContainsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' }) {
		return false
	}
	u, err := url.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

var alpha2 = regexp.MustCompile(`^[A-Z]{2}$`)

// ValidCountry reports whether v is an assigned ISO 3166-1 alpha-2 code, as
// github.com/biter777/countries tabulates them, or XK (Kosovo, which the
// lists use).
func ValidCountry(v string) bool {
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

// ValidHSCode reports whether v is an HS chapter, heading or subheading (2
// to 10 digits, even length) or a range of two codes of the same length in
// order (86-89).
func ValidHSCode(v string) bool {
	if hsCode.MatchString(v) {
		return true
	}
	m := hsRange.FindStringSubmatch(v)
	return m != nil && len(m[1]) == len(m[2]) && m[1] < m[2]
}
