// Package breach finds potential sanctions violations: it applies explicit
// rules to the facts graph/cypher gathers around transfers
// (model.ViolationFacts) and explains each finding. It does no I/O and
// knows nothing of Neo4j, so the rules work on the graph as any loader
// writes it and can be tested without a database.
//
// The package owns the rules and their parameters: each rule is in its own
// file (rule1_goods.go … rule7_evidence.go) with its text, which Rules
// returns to clients and nothing else restates; the parameters (transfer
// kinds, ties, stances, directions) are in params.go, and graph/cypher reads
// the graph as wide as they ask.
package breach

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Rules states the rules in words, in the order they are applied; the API
// returns them with every answer.
var Rules = []string{ruleGoods, ruleMeasure, ruleInForce, ruleParties, ruleStates, ruleContest, ruleEvidence}

// Caveat is attached to every finding.
const Caveat = "Potential violation: derived by the rules stated with the answer from the sources cited as evidence; " +
	"not a finding of the UN Security Council, a sanctions committee, a panel of experts or a court."

// Assess applies the rules to facts and returns the findings that pass q's
// filters, by transfer date and id, with the transfers it could not assess.
// Paging is the caller's.
func Assess(m *schema.Model, facts *model.ViolationFacts, q model.ViolationQuery) *model.ViolationResult {
	a := newAssessor(m, facts, q)
	res := &model.ViolationResult{Assessed: len(facts.Transfers), Truncated: facts.Truncated}
	for i := range facts.Transfers {
		tf := &facts.Transfers[i]
		v, na := a.assess(tf)
		switch {
		case v != nil && a.keep(v):
			res.Findings = append(res.Findings, v)
		case na != nil && a.involved(tf):
			res.NotAssessed = append(res.NotAssessed, na)
		}
	}
	for i := range facts.Undated {
		tf := &facts.Undated[i]
		if a.ok(tf.Transfer.Status) && goodsKind(tf.Transfer) && a.involved(tf) {
			res.NotAssessed = append(res.NotAssessed, &model.NotAssessed{Transfer: tf.Transfer, Reason: model.NoDate,
				Explanation: "The transfer has no date, so no measure can be said to have been in force when it happened."})
		}
	}
	if len(res.NotAssessed) > model.MaxNotAssessed {
		res.NotAssessed = res.NotAssessed[:model.MaxNotAssessed]
	}
	return res
}

type assessor struct {
	m        *schema.Model
	f        *model.ViolationFacts
	q        model.ViolationQuery
	min      int
	measures []*measure
	byID     map[string]*measure
	names    map[string]string   // entity names by id, built when first needed
	broader  map[string][]string // the model's broader categories, by category
}

func newAssessor(m *schema.Model, f *model.ViolationFacts, q model.ViolationQuery) *assessor {
	a := &assessor{m: m, f: f, q: q, min: q.MinStatus.Rank(), byID: map[string]*measure{}, broader: map[string][]string{}}
	for _, c := range m.CategoryNames() {
		a.broader[c] = m.BroaderCategories(c)
	}
	for i := range f.Measures {
		mf := &f.Measures[i]
		if mf.Measure == nil || !a.ok(mf.Measure.Status) {
			continue
		}
		p := mf.Measure.Properties
		ms := &measure{e: mf.Measure, hs: p["hsCodes"], except: p["exceptHsCodes"], cats: p["goodsCategories"],
			condition: p.First("condition"), dir: directionOf(mf.Measure)}
		ms.imposes = a.links(mf.ImposedBy)
		ms.targets = a.links(mf.Targets)
		for _, l := range a.links(mf.Extends) {
			if l.Other.Kind == schema.Measure {
				ms.extends = append(ms.extends, l)
			}
		}
		ms.list = len(ms.extends) > 0
		ms.inForce()
		a.measures = append(a.measures, ms)
		a.byID[ms.e.ID] = ms
	}
	return a
}

func (a *assessor) ok(s schema.Status) bool { return s.Rank() >= a.min }

// links keeps the links whose relationship and other end are at least the
// minimum status.
func (a *assessor) links(in []model.Link) []model.Link {
	var out []model.Link
	for _, l := range in {
		if l.Rel != nil && l.Other != nil && a.ok(l.Rel.Status) && a.ok(l.Other.Status) {
			out = append(out, l)
		}
	}
	return out
}

