package ofac_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/loaders/loadertest"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/loaders/ofac"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// memSink keeps what a loader emits.
type memSink struct {
	records []loaders.Record
	skips   []loaders.Skipped
	// failAt, when > 0, makes the failAt-th Record call fail.
	failAt int
	// cancel, when set, is called after the first record.
	cancel context.CancelFunc
}

func (s *memSink) Record(_ context.Context, r loaders.Record) error {
	if s.failAt > 0 && len(s.records)+1 == s.failAt {
		return fmt.Errorf("sink full")
	}
	s.records = append(s.records, r)
	if s.cancel != nil {
		s.cancel()
	}
	return nil
}

func (s *memSink) Skip(_ context.Context, sk loaders.Skipped) error {
	s.skips = append(s.skips, sk)
	return nil
}

// entity returns the entity with the given id, from any record.
func (s *memSink) entity(tb testing.TB, id string) model.Entity {
	tb.Helper()
	for _, r := range s.records {
		for _, e := range r.Entities {
			if e.ID == id {
				return e
			}
		}
	}
	tb.Fatalf("no entity %s", id)
	return model.Entity{}
}

// record returns the record with the given id.
func (s *memSink) record(tb testing.TB, id string) loaders.Record {
	tb.Helper()
	for _, r := range s.records {
		if r.ID == id {
			return r
		}
	}
	tb.Fatalf("no record %s", id)
	return loaders.Record{}
}

// rel reports whether a relationship with the given id was emitted.
func (s *memSink) rel(id string) (model.Relationship, bool) {
	for _, r := range s.records {
		for _, rel := range r.Relationships {
			if rel.ID == id {
				return rel, true
			}
		}
	}
	return model.Relationship{}, false
}

// evidenceFor returns the evidence records of a fact.
func (s *memSink) evidenceFor(factID string) []model.Evidence {
	var out []model.Evidence
	for _, r := range s.records {
		for _, ev := range r.Evidence {
			if ev.FactID == factID {
				out = append(out, ev)
			}
		}
	}
	return out
}

// checkEvidence fails unless every entity and relationship emitted has
// evidence citing a source, and every record is non-empty.
func (s *memSink) checkEvidence(tb testing.TB) {
	tb.Helper()
	have := map[string]bool{}
	for _, r := range s.records {
		for _, ev := range r.Evidence {
			if ev.SourceID == "" || ev.Status == "" {
				tb.Errorf("%s: evidence %s without source or status", r.ID, ev.ID)
			}
			have[ev.FactID] = true
		}
	}
	for i, r := range s.records {
		if r.Len() == 0 {
			tb.Errorf("record %s is empty", r.ID)
		}
		for _, e := range r.Entities {
			if i > 0 && !have[e.ID] {
				tb.Errorf("%s: entity %s has no evidence", r.ID, e.ID)
			}
		}
		for _, rel := range r.Relationships {
			if !have[rel.ID] {
				tb.Errorf("%s: relationship %s has no evidence", r.ID, rel.ID)
			}
		}
	}
}

// checkBatchable fails if an id repeats across records: the writer gathers
// records into one batch and refuses an id twice in a batch.
func (s *memSink) checkBatchable(tb testing.TB) {
	tb.Helper()
	seen := map[string]string{}
	for _, r := range s.records {
		var ids []string
		for _, e := range r.Entities {
			ids = append(ids, "entity "+e.ID)
		}
		for _, rel := range r.Relationships {
			ids = append(ids, "relationship "+rel.ID)
		}
		for _, ev := range r.Evidence {
			ids = append(ids, "evidence "+ev.ID)
		}
		for _, id := range ids {
			if prev, ok := seen[id]; ok {
				tb.Errorf("%s in records %s and %s", id, prev, r.ID)
			}
			seen[id] = r.ID
		}
	}
}

// checkModel fails on anything the writer would refuse: a property not
// declared in schema/model.yaml for the kind or type, a value of the wrong
// type, several values for a single-valued property, a relationship whose
// ends are missing or of kinds the type does not allow, evidence citing no
// known source. It is the writer's validation without Neo4j.
func (s *memSink) checkModel(tb testing.TB) {
	tb.Helper()
	m := schema.MustModel()
	kinds := map[string]schema.Kind{}
	for _, r := range s.records {
		for _, e := range r.Entities {
			kinds[e.ID] = e.Kind
		}
	}
	fails := 0
	fail := func(format string, args ...any) {
		if fails++; fails <= 20 {
			tb.Errorf(format, args...)
		}
	}
	for _, r := range s.records {
		for _, e := range r.Entities {
			if err := e.Validate(m); err != nil {
				fail("%s: %v", r.ID, err)
			}
		}
		for _, rel := range r.Relationships {
			d, ok := m.Rel(rel.Type)
			if !ok || !strings.HasPrefix(rel.ID, string(rel.Type)+"|") {
				fail("%s: relationship %s of type %q", r.ID, rel.ID, rel.Type)
				continue
			}
			from, fok := kinds[rel.FromID]
			to, tok := kinds[rel.ToID]
			if !fok || !tok || !slices.Contains(d.From, from) || !slices.Contains(d.To, to) {
				fail("%s: %s from %s (%s) to %s (%s)", r.ID, rel.ID, rel.FromID, from, rel.ToID, to)
			}
			if err := rel.Validate(m); err != nil {
				fail("%s: %v", r.ID, err)
			}
		}
		for _, ev := range r.Evidence {
			if k := kinds[ev.SourceID]; k != schema.Source && ev.SourceID != loaders.ISO3166SourceID {
				fail("%s: evidence %s cites %s", r.ID, ev.ID, ev.SourceID)
			}
			if err := ev.Validate(m); err != nil {
				fail("%s: %v", r.ID, err)
			}
		}
	}
}

