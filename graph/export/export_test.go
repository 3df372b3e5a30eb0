package export_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/export"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// pathsAnswer is a paths answer as /graphql gives it: two paths, their hops
// with sentences and citations, one source entity.
const pathsAnswer = `{"data":{"paths":{"explanation":"2 paths","paths":[
 {"length":2,"hops":[
   {"sentence":"Russia ← based in — Aurus","relationship":{"id":"BASED_IN|org:aurus|state:RU","citations":["TASS, \"Aurus\", 2021-05-21. https://tass.com/1"]}},
   {"sentence":"Aurus — manufactures → Aurus Senat","relationship":{"id":"MANUFACTURES|org:aurus|product:aurus-senat","citations":["=HYPERLINK(\"x\"), \"t\", undated. No URL.","TASS, \"Aurus\", 2021-05-21. https://tass.com/1"]}}]},
 {"length":1,"hops":[
   {"sentence":"Russia — sent → gift","relationship":{"id":"SENT|state:RU|transfer:g","citations":["Reuters, \"Gift\", 2024-02-20 (read in: copy in The Hindu). https://x"]},
    "evidence":[{"source":{"id":"source:reuters","kind":"SOURCE","name":"Gift"}}]}]}]}}}`

func gqlStub(answer string, status int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	})
}

func post(t *testing.T, h http.Handler, url, body string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, url, strings.NewReader(body)))
	return rec
}

const pathsQuery = `{"query":"{ paths(from: \"Russia\", to: \"Kim\") { explanation paths { length hops { sentence relationship { id citations } } } } }"}`

func TestExportFormats(t *testing.T) {
	eds := func(context.Context) ([]model.Edition, error) {
		return []model.Edition{{Dataset: "unsc", Authority: "UN", PublishedOn: "2026-05-08", Checksum: "abc"}}, nil
	}
	h := export.Handler(gqlStub(pathsAnswer, 200), eds)

	t.Run("CSVOfHops", func(t *testing.T) {
		rec := post(t, h, "/export?format=csv&rows=paths.paths.hops", pathsQuery)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("HTTP %d %s: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		rows, err := csv.NewReader(rec.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 {
			t.Fatalf("%d rows (header + 3 hops): %v", len(rows), rows)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, want := range []string{"sentence", "relationship.id", "relationship.citations", "paths.paths.length"} {
			if _, ok := col[want]; !ok {
				t.Fatalf("header %v lacks %s", rows[0], want)
			}
		}
		if rows[2][col["paths.paths.length"]] != "2" || rows[3][col["paths.paths.length"]] != "1" {
			t.Errorf("each hop keeps its path's length: %v", rows)
		}
		if c := rows[2][col["relationship.citations"]]; !strings.HasPrefix(c, `'=HYPERLINK`) || !strings.Contains(c, " | TASS") {
			t.Errorf("citations cell %q: want both citations, the formula defused", c)
		}
	})

	t.Run("NDJSONDefaultRows", func(t *testing.T) {
		rec := post(t, h, "/export?format=ndjson", pathsQuery)
		sc := bufio.NewScanner(rec.Body)
		n := 0
		for sc.Scan() {
			var row map[string]any
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
				t.Fatalf("line %d: %v", n+1, err)
			}
			if _, ok := row["hops"]; !ok {
				t.Errorf("row %v: the first list is the paths", row)
			}
			n++
		}
		if n != 2 {
			t.Errorf("%d rows, want the 2 paths", n)
		}
	})

	t.Run("Bundle", func(t *testing.T) {
		rec := post(t, h, "/export?format=bundle", pathsQuery)
		var b struct {
			Query     string
			Editions  []struct{ Dataset, Checksum string }
			Citations []string
			Sources   []struct{ ID string }
			Data      map[string]any
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
			t.Fatalf("%v: %s", err, rec.Body)
		}
		if !strings.Contains(b.Query, "paths(") || len(b.Editions) != 1 || b.Editions[0].Checksum != "abc" || len(b.Citations) != 3 ||
			len(b.Sources) != 1 || b.Sources[0].ID != "source:reuters" || b.Data["paths"] == nil {
			t.Errorf("bundle = %+v", b)
		}
	})
}

