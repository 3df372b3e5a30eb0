package model

import (
	"slices"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Edition is one loaded publication of an authority's list: a system
// record written by the loader, never by curators. Its publication date
// comes from the file (or the loader's -published flag); ordering and the
// "older list" check read editions only.
type Edition struct {
	ID string
	// Dataset is the list's dataset ("unsc", "ofac-sdn", "ofac-cons").
	Dataset string
	// Authority is the publisher ("United Nations Security Council").
	Authority string
	// List names the list ("UN Security Council Consolidated List").
	List string
	// PublishedOn is the publication date, YYYY-MM-DD.
	PublishedOn string
	// Checksum is the sha256 of the file(s) read, hex; empty for an edition
	// reconstructed by a migration from a graph loaded before editions
	// existed.
	Checksum string
	// File names the file read (base name).
	File string
	// RecordCount is the number of listings the edition holds.
	RecordCount int
	// LoadedAt is when it was loaded (RFC 3339); LoadedBy who loaded it.
	LoadedAt string
	LoadedBy string
	// Reconstructed is true for editions a migration rebuilt from the
	// evidence of a graph loaded before editions existed: their listings
	// are known, their field values are not.
	Reconstructed bool
}

// Listing is one listing as one edition states it: the authority's
// permanent reference and the fields compared between editions.
type Listing struct {
	// SanctionID is the id of the Sanction entity ("unsc-sanction:KPe.068").
	SanctionID string
	// Reference is the authority's reference (UN reference number, OFAC
	// uid).
	Reference string
	// Programs are the listing's programs or regimes ("DPRK", "DPRK3").
	Programs []string
	// Name is the listed party's name.
	Name string
	// Fields are the compared fields (ListingFields), as the edition
	// states them; an absent field is empty.
	Fields map[string]string
}

// ListingFields are the fields of a listing that listChanges compares:
// the listed party's name, kind and description (whitespace collapsed),
// and the sanction's programs, list type, listing date, amendment dates
// and reason. Record ids (the UN's DATAID) are not among them: they change
// when a record is re-issued, not when the listing does.
var ListingFields = []string{"name", "kind", "description", "program", "listType", "listingDate", "amendedOn", "reason"}

// ListingsOf returns the listings a batch of loaded records holds: every
// Sanction entity with an authorityId, with the entity it DESIGNATES in the
// same batch.
func ListingsOf(b Batch) []Listing {
	ents := make(map[string]*Entity, len(b.Entities))
	for i := range b.Entities {
		ents[b.Entities[i].ID] = &b.Entities[i]
	}
	var out []Listing
	for _, r := range b.Relationships {
		if r.Type != schema.Designates {
			continue
		}
		s, p := ents[r.FromID], ents[r.ToID]
		if s == nil || p == nil || s.Kind != schema.Sanction || s.Properties.First("authorityId") == "" {
			continue
		}
		f := map[string]string{
			"name":        collapse(p.Name),
			"kind":        string(p.Kind),
			"description": collapse(p.Description),
			"program":     strings.Join(s.Properties["program"], "; "),
			"listType":    s.Properties.First("listType"),
			"listingDate": s.Properties.First("listingDate"),
			"amendedOn":   strings.Join(s.Properties["amendedOn"], "; "),
			"reason":      collapse(s.Properties.First("reason")),
		}
		for k, v := range f {
			if v == "" {
				delete(f, k)
			}
		}
		out = append(out, Listing{
			SanctionID: s.ID, Reference: s.Properties.First("authorityId"),
			Programs: slices.Clone(s.Properties["program"]), Name: p.Name, Fields: f,
		})
	}
	return out
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// ListingPeriod is one period in which a listing was on its list, derived
// from the editions loaded. Dates are edition publication dates unless
// named otherwise; nothing is more precise than the editions allow.
type ListingPeriod struct {
	// ListedOn is the listing date the file states, where it falls in this
	// period (between the last edition without the listing and the first
	// with it, or before the first edition loaded).
	ListedOn *string
	// FirstSeen and LastSeen are the first and last editions that hold
	// the listing in this period; both empty for a period known only from
	// the stated listing date (the listing was stated as listed on
	// ListedOn but is missing from a later edition: it was removed and
	// listed again).
	FirstSeen *string
	LastSeen  *string
	// AddedBetween is [last edition without, first edition with], when an
	// earlier edition did not hold the listing.
	AddedBetween []string
	// RemovedBetween is [last edition with, first edition without], when a
	// later edition does not hold it; for a period known only from
	// ListedOn it is [ListedOn, first edition after ListedOn].
	RemovedBetween []string
	// Current is true when the newest edition loaded holds the listing.
	Current bool
}

// ActiveFrom and ActiveUntil bound the days on which the period is known to
// hold: from the stated listing date (else the first edition seen) to the
// last edition seen, or open ("") while current.
func (p ListingPeriod) ActiveFrom() string {
	if p.ListedOn != nil {
		return *p.ListedOn
	}
	return deref(p.FirstSeen)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ptr(s string) *string { return &s }

// ActiveUntil: see ActiveFrom.
func (p ListingPeriod) ActiveUntil() string {
	switch {
	case p.Current:
		return ""
	case p.LastSeen != nil:
		return *p.LastSeen
	default:
		return deref(p.ListedOn)
	}
}

// EditionDate is an edition's id and publication date, for period
// computation.
type EditionDate struct {
	ID          string
	PublishedOn string
}

// ListingPeriods derives a listing's periods from the editions of its list
// (sorted by publication date) and those that hold it: each run of
// consecutive editions holding it is a period, and a later run after a gap
// is a new period (a relisting). listedOn is the listing date the file
// states: it starts the first run when it falls before it (and after the
// edition before it); when it falls before an earlier edition that did not
// hold the listing, the listing was removed and relisted in between, and a
// period known only from listedOn comes first.
func ListingPeriods(editions []EditionDate, in func(id string) bool, listedOn string) []ListingPeriod {
	var out []ListingPeriod
	for i := 0; i < len(editions); i++ {
		if !in(editions[i].ID) {
			continue
		}
		j := i
		for j+1 < len(editions) && in(editions[j+1].ID) {
			j++
		}
		p := ListingPeriod{FirstSeen: ptr(editions[i].PublishedOn), LastSeen: ptr(editions[j].PublishedOn)}
		if i > 0 {
			p.AddedBetween = []string{editions[i-1].PublishedOn, editions[i].PublishedOn}
		}
		if j+1 < len(editions) {
			p.RemovedBetween = []string{editions[j].PublishedOn, editions[j+1].PublishedOn}
		} else {
			p.Current = true
		}
		if len(out) == 0 && listedOn != "" && listedOn <= editions[i].PublishedOn {
			switch {
			case i == 0 || listedOn > editions[i-1].PublishedOn:
				p.ListedOn = ptr(listedOn)
			default:
				// The first edition after the stated date lacks the
				// listing: it was removed by then.
				k := 0
				for editions[k].PublishedOn < listedOn {
					k++
				}
				out = append(out, ListingPeriod{ListedOn: ptr(listedOn), RemovedBetween: []string{listedOn, editions[k].PublishedOn}})
			}
		}
		out = append(out, p)
		i = j
	}
	return out
}

// ListingHistory is a listing's presence on its list: its periods and the
// editions that hold it, oldest first.
type ListingHistory struct {
	SanctionID string
	Reference  string
	Periods    []ListingPeriod
	Editions   []Edition
}

// ListingChangeKind says how a listing differs between two editions.
type ListingChangeKind string

// The kinds of listing changes.
const (
	Added   ListingChangeKind = "ADDED"
	Removed ListingChangeKind = "REMOVED"
	Amended ListingChangeKind = "AMENDED"
)

// ListingChange is one listing added, removed or amended between two
// editions.
type ListingChange struct {
	Change     ListingChangeKind
	Reference  string
	SanctionID string
	Name       string
	Programs   []string
	// Fields are the compared fields that differ (AMENDED only); Before or
	// After is nil where the edition states no value.
	Fields []ListingFieldChange
}

// ListingFieldChange is one compared field whose value differs between two
// editions, as the editions state it (plain text; nil where none).
type ListingFieldChange struct {
	Field  string
	Before *string
	After  *string
}

// ListChangeQuery asks for the changes of a list between two editions.
type ListChangeQuery struct {
	// List is a dataset ("unsc", "ofac-sdn") or an authority's name.
	List string
	// From and To are edition publication dates; empty To means the newest
	// edition, empty From the one before To.
	From, To string
	// Program keeps listings with this program in either edition;
	// ReferencePrefix keeps references starting with it ("KP").
	Program         string
	ReferencePrefix string
	// Changes keeps only these kinds (all when empty).
	Changes []ListingChangeKind
	Page
}

// ListChangePage is one page of the changes between two editions, in
// reference order, with the totals of the whole filtered answer.
type ListChangePage struct {
	From, To                Edition
	Added, Removed, Amended int
	Total                   int
	Changes                 []ListingChange
}