// assess applies the rules to one transfer: a finding, or why it could
// not be assessed, or neither (its breaches were all filtered out).
func (a *assessor) assess(tf *model.TransferFacts) (*model.PotentialViolation, *model.NotAssessed) {
	t := tf.Transfer
	if !a.ok(t.Status) || !goodsKind(t) {
		return nil, nil
	}
	notAssessed := func(r model.NotAssessedReason, why string) (*model.PotentialViolation, *model.NotAssessed) {
		return nil, &model.NotAssessed{Transfer: t, Reason: r, Explanation: why}
	}
	date := t.Properties.First("date")
	first, last, err := schema.DateBounds(date)
	if err != nil {
		return notAssessed(model.NoDate, "The transfer has no usable date, so no measure can be said to have been in force when it happened.")
	}
	sp := span{first: first, last: last, text: date}
	goods := a.products(tf.Goods)
	if len(goods) == 0 {
		return notAssessed(model.NoGoods, "No goods are recorded for the transfer (INCLUDES), so no measure on goods can apply.")
	}
	if !classified(goods) {
		return notAssessed(model.UnclassifiedGoods, "The goods have neither an HS code nor a category, so no measure can be matched.")
	}

	under, kept := a.fallUnder(goods, sp)
	p := a.partiesOf(tf)
	var drafts []*breachDraft
	obligations, tiedAny := 0, false
	for _, ms := range a.measures {
		fl := under[ms.e.ID]
		if fl == nil || ms.list {
			continue
		}
		obligations++
		chains := a.chains(ms, p, sp)
		if len(chains) == 0 {
			continue
		}
		tiedAny = true
		if d := a.draft(t, ms, fl, chains, sp); a.keepBreach(d) {
			drafts = append(drafts, d)
		}
	}
	switch {
	case len(drafts) > 0:
		return a.finding(tf, sp, goods, p, drafts), nil
	case tiedAny:
		return nil, nil // filtered out
	case obligations == 0:
		why := fmt.Sprintf("The goods fall under no measure in force on %s.", sp.text)
		if len(kept) > 0 {
			why += " " + strings.Join(kept, "; ") + "."
		}
		return notAssessed(model.NoMeasure, why)
	case len(p.recipients) == 0 && len(p.routeEnd) == 0:
		return notAssessed(model.NoRecipient, "No recipient is recorded (RECEIVED) and the route has no last leg, so the transfer cannot be tied to a measure's target.")
	}
	return notAssessed(model.NotTied, fmt.Sprintf("The goods fall under %s in force on %s, but no party is tied to %s on the side %s (rule 4).",
		count(obligations, "measure"), sp.text, plural(obligations, "its target", "their targets"), plural(obligations, "it bans", "they ban")))
}

// breachDraft is a breach with the facts it rests on.
type breachDraft struct {
	b      *model.Breach
	ms     *measure
	fl     *falling
	chains []chain
	facts  []*model.Fact
}

// supply and procure say which sides of the breach are tied.
func (d *breachDraft) supply() bool {
	return slices.ContainsFunc(d.chains, func(c chain) bool { return c.side != sideSender })
}

func (d *breachDraft) procure() bool {
	return slices.ContainsFunc(d.chains, func(c chain) bool { return c.side == sideSender })
}

