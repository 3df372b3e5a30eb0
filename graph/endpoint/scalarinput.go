package endpoint

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// scalarInputs refuses, before anything runs, a list or an object given
// where a custom scalar (Date) is expected, as a literal or in a variable.
// gqlparser checks values of the built-in scalars only, and the string
// model behind Date reports a list or object as a plain error, which the
// error presenter could only show as INTERNAL; this answers BAD_USER_INPUT
// naming the argument instead.
type scalarInputs struct{ schema *ast.Schema }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*scalarInputs)(nil)

func (*scalarInputs) ExtensionName() string { return "ScalarInputs" }

func (s *scalarInputs) Validate(es graphql.ExecutableSchema) error {
	s.schema = es.Schema()
	return nil
}

func (s *scalarInputs) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || s.schema == nil {
		return nil
	}
	if arg := s.checkSelections(oc.Operation.SelectionSet, oc, map[string]bool{}); arg != "" {
		err := gqlerror.Errorf("%s: must be a single value, not a list or an object", arg)
		err.Extensions = map[string]any{"code": model.BadUserInput}
		return err
	}
	return nil
}

// checkSelections returns the first argument (field.argument) holding a
// list or object where a custom scalar is expected, or "".
func (s *scalarInputs) checkSelections(set ast.SelectionSet, oc *graphql.OperationContext, seen map[string]bool) string {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			for _, a := range sel.Arguments {
				if s.badValue(a.Value, oc.Variables) {
					return sel.Name + "." + a.Name
				}
			}
			if arg := s.checkSelections(sel.SelectionSet, oc, seen); arg != "" {
				return arg
			}
		case *ast.InlineFragment:
			if arg := s.checkSelections(sel.SelectionSet, oc, seen); arg != "" {
				return arg
			}
		case *ast.FragmentSpread:
			if seen[sel.Name] {
				continue
			}
			seen[sel.Name] = true
			if f := oc.Doc.Fragments.ForName(sel.Name); f != nil {
				if arg := s.checkSelections(f.SelectionSet, oc, seen); arg != "" {
					return arg
				}
			}
		}
	}
	return ""
}

// badValue reports a literal or variable value that puts a list or object
// where a custom scalar is expected.
func (s *scalarInputs) badValue(v *ast.Value, vars map[string]any) bool {
	if v == nil {
		return false
	}
	if v.Kind == ast.Variable {
		return v.ExpectedType != nil && s.badGo(vars[v.Raw], v.ExpectedType)
	}
	switch {
	case v.Kind == ast.ObjectValue && s.customScalar(v.ExpectedType):
		return true
	case v.Kind == ast.ListValue && v.ExpectedType != nil && v.ExpectedType.Elem == nil && s.customScalar(v.ExpectedType):
		return true
	}
	for _, c := range v.Children {
		if s.badValue(c.Value, vars) {
			return true
		}
	}
	return false
}

// badGo is badValue for a variable's value of type t.
func (s *scalarInputs) badGo(v any, t *ast.Type) bool {
	if v == nil || t == nil {
		return false
	}
	if t.Elem != nil {
		if list, ok := v.([]any); ok {
			for _, e := range list {
				if s.badGo(e, t.Elem) {
					return true
				}
			}
			return false
		}
		return s.badGo(v, t.Elem) // a single value stands for a list of one
	}
	def := s.schema.Types[t.NamedType]
	switch {
	case def == nil:
		return false
	case def.Kind == ast.InputObject:
		obj, ok := v.(map[string]any)
		if !ok {
			return false // gqlparser refuses it
		}
		for _, f := range def.Fields {
			if s.badGo(obj[f.Name], f.Type) {
				return true
			}
		}
		return false
	case s.customScalar(t):
		switch v.(type) {
		case string, bool, int, int64, float64, json.Number:
			return false
		}
		return true
	}
	return false
}

// customScalar reports whether t is (a list of) a scalar the schema
// declares, as opposed to Int, Float, String, Boolean and ID.
func (s *scalarInputs) customScalar(t *ast.Type) bool {
	if t == nil {
		return false
	}
	for t.Elem != nil {
		t = t.Elem
	}
	def := s.schema.Types[t.NamedType]
	return def != nil && def.Kind == ast.Scalar && !def.BuiltIn && !builtinScalar[def.Name]
}

var builtinScalar = map[string]bool{"Int": true, "Float": true, "String": true, "Boolean": true, "ID": true}
