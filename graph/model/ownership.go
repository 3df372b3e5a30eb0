package model

import "github.com/sanctiongraph/sanctiongraph/schema"

// Ownership exposure (Query.ownershipExposure, Query.capturedByOwnership):
// graph/cypher reads the ownership around entities (OwnershipFacts) in a
// few bounded queries over resolved entities, and graph/ownership computes
// the shares designated persons hold and applies the authority's rule, which
// is data (graph/ownership/rules.yaml).

// Limits of one ownership query.
const (
	// MaxOwnershipDepth caps the hops of an ownership chain. Real
	// structures that matter rarely run deeper (the lists' own "owned or
	// controlled by" remarks go two or three levels), a product of shares
	// below 50 % shrinks with every hop, and the number of chains can grow
	// exponentially with depth in a dense graph: six hops keep one answer
	// bounded (see MaxOwnershipChains) while reaching well past any chain
	// recorded here. Stakes beyond it are not read, and the answer names
	// the entities whose owners were not read.
	MaxOwnershipDepth = 6
	// MaxOwnershipStakes caps the stakes read for one query.
	MaxOwnershipStakes = 5000
	// MaxOwnershipChains caps the chains enumerated for one entity; an
	// answer that reaches it says so and gives no number it cannot stand
	// behind (it is UNDETERMINED).
	MaxOwnershipChains = 2000
	// MaxCapturedCandidates caps the entities capturedByOwnership assesses.
	MaxCapturedCandidates = 2000
)

// OwnershipQuery asks for the ownership exposure of one entity (EntityIDs
// holds one id) or of the candidates of capturedByOwnership.
type OwnershipQuery struct {
	// EntityIDs are resolved entity ids.
	EntityIDs []string
	// At is the day (YYYY-MM-DD) on which stakes and designations are read.
	At string
	// Authority is the rule's id (OFAC, EU, UK).
	Authority string
	// MinStatus makes the computation use only stakes and designations at
	// least this well established.
	MinStatus schema.Status
	// Depth is how many levels of owners to read; 0 means MaxOwnershipDepth.
	Depth int
	// MaxStakes caps the stakes read; 0 means MaxOwnershipStakes.
	MaxStakes int
}

// Stake is one OWNS relationship between two resolved entities.
type Stake struct {
	Rel *Relationship
	// OwnerID and OwnedID are the resolved entities at its ends.
	OwnerID, OwnedID string
}

// DesignationFact is one listing that designates a record of a resolved
// entity, with what the graph knows of its dates.
type DesignationFact struct {
	// EntityID is the resolved entity designated.
	EntityID   string
	Sanction   *Entity
	Designates *Relationship
	// ListingDate is the listing date stated (first day of a partial date).
	ListingDate string
	// DelistedOn is the date the listing was found removed, when known.
	DelistedOn string
	// PeriodFrom and PeriodUntil are the listing's periods derived from
	// the editions that hold it (parallel lists; an open end is
	// 9999-12-31); empty for a listing no edition holds (curated).
	PeriodFrom, PeriodUntil []string
}

// OwnershipFacts is what the ownership rules look at.
type OwnershipFacts struct {
	// Stakes are the OWNS relationships upstream of the queried entities,
	// up to the depth asked for, retractions left out.
	Stakes []*Stake
	// Designations are the listings designating the entities met
	// (owners and the queried entities), by resolved id; every listing, of
	// any authority, at any time: the rules choose.
	Designations map[string][]*DesignationFact
	// Editions are the publication dates of each dataset's editions,
	// oldest first.
	Editions map[string][]string
	// Names are the met entities' names (their preferred record's).
	Names map[string]string
	// Frontier are the entities at the depth cap whose owners were not read.
	Frontier []string
	// Truncated says MaxOwnershipStakes was reached.
	Truncated bool
}

// ShareBounds is a share in percent known to lie between Low and High.
type ShareBounds struct {
	Low  float64
	High float64
}

// Exact reports whether the bounds meet.
func (b ShareBounds) Exact() bool { return b.Low == b.High }

// DesignationState says whether a listing held on a date.
type DesignationState string

// The designation states.
const (
	Held    DesignationState = "HELD"
	Unknown DesignationState = "UNKNOWN"
	NotHeld DesignationState = "NOT_HELD"
	// ByOwnership: not designated, but meets the rule itself through its
	// own owners, so (under a cascading rule) its stakes count in full.
	ByOwnership DesignationState = "BY_OWNERSHIP"
)

// OwnershipVerdict is a rule's answer on the recorded data.
type OwnershipVerdict string

// The verdicts.
const (
	Meets        OwnershipVerdict = "MEETS"
	DoesNotMeet  OwnershipVerdict = "DOES_NOT_MEET"
	Undetermined OwnershipVerdict = "UNDETERMINED"
)

// OwnershipRule is one authority's rule, as graph/ownership/rules.yaml
// states it.
type OwnershipRule struct {
	Authority   string
	Name        string
	Threshold   float64
	Comparison  string
	Aggregation string
	Together    string
	Cascade     bool
	Text        string
}

// TogetherOrNil is Together, nil when the rule has none.
func (r *OwnershipRule) TogetherOrNil() *string {
	if r.Together == "" {
		return nil
	}
	return &r.Together
}