func (a *assessor) draft(t *model.Entity, ms *measure, fl *falling, chains []chain, sp span) *breachDraft {
	d := &breachDraft{ms: ms, fl: fl, chains: chains}
	b := &model.Breach{
		Measure: ms.e, Paragraph: optional(ms.e.Properties.First("paragraph")), Annex: optional(ms.e.Properties.First("annex")),
		Direction: ms.dir, Reading: reading(ms, fl.via), InForce: ms.inForceWords(sp),
	}
	var fs factSet
	fs.entity(model.FactTransfer, t)
	fs.entity(model.FactMeasure, ms.e)
	addRes := func(l model.Link) {
		if !slices.ContainsFunc(b.Resolutions, func(rv *model.ResolutionVote) bool { return rv.Resolution.ID == l.Other.ID }) {
			b.Resolutions = append(b.Resolutions, &model.ResolutionVote{Resolution: l.Other})
		}
		fs.rel(model.FactImposes, l.Rel)
		fs.entity(model.FactResolution, l.Other)
	}
	for _, l := range ms.imposes {
		addRes(l)
	}
	for _, g := range fl.goods {
		b.Goods = append(b.Goods, g.link.Other)
		for _, r := range g.reasons {
			b.MatchedBy = append(b.MatchedBy, g.link.Other.Name+": "+r)
		}
		fs.rel(model.FactIncludes, g.link.Rel)
		fs.entity(model.FactGoods, g.link.Other)
	}
	for _, v := range fl.via {
		if !slices.Contains(b.ExtendedBy, v.ext.e) {
			b.ExtendedBy = append(b.ExtendedBy, v.ext.e)
		}
		fs.rel(model.FactExtends, v.rel)
		fs.entity(model.FactMeasure, v.ext.e)
		for _, l := range v.ext.imposes {
			addRes(l)
		}
	}
	for _, c := range chains {
		if !slices.Contains(b.Targets, c.target.Other) {
			b.Targets = append(b.Targets, c.target.Other)
		}
		fs.rel(model.FactTargets, c.target.Rel)
		switch c.side {
		case sideRecipient:
			fs.rel(model.FactReceived, c.party.Rel)
		case sideRouteEnd:
			fs.rel(model.FactRouteEnd, c.party.Rel)
		case sideSender:
			if c.party.Rel.Type == schema.Via {
				fs.rel(model.FactOrigin, c.party.Rel)
			} else {
				fs.rel(model.FactSent, c.party.Rel)
			}
		}
		if c.tie != nil {
			fs.rel(model.FactRecipientTie, c.tie)
		}
	}
	b.WeakestStatus = fs.weakest()
	d.b, d.facts = b, fs.list
	return d
}

// keepBreach applies the resolution and category filters.
func (a *assessor) keepBreach(d *breachDraft) bool {
	if a.q.Resolution != 0 && !slices.ContainsFunc(d.b.Resolutions, func(rv *model.ResolutionVote) bool {
		return rv.Resolution.Properties.First("number") == strconv.Itoa(a.q.Resolution)
	}) {
		return false
	}
	if c := a.q.Category; c != "" && !slices.ContainsFunc(d.b.Goods, func(p *model.Entity) bool {
		for _, pc := range p.Properties["category"] {
			if pc == c || slices.Contains(a.broader[pc], c) {
				return true
			}
		}
		return false
	}) {
		return false
	}
	return true
}

// finding assembles a finding from a transfer's breaches (rules 5 to 7).
func (a *assessor) finding(tf *model.TransferFacts, sp span, goods []model.Link, p *parties, drafts []*breachDraft) *model.PotentialViolation {
	t := tf.Transfer
	v := &model.PotentialViolation{Transfer: t, Date: optional(t.Properties.First("date")), Caveat: Caveat}
	var fs factSet
	for _, g := range goods {
		v.Goods = append(v.Goods, g.Other)
	}
	supply, procure := false, false
	for _, d := range drafts {
		v.Breaches = append(v.Breaches, d.b)
		for _, f := range d.facts {
			fs.add(f)
		}
		supply = supply || d.supply()
		procure = procure || d.procure()
	}

	// Recipients, with the targets they are tied to (supply).
	byReceipt := map[string]*model.Party{}
	for _, r := range p.recipients {
		pt := &model.Party{Entity: r.Other, Role: model.RoleRecipient, Relationship: r.Rel, OnBehalfOf: a.principal(r)}
		byReceipt[r.Rel.ID] = pt
		v.Recipients = append(v.Recipients, pt)
	}
	for _, d := range drafts {
		for _, c := range d.chains {
			if c.side == sideRecipient {
				addState(byReceipt[c.party.Rel.ID], c.target.Other, c.tie)
			}
		}
	}
	v.Attempted = len(p.recipients) == 0

	// Suppliers, or the route's origin when nobody SENT it, with their states.
	role, fact := model.RoleSupplier, model.FactSent
	if p.origin {
		role, fact = model.RoleOrigin, model.FactOrigin
	}
	for _, l := range p.senders {
		fs.rel(fact, l.Rel)
		v.Suppliers = append(v.Suppliers, a.stateParty(l, role, sp, &fs))
	}
	// Procurers, with their states, when a breach is on procurement.
	if procure {
		for _, r := range p.recipients {
			v.Procurers = append(v.Procurers, a.stateParty(r, model.RoleProcurer, sp, &fs))
		}
	}

	// Votes of the obliged states on the resolutions of each breach.
	supplierStates, procurerStates := statesOf(v.Suppliers), statesOf(v.Procurers)
	for _, d := range drafts {
		var states []stateOf
		if d.supply() {
			states = append(states, supplierStates...)
		}
		if d.procure() {
			states = append(states, procurerStates...)
		}
		for _, rv := range d.b.Resolutions {
			for _, s := range states {
				rv.SupplierVotes = append(rv.SupplierVotes, a.voteOf(s, rv.Resolution, &fs))
			}
		}
	}

	// The supplier's (or procurer's) side contesting it.
	var obliged []*model.Party
	if supply {
		obliged = append(obliged, v.Suppliers...)
	}
	obliged = append(obliged, v.Procurers...)
	v.Contests = a.contests(tf, obliged)
	v.ContestedBySupplier = len(v.Contests) > 0
	for _, r := range v.Contests {
		fs.rel(model.FactContest, r)
	}

	for _, l := range tf.Route {
		v.Route = append(v.Route, l.Rel)
	}
	slices.SortStableFunc(v.Route, func(x, y *model.Relationship) int {
		return cmp.Or(cmp.Compare(leg(x), leg(y)), strings.Compare(x.ID, y.ID))
	})
	for _, l := range tf.Reactions {
		v.Reactions = append(v.Reactions, l.Rel)
	}
	v.Facts, v.WeakestStatus = fs.list, fs.weakest()
	v.Explanation = a.explain(tf, sp, v, drafts)
	return v
}

