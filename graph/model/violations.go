package model

import "github.com/sanctiongraph/sanctiongraph/schema"

// Potential-violation analysis (Query.potentialViolations): graph/cypher
// gathers the facts around transfers (ViolationFacts) in a few bounded
// queries, and graph/breach applies the rules to them in Go, producing
// PotentialViolation findings. The rules themselves are stated in
// graph/breach and in schema/graphql/violations.graphqls.

// Limits of one potential-violation query.
const (
	// MaxViolationTransfers caps the transfers one query assesses, earliest
	// first; a query whose date range holds more says so (Truncated).
	MaxViolationTransfers = 5000
	// MaxViolationMeasures caps the measures read.
	MaxViolationMeasures = 2000
	// MaxNotAssessed caps the list of transfers the rules could not assess.
	MaxNotAssessed = 100
	// MaxTransferLinks caps the goods, senders, recipients, route legs and
	// reactions read per transfer.
	MaxTransferLinks = 500
)

// ViolationQuery asks for potential violations.
type ViolationQuery struct {
	// From and To (YYYY-MM-DD) bound the transfers' dates, compared by their
	// first day; empty is open.
	From, To string
	// SupplierID keeps findings where this entity is a supplier, an origin
	// or one of their states.
	SupplierID string
	// RecipientID keeps findings where this entity is a recipient, the party
	// one received for, or a target a recipient is tied to.
	RecipientID string
	// Resolution keeps breaches of measures imposed by the resolution with
	// this number; 0 keeps all.
	Resolution int
	// Category keeps breaches whose goods are of this category or a
	// narrower one.
	Category string
	// MinStatus makes the rules use only facts at least this well
	// established.
	MinStatus schema.Status
	// MaxTransfers caps the transfers read; 0 means MaxViolationTransfers.
	MaxTransfers int
	// Page is the window of findings returned.
	Page
}

// TransferLimit is the number of transfers q may read.
func (q ViolationQuery) TransferLimit() int {
	if q.MaxTransfers <= 0 || q.MaxTransfers > MaxViolationTransfers {
		return MaxViolationTransfers
	}
	return q.MaxTransfers
}

// Link is a relationship seen from one of its ends, with the entity at the
// other end.
type Link struct {
	Rel   *Relationship
	Other *Entity
}

// TransferFacts is a transfer and what the graph records around it.
type TransferFacts struct {
	Transfer *Entity
	// Goods are INCLUDES, each with its product.
	Goods []Link
	// Senders are SENT, each with the sender.
	Senders []Link
	// Recipients are RECEIVED, each with the recipient.
	Recipients []Link
	// Route is VIA, each with the leg's state, carrier or agent.
	Route []Link
	// Reactions are REACTED_TO, each with who reacted.
	Reactions []Link
}

// MeasureFacts is a measure with the resolutions imposing it, its targets
// and the measures it extends.
type MeasureFacts struct {
	Measure *Entity
	// ImposedBy are IMPOSES, each with its resolution.
	ImposedBy []Link
	// Targets are TARGETS, each with the target.
	Targets []Link
	// Extends are EXTENDS, each with the measure extended.
	Extends []Link
}

// PartyFacts is a party of a transfer with its ties.
type PartyFacts struct {
	Entity *Entity
	// Ties are the party's LEADS, NATIONAL_OF, BASED_IN, WORKS_FOR and
	// MEMBER_OF relationships, each with the entity it reaches.
	Ties []Link
}

