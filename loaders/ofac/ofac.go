// Package ofac reads the US Treasury OFAC sanctions lists and emits the
// project's records to a loaders.Sink. It knows nothing of Neo4j.
//
// Two formats are read, both streamed:
//
//   - the legacy CSV set: sdn.csv (primary records) with the optional
//     add.csv (addresses), alt.csv (alternate names) and sdn_comments.csv
//     (the overflow of the Remarks field), joined by ent_num (LoadCSV,
//     LoadCSVSet). The Consolidated list's cons_prim.csv set has the same
//     layout.
//   - the sdnList XML, for the SDN list (sdn.xml) and the Consolidated
//     non-SDN list (consolidated.xml) (LoadXML, LoadXMLFile). Elements are
//     matched on local names: the default namespace changed from
//     http://tempuri.org/sdnList.xsd (2018) to the sanctionslistservice URL
//     (2024).
//
// # What one entry yields
//
// Each entry becomes one loaders.Record, written whole or not at all: the
// party (Person for individuals, Organization for entities, Product for
// vessels and aircraft) with id "ofac:"+ent_num ("ofac-cons:" on the
// consolidated list; see idPrefix); a Sanction
// "ofac-sanction:"+ent_num that DESIGNATES it; BASED_IN from each address
// country and NATIONAL_OF from each nationality or citizenship; and an
// Evidence record for every entity and relationship, citing the list's
// Source. A reference State travels in the first record of the load that
// points at it: the writer gathers records into batches and refuses an id
// twice in one batch. The Source is emitted first, in a record of its own.
//
// # Dates
//
// The CSV carries no publication date, so Options.Published is required
// for LoadCSV; LoadCSVSet defaults it to the modification date of sdn.csv
// (as downloaded). The XML states its own Publish_Date (MM/DD/YYYY), which
// wins over Options.Published. Dates of birth: "08 Jan 1984" is 1984-01-08,
// "Jan 1984" 1984-01 and "1962" 1962. The first DOB (the XML mainEntry)
// becomes birthDate; every DOB also gets an Evidence record for the
// property, with the list's wording as the quote, so alternates are kept
// side by side. "circa", ranges and alternates set birthDateUncertain. A
// range ("01 Jan 1953 to 31 Dec 1954", "1953 to 1954") yields its "from"
// value, cut to the year when it spans whole years.
//
// # Links between entries
//
// "Linked To: NAME" (and an aircraft's "Aircraft Operator NAME", a vessel's
// owner) name another entry, not always one read yet. The loader keeps an
// index of normalised names and the pending links, and after the last entry
// emits one extra record per linking entry ("ofac:N links") with the
// relationships, resolved when the name matches exactly one entry of the
// same file (primary names, then aliases): ASSOCIATE_OF between parties, USES
// from a party to a vessel or aircraft linked to it or operated by it, OWNS
// from a vessel's owner. With Options.NoLinks neither the index nor the
// pending links are kept and the names stay only in the descriptions.
// Names that do not resolve are returned in Summary.Unlinked for the caller
// to resolve against the graph.
//
// # Memory
//
// sdn.csv and the XML are streamed one entry at a time; repeated ent_nums
// are found with a bitset (a few kilobytes). The side files of the CSV set
// are indexed in memory by ent_num rather than merge-joined: they are much
// smaller than sdn.csv, the index accepts entries in any order, and what is
// left of it at the end is exactly the rows whose ent_num is not in sdn.csv,
// which are reported through Sink.Skip. Measured (live heap, beyond the
// input): the 2021 set's side files (1.5 MB: 13,837 addresses, 11,910
// aliases) take about 6 MB; sdn.csv alone about 0.1 MB, flat however long
// it is (TestLoadCSVMemoryFlat, 20,000 against 100,000 rows). Link
// resolution adds about 350 bytes per entry (5 MB for the 2024 list of
// 14,965 entries); Options.NoLinks turns it off.
//
// # Model
//
// Vessel tonnage is the Tonnage field; gross registered tonnage has no
// property. Identifiers other than tax, registration and IMO numbers
// (passports, national IDs, SWIFT codes, digital currency addresses) have
// no property in model.yaml and stay in the description, and so does any
// fact the remarks parser does not know. An address whose country cannot be
// resolved, and a nationality that cannot, are kept as the claim of an
// Evidence record on the party, and counted in Summary.UnresolvedCountries.
package ofac

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Dataset names, as in model.yaml's provenance.dataset.
const (
	// DatasetSDN is the Specially Designated Nationals list.
	DatasetSDN = "ofac-sdn"
	// DatasetConsolidated is the Consolidated (non-SDN) list.
	DatasetConsolidated = "ofac-cons"
)

