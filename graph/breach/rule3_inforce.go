package breach

import (
	"fmt"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

const ruleInForce = "3. In force: the measure was in force on the transfer's date: from the later of its inForceFrom and the adoption " +
	"of the (earliest) resolution that IMPOSES it, until its inForceUntil, if any. Partial dates count from their " +
	"first day and until their last; a transfer with a partial date must fall wholly within. " +
	"A transfer without a date is not assessed."

// span is the period a date covers: one day, or a month or year for a
// partial date.
type span struct {
	first, last time.Time
	text        string
}

// inForce works out when a measure took effect (rule 3): the later of its
// inForceFrom and the adoption of the earliest resolution imposing it.
func (ms *measure) inForce() {
	var parts []string
	if v := ms.e.Properties.First("inForceFrom"); v != "" {
		if first, _, err := schema.DateBounds(v); err == nil {
			ms.start, ms.hasStart = first, true
			parts = append(parts, "inForceFrom "+v)
		}
	}
	var adopted time.Time
	var by string
	for _, l := range ms.imposes {
		v := l.Other.Properties.First("adoptedOn")
		first, _, err := schema.DateBounds(v)
		if err != nil {
			continue
		}
		if by == "" || first.Before(adopted) {
			adopted, by = first, fmt.Sprintf("resolution %s adopted %s", resolutionLabel(l.Other), v)
		}
	}
	if by != "" {
		parts = append(parts, by)
		if !ms.hasStart || adopted.After(ms.start) {
			ms.start, ms.hasStart = adopted, true
		}
	}
	if v := ms.e.Properties.First("inForceUntil"); v != "" {
		if _, last, err := schema.DateBounds(v); err == nil {
			ms.end = last
		}
	}
	ms.from = strings.Join(parts, "; ")
}

// covers reports whether the measure was in force for the whole span.
func (ms *measure) covers(sp span) bool {
	if !ms.hasStart || sp.first.Before(ms.start) {
		return false
	}
	return ms.end.IsZero() || !sp.last.After(ms.end)
}

func (ms *measure) inForceWords(sp span) string {
	s := "in force from " + ms.start.Format(time.DateOnly)
	if ms.from != "" {
		s += " (" + ms.from + ")"
	}
	if ms.end.IsZero() {
		s += ", with no end recorded"
	} else {
		s += " until " + ms.end.Format(time.DateOnly)
	}
	return s + "; the transfer is dated " + sp.text
}

// holds reports whether a relationship held for the whole span.
func holds(r *model.Relationship, sp span) bool {
	if r.ValidFrom != "" {
		if first, _, err := schema.DateBounds(r.ValidFrom); err == nil && first.After(sp.first) {
			return false
		}
	}
	if r.ValidUntil != "" {
		if _, last, err := schema.DateBounds(r.ValidUntil); err == nil && last.Before(sp.last) {
			return false
		}
	}
	return true
}
