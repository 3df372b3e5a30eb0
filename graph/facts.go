package graph

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// entityEvidence is the evidence of every record of obj.
func (r *Resolver) entityEvidence(ctx context.Context, obj *model.Entity) ([]*model.Evidence, error) {
	var out []*model.Evidence
	for _, id := range obj.RecordIDs() {
		evs, err := r.evidence(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, evs...)
	}
	return out, nil
}

// statedBounds is the period in which the evidence's source said it (its
// statedOn, else the source's publication date; a partial date is its
// whole month or year); ok is false when neither is known.
func statedBounds(ev *model.Evidence) (first, last time.Time, ok bool) {
	d := ev.ReportedOn()
	if d == "" {
		return time.Time{}, time.Time{}, false
	}
	f, l, err := schema.DateBounds(d)
	return f, l, err == nil
}

// orderEvidence sorts evs in place: STATED_ASC puts the oldest statement
// first (by the first day of a partial date, then the more precise date,
// then the store's order) and undated evidence last; STRENGTH keeps the
// store's order (strongest status first).
func orderEvidence(evs []*model.Evidence, order *model.EvidenceOrder) []*model.Evidence {
	if order == nil || *order != model.EvidenceByStatedAsc {
		return evs
	}
	slices.SortStableFunc(evs, func(a, b *model.Evidence) int {
		af, al, aok := statedBounds(a)
		bf, bl, bok := statedBounds(b)
		switch {
		case !aok || !bok:
			return cmpBool(!aok, !bok)
		case !af.Equal(bf):
			return af.Compare(bf)
		default:
			return al.Compare(bl)
		}
	})
	return evs
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// firstReported is the date of the earliest dated evidence that does not
// dispute the fact (ReportedOn), kept at its own precision; nil when none
// is dated.
func firstReported(evs []*model.Evidence) *model.Date {
	var best *model.Evidence
	var bestFirst, bestLast time.Time
	for _, ev := range evs {
		if ev.Status == schema.Disputed {
			continue
		}
		f, l, ok := statedBounds(ev)
		if !ok {
			continue
		}
		if best == nil || f.Before(bestFirst) || f.Equal(bestFirst) && l.Before(bestLast) {
			best, bestFirst, bestLast = ev, f, l
		}
	}
	if best == nil {
		return nil
	}
	d := model.Date(best.ReportedOn())
	return &d
}

// lastConfirmed is the date of the latest dated confirming evidence
// (ReportedOn); nil when none is dated.
func lastConfirmed(evs []*model.Evidence) *model.Date {
	var best *model.Evidence
	var bestLast time.Time
	for _, ev := range evs {
		if ev.Status != schema.Confirmed {
			continue
		}
		_, l, ok := statedBounds(ev)
		if !ok {
			continue
		}
		if best == nil || l.After(bestLast) {
			best, bestLast = ev, l
		}
	}
	if best == nil {
		return nil
	}
	d := model.Date(best.ReportedOn())
	return &d
}

// propertyFilters converts the GraphQL property conditions.
func propertyFilters(in []*model.PropertyFilter) []model.PropertyFilter {
	out := make([]model.PropertyFilter, 0, len(in))
	for _, f := range in {
		if f != nil {
			out = append(out, *f)
		}
	}
	return out
}

// maxRouteLegs bounds the legs read for one route.
const maxRouteLegs = 1000

// sortLegs orders VIA relationships by leg number; legs without one come
// last, by date then id.
func sortLegs(legs []*model.Relationship) {
	slices.SortStableFunc(legs, func(a, b *model.Relationship) int {
		an, aok := a.Leg()
		bn, bok := b.Leg()
		switch {
		case aok != bok:
			return cmpBool(!aok, !bok)
		case aok && an != bn:
			return an - bn
		}
		if c := strings.Compare(a.Properties.First("date"), b.Properties.First("date")); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