// Authority and Publisher name OFAC on Sanction and Source entities.
const (
	Authority = "Office of Foreign Assets Control"
	Publisher = "US Treasury, Office of Foreign Assets Control"
)

// Where OFAC publishes each file; Options.SourceURL overrides.
const (
	URLSDNCSV          = "https://www.treasury.gov/ofac/downloads/sdn.csv"
	URLSDNXML          = "https://www.treasury.gov/ofac/downloads/sdn.xml"
	URLConsolidatedCSV = "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv"
	URLConsolidatedXML = "https://www.treasury.gov/ofac/downloads/consolidated/consolidated.xml"
)

// Options tune a load.
type Options struct {
	// Dataset is DatasetSDN or DatasetConsolidated. LoadCSV defaults to
	// DatasetSDN. LoadXML requires it, because an SDN and a Consolidated
	// sdnList look the same inside; LoadXMLFile and LoadCSVSet guess it from
	// the file name.
	Dataset string
	// Published is the list's publication date, YYYY-MM-DD. Required by
	// LoadCSV (the CSV states none); LoadCSVSet defaults it to the
	// modification date of sdn.csv. The XML's Publish_Date wins over it.
	Published string
	// SourceURL is the Source's url; it defaults to OFAC's download URL of
	// the format and list.
	SourceURL string
	// Name names the input in messages (XML; the CSV names are in
	// CSVFiles). It defaults to "sdn.xml" or "consolidated.xml".
	Name string
	// Limits bound decompression of the files LoadXMLFile and LoadCSVSet
	// open.
	Limits loaders.Limits
	// NoLinks skips resolving names between entries ("Linked To: …"): no
	// name index or pending link is kept, so memory stays flat however long
	// the file; the names stay in the descriptions (the remarks), and
	// Summary.LinkNames counts them.
	NoLinks bool
}

// Summary counts what a load read and emitted.
type Summary struct {
	Dataset   string
	SourceID  string
	Published string
	// Declared is the XML header's Record_Count (0 for CSV).
	Declared int
	// Entries is the number of entries emitted, one record each.
	Entries int
	// Records is every record sent to the sink: the source, the entries and
	// the link records.
	Records int
	// ByType counts entries by type: individual, entity, vessel, aircraft.
	ByType map[string]int
	// ByProgram counts entries by program tag (an entry counts once per tag).
	ByProgram map[string]int
	// DPRK is the number of entries with at least one DPRK* program.
	DPRK int
	// Aliases counts alt.csv rows (or XML aka elements) joined to entries;
	// RemarkAliases the "a.k.a. '…'" found in remarks.
	Aliases       int
	RemarkAliases int
	// Addresses counts add.csv rows (or XML address elements) joined.
	Addresses int
	// Comments counts sdn_comments.csv rows joined to remarks.
	Comments int
	// Truncated counts entries whose remarks stop at OFAC's 1000-character
	// limit with no continuation; their last remark fact is not parsed.
	Truncated int
	// Relationships counts every relationship emitted; Links those between
	// two entries of the file; LinkNames the names read that could make one
	// ("Linked To", aircraft operators, vessel owners).
	Relationships int
	Links         int
	LinkNames     int
	// Skipped counts records not imported, by reason (also sent to Sink.Skip).
	Skipped map[string]int
	// UnresolvedCountries counts country names no ISO code was found for;
	// the text stays in the description or address.
	UnresolvedCountries map[string]int
	// Unlinked lists the names between entries that did not become
	// relationships.
	Unlinked []Link
}

