package breach

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

const ruleMeasure = "2. Measure: the product falls under a measure when its HS code lies within one of the measure's HS codes " +
	"(8703 lies within 8703, 87 and 86-89: the product's code is cut to the length of the measure's; " +
	"a product coded less precisely than the measure does not match), or when one of its categories, " +
	"or a broader category of one (schema/model.yaml categories), is among the measure's goods categories; " +
	"unless its HS code lies within one of the measure's exceptHsCodes (the exception is named), and, for a measure " +
	"with condition new, only when the goods are recorded as new (INCLUDES.condition, else Product.condition). " +
	"A measure that EXTENDS another defines or widens that obligation (2094 Annex IV defines the luxury goods of " +
	"1718 OP 8(a)(iii)): for it only the product's own categories count, what falls under it falls under the " +
	"obligation it extends when both are in force, and it is named with that obligation, never as a breach of its own. " +
	"A finding has one breach per obligation."

// measure is a Measure with what the rules need of it, its facts below the
// minimum status left out.
type measure struct {
	e         *model.Entity
	imposes   []model.Link
	targets   []model.Link
	extends   []model.Link
	hs        []string
	except    []string
	cats      []string
	condition string
	dir       model.MeasureDirection
	list      bool // extends another measure: own categories only
	start     time.Time
	hasStart  bool
	end       time.Time // zero: open-ended
	from      string    // words: where the start comes from
}

// goodsMatch is one product falling under a measure, and why.
type goodsMatch struct {
	link    model.Link
	reasons []string
}

// via is an extending measure through which goods fall under another.
type via struct {
	ext *measure
	rel *model.Relationship
}

// falling collects what falls under one measure for one transfer.
type falling struct {
	goods []*goodsMatch
	via   []via
}

func (fl *falling) add(l model.Link, reason string) {
	for _, g := range fl.goods {
		if g.link.Other.ID == l.Other.ID {
			if !slices.Contains(g.reasons, reason) {
				g.reasons = append(g.reasons, reason)
			}
			return
		}
	}
	fl.goods = append(fl.goods, &goodsMatch{link: l, reasons: []string{reason}})
}

// fallUnder applies rules 2 and 3: the measures in force over the span that
// the goods fall under, directly or through extending measures; and the
// exceptions and conditions that kept goods out, in words.
func (a *assessor) fallUnder(goods []model.Link, sp span) (map[string]*falling, []string) {
	under := map[string]*falling{}
	var kept []string
	var queue []*measure
	for _, ms := range a.measures {
		if !ms.covers(sp) {
			continue
		}
		for _, g := range goods {
			rs, why := a.reasons(ms, g)
			if why != "" && !slices.Contains(kept, why) {
				kept = append(kept, why)
			}
			for _, r := range rs {
				if under[ms.e.ID] == nil {
					under[ms.e.ID] = &falling{}
					queue = append(queue, ms)
				}
				under[ms.e.ID].add(g, r)
			}
		}
	}
	// What falls under an extending measure falls under the one it extends.
	done := map[string]bool{}
	for len(queue) > 0 {
		ext := queue[0]
		queue = queue[1:]
		for _, l := range ext.extends {
			base := a.byID[l.Other.ID]
			key := ext.e.ID + "\x00" + l.Other.ID
			if base == nil || done[key] || !base.covers(sp) {
				continue
			}
			done[key] = true
			if under[base.e.ID] == nil {
				under[base.e.ID] = &falling{}
			}
			fl := under[base.e.ID]
			fl.via = append(fl.via, via{ext: ext, rel: l.Rel})
			for _, g := range under[ext.e.ID].goods {
				fl.add(g.link, fmt.Sprintf("falls under %s, which extends this measure (EXTENDS)", ext.e.Name))
			}
			queue = append(queue, base)
		}
	}
	return under, kept
}

// reasons says why a product falls under a measure (rule 2), if it does;
// or, when an exception or condition keeps it out, why not.
func (a *assessor) reasons(ms *measure, g model.Link) ([]string, string) {
	p := g.Other
	code := digits(p.Properties.First("hsCode"))
	var out []string
	if code != "" {
		for _, c := range ms.hs {
			if hsWithin(code, c) {
				if code == c {
					out = append(out, "HS "+code+" is listed")
				} else {
					out = append(out, "HS "+code+" lies within "+c)
				}
			}
		}
	}
	for _, c := range p.Properties["category"] {
		if slices.Contains(ms.cats, c) {
			out = append(out, "category "+c+" is listed")
			continue
		}
		if ms.list {
			continue
		}
		for _, b := range a.broader[c] {
			if slices.Contains(ms.cats, b) {
				out = append(out, "category "+c+" is a kind of "+b+", which is listed")
			}
		}
	}
	if len(out) == 0 {
		return nil, ""
	}
	if code != "" {
		for _, c := range ms.except {
			if hsWithin(code, c) {
				why := fmt.Sprintf("%s: HS %s lies within %s, excepted from %s", p.Name, code, c, ms.e.Name)
				if x := ms.e.Properties.First("exceptions"); x != "" {
					why += " (" + x + ")"
				}
				return nil, why
			}
		}
	}
	if ms.condition == "new" {
		cond := g.Rel.Properties.First("condition")
		if cond == "" {
			cond = p.Properties.First("condition")
		}
		if cond != "new" {
			if cond == "" {
				cond = "not recorded"
			}
			return nil, fmt.Sprintf("%s: %s covers new goods only; the goods' condition is %s", p.Name, ms.e.Name, cond)
		}
		out = append(out, "recorded as new")
	}
	return out, ""
}

// hsWithin reports whether product code p lies within measure code c: a
// heading ("8703"), a chapter ("87") or a range of either ("86-89"). The
// product's code is cut to the length of each bound, so a heading compares
// with a chapter by its first two digits; a product coded less precisely
// than the measure does not match.
func hsWithin(p, c string) bool {
	lo, hi, isRange := strings.Cut(c, "-")
	lo = digits(lo)
	if isRange {
		hi = digits(hi)
	} else {
		hi = lo
	}
	if lo == "" || hi == "" || len(p) < len(lo) || len(p) < len(hi) {
		return false
	}
	return p[:len(lo)] >= lo && p[:len(hi)] <= hi
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// reading names an obligation with what it is read with:
// "1718 OP 8(a)(iii), read with 2094 OP 23 and Annex IV".
func reading(ms *measure, vias []via) string {
	s := cite(ms)
	var with []string
	for _, v := range vias {
		if c := cite(v.ext); !slices.Contains(with, c) {
			with = append(with, c)
		}
	}
	if len(with) > 0 {
		s += ", read with " + list(with)
	}
	return s
}

// cite names a measure by resolution, paragraph and annex, or by name.
func cite(ms *measure) string {
	var parts []string
	if len(ms.imposes) > 0 {
		parts = append(parts, resolutionLabel(ms.imposes[0].Other))
	}
	if p := ms.e.Properties.First("paragraph"); p != "" {
		parts = append(parts, p)
	}
	if an := ms.e.Properties.First("annex"); an != "" {
		if len(parts) > 1 {
			parts = append(parts, "and "+an)
		} else {
			parts = append(parts, an)
		}
	}
	if len(parts) < 2 {
		return ms.e.Name
	}
	return strings.Join(parts, " ")
}
