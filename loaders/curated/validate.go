package curated

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/biter777/countries"

	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// idPrefix is the id prefix of each kind: ids say what they name, so a
// reviewer reading `from: org:aurus` knows the kind without looking it up.
var idPrefix = map[schema.Kind]string{
	schema.State:        "state:",
	schema.Person:       "person:",
	schema.Organization: "org:",
	schema.Product:      "product:",
	schema.Transfer:     "transfer:",
	schema.Resolution:   "resolution:",
	schema.Measure:      "measure:",
	schema.Event:        "event:",
	schema.Source:       "source:",
	schema.Sanction:     "sanction:",
}

var (
	slugID  = regexp.MustCompile(`^[a-z]+:[a-z0-9][a-z0-9.-]*$`)
	stateID = regexp.MustCompile(`^state:[A-Z]{2}$`)
	keyRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)
)

// factProps are the fields of every fact that evidence may address by name
// besides its declared properties.
var factProps = []string{"name", "aliases", "validFrom", "validUntil"}

// checker validates decoded documents against the model and each other.
type checker struct {
	model    *schema.Model
	ps       *problems
	entities map[string]*entityDoc // sources and entities, by id
	// refStates are `state:XX` ids used but not declared; they are emitted
	// as reference states.
	refStates map[string]bool
	relIDs    map[string]loc
	evIDs     map[string]loc
}

func newChecker(m *schema.Model, ps *problems) *checker {
	return &checker{model: m, ps: ps, entities: map[string]*entityDoc{}, refStates: map[string]bool{}, relIDs: map[string]loc{}, evIDs: map[string]loc{}}
}

func (c *checker) add(l loc, format string, args ...any) {
	c.ps.add(l.file, l.line, l.path, format, args...)
}

// field returns where a field was written, or the item itself when missing.
func field(l loc, at map[string]loc, key string) loc {
	if fl, ok := at[key]; ok {
		return fl
	}
	return loc{file: l.file, line: l.line, path: join(l.path, key)}
}

// check validates every document; files are in load order.
func (c *checker) check(files []*fileDoc) {
	for _, f := range files {
		for _, e := range append(slices.Clone(f.sources), f.entities...) {
			if e.id == "" {
				continue // reported by checkEntity
			}
			if first, dup := c.entities[e.id]; dup {
				c.add(field(e.loc, e.at, "id"), "duplicate id %q (first at %s:%d)", e.id, first.file, first.line)
				continue
			}
			c.entities[e.id] = e
		}
	}
	for _, f := range files {
		for _, e := range f.sources {
			c.checkEntity(e)
		}
		for _, e := range f.entities {
			c.checkEntity(e)
		}
	}
	for _, f := range files {
		for _, r := range f.rels {
			c.checkRel(r)
		}
	}
	seen := map[string]loc{}
	for _, f := range files {
		for _, u := range f.unverified {
			c.checkUnverified(u, seen)
		}
	}
	if len(c.refStates) > 0 {
		if _, ok := c.entities[loaders.ISO3166SourceID]; !ok {
			c.ps.add("data", 0, "", "state ids are used without declaring the source %q that reference states cite", loaders.ISO3166SourceID)
		}
	}
}

