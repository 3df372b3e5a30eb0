// Package ftm reads OpenSanctions FollowTheMoney (FtM) entity exports, JSON
// lines with one entity object per line (id, caption, schema, properties
// whose values are all lists of strings, datasets, referents, target,
// first_seen, last_seen, last_change), maps what fits the project's model
// and emits records to a loaders.Sink. It knows nothing of Neo4j.
//
// # What a line yields
//
// Ids are "ftm:" + the FtM id. Every line is accounted for exactly once:
// it yields a Record, is folded into other records, or is reported through
// Sink.Skip with a reason; Summary counts each (Summary.Accounted == Lines).
//
//   - Person → Person; Organization, Company, LegalEntity, PublicBody →
//     Organization; Vehicle, Vessel, Airplane → Product (category
//     motor_vehicle, vessel, aircraft). Names: the caption is the name;
//     name, alias, previousName, weakAlias and abbreviation are aliases;
//     first, middle and last name make the name only when there is none.
//     Countries become BASED_IN (Person.country, jurisdiction, mainCountry,
//     country) and NATIONAL_OF (nationality, citizenship), with the
//     reference State entities, once per record.
//   - Sanction → Sanction, DESIGNATES its entity, and ISSUED_BY an
//     Organization "ftm-authority:" + slug of the authority's name (role
//     sanctions_authority), so every sanction of one authority meets at one
//     node. listingDate falls back to startDate; endDate is validUntil, and
//     delistedOn only when it is not after the day the entity was last
//     seen (a future endDate is a scheduled expiry, not a delisting).
//   - Ownership → OWNS (share from percentage), Directorship → DIRECTS,
//     Family → FAMILY_OF, Associate → ASSOCIATE_OF, Representation →
//     ASSOCIATE_OF with relationship "representative", Membership →
//     MEMBER_OF, Employment → WORKS_FOR, UnknownLink → ASSOCIATE_OF. Their
//     ids are TYPE|from|to|FtM id, since several ownerships may join one
//     pair; startDate and endDate are validFrom and validUntil. A Vehicle's
//     owner and operator become OWNS and USES.
//   - Address entities make no node: each address is attached, as text, to
//     the BASED_IN of the entities that reference it (addressEntity), by the
//     address's country; an address with no country known goes into the
//     entity's description. Passport and Identification are folded into
//     the holder's description. Both need the Index (see below); an
//     Address nobody in the file references is skipped, with the reason.
//   - Any other schema (Note, Occupancy, Security …) is skipped with the
//     reason "schema X not mapped".
//
// FtM properties without a home in schema/model.yaml are kept as text: in
// the entity's Description ("innCode: 1841015504"), or, for relationships,
// which have no description, in the Claim of their Evidence ("role:
// subsidiary of"). Summary.Unmapped counts them by schema and property.
// Only bookkeeping (createdAt, modifiedAt, retrievedAt, indexText …), the
// parts of a name already covered by the names, and the referents are
// dropped, counted in Summary.Dropped. A value that does not fit its model
// type (a malformed date, an unknown country code) goes to the description
// as well. A single-valued property given several values keeps the first,
// and every value gets an Evidence record for the property, side by side.
//
// # Status and evidence
//
// A fact is confirmed when at least one of the line's datasets is an
// official source (Options.Official, by default Official: a dataset named
// after the publisher's jurisdiction, such as us_ofac_sdn, eu_fsf or
// ext_ru_egrul, that is not a research or PEP collection), and reported
// otherwise. Topics do not decide it: they classify the entity (sanction,
// poi, debarment), not how well a statement is established, and links such
// as Ownership carry none. (Topics that say what an organisation is give
// its roles: fin.bank → bank, gov.* → government_body …; a PublicBody is a
// government_body. No role is guessed from names or notes.) Every entity and relationship gets one Evidence,
// "ev:" + fact id + ":ftm", citing the file's Source, "source:ftm-" +
// Options.Name, with basis "list" and statedOn the line's last_change. With
// Options.DatasetSources every fact also gets one Evidence per upstream
// dataset, "ev:" + fact id + ":opensanctions-" + dataset, citing a Source
// "source:opensanctions-" + dataset emitted before its first use.
//
// # Passes, order and memory
//
// FtM files are not ordered: in the zala sample an Ownership (line 71)
// points at a Company defined on line 80, and addresses come after the
// entities that use them. The writer resolves relationship endpoints among
// stored nodes, so a relationship must not arrive before its endpoints.
// LoadFile, and Load with a reopen function (LoadPasses), therefore read the
// file three times, streaming each time:
//
//  1. BuildIndex: an Index of id → schema for every entity that can be an
//     endpoint, the text and country of every Address, the identity
//     documents by holder, and the latest last_change.
//  2. Every line that makes a node (and lines that are only accounted for:
//     addresses, documents, skipped schemata), with the relationships that
//     stay within the record (BASED_IN, NATIONAL_OF).
//  3. Every line that links entities: Sanction, Ownership, Directorship …
//     and a Vehicle's owner and operator.
//
// The Index is the state that grows with the file: measured at about 42
// bytes plus the id per indexed entity (67 bytes for an "NK-…" id of 25
// bytes, 83 for a 45-byte source id; 85 on average in BenchmarkIndexMemory,
// which mixes in addresses), plus the text of every address and document,
// so about 70–85 MB per million entities. Besides it, a load keeps the
// Address ids it has seen (about 60 bytes each) to account for them at the
// end, and small sets of states, dataset sources and authorities; records
// are not kept (TestLoadMemoryFlat). With the Index, a relationship whose endpoint is not in
// the file is rejected (the writer could not resolve it) unless
// Options.ExternalEndpoints is set, and one whose endpoint is in the file
// but of a schema that maps to no kind the type allows (an UnknownLink to a
// Vessel, a Sanction of a Security) is rejected with the reason.
//
// Load reads one io.Reader once, in file order. Without an Index it cannot
// attach addresses or documents (they are skipped) and cannot tell which
// endpoints exist; its relationships are emitted as the file gives them, for
// sinks that resolve forward references themselves.
package ftm

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Dataset is the provenance dataset of every fact this package emits.
const Dataset = "ftm"

