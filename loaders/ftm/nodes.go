package ftm

import (
	"slices"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// nodeKinds maps the FtM schemata that become nodes to their kind.
// LegalEntity is FtM's "person or company, we do not know"; it carries
// registration numbers and countries like a company, so it is an
// Organization here.
var nodeKinds = map[string]schema.Kind{
	"Person":       schema.Person,
	"Organization": schema.Organization,
	"Company":      schema.Organization,
	"LegalEntity":  schema.Organization,
	"PublicBody":   schema.Organization,
	"Vehicle":      schema.Product,
	"Vessel":       schema.Product,
	"Airplane":     schema.Product,
}

// productCategory is the Product category of each vehicle schema.
var productCategory = map[string]string{
	"Vehicle":  "motor_vehicle",
	"Vessel":   "vessel",
	"Airplane": "aircraft",
}

// propMap fills a model property from FtM properties, in order of
// preference.
type propMap struct {
	to   string
	from []string
}

// nodeProps are the declared properties of each kind that FtM fills.
// Person.country, Product.type and the names are handled apart.
var nodeProps = map[schema.Kind][]propMap{
	schema.Person: {
		{"birthDate", []string{"birthDate"}},
		{"birthPlace", []string{"birthPlace"}},
		{"nationality", []string{"nationality", "citizenship"}},
		{"position", []string{"position"}},
		{"gender", []string{"gender"}},
	},
	schema.Organization: {
		{"country", []string{"jurisdiction", "mainCountry", "country"}},
		{"registrationNumber", []string{"registrationNumber", "ogrnCode"}},
		{"taxNumber", []string{"taxNumber", "innCode", "vatCode"}},
		{"imoNumber", []string{"imoNumber"}},
		{"incorporationDate", []string{"incorporationDate"}},
		{"website", []string{"website"}},
	},
	schema.Product: {
		{"make", []string{"manufacturer"}},
		{"model", []string{"model"}},
		{"imoNumber", []string{"imoNumber"}},
		{"flag", []string{"flag"}},
		{"callSign", []string{"callSign"}},
		{"tonnage", []string{"tonnage"}},
	},
}

// topicRoles are the OpenSanctions topics that say what an organisation
// is, and the role each gives. No topic says "manufacturer"; the role is
// never guessed from names or sectors.
var topicRoles = map[string]string{
	"fin.bank":     "bank",
	"fin.fund":     "investment_fund",
	"pol.party":    "political_party",
	"gov.igo":      "international_organization",
	"gov":          "government_body",
	"gov.national": "government_body",
	"gov.state":    "government_body",
	"gov.muni":     "government_body",
}

// nameParts make a person's name when it has none; otherwise they repeat
// the names and are dropped.
var nameParts = []string{"firstName", "secondName", "middleName", "fatherName", "motherName", "lastName", "nameSuffix"}

// prose properties are the description itself.
var prose = []string{"notes", "summary", "description"}

// thing builds the node of a Person, Organization or Product line, with its
// BASED_IN and NATIONAL_OF; withLinks, also a vehicle's OWNS and USES.
func (b *builder) thing(kind schema.Kind, withLinks bool) {
	e := b.e
	id := ID(e.ID)
	decl := b.l.model.Kinds[kind].Properties
	props := model.Properties{}
	name, aliases := b.names()
	for _, pm := range nodeProps[kind] {
		vals := b.setProp(decl, props, id, pm.to, pm.from...)
		switch pm.to {
		case "nationality":
			for _, c := range vals {
				if st, ok := b.state(c); ok {
					b.rel(schema.NationalOf, id, st, "", nil, b.prov, "")
				}
			}
		case "country":
			b.places.countries(vals)
		case "birthDate":
			if len(vals) > 1 {
				props.Set("birthDateUncertain", "true")
			}
		}
	}
	switch kind {
	case schema.Person:
		b.places.countries(b.addValues(schema.Prop{Type: schema.TCountry}, nil, "country", e.take("country")))
	case schema.Organization:
		roles := []string{}
		if e.Schema == "PublicBody" {
			roles = append(roles, "government_body")
		}
		topics := e.take("topics")
		for _, t := range topics {
			if r, ok := topicRoles[t]; ok && !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		}
		props.Set("roles", roles...)
		if len(topics) > 0 {
			b.desc.add("topics", topics...)
			b.l.sum.Unmapped[e.Schema+".topics"] += len(topics)
		}
	case schema.Product:
		props.Set("category", productCategory[e.Schema])
		if e.Schema == "Vessel" {
			b.setProp(decl, props, id, "vesselType", "type")
		}
		if withLinks {
			b.vehicleLinks()
		} else {
			e.take("owner") // the links pass emits them
			e.take("operator")
		}
	}
	b.addresses(kind)
	if b.l.idx != nil {
		b.desc.add("identification", b.l.idx.documents(e.ID)...)
	}
	b.desc.note(e.takeAll(prose...)...)
	b.leftovers(&b.desc)
	if kind != schema.Product {
		b.basedIn(id)
	}
	b.entity(model.Entity{
		ID: id, Kind: kind, Name: name, Aliases: aliases, Description: b.desc.String(),
		Properties: props, Provenance: b.prov,
	}, true)
}

// vehicleLinks builds a vehicle's OWNS from its owner and USES from its
// operator, for the links pass.
func (b *builder) vehicleLinks() {
	self := end{id: ID(b.e.ID)}
	for _, o := range b.e.take("owner") {
		b.link(schema.Owns, end{id: ID(o), ftmID: o, prop: "owner", kinds: legalEntityKinds}, self, "", nil, b.prov, "")
	}
	for _, o := range b.e.take("operator") {
		b.link(schema.Uses, end{id: ID(o), ftmID: o, prop: "operator", kinds: legalEntityKinds}, self, "", nil, b.prov, "")
	}
}

// names returns the name (the caption, which OpenSanctions picks among the
// names) and the aliases: every name, alias, previous name, weak alias and
// abbreviation, without exact duplicates. First, middle and last names make
// the name only when the entity has none.
func (b *builder) names() (string, []string) {
	e := b.e
	all := e.takeAll("name", "alias", "previousName", "weakAlias", "abbreviation")
	parts := map[string][]string{}
	for _, p := range nameParts {
		if v := e.take(p); len(v) > 0 {
			parts[p] = v
		}
	}
	name := strings.TrimSpace(e.Caption)
	if len(all) == 0 && len(parts) > 0 {
		var words []string
		for _, p := range nameParts {
			if v := parts[p]; len(v) > 0 {
				words = append(words, v[0])
				b.desc.add(p, v[1:]...)
			}
		}
		all = []string{strings.Join(words, " ")}
	} else {
		for p, v := range parts {
			b.l.sum.Dropped[e.Schema+"."+p+": covered by the names"] += len(v)
		}
	}
	if name == "" || (name == e.Schema && len(all) > 0) {
		name = e.ID
		if len(all) > 0 {
			name = all[0]
		}
	}
	aliases := make([]string, 0, len(all))
	for _, a := range all {
		if a != name {
			aliases = append(aliases, a)
		}
	}
	return name, aliases
}

// places collects BASED_IN targets, in order, with the addresses in each.
type places struct {
	codes []string
	addrs map[string][]string
	norms map[string][]string // normAddress of addrs
}

func (p *places) add(code, text string) {
	if p.addrs == nil {
		p.addrs, p.norms = map[string][]string{}, map[string][]string{}
	}
	if _, ok := p.addrs[code]; !ok {
		p.codes = append(p.codes, code)
		p.addrs[code] = nil
	}
	if text == "" {
		return
	}
	// Keep the fuller of two texts where one starts the other ("…,
	// Pyongyang" and "…, Pyongyang, DPRK").
	n := normAddress(text)
	for i, na := range p.norms[code] {
		switch {
		case strings.HasPrefix(na, n):
			return
		case strings.HasPrefix(n, na):
			p.addrs[code][i], p.norms[code][i] = text, n
			return
		}
	}
	p.addrs[code] = append(p.addrs[code], text)
	p.norms[code] = append(p.norms[code], n)
}

// covers reports whether an attached address starts with the normalised
// text n.
func (p *places) covers(n string) bool {
	for _, norms := range p.norms {
		if slices.ContainsFunc(norms, func(a string) bool { return strings.HasPrefix(a, n) }) {
			return true
		}
	}
	return false
}

func (p *places) countries(codes []string) {
	for _, c := range codes {
		p.add(c, "")
	}
}

// addresses attaches the entity's addresses: those referenced by
// addressEntity (resolved through the Index) and the address texts. An
// address whose country is known joins the BASED_IN of that country; any
// other (and every address of a Product, which is based nowhere) goes into
// the description.
func (b *builder) addresses(kind schema.Kind) {
	e := b.e
	var texts []struct{ text, country string }
	for _, ref := range e.take("addressEntity") {
		if b.l.idx == nil {
			b.l.sum.Dropped[e.Schema+".addressEntity: no index to resolve it"]++
			continue
		}
		a, ok := b.l.idx.address(ref)
		if !ok {
			b.l.sum.Dropped[e.Schema+".addressEntity: not in the file"]++
			continue
		}
		b.l.addrUsed[ref] = true
		texts = append(texts, struct{ text, country string }{a.text, a.country})
	}
	for _, t := range e.take("address") {
		texts = append(texts, struct{ text, country string }{t, countryInText(t)})
	}
	for _, t := range texts {
		if t.country != "" && kind != schema.Product {
			b.places.add(t.country, t.text)
		}
	}
	for _, t := range texts {
		if t.text == "" || (t.country != "" && kind != schema.Product) {
			continue
		}
		// The same address often comes twice, once structured with its
		// country and once as text without it.
		n := normAddress(t.text)
		if b.places.covers(n) {
			continue
		}
		b.desc.add("address", t.text)
		b.l.sum.Unmapped[e.Schema+".address"]++
	}
}

// normAddress folds case and spacing, to compare address texts.
func normAddress(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// basedIn emits BASED_IN for every place, with the addresses as text.
func (b *builder) basedIn(id string) {
	for _, code := range b.places.codes {
		st, ok := b.state(code)
		if !ok {
			continue
		}
		props := model.Properties{}
		props.Set("address", strings.Join(b.places.addrs[code], "\n"))
		b.rel(schema.BasedIn, id, st, "", props, b.prov, "")
	}
}
