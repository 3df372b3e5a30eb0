// Package hostiletest builds hostile GraphQL requests for tests of the API:
// every argument of every Query field, found by introspection (so fields
// added later are covered without touching the tests), given Cypher and
// Lucene fragments, control characters, odd unicode and 100 KB strings, as
// literals and as variables; and requests that abuse the protocol itself
// (deep nesting, thousands of aliases, huge variable lists, malformed or
// batched bodies, mutations over GET). Check judges an answer: no 5xx, a
// GraphQL body, a code on every error, none INTERNAL, UNAVAILABLE or
// TIMEOUT, and no Cypher, driver or Go text in any message.
package hostiletest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Strings are the hostile string values.
var Strings = []string{
	`") MATCH (n) DETACH DELETE n //`,
	`' OR 1=1 //`,
	`}) RETURN 1 UNION MATCH (x) RETURN x //`,
	`x"}) WITH 1 AS x CREATE (:Pwned {at: 1}) //`,
	`$id`,
	"`Node`",
	"\u0000",
	"a\u0000b",
	`\`,
	`\\`,
	`\"`,
	`"`,
	"Ким Чен Ын 金正恩 🚗 \u202eevil\u202c e\u0301 \ufeff",
	"\ud7ff\ue000\U0010ffff",
	"*",
	"~",
	"?",
	`name:* OR title:[* TO *]`,
	`kim~0.1 AND NOT "x" OR /.*/`,
	"\t\r\n ",
	"",
	strings.Repeat("Kim Jong Un ", 100_000/12+1)[:100_000], // words: work for a tokenizer
	strings.Repeat("x", 100_000),
}

// Big reports whether s is one of the 100 KB strings.
func Big(s string) bool { return len(s) >= 100_000 }

// Ints are hostile Int values: edges of the 32-bit range and below any
// sensible minimum.
var Ints = []int64{-1, 0, 2147483647, -2147483648}

// badVariables are values no Int, Float, Boolean or enum variable accepts.
var badVariables = []any{"1 OR 1=1", 1e30, -2147483649, []any{1}, map[string]any{"$gt": 0}}

// IntrospectionQuery asks for what Cases needs.
const IntrospectionQuery = `query Introspect {
  __schema {
    queryType { name }
    mutationType { name }
    types {
      kind name
      fields { name args { ...Value } type { ...Ref } }
      inputFields { ...Value }
      enumValues { name }
    }
  }
}
fragment Value on __InputValue { name type { ...Ref } }
fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`

// Schema is the part of an introspection answer Cases works from.
type Schema struct {
	QueryType    string
	MutationType string
	Types        map[string]*Type
}

// Type is a named type.
type Type struct {
	Kind        string
	Name        string
	Fields      []Field
	InputFields []Value
	EnumValues  []string
}

// Field is an output field with its arguments.
type Field struct {
	Name string
	Args []Value
	Type *TypeRef
}

// Value is an argument or input field.
type Value struct {
	Name string
	Type *TypeRef
}

// TypeRef is a type as used: NON_NULL and LIST wrap a named type.
type TypeRef struct {
	Kind   string
	Name   string
	OfType *TypeRef
}

// String is the type in GraphQL syntax, e.g. [String!]!.
func (t *TypeRef) String() string {
	switch t.Kind {
	case "NON_NULL":
		return t.OfType.String() + "!"
	case "LIST":
		return "[" + t.OfType.String() + "]"
	}
	return t.Name
}

// Named is the named type inside the wrappers.
func (t *TypeRef) Named() string {
	for t.OfType != nil {
		t = t.OfType
	}
	return t.Name
}

func (t *TypeRef) nonNull() bool { return t.Kind == "NON_NULL" }

func (t *TypeRef) unwrap() *TypeRef {
	if t.Kind == "NON_NULL" {
		return t.OfType
	}
	return t
}