// ViolationFacts is everything the rules look at, as read from the store.
type ViolationFacts struct {
	// Transfers are the dated transfers in the date range, by date and id.
	Transfers []TransferFacts
	// Undated are transfers without a date, read only when no date range
	// was asked for; at most MaxNotAssessed.
	Undated []TransferFacts
	// Truncated says more transfers are in the range than were read.
	Truncated bool
	// Measures are the measures with goods (categories or HS codes) and the
	// measures extended by others.
	Measures []MeasureFacts
	// MeasuresTruncated says more measures exist than were read.
	MeasuresTruncated bool
	// Parties are, by id, the transfers' senders, recipients, the parties
	// received for (RECEIVED.onBehalfOf) and the route origins (VIA leg 0).
	// Their Ties are only those the rules can use: a recipient's (or the
	// party it received for) to the measures' targets, a sender's or
	// origin's to states.
	Parties map[string]*PartyFacts
	// Votes are, by state id, the VOTED_ON relationships of the parties'
	// states on the resolutions imposing measures.
	Votes map[string][]*Relationship
	// Rolls are, by resolution id, how many VOTED_ON relationships are
	// recorded on it: when they are as many as its tally, its roll is
	// complete and a state without a vote was not a member then.
	Rolls map[string]int
}

// PartyRole is the part a party plays in a transfer.
type PartyRole string

// The party roles.
const (
	RoleSupplier  PartyRole = "SUPPLIER"
	RoleOrigin    PartyRole = "ORIGIN"
	RoleRecipient PartyRole = "RECIPIENT"
	// RoleProcurer is a recipient that procured goods from a measure's
	// target, for a measure on procurement.
	RoleProcurer PartyRole = "PROCURER"
)

// MeasureDirection says which way a measure bans goods to move.
type MeasureDirection string

// The directions (Measure.direction in schema/model.yaml).
const (
	// SupplyTo bans supplying the target.
	SupplyTo MeasureDirection = "supply_to"
	// ProcurementFrom bans procuring from the target (the target's exports).
	ProcurementFrom MeasureDirection = "procurement_from"
	// BothWays bans both.
	BothWays MeasureDirection = "both"
)

// VoteRecord says what the graph knows of a state's vote.
type VoteRecord string

// The vote records.
const (
	VoteRecorded VoteRecord = "RECORDED"
	// NotAMember: the resolution's roll is complete and the state is not
	// on it.
	NotAMember VoteRecord = "NOT_A_MEMBER"
	// VoteNotRecorded: no vote of the state is recorded and the roll is
	// not complete.
	VoteNotRecorded VoteRecord = "NOT_RECORDED"
)

// FactRole says what a fact is used for in a finding.
type FactRole string

// The fact roles.
const (
	FactTransfer     FactRole = "TRANSFER"
	FactGoods        FactRole = "GOODS"
	FactIncludes     FactRole = "INCLUDES"
	FactMeasure      FactRole = "MEASURE"
	FactImposes      FactRole = "IMPOSES"
	FactResolution   FactRole = "RESOLUTION"
	FactTargets      FactRole = "TARGETS"
	FactExtends      FactRole = "EXTENDS"
	FactReceived     FactRole = "RECEIVED"
	FactRecipientTie FactRole = "RECIPIENT_TIE"
	FactSent         FactRole = "SENT"
	FactOrigin       FactRole = "ORIGIN"
	FactSupplierTie  FactRole = "SUPPLIER_TIE"
	FactVotedOn      FactRole = "VOTED_ON"
	// FactContest is a REACTED_TO by which the supplier's (or procurer's)
	// side defended, rejected or denied the transfer.
	FactContest FactRole = "CONTEST"
	// FactRouteEnd is the last leg of the route (VIA) of an attempted
	// transfer nobody is recorded as receiving.
	FactRouteEnd FactRole = "ROUTE_END"
)

// NotAssessedReason says why the rules could not assess a transfer.
type NotAssessedReason string

// The reasons.
const (
	NoDate            NotAssessedReason = "NO_DATE"
	NoGoods           NotAssessedReason = "NO_GOODS"
	UnclassifiedGoods NotAssessedReason = "UNCLASSIFIED_GOODS"
	NoRecipient       NotAssessedReason = "NO_RECIPIENT"
	// NoMeasure: the goods fall under no measure in force on the date.
	NoMeasure NotAssessedReason = "NO_MEASURE"
	// NotTied: the goods fall under a measure, but no party is tied to its
	// target on the side the measure's direction asks for.
	NotTied NotAssessedReason = "NOT_TIED"
)

