// Query limits: the endpoint refuses GraphQL operations that ask for more work than
// one request may take, before any resolver runs. It measures an operation
// in one walk that is linear in the document: each fragment is measured once
// and its numbers reused wherever it is spread (gqlgen's complexity walker
// and a naive depth check expand every spread, so 40 fragments that each
// spread the next twice cost 2^40 steps). The walk checks the request's
// context as it goes.
//
// It measures five things and caps each:
//   - depth: how deeply selections nest, fragments expanded;
//   - selections: fields the operation selects once fragments are expanded,
//     introspection fields (__schema, __type and what they select) included;
//   - spreads: fragment spreads once fragments are expanded;
//   - cost: what the resolvers really do (Costs): every field costs 1, a
//     list costs its length times its selection, and the expensive
//     resolvers (paths, potentialViolations, neighbours) cost by their
//     arguments. Aliases add up, and introspection is priced like any field,
//     its lists by the sizes of the schema being introspected.
//   - introspection roots: __schema and __type fields, which read the whole
//     schema each (a 12 KB document of aliased __schema fields answered 23 MB).

package endpoint

import (
	"context"
	"fmt"
	"math"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// Codes of the errors Check returns. DepthCode keeps the code the depth
// limit has always had; the others share gqlgen's code for the complexity
// limit, which clients already know. extensions.limit names the limit.
const (
	DepthCode      = model.BadUserInput
	ComplexityCode = "COMPLEXITY_LIMIT_EXCEEDED"
)

// Defaults of Limits (DefaultMaxDepth and DefaultComplexityLimit are in
// handler.go).
const (
	// DefaultMaxSelections caps the fields an operation selects once its
	// fragments are expanded, as many as MaxQueryTokens allows without
	// fragments (the explorer's JSON export aliases one entity lookup per
	// entity in view); GraphiQL's introspection query selects about 60.
	DefaultMaxSelections = MaxQueryTokens
	// DefaultMaxSpreads caps the fragment spreads once expanded.
	DefaultMaxSpreads = 500
	// DefaultMaxIntrospection caps __schema and __type fields per operation.
	DefaultMaxIntrospection = 2
	// DefaultMaxIntrospectionCost caps what the __schema and __type fields
	// select, priced by the schema's real list sizes. It is a budget of its
	// own: introspection is answered from memory, never from Neo4j, so it
	// must not eat the data budget (GraphiQL's introspection query costs
	// about 20,000 and grows with the schema), yet an answer grown by
	// aliased lists inside one __schema is still refused.
	DefaultMaxIntrospectionCost = 60_000
)

// Limits are the caps of one operation; a zero field takes its default.
type Limits struct {
	MaxDepth             int
	MaxCost              int // DefaultComplexityLimit
	MaxSelections        int
	MaxSpreads           int
	MaxIntrospection     int
	MaxIntrospectionCost int
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxCost, DefaultComplexityLimit)
	def(&l.MaxSelections, DefaultMaxSelections)
	def(&l.MaxSpreads, DefaultMaxSpreads)
	def(&l.MaxIntrospection, DefaultMaxIntrospection)
	def(&l.MaxIntrospectionCost, DefaultMaxIntrospectionCost)
	return l
}

// Measure is what an operation asks for.
type Measure struct {
	Depth, Selections, Spreads, Cost, Introspection int64
	// IntrospectionCost is the cost of what __schema and __type select,
	// kept apart from Cost (see DefaultMaxIntrospectionCost).
	IntrospectionCost int64
}

// saturate caps every count, so 2^40 expansions add up without overflow.
const saturate = math.MaxInt64 / 4

func add(a, b int64) int64 { return min(a+b, saturate) }
func mul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > saturate/b {
		return saturate
	}
	return a * b
}

// FieldCost prices one field: it costs base plus times × the cost of its
// selection set.
type FieldCost func(args map[string]any) (base, times int64)

// Costs are the priced fields by "Type.field"; any other field costs 1 plus
// its selection, a list field with a `first` argument costs 1 plus first ×
// its selection.
type Costs map[string]FieldCost

// walker measures one operation.
type walker struct {
	ctx   context.Context
	vars  map[string]any
	frags ast.FragmentDefinitionList
	costs Costs
	intro introspectionSizes
	memo  map[string]*Measure // per fragment; nil value while being measured
	steps int
	err   error
}

