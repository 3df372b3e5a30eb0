package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/endpoint"
	"github.com/sanctiongraph/sanctiongraph/graph/fake"
	"github.com/sanctiongraph/sanctiongraph/graph/hostiletest"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// hostileFake returns a fake store whose every method answers: lookups by
// id or name find nothing (NOT_FOUND), lists and pages are empty; name
// resolution and violation facts succeed, so paths and potentialViolations
// get as far as the store. It records the methods called, and flags calls
// of methods that write (those taking a model.Actor).
func hostileFake(tb testing.TB) (*fake.Store, func() (calls map[string]int, writes []string)) {
	tb.Helper()
	st := &fake.Store{}
	var mu sync.Mutex
	calls := map[string]int{}
	var writes []string
	actor := reflect.TypeFor[model.Actor]()
	v := reflect.ValueOf(st).Elem()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		if f.Kind() != reflect.Func {
			continue
		}
		ft := f.Type()
		isWrite := false
		for j := range ft.NumIn() {
			isWrite = isWrite || ft.In(j) == actor
		}
		f.Set(reflect.MakeFunc(ft, func(args []reflect.Value) []reflect.Value {
			mu.Lock()
			calls[name]++
			if isWrite {
				writes = append(writes, name)
			}
			mu.Unlock()
			out := make([]reflect.Value, ft.NumOut())
			var notFound bool
			for k := range out {
				t := ft.Out(k)
				out[k] = reflect.Zero(t)
				switch {
				case k == 0 && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface) && t != reflect.TypeFor[error]():
					notFound = true
				case t.Kind() == reflect.Map:
					out[k] = reflect.MakeMap(t)
				}
			}
			if last := ft.NumOut() - 1; last >= 0 && ft.Out(last) == reflect.TypeFor[error]() && notFound {
				out[last] = reflect.ValueOf(error(&model.Error{Code: model.NotFound, Message: "nothing found"}))
			}
			return out
		}))
	}
	resolve := st.ResolveEntityFn
	st.ResolveEntityFn = func(ctx context.Context, ref string) (*model.Entity, error) {
		_, _ = resolve(ctx, ref) // recorded
		return kim(), nil
	}
	facts := st.ViolationFactsFn
	st.ViolationFactsFn = func(ctx context.Context, q model.ViolationQuery) (*model.ViolationFacts, error) {
		_, _ = facts(ctx, q)
		return &model.ViolationFacts{}, nil
	}
	return st, func() (map[string]int, []string) {
		mu.Lock()
		defer mu.Unlock()
		return calls, writes
	}
}

// hostileHandler is the GraphQL handler over st, with its log.
type hostileHandler struct {
	h    http.Handler
	mu   sync.Mutex
	logs bytes.Buffer
}

func newHostileHandler(st endpoint.StoreWithLoaders) *hostileHandler {
	hh := &hostileHandler{}
	hh.h = endpoint.NewHandler(st, endpoint.Options{Logger: slog.New(slog.NewTextHandler(hh, nil))})
	return hh
}

func (hh *hostileHandler) Write(p []byte) (int, error) {
	hh.mu.Lock()
	defer hh.mu.Unlock()
	return hh.logs.Write(p)
}

func (hh *hostileHandler) takeLogs() string {
	hh.mu.Lock()
	defer hh.mu.Unlock()
	s := hh.logs.String()
	hh.logs.Reset()
	return s
}

func (hh *hostileHandler) do(r hostiletest.Request) (int, []byte, time.Duration) {
	var req *http.Request
	if r.Method == http.MethodGet {
		req = httptest.NewRequest(http.MethodGet, "/graphql?"+r.RawQuery, nil)
	} else {
		req = httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(r.Body))
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	rec := httptest.NewRecorder()
	start := time.Now()
	hh.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes(), time.Since(start)
}

func (hh *hostileHandler) post(query string, vars map[string]any) (int, []byte, time.Duration) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return hh.do(hostiletest.Request{Method: http.MethodPost, ContentType: "application/json", Body: body})
}