// IDPrefix starts the id of every node made from an FtM entity.
const IDPrefix = "ftm:"

// ID returns the node id of an FtM entity id.
func ID(ftmID string) string { return IDPrefix + ftmID }

// SourceID returns the id of the Source for an FtM file named name.
func SourceID(name string) string { return "source:ftm-" + name }

// DatasetSourceID returns the id of the Source for an upstream OpenSanctions
// dataset (Options.DatasetSources).
func DatasetSourceID(dataset string) string { return "source:opensanctions-" + dataset }

// Options tune a load.
type Options struct {
	// Name names the file's Source, "source:ftm-" + Name: use the dataset
	// folder ("zala", "default"). Required.
	Name string
	// Title is the Source's name; it defaults to "OpenSanctions FtM export:
	// " + Name.
	Title string
	// URL is where the file was obtained, the Source's url.
	URL string
	// PublishedOn is the Source's publishedOn (YYYY, YYYY-MM or YYYY-MM-DD).
	// It defaults to the latest last_change in the file: from the Index
	// when there is one, otherwise the Source is emitted again after the
	// last line with the date found.
	PublishedOn string
	// Limits bound decompression of the file LoadFile opens.
	Limits loaders.Limits
	// Index, built by BuildIndex over the same file, lets Load attach
	// addresses and documents and check endpoints. LoadFile and LoadPasses
	// build their own.
	Index *Index
	// Official reports whether an upstream dataset is an official source,
	// which makes its facts confirmed; nil means Official.
	Official func(dataset string) bool
	// DatasetSources adds, for every fact, one Evidence per upstream
	// dataset, citing a Source per dataset.
	DatasetSources bool
	// Model is the parsed schema/model.yaml the mapping checks values
	// against; nil parses the embedded one (a few milliseconds), so a
	// caller loading many files passes one.
	Model *schema.Model
	// ExternalEndpoints emits relationships whose endpoint is not in the
	// file (known only with an Index), for a graph that already holds it.
	// Without it they are rejected and counted.
	ExternalEndpoints bool
}