func (c *checker) checkEntity(e *entityDoc) {
	kind := schema.Kind(e.kind)
	switch {
	case e.id == "":
		c.add(field(e.loc, e.at, "id"), "id is required")
	case kind == schema.State:
		if !stateID.MatchString(e.id) {
			c.add(field(e.loc, e.at, "id"), "%q is not a state id (state: + ISO 3166-1 alpha-2, e.g. state:RU)", e.id)
		}
	case !slugID.MatchString(e.id):
		c.add(field(e.loc, e.at, "id"), "%q is not an id (prefix: + lower-case slug, e.g. person:kim-jong-un)", e.id)
	}
	decl, ok := c.model.Kind(kind)
	switch {
	case e.kind == "":
		c.add(field(e.loc, e.at, "kind"), "kind is required")
	case !ok || !schema.ValidKind(kind):
		c.add(field(e.loc, e.at, "kind"), "unknown kind %q", e.kind)
	case kind == schema.Source && !e.isSource:
		c.add(field(e.loc, e.at, "kind"), "sources are declared under `sources:`, not `entities:`")
	case e.id != "" && !strings.HasPrefix(e.id, idPrefix[kind]):
		c.add(field(e.loc, e.at, "id"), "id %q of a %s must start with %q", e.id, kind, idPrefix[kind])
	}
	if e.name == "" {
		c.add(field(e.loc, e.at, "name"), "name is required")
	}
	if e.isSource && e.status == "" {
		e.status = string(schema.Confirmed) // a source we read exists
	}
	c.checkProvenance(e.loc, e.at, e.status, e.validFrom, e.validUntil)
	for i, a := range e.aliases {
		if strings.ContainsAny(a, "\n\r") {
			c.add(loc{e.file, e.at["aliases"].line, fmt.Sprintf("%s[%d]", e.at["aliases"].path, i)}, "alias %q is not one line", a)
		}
	}
	if !ok {
		return
	}
	c.checkProps(e.props, decl.Properties, string(kind), field(e.loc, e.at, "properties"))
	if kind == schema.State {
		c.checkState(e)
	}
	if e.isSource {
		c.checkSource(e)
		return
	}
	props := decl.Properties
	c.checkEvidence(e.id, e.loc, e.at, e.status, e.evidence, func(name string) (schema.Prop, bool) {
		p, ok := props[name]
		return p, ok
	})
}

// checkState ties a State's id to its ISO codes, which must agree with
// ISO 3166-1 (as the countries package tabulates it).
func (c *checker) checkState(e *entityDoc) {
	var iso2, iso3, num string
	var l loc
	for _, p := range e.props {
		switch p.name {
		case "isoCode":
			iso2, l = p.values[0], p.loc
		case "iso3":
			iso3 = p.values[0]
		case "numericCode":
			num = p.values[0]
		}
	}
	if iso2 == "" || !schema.ValidCountry(iso2) {
		return
	}
	if e.id != loaders.StateID(iso2) {
		c.add(l, "isoCode %q does not match id %q", iso2, e.id)
	}
	cc := countries.ByName(iso2)
	if iso3 != "" && iso3 != cc.Alpha3() {
		c.add(l, "iso3 %q is not the alpha-3 code of %s (%s)", iso3, iso2, cc.Alpha3())
	}
	if want := fmt.Sprintf("%03d", int(cc)); num != "" && num != want {
		c.add(l, "numericCode %q is not the numeric code of %s (%s)", num, iso2, want)
	}
}

func (c *checker) checkProvenance(l loc, at map[string]loc, status, from, until string) {
	switch {
	case status == "":
		c.add(field(l, at, "status"), "status is required (%s)", statusList())
	case !schema.Status(status).Valid():
		c.add(field(l, at, "status"), "%q is not a status (%s)", status, statusList())
	}
	var fromOK, untilOK bool
	if from != "" {
		if _, _, err := schema.DateBounds(from); err != nil {
			c.add(field(l, at, "validFrom"), "%v", err)
		} else {
			fromOK = true
		}
	}
	if until != "" {
		if _, _, err := schema.DateBounds(until); err != nil {
			c.add(field(l, at, "validUntil"), "%v", err)
		} else {
			untilOK = true
		}
	}
	if fromOK && untilOK {
		start, _, _ := schema.DateBounds(from)
		_, end, _ := schema.DateBounds(until)
		if end.Before(start) {
			c.add(field(l, at, "validUntil"), "validUntil %s is before validFrom %s", until, from)
		}
	}
}

func statusList() string {
	s := make([]string, len(schema.Statuses))
	for i, st := range schema.Statuses {
		s[i] = string(st)
	}
	return strings.Join(s, ", ")
}

