package ftm

import (
	"slices"
	"strconv"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// The kinds an FtM entity range can map to (nodeKinds): a LegalEntity is a
// Person or an Organization, an Asset an Organization (Company) or a
// Product (vehicles), a Thing any of the three.
var (
	personKinds      = []schema.Kind{schema.Person}
	organizationKind = []schema.Kind{schema.Organization}
	legalEntityKinds = []schema.Kind{schema.Person, schema.Organization}
	assetKinds       = []schema.Kind{schema.Organization, schema.Product}
	thingKinds       = []schema.Kind{schema.Person, schema.Organization, schema.Product}
)

// linkMap maps an FtM link schema (an Interval between two entities) to a
// relationship type.
type linkMap struct {
	rel            schema.RelType
	from, to       string        // FtM properties holding the endpoints
	fromKn, toKn   []schema.Kind // kinds their ranges can map to
	prop           string        // model property of the relationship …
	propFrom       string        // … filled from this FtM property,
	fixed          string        // … or set to this value
	share, pctFrom string        // OWNS share from percentage
}

// links are the FtM link schemata this package maps. The FtM edge
// directions are kept: owner OWNS asset, director DIRECTS organization,
// person FAMILY_OF relative (relationship as FtM gives it, the relative's
// role from the person's side, "mother"), agent ASSOCIATE_OF client.
// Representation has no type of its own in model.yaml, so it is an
// association whose relationship is "representative"; UnknownLink is an
// association whose relationship is its role.
var links = map[string]linkMap{
	"Ownership":      {rel: schema.Owns, from: "owner", to: "asset", fromKn: legalEntityKinds, toKn: assetKinds, share: "share", pctFrom: "percentage"},
	"Directorship":   {rel: schema.Directs, from: "director", to: "organization", fromKn: legalEntityKinds, toKn: organizationKind, prop: "role", propFrom: "role"},
	"Family":         {rel: schema.FamilyOf, from: "person", to: "relative", fromKn: personKinds, toKn: personKinds, prop: "relationship", propFrom: "relationship"},
	"Associate":      {rel: schema.AssociateOf, from: "person", to: "associate", fromKn: personKinds, toKn: personKinds, prop: "relationship", propFrom: "relationship"},
	"Representation": {rel: schema.AssociateOf, from: "agent", to: "client", fromKn: legalEntityKinds, toKn: legalEntityKinds, prop: "relationship", fixed: "representative"},
	"Membership":     {rel: schema.MemberOf, from: "member", to: "organization", fromKn: legalEntityKinds, toKn: organizationKind, prop: "role", propFrom: "role"},
	"Employment":     {rel: schema.WorksFor, from: "employee", to: "employer", fromKn: personKinds, toKn: organizationKind, prop: "role", propFrom: "role"},
	"UnknownLink":    {rel: schema.AssociateOf, from: "subject", to: "object", fromKn: thingKinds, toKn: thingKinds, prop: "relationship", propFrom: "role"},
}

// end is one end of a relationship.
type end struct {
	id    string        // node id
	ftmID string        // FtM id to check; "" for the line's own node or a state
	prop  string        // FtM property naming it, for reasons
	kinds []schema.Kind // kinds its FtM range can map to
}

// link adds a relationship after checking the ends that name other FtM
// entities; a rejected one is counted with the reason.
func (b *builder) link(typ schema.RelType, from, to end, key string, props model.Properties, prov model.Provenance, claim string) bool {
	decl := b.l.model.Relationships[typ]
	for _, x := range []struct {
		end
		allowed []schema.Kind
	}{{from, decl.From}, {to, decl.To}} {
		if x.ftmID == "" {
			continue
		}
		if reason := b.l.endpoint(typ, x.end, x.allowed); reason != "" {
			b.reject = append(b.reject, string(typ)+" "+x.prop+": "+reason)
			return false
		}
	}
	b.rel(typ, from.id, to.id, key, props, prov, claim)
	return true
}

// endpoint says why an end cannot be used, or "". With an Index the end's
// schema decides; without one, the kinds its FtM range allows must all be
// allowed by the type, since the node it resolves to could be any of them.
func (l *loader) endpoint(typ schema.RelType, x end, allowed []schema.Kind) string {
	fits := !slices.ContainsFunc(x.kinds, func(k schema.Kind) bool { return !slices.Contains(allowed, k) })
	if l.idx == nil {
		if !fits {
			return "kind unknown without the index"
		}
		return ""
	}
	sch, ok := l.idx.Schema(x.ftmID)
	if !ok {
		if _, isAddr := l.idx.address(x.ftmID); isAddr {
			return "is an Address"
		}
		if !l.opts.ExternalEndpoints {
			return "not in the file"
		}
		if !fits {
			return "not in the file, kind unknown"
		}
		l.sum.External++
		return ""
	}
	k, mapped := nodeKinds[sch]
	if !mapped {
		return "is a " + sch + ", which is not mapped"
	}
	if !slices.Contains(allowed, k) {
		return "is a " + string(k) + ", which " + string(typ) + " does not allow"
	}
	return ""
}

// interval reads the validity of an FtM Interval: validFrom from startDate
// (or date), validUntil from endDate. Further or invalid dates, and an end
// before the start, go to d.
func (b *builder) interval(d *description) (from, until string) {
	keep := func(f, v string) {
		d.add(f, v)
		b.l.sum.Unmapped[b.e.Schema+"."+f+" (further, invalid or inconsistent dates)"]++
	}
	for _, f := range []string{"startDate", "date"} {
		for _, v := range b.e.take(f) {
			if dp, ok := datePart(v); ok && from == "" {
				from = dp
			} else {
				keep(f, v)
			}
		}
	}
	for _, v := range b.e.take("endDate") {
		if dp, ok := datePart(v); ok && until == "" && !endsBefore(dp, from) {
			until = dp
		} else {
			keep("endDate", v)
		}
	}
	return from, until
}

// endsBefore reports whether the period until ends before from begins.
func endsBefore(until, from string) bool {
	if from == "" {
		return false
	}
	f, _, err1 := schema.DateBounds(from)
	_, u, err2 := schema.DateBounds(until)
	return err1 == nil && err2 == nil && u.Before(f)
}

// linkLine builds the relationships of a link line: one per pair of
// endpoints (FtM allows several values). It returns the reason to skip the
// line when it yields none.
func (b *builder) linkLine(m linkMap) string {
	e := b.e
	froms, tos := e.take(m.from), e.take(m.to)
	switch {
	case len(froms) == 0:
		return e.Schema + ": no " + m.from
	case len(tos) == 0:
		return e.Schema + ": no " + m.to
	}
	var claim description
	props := model.Properties{}
	decl := b.l.model.Relationships[m.rel].Properties
	if m.fixed != "" {
		props.Set(m.prop, m.fixed)
	}
	if m.propFrom != "" {
		for _, v := range e.take(m.propFrom) {
			if c, ok := convert(decl[m.prop], v); ok && props.First(m.prop) == "" {
				props.Set(m.prop, c)
			} else {
				claim.add(m.propFrom, v)
				b.l.sum.Unmapped[e.Schema+"."+m.propFrom+" (further values)"]++
			}
		}
	}
	if m.share != "" {
		for _, v := range e.take(m.pctFrom) {
			n, ok := convert(decl[m.share], v)
			if ok && props.First(m.share) == "" && inPercent(n) {
				props.Set(m.share, n)
			} else {
				claim.add(m.pctFrom, v)
				b.l.sum.Unmapped[e.Schema+"."+m.pctFrom+" (not a share of 0-100, or further values)"]++
			}
		}
	}
	prov := b.prov
	prov.ValidFrom, prov.ValidUntil = b.interval(&claim)
	claim.note(e.takeAll(prose...)...)
	b.leftovers(&claim)
	text := claim.String()
	emitted := false
	for _, f := range froms {
		for _, t := range tos {
			ok := b.link(m.rel,
				end{id: ID(f), ftmID: f, prop: m.from, kinds: m.fromKn},
				end{id: ID(t), ftmID: t, prop: m.to, kinds: m.toKn},
				e.ID, cloneProps(props), prov, text)
			emitted = emitted || ok
		}
	}
	if !emitted {
		return b.reject[0]
	}
	return ""
}

// inPercent reports whether a share is within 0–100.
func inPercent(n string) bool {
	f, err := strconv.ParseFloat(n, 64)
	return err == nil && f >= 0 && f <= 100
}

func cloneProps(p model.Properties) model.Properties {
	out := make(model.Properties, len(p))
	for k, v := range p {
		out[k] = slices.Clone(v)
	}
	return out
}
