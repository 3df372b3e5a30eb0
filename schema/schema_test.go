package schema_test

import (
	"io/fs"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

func loadSDL(t *testing.T) *ast.Schema {
	t.Helper()
	var sources []*ast.Source
	names, _ := fs.Glob(schema.GraphQL(), "*.graphqls")
	for _, n := range names {
		b, err := fs.ReadFile(schema.GraphQL(), n)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: n, Input: string(b)})
	}
	s, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatalf("SDL does not load: %v", err)
	}
	return s
}

func enumValues(t *testing.T, s *ast.Schema, name string) []string {
	t.Helper()
	def := s.Types[name]
	if def == nil || def.Kind != ast.Enum {
		t.Fatalf("SDL has no enum %s", name)
	}
	var out []string
	for _, v := range def.EnumValues {
		out = append(out, v.Name)
	}
	sort.Strings(out)
	return out
}

func sorted(in []string) []string {
	out := slices.Clone(in)
	sort.Strings(out)
	return out
}

// TestModelSDLAndConstantsAgree checks that model.yaml, the Go constants and
// the GraphQL SDL declare the same kinds, relationship types, statuses and
// property types.
func TestModelSDLAndConstantsAgree(t *testing.T) {
	m := schema.MustModel()
	sdl := loadSDL(t)

	var modelKinds, constKinds, sdlKinds []string
	for k := range m.Kinds {
		modelKinds = append(modelKinds, string(k))
	}
	for _, k := range schema.Kinds {
		constKinds = append(constKinds, string(k))
		sdlKinds = append(sdlKinds, schema.EnumName(string(k)))
	}
	if a, b := sorted(modelKinds), sorted(constKinds); !slices.Equal(a, b) {
		t.Errorf("model.yaml kinds %v != schema.Kinds %v", a, b)
	}
	if a, b := enumValues(t, sdl, "Kind"), sorted(sdlKinds); !slices.Equal(a, b) {
		t.Errorf("SDL Kind %v != model kinds %v", a, b)
	}

	var modelRels, constRels []string
	for r := range m.Relationships {
		modelRels = append(modelRels, string(r))
	}
	for _, r := range schema.RelTypes {
		constRels = append(constRels, string(r))
	}
	if a, b := sorted(modelRels), sorted(constRels); !slices.Equal(a, b) {
		t.Errorf("model.yaml relationships %v != schema.RelTypes %v", a, b)
	}
	if a, b := enumValues(t, sdl, "RelationshipType"), sorted(constRels); !slices.Equal(a, b) {
		t.Errorf("SDL RelationshipType %v != model relationships %v", a, b)
	}

	var modelStatuses, sdlStatuses []string
	for i, s := range m.Statuses {
		modelStatuses = append(modelStatuses, string(s.Name))
		if s.Name != schema.Statuses[i] || s.Rank != schema.Statuses[i].Rank() {
			t.Errorf("status %d: model.yaml %s rank %d, Go %s rank %d", i, s.Name, s.Rank, schema.Statuses[i], schema.Statuses[i].Rank())
		}
		sdlStatuses = append(sdlStatuses, schema.EnumName(string(s.Name)))
	}
	if a, b := enumValues(t, sdl, "Status"), sorted(sdlStatuses); !slices.Equal(a, b) {
		t.Errorf("SDL Status %v != model statuses %v", a, b)
	}
}

func TestDeclarationsAreWellFormed(t *testing.T) {
	m := schema.MustModel()
	types := enumValuesLower(t, loadSDL(t), "PropertyType")
	reserved := []string{"id", "kind", "name", "aliases", "description", "status", "statusRank", "validFrom",
		"validUntil", "dataset", "recordId", "searchText", "sortName", "when", "hash", "factId", "sourceId"}
	check := func(where string, props map[string]schema.Prop) {
		for name, p := range props {
			if slices.Contains(reserved, name) {
				t.Errorf("%s.%s: the name is reserved for a stored field", where, name)
			}
			if !slices.Contains(types, string(p.Type)) {
				t.Errorf("%s.%s: type %q is not a PropertyType", where, name, p.Type)
			}
			if (p.Type == schema.TEnum || p.Type == schema.TEnums) != (len(p.Values) > 0) {
				t.Errorf("%s.%s: values go with enum types and only with them", where, name)
			}
		}
	}
	for k, d := range m.Kinds {
		if d.Description == "" {
			t.Errorf("kind %s has no description", k)
		}
		check(string(k), d.Properties)
	}
	for r, d := range m.Relationships {
		if len(d.From) == 0 || len(d.To) == 0 {
			t.Errorf("relationship %s: from and to are required", r)
		}
		for _, k := range append(slices.Clone(d.From), d.To...) {
			if !schema.ValidKind(k) {
				t.Errorf("relationship %s: unknown kind %s", r, k)
			}
		}
		check(string(r), d.Properties)
	}
	for k, prop := range schema.TimelineProp {
		d, ok := m.Kind(k)
		if !ok || d.Properties[prop].Type != schema.TDate {
			t.Errorf("timeline property %s.%s is not a declared date", k, prop)
		}
	}
}