// Check measures op and returns an error with a code if it exceeds l, or
// the context ends while measuring (its error, wrapped).
func Check(ctx context.Context, schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, costs Costs, l Limits) (Measure, *gqlerror.Error) {
	return check(ctx, sizesOf(schema), doc, op, vars, costs, l)
}

func check(ctx context.Context, sizes introspectionSizes, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, costs Costs, l Limits) (Measure, *gqlerror.Error) {
	l = l.withDefaults()
	w := &walker{ctx: ctx, vars: vars, frags: doc.Fragments, costs: costs, intro: sizes, memo: map[string]*Measure{}}
	m := w.set(op.SelectionSet)
	if w.err != nil {
		return m, &gqlerror.Error{Message: "the request ended while its query was being checked", Err: w.err,
			Extensions: map[string]any{"code": model.Timeout}}
	}
	refuse := func(code, limit string, got int64, max int, format string) *gqlerror.Error {
		return &gqlerror.Error{Message: fmt.Sprintf(format, got, max), Extensions: map[string]any{"code": code, "limit": limit}}
	}
	switch {
	case m.Depth > int64(l.MaxDepth):
		return m, refuse(DepthCode, "depth", m.Depth, l.MaxDepth, "query is nested %d levels deep; the limit is %d")
	case m.Spreads > int64(l.MaxSpreads):
		return m, refuse(ComplexityCode, "spreads", m.Spreads, l.MaxSpreads, "query expands to %d fragment spreads; the limit is %d")
	case m.Selections > int64(l.MaxSelections):
		return m, refuse(ComplexityCode, "selections", m.Selections, l.MaxSelections, "query selects %d fields once its fragments are expanded; the limit is %d")
	case m.Introspection > int64(l.MaxIntrospection):
		return m, refuse(ComplexityCode, "introspection", m.Introspection, l.MaxIntrospection, "query reads the schema %d times (__schema, __type); the limit is %d")
	case m.IntrospectionCost > int64(l.MaxIntrospectionCost):
		return m, refuse(ComplexityCode, "introspectionCost", m.IntrospectionCost, l.MaxIntrospectionCost, "query reads %d schema elements (__schema, __type), which exceeds the limit of %d")
	case m.Cost > int64(l.MaxCost):
		return m, refuse(ComplexityCode, "cost", m.Cost, l.MaxCost, "operation has complexity %d, which exceeds the limit of %d")
	}
	return m, nil
}

// tick checks the context every 256 steps.
func (w *walker) tick() bool {
	if w.err != nil {
		return false
	}
	w.steps++
	if w.steps%256 == 0 {
		w.err = w.ctx.Err()
	}
	return w.err == nil
}

// set measures a selection set: depth is that of its deepest selection,
// the counts and cost add up.
func (w *walker) set(set ast.SelectionSet) Measure {
	var m Measure
	for _, sel := range set {
		if !w.tick() {
			return m
		}
		var s Measure
		switch sel := sel.(type) {
		case *ast.Field:
			s = w.field(sel)
		case *ast.InlineFragment:
			s = w.set(sel.SelectionSet)
		case *ast.FragmentSpread:
			s = w.spread(sel.Name)
			s.Spreads = add(s.Spreads, 1)
		}
		m.Depth = max(m.Depth, s.Depth)
		m.Selections = add(m.Selections, s.Selections)
		m.Spreads = add(m.Spreads, s.Spreads)
		m.Cost = add(m.Cost, s.Cost)
		m.Introspection = add(m.Introspection, s.Introspection)
		m.IntrospectionCost = add(m.IntrospectionCost, s.IntrospectionCost)
	}
	return m
}

// spread measures a fragment once and reuses the measure; a cycle (which
// validation refuses before this runs) counts as empty.
func (w *walker) spread(name string) Measure {
	if m, ok := w.memo[name]; ok {
		if m == nil {
			return Measure{}
		}
		return *m
	}
	w.memo[name] = nil
	var m Measure
	if f := w.frags.ForName(name); f != nil {
		m = w.set(f.SelectionSet)
	}
	w.memo[name] = &m
	return m
}

