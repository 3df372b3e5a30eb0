package model

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Validation of the domain types against the declared model. The store
// (graph/cypher), curator writes and the loaders' tests call these, so a
// record one of them accepts is a record all of them accept; the value
// rules themselves live in schema (schema.Prop.Check). Errors name the
// record and what is wrong with it.

// Validate checks e against m: an id, a declared kind, a name, a valid
// provenance, and properties declared for the kind, with values of their
// types (one value for single-valued properties) and every required one
// present.
func (e *Entity) Validate(m *schema.Model) error {
	if e.ID == "" {
		return fmt.Errorf("entity: id is required")
	}
	where := fmt.Sprintf("entity %q", e.ID)
	decl, ok := m.Kind(e.Kind)
	if !ok {
		return fmt.Errorf("%s: kind %q is not declared", where, e.Kind)
	}
	if strings.TrimSpace(e.Name) == "" {
		return fmt.Errorf("%s: name is required", where)
	}
	if err := e.Provenance.Validate(); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if err := e.Properties.Validate(decl.Properties); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	return nil
}

// Validate checks r against m: an id that starts with its type (TYPE|…),
// a declared type, both ends, a valid provenance, and properties as for
// entities. Whether the ends exist and are of kinds the type allows is for
// the store to check.
func (r *Relationship) Validate(m *schema.Model) error {
	if r.ID == "" {
		return fmt.Errorf("relationship: id is required")
	}
	where := fmt.Sprintf("relationship %q", r.ID)
	decl, ok := m.Rel(r.Type)
	if !ok {
		return fmt.Errorf("%s: type %q is not declared", where, r.Type)
	}
	if t, _, _ := strings.Cut(r.ID, "|"); t != string(r.Type) {
		return fmt.Errorf("%s: id must start with its type, %s|", where, r.Type)
	}
	if r.FromID == "" || r.ToID == "" {
		return fmt.Errorf("%s: from and to are required", where)
	}
	if err := r.Provenance.Validate(); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	if err := r.Properties.Validate(decl.Properties); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	return nil
}

// Validate checks ev against m: an id, the fact and the source it is
// about, a status, and a basis and statedOn of their declared types.
func (ev *Evidence) Validate(m *schema.Model) error {
	if ev.ID == "" {
		return fmt.Errorf("evidence: id is required")
	}
	where := fmt.Sprintf("evidence %q", ev.ID)
	switch {
	case ev.FactID == "":
		return fmt.Errorf("%s: factId is required", where)
	case ev.SourceID == "":
		return fmt.Errorf("%s: sourceId is required", where)
	case !ev.Status.Valid():
		return fmt.Errorf("%s: status %q is not one of %s", where, ev.Status, statusList())
	}
	decl := m.EvidenceProps()
	for _, f := range []struct{ name, v string }{{"basis", ev.Basis}, {"statedOn", ev.StatedOn}} {
		if f.v == "" {
			continue
		}
		if _, err := decl[f.name].Check(f.v); err != nil {
			return fmt.Errorf("%s: %s: %w", where, f.name, err)
		}
	}
	return nil
}

// Validate checks a provenance: a declared status, a dataset, and a
// validity period of model dates that does not end before it starts.
func (p *Provenance) Validate() error {
	if !p.Status.Valid() {
		return fmt.Errorf("status %q is not one of %s", p.Status, statusList())
	}
	if p.Dataset == "" {
		return fmt.Errorf("dataset is required")
	}
	if p.ValidFrom != "" {
		if _, _, err := schema.DateBounds(p.ValidFrom); err != nil {
			return fmt.Errorf("validFrom: %w", err)
		}
	}
	if p.ValidUntil != "" {
		if _, _, err := schema.DateBounds(p.ValidUntil); err != nil {
			return fmt.Errorf("validUntil: %w", err)
		}
	}
	if p.ValidFrom != "" && p.ValidUntil != "" {
		from, _, _ := schema.DateBounds(p.ValidFrom)
		_, until, _ := schema.DateBounds(p.ValidUntil)
		if until.Before(from) {
			return fmt.Errorf("validUntil %s is before validFrom %s", p.ValidUntil, p.ValidFrom)
		}
	}
	return nil
}

// Validate checks properties against their declarations: every name
// declared, one value for single-valued properties, every value of its
// type (schema.Prop.Check), every required property present.
func (p Properties) Validate(decl map[string]schema.Prop) error {
	for _, name := range slices.Sorted(maps.Keys(p)) {
		vals := p[name]
		d, ok := decl[name]
		if !ok {
			return fmt.Errorf("property %q is not declared for it in schema/model.yaml", name)
		}
		if !d.Type.Multi() && len(vals) > 1 {
			return fmt.Errorf("property %q takes one value, got %d", name, len(vals))
		}
		for _, v := range vals {
			if _, err := d.Check(v); err != nil {
				return fmt.Errorf("property %q: %w", name, err)
			}
		}
	}
	for _, name := range schema.PropNames(decl) {
		if decl[name].Required && len(p[name]) == 0 {
			return fmt.Errorf("property %q is required", name)
		}
	}
	return nil
}

func statusList() string {
	s := make([]string, len(schema.Statuses))
	for i, st := range schema.Statuses {
		s[i] = string(st)
	}
	return strings.Join(s, ", ")
}
