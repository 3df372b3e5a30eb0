// Package curated loads the project's own curated, human-reviewed dataset:
// facts about the Aurus Senat that Vladimir Putin gave Kim Jong Un in 2024,
// the UN Security Council's DPRK sanctions it falls under, the companies and
// people around it, and the evidence for each, as YAML files in data/.
//
// The files are embedded (Dataset), so the binary carries them. Load
// validates every file against schema/model.yaml and against each other
// first, and emits records only when all of them are valid: a broken file is
// refused whole, with every problem located by file, line and field
// (*ValidationError).
//
// # Data format
//
// Each file may have the top-level keys `sources`, `entities`,
// `relationships` and `unverified`:
//
//   - sources: Source entities (id `source:…`), with the Source properties
//     of model.yaml at the top level (publisher, url, publishedOn, language,
//     sourceKind, via). They are the provenance, so they carry no evidence;
//     their status defaults to confirmed.
//   - entities: id, kind, name, aliases, description, status, validFrom,
//     validUntil, properties (only those model.yaml declares for the kind,
//     lists for list types) and evidence. Ids are prefixed by kind
//     (state:RU, person:, org:, product:, transfer:, resolution:, measure:,
//     event:, sanction:).
//   - relationships: type, from, to, optional key, status, validFrom,
//     validUntil, properties and evidence. The id is TYPE|from|to, plus
//     |key when a key tells apart two relationships of a type between the
//     same pair. from and to name entities of this dataset or any
//     state:XX, which is then emitted as a reference state.
//   - unverified: claims that were read but not verified (id, claim, why);
//     they are counted and never emitted.
//
// Statuses are calibrated (validate.go, calibrate): an evidence item may be
// no stronger than its basis, source and wording allow (a news or research
// report is reported at most, "likely", "possibly" or "probably" alleged at
// most; basis record needs an official_record or sanctions_list source), and
// a fact no stronger than its strongest item; refusals name file and line.
// A fact with a disputed evidence item is loaded as DISPUTED (derived). Every
// source gives url, publisher and publishedOn or names them in `unknown`
// with `unknownWhy`.
//
// Evidence items name a declared source, a status and optionally basis,
// quote, claim, property, value and statedOn. Every entity and relationship
// needs at least one item about the fact itself (without property), and its
// status may not be stronger than the strongest such item. Items about one
// property keep conflicting values side by side; the property is one the
// fact's kind or type declares, or name, aliases, validFrom or validUntil,
// and on INCLUDES also a Product property (the goods as moved, e.g. the body
// variant of a car given, which the product line cannot carry). One source
// supports one fact once per property. Evidence ids are derived
// from the fact, the source and the property (see evidenceID), never from
// positions, so reordering the files keeps them.
package curated

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// DatasetName is the Provenance.Dataset of every curated record.
const DatasetName = "curated"

// Glob selects the data files inside a dataset FS.
const Glob = "data/*.yaml"

//go:embed data/*.yaml
var dataFS embed.FS

// Dataset returns the embedded dataset; its files match Glob.
func Dataset() fs.FS { return dataFS }

// Files lists the embedded data files, in load order.
func Files() []string {
	names, _ := fs.Glob(dataFS, Glob)
	return names
}

// Summary counts what a load read and emitted.
type Summary struct {
	Files         int
	Records       int
	Sources       int
	Entities      map[schema.Kind]int // excluding sources and reference states
	Relationships map[schema.RelType]int
	Evidence      int
	// ReferenceStates counts state:XX ids used without being declared,
	// emitted as reference states (loaders.StateEntity).
	ReferenceStates int
	// Unverified counts claims kept for review and not loaded.
	Unverified int
}

// Unverified is a claim kept for reviewers and not loaded as a fact.
type Unverified struct {
	ID, Claim, Why string
	File           string
	Line           int
}

// Set is a validated dataset, ready to emit.
type Set struct {
	Records    []loaders.Record
	Unverified []Unverified
	Summary    Summary
}

// Read reads and validates every file of fsys matching Glob. It returns a
// *ValidationError listing the problems (at most MaxProblems) when any file
// is invalid, and then no Set.
func Read(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, Glob)
	if err != nil {
		return nil, fmt.Errorf("curated: %w", err)
	}
	sort.Strings(names)
	ps := &problems{}
	if len(names) == 0 {
		ps.add(path.Dir(Glob), 0, "", "no data files (%s)", Glob)
		return nil, ps.err()
	}
	m := schema.MustModel()
	dec := &decoder{model: m, ps: ps}
	var files []*fileDoc
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("curated: %w", err)
		}
		if fd := dec.decodeFile(name, data); fd != nil {
			files = append(files, fd)
		}
	}
	c := newChecker(m, ps)
	c.check(files)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return build(files, c), nil
}

// Load reads and validates the dataset in fsys (Dataset() for the embedded
// one) and, only if it is valid, emits one record per source, entity and
// relationship to sink, with its evidence. Validation failures return a
// *ValidationError and emit nothing; a sink error stops the load and is
// returned wrapped.
func Load(ctx context.Context, fsys fs.FS, sink loaders.Sink) (Summary, error) {
	set, err := Read(fsys)
	if err != nil {
		return Summary{}, err
	}
	for _, r := range set.Records {
		if err := ctx.Err(); err != nil {
			return Summary{}, fmt.Errorf("curated: %w", err)
		}
		if err := sink.Record(ctx, r); err != nil {
			return Summary{}, fmt.Errorf("curated: %s: %w", r.ID, err)
		}
	}
	return set.Summary, nil
}

