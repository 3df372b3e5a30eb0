package model

import (
	"fmt"
	"time"
)

// ParseDay parses a full date, YYYY-MM-DD, as used in filters.
func ParseDay(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return t, nil
}
