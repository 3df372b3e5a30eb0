package model

import (
	"fmt"
	"regexp"
	"time"
)

var dateRE = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$`)

// DateBounds parses a date as the model writes it (YYYY, YYYY-MM or
// YYYY-MM-DD) and returns the first and last day it covers: "2024" is
// 2024-01-01 … 2024-12-31, "2024-02" is 2024-02-01 … 2024-02-29.
func DateBounds(s string) (first, last time.Time, err error) {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return first, last, fmt.Errorf("%q is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", s)
	}
	switch {
	case m[3] != "":
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return first, last, fmt.Errorf("%q is not a calendar date", s)
		}
		return t, t, nil
	case m[2] != "":
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return first, last, fmt.Errorf("%q is not a calendar month", s)
		}
		return t, t.AddDate(0, 1, -1), nil
	default:
		t, _ := time.Parse("2006", s)
		return t, t.AddDate(1, 0, -1), nil
	}
}

// ValidDate reports whether s is a date in the model's format.
func ValidDate(s string) bool { _, _, err := DateBounds(s); return err == nil }

// ParseDay parses a full date, YYYY-MM-DD, as used in filters.
func ParseDay(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return t, nil
}
