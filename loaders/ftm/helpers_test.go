package ftm

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// collector is a Sink that keeps everything.
type collector struct {
	Records []loaders.Record
	Skipped []loaders.Skipped
}

func (c *collector) Record(_ context.Context, r loaders.Record) error {
	c.Records = append(c.Records, r)
	return nil
}

func (c *collector) Skip(_ context.Context, s loaders.Skipped) error {
	c.Skipped = append(c.Skipped, s)
	return nil
}

// entity returns the last emitted version of an entity.
func (c *collector) entity(tb testing.TB, id string) model.Entity {
	tb.Helper()
	for i := len(c.Records) - 1; i >= 0; i-- {
		for _, e := range c.Records[i].Entities {
			if e.ID == id {
				return e
			}
		}
	}
	tb.Fatalf("no entity %q", id)
	return model.Entity{}
}

func (c *collector) rels(typ schema.RelType, from, to string) []model.Relationship {
	var out []model.Relationship
	for _, r := range c.Records {
		for _, rel := range r.Relationships {
			if rel.Type == typ && (from == "" || rel.FromID == from) && (to == "" || rel.ToID == to) {
				out = append(out, rel)
			}
		}
	}
	return out
}

func (c *collector) evidence(factID string) []model.Evidence {
	var out []model.Evidence
	for _, r := range c.Records {
		for _, ev := range r.Evidence {
			if ev.FactID == factID {
				out = append(out, ev)
			}
		}
	}
	return out
}

// discard is a Sink that keeps nothing, for benchmarks.
type discard struct{ records int }

func (d *discard) Record(context.Context, loaders.Record) error { d.records++; return nil }
func (d *discard) Skip(context.Context, loaders.Skipped) error  { return nil }

// loadFile runs LoadFile over a file and returns what it emitted.
func loadFile(tb testing.TB, path string, opts Options) (*collector, Summary) {
	tb.Helper()
	c := &collector{}
	sum, err := LoadFile(context.Background(), path, opts, c)
	if err != nil {
		tb.Fatalf("LoadFile(%s): %v", path, err)
	}
	return c, sum
}

// loadOnce runs Load over a file in one pass.
func loadOnce(tb testing.TB, path string, opts Options) (*collector, Summary) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	c := &collector{}
	sum, err := Load(context.Background(), f, opts, c)
	if err != nil {
		tb.Fatalf("Load(%s): %v", path, err)
	}
	return c, sum
}

// checkAccounted asserts that every line is emitted, folded or skipped,
// and that the skips reported to the sink match the summary.
func checkAccounted(tb testing.TB, c *collector, sum Summary) {
	tb.Helper()
	if got := sum.Accounted(); got != sum.Lines {
		tb.Errorf("accounted for %d lines (emitted %d, folded %v, skipped %v), read %d", got, sum.Emitted, sum.Folded, sum.Skipped, sum.Lines)
	}
	n := 0
	for _, v := range sum.Skipped {
		n += v
	}
	if n != len(c.Skipped) {
		tb.Errorf("summary counts %d skipped lines, sink got %d", n, len(c.Skipped))
	}
	byLine := 0
	for _, v := range sum.BySchema {
		byLine += v
	}
	if byLine != sum.Lines {
		tb.Errorf("BySchema sums to %d, Lines is %d", byLine, sum.Lines)
	}
}

// checkModel asserts that everything emitted obeys schema/model.yaml as the
// writer checks it: declared kinds, types and properties, values of the
// declared types, one value for single-valued properties, valid statuses
// and dates, relationship ends of allowed kinds, evidence citing emitted
// sources and facts, unique ids. With ordered, every relationship end and
// every cited source must have been emitted in an earlier record or the
// same one (what a writer that resolves ends among stored nodes needs).
func checkModel(tb testing.TB, c *collector, ordered bool) { checkModelEnds(tb, c, ordered, false) }