func introspect(tb testing.TB, post func(string, map[string]any) (int, []byte, time.Duration)) *hostiletest.Schema {
	tb.Helper()
	code, body, _ := post(hostiletest.IntrospectionQuery, nil)
	var r hostiletest.Response
	if err := json.Unmarshal(body, &r); err != nil || code != http.StatusOK || len(r.Errors) > 0 {
		tb.Fatalf("introspection: HTTP %d %.500s", code, body)
	}
	s, err := hostiletest.ParseIntrospection(r.Data)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// hostileValid are the values of arguments not under attack: ids and names
// that exist in the curated dataset, so a request gets as far as it can.
var hostileValid = map[string]any{
	"id": "person:kim-jong-un", "from": "state:RU", "to": "person:kim-jong-un",
	"isoCode": "RU", "number": 1718, "query": "Kim Jong Un",
}

// TestHostileArguments sends every hostile value to every argument of every
// Query field (hostiletest.Cases, from introspection), as literals and as
// variables: no answer may be a 5xx, INTERNAL, UNAVAILABLE or TIMEOUT or
// show internal text, and no write reaches the store.
func TestHostileArguments(t *testing.T) {
	st, calls := hostileFake(t)
	hh := newHostileHandler(st)
	s := introspect(t, hh.post)
	cases := hostiletest.Cases(s, hostiletest.Options{Valid: hostileValid})
	fields := map[string]bool{}
	for _, f := range s.Types[s.QueryType].Fields {
		if !strings.HasPrefix(f.Name, "__") && len(f.Args) > 0 {
			fields[f.Name] = false
		}
	}
	codes := map[string]int{}
	failed := 0
	for _, c := range cases {
		status, body, _ := hh.post(c.Query, c.Vars)
		r, problems := hostiletest.Check(status, body, c.Payload)
		fields[c.Field] = true
		for _, code := range r.Codes() {
			codes[code]++
		}
		if len(problems) > 0 {
			failed++
			if failed <= 30 {
				t.Errorf("%s: %s\nquery: %.300s\nlog: %.1000s", c.Name, strings.Join(problems, "; "), c.Query, hh.takeLogs())
			}
		}
		hh.takeLogs()
	}
	if failed > 30 {
		t.Errorf("… %d failed cases in all", failed)
	}
	for f, seen := range fields {
		if !seen {
			t.Errorf("no case for Query.%s", f)
		}
	}
	n, w := calls()
	if len(w) > 0 {
		t.Errorf("hostile reads called store writes: %v", w)
	}
	t.Logf("%d requests over %d fields; store calls %v; error codes %v", len(cases), len(fields), n, codes)
}

// TestHostileRequests sends requests that abuse the protocol: each is
// refused with a coded error (or, if harmless, answered) within seconds,
// and no write reaches the store.
func TestHostileRequests(t *testing.T) {
	st, calls := hostileFake(t)
	hh := newHostileHandler(st)
	s := introspect(t, hh.post)
	for _, r := range hostiletest.Abuses(s, hostileTarget) {
		if r.Server {
			continue // the HTTP server's limits: cmd/sanctiongraph tests them
		}
		t.Run(r.Name, func(t *testing.T) {
			status, body, took := hh.do(r)
			var problems []string
			if r.MayAnswer {
				_, problems = hostiletest.Check(status, body, "")
			} else {
				problems = hostiletest.CheckRefused(status, body)
			}
			problems = append(problems, r.CheckStatusAndCode(status, body)...)
			if took > 5*time.Second {
				problems = append(problems, "took "+took.String())
			}
			if len(problems) > 0 {
				t.Errorf("%s\nlog: %.1000s", strings.Join(problems, "; "), hh.takeLogs())
			}
			t.Logf("HTTP %d in %s: %.200s", status, took.Round(time.Millisecond), body)
		})
	}
	if n, w := calls(); len(w) > 0 {
		t.Errorf("hostile requests called store writes: %v (calls %v)", w, n)
	}
}

// hostileTarget is where the protocol abuses aim.
var hostileTarget = hostiletest.Target{
	Field:     `entity(id: "person:kim-jong-un")`,
	Type:      "Entity",
	Nesting:   "neighbours { edges { node",
	List:      `query List($list: [String!]) { paths(from: "state:RU", to: "person:kim-jong-un", via: $list) { explanation } }`,
	Expensive: `paths(from: "state:RU", to: "person:kim-jong-un") { explanation }`,
}
