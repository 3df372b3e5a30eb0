// Package unsc reads the UN Security Council Consolidated List, the XML file
// the UN publishes as consolidated.xml (root CONSOLIDATED_LIST, with
// INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY), and emits the project's
// records to a loaders.Sink. Both the current layout (2026, indented, with
// HAS_INTERPOL_LINK) and the compact 2020 layout are read; unknown elements
// are ignored. The package knows nothing about Neo4j.
//
// The file is read as a stream: one INDIVIDUAL or ENTITY is decoded at a
// time and turned into one loaders.Record, so memory stays flat however
// large the list grows.
//
// What one load emits, in order:
//
//   - One Record for the publication itself: a Source entity
//     "source:unsc-consolidated-YYYY-MM-DD", dated by the file's
//     dateGenerated. Every Evidence of the load cites it.
//   - One Record per listed party (ID "unsc:"+REFERENCE_NUMBER, e.g.
//     "unsc:KPe.068"; the DATAID, which changes between files, is the
//     recordId), holding the party
//     (Person for INDIVIDUAL, Organization for ENTITY), its Sanction
//     ("unsc-sanction:"+REFERENCE_NUMBER), DESIGNATES from the sanction to the party,
//     NATIONAL_OF and BASED_IN to reference State entities, PURSUANT_TO
//     from the sanction to every resolution named in COMMENTS1, and
//     Evidence for each of these facts.
//   - Each reference State (with its ISO 3166-1 evidence) once per load, in
//     the first record that links to it; the writer creates missing states
//     and never overwrites existing ones. A caller that filters records
//     must keep the State entities of the records it drops.
//   - A reference Resolution ("resolution:unsc-1718") once per load, in the
//     first record that names it with its year, so PURSUANT_TO always has
//     an end; like reference states it never overwrites a stored node (the
//     curated resolutions keep their details). A resolution named without
//     a year gets no node and no PURSUANT_TO; Summary.Unresolved counts it.
//
// Delisting: a party missing from a newer list is one that no record of
// that load names. Callers that need the set collect Record.ID from the
// records they receive: every record after the first is "unsc:"+REFERENCE_NUMBER.
// Alternatively, every fact of a load has evidence citing Summary.SourceID,
// so "dataset unsc, but no evidence citing the newest source" finds them in
// the graph.
package unsc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Dataset is the dataset name of everything this package emits (except the
// reference states, which are loaders.ReferenceDataset).
const Dataset = "unsc"

// DefaultSourceURL is where the UN publishes the list; it becomes the url of
// the Source entity unless Loader.SourceURL says otherwise.
const DefaultSourceURL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"

// Authority is the authority property of every sanction and the publisher of
// the list.
const Authority = "United Nations Security Council"

// Loader reads one consolidated list. The zero value is ready to use.
type Loader struct {
	// SourceURL is the url property of the Source entity; DefaultSourceURL
	// when empty.
	SourceURL string
	// Via, when set, names the copy actually read (the Source's via
	// property), e.g. a mirror or archive URL.
	Via string
}

// Summary counts what a load read and emitted.
type Summary struct {
	// SourceID is the id of the Source entity of the publication, e.g.
	// "source:unsc-consolidated-2026-05-08"; every Evidence cites it.
	SourceID string
	// Published is the publication date (dateGenerated's date as written).
	Published string
	// Generated is dateGenerated as the file gives it.
	Generated string
	// Individuals and Entities count INDIVIDUAL and ENTITY records.
	Individuals int
	Entities    int
	// Records counts records sent to the sink, the Source record included.
	Records int
	// Nodes, Relationships and Evidence count what those records hold.
	// Reference states count once.
	Nodes         int
	Relationships int
	Evidence      int
	// ByListType counts records per UN_LIST_TYPE ("DPRK", "Al-Qaida" …).
	ByListType map[string]int
	// ByRelType counts relationships per type.
	ByRelType map[schema.RelType]int
	// Resolutions counts PURSUANT_TO links per resolution id. The
	// resolutions may not exist in the graph yet.
	Resolutions map[string]int
	// ReviewMentions counts resolutions named only as the basis of a
	// periodic review ("Review pursuant to Security Council resolution 1822
	// (2008) was concluded on …"); they do not become PURSUANT_TO links.
	ReviewMentions int
	// Unresolved counts values kept only as text (in Evidence) because
	// they could not be turned into a typed value: countries that do not
	// resolve ("nationality: former Soviet Union"), addresses without a
	// country, dates of birth that are ranges or free text.
	Unresolved map[string]int
	// Dropped counts values of fields that model.yaml has no place for
	// (identity documents, alias notes). Records are never dropped.
	Dropped map[string]int
}

func newSummary() Summary {
	return Summary{
		ByListType:  map[string]int{},
		ByRelType:   map[schema.RelType]int{},
		Resolutions: map[string]int{},
		Unresolved:  map[string]int{},
		Dropped:     map[string]int{},
	}
}

// ParseError reports input the loader cannot read: malformed XML, a file
// that is not a consolidated list, or a record without a required field
// (DATAID, a name, UN_LIST_TYPE, REFERENCE_NUMBER, LISTED_ON).
type ParseError struct {
	// Line is the input line where the problem was found.
	Line int
	// DataID is the DATAID of the record being read, when known.
	DataID string
	// After is the DATAID of the last record read successfully, if any.
	After string
	Err   error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "unsc: line %d", e.Line)
	if e.DataID != "" {
		fmt.Fprintf(&b, ", DATAID %s", e.DataID)
	}
	if e.After != "" {
		fmt.Fprintf(&b, " (after DATAID %s)", e.After)
	} else {
		b.WriteString(" (before the first record)")
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// Errors wrapped by ParseError.
var (
	ErrNotConsolidatedList = errors.New("not a UN consolidated list (no CONSOLIDATED_LIST root)")
	ErrMissingField        = errors.New("required field missing or malformed")
)

// Load reads one consolidated list from r and sends its records to sink:
// the Source record first, then one record per INDIVIDUAL and ENTITY in file
// order. It checks ctx before each record and stops with ctx.Err() once
// ctx is done. Malformed input stops the load with a *ParseError; an error from the
// sink stops it with that error wrapped. The summary counts what was sent
// before any error.
//
// Load never calls sink.Skip: a record it cannot read stops the load (a
// silently dropped listing is worse than a failed import), and a value it
// cannot type (a country that does not resolve, a date of birth in words)
// is kept as text in Evidence and counted in Summary.Unresolved.
func (l *Loader) Load(ctx context.Context, r io.Reader, sink loaders.Sink) (Summary, error) {
	sum := newSummary()
	dec := xml.NewDecoder(skipBOM(r))
	var (
		b      *builder
		lastID string
	)
	fail := func(dataID string, line int, err error) error {
		if line == 0 {
			line, _ = dec.InputPos()
		}
		return &ParseError{Line: line, DataID: dataID, After: lastID, Err: err}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if b == nil {
				return sum, fail("", 0, ErrNotConsolidatedList)
			}
			return sum, nil
		}
		if err != nil {
			return sum, fail("", 0, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if b == nil {
			if se.Name.Local != "CONSOLIDATED_LIST" {
				return sum, fail("", 0, fmt.Errorf("%w: root element is %s", ErrNotConsolidatedList, se.Name.Local))
			}
			generated := attr(se, "dateGenerated")
			published, err := publicationDate(generated)
			if err != nil {
				return sum, fail("", 0, err)
			}
			if err := ctx.Err(); err != nil {
				return sum, err
			}
			b = &builder{sourceID: SourceID(published), published: published, sum: &sum, emitted: map[string]bool{}, resolutions: map[string]bool{}}
			sum.SourceID, sum.Published, sum.Generated = b.sourceID, published, generated
			if err := l.emit(ctx, sink, &sum, l.sourceRecord(published, generated)); err != nil {
				return sum, err
			}
			continue
		}
		var kind schema.Kind
		switch se.Name.Local {
		case "INDIVIDUAL":
			kind = schema.Person
		case "ENTITY":
			kind = schema.Organization
		default:
			// Unknown elements are read past, not skipped whole: should a
			// future layout wrap records in a new element, they are still
			// found.
			continue
		}
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		line, _ := dec.InputPos()
		var x xmlRecord
		if err := dec.DecodeElement(&x, &se); err != nil {
			return sum, fail(clean(x.DataID), 0, err)
		}
		rec, err := b.build(kind, &x)
		if err != nil {
			return sum, fail(clean(x.DataID), line, err)
		}
		if err := l.emit(ctx, sink, &sum, rec); err != nil {
			return sum, err
		}
		if kind == schema.Person {
			sum.Individuals++
		} else {
			sum.Entities++
		}
		sum.ByListType[clean(x.ListType)]++
		lastID = clean(x.DataID)
	}
}

func (l *Loader) emit(ctx context.Context, sink loaders.Sink, sum *Summary, rec loaders.Record) error {
	if err := sink.Record(ctx, rec); err != nil {
		return fmt.Errorf("unsc: record %s: %w", rec.ID, err)
	}
	sum.Records++
	sum.Nodes += len(rec.Entities)
	sum.Relationships += len(rec.Relationships)
	sum.Evidence += len(rec.Evidence)
	for _, rel := range rec.Relationships {
		sum.ByRelType[rel.Type]++
	}
	return nil
}

// SourceID is the id of the Source entity for the list published on a date
// (YYYY-MM-DD).
func SourceID(published string) string { return "source:unsc-consolidated-" + published }

func (l *Loader) sourceRecord(published, generated string) loaders.Record {
	id := SourceID(published)
	url := l.SourceURL
	if url == "" {
		url = DefaultSourceURL
	}
	props := model.Properties{}
	props.Set("publisher", Authority)
	props.Set("url", url)
	props.Set("publishedOn", published)
	props.Set("sourceKind", "sanctions_list")
	props.Set("language", "en")
	props.Set("via", l.Via)
	src := model.Entity{
		ID:          id,
		Kind:        schema.Source,
		Name:        "UN Security Council Consolidated List (" + published + ")",
		Description: "United Nations Security Council Consolidated List, generated " + generated + ".",
		Properties:  props,
		Provenance:  model.Provenance{Status: schema.Confirmed, Dataset: Dataset, RecordID: generated},
	}
	return loaders.Record{ID: id, Batch: model.Batch{Entities: []model.Entity{src}}}
}

// publicationDate returns the date of dateGenerated as written: the 2026
// files say "2026-05-08T23:00:06.922Z", the 2020 ones
// "2020-11-24T20:23:07.617-05:00"; the date is the publisher's, not UTC's.
func publicationDate(generated string) (string, error) {
	g := strings.TrimSpace(generated)
	if g == "" {
		return "", fmt.Errorf("%w: CONSOLIDATED_LIST has no dateGenerated", ErrMissingField)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, g); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	if d, ok := isoDate(g); ok {
		return d, nil
	}
	return "", fmt.Errorf("%w: dateGenerated %q is not a date", ErrMissingField, generated)
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// skipBOM drops a UTF-8 byte order mark, which encoding/xml rejects.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if p, err := br.Peek(3); err == nil && bytes.Equal(p, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	return br
}
