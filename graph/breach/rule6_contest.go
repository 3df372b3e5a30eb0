package breach

import (
	"slices"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

const ruleContest = "6. Contested: a finding is contestedBySupplier when a REACTED_TO on the transfer with stance defended, " +
	"rejected or denied comes from a supplier or procurer, from one of their states, or from a party whose state " +
	"(LEADS, NATIONAL_OF, BASED_IN, WORKS_FOR) is one of them. The reactions are listed; they do not change the status."

// contests applies rule 6: the reactions by which the supplier's (or
// procurer's) side contests the transfer.
func (a *assessor) contests(tf *model.TransferFacts, obliged []*model.Party) []*model.Relationship {
	side := map[string]bool{}
	for _, p := range obliged {
		side[p.Entity.ID] = true
		if p.OnBehalfOf != nil {
			side[p.OnBehalfOf.ID] = true
		}
		for _, s := range p.States {
			side[s.ID] = true
		}
	}
	var out []*model.Relationship
	for _, l := range a.links(tf.Reactions) {
		if !slices.Contains(ContestStances(), l.Rel.Properties.First("stance")) {
			continue
		}
		if side[l.Other.ID] || a.stateOnSide(l.Other, side) {
			out = append(out, l.Rel)
		}
	}
	return out
}

func (a *assessor) stateOnSide(e *model.Entity, side map[string]bool) bool {
	pf := a.f.Parties[e.ID]
	if pf == nil {
		return false
	}
	for _, l := range a.links(pf.Ties) {
		if l.Other.Kind == schema.State && slices.Contains(StateTies(), l.Rel.Type) && side[l.Other.ID] {
			return true
		}
	}
	return false
}
