package model

import (
	"slices"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

// MaxPageSize caps `first` on every list; larger requests are refused.
const MaxPageSize = 100

// Dir is the direction of a relationship seen from one entity.
type Dir int

// The directions.
const (
	Both Dir = iota
	Outgoing
	Incoming
)

// Page is an offset window over an ordered result. After, when set, is the
// sort key of the item just before the window (a keyset cursor): a store
// that can seek by it reads the window from there instead of skipping
// Offset items, so a deep page costs what the first does; Offset still
// numbers the window's items.
type Page struct {
	Offset int
	Limit  int
	After  *SortKey
}

// SortKey is an item's position in a name order: its sort name (the
// normalised name the store sorts by) and its id, which breaks ties.
type SortKey struct {
	Name string
	ID   string
}

// EntityOrder orders entity lists.
type EntityOrder int

// The entity orders; every order breaks ties by id, so pages are stable.
const (
	ByNameAsc EntityOrder = iota
	ByNameDesc
	ByDateAsc
	ByDateDesc
)

// EntityQuery selects entities for lists and dashboards.
type EntityQuery struct {
	View      View
	Kinds     []schema.Kind
	Statuses  []schema.Status
	MinStatus schema.Status
	Dataset   string
	// ActiveAt keeps entities whose validity period contains this date, or
	// (a partial date, YYYY or YYYY-MM) overlaps that period.
	ActiveAt string
	// Properties are conditions on declared properties (all must hold).
	Properties []PropertyFilter
	Sort       EntityOrder
	// WithoutTotal skips counting every match (the client did not ask for
	// totalCount): the page's Total is -1 and More says whether another
	// page follows.
	WithoutTotal bool
	// WithEvidence reads the evidence of the page's records and the
	// sources it cites in the same transaction (EntityPage.Facts).
	WithEvidence bool
	Page
}

// EntityPage is one page of entities and the total number matching.
type EntityPage struct {
	Entities []*Entity
	Total    int
	// More is set on a page asked WithoutTotal when another page follows.
	More bool
	// Facts are the page's evidence and sources when asked WithEvidence
	// (and the store reads them with the page); nil otherwise.
	Facts *EntityBundle
	// Keys are the entities' sort keys, one each, when the order is by
	// name and the store can seek by them (Page.After); nil otherwise.
	Keys []SortKey
}

// SearchQuery is a full-text search over names and aliases.
type SearchQuery struct {
	View  View
	Text  string
	Kinds []schema.Kind
	Page
}

// SearchResult is one hit: the entity, its relevance and the name that matched.
type SearchResult struct {
	Entity      *Entity
	Score       float64
	MatchedName string
}

// SearchPage is one page of hits; Total counts every hit up to MaxSearchHits.
type SearchPage struct {
	Hits  []SearchResult
	Total int
}

// MaxSearchHits bounds how many hits one search ranks; totals stop there.
const MaxSearchHits = 1000

// NeighbourQuery selects the relationships around one entity.
type NeighbourQuery struct {
	View      View
	ID        string
	Types     []schema.RelType
	Direction Dir
	Kinds     []schema.Kind
	Statuses  []schema.Status
	MinStatus schema.Status
	// At keeps relationships that held on this date, or (a partial date,
	// YYYY or YYYY-MM) at some time in that period.
	At string
	// WithoutTotal skips counting every match (the client did not ask for
	// totalCount): the page's Total is -1 and More says whether another
	// page follows.
	WithoutTotal bool
	// WithEvidence reads the evidence of the page's relationships and the
	// sources it cites in the same transaction (NeighbourPage.Facts).
	WithEvidence bool
	Page
}

// Neighbour is one relationship seen from the entity asked about.
type Neighbour struct {
	Relationship *Relationship
	// Node is the entity at the other end.
	Node *Entity
	// Outgoing is true when the entity asked about is the relationship's start.
	Outgoing bool
}

// NeighbourPage is one page of neighbours and the total number matching.
type NeighbourPage struct {
	Neighbours []Neighbour
	Total      int
	// More is set on a page asked WithoutTotal when another page follows.
	More bool
	// Facts are the relationships' evidence and sources when asked
	// WithEvidence (and the store reads them with the page); nil otherwise.
	Facts *EntityBundle
}

// TimelineQuery selects dated entities in a date range.
type TimelineQuery struct {
	From, To  string
	Kinds     []schema.Kind
	MinStatus schema.Status
	Page
}

// TimelineItem is an entity placed on the timeline by its date.
type TimelineItem struct {
	Date   string
	Entity *Entity
}

// TimelinePage is one page of the timeline.
type TimelinePage struct {
	Items []TimelineItem
	Total int
}

// CountQuery filters dashboard counts.
type CountQuery struct {
	View      View
	Kinds     []schema.Kind
	Dataset   string
	MinStatus schema.Status
}

// EntityBundle is entities read with the evidence of their records (by
// fact id; a fact without evidence has an empty list) and the sources that
// evidence cites (by id), for a request that asks for all of them.
type EntityBundle struct {
	Entities map[string]*Entity
	Evidence map[string][]Evidence
	Sources  map[string]*Entity
}

// Counts are dashboard totals.
type Counts struct {
	Entities           int
	Relationships      int
	ByKind             []KindCount
	ByStatus           []StatusCount
	ByRelationshipType []RelationshipTypeCount
	ByDataset          []DatasetCount
}

// Clone returns a copy that shares nothing with c.
func (c *Counts) Clone() *Counts {
	if c == nil {
		return nil
	}
	out := *c
	out.ByKind = slices.Clone(c.ByKind)
	out.ByStatus = slices.Clone(c.ByStatus)
	out.ByRelationshipType = slices.Clone(c.ByRelationshipType)
	out.ByDataset = slices.Clone(c.ByDataset)
	return &out
}

// KindCount counts entities of one kind.
type KindCount struct {
	Kind  schema.Kind
	Count int
}

// StatusCount counts entities with one status.
type StatusCount struct {
	Status schema.Status
	Count  int
}

// RelationshipTypeCount counts relationships of one type.
type RelationshipTypeCount struct {
	Type  schema.RelType
	Count int
}

// DatasetCount counts entities from one dataset.
type DatasetCount struct {
	Dataset string
	Count   int
}

// WriteSummary says what a write did, by outcome.
type WriteSummary struct {
	Created   int
	Updated   int
	Unchanged int
}

// Add adds o to s.
func (s *WriteSummary) Add(o WriteSummary) {
	s.Created += o.Created
	s.Updated += o.Updated
	s.Unchanged += o.Unchanged
}

// Path limits: callers cannot raise a request past these.
const (
	// DefaultMaxHops is the hop limit of a path query that names none.
	DefaultMaxHops = 4
	// MaxHopsCap is the largest hop limit a path query may ask for.
	MaxHopsCap = 8
	// MaxK caps the k of K_SHORTEST.
	MaxK = 10
	// MaxPaths caps how many paths one query returns (ALL_SHORTEST).
	MaxPaths = 25
	// MaxVia caps the waypoints of one path query.
	MaxVia = 3
	// DefaultMaxDegree is the hub guard: a path does not pass through an
	// entity with more relationships than this (its ends and waypoints may
	// have any number).
	DefaultMaxDegree = 5000
	// MaxDegreeCap is the largest hub guard a query may ask for: on the
	// 1M-relationship benchmark graph a guard of 50,000 let 3-hop searches
	// through 12,000-edge hubs take 4–5 s.
	MaxDegreeCap = 10000
)

// PathSearchMode says which paths to find.
type PathSearchMode int

// The path modes.
const (
	// Shortest finds one shortest path.
	Shortest PathSearchMode = iota
	// AllShortest finds every path of the shortest length (up to MaxPaths).
	AllShortest
	// KShortest finds the k shortest paths.
	KShortest
)

// PathQuery asks how two entities are connected.
type PathQuery struct {
	// View RESOLVED searches the resolved graph: ends are resolved ids and
	// no hop is spent on SAME_AS.
	View View
	// From, To and Via are entity ids; Via are waypoints in order.
	From, To string
	Via      []string
	MaxHops  int
	Mode     PathSearchMode
	K        int
	// Types and ExcludeTypes restrict the relationship types of every hop.
	Types, ExcludeTypes []schema.RelType
	// Kinds and ExcludeKinds restrict the entities a path passes through
	// (not its ends or waypoints).
	Kinds, ExcludeKinds []schema.Kind
	// MinStatus keeps hops at least this well established.
	MinStatus schema.Status
	// HeldFrom and HeldUntil (YYYY-MM-DD) keep hops that held at some time in
	// this range; equal for a single date.
	HeldFrom, HeldUntil string
	// MaxDegree is the hub guard.
	MaxDegree int
	// WithEvidence reads the evidence of the paths' hops and the sources it
	// cites in the search's transaction (PathSearch.Facts).
	WithEvidence bool
}

// Path is a chain of hops from the query's From to its To.
type Path struct {
	// Nodes are the entities along the path, From first.
	Nodes []*Entity
	// Rels[i] joins Nodes[i] and Nodes[i+1]; Forward[i] says whether it was
	// traversed in its own direction.
	Rels    []*Relationship
	Forward []bool
	// FromRecords[i] and ToRecords[i] are the records hop i leaves and
	// reaches (the relationship's ends, in the direction of travel). In
	// the records view they are the nodes' ids.
	FromRecords, ToRecords []string
}

// PathCut says which constraint left a path query without an answer.
type PathCut string

// The reasons a path query found nothing.
const (
	CutNone         PathCut = ""
	CutDate         PathCut = "DATE"
	CutStatus       PathCut = "STATUS"
	CutFilters      PathCut = "FILTERS"
	CutMaxHops      PathCut = "MAX_HOPS"
	CutNotConnected PathCut = "NOT_CONNECTED"
)

// PathSearch is what the store found for a path query. When Paths is
// empty, Cut says why, and ShortestBeyond gives the length of the shortest
// path that exists beyond maxHops (CutMaxHops).
type PathSearch struct {
	Paths          []Path
	Cut            PathCut
	ShortestBeyond int
	// Facts are the hops' evidence and sources when asked WithEvidence
	// (and the store reads them with the paths); nil otherwise.
	Facts *EntityBundle
}

// PathResult is the GraphQL answer to a path query.
type PathResult struct {
	From, To       *Entity
	Via            []*Entity
	Paths          []*Path
	Cut            *PathCut
	ShortestBeyond *int
	Explanation    string
}

// Length is the number of hops.
func (p *Path) Length() int { return len(p.Rels) }

// Hops returns the path's steps in order.
func (p *Path) Hops() []*Hop {
	out := make([]*Hop, len(p.Rels))
	for i, r := range p.Rels {
		out[i] = &Hop{From: p.Nodes[i], To: p.Nodes[i+1], Relationship: r, Forward: p.Forward[i]}
		if i < len(p.FromRecords) {
			out[i].FromRecord, out[i].ToRecord = p.FromRecords[i], p.ToRecords[i]
		}
		if i > 0 && i < len(p.FromRecords) && p.ToRecords[i-1] != p.FromRecords[i] {
			out[i].JoinedFrom = p.ToRecords[i-1]
		}
	}
	return out
}

// WeakestStatus is the lowest-ranked status of any hop.
func (p *Path) WeakestStatus() schema.Status {
	weakest := schema.Confirmed
	for _, r := range p.Rels {
		if r.Status.Rank() < weakest.Rank() {
			weakest = r.Status
		}
	}
	return weakest
}

// HeldFrom is the latest validFrom of the hops: from then on every dated
// hop has begun. Nil when no hop has a validFrom.
func (p *Path) HeldFrom() *string {
	var latest string
	for _, r := range p.Rels {
		if r.ValidFrom != "" && (latest == "" || dayOf(r.ValidFrom, false) > dayOf(latest, false)) {
			latest = r.ValidFrom
		}
	}
	if latest == "" {
		return nil
	}
	return &latest
}

// HeldUntil is the earliest validUntil of the hops. Nil when no hop ends.
func (p *Path) HeldUntil() *string {
	var earliest string
	for _, r := range p.Rels {
		if r.ValidUntil != "" && (earliest == "" || dayOf(r.ValidUntil, true) < dayOf(earliest, true)) {
			earliest = r.ValidUntil
		}
	}
	if earliest == "" {
		return nil
	}
	return &earliest
}

// dayOf is the first (or last) day a date covers, at any precision, for
// comparing dates given at different precisions ("2025" ends after
// "2025-06-30"); a date the model would not accept compares as written.
func dayOf(d string, last bool) string {
	f, l, err := schema.DateBounds(d)
	switch {
	case err != nil:
		return d
	case last:
		return l.Format("2006-01-02")
	}
	return f.Format("2006-01-02")
}

// Hop is one step of a path.
type Hop struct {
	From, To     *Entity
	Relationship *Relationship
	// Forward is true when the step follows the relationship's direction.
	Forward bool
	// FromRecord and ToRecord are the records the hop leaves and reaches.
	FromRecord, ToRecord string
	// JoinedFrom is set when the hop leaves its From entity by another
	// record than the one the previous hop reached: the path passed through
	// the resolved entity from that record to FromRecord.
	JoinedFrom string
}

// Status is the hop's relationship status.
func (h *Hop) Status() schema.Status { return h.Relationship.Status }

// RelationshipOrder orders fact lists.
type RelationshipOrder int

// The orders of Store.Relationships.
const (
	// RelByType orders by type, the names at both ends, then id.
	RelByType RelationshipOrder = iota
	// RelByDateAsc orders by the fact's first date, undated last.
	RelByDateAsc
	RelByDateDesc
)

// EvidenceOrder orders a fact's evidence.
type EvidenceOrder int

// The orders of a fact's evidence.
const (
	// EvidenceByStrength is strongest status first (the store's order).
	EvidenceByStrength EvidenceOrder = iota
	// EvidenceByStatedAsc is oldest statement first, undated last.
	EvidenceByStatedAsc
)

// PropertyFilter is a condition on one declared property: exactly one of
// Equals, Prefix or a range (Min and/or Max), each set when not nil.
type PropertyFilter struct {
	Name     string
	Equals   *string
	Prefix   *string
	Min, Max *string
}

// RelationshipQuery lists facts (relationships) with filters.
type RelationshipQuery struct {
	Types     []schema.RelType
	Datasets  []string
	Basis     []string
	Statuses  []schema.Status
	MinStatus schema.Status
	From, To  string
	At        string
	// DuringFrom and DuringTo bound a period the fact must overlap (either
	// may be empty: open); not with At.
	DuringFrom, DuringTo string
	Properties           []PropertyFilter
	Sort                 RelationshipOrder
	// WithoutTotal skips counting every match; More then says whether
	// another page follows.
	WithoutTotal bool
	Page
}

// RelationshipPage is one page of facts and the total number matching.
type RelationshipPage struct {
	Relationships []*Relationship
	Total         int
	More          bool
}

// SupportQuery lists the facts a source backs.
type SupportQuery struct {
	SourceID string
	Kinds    []schema.Kind
	Types    []schema.RelType
	Page
}

// Support is one fact a source backs: the evidence and the fact (an
// entity or a relationship).
type Support struct {
	Evidence     Evidence
	Entity       *Entity
	Relationship *Relationship
}

// SupportPage is one page of a source's supported facts.
type SupportPage struct {
	Supports []Support
	Total    int
}