// TestExportPageInfo: the rows of one connection bring its pageInfo in a
// header (and not into the rows); rows under a list on the way, or a
// connection without pageInfo selected, bring none.
func TestExportPageInfo(t *testing.T) {
	conn := `{"data":{"list":{"pageInfo":{"hasNextPage":true,"endCursor":"azp7fQ"},"edges":[{"node":{"id":"a"}},{"node":{"id":"b"}}]}}}`
	h := export.Handler(gqlStub(conn, 200), nil)
	for _, url := range []string{"/export?format=csv&rows=list.edges", "/export?format=ndjson", "/export?format=bundle&rows=list.edges"} {
		rec := post(t, h, url, `{"query":"{ list: entities { pageInfo { hasNextPage endCursor } edges { node { id } } } }"}`)
		if got := rec.Header().Get(export.PageInfoHeader); got != `{"endCursor":"azp7fQ","hasNextPage":true}` {
			t.Errorf("%s: %s = %q", url, export.PageInfoHeader, got)
		}
		if strings.Contains(url, "csv") {
			rows, err := csv.NewReader(rec.Body).ReadAll()
			if err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != "id" {
				t.Errorf("CSV rows %v (%v): the pageInfo must not become columns", rows, err)
			}
		}
	}
	for name, tt := range map[string]struct{ answer, rows string }{
		"NoPageInfo":   {`{"data":{"list":{"edges":[{"node":{"id":"a"}}]}}}`, "list.edges"},
		"ListOnTheWay": {pathsAnswer, "paths.paths.hops"},
	} {
		rec := post(t, export.Handler(gqlStub(tt.answer, 200), nil), "/export?format=csv&rows="+tt.rows, `{"query":"{ x }"}`)
		if rec.Code != 200 || rec.Header().Get(export.PageInfoHeader) != "" {
			t.Errorf("%s: HTTP %d, %s = %q", name, rec.Code, export.PageInfoHeader, rec.Header().Get(export.PageInfoHeader))
		}
	}
}

func TestExportErrors(t *testing.T) {
	ok := export.Handler(gqlStub(pathsAnswer, 200), nil)
	for name, tt := range map[string]struct {
		h      http.Handler
		method string
		url    string
		body   string
		code   int
		ext    string
	}{
		"NoFormat":     {ok, "POST", "/export", pathsQuery, 400, "BAD_USER_INPUT"},
		"BadFormat":    {ok, "POST", "/export?format=xlsx", pathsQuery, 400, "BAD_USER_INPUT"},
		"GET":          {ok, "GET", "/export?format=csv", "", 405, "BAD_USER_INPUT"},
		"NotJSON":      {ok, "POST", "/export?format=csv", "{ paths }", 400, "BAD_USER_INPUT"},
		"Mutation":     {ok, "POST", "/export?format=csv", `{"query":"mutation { setStatus(id: \"x\", status: DISPUTED, reason: \"r\") { id } }"}`, 400, "BAD_USER_INPUT"},
		"BadRows":      {ok, "POST", "/export?format=csv&rows=paths.nope", pathsQuery, 400, "BAD_USER_INPUT"},
		"GraphQLError": {export.Handler(gqlStub(`{"errors":[{"message":"too much","extensions":{"code":"COMPLEXITY_LIMIT_EXCEEDED"}}],"data":null}`, 200), nil), "POST", "/export?format=csv", pathsQuery, 200, "COMPLEXITY_LIMIT_EXCEEDED"},
		"NoList":       {export.Handler(gqlStub(`{"data":{"entity":{"id":"x"}}}`, 200), nil), "POST", "/export?format=csv", pathsQuery, 400, "BAD_USER_INPUT"},
	} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.url, strings.NewReader(tt.body)))
			var ans struct {
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil || rec.Code != tt.code || len(ans.Errors) == 0 || ans.Errors[0].Extensions.Code != tt.ext {
				t.Errorf("HTTP %d %s; want %d with %s", rec.Code, rec.Body, tt.code, tt.ext)
			}
		})
	}
}
