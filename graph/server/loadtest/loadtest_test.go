package loadtest_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/sanctiongraph/sanctiongraph/graph/server/loadtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// TestQueriesMatchSchema checks every query document, and the variables it
// is sent with, against the service's SDL.
func TestQueriesMatchSchema(t *testing.T) {
	var sources []*ast.Source
	err := fs.WalkDir(schema.GraphQL(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(schema.GraphQL(), p)
		sources = append(sources, &ast.Source{Name: p, Input: string(b)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s, gerr := gqlparser.LoadSchema(sources...)
	if gerr != nil {
		t.Fatal(gerr)
	}
	for _, q := range loadtest.Queries {
		t.Run(q.Name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(s, q.Doc)
			if len(errs) > 0 {
				t.Fatalf("document: %v", errs)
			}
			if len(doc.Operations) != 1 || doc.Operations[0].Name == "" {
				t.Fatal("want one named operation")
			}
			r := rand.New(rand.NewPCG(1, 2))
			for range 200 {
				vars := q.Vars(r)
				if _, err := validator.VariableValues(s, doc.Operations[0], roundTrip(t, vars)); err != nil {
					t.Fatalf("variables %v: %v", vars, err)
				}
			}
			if q.Next != nil {
				data := json.RawMessage(`{"entities":{"pageInfo":{"hasNextPage":true,"endCursor":"bzoyMA"}}}`)
				for range 20 {
					if vars := q.Next(r, data); vars != nil {
						if _, err := validator.VariableValues(s, doc.Operations[0], roundTrip(t, vars)); err != nil {
							t.Fatalf("next page variables %v: %v", vars, err)
						}
					}
				}
			}
		})
	}
}

// roundTrip gives variables the types they have on the wire.
func roundTrip(t *testing.T, v map[string]any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReport runs against a server that answers some queries, fails others
// with GraphQL errors or 500s and drops connections for one.
func TestReport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/graphql" || r.Header.Get("Authorization") != "Bearer k3y" {
			http.Error(w, "wrong path or key", http.StatusTeapot)
			return
		}
		var body struct {
			OperationName string `json:"operationName"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		switch body.OperationName {
		case "Search":
			w.Write([]byte(`{"data":{"search":{"totalCount":0,"edges":[]}}}`))
		case "Paths":
			w.Write([]byte(`{"errors":[{"message":"nope","extensions":{"code":"BAD_USER_INPUT"}}],"data":null}`))
		case "Entity":
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`))
		case "Timeline":
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		default:
			w.Write([]byte(`<html>not GraphQL</html>`))
		}
	}))
	defer srv.Close()

	run := func(mix map[string]int) *loadtest.Report {
		t.Helper()
		rep, err := loadtest.Run(context.Background(), loadtest.Config{URL: srv.URL, Duration: 200 * time.Millisecond, Concurrency: 2, Key: "k3y", Mix: mix, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	t.Run("OK", func(t *testing.T) {
		rep := run(map[string]int{"search": 1, "paths": 1})
		if rep.Requests == 0 || rep.Status[200] != rep.Requests || rep.Failed() {
			t.Fatalf("report %+v", rep)
		}
		if rep.Codes["BAD_USER_INPUT"] != rep.Queries["paths"].Requests || rep.Queries["search"].Errors != 0 {
			t.Errorf("codes %v, queries %+v", rep.Codes, rep.Queries)
		}
		if rep.Throughput <= 0 || rep.Latency.P50 <= 0 || rep.Latency.P50 > rep.Latency.P99 || rep.Latency.P99 > rep.Latency.Max {
			t.Errorf("throughput %v latency %+v", rep.Throughput, rep.Latency)
		}
		var text strings.Builder
		rep.WriteText(&text)
		for _, want := range []string{"p50", "200: ", "BAD_USER_INPUT: ", "search", "paths"} {
			if !strings.Contains(text.String(), want) {
				t.Errorf("text report lacks %q:\n%s", want, text.String())
			}
		}
	})
	t.Run("ServerError", func(t *testing.T) {
		if rep := run(map[string]int{"entity": 1}); !rep.Failed() || rep.ServerErrors() != rep.Requests || rep.Codes["INTERNAL"] == 0 {
			t.Errorf("report %+v", rep)
		}
	})
	t.Run("TransportError", func(t *testing.T) {
		if rep := run(map[string]int{"timeline": 1}); !rep.Failed() || rep.TransportErrors != rep.Requests || len(rep.Samples) == 0 {
			t.Errorf("report %+v", rep)
		}
	})
	t.Run("NotGraphQL", func(t *testing.T) {
		if rep := run(map[string]int{"dashboard": 1}); !rep.Failed() || rep.BadResponses != rep.Requests {
			t.Errorf("report %+v", rep)
		}
	})
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]loadtest.Config{
		"NoURL":          {},
		"TooLong":        {URL: "http://x", Duration: time.Hour},
		"TooManyWorkers": {URL: "http://x", Concurrency: 100000},
		"UnknownQuery":   {URL: "http://x", Mix: map[string]int{"nope": 1}},
		"EmptyMix":       {URL: "http://x", Mix: map[string]int{"search": 0}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := loadtest.Run(context.Background(), cfg); err == nil {
				t.Error("want an error")
			}
		})
	}
	for _, s := range []string{"", "search", "search=x", "search=-1", "nope=1"} {
		if _, err := loadtest.ParseMix(s); err == nil {
			t.Errorf("ParseMix(%q): want an error", s)
		}
	}
	if m, err := loadtest.ParseMix("search=4, paths=1"); err != nil || m["search"] != 4 || m["paths"] != 1 {
		t.Errorf("ParseMix = %v, %v", m, err)
	}
}
