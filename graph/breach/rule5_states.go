package breach

import (
	"slices"
	"strconv"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

const ruleStates = "5. Supplier and votes: for supply, the parties that SENT the transfer are its suppliers; when nobody SENT it, " +
	"the route's origin (VIA leg 0) is shown as ORIGIN, never as a supplier. For procurement, the procurers (who RECEIVED it) " +
	"stand where the supplier stands: their states are the ones the measure obliges. A party's state is the party itself " +
	"when a state, else the states it LEADS, is NATIONAL_OF, BASED_IN or WORKS_FOR. For each resolution that IMPOSES the " +
	"obligation or a measure read with it, those states' votes (VOTED_ON) are given; a state with no vote recorded is " +
	"NOT_A_MEMBER when the resolution's roll is complete (as many votes recorded as its votesFor, votesAgainst and " +
	"abstentions), else NOT_RECORDED."

// stateParty makes a Party of a link, with the party's states (itself when
// a state, and its StateTies that held over the span).
func (a *assessor) stateParty(l model.Link, role model.PartyRole, sp span, fs *factSet) *model.Party {
	p := &model.Party{Entity: l.Other, Role: role, Relationship: l.Rel, OnBehalfOf: a.principal(l)}
	for _, e := range []*model.Entity{l.Other, p.OnBehalfOf} {
		if e == nil {
			continue
		}
		if e.Kind == schema.State {
			addState(p, e, nil)
		}
		if pf := a.f.Parties[e.ID]; pf != nil {
			for _, tl := range a.links(pf.Ties) {
				if tl.Other.Kind == schema.State && slices.Contains(StateTies(), tl.Rel.Type) && holds(tl.Rel, sp) {
					addState(p, tl.Other, tl.Rel)
					if fs != nil {
						fs.rel(model.FactSupplierTie, tl.Rel)
					}
				}
			}
		}
	}
	return p
}

// addState records a state (or target) a party is tied to, and the tie.
func addState(p *model.Party, s *model.Entity, tie *model.Relationship) {
	if !slices.ContainsFunc(p.States, func(e *model.Entity) bool { return e.ID == s.ID }) {
		p.States = append(p.States, s)
	}
	if tie != nil && !slices.ContainsFunc(p.Ties, func(r *model.Relationship) bool { return r.ID == tie.ID }) {
		p.Ties = append(p.Ties, tie)
	}
}

// stateOf is a state whose votes a finding reports, and why.
type stateOf struct {
	state *model.Entity
	role  model.PartyRole
}

func statesOf(ps []*model.Party) []stateOf {
	var out []stateOf
	for _, p := range ps {
		for _, s := range p.States {
			if !slices.ContainsFunc(out, func(x stateOf) bool { return x.state.ID == s.ID }) {
				out = append(out, stateOf{s, p.Role})
			}
		}
	}
	return out
}

// voteOf is a state's vote on a resolution, or why none is given.
func (a *assessor) voteOf(s stateOf, res *model.Entity, fs *factSet) *model.Vote {
	v := &model.Vote{State: s.state, Role: s.role, Record: model.VoteNotRecorded}
	if r := a.vote(s.state.ID, res.ID); r != nil {
		v.Record, v.Vote, v.Relationship = model.VoteRecorded, optional(r.Properties.First("vote")), r
		fs.rel(model.FactVotedOn, r)
		return v
	}
	if seats := tally(res); seats > 0 && a.f.Rolls[res.ID] >= seats {
		v.Record = model.NotAMember
	}
	return v
}

// tally is the number of votes a resolution's tally counts, 0 when it
// records none.
func tally(res *model.Entity) int {
	n := 0
	for _, k := range []string{"votesFor", "votesAgainst", "abstentions"} {
		if v, err := strconv.Atoi(res.Properties.First(k)); err == nil {
			n += v
		}
	}
	return n
}

// vote returns the strongest VOTED_ON of a state on a resolution, at the
// minimum status.
func (a *assessor) vote(stateID, resolutionID string) *model.Relationship {
	var best *model.Relationship
	for _, r := range a.f.Votes[stateID] {
		if r.ToID != resolutionID || !a.ok(r.Status) {
			continue
		}
		if best == nil || r.Status.Rank() > best.Status.Rank() {
			best = r
		}
	}
	return best
}