func newSummary(dataset string) Summary {
	return Summary{
		Dataset:             dataset,
		ByType:              map[string]int{},
		ByProgram:           map[string]int{},
		Skipped:             map[string]int{},
		UnresolvedCountries: map[string]int{},
	}
}

// loader holds the state of one load.
type loader struct {
	dataset   string
	listType  string
	sourceID  string
	published string
	sourceURL string
	format    string // "CSV" or "XML"
	sink      loaders.Sink
	sum       Summary
	seen      idSet
	states    map[string]bool // codes StateEntity knows (not "AN", Netherlands Antilles)
	// emittedStates are the reference states already sent in a record.
	emittedStates map[string]bool
	// linkRels are the ids of the relationships the link records sent: two
	// entries may name each other (USES from either side).
	linkRels map[string]bool
	names    *nameIndex // nil with Options.NoLinks
	pending  []pendingLink
}

func newLoader(opts Options, format string, sink loaders.Sink) (*loader, error) {
	ds := opts.Dataset
	if ds != DatasetSDN && ds != DatasetConsolidated {
		return nil, fmt.Errorf("ofac: unknown dataset %q (want %q or %q)", ds, DatasetSDN, DatasetConsolidated)
	}
	l := &loader{
		dataset:       ds,
		listType:      "SDN",
		format:        format,
		sink:          sink,
		sum:           newSummary(ds),
		states:        map[string]bool{},
		emittedStates: map[string]bool{},
		linkRels:      map[string]bool{},
		sourceURL:     opts.SourceURL,
	}
	if ds == DatasetConsolidated {
		l.listType = "Non-SDN Consolidated"
	}
	if l.sourceURL == "" {
		l.sourceURL = map[string]string{
			DatasetSDN + "CSV": URLSDNCSV, DatasetSDN + "XML": URLSDNXML,
			DatasetConsolidated + "CSV": URLConsolidatedCSV, DatasetConsolidated + "XML": URLConsolidatedXML,
		}[ds+format]
	}
	if !opts.NoLinks {
		l.names = newNameIndex()
	}
	return l, nil
}

// idSet remembers the ent_nums read, to find repeated ones. ent_nums are
// small numbers (under 50,000 in 2024), so a bitset holds them in a few
// kilobytes however long the file; anything else goes to a map.
type idSet struct {
	bits  []uint64
	other map[string]bool
	n     int
}

// len is the number of distinct ids added.
func (s *idSet) len() int { return s.n }

// add records id and reports whether it was new.
func (s *idSet) add(id string) bool {
	if n, err := strconv.Atoi(id); err == nil && n >= 0 && n < 1<<24 {
		w, b := n/64, uint64(1)<<(n%64)
		if w >= len(s.bits) {
			s.bits = append(s.bits, make([]uint64, w-len(s.bits)+1+len(s.bits)/2)...)
		}
		if s.bits[w]&b != 0 {
			return false
		}
		s.bits[w] |= b
		s.n++
		return true
	}
	if s.other == nil {
		s.other = map[string]bool{}
	}
	if s.other[id] {
		return false
	}
	s.other[id] = true
	s.n++
	return true
}

// setPublished fixes the publication date, YYYY-MM-DD, and so the source id.
func (l *loader) setPublished(date string) error {
	if _, err := time.Parse("2006-01-02", date); err != nil {
		return fmt.Errorf("ofac: publication date %q: want YYYY-MM-DD", date)
	}
	l.published = date
	l.sourceID = "source:" + l.dataset + "-" + date
	l.sum.Published, l.sum.SourceID = date, l.sourceID
	return nil
}

// emit sends a record to the sink, checking ctx first.
func (l *loader) emit(ctx context.Context, r loaders.Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ofac: %s: %w", r.ID, err)
	}
	if err := l.sink.Record(ctx, r); err != nil {
		return fmt.Errorf("ofac: %s: %w", r.ID, err)
	}
	l.sum.Records++
	l.sum.Relationships += len(r.Relationships)
	return nil
}

