package breach

import (
	"slices"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

const ruleParties = "4. Direction and target: a measure bans supply to its target (supply_to), procurement from it " +
	"(procurement_from: the target's exports) or both. For supply, a party that RECEIVED the transfer is the target, " +
	"LEADS it, or is NATIONAL_OF, BASED_IN, WORKS_FOR or MEMBER_OF it (one hop, holding on the transfer's date), " +
	"or received it on behalf of (onBehalfOf) a party so tied; when nobody RECEIVED it and the route's last leg (VIA) " +
	"is so tied, the transfer is assessed as an attempt. For procurement, a party that SENT it (or, when nobody did, " +
	"the route's origin, VIA leg 0) is so tied, and the parties that RECEIVED it are its procurers."

// side is which party of a transfer a chain ties to a target.
type side int

const (
	sideRecipient side = iota // supply: a recipient
	sideRouteEnd              // supply, attempted: the route's last leg
	sideSender                // procurement: a sender or the route's origin
)

// chain ties one party of a transfer to one target of a measure (rule 4).
type chain struct {
	side      side
	party     model.Link          // RECEIVED, VIA or SENT, with the party
	principal *model.Entity       // the party received for, when the tie is its
	tie       *model.Relationship // nil when the tied party is the target
	target    model.Link          // TARGETS, with the target
}

// chains applies rule 4 to one measure: the ties of the transfer's parties
// to its targets on the side its direction asks for.
func (a *assessor) chains(ms *measure, p *parties, sp span) []chain {
	var out []chain
	for _, tl := range ms.targets {
		if supplies(ms.dir) {
			if len(p.recipients) > 0 {
				out = append(out, a.tied(sideRecipient, p.recipients, tl, sp, true)...)
			} else {
				out = append(out, a.tied(sideRouteEnd, p.routeEnd, tl, sp, false)...)
			}
		}
		if procures(ms.dir) && len(p.recipients) > 0 {
			out = append(out, a.tied(sideSender, p.senders, tl, sp, false)...)
		}
	}
	return out
}

// tied ties parties to one target, directly or through the party received
// for (principals).
func (a *assessor) tied(sd side, links []model.Link, target model.Link, sp span, principals bool) []chain {
	var out []chain
	for _, l := range links {
		if tie, ok := a.tieTo(l.Other, target.Other.ID, sp, TargetTies()); ok {
			out = append(out, chain{side: sd, party: l, tie: tie, target: target})
			continue
		}
		if !principals {
			continue
		}
		if pr := a.principal(l); pr != nil {
			if tie, ok := a.tieTo(pr, target.Other.ID, sp, TargetTies()); ok {
				out = append(out, chain{side: sd, party: l, principal: pr, tie: tie, target: target})
			}
		}
	}
	return out
}

// parties are a transfer's parties at the minimum status.
type parties struct {
	recipients []model.Link // RECEIVED
	senders    []model.Link // SENT, else the route's origin (VIA leg 0)
	origin     bool         // senders are the route's origin
	routeEnd   []model.Link // the route's last leg (VIA), when nobody RECEIVED it
}

func (a *assessor) partiesOf(tf *model.TransferFacts) *parties {
	p := &parties{recipients: a.links(tf.Recipients), senders: a.links(tf.Senders)}
	route := a.links(tf.Route)
	if len(p.senders) == 0 {
		p.origin = true
		for _, l := range route {
			if l.Rel.Properties.First("leg") == "0" {
				p.senders = append(p.senders, l)
			}
		}
	}
	if len(p.recipients) == 0 && len(route) > 0 {
		last := -1
		for _, l := range route {
			if n := leg(l.Rel); n != 1<<30 && n > last {
				last = n
			}
		}
		for _, l := range route {
			if leg(l.Rel) == last && last > 0 {
				p.routeEnd = append(p.routeEnd, l)
			}
		}
	}
	return p
}

// principal is the party a recipient received for (RECEIVED.onBehalfOf),
// if the graph has it at the minimum status.
func (a *assessor) principal(r model.Link) *model.Entity {
	if r.Rel.Type != schema.Received {
		return nil
	}
	id := r.Rel.Properties.First("onBehalfOf")
	if id == "" {
		return nil
	}
	if pf := a.f.Parties[id]; pf != nil && pf.Entity != nil && a.ok(pf.Entity.Status) {
		return pf.Entity
	}
	return nil
}

// tieTo finds how e is tied to the entity with id target: e is it (nil,
// true), or the strongest one-hop tie of the given types that held over the
// span.
func (a *assessor) tieTo(e *model.Entity, target string, sp span, types []schema.RelType) (*model.Relationship, bool) {
	if e.ID == target {
		return nil, true
	}
	pf := a.f.Parties[e.ID]
	if pf == nil {
		return nil, false
	}
	var best *model.Relationship
	for _, l := range a.links(pf.Ties) {
		if l.Other.ID != target || !slices.Contains(types, l.Rel.Type) || !holds(l.Rel, sp) {
			continue
		}
		if best == nil || l.Rel.Status.Rank() > best.Status.Rank() || (l.Rel.Status == best.Status && l.Rel.ID < best.ID) {
			best = l.Rel
		}
	}
	return best, best != nil
}

func leg(r *model.Relationship) int {
	n, ok := r.Leg()
	if !ok {
		return 1 << 30
	}
	return n
}
