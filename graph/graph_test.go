package graph_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/endpoint"
	"github.com/sanctiongraph/sanctiongraph/graph/fake"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

func (r response) code(i int) string {
	if i >= len(r.Errors) {
		return ""
	}
	c, _ := r.Errors[i].Extensions["code"].(string)
	return c
}

// query runs one GraphQL request against a handler over the fake store.
func query(tb testing.TB, st *fake.Store, q string, vars map[string]any) (response, string) {
	tb.Helper()
	return queryWith(tb, st, endpoint.Options{}, q, vars)
}

func queryWith(tb testing.TB, st *fake.Store, opts endpoint.Options, q string, vars map[string]any) (response, string) {
	tb.Helper()
	var logs bytes.Buffer
	opts.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	h := endpoint.NewHandler(st, opts)
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Body)
	var resp response
	if err := json.Unmarshal(raw, &resp); err != nil {
		tb.Fatalf("response is not JSON: %v\n%s", err, raw)
	}
	return resp, logs.String()
}

func kim() *model.Entity {
	return &model.Entity{ID: "person:kim-jong-un", Kind: schema.Person, Name: "Kim Jong Un", Aliases: []string{"Kim Jong-un"},
		Properties: model.Properties{"birthDate": {"1984-01-08"}},
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "curated"}}
}

func TestEntityErrors(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		code    string
		message string
	}{
		{"NotFound", &model.Error{Code: model.NotFound, Message: `no entity with id "x"`}, model.NotFound, `no entity with id "x"`},
		{"Unavailable", &model.Error{Code: model.Unavailable, Message: "the graph database is unavailable; retry later", Err: errors.New("dial tcp: refused")}, model.Unavailable, "the graph database is unavailable; retry later"},
		{"InternalHidesDetails", errors.New("Neo.ClientError.Statement.SyntaxError: MATCH (n) RETURN secret"), model.Internal, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fake.Store{EntityFn: func(ctx context.Context, id string) (*model.Entity, error) { return nil, tt.err }}
			resp, logs := query(t, st, `{ entity(id: "x", view: RECORDS) { id } }`, nil)
			if resp.code(0) != tt.code || resp.Errors[0].Message != tt.message {
				t.Fatalf("errors = %+v, want code %s message %q", resp.Errors, tt.code, tt.message)
			}
			if strings.Contains(string(mustJSON(resp)), "MATCH") || strings.Contains(string(mustJSON(resp)), "dial tcp") {
				t.Errorf("response leaks internals: %s", mustJSON(resp))
			}
			if tt.code == model.Internal && !strings.Contains(logs, "SyntaxError") {
				t.Errorf("internal error not logged: %q", logs)
			}
		})
	}
}

func TestPanicIsInternal(t *testing.T) {
	st := &fake.Store{EntityFn: func(ctx context.Context, id string) (*model.Entity, error) { panic("boom: secret detail") }}
	resp, logs := query(t, st, `{ entity(id: "x", view: RECORDS) { id } }`, nil)
	if resp.code(0) != model.Internal || strings.Contains(string(mustJSON(resp)), "secret") {
		t.Fatalf("panic response = %s", mustJSON(resp))
	}
	if !strings.Contains(logs, "boom") {
		t.Errorf("panic not logged: %q", logs)
	}
}

