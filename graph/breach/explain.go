package breach

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// tieWords reads a tie aloud: LEADS → "leads".
var tieWords = map[schema.RelType]string{
	schema.Leads:      "leads",
	schema.NationalOf: "is a national of",
	schema.BasedIn:    "is based in",
	schema.WorksFor:   "works for",
	schema.MemberOf:   "is a member of",
}

// explain states a finding in sentences: the transfer, each breach and why
// it matched, the parties tied to the targets, the suppliers (or origin) and
// procurers with their votes, any contest, and the weakest status.
func (a *assessor) explain(tf *model.TransferFacts, sp span, v *model.PotentialViolation, drafts []*breachDraft) []string {
	t := tf.Transfer
	var out []string
	what := "moved goods that fall under"
	if v.Attempted {
		what = "was an attempt (nobody is recorded as receiving it; its route ends in a target) to move goods that fall under"
	}
	out = append(out, fmt.Sprintf("Potential violation: %s (%s, dated %s) %s %s in force on that date: %s.",
		t.Name, t.Properties.First("transferKind"), sp.text, what, count(len(drafts), "obligation"), directionWords(drafts)))

	for _, d := range drafts {
		var goods, why []string
		for _, g := range d.fl.goods {
			goods = append(goods, g.link.Other.Name)
			if len(d.fl.goods) == 1 {
				why = append(why, g.reasons...)
			} else {
				why = append(why, g.link.Other.Name+": "+strings.Join(g.reasons, ", "))
			}
		}
		res := "imposed by no resolution on record"
		if len(d.b.Resolutions) > 0 {
			var nums []string
			for _, rv := range d.b.Resolutions {
				nums = append(nums, resolutionLabel(rv.Resolution))
			}
			res = plural(len(nums), "resolution ", "resolutions ") + list(nums)
		}
		out = append(out, fmt.Sprintf("%s %s under %s (%s; %s): %s. It was %s.",
			list(goods), plural(len(goods), "falls", "fall"), d.ms.e.Name, d.b.Reading, res, strings.Join(why, "; "), d.b.InForce))
		for _, e := range d.b.ExtendedBy {
			out = append(out, fmt.Sprintf("%s extends %s (EXTENDS): it is read with that obligation, not counted as a breach of its own.",
				e.Name, d.ms.e.Name))
		}
	}

	for _, p := range v.Recipients {
		if w := a.recipientWords(p, drafts); w != "" {
			out = append(out, w)
		}
	}
	if v.Attempted {
		out = append(out, a.chainWords(drafts, sideRouteEnd, "The route's last leg is %s, %s."))
	}
	if slices.ContainsFunc(drafts, (*breachDraft).procure) {
		out = append(out, a.chainWords(drafts, sideSender, "Sent from %s, %s; the measure bans procuring from its target."))
	}

	switch {
	case len(v.Suppliers) == 0:
		out = append(out, "Nobody is recorded as sending the transfer, and its route has no origin (VIA leg 0): no supplier state or vote can be given.")
	case v.Suppliers[0].Role == model.RoleOrigin:
		var origins []string
		for _, p := range v.Suppliers {
			origins = append(origins, p.Entity.Name)
		}
		out = append(out, fmt.Sprintf("Nobody is recorded as sending the transfer (SENT); its route starts (VIA leg 0) in %s, shown as %s, not as %s.",
			list(origins), plural(len(origins), "its origin", "its origins"), plural(len(origins), "a supplier", "suppliers")))
	default:
		for _, p := range v.Suppliers {
			out = append(out, supplierWords(p))
		}
	}
	for _, p := range v.Procurers {
		out = append(out, procurerWords(p))
	}
	out = append(out, voteWords(v)...)
	if v.ContestedBySupplier {
		var who []string
		for _, r := range v.Contests {
			who = append(who, fmt.Sprintf("%s (%s)", a.name(r.FromID), r.Properties.First("stance")))
		}
		out = append(out, fmt.Sprintf("Contested by the supplier's side: %s (REACTED_TO). The finding stands as potential; the contest is listed, not weighed.", list(who)))
	}

	var weak []string
	for _, f := range v.Facts {
		if f.Status == v.WeakestStatus && v.WeakestStatus != schema.Confirmed && len(weak) < 3 {
			weak = append(weak, a.factWords(f))
		}
	}
	s := fmt.Sprintf("Weakest status of the facts used: %s", v.WeakestStatus)
	if len(weak) > 0 {
		s += " (" + strings.Join(weak, "; ") + ")"
	}
	out = append(out, s+". Every fact is listed with its evidence.")
	return out
}