// checkProps checks names, shapes and values of properties, normalising
// values in place, and that required properties are present.
func (c *checker) checkProps(props []*propDoc, decl map[string]schema.Prop, owner string, l loc) {
	have := map[string]bool{}
	for _, p := range props {
		have[p.name] = true
		d, ok := decl[p.name]
		if !ok {
			c.add(p.loc, "unknown property %q of %s (declared: %s)", p.name, owner, strings.Join(schema.PropNames(decl), ", "))
			continue
		}
		if d.Type.Multi() != p.list {
			if p.list {
				c.add(p.loc, "%s is a single %s, not a list", p.name, d.Type)
			} else {
				c.add(p.loc, "%s is a list (%s); write [%s]", p.name, d.Type, p.values[0])
			}
			continue
		}
		for i, v := range p.values {
			norm, err := d.Check(v)
			if err != nil {
				path := p.path
				if p.list {
					path = fmt.Sprintf("%s[%d]", p.path, i)
				}
				c.add(loc{p.file, p.lines[i], path}, "%v", err)
				continue
			}
			p.values[i] = norm
		}
	}
	for _, name := range schema.PropNames(decl) {
		if decl[name].Required && !have[name] {
			c.add(l, "required property %q of %s is missing", name, owner)
		}
	}
}

// checkEvidence checks the evidence of one fact: at least one item about
// the whole fact, each item well formed, and the fact's status no stronger
// than its strongest item about the whole fact (items about one property
// say how well that value is established, not the fact).
func (c *checker) checkEvidence(factID string, l loc, at map[string]loc, status string, evs []*evidenceDoc, propDecl func(string) (schema.Prop, bool)) {
	evDecl := c.model.EvidenceProps()
	best := 0
	whole := 0
	for _, ev := range evs {
		if ev.source == "" {
			c.add(field(ev.loc, ev.at, "source"), "source is required")
		} else if src, ok := c.entities[ev.source]; !ok || !src.isSource {
			c.add(field(ev.loc, ev.at, "source"), "%q is not a declared source", ev.source)
		}
		st := schema.Status(ev.status)
		switch {
		case ev.status == "":
			c.add(field(ev.loc, ev.at, "status"), "status is required (%s)", statusList())
		case !st.Valid():
			c.add(field(ev.loc, ev.at, "status"), "%q is not a status (%s)", ev.status, statusList())
		}
		if ev.basis != "" {
			if _, err := evDecl["basis"].Check(ev.basis); err != nil {
				c.add(field(ev.loc, ev.at, "basis"), "%v", err)
			}
		}
		if st.Valid() {
			c.calibrate(ev, st)
		}
		if ev.statedOn != "" {
			if _, _, err := schema.DateBounds(ev.statedOn); err != nil {
				c.add(field(ev.loc, ev.at, "statedOn"), "%v", err)
			}
		}
		if ev.value != "" && ev.property == "" {
			c.add(field(ev.loc, ev.at, "value"), "value needs the property it is a value of")
		}
		if ev.property != "" {
			c.checkEvidenceProperty(ev, propDecl)
		} else {
			whole++
			best = max(best, st.Rank())
		}
		if ev.source != "" {
			id := evidenceID(factID, ev.source, ev.property)
			if first, dup := c.evIDs[id]; dup {
				c.add(field(ev.loc, ev.at, "source"), "%q already supports this fact (%s:%d); merge the two items or name the property each is about", ev.source, first.file, first.line)
			} else {
				c.evIDs[id] = ev.loc
			}
		}
	}
	if whole == 0 {
		c.add(field(l, at, "evidence"), "evidence is required: at least one item about the fact itself (without property)")
		return
	}
	if r := schema.Status(status).Rank(); r > 0 && best > 0 && r > best {
		c.add(field(l, at, "status"), "status %q is stronger than the strongest evidence (%s)", status, schema.Statuses[len(schema.Statuses)-best])
	}
}

func (c *checker) checkEvidenceProperty(ev *evidenceDoc, propDecl func(string) (schema.Prop, bool)) {
	l := field(ev.loc, ev.at, "property")
	if slices.Contains(factProps, ev.property) {
		if ev.value != "" && (ev.property == "validFrom" || ev.property == "validUntil") {
			if _, _, err := schema.DateBounds(ev.value); err != nil {
				c.add(field(ev.loc, ev.at, "value"), "%v", err)
			}
		}
		return
	}
	d, ok := propDecl(ev.property)
	if !ok {
		c.add(l, "%q is not a property of this fact", ev.property)
		return
	}
	if ev.value != "" {
		if _, err := d.Check(ev.value); err != nil {
			c.add(field(ev.loc, ev.at, "value"), "%v", err)
		}
	}
}

