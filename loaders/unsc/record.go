package unsc

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// builder turns decoded records into loaders.Records for one publication.
type builder struct {
	sourceID  string
	published string
	sum       *Summary
	// emitted holds the reference states already emitted by this load.
	emitted map[string]bool
	// resolutions holds the reference resolutions already emitted.
	resolutions map[string]bool
}

// PartyID is the id of the entity for a listed party: "unsc:" and the UN
// reference number (KPe.068). The reference is the listing's permanent
// identity; the DATAID is the id of one record in one file and changes when
// the UN re-issues a record (KPe.068 was DATAID 6908046 in 2020 and another
// in 2026), so it is kept as the recordId, never as the identity.
func PartyID(reference string) string { return "unsc:" + reference }

// SanctionID is the id of the Sanction entity for a listing: "unsc-sanction:"
// and the UN reference number.
func SanctionID(reference string) string { return "unsc-sanction:" + reference }

// ResolutionID is the id of the Resolution node for a resolution number,
// the form the curated resolutions use: "resolution:unsc-1718".
func ResolutionID(number string) string { return "resolution:unsc-" + number }

// RelID is the id of a relationship: "TYPE|fromId|toId".
func RelID(t schema.RelType, from, to string) string {
	return string(t) + "|" + from + "|" + to
}

var dataIDRE = regexp.MustCompile(`^[0-9A-Za-z._-]+$`)

// recordBuilder holds the record being built.
type recordBuilder struct {
	*builder
	dataID string
	ref    string // REFERENCE_NUMBER, the listing's identity
	rec    loaders.Record
	// The reference states this record is the first to link to, with
	// their evidence; they go last in the record.
	states  []model.Entity
	stateEv []model.Evidence
}

// build maps one INDIVIDUAL (kind Person) or ENTITY (kind Organization).
func (b *builder) build(kind schema.Kind, x *xmlRecord) (loaders.Record, error) {
	dataID := clean(x.DataID)
	if dataID == "" {
		return loaders.Record{}, fmt.Errorf("%w: DATAID", ErrMissingField)
	}
	if !dataIDRE.MatchString(dataID) {
		return loaders.Record{}, fmt.Errorf("%w: DATAID %q", ErrMissingField, dataID)
	}
	name := clean(strings.Join([]string{x.FirstName, x.SecondName, x.ThirdName, x.FourthName}, " "))
	if name == "" {
		return loaders.Record{}, fmt.Errorf("%w: no FIRST_NAME … FOURTH_NAME", ErrMissingField)
	}
	listType := clean(x.ListType)
	if listType == "" {
		return loaders.Record{}, fmt.Errorf("%w: UN_LIST_TYPE", ErrMissingField)
	}
	ref := clean(x.Reference)
	if ref == "" {
		return loaders.Record{}, fmt.Errorf("%w: REFERENCE_NUMBER", ErrMissingField)
	}
	if !dataIDRE.MatchString(ref) {
		return loaders.Record{}, fmt.Errorf("%w: REFERENCE_NUMBER %q", ErrMissingField, ref)
	}
	listed, ok := isoDate(x.ListedOn)
	if !ok {
		return loaders.Record{}, fmt.Errorf("%w: LISTED_ON %q", ErrMissingField, clean(x.ListedOn))
	}

	partyID, sanctionID := PartyID(ref), SanctionID(ref)
	r := &recordBuilder{builder: b, dataID: dataID, ref: ref}
	r.rec.ID = partyID
	prov := model.Provenance{Status: schema.Confirmed, Dataset: Dataset, RecordID: dataID}

	// The party. Its provenance has no validFrom: LISTED_ON dates the
	// listing, not the person or organisation (a person listed in 2009
	// existed before), and entity filters such as activeAt read validFrom.
	// The listing's dates live on the Sanction and on DESIGNATES.
	party := model.Entity{
		ID:          partyID,
		Kind:        kind,
		Name:        name,
		Description: paragraphs(x.Comments),
		Properties:  model.Properties{},
		Provenance:  prov,
	}
	party.Aliases = r.aliases(x, name)
	r.addEntity(party)
	r.evidence(partyID, "", "", "", "")

	// The sanction.
	sprops := model.Properties{}
	sprops.Set("authority", Authority)
	sprops.Set("authorityId", ref)
	sprops.Set("program", listType)
	var listTypes []string
	for _, v := range x.ListTypes {
		listTypes = appendNew(listTypes, clean(v))
	}
	sprops.Set("listType", strings.Join(listTypes, "; "))
	sprops.Set("listingDate", listed)
	var amended []string
	for _, v := range x.Updated {
		if d, ok := isoDate(v); ok {
			amended = appendNew(amended, d)
		}
	}
	sprops.Set("amendedOn", amended...)
	sprov := prov
	sprov.ValidFrom = listed
	r.addEntity(model.Entity{
		ID:         sanctionID,
		Kind:       schema.Sanction,
		Name:       "UN SC " + listType + " listing " + ref,
		Properties: sprops,
		Provenance: sprov,
	})
	r.evidence(sanctionID, "", "", "", "")
	r.relate(schema.Designates, sanctionID, partyID, nil, sprov, "")

	mentions, reviews := resolutions(x.Comments)
	b.sum.ReviewMentions += reviews
	for _, m := range mentions {
		id := ResolutionID(m.number)
		if !b.resolutions[id] {
			if m.year == "" {
				// Without the year there is no adoption date to give the
				// resolution a node of its own; the mention stays in the
				// description.
				b.sum.Unresolved["resolution without year: "+m.number]++
				continue
			}
			b.resolutions[id] = true
			r.resolution(id, m)
		}
		r.relate(schema.PursuantTo, sanctionID, id, nil, sprov, m.quote)
		b.sum.Resolutions[id]++
	}

	// party.Properties is a map: what person and organization set lands in
	// the entity already in the record.
	switch kind {
	case schema.Person:
		r.person(x, party.Properties)
	case schema.Organization:
		r.organization(x, party.Properties)
	}
	r.rec.Entities = append(r.rec.Entities, r.states...)
	r.rec.Evidence = append(r.rec.Evidence, r.stateEv...)
	return r.rec, nil
}

