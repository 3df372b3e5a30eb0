package endpoint

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/sanctiongraph/sanctiongraph/graph"
	"github.com/sanctiongraph/sanctiongraph/graph/hostiletest"
	"github.com/sanctiongraph/sanctiongraph/graph/server/loadtest"
)

func testSchema(tb testing.TB) *ast.Schema {
	tb.Helper()
	return graph.NewExecutableSchema(graph.Config{Resolvers: graph.NewResolver(nil, nil)}).Schema()
}

// measure parses and validates doc against the schema and measures its
// first operation with vars.
func measure(tb testing.TB, s *ast.Schema, doc string, vars map[string]any) (Measure, string) {
	tb.Helper()
	d, err := gqlparser.LoadQuery(s, doc)
	if err != nil {
		tb.Fatalf("invalid document: %v\n%.500s", err, doc)
	}
	m, gerr := Check(context.Background(), s, d, d.Operations[0], vars, ResolverCosts(), Limits{})
	if gerr != nil {
		code, _ := gerr.Extensions["code"].(string)
		limit, _ := gerr.Extensions["limit"].(string)
		return m, code + "/" + limit
	}
	return m, ""
}

func fanOut(n int) string {
	var b strings.Builder
	b.WriteString("{ entity(id: \"x\") { ...F0 } }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Entity { id ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Entity { id name }\n", n)
	return b.String()
}

func TestLimits(t *testing.T) {
	s := testSchema(t)
	paths := func(n int, args string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, ` p%d: paths(from: "a", to: "b"%s) { explanation paths { length } }`, i, args)
		}
		return b.String() + " }"
	}
	tests := []struct {
		name, doc string
		vars      map[string]any
		refused   string // code/limit, "" when allowed
	}{
		{"OK", `{ entity(id: "x") { id name } }`, nil, ""},
		{"Depth13", `{ entity(id: "x") { neighbours { edges { node { neighbours { edges { node { neighbours { edges { node { neighbours { edges { node { id } } } } } } } } } } } } } }`, nil, "BAD_USER_INPUT/depth"},
		{"FanOut10", fanOut(10), nil, "COMPLEXITY_LIMIT_EXCEEDED/spreads"},
		{"FanOut40", fanOut(40), nil, "COMPLEXITY_LIMIT_EXCEEDED/spreads"},
		{"FanOut5", fanOut(5), nil, ""},
		{"Paths1", paths(1, ""), nil, ""},
		{"Paths150", paths(150, ""), nil, "COMPLEXITY_LIMIT_EXCEEDED/cost"},
		{"PathsMaxOne", paths(1, `, mode: K_SHORTEST, k: 10, maxHops: 8, via: ["c", "d", "e"]`), nil, ""},
		{"PathsMaxThree", paths(3, `, mode: K_SHORTEST, k: 10, maxHops: 8, via: ["c", "d", "e"]`), nil, "COMPLEXITY_LIMIT_EXCEEDED/cost"},
		{"PathsByVariables", `query($k: Int, $h: Int) { a: paths(from: "a", to: "b", mode: K_SHORTEST, k: $k, maxHops: $h) { explanation } b: paths(from: "a", to: "b", mode: K_SHORTEST, k: $k, maxHops: $h) { explanation } c: paths(from: "a", to: "b", mode: K_SHORTEST, k: $k, maxHops: $h) { explanation } }`,
			map[string]any{"k": int64(10), "h": int64(8)}, ""},
		{"ViolationsAliases", `{ a: potentialViolations(first: 100) { edges { node { explanation } } } b: potentialViolations(first: 100) { edges { node { explanation } } } c: potentialViolations(first: 100) { edges { node { explanation } } } }`, nil, ""},
		{"NeighboursNested", `{ entities(first: 100) { edges { node { neighbours(first: 100) { edges { node { neighbours(first: 100) { edges { node { id name } } } } } } } } } }`, nil, "COMPLEXITY_LIMIT_EXCEEDED/cost"},
		{"Introspection", hostiletest.IntrospectionQuery, nil, ""},
		{"IntrospectionTwice", `{ a: __schema { types { name } } b: __schema { types { name } } c: __type(name: "Query") { name } }`, nil, "COMPLEXITY_LIMIT_EXCEEDED/introspection"},
		{"IntrospectionListAliases", `{ __schema { ` + strings.Repeat(`types { fields { name type { name } } } `, 1) + strings.Repeat("x: types { fields { name type { name } } } ", 40) + `} }`, nil, "COMPLEXITY_LIMIT_EXCEEDED/introspectionCost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, got := measure(t, s, tt.doc, tt.vars)
			if got != tt.refused {
				t.Errorf("refused %q, want %q (measure %+v)", got, tt.refused, m)
			}
			t.Logf("%+v", m)
		})
	}
}

