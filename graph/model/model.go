// Package model holds the domain types of the sanctions graph: entities,
// relationships and the evidence behind them. gqlgen binds the GraphQL types
// of the same names to these; loaders emit them; graph/cypher stores and
// returns them. Property values follow FollowTheMoney: every value is a
// string, lists are lists of strings, and model.yaml gives each property its
// type (date, int, country, hscode …), which graph/cypher uses to store it.
package model

import (
	"strconv"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Properties maps a declared property name to its values. A single-valued
// property has exactly one value.
type Properties map[string][]string

// First returns the first value of a property, or "".
func (p Properties) First(name string) string {
	if v := p[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Set replaces the values of a property; empty values are dropped and an
// empty list deletes the property.
func (p Properties) Set(name string, values ...string) {
	out := values[:0:0]
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		delete(p, name)
		return
	}
	p[name] = out
}

// Add appends values not present yet.
func (p Properties) Add(name string, values ...string) {
	for _, v := range values {
		if v == "" {
			continue
		}
		dup := false
		for _, have := range p[name] {
			if have == v {
				dup = true
				break
			}
		}
		if !dup {
			p[name] = append(p[name], v)
		}
	}
}

// Provenance is where a fact came from and how well it is established. Every
// entity and relationship carries one.
type Provenance struct {
	// Status is the overall status of the fact.
	Status schema.Status
	// ValidFrom and ValidUntil bound the period in which the fact holds, as
	// dates (YYYY, YYYY-MM or YYYY-MM-DD); empty means open.
	ValidFrom  string
	ValidUntil string
	// Dataset names the dataset: "curated", "unsc", "ofac-sdn", "ftm" …
	Dataset string
	// RecordID is the id of the record in that dataset.
	RecordID string
	// Retracted is set when a curator has withdrawn the fact.
	Retracted *Retraction
}

// Entity is a node of the graph: a state, person, organisation, product,
// transfer, resolution, measure, event, source or sanction.
type Entity struct {
	ID          string
	Kind        schema.Kind
	Name        string
	Aliases     []string
	Description string
	Properties  Properties
	Provenance
	// Records is set on a resolved entity (the view RESOLVED): every record
	// that describes it, preferred first. Its name, description and
	// provenance are the preferred record's; aliases and properties are the
	// union of all records'. Nil on a record.
	Records []*Record
}

// Resolved reports whether e is a resolved entity rather than one record.
func (e *Entity) Resolved() bool { return e.Records != nil }

// RecordIDs are the ids of a resolved entity's records, or the record's own id.
func (e *Entity) RecordIDs() []string {
	if e.Records == nil {
		return []string{e.ID}
	}
	out := make([]string, len(e.Records))
	for i, r := range e.Records {
		out[i] = r.Entity.ID
	}
	return out
}

// Record is one record of a resolved entity: the entity as one dataset
// describes it (its listings are read when asked for).
type Record struct {
	Entity *Entity
}

// Dataset is the dataset of the record.
func (r *Record) Dataset() string { return r.Entity.Dataset }

// RecordIDOrNil is the record's id in its dataset, nil when it has none.
func (r *Record) RecordIDOrNil() *string { return r.Entity.RecordIDOrNil() }

// View says whether a query reads resolved entities or the records as each
// dataset stored them. The API asks for RESOLVED unless told otherwise; to
// the store an empty View means records.
type View string

// The views.
const (
	ViewResolved View = "RESOLVED"
	ViewRecords  View = "RECORDS"
)

// Relationship is a directed, typed fact between two entities.
type Relationship struct {
	ID         string
	Type       schema.RelType
	FromID     string
	ToID       string
	Properties Properties
	Provenance
}

// Evidence is one source's support for one fact (an entity, a relationship,
// or one property of either). Conflicting sources are separate Evidence
// records side by side; nothing overwrites another source's claim.
type Evidence struct {
	ID       string
	FactID   string
	SourceID string
	Status   schema.Status
	// Basis says why the status holds: party, record, news, research, list,
	// government or expert.
	Basis string
	Quote string
	// Claim is what the source says, where it differs from the fact as
	// modelled (loose or conflicting wording).
	Claim string
	// Property and Value, when set, say this evidence is about one property
	// and which value this source gives for it.
	Property string
	Value    string
	StatedOn string
	// SourcePublishedOn is the source's publication date, read with the
	// evidence (not stored on it): when the evidence states no date, the
	// source said it when it was published.
	SourcePublishedOn string
}

// Batch is a unit of loading: entities, relationships and evidence that are
// written together, in one transaction, or not at all.
type Batch struct {
	Entities      []Entity
	Relationships []Relationship
	Evidence      []Evidence
}

// Len is the number of records in b.
func (b *Batch) Len() int { return len(b.Entities) + len(b.Relationships) + len(b.Evidence) }

// IsNode marks Entity as a GraphQL Node.
func (Entity) IsNode() {}

// IsNode marks Relationship as a GraphQL Node.
func (Relationship) IsNode() {}

// ReportedOn is when this source said it: StatedOn, else the source's
// publication date; empty when neither is known.
func (e *Evidence) ReportedOn() string {
	if e.StatedOn != "" {
		return e.StatedOn
	}
	return e.SourcePublishedOn
}

// Leg is a VIA relationship's order on its transfer's route (0 for the
// origin); ok is false when the leg is not numbered.
func (r *Relationship) Leg() (n int, ok bool) {
	n, err := strconv.Atoi(r.Properties.First("leg"))
	return n, err == nil
}