// Summary says what a load did. Every line is counted once in Lines and
// once in Emitted, Folded or Skipped.
type Summary struct {
	// Lines is the number of non-blank lines read.
	Lines int
	// BySchema counts lines by FtM schema.
	BySchema map[string]int
	// Emitted is the number of lines that yielded a record.
	Emitted int
	// Folded counts lines whose content went into other lines' records
	// (addresses, identity documents), by reason.
	Folded map[string]int
	// Skipped counts lines not imported, by reason (also sent to
	// Sink.Skip).
	Skipped map[string]int
	// Records is the number of records sent to the sink, Source records
	// included.
	Records int
	// Entities, Relationships and Evidence count what the records held.
	Entities      int
	Relationships int
	Evidence      int
	// ByKind and ByType break Entities and Relationships down.
	ByKind map[schema.Kind]int
	ByType map[schema.RelType]int
	// Rejected counts facts of emitted lines that were not emitted (a
	// relationship to an endpoint of an unmapped schema …), by reason.
	Rejected map[string]int
	// Unmapped counts FtM values kept as text (description or evidence
	// claim) because the model has no property for them, by
	// "Schema.property".
	Unmapped map[string]int
	// Dropped counts FtM values deliberately not kept, by
	// "Schema.property: reason".
	Dropped map[string]int
	// External counts relationship endpoints that are not in the file
	// (known only with an Index).
	External int
	// PublishedOn is the Source's publishedOn.
	PublishedOn string
}

func newSummary() Summary {
	return Summary{
		BySchema: map[string]int{}, Folded: map[string]int{}, Skipped: map[string]int{},
		ByKind: map[schema.Kind]int{}, ByType: map[schema.RelType]int{},
		Rejected: map[string]int{}, Unmapped: map[string]int{}, Dropped: map[string]int{},
	}
}

// Accounted is the number of lines emitted, folded or skipped; it equals
// Lines after a load that returned no error.
func (s Summary) Accounted() int {
	n := s.Emitted
	for _, c := range s.Folded {
		n += c
	}
	for _, c := range s.Skipped {
		n += c
	}
	return n
}

// LineError is an error reading, decoding or emitting one line.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("ftm: line %d: %v", e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// Load reads r once, in file order, and emits records to sink. See the
// package documentation for what it cannot do without Options.Index.
func Load(ctx context.Context, r io.Reader, opts Options, sink loaders.Sink) (Summary, error) {
	l, err := newLoader(opts, sink)
	if err != nil {
		return Summary{}, err
	}
	if err := l.start(ctx); err != nil {
		return l.sum, err
	}
	if err := l.pass(ctx, r, passAll); err != nil {
		return l.sum, err
	}
	return l.sum, l.finish(ctx)
}

// LoadPasses reads the file three times through open, which it calls once
// per pass and whose reader it closes: it builds the Index, then emits the
// lines that make nodes, then the lines that link them, so no relationship
// arrives before its endpoints. Options.Index is ignored.
func LoadPasses(ctx context.Context, open func() (io.ReadCloser, error), opts Options, sink loaders.Sink) (Summary, error) {
	idx, err := withReader(open, func(r io.Reader) (*Index, error) { return BuildIndex(ctx, r) })
	if err != nil {
		return Summary{}, err
	}
	opts.Index = idx
	l, err := newLoader(opts, sink)
	if err != nil {
		return Summary{}, err
	}
	if err := l.start(ctx); err != nil {
		return l.sum, err
	}
	for _, p := range []passKind{passNodes, passLinks} {
		if _, err := withReader(open, func(r io.Reader) (struct{}, error) { return struct{}{}, l.pass(ctx, r, p) }); err != nil {
			return l.sum, err
		}
	}
	return l.sum, l.finish(ctx)
}