// skip reports a record not imported.
func (l *loader) skip(ctx context.Context, id, reason string) error {
	l.sum.Skipped[reason]++
	if err := l.sink.Skip(ctx, loaders.Skipped{RecordID: id, Reason: reason}); err != nil {
		return fmt.Errorf("ofac: %s: %w", id, err)
	}
	return nil
}

// source emits the Source entity of the publication, first.
func (l *loader) source(ctx context.Context) error {
	props := model.Properties{}
	props.Set("publisher", Publisher)
	props.Set("url", l.sourceURL)
	props.Set("publishedOn", l.published)
	props.Set("sourceKind", "sanctions_list")
	list := "OFAC Specially Designated Nationals (SDN) List"
	if l.dataset == DatasetConsolidated {
		list = "OFAC Consolidated Sanctions List (non-SDN)"
	}
	e := model.Entity{
		ID:         l.sourceID,
		Kind:       schema.Source,
		Name:       fmt.Sprintf("%s, %s, %s", list, l.format, l.published),
		Properties: props,
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: l.dataset, RecordID: l.published},
	}
	return l.emit(ctx, loaders.Record{ID: l.sourceID, Batch: model.Batch{Entities: []model.Entity{e}}})
}

// evidence is the list's support for one fact.
func (l *loader) evidence(factID string) model.Evidence {
	return model.Evidence{
		ID:       "ev:" + factID + ":" + l.dataset,
		FactID:   factID,
		SourceID: l.sourceID,
		Status:   schema.Confirmed,
		Basis:    "list",
		StatedOn: l.published,
	}
}

// propEvidence is the list's support for one value of a property, kept side
// by side with the others (alternate dates of birth, further numbers).
func (l *loader) propEvidence(factID, prop, value, quote string) model.Evidence {
	ev := l.evidence(factID)
	ev.ID += ":" + prop + ":" + value
	ev.Property, ev.Value, ev.Quote = prop, value, quote
	return ev
}

// idPrefix starts the ids of a list's records: "ofac" for the SDN list
// ("ofac:47956", "ofac-sanction:47956"), "ofac-cons" for the consolidated
// (non-SDN) list. OFAC numbers entries of both lists in one sequence, and an
// entity on both lists keeps a record per list (linked by SAME_AS on the
// shared listing id) rather than one list's load overwriting the other's.
func (l *loader) idPrefix() string {
	if l.dataset == DatasetConsolidated {
		return "ofac-cons"
	}
	return "ofac"
}

// country resolves a country name as OFAC writes it; unknown names are
// counted. "None Identified", "Unknown" and "undetermined" are no country.
func (l *loader) country(name string) (string, bool) {
	name = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(name), "."))
	switch strings.ToLower(name) {
	case "", "none identified", "unknown", "undetermined":
		return "", false
	}
	if code, ok := countryCode(name); ok {
		known, checked := l.states[code]
		if !checked {
			_, _, known = loaders.StateEntity(code)
			l.states[code] = known
		}
		if known {
			return code, true
		}
	}
	l.sum.UnresolvedCountries[name]++
	return "", false
}

// ofacCountries are OFAC spellings loaders.CountryCode does not know.
var ofacCountries = map[string]string{
	"bahamas, the":                     "BS",
	"the bahamas":                      "BS",
	"gambia, the":                      "GM",
	"the gambia":                       "GM",
	"north macedonia, the republic of": "MK",
	"north macedonia":                  "MK",
}

func countryCode(name string) (string, bool) {
	if code, ok := loaders.CountryCode(name); ok {
		return code, true
	}
	if code, ok := ofacCountries[strings.ToLower(name)]; ok {
		return code, true
	}
	// "Region: Gaza" names a region of a state; resolve the region name.
	if region, ok := strings.CutPrefix(name, "Region: "); ok {
		return loaders.CountryCode(region)
	}
	return "", false
}

