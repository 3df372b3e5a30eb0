package ownership

import (
	"slices"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// openEnd is the stored end of a listing period still current.
const openEnd = "9999-12-31"

// DesignationState says whether a listing held on day at (YYYY-MM-DD), and
// why, from what the graph records of its dates:
//
//   - a retraction-free listing delisted (delistedOn) or ended (validUntil of
//     the listing or of its DESIGNATES) before at did not hold;
//   - a listing the editions of its list hold (periods) held on the days of
//     its periods; between the last edition without it and the first with it
//     (or before the first edition loaded, when it has no listing date) it
//     is UNKNOWN, since the lists do not all give a date (the OFAC SDN CSV
//     gives none); before an edition that lacked it, or before its stated
//     listing date, it did not hold;
//   - a listing no edition holds (a curated record) holds from its listing
//     date or validFrom; with neither, whether it held on a date is
//     UNKNOWN. (On a listing the editions hold, validFrom is the first
//     edition's date, not a listing date, and is not read.)
//
// A partial date covers its period: a listing "2024-02" counts from
// 2024-02-01, an end "2025" until 2025-12-31.
func DesignationState(d *model.DesignationFact, editions []string, at string) (model.DesignationState, string) {
	s := d.Sanction
	for _, end := range []struct{ day, what string }{
		{d.DelistedOn, "delisted on "}, {s.ValidUntil, "listing ended on "}, {d.Designates.ValidUntil, "designation ended on "},
	} {
		if end.day != "" && lastDay(end.day) < at {
			return model.NotHeld, end.what + end.day
		}
	}
	// A listing the editions hold has validFrom set from its periods (the
	// first edition that holds it), which is no listing date; a curated
	// listing's validFrom is one.
	start := d.ListingDate
	if start == "" && len(d.PeriodFrom) == 0 {
		start = first(s.ValidFrom, d.Designates.ValidFrom)
	}
	if start != "" && at < firstDay(start) {
		return model.NotHeld, "listed from " + start
	}
	if len(d.PeriodFrom) == 0 {
		if start == "" {
			return model.Unknown, "no listing date is recorded"
		}
		return model.Held, "listed from " + start
	}
	in := func(day string) bool {
		for i := range d.PeriodFrom {
			if i < len(d.PeriodUntil) && d.PeriodFrom[i] <= day && day <= d.PeriodUntil[i] {
				return true
			}
		}
		return false
	}
	if in(at) {
		i := slices.IndexFunc(d.PeriodFrom, func(f string) bool { return f <= at })
		for j := range d.PeriodFrom {
			if j < len(d.PeriodUntil) && d.PeriodFrom[j] <= at && at <= d.PeriodUntil[j] {
				i = j
			}
		}
		if d.PeriodUntil[i] == openEnd {
			return model.Held, "on the list from " + d.PeriodFrom[i]
		}
		return model.Held, "on the list from " + d.PeriodFrom[i] + " to " + d.PeriodUntil[i]
	}
	if len(editions) == 0 {
		return model.Unknown, "outside the periods recorded, and no edition of its list is loaded"
	}
	prev, next := "", ""
	for _, e := range editions {
		if e <= at {
			prev = e
		} else if next == "" {
			next = e
		}
	}
	switch {
	case prev != "" && in(prev):
		// Held by the edition before at, not at: removed in between.
		return model.Unknown, "removed between the editions of " + prev + " and " + next
	case next != "" && in(next):
		if prev == "" {
			if start != "" {
				return model.Held, "listed from " + start
			}
			return model.Unknown, "first seen in the edition of " + next + "; the list gives no listing date"
		}
		return model.Unknown, "added between the editions of " + prev + " and " + next
	}
	return model.NotHeld, "not on the edition of the list in force on that date"
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
