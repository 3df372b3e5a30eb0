package graph

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"

	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// Cursors are opaque to clients: base64 of "o:<offset>", the position of the
// item in the list's stable order (every order ends with the id), or, in a
// list sorted by name, base64 of "k:" and a JSON object with the position
// and the item's sort key (a keyset cursor), from which the next page is
// sought rather than skipped to.
func cursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

// keyCursor is the keyset cursor of the item at offset with sort key k.
func keyCursor(offset int, k model.SortKey) string {
	b, _ := json.Marshal(keyed{Offset: offset, Name: k.Name, ID: k.ID})
	return base64.RawURLEncoding.EncodeToString(append([]byte("k:"), b...))
}

// keyed is a keyset cursor's content.
type keyed struct {
	Offset int    `json:"o"`
	Name   string `json:"n"`
	ID     string `json:"i"`
}

// maxOffset bounds how deep a client may page by offset, so deep pages
// cannot make Neo4j sort and skip without limit. maxKeyedOffset bounds
// the position a keyset cursor may claim: a list that seeks by the key
// costs the same at any depth, and one that cannot seek (another list
// given the cursor, another order) skips to the position, so that too is
// bounded.
const (
	maxOffset      = 100_000
	maxKeyedOffset = 100_000_000
)

// page turns first/after into an offset window. Errors name the argument.
// A keyset cursor deeper than maxOffset is refused: this list pages by
// offset.
func page(first *int, after *string, def int) (model.Page, error) {
	p, err := keysetPage(first, after, def)
	if err == nil && p.Offset > maxOffset {
		return model.Page{}, badCursor()
	}
	return p, err
}

// keysetPage is page for a list that seeks by a keyset cursor (a name
// order of entities): its cursors may reach maxKeyedOffset; an offset
// cursor still only maxOffset.
func keysetPage(first *int, after *string, def int) (model.Page, error) {
	n := def
	if first != nil {
		n = *first
	}
	if n < 1 || n > model.MaxPageSize {
		return model.Page{}, badInput("first", fmt.Sprintf("must be between 1 and %d, got %d", model.MaxPageSize, n))
	}
	p := model.Page{Limit: n}
	if after == nil || *after == "" {
		return p, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*after)
	if err != nil {
		return model.Page{}, badCursor()
	}
	if s, ok := strings.CutPrefix(string(b), "o:"); ok {
		o, err := strconv.Atoi(s)
		if err != nil || o < 0 || o >= maxOffset {
			return model.Page{}, badCursor()
		}
		p.Offset = o + 1
		return p, nil
	}
	s, ok := strings.CutPrefix(string(b), "k:")
	var k keyed
	if !ok || json.Unmarshal([]byte(s), &k) != nil || k.Offset < 0 || k.Offset >= maxKeyedOffset || k.ID == "" {
		return model.Page{}, badCursor()
	}
	p.Offset, p.After = k.Offset+1, &model.SortKey{Name: k.Name, ID: k.ID}
	return p, nil
}

func badCursor() *model.Error {
	return badInput("after", "is not a cursor returned by this API")
}

// pageInfo describes a window of n items starting at p.Offset of total.
func pageInfo(p model.Page, n, total int) *model.PageInfo {
	return keyedPageInfo(p, n, total, nil)
}

// keyedPageInfo is pageInfo whose cursors are keyset cursors when keys
// holds the window's sort keys.
func keyedPageInfo(p model.Page, n, total int, keys []model.SortKey) *model.PageInfo {
	pi := &model.PageInfo{HasPreviousPage: p.Offset > 0, HasNextPage: p.Offset+n < total}
	if n > 0 {
		s, e := itemCursor(p.Offset, 0, keys), itemCursor(p.Offset+n-1, n-1, keys)
		pi.StartCursor, pi.EndCursor = &s, &e
	}
	return pi
}

// itemCursor is the cursor of the i-th item of a window, at offset: a
// keyset cursor when keys has its key.
func itemCursor(offset, i int, keys []model.SortKey) string {
	if i < len(keys) {
		return keyCursor(offset, keys[i])
	}
	return cursor(offset)
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