// kindOf maps SDN_Type / sdnType to a kind and the summary's type name.
func kindOf(t string) (schema.Kind, string, bool) {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "individual":
		return schema.Person, "individual", true
	case "", "-0-", "entity":
		return schema.Organization, "entity", true
	case "vessel":
		return schema.Product, "vessel", true
	case "aircraft":
		return schema.Product, "aircraft", true
	}
	return "", "", false
}

// readableName turns the list's "LAST, First" into "First LAST"; a third
// part (a suffix such as "Jr.") stays at the end.
func readableName(name string) string {
	parts := strings.Split(name, ",")
	if len(parts) < 2 {
		return name
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	out := []string{parts[1], parts[0]}
	out = append(out, parts[2:]...)
	return strings.Join(slices.DeleteFunc(out, func(s string) bool { return s == "" }), " ")
}

// record builds the record of one entry, or returns why the entry cannot
// be imported.
func (l *loader) record(e *entry) (rec loaders.Record, reason string) {
	kind, typeName, ok := kindOf(e.rawType)
	if !ok {
		return rec, "unknown SDN type " + e.rawType
	}
	e.sdnType = typeName
	if e.name == "" {
		return rec, "no name"
	}
	e.parseRemarks()

	partyID := l.idPrefix() + ":" + e.uid
	prov := model.Provenance{Status: schema.Confirmed, Dataset: l.dataset, RecordID: e.uid}
	b := &recordBuilder{l: l, partyID: partyID, prov: prov, seen: map[string]bool{}}
	b.ev(l.evidence(partyID)) // the party's own evidence first

	// Names: an individual's readable name, with the list spelling kept as
	// an alias.
	name := e.name
	var aliases []string
	if kind == schema.Person {
		name = readableName(e.name)
		aliases = append(aliases, e.name)
	}
	for _, a := range e.aliases {
		if kind == schema.Person && strings.Contains(a.name, ",") {
			aliases = append(aliases, readableName(a.name))
		}
		aliases = append(aliases, a.name)
	}
	aliases = dedupe(aliases, name)

	props := model.Properties{}
	switch kind {
	case schema.Person:
		b.person(e, props)
	case schema.Organization:
		b.organization(e, props)
	case schema.Product:
		b.product(e, props)
	}

	// Addresses, by state; an organisation in one state only is of that
	// country. An address the model cannot place (no or unknown country,
	// or the address of a vessel) is kept as a claim on the party's
	// evidence.
	var basedIn struct {
		order     []string
		addresses map[string][]string
	}
	basedIn.addresses = map[string][]string{}
	for i, a := range e.addresses {
		code, ok := l.country(a.country)
		if !ok || kind == schema.Product {
			if text := a.text(); text != "" {
				b.claim("address", i, "Address: "+text)
			}
			continue
		}
		if _, have := basedIn.addresses[code]; !have {
			basedIn.order = append(basedIn.order, code)
		}
		basedIn.addresses[code] = append(basedIn.addresses[code], a.text())
	}
	// An organisation without an address is still placed by the country its
	// registration or tax number belongs to ("Tax ID No. 7743237789
	// (Russia)"): the 2024 CSV comes without add.csv, and otherwise most of
	// its entities would reach no state.
	if kind == schema.Organization && len(basedIn.order) == 0 {
		for _, id := range e.idents {
			if id.country == "" || (id.class != identRegistration && id.class != identTax) {
				continue
			}
			code, ok := l.country(id.country)
			if !ok {
				continue
			}
			if _, have := basedIn.addresses[code]; !have {
				basedIn.order = append(basedIn.order, code)
			}
			basedIn.addresses[code] = append(basedIn.addresses[code], "registered: "+id.text)
		}
	}
	if kind == schema.Organization && len(basedIn.order) == 1 {
		props.Set("country", basedIn.order[0])
	}

	desc := e.description
	if desc == "" {
		desc = e.remarks
	}
	party := model.Entity{
		ID: partyID, Kind: kind, Name: name, Aliases: aliases,
		Description: desc, Properties: props, Provenance: prov,
	}
	b.entity(party)

	// The sanction.
	sanctionID := l.idPrefix() + "-sanction:" + e.uid
	sp := model.Properties{}
	sp.Set("authority", Authority)
	sp.Set("authorityId", e.uid)
	sp.Set("program", e.programs...)
	sp.Set("listType", l.listType)
	for _, n := range e.sanctionNotes {
		// "Listing Date (EO 14024 Directive 2): 24 Feb 2022" on NS-MBS.
		if v, ok := cutPrefix(strings.TrimPrefix(n, "alt. "), "Listing Date"); ok {
			if _, after, found := strings.Cut(v, ":"); found {
				v = after
			} else if i := strings.LastIndex(v, ")"); i >= 0 {
				v = v[i+1:]
			}
			if d, ok := parseDate(v); ok && sp.First("listingDate") == "" {
				sp.Set("listingDate", d)
			}
		}
	}
	b.entity(model.Entity{
		ID: sanctionID, Kind: schema.Sanction, Name: "OFAC " + l.listType + ": " + name,
		Description: strings.Join(e.sanctionNotes, "; "), Properties: sp, Provenance: prov,
	})
	b.rel(schema.Designates, sanctionID, partyID, nil)

	// Places: BASED_IN from addresses, NATIONAL_OF from nationalities.
	for _, code := range basedIn.order {
		rp := model.Properties{}
		rp.Set("address", strings.Join(dedupe(basedIn.addresses[code], ""), "\n"))
		b.state(code)
		b.rel(schema.BasedIn, partyID, loaders.StateID(code), rp)
	}
	if kind == schema.Person {
		for _, code := range props["nationality"] {
			b.state(code)
			b.rel(schema.NationalOf, partyID, loaders.StateID(code), nil)
		}
	}

	// Summary.
	l.sum.Entries++
	l.sum.ByType[typeName]++
	dprk := false
	for _, p := range e.programs {
		l.sum.ByProgram[p]++
		dprk = dprk || strings.HasPrefix(p, "DPRK")
	}
	if dprk {
		l.sum.DPRK++
	}
	l.sum.RemarkAliases += e.remarkAliases
	if e.truncated {
		l.sum.Truncated++
	}

	// Names for links between entries, resolved at the end.
	if e.owner != "" {
		e.links = append(e.links, nameLink{kind: vesselOwner, name: e.owner, text: "Vessel Owner " + e.owner})
	}
	l.sum.LinkNames += len(e.links)
	if l.names != nil {
		l.names.add(partyID, kind, e.name, aliases)
		for _, nl := range e.links {
			// Clone: the strings point into the whole CSV line or XML entry.
			nl.name, nl.text = strings.Clone(nl.name), strings.Clone(nl.text)
			l.pending = append(l.pending, pendingLink{fromID: partyID, fromKind: kind, nameLink: nl})
		}
	}

	return loaders.Record{ID: partyID, Batch: b.batch}, ""
}

// recordBuilder collects the entities, relationships and evidence of one
// record, each once.
type recordBuilder struct {
	l       *loader
	partyID string
	prov    model.Provenance
	batch   model.Batch
	seen    map[string]bool
}

func (b *recordBuilder) ev(ev model.Evidence) {
	if !b.seen[ev.ID] {
		b.seen[ev.ID] = true
		b.batch.Evidence = append(b.batch.Evidence, ev)
	}
}

func (b *recordBuilder) entity(e model.Entity) {
	b.batch.Entities = append(b.batch.Entities, e)
	b.ev(b.l.evidence(e.ID))
}

func (b *recordBuilder) rel(typ schema.RelType, from, to string, props model.Properties) {
	id := relID(typ, from, to)
	if b.seen[id] {
		return
	}
	b.seen[id] = true
	b.batch.Relationships = append(b.batch.Relationships, model.Relationship{
		ID: id, Type: typ, FromID: from, ToID: to, Properties: props, Provenance: b.prov,
	})
	b.ev(b.l.evidence(id))
}

// state adds the reference State entity for a code to the first record of
// the load that links to it. The writer gathers records into batches and
// refuses an id twice in one batch; a state written by an earlier record
// is in the graph already (the writer never lets a reference state
// overwrite a stored one).
func (b *recordBuilder) state(code string) {
	if b.l.emittedStates[code] {
		return
	}
	st, ev, ok := loaders.StateEntity(code)
	if !ok {
		return
	}
	b.l.emittedStates[code] = true
	b.batch.Entities = append(b.batch.Entities, st)
	b.ev(ev)
}

// claim keeps something the list says that the model cannot express as
// the claim of an evidence record on the party.
func (b *recordBuilder) claim(what string, i int, text string) {
	ev := b.l.evidence(b.partyID)
	ev.ID += ":" + what + ":" + strconv.Itoa(i)
	ev.Claim = text
	b.ev(ev)
}

// single sets a single-valued property to the first value and, when the
// list gives more than one, keeps every value as property evidence.
func (b *recordBuilder) single(props model.Properties, prop string, values, quotes []string) {
	values = dedupe(values, "")
	if len(values) == 0 {
		return
	}
	props.Set(prop, values[0])
	if len(values) > 1 {
		for i, v := range values {
			q := ""
			if i < len(quotes) {
				q = quotes[i]
			}
			b.ev(b.l.propEvidence(b.partyID, prop, v, q))
		}
	}
}

func (b *recordBuilder) person(e *entry, props model.Properties) {
	// Dates of birth: the first (main) one is the property; every one is
	// kept as property evidence with the list's wording.
	uncertain := false
	var first string
	good := 0
	for i, d := range e.dobs {
		date, unc, ok := parseDOB(d.text)
		if !ok {
			b.claim("birthDate", i, "DOB "+d.text) // wording the model cannot read
			continue
		}
		good++
		uncertain = uncertain || unc
		if first == "" && !d.alt {
			first = date
		}
		quote := "DOB " + d.text
		if d.alt {
			quote = "alt. " + quote
		}
		b.ev(b.l.propEvidence(b.partyID, "birthDate", date, quote))
	}
	if first == "" {
		for _, d := range e.dobs {
			if date, _, ok := parseDOB(d.text); ok {
				first = date
				break
			}
		}
	}
	props.Set("birthDate", first)
	if first != "" && (uncertain || good > 1) {
		props.Set("birthDateUncertain", "true")
	}
	b.single(props, "birthPlace", e.pobs, nil)
	for i, n := range e.nationalities {
		if code, ok := b.l.country(n); ok {
			props.Add("nationality", code)
		} else if n != "" {
			b.claim("nationality", i, "nationality "+n)
		}
	}
	for _, t := range e.titles {
		for p := range strings.SplitSeq(t, ";") {
			props.Add("position", strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), ".")))
		}
	}
	b.single(props, "gender", e.genders, nil)
}

