// Package breach finds potential sanctions violations: it applies explicit
// rules to the facts graph/cypher gathers around transfers
// (model.ViolationFacts) and explains each finding. It does no I/O and
// knows nothing of Neo4j, so the rules work on the graph as any loader
// writes it and can be tested without a database.
//
// The rules, in the order they are applied (Rules states them for clients):
//
//  1. Goods: a Transfer of a goods-moving kind INCLUDES a Product.
//  2. Measure: the product falls under a Measure by HS code (hsWithin) or
//     by category, its own or a broader one (schema.Model.BroaderCategories);
//     an extending measure (EXTENDS) is a list, matched by the product's own
//     categories only; what falls under an extending measure falls under the
//     one it extends.
//  3. In force: the measure was in force for the whole of the transfer's
//     date, from the later of inForceFrom and the imposing resolution's
//     adoption, until inForceUntil.
//  4. Recipient: a RECEIVED party is, or is tied in one hop to, a target of
//     the measure (TARGETS), directly or through RECEIVED.onBehalfOf.
//  5. Supplier: SENT parties and their states (or the route's origin, VIA
//     leg 0, labelled as such), with those states' VOTED_ON on the
//     resolutions imposing the measure.
//  6. Evidence: every fact used is listed; the finding's status is the
//     weakest of them; a minimum status drops weaker facts before the rules
//     run.
package breach

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Rules states the rules in words; the API returns them with every answer.
var Rules = []string{
	"1. Goods: a transfer (gift, sale, shipment, smuggling or arms_transfer) INCLUDES a product.",
	"2. Measure: the product falls under a measure when its HS code lies within one of the measure's HS codes " +
		"(8703 lies within 8703, 87 and 86-89: the product's code is cut to the length of the measure's; " +
		"a product coded less precisely than the measure does not match), or when one of its categories, " +
		"or a broader category of one (schema/model.yaml categories), is among the measure's goods categories. " +
		"A measure that EXTENDS another is a list added to it: for it only the product's own categories count. " +
		"What falls under an extending measure also falls under the measure it extends, when both are in force.",
	"3. In force: the measure was in force on the transfer's date: from the later of its inForceFrom and the adoption " +
		"of the (earliest) resolution that IMPOSES it, until its inForceUntil, if any. Partial dates count from their " +
		"first day and until their last; a transfer with a partial date must fall wholly within. " +
		"A transfer without a date is not assessed.",
	"4. Recipient: the measure TARGETS an entity, and a party that RECEIVED the transfer is that entity, LEADS it, " +
		"or is NATIONAL_OF, BASED_IN, WORKS_FOR or MEMBER_OF it (one hop, holding on the transfer's date), " +
		"or received it on behalf of (onBehalfOf) a party so tied.",
	"5. Supplier: the parties that SENT the transfer; a supplier's state is the supplier itself when a state, " +
		"else the states it LEADS, is NATIONAL_OF, BASED_IN or WORKS_FOR. When nobody SENT it, the route's origin " +
		"(VIA leg 0) is shown as ORIGIN, never as a supplier. For each resolution that IMPOSES a breached measure, " +
		"the votes (VOTED_ON) of those states are reported, or that none is recorded.",
	"6. Evidence: every fact used is returned with its role, and the finding's status is the weakest of them. " +
		"With a minimum status, only facts at least that well established are used.",
}

// Caveat is attached to every finding.
const Caveat = "Potential violation: derived by the rules stated with the answer from the sources cited as evidence; " +
	"not a finding of the UN Security Council, a sanctions committee, a panel of experts or a court."

// transferKinds are the kinds of Transfer that move goods (rule 1).
var transferKinds = []string{"gift", "sale", "shipment", "smuggling", "arms_transfer"}