// directionWords says which sides the breaches are on.
func directionWords(drafts []*breachDraft) string {
	var s, p bool
	for _, d := range drafts {
		s = s || d.supply()
		p = p || d.procure()
	}
	switch {
	case s && p:
		return "supply to and procurement from their targets"
	case p:
		return "procurement from " + plural(len(drafts), "its target", "their targets") + ", by a recipient"
	}
	return "supply to a party tied to " + plural(len(drafts), "its target", "their targets")
}

// chainWords describes the ties of one side to the targets.
func (a *assessor) chainWords(drafts []*breachDraft, sd side, format string) string {
	var names, ties []string
	for _, d := range drafts {
		for _, c := range d.chains {
			if c.side != sd {
				continue
			}
			if n := c.party.Other.Name; !slices.Contains(names, n) {
				names = append(names, n)
			}
			w := "itself a target of the measures"
			if c.tie != nil {
				w = fmt.Sprintf("which %s %s (%s), a target of the measures", tieWords[c.tie.Type], c.target.Other.Name, c.tie.Type)
			}
			if !slices.Contains(ties, w) {
				ties = append(ties, w)
			}
		}
	}
	return fmt.Sprintf(format, list(names), strings.Join(ties, "; "))
}

func (a *assessor) recipientWords(p *model.Party, drafts []*breachDraft) string {
	if len(p.States) == 0 {
		if slices.ContainsFunc(drafts, (*breachDraft).procure) {
			return "" // a procurer, described with its states
		}
		return fmt.Sprintf("%s also received it, with no tie to a target of the measures on record.", p.Entity.Name)
	}
	var ties []string
	for _, d := range drafts {
		for _, c := range d.chains {
			if c.side != sideRecipient || c.party.Rel.ID != p.Relationship.ID {
				continue
			}
			var w string
			switch {
			case c.principal != nil && c.tie == nil:
				w = fmt.Sprintf("on behalf of %s, a target of the measures", c.principal.Name)
			case c.principal != nil:
				w = fmt.Sprintf("on behalf of %s, who %s %s (%s), a target of the measures", c.principal.Name, tieWords[c.tie.Type], c.target.Other.Name, c.tie.Type)
			case c.tie == nil:
				w = "itself a target of the measures"
			default:
				w = fmt.Sprintf("who %s %s (%s), a target of the measures", tieWords[c.tie.Type], c.target.Other.Name, c.tie.Type)
			}
			if !slices.Contains(ties, w) {
				ties = append(ties, w)
			}
		}
	}
	return fmt.Sprintf("Received by %s, %s.", p.Entity.Name, strings.Join(ties, "; "))
}

func procurerWords(p *model.Party) string {
	if len(p.States) == 0 {
		return fmt.Sprintf("Procured by %s; no state of the procurer is on record (rule 5), so no vote can be given for it.", p.Entity.Name)
	}
	var names []string
	for _, s := range p.States {
		names = append(names, s.Name)
	}
	return fmt.Sprintf("Procured by %s: the obliged %s %s, which stands where the supplier stands (rule 5).",
		p.Entity.Name, plural(len(names), "state is", "states are"), list(names))
}

func supplierWords(p *model.Party) string {
	if len(p.States) == 0 {
		return fmt.Sprintf("Sent by %s; no state of the sender is on record (rule 5), so no vote can be given for it.", p.Entity.Name)
	}
	if p.Entity.Kind == schema.State && len(p.States) == 1 {
		return fmt.Sprintf("Sent by %s, a state.", p.Entity.Name)
	}
	var ties []string
	for _, r := range p.Ties {
		for _, s := range p.States {
			if s.ID == r.ToID {
				ties = append(ties, fmt.Sprintf("%s %s (%s)", tieWords[r.Type], s.Name, r.Type))
			}
		}
	}
	return fmt.Sprintf("Sent by %s, who %s.", p.Entity.Name, list(ties))
}

