package unsc

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
)

// collector is a Sink that keeps everything it is sent. onRecord, when set,
// runs after a record is kept and its error is returned to the loader.
type collector struct {
	records  []loaders.Record
	skipped  []loaders.Skipped
	onRecord func(ctx context.Context, r loaders.Record) error
}

func (c *collector) Record(ctx context.Context, r loaders.Record) error {
	c.records = append(c.records, r)
	if c.onRecord != nil {
		return c.onRecord(ctx, r)
	}
	return nil
}

func (c *collector) Skip(_ context.Context, s loaders.Skipped) error {
	c.skipped = append(c.skipped, s)
	return nil
}

// discard is a Sink that keeps nothing.
type discard struct{}

func (discard) Record(context.Context, loaders.Record) error { return nil }
func (discard) Skip(context.Context, loaders.Skipped) error  { return nil }

// entity returns the entity with an id, from whichever record holds it.
func (c *collector) entity(tb testing.TB, id string) model.Entity {
	tb.Helper()
	for _, r := range c.records {
		for _, e := range r.Entities {
			if e.ID == id {
				return e
			}
		}
	}
	tb.Fatalf("no entity %s", id)
	return model.Entity{}
}

// record returns the record with an id.
func (c *collector) record(tb testing.TB, id string) loaders.Record {
	tb.Helper()
	for _, r := range c.records {
		if r.ID == id {
			return r
		}
	}
	tb.Fatalf("no record %s", id)
	return loaders.Record{}
}

// dump writes records, skips and the summary in a stable, readable form:
// one fact per line, its fields indented below it, strings quoted so
// trailing spaces and unusual code points show.
func dump(w io.Writer, c *collector, sum Summary) {
	for _, r := range c.records {
		fmt.Fprintf(w, "record %s\n", r.ID)
		for _, e := range r.Entities {
			fmt.Fprintf(w, "  entity %s %s %q\n", e.ID, e.Kind, e.Name)
			dumpProvenance(w, e.Provenance)
			for _, a := range e.Aliases {
				fmt.Fprintf(w, "    alias %q\n", a)
			}
			if e.Description != "" {
				fmt.Fprintf(w, "    description %q\n", e.Description)
			}
			dumpProps(w, e.Properties)
		}
		for _, rel := range r.Relationships {
			fmt.Fprintf(w, "  rel %s\n", rel.ID)
			fmt.Fprintf(w, "    %s -%s-> %s\n", rel.FromID, rel.Type, rel.ToID)
			dumpProvenance(w, rel.Provenance)
			dumpProps(w, rel.Properties)
		}
		for _, ev := range r.Evidence {
			fmt.Fprintf(w, "  evidence %s\n", ev.ID)
			fmt.Fprintf(w, "    fact=%s source=%s status=%s basis=%s", ev.FactID, ev.SourceID, ev.Status, ev.Basis)
			if ev.StatedOn != "" {
				fmt.Fprintf(w, " statedOn=%s", ev.StatedOn)
			}
			fmt.Fprintln(w)
			for _, f := range []struct{ k, v string }{
				{"property", ev.Property}, {"value", ev.Value}, {"claim", ev.Claim}, {"quote", ev.Quote},
			} {
				if f.v != "" {
					fmt.Fprintf(w, "    %s %q\n", f.k, f.v)
				}
			}
		}
	}
	for _, s := range c.skipped {
		fmt.Fprintf(w, "skipped %s: %s\n", s.RecordID, s.Reason)
	}
	fmt.Fprintf(w, "summary\n")
	fmt.Fprintf(w, "  source %s published=%s generated=%s\n", sum.SourceID, sum.Published, sum.Generated)
	fmt.Fprintf(w, "  individuals=%d entities=%d records=%d nodes=%d relationships=%d evidence=%d reviewMentions=%d\n",
		sum.Individuals, sum.Entities, sum.Records, sum.Nodes, sum.Relationships, sum.Evidence, sum.ReviewMentions)
	dumpCounts(w, "byListType", sum.ByListType)
	byRel := map[string]int{}
	for k, v := range sum.ByRelType {
		byRel[string(k)] = v
	}
	dumpCounts(w, "byRelType", byRel)
	dumpCounts(w, "resolutions", sum.Resolutions)
	dumpCounts(w, "unresolved", sum.Unresolved)
	dumpCounts(w, "dropped", sum.Dropped)
}

func dumpProvenance(w io.Writer, p model.Provenance) {
	fmt.Fprintf(w, "    status=%s dataset=%s recordId=%s", p.Status, p.Dataset, p.RecordID)
	if p.ValidFrom != "" {
		fmt.Fprintf(w, " validFrom=%s", p.ValidFrom)
	}
	if p.ValidUntil != "" {
		fmt.Fprintf(w, " validUntil=%s", p.ValidUntil)
	}
	fmt.Fprintln(w)
}

func dumpProps(w io.Writer, p model.Properties) {
	for _, k := range slices.Sorted(maps.Keys(p)) {
		q := make([]string, len(p[k]))
		for i, v := range p[k] {
			q[i] = fmt.Sprintf("%q", v)
		}
		fmt.Fprintf(w, "    .%s = %s\n", k, strings.Join(q, ", "))
	}
}

func dumpCounts(w io.Writer, name string, m map[string]int) {
	if len(m) == 0 {
		return
	}
	fmt.Fprintf(w, "  %s\n", name)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(w, "    %q %d\n", k, m[k])
	}
}