func enumValuesLower(t *testing.T, s *ast.Schema, name string) []string {
	var out []string
	for _, v := range enumValues(t, s, name) {
		out = append(out, strings.ToLower(v))
	}
	return out
}

// TestEveryRelationshipTypeIsIndexed checks the migrations index the id of
// every relationship type, which lookups by id rely on.
func TestEveryRelationshipTypeIsIndexed(t *testing.T) {
	b, err := fs.ReadFile(schema.Migrations(), "0004_relationship_ids.cypher")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range schema.RelTypes {
		if !strings.Contains(string(b), "FOR ()-[r:"+string(r)+"]-() ON (r.id)") {
			t.Errorf("no id index for %s", r)
		}
	}
}

func TestStatusRank(t *testing.T) {
	for i := 1; i < len(schema.Statuses); i++ {
		if schema.Statuses[i-1].Rank() <= schema.Statuses[i].Rank() {
			t.Errorf("%s should rank above %s", schema.Statuses[i-1], schema.Statuses[i])
		}
	}
	if schema.Status("rumour").Valid() {
		t.Error("unknown status is valid")
	}
}

// TestCategoriesAreProductCategories checks the category hierarchy of
// model.yaml against Product.category: every value has an entry, every
// entry and every broader name is a value, and the SDL's GoodsCategory enum
// offers the same values.
func TestCategoriesAreProductCategories(t *testing.T) {
	m := schema.MustModel()
	product, _ := m.Kind(schema.Product)
	values := product.Properties["category"].Values
	if len(values) == 0 {
		t.Fatal("Product.category declares no values")
	}
	if a, b := sorted(values), m.CategoryNames(); !slices.Equal(a, b) {
		t.Errorf("Product.category values %v != categories %v", a, b)
	}
	for name, c := range m.Categories {
		if c.Description == "" {
			t.Errorf("category %s has no description", name)
		}
		for _, b := range c.Broader {
			if !slices.Contains(values, b) {
				t.Errorf("category %s: broader %q is not a Product.category value", name, b)
			}
		}
		if slices.Contains(m.BroaderCategories(name), name) {
			t.Errorf("category %s is broader than itself", name)
		}
	}
	var sdl []string
	for _, v := range values {
		sdl = append(sdl, schema.EnumName(v))
	}
	if a, b := enumValues(t, loadSDL(t), "GoodsCategory"), sorted(sdl); !slices.Equal(a, b) {
		t.Errorf("SDL GoodsCategory %v != Product.category values %v", a, b)
	}
}

func TestBroaderCategories(t *testing.T) {
	m := schema.MustModel()
	tests := []struct {
		name string
		want []string
	}{
		{"luxury_vehicle", []string{"luxury_goods", "motor_vehicle"}},
		{"armoured_vehicle", []string{"motor_vehicle"}},
		{"missile", []string{"weapon"}},
		{"other", []string{}},
		{"spaceship", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.BroaderCategories(tt.name)
			if !slices.Equal(got, tt.want) || (tt.want == nil) != (got == nil) {
				t.Errorf("BroaderCategories(%s) = %#v, want %#v", tt.name, got, tt.want)
			}
		})
	}
}

func TestCategoryHierarchyErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
	}{
		{"ErrUndeclaredBroader", "categories:\n  car: {broader: [vehicle]}\n"},
		{"ErrCycle", "categories:\n  a: {broader: [b]}\n  b: {broader: [c]}\n  c: {broader: [a]}\n"},
		{"ErrSelf", "categories:\n  a: {broader: [a]}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := schema.ParseModel([]byte(tt.yaml)); err == nil {
				t.Error("parsed without error")
			}
		})
	}
	if _, err := schema.ParseModel([]byte("categories:\n  a: {broader: [b]}\n  b: {}\n")); err != nil {
		t.Errorf("valid hierarchy: %v", err)
	}
}
