package ftm

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
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
	checkProps := func(where string, decl map[string]schema.Prop, props model.Properties) {
		for name, vals := range props {
			d, ok := decl[name]
			if !ok {
				bad("%s: property %q not declared", where, name)
				continue
			}
			if len(vals) == 0 {
				bad("%s: property %q empty", where, name)
			}
			if !d.Type.Multi() && len(vals) > 1 {
				bad("%s: property %q takes one value, got %q", where, name, vals)
			}
			for _, v := range vals {
				if !validValue(d, v) {
					bad("%s: property %q: %q is not a valid %s", where, name, v, d.Type)
				}
			}
		}
		for name, d := range decl {
			if d.Required && len(props[name]) == 0 {
				bad("%s: required property %q missing", where, name)
			}
		}
	}
	checkProv := func(where string, p model.Provenance) {
		if !p.Status.Valid() {
			bad("%s: status %q", where, p.Status)
		}
		if p.Dataset == "" {
			bad("%s: no dataset", where)
		}
		for _, d := range []string{p.ValidFrom, p.ValidUntil} {
			if d != "" && !model.ValidDate(d) {
				bad("%s: validity date %q", where, d)
			}
		}
		if p.ValidFrom != "" && p.ValidUntil != "" && endsBefore(p.ValidUntil, p.ValidFrom) {
			bad("%s: validUntil %s before validFrom %s", where, p.ValidUntil, p.ValidFrom)
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
			if ev.ID == "" || ev.FactID == "" || ev.SourceID == "" {
				bad("%s: id, factId and sourceId are required", where)
			}
			if evIDs[ev.ID] && !strings.HasPrefix(ev.SourceID, "source:iso") {
				bad("%s: emitted twice", where)
			}
			evIDs[ev.ID] = true
			if !ev.Status.Valid() {
				bad("%s: status %q", where, ev.Status)
			}
			if ev.StatedOn != "" && !model.ValidDate(ev.StatedOn) {
				bad("%s: statedOn %q", where, ev.StatedOn)
			}
			if ev.Basis != "" && !slices.Contains(m.EvidenceProps()["basis"].Values, ev.Basis) {
				bad("%s: basis %q", where, ev.Basis)
			}
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

var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

// validValue checks a value as the writer does, independently of convert.
func validValue(d schema.Prop, v string) bool {
	switch d.Type {
	case schema.TInt:
		_, err := strconv.ParseInt(v, 10, 64)
		return err == nil
	case schema.TNumber:
		_, err := strconv.ParseFloat(v, 64)
		return err == nil
	case schema.TBool:
		return v == "true" || v == "false"
	case schema.TDate:
		return model.ValidDate(v)
	case schema.TURL:
		u, err := url.Parse(v)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
	case schema.TCountry, schema.TCountries:
		return countryRE.MatchString(v)
	case schema.TEnum, schema.TEnums:
		return slices.Contains(d.Values, v)
	case schema.THSCode, schema.THSCodes:
		return false
	}
	return strings.TrimSpace(v) != ""
}