// aliases gathers the other names: ALIAS_NAME values (split where one holds
// several), NAME_ORIGINAL_SCRIPT, and names in original script that alias
// notes give. Empty placeholders and repeats of the name are dropped.
// QUALITY is not kept: model.yaml has no place for it.
func (r *recordBuilder) aliases(x *xmlRecord, name string) []string {
	var out []string
	add := func(names ...string) {
		for _, n := range names {
			if n != name {
				out = appendNew(out, n)
			}
		}
	}
	for _, a := range append(x.IndividualAliases, x.EntityAliases...) {
		add(splitAliases(a.Name)...)
		note := clean(a.Note)
		if m := originalScriptNote.FindStringSubmatch(note); m != nil {
			add(splitAliases(m[1])...)
		} else if note != "" {
			r.sum.Dropped["alias NOTE"]++
		}
	}
	add(splitAliases(x.OriginalScript)...)
	return out
}

// person sets a Person's properties and links.
func (r *recordBuilder) person(x *xmlRecord, props model.Properties) {
	partyID := PartyID(r.ref)

	// Dates of birth. birthDate is a single date in model.yaml, so it holds
	// the first exact date (else the first approximate one), and
	// birthDateUncertain says when that is not the whole story: the date
	// is approximate, or the list gives several dates, a range or only
	// words. Then every date of birth the list gives is kept as Evidence on
	// the birthDate property (value: the date, if there is one; claim: the
	// list's words), so nothing the list says is lost.
	var births []birth
	for _, xb := range x.BirthDates {
		if b, ok := parseBirth(xb); ok {
			births = append(births, b)
		}
	}
	chosen := -1
	for i, b := range births {
		if b.date != "" && !b.uncertain {
			chosen = i
			break
		}
	}
	if chosen < 0 {
		for i, b := range births {
			if b.date != "" {
				chosen = i
				break
			}
		}
	}
	if chosen >= 0 {
		props.Set("birthDate", births[chosen].date)
	}
	plain := len(births) == 1 && !births[0].uncertain
	if len(births) > 0 && !plain {
		props.Set("birthDateUncertain", "true")
		for i, b := range births {
			claim := ""
			if b.text != b.date {
				claim = b.text
			}
			r.evidence(partyID, "birthDate:"+strconv.Itoa(i+1), "birthDate", b.date, claim)
			if b.date == "" {
				r.sum.Unresolved["birthDate: range or text"]++
			}
		}
	}

	// Places of birth: birthPlace is a single string; the first place is
	// the property, and when there are several each is kept as Evidence.
	var places []string
	for _, p := range x.BirthPlaces {
		places = appendNew(places, place(p, true))
	}
	if len(places) > 0 {
		props.Set("birthPlace", places[0])
	}
	if len(places) > 1 {
		for i, p := range places {
			r.evidence(partyID, "birthPlace:"+strconv.Itoa(i+1), "birthPlace", p, "")
		}
	}

	// Dates and places of birth given with an alias.
	for i, a := range x.IndividualAliases {
		alias := clean(a.Name)
		if d := clean(a.DateOfBirth); d != "" {
			value, ok := isoDate(d)
			if !ok {
				value, ok = year(d)
			}
			claim := "given with alias " + alias
			if !ok {
				value, claim = "", claim+": "+d
			}
			r.evidence(partyID, "aliasBirthDate:"+strconv.Itoa(i+1), "birthDate", value, claim)
		}
		if p := place(xmlAddress{City: a.CityOfBirth, Country: a.CountryOfBirth}, true); p != "" {
			r.evidence(partyID, "aliasBirthPlace:"+strconv.Itoa(i+1), "birthPlace", p, "given with alias "+alias)
		}
	}

	// Nationalities: resolved ones become the nationality property and
	// NATIONAL_OF links; the rest are kept as Evidence and counted.
	var codes []string
	for i, v := range x.Nationalities {
		v = clean(v)
		if v == "" {
			continue
		}
		code, ok := countryCode(v, true)
		if !ok {
			r.evidence(partyID, "nationality:"+strconv.Itoa(i+1), "nationality", "", v)
			r.sum.Unresolved["nationality: "+v]++
			continue
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
			r.relate(schema.NationalOf, partyID, r.state(code), nil, r.prov(), "")
		}
	}
	props.Set("nationality", codes...)

	var positions []string
	for _, v := range x.Designations {
		positions = appendNew(positions, clean(v))
	}
	for _, v := range x.Titles {
		positions = appendNew(positions, clean(v))
	}
	props.Set("position", positions...)
	props.Set("gender", gender(x.Gender, x.Comments))

	for _, d := range x.Documents {
		if !d.empty() {
			r.sum.Dropped["INDIVIDUAL_DOCUMENT"]++
		}
	}
	r.addresses(x.IndividualAddresses)
}

