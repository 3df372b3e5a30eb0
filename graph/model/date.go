package model

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Date is the GraphQL Date scalar: a date to the precision its source
// gives, YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date (schema's date
// rules). A partial date stands for the period it names: "2024" is every
// day of 2024.
type Date string

// ParseDate checks s against the model's date rules. Errors:
// BAD_USER_INPUT.
func ParseDate(s string) (Date, error) {
	if _, _, err := schema.DateBounds(s); err != nil {
		return "", &Error{Code: BadUserInput, Message: err.Error()}
	}
	return Date(s), nil
}

// UnmarshalGQLContext reads a Date from a GraphQL literal or variable: only
// a string holding a model date. Anything else (a number, a list, an
// object) is BAD_USER_INPUT, never an internal error. The message names
// the argument, as "argument filter.from: …".
func (d *Date) UnmarshalGQLContext(ctx context.Context, v any) error {
	s, ok := v.(string)
	if !ok {
		return &Error{Code: BadUserInput, Message: argument(ctx) + fmt.Sprintf("must be a date as a string (YYYY, YYYY-MM or YYYY-MM-DD), not %s", gqlKind(v))}
	}
	p, err := ParseDate(s)
	if err != nil {
		return &Error{Code: BadUserInput, Message: argument(ctx) + ErrorMessage(err)}
	}
	*d = p
	return nil
}

// MarshalGQLContext writes the date as a GraphQL string.
func (d Date) MarshalGQLContext(_ context.Context, w io.Writer) error {
	graphql.MarshalString(string(d)).MarshalGQL(w)
	return nil
}

// argument names the argument (or input field) being read, "argument
// filter.from: ", from gqlgen's input path; "" outside one.
func argument(ctx context.Context) string {
	var parts []string
	for pc := graphql.GetPathContext(ctx); pc != nil; pc = pc.Parent {
		switch {
		case pc.Field != nil:
			parts = append(parts, *pc.Field)
		case pc.Index != nil:
			parts = append(parts, "["+strconv.Itoa(*pc.Index)+"]")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	slices.Reverse(parts)
	return "argument " + strings.ReplaceAll(strings.Join(parts, "."), ".[", "[") + ": "
}

// IsDay reports whether d names a single day (YYYY-MM-DD).
func (d Date) IsDay() bool { return len(d) == len(time.DateOnly) }

// First is the first day d covers, YYYY-MM-DD; "" for the zero Date.
func (d Date) First() string {
	first, _, err := schema.DateBounds(string(d))
	if err != nil {
		return ""
	}
	return first.Format(time.DateOnly)
}

// Last is the last day d covers, YYYY-MM-DD; "" for the zero Date.
func (d Date) Last() string {
	_, last, err := schema.DateBounds(string(d))
	if err != nil {
		return ""
	}
	return last.Format(time.DateOnly)
}

// gqlKind names the kind of a decoded GraphQL input value for messages.
func gqlKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case bool:
		return "a boolean"
	case int, int32, int64, float32, float64, json.Number:
		return "a number"
	}
	return "a value of another type"
}

// ParseDay parses a full date, YYYY-MM-DD, as used in filters.
func ParseDay(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return t, nil
}