func TestArgumentValidation(t *testing.T) {
	st := &fake.Store{
		EntitiesFn: func(ctx context.Context, q model.EntityQuery) (model.EntityPage, error) {
			return model.EntityPage{}, nil
		},
		SearchFn: func(ctx context.Context, q model.SearchQuery) (model.SearchPage, error) {
			return model.SearchPage{}, nil
		},
		TimelineFn: func(ctx context.Context, q model.TimelineQuery) (model.TimelinePage, error) {
			return model.TimelinePage{}, nil
		},
		NeighboursFn: func(ctx context.Context, q model.NeighbourQuery) (model.NeighbourPage, error) {
			return model.NeighbourPage{}, nil
		},
	}
	tests := []struct {
		name, query, arg string
	}{
		{"ErrFirstTooLarge", `{ entities(first: 101) { totalCount } }`, "first"},
		{"ErrFirstZero", `{ search(query: "kim", first: 0) { totalCount } }`, "first"},
		{"ErrBadCursor", `{ entities(after: "not-a-cursor") { totalCount } }`, "after"},
		{"ErrForgedCursor", `{ entities(after: "bzotNQ") { totalCount } }`, "after"},
		{"ErrBadDate", `{ timeline(from: "2024-13-01") { totalCount } }`, "from"},
		{"ErrReversedRange", `{ timeline(from: "2024-02-01", to: "2024-01-01") { totalCount } }`, "to"},
		{"ErrBadAt", `{ neighbours(id: "x", filter: {at: "yesterday"}) { totalCount } }`, "filter.at"},
		{"ErrBadActiveAt", `{ entities(filter: {activeAt: "2024-02-30"}) { totalCount } }`, "filter.activeAt"},
		// The Date scalar reads only strings: a list, an object or a number
		// where a Date is expected is BAD_USER_INPUT naming the argument.
		{"ErrDateList", `{ timeline(from: ["2024"]) { totalCount } }`, "from"},
		{"ErrDateObject", `{ timeline(to: {a: "b"}) { totalCount } }`, "to"},
		{"ErrDateNumber", `{ timeline(from: 2024) { totalCount } }`, "from"},
		{"ErrDateListInFilter", `{ neighbours(id: "x", filter: {at: ["2024-01-01"]}) { totalCount } }`, "filter.at"},
		{"ErrDateTimestamp", `{ entities(filter: {activeAt: "2024-01-01T00:00:00Z"}) { totalCount } }`, "filter.activeAt"},
		{"ErrLongQuery", `{ search(query: "` + strings.Repeat("a", 201) + `") { totalCount } }`, "query"},
		{"ErrIsoCode", `{ state(isoCode: "RUS") { id } }`, "isoCode"},
		{"ErrResolutionNumber", `{ resolution(number: -1) { id } }`, "number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := query(t, st, tt.query, nil)
			if resp.code(0) != model.BadUserInput {
				t.Fatalf("errors = %+v, want BAD_USER_INPUT", resp.Errors)
			}
			if !strings.Contains(resp.Errors[0].Message, "argument "+tt.arg+":") {
				t.Errorf("message %q does not name argument %s", resp.Errors[0].Message, tt.arg)
			}
		})
	}
	t.Run("ErrUnknownEnum", func(t *testing.T) {
		resp, _ := query(t, st, `{ search(query: "kim", kinds: [PLANET]) { totalCount } }`, nil)
		if len(resp.Errors) == 0 || resp.code(0) != "GRAPHQL_VALIDATION_FAILED" {
			t.Fatalf("errors = %+v", resp.Errors)
		}
	})
}