// checkModelEnds is checkModel; with missingEnds, relationships may name
// entities the load did not emit (a load without an Index cannot know).
func checkModelEnds(tb testing.TB, c *collector, ordered, missingEnds bool) {
	tb.Helper()
	m := schema.MustModel()
	kinds := map[string]schema.Kind{}
	facts := map[string]bool{}
	var errs []string
	bad := func(format string, args ...any) {
		if len(errs) < 20 {
			errs = append(errs, fmt.Sprintf(format, args...))
		}
	}
	// The writer's rules are model's Validate methods; on top, a loader
	// never emits a property with an empty list of values.
	checkProps := func(where string, decl map[string]schema.Prop, props model.Properties) {
		for name, vals := range props {
			if len(vals) == 0 {
				bad("%s: property %q empty", where, name)
			}
		}
		if err := props.Validate(decl); err != nil {
			bad("%s: %v", where, err)
		}
	}
	checkProv := func(where string, p model.Provenance) {
		if err := p.Validate(); err != nil {
			bad("%s: %v", where, err)
		}
	}
	relIDs, evIDs := map[string]bool{}, map[string]bool{}
	var pending []model.Relationship
	var pendingEv []model.Evidence
	checkRel := func(r model.Relationship) {
		decl, _ := m.Rel(r.Type)
		fk, fok := kinds[r.FromID]
		tk, tok := kinds[r.ToID]
		switch {
		case (!fok || !tok) && missingEnds:
		case !fok:
			bad("relationship %s: no entity %s", r.ID, r.FromID)
		case !tok:
			bad("relationship %s: no entity %s", r.ID, r.ToID)
		case !slices.Contains(decl.From, fk):
			bad("relationship %s: %s cannot start at %s", r.ID, r.Type, fk)
		case !slices.Contains(decl.To, tk):
			bad("relationship %s: %s cannot end at %s", r.ID, r.Type, tk)
		}
	}
	checkEv := func(ev model.Evidence) {
		if kinds[ev.SourceID] != schema.Source {
			bad("evidence %s cites %s, not an emitted Source", ev.ID, ev.SourceID)
		}
		if !facts[ev.FactID] {
			bad("evidence %s: no fact %s", ev.ID, ev.FactID)
		}
	}
	for _, rec := range c.Records {
		inRecord := map[string]bool{}
		for _, e := range rec.Entities {
			where := "entity " + e.ID
			if inRecord[e.ID] {
				bad("%s: twice in record %s", where, rec.ID)
			}
			inRecord[e.ID] = true
			decl, ok := m.Kind(e.Kind)
			if !ok {
				bad("%s: kind %q", where, e.Kind)
				continue
			}
			if k, seen := kinds[e.ID]; seen && k != e.Kind {
				bad("%s: emitted as %s and %s", where, k, e.Kind)
			}
			if strings.TrimSpace(e.Name) == "" {
				bad("%s: no name", where)
			}
			if slices.Contains(e.Aliases, e.Name) {
				bad("%s: name among aliases", where)
			}
			kinds[e.ID], facts[e.ID] = e.Kind, true
			checkProv(where, e.Provenance)
			checkProps(where, decl.Properties, e.Properties)
		}
		for _, r := range rec.Relationships {
			where := "relationship " + r.ID
			decl, ok := m.Rel(r.Type)
			if !ok {
				bad("%s: type %q", where, r.Type)
				continue
			}
			if t, _, _ := strings.Cut(r.ID, "|"); t != string(r.Type) {
				bad("%s: id does not start with its type", where)
			}
			if relIDs[r.ID] {
				bad("%s: emitted twice", where)
			}
			relIDs[r.ID], facts[r.ID] = true, true
			checkProv(where, r.Provenance)
			checkProps(where, decl.Properties, r.Properties)
			if ordered {
				checkRel(r)
			} else {
				pending = append(pending, r)
			}
		}
		for _, ev := range rec.Evidence {
			where := "evidence " + ev.ID
			if err := ev.Validate(m); err != nil {
				bad("%v", err)
			}
			if evIDs[ev.ID] && !strings.HasPrefix(ev.SourceID, "source:iso") {
				bad("%s: emitted twice", where)
			}
			evIDs[ev.ID] = true
			if ordered {
				checkEv(ev)
			} else {
				pendingEv = append(pendingEv, ev)
			}
		}
	}
	for _, r := range pending {
		checkRel(r)
	}
	for _, ev := range pendingEv {
		checkEv(ev)
	}
	cited := map[string]bool{}
	for _, r := range c.Records {
		for _, ev := range r.Evidence {
			cited[ev.FactID] = true
		}
	}
	for id := range facts {
		if kinds[id] != schema.Source && !cited[id] {
			bad("fact %s has no evidence", id)
		}
	}
	if len(errs) > 0 {
		tb.Errorf("records break the model:\n  %s", strings.Join(errs, "\n  "))
	}
}

type relT = model.Relationship
