package model

import (
	"time"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Methods the GraphQL schema binds fields to (graph/gqlgen.yml, fieldName):
// the domain types keep "" for "not given", GraphQL answers null. They
// replace resolvers that did nothing but this.

// orNil is s, or nil for "".
func orNil[T ~string](s T) *T {
	if s == "" {
		return nil
	}
	return &s
}

// ValidFromOrNil is the start of the validity period, or nil when open.
func (p *Provenance) ValidFromOrNil() *Date { return orNil(Date(p.ValidFrom)) }

// ValidUntilOrNil is the end of the validity period, or nil when open.
func (p *Provenance) ValidUntilOrNil() *Date { return orNil(Date(p.ValidUntil)) }

// RecordIDOrNil is the id of the record in its dataset, or nil.
func (p *Provenance) RecordIDOrNil() *string { return orNil(p.RecordID) }

// DescriptionOrNil is the entity's description, or nil.
func (e *Entity) DescriptionOrNil() *string { return orNil(e.Description) }

// BasisOrNil is why the evidence's status holds, or nil.
func (ev *Evidence) BasisOrNil() *string { return orNil(ev.Basis) }

// QuoteOrNil is the source's words, or nil.
func (ev *Evidence) QuoteOrNil() *string { return orNil(ev.Quote) }

// ClaimOrNil is what the source says where it differs from the fact, or nil.
func (ev *Evidence) ClaimOrNil() *string { return orNil(ev.Claim) }

// PropertyOrNil is the property the evidence is about, or nil.
func (ev *Evidence) PropertyOrNil() *string { return orNil(ev.Property) }

// ValueOrNil is the value the source gives for that property, or nil.
func (ev *Evidence) ValueOrNil() *string { return orNil(ev.Value) }

// StatedOnOrNil is when the source said it, or nil.
func (ev *Evidence) StatedOnOrNil() *Date { return orNil(Date(ev.StatedOn)) }

// ReportedOnOrNil is ReportedOn for GraphQL.
func (ev *Evidence) ReportedOnOrNil() *Date { return orNil(Date(ev.ReportedOn())) }

// Direction is the hop's direction: OUTGOING when it follows the
// relationship, INCOMING when it runs against it.
func (h *Hop) Direction() Dir {
	if h.Forward {
		return Outgoing
	}
	return Incoming
}

// AtText is when the fact was retracted, RFC 3339 in UTC.
func (r *Retraction) AtText() string { return r.At.UTC().Format(time.RFC3339Nano) }

// AtText is when the change was made, RFC 3339 in UTC.
func (c *Change) AtText() string { return c.At.UTC().Format(time.RFC3339Nano) }

// ActionEnum is the change's action as the GraphQL enum.
func (c *Change) ActionEnum() ChangeAction { return ChangeAction(c.Action) }

// TargetEnum is the kind of record changed, as the GraphQL enum.
func (c *Change) TargetEnum() ChangeTarget { return ChangeTarget(c.Target) }

// RequestIDOrNil is the request that made the change, or nil.
func (c *Change) RequestIDOrNil() *string { return orNil(c.RequestID) }

// BeforeOrNil is the record before the change as JSON, or nil for a
// created record.
func (c *Change) BeforeOrNil() *string { return orNil(c.Before) }

// AfterOrNil is the record after the change as JSON, or nil.
func (c *Change) AfterOrNil() *string { return orNil(c.After) }

// Fields are the fields that differ between before and after (Diff).
func (c *Change) Fields() []*FieldChange {
	d := Diff(*c)
	out := make([]*FieldChange, len(d))
	for i := range d {
		out[i] = &d[i]
	}
	return out
}

// Direction is the relationship's direction seen from the entity asked
// about.
func (n *Neighbour) Direction() Dir {
	if n.Outgoing {
		return Outgoing
	}
	return Incoming
}

// DateOrNil is the date that places the entity in time, at its own
// precision: its kind's timeline property (a transfer's or event's date, a
// resolution's adoption, a listing's date, a source's publication).
func (e *Entity) DateOrNil() *Date {
	p, ok := schema.TimelineProp[e.Kind]
	if !ok {
		return nil
	}
	return orNil(Date(e.Properties.First(p)))
}