// OwnerDesignation is one listing of a designated owner and whether it held
// on the date asked.
type OwnerDesignation struct {
	Sanction     *Entity
	Relationship *Relationship
	State        DesignationState
	Explanation  string
}

// DesignatedOwner is an owner designated by the authority (or whose
// designation on the date is unknown), with the share it holds directly and
// indirectly.
type DesignatedOwner struct {
	EntityID     string
	Entity       *Entity
	Share        ShareBounds
	State        DesignationState
	Designations []*OwnerDesignation
}

// OwnershipHop is one stake of a chain, from owner to owned.
type OwnershipHop struct {
	Relationship      *Relationship
	OwnerID, OwnedID  string
	Owner, Owned      *Entity
	Share             *float64
	MaxShare          float64
	ValidFrom         *Date
	ValidUntil        *Date
	Status            schema.Status
	UnknownShare      bool
	UnknownShareLimit string
}

// OwnershipChain is one chain of stakes from a designated owner down to the
// entity, owner first.
type OwnershipChain struct {
	OwnerID      string
	Owner        *Entity
	Hops         []*OwnershipHop
	Share        ShareBounds
	InLowerBound bool
	InUpperBound bool
	// DepthCut says the chain ends at the depth cap, at an entity whose
	// owners were not read (counted in the upper bound only).
	DepthCut      bool
	WeakestStatus schema.Status
	Sentence      string
}

// OwnershipCycle is a circle of stakes met while walking up from the
// entity; it is not followed round again.
type OwnershipCycle struct {
	EntityIDs     []string
	Entities      []*Entity
	Relationships []*Relationship
}

// OwnershipExposure is the answer for one entity.
type OwnershipExposure struct {
	EntityID string
	Entity   *Entity
	At       string
	Rule     *OwnershipRule
	Verdict  OwnershipVerdict
	// Total is the share all designated owners hold together.
	Total ShareBounds
	// LargestSingle is the largest share one designated owner holds.
	LargestSingle ShareBounds
	// LookThrough is the share designated persons hold with shares
	// multiplied all the way up (an owner meeting the rule itself is not
	// counted as designated); equal to Total under a rule that does not
	// cascade.
	LookThrough ShareBounds
	Owners      []*DesignatedOwner
	Chains      []*OwnershipChain
	// UnknownLinks are the stakes used whose share is not recorded.
	UnknownLinks []*Relationship
	Cycles       []*OwnershipCycle
	// DepthCut are the entities at the depth cap whose owners were not read.
	DepthCutIDs []string
	DepthCut    []*Entity
	// ListedItself are the entity's own listings by the authority, with
	// their state on the date.
	ListedItself []*OwnerDesignation
	Listed       DesignationState
	Truncated    bool
	Explanation  []string
	Caveat       string
}

// The share bounds as the API shows them, flat (each GraphQL type adds to
// the cost of reading the schema, so the bounds are fields, not a type).

// TotalLow is Total.Low.
func (x *OwnershipExposure) TotalLow() float64 { return x.Total.Low }

// TotalHigh is Total.High.
func (x *OwnershipExposure) TotalHigh() float64 { return x.Total.High }

// LookThroughLow is LookThrough.Low.
func (x *OwnershipExposure) LookThroughLow() float64 { return x.LookThrough.Low }

// LookThroughHigh is LookThrough.High.
func (x *OwnershipExposure) LookThroughHigh() float64 { return x.LookThrough.High }

// LargestSingleLow is LargestSingle.Low.
func (x *OwnershipExposure) LargestSingleLow() float64 { return x.LargestSingle.Low }

// LargestSingleHigh is LargestSingle.High.
func (x *OwnershipExposure) LargestSingleHigh() float64 { return x.LargestSingle.High }

// ListingRels are the DESIGNATES relationships of the entity's own listings.
func (x *OwnershipExposure) ListingRels() []*Relationship { return designationRels(x.ListedItself) }

// CycleRels are the cycles as lists of OWNS relationships.
func (x *OwnershipExposure) CycleRels() [][]*Relationship {
	out := make([][]*Relationship, len(x.Cycles))
	for i, c := range x.Cycles {
		out[i] = c.Relationships
	}
	return out
}

// ShareLow is Share.Low.
func (o *DesignatedOwner) ShareLow() float64 { return o.Share.Low }

// ShareHigh is Share.High.
func (o *DesignatedOwner) ShareHigh() float64 { return o.Share.High }

// DesignationRels are the DESIGNATES relationships of the owner's listings
// that held or may have held on the date.
func (o *DesignatedOwner) DesignationRels() []*Relationship {
	var held []*OwnerDesignation
	for _, d := range o.Designations {
		if d.State != NotHeld {
			held = append(held, d)
		}
	}
	return designationRels(held)
}

// ShareLow is Share.Low.
func (c *OwnershipChain) ShareLow() float64 { return c.Share.Low }

// ShareHigh is Share.High.
func (c *OwnershipChain) ShareHigh() float64 { return c.Share.High }

func designationRels(ds []*OwnerDesignation) []*Relationship {
	out := make([]*Relationship, 0, len(ds))
	for _, d := range ds {
		out = append(out, d.Relationship)
	}
	return out
}