// keep applies the supplier and recipient filters to a finding.
func (a *assessor) keep(v *model.PotentialViolation) bool {
	match := func(ps []*model.Party, id string) bool {
		for _, p := range ps {
			if p.Entity.ID == id || (p.OnBehalfOf != nil && p.OnBehalfOf.ID == id) ||
				slices.ContainsFunc(p.States, func(e *model.Entity) bool { return e.ID == id }) {
				return true
			}
		}
		return false
	}
	if a.q.SupplierID != "" && !match(v.Suppliers, a.q.SupplierID) && !match(v.Procurers, a.q.SupplierID) {
		return false
	}
	// An attempt has no recipient: the target its route ends in stands for one.
	attemptedTo := func(id string) bool {
		return v.Attempted && slices.ContainsFunc(v.Breaches, func(b *model.Breach) bool {
			return slices.ContainsFunc(b.Targets, func(e *model.Entity) bool { return e.ID == id })
		})
	}
	if id := a.q.RecipientID; id != "" && !match(v.Recipients, id) && !match(v.Procurers, id) && !attemptedTo(id) {
		return false
	}
	return true
}

// involved applies the supplier and recipient filters to a transfer that
// could not be assessed: the entity is one of its parties, or one they are
// tied to.
func (a *assessor) involved(tf *model.TransferFacts) bool {
	related := func(links []model.Link, principals bool) map[string]bool {
		ids := map[string]bool{}
		add := func(id string) {
			ids[id] = true
			if pf := a.f.Parties[id]; pf != nil {
				for _, l := range pf.Ties {
					ids[l.Other.ID] = true
				}
			}
		}
		for _, l := range links {
			add(l.Other.ID)
			if principals {
				if id := l.Rel.Properties.First("onBehalfOf"); id != "" {
					add(id)
				}
			}
		}
		return ids
	}
	if a.q.SupplierID != "" {
		var origin []model.Link
		for _, l := range tf.Route {
			if l.Rel.Properties.First("leg") == "0" {
				origin = append(origin, l)
			}
		}
		if !related(append(slices.Clone(tf.Senders), origin...), false)[a.q.SupplierID] {
			return false
		}
	}
	if a.q.RecipientID != "" && !related(tf.Recipients, true)[a.q.RecipientID] {
		return false
	}
	return true
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// resolutionLabel names a resolution by its number, or its name.
func resolutionLabel(e *model.Entity) string {
	if n := e.Properties.First("number"); n != "" {
		return n
	}
	return e.Name
}