// dump writes the records, skips and summary as stable text for golden
// files.
func dump(s *memSink, sum ofac.Summary) []byte {
	var b bytes.Buffer
	props := func(indent string, p model.Properties) {
		names := make([]string, 0, len(p))
		for n := range p {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			fmt.Fprintf(&b, "%s%s = %q\n", indent, n, p[n])
		}
	}
	prov := func(p model.Provenance) string {
		return fmt.Sprintf("{%s %s %s}", p.Status, p.Dataset, p.RecordID)
	}
	for _, r := range s.records {
		fmt.Fprintf(&b, "== record %s\n", r.ID)
		for _, e := range r.Entities {
			fmt.Fprintf(&b, "entity %s %s %q %s\n", e.Kind, e.ID, e.Name, prov(e.Provenance))
			for _, a := range e.Aliases {
				fmt.Fprintf(&b, "  alias %q\n", a)
			}
			if e.Description != "" {
				fmt.Fprintf(&b, "  description %q\n", e.Description)
			}
			props("  ", e.Properties)
		}
		for _, rel := range r.Relationships {
			fmt.Fprintf(&b, "rel %s %s -> %s %s\n  id %s\n", rel.Type, rel.FromID, rel.ToID, prov(rel.Provenance), rel.ID)
			props("  ", rel.Properties)
		}
		for _, ev := range r.Evidence {
			fmt.Fprintf(&b, "evidence %s\n  fact %s source %s %s %s stated %s\n", ev.ID, ev.FactID, ev.SourceID, ev.Status, ev.Basis, ev.StatedOn)
			if ev.Property != "" {
				fmt.Fprintf(&b, "  %s = %q\n", ev.Property, ev.Value)
			}
			if ev.Quote != "" {
				fmt.Fprintf(&b, "  quote %q\n", ev.Quote)
			}
			if ev.Claim != "" {
				fmt.Fprintf(&b, "  claim %q\n", ev.Claim)
			}
		}
	}
	for _, sk := range s.skips {
		fmt.Fprintf(&b, "== skip %s: %s\n", sk.RecordID, sk.Reason)
	}
	js, _ := json.MarshalIndent(sum, "", "  ")
	fmt.Fprintf(&b, "== summary\n%s\n", js)
	return b.Bytes()
}

// openCSVSet opens the four files of a CSV set in dir; absent side files
// are left nil.
func openCSVSet(tb testing.TB, dir string) ofac.CSVFiles {
	tb.Helper()
	var files ofac.CSVFiles
	for _, f := range []struct {
		name string
		r    *io.Reader
	}{{"sdn.csv", &files.SDN}, {"add.csv", &files.Add}, {"alt.csv", &files.Alt}, {"sdn_comments.csv", &files.Comments}} {
		data, err := os.ReadFile(filepath.Join(dir, f.name))
		if os.IsNotExist(err) && f.name != "sdn.csv" {
			continue
		}
		if err != nil {
			tb.Fatal(err)
		}
		*f.r = bytes.NewReader(data)
	}
	return files
}

// loadCSV loads a CSV set from dir into a memSink.
func loadCSV(tb testing.TB, dir string, opts ofac.Options) (*memSink, ofac.Summary) {
	tb.Helper()
	s := &memSink{}
	sum, err := ofac.LoadCSV(context.Background(), openCSVSet(tb, dir), opts, s)
	if err != nil {
		tb.Fatalf("LoadCSV(%s): %v", dir, err)
	}
	return s, sum
}

// loadXML loads an XML file into a memSink.
func loadXML(tb testing.TB, path string, opts ofac.Options) (*memSink, ofac.Summary) {
	tb.Helper()
	s := &memSink{}
	sum, err := ofac.LoadXMLFile(context.Background(), path, opts, s)
	if err != nil {
		tb.Fatalf("LoadXMLFile(%s): %v", path, err)
	}
	return s, sum
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	loadertest.Golden(tb, filepath.Join("testdata", name), got, *update)
}