// voteWords says, per state, how it voted on the resolutions imposing the
// breached measures.
func voteWords(v *model.PotentialViolation) []string {
	type key struct{ state, vote string }
	notMember := map[string][]string{}
	var notMemberOrder []string
	byVote := map[key][]string{}
	var order []key
	for _, b := range v.Breaches {
		for _, rv := range b.Resolutions {
			for _, vt := range rv.SupplierVotes {
				n := resolutionLabel(rv.Resolution)
				if vt.Record == model.NotAMember {
					if notMember[vt.State.Name] == nil {
						notMemberOrder = append(notMemberOrder, vt.State.Name)
					}
					if !slices.Contains(notMember[vt.State.Name], n) {
						notMember[vt.State.Name] = append(notMember[vt.State.Name], n)
					}
					continue
				}
				k := key{vt.State.Name, ""}
				if vt.Vote != nil {
					k.vote = *vt.Vote
				}
				if !slices.Contains(byVote[k], n) {
					if byVote[k] == nil {
						order = append(order, k)
					}
					byVote[k] = append(byVote[k], n)
				}
			}
		}
	}
	var out []string
	for _, k := range order {
		res := byVote[k]
		word := plural(len(res), "resolution", "resolutions")
		switch k.vote {
		case "":
			out = append(out, fmt.Sprintf("No vote of %s is recorded on %s %s, whose roll is incomplete in the graph.", k.state, word, list(res)))
		case "for":
			out = append(out, fmt.Sprintf("%s voted for %s %s (VOTED_ON).", k.state, word, list(res)))
		default:
			out = append(out, fmt.Sprintf("%s's vote on %s %s: %s (VOTED_ON).", k.state, word, list(res), k.vote))
		}
	}
	for _, st := range notMemberOrder {
		res := notMember[st]
		out = append(out, fmt.Sprintf("%s was not a member of the Security Council when %s adopted (every member's vote on it is recorded).",
			st, plural(len(res), "resolution "+list(res)+" was", "resolutions "+list(res)+" were")))
	}
	return out
}

// factWords names a fact: "INCLUDES Shipment … → Mercedes-Maybach S600 Guard".
func (a *assessor) factWords(f *model.Fact) string {
	if f.Entity != nil {
		return fmt.Sprintf("%s %s", f.Role, f.Entity.Name)
	}
	r := f.Relationship
	return fmt.Sprintf("%s %s → %s", r.Type, a.name(r.FromID), a.name(r.ToID))
}

// name finds an entity's name among the facts read, or falls back to its id.
func (a *assessor) name(id string) string {
	if a.names == nil {
		a.names = map[string]string{}
		add := func(e *model.Entity) {
			if e != nil {
				a.names[e.ID] = e.Name
			}
		}
		for i := range a.f.Transfers {
			tf := &a.f.Transfers[i]
			add(tf.Transfer)
			for _, links := range [][]model.Link{tf.Goods, tf.Senders, tf.Recipients, tf.Route, tf.Reactions} {
				for _, l := range links {
					add(l.Other)
				}
			}
		}
		for _, pf := range a.f.Parties {
			add(pf.Entity)
			for _, l := range pf.Ties {
				add(l.Other)
			}
		}
		for _, tf := range a.f.Transfers {
			for _, l := range tf.Reactions {
				add(l.Other)
			}
		}
		for _, ms := range a.measures {
			add(ms.e)
			for _, links := range [][]model.Link{ms.imposes, ms.targets, ms.extends} {
				for _, l := range links {
					add(l.Other)
				}
			}
		}
	}
	if n, ok := a.names[id]; ok {
		return n
	}
	return id
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// list joins names as people write them: "a", "a and b", "a, b and c".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