// TestLimitsAllowLegitimateQueries measures every query the explorer and
// the load test send, with their largest arguments: each must pass.
func TestLimitsAllowLegitimateQueries(t *testing.T) {
	s := testSchema(t)
	big := map[string]any{"first": int64(100), "k": int64(10), "maxHops": int64(8), "mode": "K_SHORTEST",
		"via": []any{"a", "b", "c"}, "from": "a", "to": "b", "q": "x", "id": "x"}
	for name, doc := range explorerQueries(t) {
		t.Run("explorer/"+name, func(t *testing.T) {
			if m, got := measure(t, s, doc, big); got != "" {
				t.Errorf("refused %s: %+v", got, m)
			} else {
				t.Logf("%+v", m)
			}
		})
	}
	t.Run("explorer/PotentialViolations", func(t *testing.T) {
		doc := explorerViolationsQuery(t, s)
		if m, got := measure(t, s, doc, big); got != "" {
			t.Errorf("refused %s: %+v\n%s", got, m, doc)
		} else {
			t.Logf("%+v", m)
		}
	})
	for _, q := range loadtest.Queries {
		t.Run("loadtest/"+q.Name, func(t *testing.T) {
			if m, got := measure(t, s, q.Doc, big); got != "" {
				t.Errorf("refused %s: %+v", got, m)
			} else {
				t.Logf("%+v", m)
			}
		})
	}
}

// explorerConsts are the string constants of the explorer's api.js.
func explorerConsts(tb testing.TB) map[string]string {
	tb.Helper()
	src, err := os.ReadFile("../explorer/static/api.js")
	if err != nil {
		tb.Fatal(err)
	}
	consts := map[string]string{}
	for _, m := range regexp.MustCompile("(?s)const ([A-Z_]+) = (?:`(.*?)`|'(.*?)');").FindAllStringSubmatch(string(src), -1) {
		consts[m[1]] = m[2] + m[3]
	}
	return consts
}

// explorerQueries are the GraphQL documents of the explorer's api.js, with
// their fragments substituted.
func explorerQueries(tb testing.TB) map[string]string {
	tb.Helper()
	consts := explorerConsts(tb)
	ref := regexp.MustCompile(`\$\{([A-Z_]+)\}`)
	out := map[string]string{}
	for name, doc := range consts {
		if !strings.Contains(doc, "query ") || strings.Contains(doc, "${") && !ref.MatchString(doc) {
			continue
		}
		for range 3 {
			doc = ref.ReplaceAllStringFunc(doc, func(r string) string { return consts[r[2:len(r)-1]] })
		}
		out[name] = doc
	}
	if len(out) < 5 {
		tb.Fatalf("found %d explorer queries in api.js", len(out))
	}
	return out
}

// explorerViolationsQuery builds the query the explorer's violations view
// sends, as violations.js builds it from the schema (its page size, its
// selections for the types it knows, every field of the others, to depth 3).
func explorerViolationsQuery(tb testing.TB, s *ast.Schema) string {
	tb.Helper()
	src, err := os.ReadFile("../explorer/static/violations.js")
	if err != nil {
		tb.Fatal(err)
	}
	known := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^  (\w+): '(\{.*\})',$`).FindAllStringSubmatch(string(src), -1) {
		known[m[1]] = m[2]
	}
	first := regexp.MustCompile(`first = (\d+)`).FindStringSubmatch(string(src))
	if len(known) < 5 || first == nil {
		tb.Fatalf("violations.js: found %d known selections and page size %v", len(known), first)
	}
	var sel func(name string, depth int) string
	sel = func(name string, depth int) string {
		def := s.Types[name]
		switch {
		case def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum:
			return ""
		case known[name] != "":
			return known[name]
		case depth > 3:
			return ""
		case def.Kind == ast.Union || def.Kind == ast.Interface && len(def.Fields) == 0:
			var parts []string
			for _, p := range s.GetPossibleTypes(def) {
				if x := sel(p.Name, depth+1); x != "" {
					parts = append(parts, "... on "+p.Name+" "+x)
				}
			}
			if parts == nil {
				return ""
			}
			return "{ __typename " + strings.Join(parts, " ") + " }"
		}
		var fields []string
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") || slices.ContainsFunc(f.Arguments, func(a *ast.ArgumentDefinition) bool { return a.Type.NonNull && a.DefaultValue == nil }) {
				continue
			}
			u := s.Types[f.Type.Name()]
			if u.Kind == ast.Scalar || u.Kind == ast.Enum {
				fields = append(fields, f.Name)
			} else if x := sel(u.Name, depth+1); x != "" {
				fields = append(fields, f.Name+" "+x)
			}
		}
		if fields == nil {
			return ""
		}
		return "{ " + strings.Join(fields, " ") + " }"
	}
	field := s.Query.Fields.ForName("potentialViolations")
	if field == nil {
		tb.Fatal("the schema has no potentialViolations")
	}
	consts := explorerConsts(tb)
	return "query PotentialViolations {\n  potentialViolations(first: " + first[1] + ") " + sel(field.Type.Name(), 0) + "\n}\n" +
		consts["ENTITY_BRIEF"] + consts["RELATIONSHIP"] + consts["EVIDENCE"]
}

// BenchmarkFanOut40 measures refusing 40 fragments that each spread the
// next twice (2^40 selections if expanded).
func BenchmarkFanOut40(b *testing.B) {
	s := testSchema(b)
	d, err := gqlparser.LoadQuery(s, fanOut(40))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, gerr := Check(context.Background(), s, d, d.Operations[0], nil, ResolverCosts(), Limits{}); gerr == nil {
			b.Fatal("not refused")
		}
	}
}