func TestPaginationCursors(t *testing.T) {
	var got []model.EntityQuery
	all := []*model.Entity{kim(), kim(), kim(), kim(), kim()}
	st := &fake.Store{EntitiesFn: func(ctx context.Context, q model.EntityQuery) (model.EntityPage, error) {
		got = append(got, q)
		end := min(q.Offset+q.Limit, len(all))
		return model.EntityPage{Entities: all[q.Offset:end], Total: len(all)}, nil
	}}
	after := ""
	seen := 0
	for page := 0; page < 5; page++ {
		resp, _ := query(t, st, `query($after: String) { entities(first: 2, after: $after) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
			map[string]any{"after": after})
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		var data struct {
			Entities struct {
				TotalCount int
				Edges      []struct{ Cursor string }
				PageInfo   struct {
					HasNextPage, HasPreviousPage bool
					EndCursor                    string
				}
			}
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		seen += len(data.Entities.Edges)
		if data.Entities.PageInfo.HasPreviousPage != (page > 0) {
			t.Errorf("page %d: hasPreviousPage = %v", page, data.Entities.PageInfo.HasPreviousPage)
		}
		if !data.Entities.PageInfo.HasNextPage {
			break
		}
		after = data.Entities.PageInfo.EndCursor
	}
	if seen != 5 || len(got) != 3 || got[1].Offset != 2 || got[2].Offset != 4 {
		t.Fatalf("paged %d items with queries %+v", seen, got)
	}
}

// TestKeysetCursors: a store that returns sort keys gets keyset cursors
// back (the key of the last item and its position), which the next page
// passes as Page.After with the offset; a cursor deeper than offsets may
// go is accepted by the entity list (it seeks) and refused by a list that
// pages by offset; forged cursors are BAD_USER_INPUT.
func TestKeysetCursors(t *testing.T) {
	var got []model.EntityQuery
	names := []string{"a", "b", "b", "c", "d"}
	st := &fake.Store{EntitiesFn: func(ctx context.Context, q model.EntityQuery) (model.EntityPage, error) {
		got = append(got, q)
		start := q.Offset
		if q.After != nil { // seek: the first item after the key
			start = 0
			for start < len(names) && (names[start] < q.After.Name || (names[start] == q.After.Name && fmt.Sprint(start) <= q.After.ID)) {
				start++
			}
		}
		var page model.EntityPage
		for i := start; i < min(start+q.Limit, len(names)); i++ {
			e := kim()
			e.ID = fmt.Sprint(i)
			page.Entities = append(page.Entities, e)
			page.Keys = append(page.Keys, model.SortKey{Name: names[i], ID: e.ID})
		}
		page.Total, page.More = len(names), start+q.Limit < len(names)
		return page, nil
	}}
	list := `query($after: String) { entities(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`
	type conn struct {
		Entities struct {
			Edges []struct {
				Cursor string
				Node   struct{ ID string }
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   string
			}
		}
	}
	var seen []string
	after := ""
	for range 5 {
		resp, _ := query(t, st, list, map[string]any{"after": after})
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		var c conn
		if err := json.Unmarshal(resp.Data, &c); err != nil {
			t.Fatal(err)
		}
		for _, e := range c.Entities.Edges {
			seen = append(seen, e.Node.ID)
		}
		if !c.Entities.PageInfo.HasNextPage {
			break
		}
		if last := c.Entities.Edges[len(c.Entities.Edges)-1].Cursor; last != c.Entities.PageInfo.EndCursor {
			t.Fatalf("endCursor %q, last edge's %q", c.Entities.PageInfo.EndCursor, last)
		}
		after = c.Entities.PageInfo.EndCursor
	}
	if strings.Join(seen, ",") != "0,1,2,3,4" || len(got) != 3 {
		t.Fatalf("paged %v with %d queries", seen, len(got))
	}
	if got[1].After == nil || *got[1].After != (model.SortKey{Name: "b", ID: "1"}) || got[1].Offset != 2 ||
		got[2].After == nil || *got[2].After != (model.SortKey{Name: "c", ID: "3"}) || got[2].Offset != 4 {
		t.Fatalf("queries %+v %+v", got[1], got[2])
	}

	deep := base64.RawURLEncoding.EncodeToString([]byte(`k:{"o":5000000,"n":"x","i":"person:x"}`))
	resp, _ := query(t, st, list, map[string]any{"after": deep})
	if len(resp.Errors) > 0 || got[len(got)-1].Offset != 5000001 {
		t.Fatalf("deep keyset cursor: %+v, query %+v", resp.Errors, got[len(got)-1])
	}
	resp, _ = query(t, st, `query($after: String) { search(query: "kim", after: $after) { totalCount } }`, map[string]any{"after": deep})
	if resp.code(0) != model.BadUserInput {
		t.Fatalf("search with a deep keyset cursor: %+v", resp.Errors)
	}
	for _, bad := range []string{"k:", `k:{"o":-1,"n":"a","i":"b"}`, `k:{"o":1,"n":"a"}`, `k:{"o":200000000,"n":"a","i":"b"}`, `k:[1,2]`, "o:x"} {
		resp, _ := query(t, st, list, map[string]any{"after": base64.RawURLEncoding.EncodeToString([]byte(bad))})
		if resp.code(0) != model.BadUserInput || !strings.Contains(resp.Errors[0].Message, "after") {
			t.Errorf("cursor %q: %+v", bad, resp.Errors)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	st := &fake.Store{}
	deep := `{ entity(id: "x") { neighbours(first: 1) { edges { node { neighbours(first: 1) { edges { node { neighbours(first: 1) { edges { node { neighbours(first: 1) { edges { node { id } } } } } } } } } } } } } }`
	resp, _ := query(t, st, deep, nil)
	if resp.code(0) != model.BadUserInput || !strings.Contains(resp.Errors[0].Message, "nested") {
		t.Fatalf("errors = %+v", resp.Errors)
	}
}

func TestComplexityLimit(t *testing.T) {
	st := &fake.Store{}
	q := `{ entities(first: 100) { edges { node { neighbours(first: 100) { edges { node { neighbours(first: 100) { edges { node { id name } } } } } } } } } }`
	resp, _ := query(t, st, q, nil)
	if len(resp.Errors) == 0 || resp.code(0) != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("errors = %+v", resp.Errors)
	}
}

func TestNestedFieldsAreBatched(t *testing.T) {
	var batches atomic.Int32
	rel := func(i int) model.Neighbour {
		e := kim()
		e.ID = "org:" + string(rune('a'+i))
		return model.Neighbour{Node: e, Outgoing: true, Relationship: &model.Relationship{ID: "USES|x|" + e.ID, Type: schema.Uses, FromID: "x", ToID: e.ID,
			Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "t"}}}
	}
	st := &fake.Store{
		NeighboursFn: func(ctx context.Context, q model.NeighbourQuery) (model.NeighbourPage, error) {
			return model.NeighbourPage{Neighbours: []model.Neighbour{rel(0), rel(1), rel(2), rel(3)}, Total: 4}, nil
		},
		EntitiesByIDFn: func(ctx context.Context, ids []string) (map[string]*model.Entity, error) {
			batches.Add(1)
			m := map[string]*model.Entity{}
			for _, id := range ids {
				e := kim()
				e.ID = id
				m[id] = e
			}
			return m, nil
		},
		EvidenceByFactFn: func(ctx context.Context, ids []string) (map[string][]model.Evidence, error) {
			batches.Add(1)
			return map[string][]model.Evidence{}, nil
		},
	}
	// A generous wait: on a loaded 2-core CI machine the concurrent field
	// resolvers may start more than the default 2 ms apart.
	resp, _ := queryWith(t, st, endpoint.Options{BatchWait: 100 * time.Millisecond},
		`{ neighbours(id: "x") { edges { relationship { from { id } to { id } evidence { id } } } } }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatal(resp.Errors)
	}
	if n := batches.Load(); n != 2 {
		t.Errorf("4 relationships made %d store calls for from/to/evidence, want 2 (one per loader)", n)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// TestPartialDates checks that a partial date (YYYY or YYYY-MM), which the
// Date scalar accepts because facts carry them, reaches the store as the
// period it names: ranges from its first or to its last day, point
// filters as the date itself (the store takes "at 2024" as "at some time
// in 2024").
func TestPartialDates(t *testing.T) {
	var tq model.TimelineQuery
	var eq model.EntityQuery
	var nq model.NeighbourQuery
	st := &fake.Store{
		TimelineFn: func(ctx context.Context, q model.TimelineQuery) (model.TimelinePage, error) {
			tq = q
			return model.TimelinePage{}, nil
		},
		EntitiesFn: func(ctx context.Context, q model.EntityQuery) (model.EntityPage, error) {
			eq = q
			return model.EntityPage{}, nil
		},
		NeighboursFn: func(ctx context.Context, q model.NeighbourQuery) (model.NeighbourPage, error) {
			nq = q
			return model.NeighbourPage{}, nil
		},
	}
	t.Run("TimelineRange", func(t *testing.T) {
		resp, _ := query(t, st, `{ timeline(from: "2023", to: "2024-02") { totalCount } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		if tq.From != "2023-01-01" || tq.To != "2024-02-29" {
			t.Errorf("timeline from %q to %q, want 2023-01-01 to 2024-02-29", tq.From, tq.To)
		}
	})
	t.Run("TimelineSameYear", func(t *testing.T) {
		resp, _ := query(t, st, `query T($d: Date) { timeline(from: $d, to: $d) { totalCount } }`, map[string]any{"d": "2024"})
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		if tq.From != "2024-01-01" || tq.To != "2024-12-31" {
			t.Errorf("timeline from %q to %q, want the whole of 2024", tq.From, tq.To)
		}
	})
	t.Run("PointFilters", func(t *testing.T) {
		resp, _ := query(t, st, `{ entities(filter: {activeAt: "2024-02"}) { totalCount } neighbours(id: "x", filter: {at: "2011"}) { totalCount } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		if eq.ActiveAt != "2024-02" || nq.At != "2011" {
			t.Errorf("activeAt %q, at %q", eq.ActiveAt, nq.At)
		}
	})
	t.Run("EnumsBound", func(t *testing.T) {
		resp, _ := query(t, st, `{ entities(sort: DATE_DESC) { totalCount } neighbours(id: "x", filter: {direction: INCOMING}) { totalCount } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		if eq.Sort != model.ByDateDesc || nq.Direction != model.Incoming {
			t.Errorf("sort %v, direction %v", eq.Sort, nq.Direction)
		}
		resp, _ = query(t, st, `{ entities { totalCount } neighbours(id: "x") { totalCount } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		if eq.Sort != model.ByNameAsc || nq.Direction != model.Both {
			t.Errorf("defaults: sort %v, direction %v", eq.Sort, nq.Direction)
		}
	})
}

// TestEntitiesCountOnlyWhenAsked: without totalCount in the selection the
// store is asked not to count every match, and hasNextPage still holds.
func TestEntitiesCountOnlyWhenAsked(t *testing.T) {
	all := []*model.Entity{kim(), kim(), kim(), kim(), kim()}
	var asked []bool
	st := &fake.Store{EntitiesFn: func(ctx context.Context, q model.EntityQuery) (model.EntityPage, error) {
		asked = append(asked, q.WithoutTotal)
		end := min(q.Offset+q.Limit, len(all))
		page := model.EntityPage{Entities: all[q.Offset:end], Total: len(all)}
		if q.WithoutTotal {
			page.Total, page.More = -1, end < len(all)
		}
		return page, nil
	}}
	for _, tt := range []struct {
		query        string
		withoutTotal bool
		hasNext      bool
	}{
		{`{ entities(first: 2) { edges { node { id } } pageInfo { hasNextPage } } }`, true, true},
		{`{ entities(first: 5) { edges { node { id } } pageInfo { hasNextPage } } }`, true, false},
		{`{ entities(first: 2) { ...C } } fragment C on EntityConnection { totalCount pageInfo { hasNextPage } }`, false, true},
		{`{ entities(first: 2) { n: totalCount pageInfo { hasNextPage } } }`, false, true},
	} {
		asked = nil
		resp, _ := query(t, st, tt.query, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		var data struct {
			Entities struct{ PageInfo struct{ HasNextPage bool } }
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		if len(asked) != 1 || asked[0] != tt.withoutTotal || data.Entities.PageInfo.HasNextPage != tt.hasNext {
			t.Errorf("%s: store asked withoutTotal %v, hasNextPage %v; want %v, %v", tt.query, asked, data.Entities.PageInfo.HasNextPage, tt.withoutTotal, tt.hasNext)
		}
	}
}

// TestNeighboursCountOnlyWhenAsked: neighbours of an entity (top-level and
// nested) are counted only when totalCount is selected; hasNextPage is right
// either way.
func TestNeighboursCountOnlyWhenAsked(t *testing.T) {
	var asked []bool
	st := &fake.Store{
		EntityFn: func(ctx context.Context, id string) (*model.Entity, error) { return kim(), nil },
		NeighboursFn: func(ctx context.Context, q model.NeighbourQuery) (model.NeighbourPage, error) {
			asked = append(asked, q.WithoutTotal)
			const all = 5
			var page model.NeighbourPage
			for i := q.Offset; i < min(q.Offset+q.Limit, all); i++ {
				page.Neighbours = append(page.Neighbours, model.Neighbour{
					Relationship: &model.Relationship{ID: fmt.Sprintf("LEADS|%s|state:%d", q.ID, i), Type: schema.Leads, FromID: q.ID, ToID: fmt.Sprintf("state:%d", i)},
					Node:         &model.Entity{ID: fmt.Sprintf("state:%d", i), Kind: schema.State, Name: "S"}, Outgoing: true})
			}
			page.Total = all
			if q.WithoutTotal {
				page.Total, page.More = -1, q.Offset+q.Limit < all
			}
			return page, nil
		},
	}
	for _, tt := range []struct {
		query        string
		withoutTotal bool
		hasNext      bool
	}{
		{`{ neighbours(id: "person:kim-jong-un", first: 2, view: RECORDS) { edges { node { id } } pageInfo { hasNextPage } } }`, true, true},
		{`{ neighbours(id: "person:kim-jong-un", first: 5, view: RECORDS) { pageInfo { hasNextPage } } }`, true, false},
		{`{ neighbours(id: "person:kim-jong-un", first: 2, view: RECORDS) { totalCount pageInfo { hasNextPage } } }`, false, true},
		{`{ neighbours(id: "person:kim-jong-un", first: 2, view: RECORDS) { ...C } } fragment C on NeighbourConnection { t: totalCount pageInfo { hasNextPage } }`, false, true},
	} {
		asked = nil
		resp, _ := query(t, st, tt.query, nil)
		if len(resp.Errors) > 0 {
			t.Fatal(tt.query, resp.Errors)
		}
		var data struct {
			Neighbours struct{ PageInfo struct{ HasNextPage bool } }
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		if len(asked) != 1 || asked[0] != tt.withoutTotal || data.Neighbours.PageInfo.HasNextPage != tt.hasNext {
			t.Errorf("%s: store asked withoutTotal %v, hasNextPage %v; want %v, %v", tt.query, asked, data.Neighbours.PageInfo.HasNextPage, tt.withoutTotal, tt.hasNext)
		}
	}
}