// organization sets an Organization's properties and links.
func (r *recordBuilder) organization(x *xmlRecord, props model.Properties) {
	states := r.addresses(x.EntityAddresses)
	if len(states) == 1 {
		props.Set("country", states[0])
	}
	imos := imoNumbers(x.Comments)
	if len(imos) > 0 {
		props.Set("imoNumber", imos[0])
	}
	if len(imos) > 1 {
		for i, n := range imos {
			r.evidence(PartyID(r.ref), "imoNumber:"+strconv.Itoa(i+1), "imoNumber", n, "")
		}
	}
}

// addresses links the party to the state of each address by BASED_IN, one
// link per state, its address property holding every address in that state
// (one a line) that says more than the country. Addresses whose country
// does not resolve are kept as Evidence and counted. It returns the states,
// in order.
func (r *recordBuilder) addresses(addrs []xmlAddress) []string {
	partyID := PartyID(r.ref)
	var codes []string
	lines := map[string][]string{}
	for i, a := range addrs {
		full := place(a, true)
		if full == "" {
			continue
		}
		country := clean(a.Country)
		code, ok := countryCode(country, false)
		if !ok {
			if country == "" {
				country = "(none)"
			}
			r.sum.Unresolved["address country: "+country]++
			r.evidence(partyID, "address:"+strconv.Itoa(i+1), "", "", "Address: "+full)
			continue
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
		if place(a, false) != "" {
			lines[code] = appendNew(lines[code], full)
		}
	}
	for _, code := range codes {
		var props model.Properties
		if l := lines[code]; len(l) > 0 {
			props = model.Properties{}
			props.Set("address", strings.Join(l, "\n"))
		}
		r.relate(schema.BasedIn, partyID, r.state(code), props, r.prov(), "")
	}
	return codes
}

func (r *recordBuilder) prov() model.Provenance {
	return model.Provenance{Status: schema.Confirmed, Dataset: Dataset, RecordID: r.dataID}
}

// state returns the id of the State for code. The first record of a load
// that links to a state carries the reference State and its evidence;
// later records only link to it. Emitting it in every record would be
// simpler, but the writer batches records and cypher.Store.Write refuses an
// id twice in one batch. countryCode only returns codes StateEntity knows.
func (r *recordBuilder) state(code string) string {
	if !r.emitted[code] {
		r.emitted[code] = true
		e, ev, _ := loaders.StateEntity(code)
		r.states = append(r.states, e)
		r.stateEv = append(r.stateEv, ev)
	}
	return loaders.StateID(code)
}

// resolution adds a reference Resolution node for a resolution the list
// names, dated by the year the mention gives. Like reference states it never
// overwrites a stored node, so the curated resolutions keep their details.
func (r *recordBuilder) resolution(id string, m mention) {
	props := model.Properties{}
	props.Set("number", m.number)
	props.Set("adoptedOn", m.year)
	props.Set("symbol", "S/RES/"+m.number+" ("+m.year+")")
	r.addEntity(model.Entity{
		ID: id, Kind: schema.Resolution, Name: "UN Security Council resolution " + m.number + " (" + m.year + ")",
		Properties: props,
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: loaders.ReferenceDataset, RecordID: r.dataID},
	})
	ev := r.newEvidence(id, "")
	ev.Quote = m.quote
	r.rec.Evidence = append(r.rec.Evidence, ev)
}

