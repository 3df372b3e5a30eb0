package ftm

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/loaders/loadertest"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

var update = flag.Bool("update", false, "rewrite the .golden files in testdata")

// render writes what a load emitted as stable, readable text: records in
// order, then skips, then the summary.
func render(c *collector, sum Summary) []byte {
	var b bytes.Buffer
	q := strconv.Quote
	props := func(indent string, p model.Properties) {
		names := make([]string, 0, len(p))
		for n := range p {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			vals := make([]string, len(p[n]))
			for i, v := range p[n] {
				vals[i] = q(v)
			}
			fmt.Fprintf(&b, "%s%s: %s\n", indent, n, strings.Join(vals, ", "))
		}
	}
	prov := func(p model.Provenance) string {
		s := fmt.Sprintf("status=%s dataset=%s record=%s", p.Status, p.Dataset, q(p.RecordID))
		if p.ValidFrom != "" || p.ValidUntil != "" {
			s += fmt.Sprintf(" valid=%s..%s", p.ValidFrom, p.ValidUntil)
		}
		return s
	}
	for _, r := range c.Records {
		fmt.Fprintf(&b, "record %s\n", q(r.ID))
		for _, e := range r.Entities {
			fmt.Fprintf(&b, "  entity %s %s %s %s\n", e.ID, e.Kind, q(e.Name), prov(e.Provenance))
			for _, a := range e.Aliases {
				fmt.Fprintf(&b, "    alias %s\n", q(a))
			}
			if e.Description != "" {
				fmt.Fprintf(&b, "    description %s\n", q(e.Description))
			}
			props("    .", e.Properties)
		}
		for _, rel := range r.Relationships {
			fmt.Fprintf(&b, "  rel %s %s\n", rel.ID, prov(rel.Provenance))
			props("    .", rel.Properties)
		}
		for _, ev := range r.Evidence {
			fmt.Fprintf(&b, "  evidence %s -> %s %s %s stated=%s", ev.ID, ev.SourceID, ev.Status, ev.Basis, ev.StatedOn)
			if ev.Property != "" {
				fmt.Fprintf(&b, " %s=%s", ev.Property, q(ev.Value))
			}
			if ev.Claim != "" {
				fmt.Fprintf(&b, " claim=%s", q(ev.Claim))
			}
			b.WriteString("\n")
		}
	}
	for _, s := range c.Skipped {
		fmt.Fprintf(&b, "skip %s: %s\n", s.RecordID, s.Reason)
	}
	js, _ := json.MarshalIndent(sum, "", "  ") // map keys are sorted
	b.WriteString("summary ")
	b.Write(js)
	b.WriteString("\n")
	return b.Bytes()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	loadertest.Golden(tb, filepath.Join("testdata", name), got, *update)
}
