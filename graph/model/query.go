package model

import "github.com/sanctiongraph/sanctiongraph/schema"

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

// Page is an offset window over an ordered result.
type Page struct {
	Offset int
	Limit  int
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
	Kinds     []schema.Kind
	Statuses  []schema.Status
	MinStatus schema.Status
	Dataset   string
	// ActiveAt keeps entities whose validity period contains this date.
	ActiveAt string
	Sort     EntityOrder
	Page
}

// EntityPage is one page of entities and the total number matching.
type EntityPage struct {
	Entities []*Entity
	Total    int
}

// SearchQuery is a full-text search over names and aliases.
type SearchQuery struct {
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
	ID        string
	Types     []schema.RelType
	Direction Dir
	Kinds     []schema.Kind
	Statuses  []schema.Status
	MinStatus schema.Status
	// At keeps relationships that held on this date (YYYY-MM-DD).
	At string
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
	Kinds     []schema.Kind
	Dataset   string
	MinStatus schema.Status
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
