package breach

import (
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// The rule parameters: the breach engine owns them, and the store reads the
// graph only as wide as they ask (graph/cypher calls these functions).

// TransferKinds are the kinds of Transfer that move goods (rule 1).
func TransferKinds() []string {
	return []string{"gift", "sale", "shipment", "smuggling", "arms_transfer"}
}

// TargetTies are the relationships that tie a party to a measure's target
// in one hop (rule 4): a recipient for a measure on supply, a sender or the
// route's origin for one on procurement, the route's last leg for an
// attempt.
func TargetTies() []schema.RelType {
	return []schema.RelType{schema.Leads, schema.NationalOf, schema.BasedIn, schema.WorksFor, schema.MemberOf}
}

// StateTies are the relationships that lead from a party to its state
// (rule 5): suppliers, origins, procurers and those who reacted.
func StateTies() []schema.RelType {
	return []schema.RelType{schema.Leads, schema.NationalOf, schema.BasedIn, schema.WorksFor}
}

// ContestStances are the REACTED_TO stances by which a party contests a
// transfer (rule 6).
func ContestStances() []string {
	return []string{"defended", "rejected", "denied"}
}

// DefaultDirection is the direction of a measure that records none.
const DefaultDirection = model.SupplyTo

// directionOf reads a measure's direction (Measure.direction).
func directionOf(e *model.Entity) model.MeasureDirection {
	switch d := model.MeasureDirection(e.Properties.First("direction")); d {
	case model.SupplyTo, model.ProcurementFrom, model.BothWays:
		return d
	}
	return DefaultDirection
}

func supplies(d model.MeasureDirection) bool { return d == model.SupplyTo || d == model.BothWays }

func procures(d model.MeasureDirection) bool {
	return d == model.ProcurementFrom || d == model.BothWays
}