// LoadFile is LoadPasses over a file, which may be gzip-compressed.
func LoadFile(ctx context.Context, path string, opts Options, sink loaders.Sink) (Summary, error) {
	return LoadPasses(ctx, func() (io.ReadCloser, error) { return loaders.OpenLimited(path, opts.Limits) }, opts, sink)
}

func withReader[T any](open func() (io.ReadCloser, error), f func(io.Reader) (T, error)) (T, error) {
	var zero T
	rc, err := open()
	if err != nil {
		return zero, fmt.Errorf("ftm: %w", err)
	}
	v, err := f(rc)
	if cerr := rc.Close(); err == nil && cerr != nil {
		return zero, fmt.Errorf("ftm: %w", cerr)
	}
	return v, err
}

// passKind selects which lines a pass emits.
type passKind int

const (
	// passAll emits every line, in file order (Load).
	passAll passKind = iota
	// passNodes emits the lines that make nodes and accounts for every
	// line that is not a link.
	passNodes
	// passLinks emits Sanctions, links and a vehicle's owner and operator.
	passLinks
)

// loader holds the state of one load across its passes: the options, the
// summary and small sets that do not grow with the file (states, dataset
// sources and authorities are few), plus the addresses seen, which grow
// with the addresses only.
type loader struct {
	opts     Options
	sink     loaders.Sink
	model    *schema.Model
	idx      *Index
	official func(string) bool
	sourceID string
	sum      Summary

	published    string            // the Source's publishedOn as emitted
	latest       string            // latest last_change read, without an Index
	datasets     map[string]bool   // dataset Sources emitted
	authorities  map[string]string // authority name → Organization id, once emitted
	authorityIDs []string          // authority Organization ids emitted
	addrUsed     map[string]bool   // Address ids attached to some entity
	addrLines    []addrLine        // Address lines read, accounted for at the end
}

type addrLine struct {
	line int
	id   string
}

func newLoader(opts Options, sink loaders.Sink) (*loader, error) {
	if opts.Name == "" {
		return nil, errors.New("ftm: Options.Name is required (it names the file's Source)")
	}
	if opts.PublishedOn != "" && !schema.ValidDate(opts.PublishedOn) {
		return nil, fmt.Errorf("ftm: Options.PublishedOn %q is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", opts.PublishedOn)
	}
	if _, ok := convert(schema.Prop{Type: schema.TURL}, opts.URL); opts.URL != "" && !ok {
		return nil, fmt.Errorf("ftm: Options.URL %q is not an absolute http(s) URL", opts.URL)
	}
	m := opts.Model
	if m == nil {
		var err error
		if m, err = schema.LoadModel(); err != nil {
			return nil, fmt.Errorf("ftm: %w", err)
		}
	}
	l := &loader{
		opts: opts, sink: sink, model: m, idx: opts.Index,
		official: opts.Official, sourceID: SourceID(opts.Name), sum: newSummary(),
		datasets: map[string]bool{}, authorities: map[string]string{}, addrUsed: map[string]bool{},
	}
	if l.official == nil {
		l.official = Official
	}
	return l, nil
}

// start emits the Source of the file, and the ISO 3166-1 Source that the
// reference states cite, in a record of their own.
func (l *loader) start(ctx context.Context) error {
	l.published = l.opts.PublishedOn
	if l.published == "" && l.idx != nil {
		l.published = l.idx.LatestChange()
	}
	rec := loaders.Record{ID: l.sourceID}
	rec.Entities = append(rec.Entities, loaders.ISO3166Source(), l.fileSource(l.published))
	return l.emit(ctx, 0, rec)
}

