package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
	"github.com/sanctiongraph/sanctiongraph/graph/endpoint"
	"github.com/sanctiongraph/sanctiongraph/graph/fake"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// queryAs runs one request as principal p.
func queryAs(tb testing.TB, st *fake.Store, p auth.Principal, q string, vars map[string]any) response {
	tb.Helper()
	h := endpoint.NewHandler(st, endpoint.Options{RequestID: func(context.Context) string { return "req-7" }})
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req = req.WithContext(auth.With(req.Context(), p))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		tb.Fatalf("response is not JSON: %v\n%s", err, rec.Body.String())
	}
	return resp
}

func TestMutationRoles(t *testing.T) {
	var calls int
	var who model.Actor
	st := &fake.Store{
		FactFn: func(ctx context.Context, action, id string, status schema.Status, w model.Actor, reason string) (model.CuratedFact, model.WriteResult, error) {
			calls++
			who = w
			e := kim()
			return model.CuratedFact{Entity: e}, model.WriteResult{Outcome: model.Updated}, nil
		},
		HistoryFn: func(ctx context.Context, q model.ChangeQuery) (model.ChangePage, error) {
			calls++
			return model.ChangePage{}, nil
		},
	}
	anon := auth.Principal{}
	reader := auth.Principal{KeyID: "k1", Name: "rex", Role: auth.Reader}
	editor := auth.Principal{KeyID: "k2", Name: "erin", Role: auth.Editor}
	admin := auth.Principal{KeyID: "k3", Name: "ada", Role: auth.Admin}
	retract := `mutation { retractFact(id: "person:kim-jong-un", reason: "r") { outcome } }`
	restore := `mutation { restoreFact(id: "person:kim-jong-un", reason: "r") { outcome } }`
	status := `mutation { setStatus(id: "person:kim-jong-un", status: DISPUTED, reason: "r") { outcome node { id } } }`
	changes := `{ changes { totalCount } }`
	for _, c := range []struct {
		name string
		p    auth.Principal
		q    string
		code string
	}{
		{"AnonymousRetract", anon, retract, model.Unauthenticated},
		{"ReaderRetract", reader, retract, model.Forbidden},
		{"EditorRetract", editor, retract, ""},
		{"EditorRestore", editor, restore, model.Forbidden},
		{"AdminRestore", admin, restore, ""},
		{"AnonymousStatus", anon, status, model.Unauthenticated},
		{"EditorStatus", editor, status, ""},
		{"AnonymousChanges", anon, changes, model.Unauthenticated},
		{"ReaderChanges", reader, changes, model.Forbidden},
		{"EditorChanges", editor, changes, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls = 0
			resp := queryAs(t, st, c.p, c.q, nil)
			if resp.code(0) != c.code {
				t.Fatalf("code = %q, want %q (%+v)", resp.code(0), c.code, resp.Errors)
			}
			if want := map[bool]int{true: 1, false: 0}[c.code == ""]; calls != want {
				t.Fatalf("store called %d times, want %d", calls, want)
			}
			if c.code == model.Forbidden && !strings.Contains(resp.Errors[0].Message, c.p.Role.String()) {
				t.Errorf("message does not name the role: %s", resp.Errors[0].Message)
			}
		})
	}
	queryAs(t, st, editor, retract, nil)
	if who.Name != "erin (k2)" || who.Role != "editor" || who.RequestID != "req-7" {
		t.Errorf("actor = %+v", who)
	}
}

func TestMutationArguments(t *testing.T) {
	called := false
	st := &fake.Store{
		UpsertEntityFn: func(ctx context.Context, e model.Entity, ev []model.Evidence, action string, w model.Actor, reason string) (*model.Entity, model.WriteResult, error) {
			called = true
			return &e, model.WriteResult{Outcome: model.Created}, nil
		},
		HistoryFn: func(ctx context.Context, q model.ChangeQuery) (model.ChangePage, error) {
			called = true
			return model.ChangePage{}, nil
		},
	}
	editor := auth.Principal{KeyID: "k2", Name: "erin", Role: auth.Editor}
	for name, c := range map[string]struct {
		q    string
		vars map[string]any
		code string
		msg  string
	}{
		"DuplicateProperty": {`mutation($in: EntityInput!) { upsertEntity(input: $in, reason: "r") { outcome } }`,
			map[string]any{"in": map[string]any{"id": "person:x", "kind": "PERSON", "name": "X", "status": "REPORTED",
				"properties": []map[string]any{{"name": "birthDate", "values": []string{"1990"}}, {"name": "birthDate", "values": []string{"1991"}}}}},
			model.BadUserInput, "given twice"},
		"UnknownKind": {`mutation($in: EntityInput!) { upsertEntity(input: $in, reason: "r") { outcome } }`,
			map[string]any{"in": map[string]any{"id": "person:x", "kind": "ALIEN", "name": "X", "status": "REPORTED"}},
			"GRAPHQL_VALIDATION_FAILED", "ALIEN"},
		"MissingReason": {`mutation($in: EntityInput!) { upsertEntity(input: $in) { outcome } }`,
			map[string]any{"in": map[string]any{"id": "person:x", "kind": "PERSON", "name": "X", "status": "REPORTED"}},
			"GRAPHQL_VALIDATION_FAILED", "reason"},
		"BadSince":     {`{ changes(since: "yesterday") { totalCount } }`, nil, model.BadUserInput, "since"},
		"HistoryFirst": {`{ history(id: "x", first: 1000) { totalCount } }`, nil, model.BadUserInput, "first"},
		"HistoryEmpty": {`{ history(id: "") { totalCount } }`, nil, model.BadUserInput, "id"},
	} {
		t.Run(name, func(t *testing.T) {
			called = false
			resp := queryAs(t, st, editor, c.q, c.vars)
			if resp.code(0) != c.code || !strings.Contains(resp.Errors[0].Message, c.msg) {
				t.Fatalf("errors = %+v", resp.Errors)
			}
			if called {
				t.Fatal("the store was called")
			}
		})
	}
}

// Mutations are not allowed over GET: a link must not be able to write.
func TestNoMutationOverGET(t *testing.T) {
	st := &fake.Store{FactFn: func(ctx context.Context, action, id string, status schema.Status, w model.Actor, reason string) (model.CuratedFact, model.WriteResult, error) {
		t.Fatal("store called")
		return model.CuratedFact{}, model.WriteResult{}, nil
	}}
	h := endpoint.NewHandler(st, endpoint.Options{})
	req := httptest.NewRequest(http.MethodGet, `/graphql?query=`+strings.ReplaceAll(`mutation{retractFact(id:"x",reason:"r"){outcome}}`, " ", "%20"), nil)
	req = req.WithContext(auth.With(req.Context(), auth.Principal{KeyID: "k", Name: "a", Role: auth.Admin}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code < 400 || !strings.Contains(rec.Body.String(), "GET") {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
}