// ParseIntrospection reads the data of an IntrospectionQuery answer.
func ParseIntrospection(data []byte) (*Schema, error) {
	var d struct {
		Schema struct {
			QueryType    *struct{ Name string } `json:"queryType"`
			MutationType *struct{ Name string } `json:"mutationType"`
			Types        []struct {
				Kind        string  `json:"kind"`
				Name        string  `json:"name"`
				Fields      []Field `json:"fields"`
				InputFields []Value `json:"inputFields"`
				EnumValues  []struct {
					Name string `json:"name"`
				} `json:"enumValues"`
			} `json:"types"`
		} `json:"__schema"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("introspection: %w", err)
	}
	if d.Schema.QueryType == nil || len(d.Schema.Types) == 0 {
		return nil, fmt.Errorf("introspection: no schema in %.200s", data)
	}
	s := &Schema{QueryType: d.Schema.QueryType.Name, Types: map[string]*Type{}}
	if d.Schema.MutationType != nil {
		s.MutationType = d.Schema.MutationType.Name
	}
	for _, t := range d.Schema.Types {
		typ := &Type{Kind: t.Kind, Name: t.Name, Fields: t.Fields, InputFields: t.InputFields}
		for _, e := range t.EnumValues {
			typ.EnumValues = append(typ.EnumValues, e.Name)
		}
		s.Types[t.Name] = typ
	}
	return s, nil
}

// Case is one hostile request: Query with Vars.
type Case struct {
	// Name says where the hostile value goes and how, e.g.
	// "search(query) variable #3".
	Name string
	// Field is the Query field, Arg the argument path (filter.dataset).
	Field, Arg string
	Query      string
	Vars       map[string]any
	// Payload is the hostile value as text; messages may echo it.
	Payload string
	// Big marks the 100 KB strings.
	Big bool
}

// Options tune Cases.
type Options struct {
	// Valid gives the valid value of an argument or input field by name
	// ("id", "from"), used where another position is under attack, so the
	// request gets as far as possible; otherwise "x", 1, the first enum
	// value and so on.
	Valid map[string]any
}

// Cases returns the hostile requests for every argument of every field of
// the Query type.
func Cases(s *Schema, opts Options) []Case {
	g := gen{s: s, opts: opts}
	q := s.Types[s.QueryType]
	var out []Case
	for _, f := range q.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		for i, a := range f.Args {
			for _, leaf := range g.leaves(a.Type, []string{a.Name}, 0) {
				out = append(out, g.cases(f, i, leaf)...)
			}
		}
	}
	return out
}

type gen struct {
	s    *Schema
	opts Options
}

// leaf is a position that takes a scalar or enum (or a list of them).
type leaf struct {
	path []string // argument, then input fields
	typ  *TypeRef
}

func (g gen) leaves(t *TypeRef, path []string, depth int) []leaf {
	named := g.s.Types[t.Named()]
	if named == nil || named.Kind != "INPUT_OBJECT" {
		return []leaf{{path: path, typ: t}}
	}
	if depth > 3 {
		return nil
	}
	var out []leaf
	for _, f := range named.InputFields {
		out = append(out, g.leaves(f.Type, append(slices.Clip(path), f.Name), depth+1)...)
	}
	return out
}

// hostile returns the hostile values for a leaf type, as (value, literal,
// payload text); literal is "" where the type takes no literal of it.
func (g gen) hostile(t *TypeRef) (vals []any, lits []string, texts []string) {
	named := g.s.Types[t.Named()]
	list := t.unwrap().Kind == "LIST"
	wrap := func(v any, lit string) (any, string) {
		if list {
			return []any{v}, "[" + lit + "]"
		}
		return v, lit
	}
	add := func(v any, lit, text string) {
		v, wl := wrap(v, lit)
		if lit == "" {
			wl = ""
		}
		vals, lits, texts = append(vals, v), append(lits, wl), append(texts, text)
	}
	switch {
	case named != nil && named.Kind == "ENUM":
		for _, s := range Strings[:8] {
			add(s, "", s)
		}
		add("NOT_A_VALUE", "NOT_A_VALUE", "NOT_A_VALUE")
		for _, v := range badVariables {
			add(v, "", fmt.Sprint(v))
		}
	case t.Named() == "Int" || t.Named() == "Float":
		for _, n := range Ints {
			s := strconv.FormatInt(n, 10)
			add(n, s, s)
		}
		add(nil, "1e400", "1e400")
		add(nil, `"1 OR 1=1"`, "1 OR 1=1")
		for _, v := range badVariables {
			add(v, "", fmt.Sprint(v))
		}
	case t.Named() == "Boolean":
		add("true", `"true"`, "true")
		add(1, "1", "1")
	default: // String, ID and custom scalars (Date)
		for _, s := range Strings {
			lit, _ := json.Marshal(s) // a JSON string is a valid GraphQL string literal
			add(s, string(lit), s)
		}
		add(42, "42", "42")
		add([]any{"a", []any{"b"}}, "", "nested list")
		add(map[string]any{"$ne": nil}, `{a: "b"}`, "object")
	}
	return vals, lits, texts
}

func (g gen) cases(f Field, argIdx int, l leaf) []Case {
	arg := f.Args[argIdx]
	vals, lits, texts := g.hostile(l.typ)
	sel := g.selection(f.Type)
	var out []Case
	for i := range vals {
		others := g.otherArgs(f, argIdx)
		name := fmt.Sprintf("%s(%s)", f.Name, strings.Join(l.path, "."))
		// As a variable of the argument's own type.
		if vals[i] != nil {
			v := g.place(arg.Type, l.path[1:], vals[i])
			args := append(slices.Clip(others), arg.Name+": $v")
			out = append(out, Case{
				Name: fmt.Sprintf("%s variable #%d", name, i), Field: f.Name, Arg: strings.Join(l.path, "."),
				Query:   fmt.Sprintf("query Hostile($v: %s) { %s(%s)%s }", arg.Type, f.Name, strings.Join(args, ", "), sel),
				Vars:    map[string]any{"v": v},
				Payload: texts[i], Big: Big(texts[i]),
			})
		}
		// As a literal.
		if lits[i] != "" {
			lit := g.placeLiteral(arg.Type, l.path[1:], lits[i])
			args := append(slices.Clip(others), arg.Name+": "+lit)
			out = append(out, Case{
				Name: fmt.Sprintf("%s literal #%d", name, i), Field: f.Name, Arg: strings.Join(l.path, "."),
				Query:   fmt.Sprintf("{ %s(%s)%s }", f.Name, strings.Join(args, ", "), sel),
				Payload: texts[i], Big: Big(texts[i]),
			})
		}
	}
	return out
}

// selection asks for __typename of composite results.
func (g gen) selection(t *TypeRef) string {
	if named := g.s.Types[t.Named()]; named != nil && (named.Kind == "OBJECT" || named.Kind == "INTERFACE" || named.Kind == "UNION") {
		return " { __typename }"
	}
	return ""
}

// otherArgs are the required arguments other than argIdx, as literals.
func (g gen) otherArgs(f Field, argIdx int) []string {
	var out []string
	for i, a := range f.Args {
		if i != argIdx && a.Type.nonNull() {
			out = append(out, a.Name+": "+literal(g.valid(a.Name, a.Type)))
		}
	}
	return out
}

// place puts v at path inside a value of type t, filling required fields.
func (g gen) place(t *TypeRef, path []string, v any) any {
	if len(path) == 0 {
		return v
	}
	inner := t.unwrap()
	if inner.Kind == "LIST" {
		return []any{g.place(inner.OfType, path, v)}
	}
	obj := map[string]any{}
	for _, f := range g.s.Types[t.Named()].InputFields {
		switch {
		case f.Name == path[0]:
			obj[f.Name] = g.place(f.Type, path[1:], v)
		case f.Type.nonNull():
			obj[f.Name] = g.valid(f.Name, f.Type)
		}
	}
	return obj
}

// placeLiteral is place for literals: lit is already GraphQL syntax.
func (g gen) placeLiteral(t *TypeRef, path []string, lit string) string {
	if len(path) == 0 {
		return lit
	}
	inner := t.unwrap()
	if inner.Kind == "LIST" {
		return "[" + g.placeLiteral(inner.OfType, path, lit) + "]"
	}
	var parts []string
	for _, f := range g.s.Types[t.Named()].InputFields {
		switch {
		case f.Name == path[0]:
			parts = append(parts, f.Name+": "+g.placeLiteral(f.Type, path[1:], lit))
		case f.Type.nonNull():
			parts = append(parts, f.Name+": "+literal(g.valid(f.Name, f.Type)))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// valid returns a valid value for a position.
func (g gen) valid(name string, t *TypeRef) any {
	if v, ok := g.opts.Valid[name]; ok {
		return v
	}
	inner := t.unwrap()
	if inner.Kind == "LIST" {
		return []any{g.valid(name, inner.OfType)}
	}
	named := g.s.Types[t.Named()]
	switch {
	case named != nil && named.Kind == "ENUM":
		return enumValue(named.EnumValues[0])
	case named != nil && named.Kind == "INPUT_OBJECT":
		obj := map[string]any{}
		for _, f := range named.InputFields {
			if f.Type.nonNull() {
				obj[f.Name] = g.valid(f.Name, f.Type)
			}
		}
		return obj
	case t.Named() == "Int" || t.Named() == "Float":
		return 1
	case t.Named() == "Boolean":
		return false
	case t.Named() == "Date":
		return "2024-01-01"
	}
	return "x"
}

// enumValue marks an enum value, written bare in literals.
type enumValue string

func (e enumValue) MarshalJSON() ([]byte, error) { return json.Marshal(string(e)) }

// literal writes v in GraphQL syntax.
func literal(v any) string {
	switch v := v.(type) {
	case enumValue:
		return string(v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = literal(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			parts = append(parts, k+": "+literal(v[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}