// finish accounts for the Address lines, now that every reference has been
// read, and re-emits the Source with its date when it was not known at the
// start.
func (l *loader) finish(ctx context.Context) error {
	for _, a := range l.addrLines {
		if l.addrUsed[a.id] {
			l.sum.Folded["Address: attached to the entities referencing it"]++
			continue
		}
		if err := l.skip(ctx, a.line, a.id, "Address: not referenced by any mapped entity in the file"); err != nil {
			return err
		}
	}
	l.addrLines = nil
	if latest, ok := datePart(l.latest); ok && l.published == "" {
		l.published = latest
		rec := loaders.Record{ID: l.sourceID + " (publishedOn)"}
		rec.Entities = append(rec.Entities, l.fileSource(l.published))
		if err := l.emit(ctx, 0, rec); err != nil {
			return err
		}
	}
	l.sum.PublishedOn = l.published
	return nil
}

func (l *loader) fileSource(published string) model.Entity {
	props := model.Properties{}
	props.Set("publisher", "OpenSanctions")
	props.Set("url", l.opts.URL)
	props.Set("publishedOn", published)
	props.Set("sourceKind", "sanctions_list")
	name := l.opts.Title
	if name == "" {
		name = "OpenSanctions FtM export: " + l.opts.Name
	}
	return model.Entity{
		ID:         l.sourceID,
		Kind:       schema.Source,
		Name:       name,
		Properties: props,
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: Dataset, RecordID: l.opts.Name},
	}
}

// datasetSource emits the Source of an upstream dataset before its first
// use (Options.DatasetSources).
func (l *loader) datasetSource(ctx context.Context, line int, dataset string) error {
	if l.datasets[dataset] {
		return nil
	}
	l.datasets[dataset] = true
	props := model.Properties{}
	props.Set("publisher", "OpenSanctions")
	props.Set("url", "https://www.opensanctions.org/datasets/"+dataset+"/")
	if l.official(dataset) {
		props.Set("sourceKind", "official_record")
	}
	id := DatasetSourceID(dataset)
	rec := loaders.Record{ID: id}
	rec.Entities = append(rec.Entities, model.Entity{
		ID:         id,
		Kind:       schema.Source,
		Name:       "OpenSanctions dataset " + dataset,
		Properties: props,
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: Dataset, RecordID: dataset},
	})
	return l.emit(ctx, line, rec)
}

// emit sends a record to the sink and counts it; line 0 is no line.
func (l *loader) emit(ctx context.Context, line int, r loaders.Record) error {
	if err := l.sink.Record(ctx, r); err != nil {
		return l.lineErr(line, fmt.Errorf("%s: %w", r.ID, err))
	}
	l.sum.Records++
	l.sum.Entities += len(r.Entities)
	l.sum.Relationships += len(r.Relationships)
	l.sum.Evidence += len(r.Evidence)
	for _, e := range r.Entities {
		l.sum.ByKind[e.Kind]++
	}
	for _, rel := range r.Relationships {
		l.sum.ByType[rel.Type]++
	}
	return nil
}

// skip reports a line not imported.
func (l *loader) skip(ctx context.Context, line int, ftmID, reason string) error {
	l.sum.Skipped[reason]++
	id := ftmID
	if id != "" {
		id = ID(id)
	} else {
		id = fmt.Sprintf("line %d", line)
	}
	if err := l.sink.Skip(ctx, loaders.Skipped{RecordID: id, Reason: reason}); err != nil {
		return l.lineErr(line, err)
	}
	return nil
}

func (l *loader) lineErr(line int, err error) error {
	if line == 0 {
		return fmt.Errorf("ftm: %w", err)
	}
	return &LineError{Line: line, Err: err}
}

// pass streams the lines of r, checking ctx between lines.
func (l *loader) pass(ctx context.Context, r io.Reader, p passKind) error {
	lr := newLineReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return l.lineErr(lr.n, err)
		}
		raw, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return l.lineErr(lr.n, err)
		}
		var e entity
		if err := decode(raw, &e); err != nil {
			return &LineError{Line: lr.n, Err: err}
		}
		if err := l.line(ctx, lr.n, &e, p); err != nil {
			return err
		}
	}
}