// kindOf returns the kind of an id: a declared entity or source, or a
// reference state (state:XX with an assigned code).
func (c *checker) kindOf(id string) (schema.Kind, bool) {
	if e, ok := c.entities[id]; ok {
		return schema.Kind(e.kind), true
	}
	if stateID.MatchString(id) && schema.ValidCountry(strings.TrimPrefix(id, "state:")) {
		c.refStates[id] = true
		return schema.State, true
	}
	return "", false
}

func (c *checker) checkRel(r *relDoc) {
	typ := schema.RelType(r.typ)
	decl, ok := c.model.Rel(typ)
	switch {
	case r.typ == "":
		c.add(field(r.loc, r.at, "type"), "type is required")
	case !ok || !schema.ValidRelType(typ):
		c.add(field(r.loc, r.at, "type"), "unknown relationship type %q", r.typ)
		decl = nil
	}
	for _, end := range []struct {
		key, id string
		kinds   func() []schema.Kind
	}{
		{"from", r.from, func() []schema.Kind { return decl.From }},
		{"to", r.to, func() []schema.Kind { return decl.To }},
	} {
		l := field(r.loc, r.at, end.key)
		if end.id == "" {
			c.add(l, "%s is required", end.key)
			continue
		}
		k, found := c.kindOf(end.id)
		if !found {
			c.add(l, "%q is not a declared entity", end.id)
			continue
		}
		if decl != nil && !slices.Contains(end.kinds(), k) {
			c.add(l, "%s %q is a %s; %s goes %s %s", end.key, end.id, k, typ, end.key, kindList(end.kinds()))
		}
	}
	if r.key != "" && !keyRe.MatchString(r.key) {
		c.add(field(r.loc, r.at, "key"), "%q is not a key (lower-case slug)", r.key)
	}
	c.checkProvenance(r.loc, r.at, r.status, r.validFrom, r.validUntil)
	id := relID(r)
	if r.from != "" && r.to != "" && r.typ != "" {
		if first, dup := c.relIDs[id]; dup {
			c.add(r.loc, "duplicate relationship %s (first at %s:%d); give one a key", id, first.file, first.line)
		} else {
			c.relIDs[id] = r.loc
		}
	}
	if decl == nil {
		return
	}
	c.checkProps(r.props, decl.Properties, string(typ), field(r.loc, r.at, "properties"))
	for _, p := range r.props {
		if p.name == "onBehalfOf" {
			if _, ok := c.entities[p.values[0]]; !ok {
				c.add(p.loc, "%q is not a declared entity", p.values[0])
			}
		}
	}
	var goods map[string]schema.Prop
	if typ == schema.Includes {
		// INCLUDES describes the goods as moved, so its evidence may
		// address a property of the included product (e.g. the body
		// variant of the car given) without setting it on the product line.
		if pd, ok := c.model.Kind(schema.Product); ok {
			goods = pd.Properties
		}
	}
	c.checkEvidence(id, r.loc, r.at, r.status, r.evidence, func(name string) (schema.Prop, bool) {
		if p, ok := decl.Properties[name]; ok {
			return p, true
		}
		p, ok := goods[name]
		return p, ok
	})
}

func kindList(ks []schema.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, " or ")
}

func (c *checker) checkUnverified(u *unverifiedDoc, seen map[string]loc) {
	if u.id == "" {
		c.add(field(u.loc, u.at, "id"), "id is required")
	} else if first, dup := seen[u.id]; dup {
		c.add(field(u.loc, u.at, "id"), "duplicate unverified id %q (first at %s:%d)", u.id, first.file, first.line)
	} else {
		seen[u.id] = u.loc
	}
	if u.claim == "" {
		c.add(field(u.loc, u.at, "claim"), "claim is required")
	}
	if u.why == "" {
		c.add(field(u.loc, u.at, "why"), "why is required")
	}
}

