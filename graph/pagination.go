package graph

import (
	"context"
	"slices"

	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// Cursors are opaque to clients: base64 of "o:<offset>", the position of the
// item in the list's stable order (every order ends with the id).
func cursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

// maxOffset bounds how deep a client may page, so deep pages cannot make
// Neo4j sort and skip without limit.
const maxOffset = 100_000

// page turns first/after into an offset window. Errors name the argument.
func page(first *int, after *string, def int) (model.Page, error) {
	n := def
	if first != nil {
		n = *first
	}
	if n < 1 || n > model.MaxPageSize {
		return model.Page{}, badInput("first", fmt.Sprintf("must be between 1 and %d, got %d", model.MaxPageSize, n))
	}
	off := 0
	if after != nil && *after != "" {
		b, err := base64.RawURLEncoding.DecodeString(*after)
		s, ok := strings.CutPrefix(string(b), "o:")
		if err != nil || !ok {
			return model.Page{}, badInput("after", "is not a cursor returned by this API")
		}
		o, err := strconv.Atoi(s)
		if err != nil || o < 0 || o >= maxOffset {
			return model.Page{}, badInput("after", "is not a cursor returned by this API")
		}
		off = o + 1
	}
	return model.Page{Offset: off, Limit: n}, nil
}

// pageInfo describes a window of n items starting at p.Offset of total.
func pageInfo(p model.Page, n, total int) *model.PageInfo {
	pi := &model.PageInfo{HasPreviousPage: p.Offset > 0, HasNextPage: p.Offset+n < total}
	if n > 0 {
		s, e := cursor(p.Offset), cursor(p.Offset+n-1)
		pi.StartCursor, pi.EndCursor = &s, &e
	}
	return pi
}

func badInput(arg, msg string) *model.Error {
	return &model.Error{Code: model.BadUserInput, Message: fmt.Sprintf("argument %s: %s", arg, msg)}
}

// selects reports whether the field being resolved selects a field of this
// name (under any alias or fragment), so a list can skip what nobody asked
// for (counting every match for totalCount).
func selects(ctx context.Context, name string) bool {
	if graphql.GetFieldContext(ctx) == nil {
		return true // called outside a GraphQL request: compute everything
	}
	return slices.Contains(graphql.CollectAllFields(ctx), name)
}

// uncounted stands in for the total of a list that was not counted (its
// totalCount not selected): enough for pageInfo to say whether another page
// follows, never returned as a count.
func uncounted(p model.Page, n int, more bool) int {
	if more {
		return p.Offset + n + 1
	}
	return p.Offset + n
}
