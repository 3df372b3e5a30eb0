package ftm

import (
	"slices"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// AuthorityIDPrefix starts the id of the Organization made from a
// sanction's authority: "ftm-authority:" + slug of its name.
const AuthorityIDPrefix = "ftm-authority:"

// sanction builds a Sanction line: the Sanction node, DESIGNATES to each
// entity and ISSUED_BY to each authority. It returns the reason to skip the
// line, or "".
func (b *builder) sanction() string {
	e := b.e
	entities := e.take("entity")
	if len(entities) == 0 {
		return "Sanction: no entity"
	}
	id := ID(e.ID)
	decl := b.l.model.Kinds[schema.Sanction].Properties
	props := model.Properties{}
	authorities := b.setProp(decl, props, id, "authority", "authority")
	b.setProp(decl, props, id, "authorityId", "authorityId", "unscId")
	programs := b.setProp(decl, props, id, "program", "program")
	listing := b.setProp(decl, props, id, "listingDate", "listingDate")
	for _, v := range e.take("modifiedAt") {
		if d, ok := datePart(v); ok {
			props.Add("amendedOn", d)
		} else {
			b.desc.add("modifiedAt", v)
		}
	}
	b.setProp(decl, props, id, "reason", "reason")

	// listingDate is the day of listing, startDate the day the measures
	// take effect; either places the designation on a timeline.
	prov := b.prov
	prov.ValidFrom, prov.ValidUntil = b.interval(&b.desc)
	if len(listing) == 0 && prov.ValidFrom != "" {
		props.Set("listingDate", prov.ValidFrom)
	}
	if prov.ValidFrom == "" && len(listing) > 0 && !endsBefore(prov.ValidUntil, listing[0]) {
		prov.ValidFrom = listing[0]
	}
	if prov.ValidUntil != "" && b.ended(prov.ValidUntil) {
		props.Set("delistedOn", prov.ValidUntil)
	}

	var countries []string
	for _, c := range e.take("country") {
		if code, ok := countryCode(c); ok {
			countries = append(countries, code)
		} else {
			b.desc.add("country", c)
		}
	}
	if len(authorities) == 0 {
		b.desc.add("country", countries...)
	}
	b.desc.note(e.takeAll(prose...)...)
	b.leftovers(&b.desc)

	b.entity(model.Entity{
		ID: id, Kind: schema.Sanction, Name: sanctionName(authorities, programs, e.Caption),
		Description: b.desc.String(), Properties: props, Provenance: prov,
	}, true)
	self := end{id: id}
	for _, t := range entities {
		b.link(schema.Designates, self, end{id: ID(t), ftmID: t, prop: "entity", kinds: thingKinds}, "", nil, prov, "")
	}
	for _, a := range authorities {
		if aid := b.authority(a, countries); aid != "" {
			b.rel(schema.IssuedBy, id, aid, "", nil, b.prov, "")
		}
	}
	return ""
}

// ended reports whether a sanction's end date is not after the day the
// entity was last seen: only then is it a delisting rather than a scheduled
// expiry.
func (b *builder) ended(until string) bool {
	seen, ok := datePart(b.e.LastSeen)
	if !ok {
		if seen, ok = datePart(b.e.LastChange); !ok {
			return false
		}
	}
	return !endsBefore(seen, until)
}

// authority adds, the first time a load meets it, the Organization that
// stands for a sanctions authority named in the data, with its country
// when the sanction gives exactly one. It returns the authority's id.
func (b *builder) authority(name string, countries []string) string {
	if id, ok := b.l.authorities[name]; ok {
		return id
	}
	s := slug(name)
	if s == "" {
		b.l.authorities[name] = ""
		return ""
	}
	id := AuthorityIDPrefix + s
	b.l.authorities[name] = id
	if slices.Contains(b.l.authorityIDs, id) {
		return id // another spelling of the same name
	}
	b.l.authorityIDs = append(b.l.authorityIDs, id)
	props := model.Properties{}
	props.Set("roles", "sanctions_authority")
	prov := model.Provenance{Status: b.prov.Status, Dataset: Dataset, RecordID: name}
	if len(countries) == 1 {
		props.Set("country", countries[0])
	}
	b.entity(model.Entity{ID: id, Kind: schema.Organization, Name: name, Properties: props, Provenance: prov}, false)
	if len(countries) == 1 {
		if st, ok := b.state(countries[0]); ok {
			b.rel(schema.BasedIn, id, st, "", nil, prov, "")
		}
	}
	return id
}

// sanctionName names a Sanction node "authority: program", as far as the
// line says; FtM's own caption is the program alone.
func sanctionName(authorities, programs []string, caption string) string {
	var a, p string
	if len(authorities) > 0 {
		a = authorities[0]
	}
	if len(programs) > 0 {
		p = programs[0]
	}
	switch {
	case a != "" && p != "":
		return a + ": " + p
	case a != "":
		return a
	case p != "":
		return p
	case caption != "":
		return caption
	}
	return "Sanction"
}