func (b *recordBuilder) organization(e *entry, props model.Properties) {
	b.idents(e, props)
	var dates, quotes []string
	for _, s := range e.established {
		if d, ok := parseDate(s); ok {
			dates = append(dates, d)
			quotes = append(quotes, "Organization Established Date "+s)
		}
	}
	b.single(props, "incorporationDate", dates, quotes)
	var sites []string
	for _, w := range e.websites {
		if u, ok := websiteURL(w); ok {
			sites = append(sites, u)
		}
	}
	b.single(props, "website", sites, nil)
	// country: from addresses when they agree (set by the caller); else
	// from "Nationality of Registration".
	for _, c := range e.regCountries {
		if code, ok := b.l.country(c); ok {
			props.Set("country", code)
			break
		}
	}
}

func (b *recordBuilder) product(e *entry, props model.Properties) {
	props.Set("category", e.sdnType)
	var imos, quotes []string
	for _, id := range e.idents {
		if id.class == identIMO {
			imos = append(imos, id.number)
			quotes = append(quotes, id.text)
		}
	}
	b.single(props, "imoNumber", imos, quotes)
	if e.flag != "" {
		if code, ok := b.l.country(e.flag); ok {
			props.Set("flag", code)
		}
	}
	props.Set("callSign", e.callSign)
	props.Set("vesselType", e.vesselType)
	if t := strings.ReplaceAll(e.tonnage, ",", ""); t != "" {
		if n, err := (schema.Prop{Type: schema.TNumber}).Check(t); err == nil {
			props.Set("tonnage", n)
		}
	}
	b.single(props, "model", e.models, nil)
}