func (r *recordBuilder) addEntity(e model.Entity) {
	r.rec.Entities = append(r.rec.Entities, e)
}

// relate adds a relationship and its evidence.
func (r *recordBuilder) relate(t schema.RelType, from, to string, props model.Properties, prov model.Provenance, quote string) {
	id := RelID(t, from, to)
	for _, have := range r.rec.Relationships {
		if have.ID == id {
			return
		}
	}
	r.rec.Relationships = append(r.rec.Relationships, model.Relationship{
		ID: id, Type: t, FromID: from, ToID: to, Properties: props, Provenance: prov,
	})
	ev := r.newEvidence(id, "")
	ev.Quote = quote
	r.rec.Evidence = append(r.rec.Evidence, ev)
}

// evidence adds the list's support for a fact; with a property, for one
// value of that property (value and claim as the list gives it). key tells
// apart several evidence records for one fact: "birthDate:2".
func (r *recordBuilder) evidence(factID, key, property, value, claim string) {
	ev := r.newEvidence(factID, key)
	ev.Property, ev.Value, ev.Claim = property, value, claim
	r.rec.Evidence = append(r.rec.Evidence, ev)
}

// newEvidence returns the evidence "ev:"+factID+":unsc" (+":"+key).
func (r *recordBuilder) newEvidence(factID, key string) model.Evidence {
	id := "ev:" + factID + ":" + Dataset
	if key != "" {
		id += ":" + key
	}
	return model.Evidence{
		ID:       id,
		FactID:   factID,
		SourceID: r.sourceID,
		Status:   schema.Confirmed,
		Basis:    "list",
		StatedOn: r.published,
	}
}