// Tie types: how a recipient is tied to a target (rule 4) and how a
// supplier is tied to its state (rule 5).
var (
	recipientTies = model.PartyTieTypes()
	supplierTies  = model.StateTieTypes()
)

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
		if a.ok(tf.Transfer.Status) && slices.Contains(transferKinds, tf.Transfer.Properties.First("transferKind")) && a.involved(tf) {
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

// measure is a Measure with what the rules need of it, its facts below the
// minimum status left out.
type measure struct {
	e        *model.Entity
	imposes  []model.Link
	targets  []model.Link
	extends  []model.Link
	hs       []string
	cats     []string
	list     bool // extends another measure: own categories only (rule 2)
	start    time.Time
	hasStart bool
	end      time.Time // zero: open-ended
	from     string    // words: where the start comes from
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
		ms := &measure{e: mf.Measure, hs: mf.Measure.Properties["hsCodes"], cats: mf.Measure.Properties["goodsCategories"]}
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

// inForce works out when a measure took effect (rule 3): the later of its
// inForceFrom and the adoption of the earliest resolution imposing it.
func (ms *measure) inForce() {
	var parts []string
	if v := ms.e.Properties.First("inForceFrom"); v != "" {
		if first, _, err := schema.DateBounds(v); err == nil {
			ms.start, ms.hasStart = first, true
			parts = append(parts, "inForceFrom "+v)
		}
	}
	var adopted time.Time
	var by string
	for _, l := range ms.imposes {
		v := l.Other.Properties.First("adoptedOn")
		first, _, err := schema.DateBounds(v)
		if err != nil {
			continue
		}
		if by == "" || first.Before(adopted) {
			adopted, by = first, fmt.Sprintf("resolution %s adopted %s", resolutionLabel(l.Other), v)
		}
	}
	if by != "" {
		parts = append(parts, by)
		if !ms.hasStart || adopted.After(ms.start) {
			ms.start, ms.hasStart = adopted, true
		}
	}
	if v := ms.e.Properties.First("inForceUntil"); v != "" {
		if _, last, err := schema.DateBounds(v); err == nil {
			ms.end = last
		}
	}
	ms.from = strings.Join(parts, "; ")
}

// covers reports whether the measure was in force for the whole span.
func (ms *measure) covers(sp span) bool {
	if !ms.hasStart || sp.first.Before(ms.start) {
		return false
	}
	return ms.end.IsZero() || !sp.last.After(ms.end)
}

func (ms *measure) inForceWords(sp span) string {
	s := "in force from " + ms.start.Format(time.DateOnly)
	if ms.from != "" {
		s += " (" + ms.from + ")"
	}
	if ms.end.IsZero() {
		s += ", with no end recorded"
	} else {
		s += " until " + ms.end.Format(time.DateOnly)
	}
	return s + "; the transfer is dated " + sp.text
}

// span is the period a date covers: one day, or a month or year for a
// partial date.
type span struct {
	first, last time.Time
	text        string
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

// holds reports whether a relationship held for the whole span.
func holds(r *model.Relationship, sp span) bool {
	if r.ValidFrom != "" {
		if first, _, err := schema.DateBounds(r.ValidFrom); err == nil && first.After(sp.first) {
			return false
		}
	}
	if r.ValidUntil != "" {
		if _, last, err := schema.DateBounds(r.ValidUntil); err == nil && last.Before(sp.last) {
			return false
		}
	}
	return true
}

// goodsMatch is one product falling under a measure, and why.
type goodsMatch struct {
	link    model.Link
	reasons []string
}

// via is an extending measure through which goods fall under another.
type via struct {
	ext *measure
	rel *model.Relationship
}

// falling collects what falls under one measure for one transfer.
type falling struct {
	goods []*goodsMatch
	via   []via
}

func (fl *falling) add(l model.Link, reason string) {
	for _, g := range fl.goods {
		if g.link.Other.ID == l.Other.ID {
			if !slices.Contains(g.reasons, reason) {
				g.reasons = append(g.reasons, reason)
			}
			return
		}
	}
	fl.goods = append(fl.goods, &goodsMatch{link: l, reasons: []string{reason}})
}

// chain ties one recipient to one target (rule 4).
type chain struct {
	recv      model.Link          // RECEIVED, with the recipient
	principal *model.Entity       // the party received for, when the tie is its
	tie       *model.Relationship // nil when the tied party is the target
	target    model.Link          // TARGETS, with the target
}

// assess applies rules 1 to 6 to one transfer: a finding, or why it could
// not be assessed, or neither (assessed, nothing found).
func (a *assessor) assess(tf *model.TransferFacts) (*model.PotentialViolation, *model.NotAssessed) {
	t := tf.Transfer
	if !a.ok(t.Status) || !slices.Contains(transferKinds, t.Properties.First("transferKind")) {
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
	if !slices.ContainsFunc(goods, func(l model.Link) bool {
		return l.Other.Properties.First("hsCode") != "" || len(l.Other.Properties["category"]) > 0
	}) {
		return notAssessed(model.UnclassifiedGoods, "The goods have neither an HS code nor a category, so no measure can be matched.")
	}
	recipients := a.links(tf.Recipients)
	if len(recipients) == 0 {
		return notAssessed(model.NoRecipient, "No recipient is recorded (RECEIVED), so the transfer cannot be tied to a measure's target.")
	}

	under := a.fallUnder(goods, sp)
	var breaches []*breachDraft
	for _, ms := range a.measures {
		fl := under[ms.e.ID]
		if fl == nil {
			continue
		}
		var chains []chain
		for _, tl := range ms.targets {
			chains = append(chains, a.tiedRecipients(recipients, tl, sp)...)
		}
		if len(chains) == 0 {
			continue
		}
		b := a.draft(t, ms, fl, chains, sp)
		if a.keepBreach(b) {
			breaches = append(breaches, b)
		}
	}
	if len(breaches) == 0 {
		return nil, nil
	}
	return a.finding(tf, sp, goods, recipients, breaches), nil
}

// products keeps the goods that are products at the minimum status.
func (a *assessor) products(in []model.Link) []model.Link {
	var out []model.Link
	for _, l := range a.links(in) {
		if l.Other.Kind == schema.Product {
			out = append(out, l)
		}
	}
	return out
}

// fallUnder applies rules 2 and 3: the measures in force over the span that
// the goods fall under, directly or through extending measures.
func (a *assessor) fallUnder(goods []model.Link, sp span) map[string]*falling {
	under := map[string]*falling{}
	var queue []*measure
	for _, ms := range a.measures {
		if !ms.covers(sp) {
			continue
		}
		for _, g := range goods {
			for _, r := range a.reasons(ms, g.Other) {
				if under[ms.e.ID] == nil {
					under[ms.e.ID] = &falling{}
					queue = append(queue, ms)
				}
				under[ms.e.ID].add(g, r)
			}
		}
	}
	// What falls under an extending measure falls under the one it extends.
	done := map[string]bool{}
	for len(queue) > 0 {
		ext := queue[0]
		queue = queue[1:]
		for _, l := range ext.extends {
			base := a.byID[l.Other.ID]
			key := ext.e.ID + "\x00" + l.Other.ID
			if base == nil || done[key] || !base.covers(sp) {
				continue
			}
			done[key] = true
			if under[base.e.ID] == nil {
				under[base.e.ID] = &falling{}
			}
			fl := under[base.e.ID]
			fl.via = append(fl.via, via{ext: ext, rel: l.Rel})
			for _, g := range under[ext.e.ID].goods {
				fl.add(g.link, fmt.Sprintf("falls under %s, which extends this measure (EXTENDS)", ext.e.Name))
			}
			queue = append(queue, base)
		}
	}
	return under
}

// reasons says why a product falls under a measure (rule 2), if it does.
func (a *assessor) reasons(ms *measure, p *model.Entity) []string {
	var out []string
	if code := digits(p.Properties.First("hsCode")); code != "" {
		for _, c := range ms.hs {
			if hsWithin(code, c) {
				if code == c {
					out = append(out, "HS "+code+" is listed")
				} else {
					out = append(out, "HS "+code+" lies within "+c)
				}
			}
		}
	}
	for _, c := range p.Properties["category"] {
		if slices.Contains(ms.cats, c) {
			out = append(out, "category "+c+" is listed")
			continue
		}
		if ms.list {
			continue
		}
		for _, b := range a.broader[c] {
			if slices.Contains(ms.cats, b) {
				out = append(out, "category "+c+" is a kind of "+b+", which is listed")
			}
		}
	}
	return out
}

// hsWithin reports whether product code p lies within measure code c: a
// heading ("8703"), a chapter ("87") or a range of either ("86-89"). The
// product's code is cut to the length of each bound, so a heading compares
// with a chapter by its first two digits; a product coded less precisely
// than the measure does not match.
func hsWithin(p, c string) bool {
	lo, hi, isRange := strings.Cut(c, "-")
	lo = digits(lo)
	if isRange {
		hi = digits(hi)
	} else {
		hi = lo
	}
	if lo == "" || hi == "" || len(p) < len(lo) || len(p) < len(hi) {
		return false
	}
	return p[:len(lo)] >= lo && p[:len(hi)] <= hi
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// tiedRecipients applies rule 4 to one target of a measure.
func (a *assessor) tiedRecipients(recipients []model.Link, target model.Link, sp span) []chain {
	var out []chain
	for _, r := range recipients {
		if tie, ok := a.tieTo(r.Other, target.Other.ID, sp, recipientTies); ok {
			out = append(out, chain{recv: r, tie: tie, target: target})
			continue
		}
		if p := a.principal(r); p != nil {
			if tie, ok := a.tieTo(p, target.Other.ID, sp, recipientTies); ok {
				out = append(out, chain{recv: r, principal: p, tie: tie, target: target})
			}
		}
	}
	return out
}

// principal is the party a recipient received for (RECEIVED.onBehalfOf),
// if the graph has it at the minimum status.
func (a *assessor) principal(r model.Link) *model.Entity {
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

// breachDraft is a breach with the facts it rests on.
type breachDraft struct {
	b      *model.Breach
	ms     *measure
	fl     *falling
	chains []chain
	facts  []*model.Fact
}

func (a *assessor) draft(t *model.Entity, ms *measure, fl *falling, chains []chain, sp span) *breachDraft {
	d := &breachDraft{ms: ms, fl: fl, chains: chains}
	b := &model.Breach{
		Measure: ms.e, Paragraph: optional(ms.e.Properties.First("paragraph")), Annex: optional(ms.e.Properties.First("annex")),
		InForce: ms.inForceWords(sp),
	}
	var fs factSet
	fs.entity(model.FactTransfer, t)
	fs.entity(model.FactMeasure, ms.e)
	for _, l := range ms.imposes {
		b.Resolutions = append(b.Resolutions, &model.ResolutionVote{Resolution: l.Other})
		fs.rel(model.FactImposes, l.Rel)
		fs.entity(model.FactResolution, l.Other)
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
	}
	for _, c := range chains {
		if !slices.Contains(b.Targets, c.target.Other) {
			b.Targets = append(b.Targets, c.target.Other)
		}
		fs.rel(model.FactTargets, c.target.Rel)
		fs.rel(model.FactReceived, c.recv.Rel)
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

// addState records a state (or target) a party is tied to, and the tie.
func addState(p *model.Party, s *model.Entity, tie *model.Relationship) {
	if !slices.ContainsFunc(p.States, func(e *model.Entity) bool { return e.ID == s.ID }) {
		p.States = append(p.States, s)
	}
	if tie != nil && !slices.ContainsFunc(p.Ties, func(r *model.Relationship) bool { return r.ID == tie.ID }) {
		p.Ties = append(p.Ties, tie)
	}
}

// finding assembles a finding from a transfer's breaches (rules 5 and 6).
func (a *assessor) finding(tf *model.TransferFacts, sp span, goods, recipients []model.Link, drafts []*breachDraft) *model.PotentialViolation {
	t := tf.Transfer
	v := &model.PotentialViolation{Transfer: t, Date: optional(t.Properties.First("date")), Caveat: Caveat}
	var fs factSet
	for _, g := range goods {
		v.Goods = append(v.Goods, g.Other)
	}
	for _, d := range drafts {
		v.Breaches = append(v.Breaches, d.b)
		for _, f := range d.facts {
			fs.add(f)
		}
	}

	// Recipients, with the targets they are tied to.
	byReceipt := map[string]*model.Party{}
	for _, r := range recipients {
		p := &model.Party{Entity: r.Other, Role: model.RoleRecipient, Relationship: r.Rel, OnBehalfOf: a.principal(r)}
		byReceipt[r.Rel.ID] = p
		v.Recipients = append(v.Recipients, p)
	}
	for _, d := range drafts {
		for _, c := range d.chains {
			addState(byReceipt[c.recv.Rel.ID], c.target.Other, c.tie)
		}
	}

	// Suppliers, or the route's origin when nobody SENT it.
	role, fact, links := model.RoleSupplier, model.FactSent, a.links(tf.Senders)
	if len(links) == 0 {
		role, fact = model.RoleOrigin, model.FactOrigin
		for _, l := range a.links(tf.Route) {
			if l.Rel.Properties.First("leg") == "0" {
				links = append(links, l)
			}
		}
	}
	type stateOf struct {
		state *model.Entity
		role  model.PartyRole
	}
	var states []stateOf
	for _, l := range links {
		p := &model.Party{Entity: l.Other, Role: role, Relationship: l.Rel}
		fs.rel(fact, l.Rel)
		if l.Other.Kind == schema.State {
			addState(p, l.Other, nil)
		}
		if pf := a.f.Parties[l.Other.ID]; pf != nil {
			for _, tl := range a.links(pf.Ties) {
				if tl.Other.Kind == schema.State && slices.Contains(supplierTies, tl.Rel.Type) && holds(tl.Rel, sp) {
					addState(p, tl.Other, tl.Rel)
					fs.rel(model.FactSupplierTie, tl.Rel)
				}
			}
		}
		for _, s := range p.States {
			if !slices.ContainsFunc(states, func(x stateOf) bool { return x.state.ID == s.ID }) {
				states = append(states, stateOf{s, role})
			}
		}
		v.Suppliers = append(v.Suppliers, p)
	}

	// Votes of those states on the resolutions imposing each breached measure.
	for _, d := range drafts {
		for _, rv := range d.b.Resolutions {
			for _, s := range states {
				vote := &model.Vote{State: s.state, Role: s.role}
				if r := a.vote(s.state.ID, rv.Resolution.ID); r != nil {
					vote.Vote, vote.Relationship = optional(r.Properties.First("vote")), r
					fs.rel(model.FactVotedOn, r)
				}
				rv.SupplierVotes = append(rv.SupplierVotes, vote)
			}
		}
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
	v.Explanation = a.explain(tf, sp, v, drafts, states != nil)
	return v
}

func leg(r *model.Relationship) int {
	n, err := strconv.Atoi(r.Properties.First("leg"))
	if err != nil {
		return 1 << 30
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
	if a.q.SupplierID != "" && !match(v.Suppliers, a.q.SupplierID) {
		return false
	}
	if a.q.RecipientID != "" && !match(v.Recipients, a.q.RecipientID) {
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

// factSet collects the facts of a finding once each, by role and id.
type factSet struct {
	list []*model.Fact
	seen map[string]bool
}

func (fs *factSet) add(f *model.Fact) {
	id := ""
	if f.Entity != nil {
		id = f.Entity.ID
	} else if f.Relationship != nil {
		id = f.Relationship.ID
	}
	key := string(f.Role) + "\x00" + id
	if fs.seen == nil {
		fs.seen = map[string]bool{}
	}
	if fs.seen[key] {
		return
	}
	fs.seen[key] = true
	fs.list = append(fs.list, f)
}

func (fs *factSet) entity(role model.FactRole, e *model.Entity) {
	fs.add(&model.Fact{Role: role, Entity: e, Status: e.Status})
}

func (fs *factSet) rel(role model.FactRole, r *model.Relationship) {
	fs.add(&model.Fact{Role: role, Relationship: r, Status: r.Status})
}

// weakest is the lowest-ranked status of the facts.
func (fs *factSet) weakest() schema.Status {
	w := schema.Confirmed
	for _, f := range fs.list {
		if f.Status.Rank() < w.Rank() {
			w = f.Status
		}
	}
	return w
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