// idents fills an organisation's registration, tax and IMO numbers.
func (b *recordBuilder) idents(e *entry, props model.Properties) {
	for _, c := range []struct {
		class identClass
		prop  string
	}{{identRegistration, "registrationNumber"}, {identTax, "taxNumber"}, {identIMO, "imoNumber"}} {
		var values, quotes []string
		for _, id := range e.idents {
			if id.class == c.class {
				values = append(values, id.number)
				quotes = append(quotes, id.text)
			}
		}
		b.single(props, c.prop, values, quotes)
	}
}

// websiteURL makes an absolute URL of a website as the list writes it
// ("www.example.com"), adding http:// when the scheme is missing.
func websiteURL(s string) (string, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if s == "" || strings.ContainsAny(s, " \t") {
		return "", false
	}
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		s = "http://" + s
	}
	if !schema.ValidURL(s) {
		return "", false
	}
	if u, _ := url.Parse(s); !strings.Contains(u.Host, ".") {
		return "", false
	}
	return s, true
}

// dedupe drops empty and repeated strings (and except), keeping order.
func dedupe(in []string, except string) []string {
	var out []string
	seen := map[string]bool{except: true, "": true}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// finish emits the link records, once every entry is known: one record per
// linking entry, in the order the entries came. The pending links of one
// entry are contiguous, so each record is built and sent before the next.
func (l *loader) finish(ctx context.Context) error {
	pending := l.pending
	l.pending = nil
	for i := 0; i < len(pending); {
		j := i + 1
		for j < len(pending) && pending[j].fromID == pending[i].fromID {
			j++
		}
		if err := l.emitLinks(ctx, pending[i:j]); err != nil {
			return err
		}
		clear(pending[i:j]) // let the strings go
		i = j
	}
	return nil
}

// emitLinks resolves the links of one entry and emits them as one record.
func (l *loader) emitLinks(ctx context.Context, links []pendingLink) error {
	uid := strings.TrimPrefix(links[0].fromID, "ofac:")
	var batch model.Batch
	seen := map[string]bool{}
	for _, p := range links {
		to, reason := l.names.lookup(p.name)
		if reason != "" {
			l.sum.Unlinked = append(l.sum.Unlinked, Link{FromID: p.fromID, Kind: p.kind.String(), Name: p.name, Reason: reason})
			continue
		}
		if to.id == p.fromID {
			continue // an entry linked to itself says nothing
		}
		typ, from, toID, props, ok := linkRel(p, to)
		if !ok {
			l.sum.Unlinked = append(l.sum.Unlinked, Link{FromID: p.fromID, Kind: p.kind.String(), Name: p.name, Reason: "not modelled"})
			continue
		}
		id := relID(typ, from, toID)
		ev := l.evidence(id)
		ev.Quote = p.text
		if seen[id] || l.linkRels[id] {
			// The same pair named twice (operator and Linked To, or each
			// entry naming the other): one relationship, each wording as
			// its own evidence.
			ev.ID += ":" + uid + ":" + p.kind.token()
			if !seen[ev.ID] {
				seen[ev.ID] = true
				batch.Evidence = append(batch.Evidence, ev)
			}
			continue
		}
		seen[id], seen[ev.ID] = true, true
		l.linkRels[id] = true
		batch.Relationships = append(batch.Relationships, model.Relationship{
			ID: id, Type: typ, FromID: from, ToID: toID, Properties: props,
			Provenance: model.Provenance{Status: schema.Confirmed, Dataset: l.dataset, RecordID: uid},
		})
		batch.Evidence = append(batch.Evidence, ev)
	}
	if batch.Len() == 0 {
		return nil
	}
	if err := l.emit(ctx, loaders.Record{ID: "ofac:" + uid + " links", Batch: batch}); err != nil {
		return err
	}
	l.sum.Links += len(batch.Relationships)
	return nil
}