// build turns validated documents into records: sources, then reference
// states, then entities, then relationships, each in file order, so the
// nodes a relationship joins are written before it.
func build(files []*fileDoc, c *checker) *Set {
	s := &Set{Summary: Summary{
		Files:         len(files),
		Entities:      map[schema.Kind]int{},
		Relationships: map[schema.RelType]int{},
	}}
	add := func(r loaders.Record) {
		s.Records = append(s.Records, r)
		s.Summary.Evidence += len(r.Evidence)
	}
	for _, f := range files {
		for _, e := range f.sources {
			add(entityRecord(e))
			s.Summary.Sources++
		}
	}
	refs := make([]string, 0, len(c.refStates))
	for id := range c.refStates {
		if _, declared := c.entities[id]; !declared {
			refs = append(refs, id)
		}
	}
	sort.Strings(refs)
	for _, id := range refs {
		e, ev, _ := loaders.StateEntity(id[len("state:"):])
		add(loaders.Record{ID: "reference:" + id, Batch: model.Batch{Entities: []model.Entity{e}, Evidence: []model.Evidence{ev}}})
		s.Summary.ReferenceStates++
	}
	for _, f := range files {
		for _, e := range f.entities {
			add(entityRecord(e))
			s.Summary.Entities[schema.Kind(e.kind)]++
		}
	}
	dated := map[string]string{} // transfer and event ids → their date
	for _, f := range files {
		for _, e := range f.entities {
			if k := schema.Kind(e.kind); k == schema.Transfer || k == schema.Event {
				if d := properties(e.props).First("date"); d != "" {
					dated[e.id] = d
				}
			}
		}
	}
	for _, f := range files {
		for _, r := range f.rels {
			rec := relRecord(r)
			datedFrom(&rec.Relationships[0], dated)
			add(rec)
			s.Summary.Relationships[schema.RelType(r.typ)]++
		}
		for _, u := range f.unverified {
			s.Unverified = append(s.Unverified, Unverified{ID: u.id, Claim: u.claim, Why: u.why, File: u.file, Line: u.line})
		}
	}
	s.Summary.Records = len(s.Records)
	s.Summary.Unverified = len(s.Unverified)
	return s
}

// datedFrom gives a relationship to a dated transfer or event the date it
// starts to hold when the file gives none: one took part in a summit, sent a
// gift or was a leg of a shipment from that day on. A date filter before
// the gift therefore leaves out every hop through it.
func datedFrom(r *model.Relationship, dated map[string]string) {
	if r.ValidFrom != "" {
		return
	}
	switch r.Type {
	case schema.Sent, schema.Received, schema.ParticipatedIn:
		r.ValidFrom = dated[r.ToID]
	case schema.Includes, schema.HeldIn:
		r.ValidFrom = dated[r.FromID]
	case schema.Via:
		if d := r.Properties.First("date"); d != "" {
			r.ValidFrom = d
		} else {
			r.ValidFrom = dated[r.FromID]
		}
	}
}

func recordID(l loc) string { return fmt.Sprintf("%s:%d", path.Base(l.file), l.line) }

func provenance(l loc, status, from, until string) model.Provenance {
	return model.Provenance{
		Status:     schema.Status(status),
		ValidFrom:  from,
		ValidUntil: until,
		Dataset:    DatasetName,
		RecordID:   recordID(l),
	}
}

func properties(props []*propDoc) model.Properties {
	out := model.Properties{}
	for _, p := range props {
		out.Add(p.name, p.values...)
	}
	return out
}

func evidence(factID string, evs []*evidenceDoc) []model.Evidence {
	out := make([]model.Evidence, 0, len(evs))
	for _, ev := range evs {
		out = append(out, model.Evidence{
			ID:       evidenceID(factID, ev.source, ev.property),
			FactID:   factID,
			SourceID: ev.source,
			Status:   schema.Status(ev.status),
			Basis:    ev.basis,
			Quote:    ev.quote,
			Claim:    ev.claim,
			Property: ev.property,
			Value:    ev.value,
			StatedOn: ev.statedOn,
		})
	}
	return out
}

// derivedStatus is a fact's status as loaded: DISPUTED when any of its
// evidence items is disputed (sources conflict about the fact or one of its
// properties, or a party rejects it), else the curated status. Deriving it
// makes every known conflict findable by status.
func derivedStatus(status string, evs []*evidenceDoc) string {
	for _, ev := range evs {
		if ev.status == string(schema.Disputed) {
			return string(schema.Disputed)
		}
	}
	return status
}

func entityRecord(e *entityDoc) loaders.Record {
	ent := model.Entity{
		ID:          e.id,
		Kind:        schema.Kind(e.kind),
		Name:        e.name,
		Aliases:     e.aliases,
		Description: e.description,
		Properties:  properties(e.props),
		Provenance:  provenance(e.loc, derivedStatus(e.status, e.evidence), e.validFrom, e.validUntil),
	}
	return loaders.Record{
		ID:    DatasetName + ":" + e.id,
		Batch: model.Batch{Entities: []model.Entity{ent}, Evidence: evidence(e.id, e.evidence)},
	}
}

func relRecord(r *relDoc) loaders.Record {
	id := relID(r)
	rel := model.Relationship{
		ID:         id,
		Type:       schema.RelType(r.typ),
		FromID:     r.from,
		ToID:       r.to,
		Properties: properties(r.props),
		Provenance: provenance(r.loc, derivedStatus(r.status, r.evidence), r.validFrom, r.validUntil),
	}
	return loaders.Record{
		ID:    DatasetName + ":" + id,
		Batch: model.Batch{Relationships: []model.Relationship{rel}, Evidence: evidence(id, r.evidence)},
	}
}