func (w *walker) field(f *ast.Field) Measure {
	child := w.set(f.SelectionSet)
	m := Measure{
		Depth:         child.Depth + 1,
		Selections:    add(child.Selections, 1),
		Spreads:       child.Spreads,
		Introspection: child.Introspection,
	}
	base, times := w.price(f)
	m.Cost = add(base, mul(times, child.Cost))
	m.IntrospectionCost = child.IntrospectionCost
	if f.Name == "__schema" || f.Name == "__type" {
		m.Introspection = add(m.Introspection, 1)
		m.IntrospectionCost = add(m.IntrospectionCost, m.Cost)
		m.Cost = 0
	}
	return m
}

// price is a field's own cost and the multiplier of its selection's.
func (w *walker) price(f *ast.Field) (base, times int64) {
	if f.ObjectDefinition != nil {
		if c, ok := w.costs[f.ObjectDefinition.Name+"."+f.Name]; ok {
			return c(f.ArgumentMap(w.vars))
		}
		if n, ok := w.intro.list[f.ObjectDefinition.Name+"."+f.Name]; ok {
			return 1, n
		}
	}
	if f.Definition != nil && f.Definition.Arguments.ForName("first") != nil {
		return 1, Int(f.ArgumentMap(w.vars), "first", 20)
	}
	return 1, 1
}

// Int is the integer argument name of args, def when it is missing or not
// positive.
func Int(args map[string]any, name string, def int64) int64 {
	var n int64
	switch v := args[name].(type) {
	case int:
		n = int64(v)
	case int64:
		n = v
	case int32:
		n = int64(v)
	case float64:
		n = int64(v)
	case interface{ Int64() (int64, error) }:
		n, _ = v.Int64()
	}
	if n < 1 {
		return def
	}
	return n
}

// introspectionSizes prices introspection lists by the schema introspected:
// __Schema.types is as long as the schema has types, __Type.fields as long
// as a type's fields on average (rounded up), and so on; so
// `__schema { types { fields { name } } }` costs about what it returns.
type introspectionSizes struct{ list map[string]int64 }

func sizesOf(s *ast.Schema) introspectionSizes {
	sz := introspectionSizes{list: map[string]int64{}}
	if s == nil {
		return sz
	}
	var types, fields, args, inputs, enums, ifaces, possible, dirArgs int64
	for _, d := range s.Types {
		types++
		for _, f := range d.Fields {
			fields++
			args += int64(len(f.Arguments))
		}
		if d.Kind == ast.InputObject {
			inputs += int64(len(d.Fields))
		}
		enums += int64(len(d.EnumValues))
		ifaces += int64(len(d.Interfaces))
		possible += int64(len(s.PossibleTypes[d.Name]))
	}
	for _, d := range s.Directives {
		dirArgs += int64(len(d.Arguments))
	}
	avg := func(n, of int64) int64 {
		if of == 0 {
			return 1
		}
		return max(1, (n+of-1)/of)
	}
	sz.list["__Schema.types"] = max(1, types)
	sz.list["__Schema.directives"] = max(1, int64(len(s.Directives)))
	sz.list["__Type.fields"] = avg(fields, types)
	sz.list["__Type.inputFields"] = avg(inputs, types)
	sz.list["__Type.enumValues"] = avg(enums, types)
	sz.list["__Type.interfaces"] = avg(ifaces, types)
	sz.list["__Type.possibleTypes"] = avg(possible, types)
	sz.list["__Field.args"] = avg(args, fields)
	sz.list["__Directive.args"] = avg(dirArgs, int64(len(s.Directives)))
	return sz
}

// limitExtension checks every operation with Check and refuses it before
// execution.
type limitExtension struct {
	costs  Costs
	limits Limits
	sizes  introspectionSizes // of the executable schema, set by Validate
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &limitExtension{}

func (*limitExtension) ExtensionName() string { return "QueryLimit" }

// Validate takes the sizes of the schema that introspection would read.
func (e *limitExtension) Validate(es graphql.ExecutableSchema) error {
	e.sizes = sizesOf(es.Schema())
	return nil
}

func (e *limitExtension) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Doc == nil {
		return nil
	}
	_, err := check(ctx, e.sizes, oc.Doc, oc.Operation, oc.Variables, e.costs, e.limits)
	return err
}
