package ftm

import (
	"slices"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

// TestMappingAgainstModel checks the mapping tables against
// schema/model.yaml, so a change there that breaks a mapping fails here
// rather than in the writer.
func TestMappingAgainstModel(t *testing.T) {
	m := schema.MustModel()
	declared := func(k schema.Kind, prop string) bool {
		d, ok := m.Kind(k)
		if !ok {
			return false
		}
		_, ok = d.Properties[prop]
		return ok
	}
	t.Run("NodeKinds", func(t *testing.T) {
		for s, k := range nodeKinds {
			if !schema.ValidKind(k) {
				t.Errorf("%s maps to undeclared kind %s", s, k)
			}
		}
	})
	t.Run("NodeProperties", func(t *testing.T) {
		for k, pms := range nodeProps {
			for _, pm := range pms {
				if !declared(k, pm.to) {
					t.Errorf("%s.%s is not declared", k, pm.to)
				}
			}
		}
		for k, props := range map[schema.Kind][]string{
			schema.Person:       {"birthDateUncertain"},
			schema.Organization: {"roles", "country"},
			schema.Product:      {"category", "vesselType"},
			schema.Sanction:     {"authority", "authorityId", "program", "listingDate", "delistedOn", "amendedOn", "reason"},
			schema.Source:       {"publisher", "url", "publishedOn", "sourceKind"},
		} {
			for _, p := range props {
				if !declared(k, p) {
					t.Errorf("%s.%s is not declared", k, p)
				}
			}
		}
	})
	t.Run("EnumValues", func(t *testing.T) {
		roles := m.Kinds[schema.Organization].Properties["roles"].Values
		for _, r := range append([]string{"government_body", "sanctions_authority"}, valuesOf(topicRoles)...) {
			if !slices.Contains(roles, r) {
				t.Errorf("role %q is not declared", r)
			}
		}
		cats := m.Kinds[schema.Product].Properties["category"].Values
		for _, c := range valuesOf(productCategory) {
			if !slices.Contains(cats, c) {
				t.Errorf("category %q is not declared", c)
			}
		}
	})
	t.Run("Links", func(t *testing.T) {
		var needIndex []string
		for s, lm := range links {
			decl, ok := m.Rel(lm.rel)
			if !ok {
				t.Errorf("%s maps to undeclared %s", s, lm.rel)
				continue
			}
			for _, p := range []string{lm.prop, lm.share} {
				if _, ok := decl.Properties[p]; p != "" && !ok {
					t.Errorf("%s: %s.%s is not declared", s, lm.rel, p)
				}
			}
			if !subset(lm.fromKn, decl.From) || !subset(lm.toKn, decl.To) {
				needIndex = append(needIndex, s)
			}
		}
		// Only UnknownLink can join kinds its type does not allow (a Thing
		// may be a Product); the Index tells.
		if !slices.Equal(needIndex, []string{"UnknownLink"}) {
			t.Errorf("links whose ranges the type does not cover: %v", needIndex)
		}
	})
	t.Run("DerivedRelationships", func(t *testing.T) {
		for _, c := range []struct {
			rel      schema.RelType
			from, to []schema.Kind
			prop     string
		}{
			{schema.Designates, []schema.Kind{schema.Sanction}, thingKinds, ""},
			{schema.IssuedBy, []schema.Kind{schema.Sanction}, organizationKind, ""},
			{schema.BasedIn, legalEntityKinds, []schema.Kind{schema.State}, "address"},
			{schema.BasedIn, organizationKind, []schema.Kind{schema.State}, ""},
			{schema.NationalOf, personKinds, []schema.Kind{schema.State}, ""},
			{schema.Owns, legalEntityKinds, []schema.Kind{schema.Product}, ""},
			{schema.Uses, legalEntityKinds, []schema.Kind{schema.Product}, ""},
		} {
			decl, ok := m.Rel(c.rel)
			if !ok || !subset(c.from, decl.From) || !subset(c.to, decl.To) {
				t.Errorf("%s does not allow %v → %v", c.rel, c.from, c.to)
				continue
			}
			if _, ok := decl.Properties[c.prop]; c.prop != "" && !ok {
				t.Errorf("%s.%s is not declared", c.rel, c.prop)
			}
		}
	})
}

func subset(a, b []schema.Kind) bool {
	return !slices.ContainsFunc(a, func(k schema.Kind) bool { return !slices.Contains(b, k) })
}

func valuesOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