// PotentialViolation is a transfer that potentially breached one or more
// measures: derived from sources by the rules, not a ruling.
type PotentialViolation struct {
	Transfer *Entity
	// Date is the transfer's date as recorded; nil when it has none.
	Date *string
	// Goods is everything the transfer included; Breach.Goods what matched.
	Goods      []*Entity
	Suppliers  []*Party
	Recipients []*Party
	// Route is the VIA legs, ordered by leg.
	Route []*Relationship
	// Procurers are the recipients that procured goods from a target, when
	// a breach is of a measure on procurement, with their states.
	Procurers []*Party
	// Attempted: nobody received the goods; the route ends in a target.
	Attempted bool
	Breaches  []*Breach
	// ContestedBySupplier: the supplier's (or procurer's) side defended,
	// rejected or denied the transfer; Contests are those reactions.
	ContestedBySupplier bool
	Contests            []*Relationship
	// WeakestStatus is the weakest status of Facts.
	WeakestStatus schema.Status
	Facts         []*Fact
	Reactions     []*Relationship
	Explanation   []string
	Caveat        string
}

// Breach is one measure a transfer potentially breached.
type Breach struct {
	Measure   *Entity
	Paragraph *string
	Annex     *string
	// Direction is the measure's direction.
	Direction MeasureDirection
	// Reading names the obligation with the paragraphs it is read with,
	// e.g. "1718 OP 8(a)(iii), read with 2094 OP 23 and Annex IV".
	Reading     string
	Resolutions []*ResolutionVote
	// Goods are the transfer's goods that fall under the measure.
	Goods []*Entity
	// Targets are the measure's targets a party is tied to.
	Targets []*Entity
	// ExtendedBy are the extending measures through which goods fall under
	// this one.
	ExtendedBy []*Entity
	MatchedBy  []string
	InForce    string
	// WeakestStatus is the weakest status of the facts the breach rests
	// on: rules 1 to 4, suppliers and votes aside.
	WeakestStatus schema.Status
}

// ResolutionVote is a resolution imposing a breached measure and the votes
// of the supplier's states on it.
type ResolutionVote struct {
	Resolution    *Entity
	SupplierVotes []*Vote
}

// Vote is a state's vote on a resolution; Vote and Relationship are nil
// when none is recorded.
type Vote struct {
	State *Entity
	Role  PartyRole
	// Record says whether the vote is recorded, or why not.
	Record       VoteRecord
	Vote         *string
	Relationship *Relationship
}

// Party is a supplier, origin or recipient of a transfer.
type Party struct {
	Entity *Entity
	Role   PartyRole
	// Relationship is the SENT, RECEIVED or VIA (leg 0) relationship.
	Relationship *Relationship
	// OnBehalfOf is, for a recipient, the party it received for.
	OnBehalfOf *Entity
	// States are, for suppliers and origins, their states; for recipients,
	// the targets they are tied to.
	States []*Entity
	// Ties are the relationships that tie the party (or the one it received
	// for) to those states.
	Ties []*Relationship
}

// Fact is one entity or relationship a finding uses, with its role.
type Fact struct {
	Role         FactRole
	Entity       *Entity
	Relationship *Relationship
	Status       schema.Status
}

// NotAssessed is a transfer the rules could not assess, and why.
type NotAssessed struct {
	Transfer    *Entity
	Reason      NotAssessedReason
	Explanation string
}

// ViolationResult is what the rules made of the facts.
type ViolationResult struct {
	// Findings, by transfer date and id.
	Findings    []*PotentialViolation
	NotAssessed []*NotAssessed
	// Assessed counts the dated transfers the rules looked at.
	Assessed  int
	Truncated bool
}
