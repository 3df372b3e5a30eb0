// Package opname names the GraphQL operation of a request for metrics and
// traces. Clients choose operation names, so callers bound what they accept
// (Valid, a length and a count) before using one as a label or span name.
package opname

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// tokenLimit bounds the extra parse of a document gqlgen refused; the
// handler refuses documents of more tokens than this before it parses them.
const tokenLimit = 15_000

// Of returns the name and type (query, mutation) of the operation of the
// GraphQL request ctx belongs to; name is "" for an unnamed operation or a
// body that was not a GraphQL request, kind "" when gqlgen kept no document.
func Of(ctx context.Context) (name, kind string) {
	if !graphql.HasOperationContext(ctx) {
		return "", ""
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation != nil {
		return oc.Operation.Name, string(oc.Operation.Operation)
	}
	// Parsing or validation failed, so gqlgen kept no document: the name is
	// the requested one, or that of the document's only operation.
	if oc.OperationName != "" || oc.RawQuery == "" {
		return oc.OperationName, ""
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: oc.RawQuery}, tokenLimit)
	if err != nil || len(doc.Operations) != 1 {
		return "", ""
	}
	return doc.Operations[0].Name, ""
}

// Valid reports whether s is a GraphQL name: [_A-Za-z][_0-9A-Za-z]*.
func Valid(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}