// relID is the id of a relationship: TYPE|from|to, plus |key when given.
func relID(r *relDoc) string {
	id := r.typ + "|" + r.from + "|" + r.to
	if r.key != "" {
		id += "|" + r.key
	}
	return id
}

// evidenceID is the id of an evidence item, derived from what it says
// rather than where it sits: "ev:" + fact id + ":" + source id, plus
// ":" + property for an item about one property. Reordering items or files
// keeps every id; the checker rejects two items that would share one.
func evidenceID(factID, sourceID, property string) string {
	id := "ev:" + factID + ":" + sourceID
	if property != "" {
		id += ":" + property
	}
	return id
}

// Status calibration: the strongest status an evidence item may carry,
// from its basis, its source and its wording. A single news report or a
// research report is reported at most; a source's "likely", "possibly" or
// "probably" makes an accusation, alleged at most; confirmed needs a party's
// own statement (basis party), a primary record (record, list) or an
// official body's statement on the record (government, expert). A `record`
// basis must cite a record (an official_record or sanctions_list source),
// and a `list` basis a sanctions list.
var (
	hedged      = regexp.MustCompile(`(?i)\b(likely|possibly|probably)\b`)
	recordKinds = []string{"official_record", "sanctions_list"}
)

// strongestAllowed is the strongest status an evidence item may carry, and
// why.
func strongestAllowed(ev *evidenceDoc) (schema.Status, string) {
	if w := hedged.FindString(ev.quote + " " + ev.claim); w != "" {
		return schema.Alleged, fmt.Sprintf("its wording (%q)", w)
	}
	switch ev.basis {
	case "news":
		return schema.Reported, "a news report (basis news)"
	case "research":
		return schema.Reported, "a research report (basis research)"
	case "reference":
		return schema.Reported, "a reference work (basis reference)"
	case "":
		return schema.Reported, "an item without a basis"
	}
	return schema.Confirmed, ""
}

// calibrate refuses an evidence item whose status is stronger than its
// basis, source and wording allow, or whose basis its source cannot carry.
func (c *checker) calibrate(ev *evidenceDoc, st schema.Status) {
	if st != schema.Disputed {
		if most, why := strongestAllowed(ev); st.Rank() > most.Rank() {
			c.add(field(ev.loc, ev.at, "status"), "status %q is stronger than %s allows (%s at most)", st, why, most)
		}
	}
	src, ok := c.entities[ev.source]
	if !ok || !src.isSource {
		return
	}
	kind := properties(src.props).First("sourceKind")
	switch {
	case ev.basis == "record" && !slices.Contains(recordKinds, kind):
		c.add(field(ev.loc, ev.at, "basis"), "basis record needs a record source (sourceKind %s); %q is %s", strings.Join(recordKinds, " or "), ev.source, kindWords(kind))
	case ev.basis == "list" && kind != "sanctions_list":
		c.add(field(ev.loc, ev.at, "basis"), "basis list needs a sanctions_list source; %q is %s", ev.source, kindWords(kind))
	}
}

func kindWords(kind string) string {
	if kind == "" {
		return "a source without sourceKind"
	}
	return "a " + kind + " source"
}

// sourceFields are the fields every source gives, or names as unknown.
var sourceFields = []string{"url", "publisher", "publishedOn"}

// checkSource refuses a source that lacks url, publisher or publishedOn
// without naming it in `unknown` (with unknownWhy), or that names as
// unknown a field it gives.
func (c *checker) checkSource(e *entityDoc) {
	props := properties(e.props)
	unknown := props["unknown"]
	for _, f := range sourceFields {
		has := props.First(f) != ""
		switch {
		case !has && !slices.Contains(unknown, f):
			c.add(e.loc, "source %q lacks %s: give it, or name it in unknown with unknownWhy", e.id, f)
		case has && slices.Contains(unknown, f):
			c.add(field(e.loc, e.at, "unknown"), "source %q gives %s and names it unknown", e.id, f)
		}
	}
	if len(unknown) > 0 && props.First("unknownWhy") == "" {
		l := e.loc
		for _, p := range e.props {
			if p.name == "unknown" {
				l = p.loc
			}
		}
		c.add(l, "source %q names unknown fields without unknownWhy", e.id)
	}
}
