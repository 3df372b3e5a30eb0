package ownership

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Caveat reminds that an answer reads the recorded data only.
const Caveat = "Meets (or does not meet) the threshold on the recorded data: a reading of the stakes and listings in this graph, " +
	"each with its evidence, not a legal determination of anyone's status. Stakes or listings the graph does not hold are not counted."

// Input is what Exposure needs besides the rule: the facts, the entity, the
// day and the weakest status to use.
type Input struct {
	Facts *model.OwnershipFacts
	// Names gives a resolved entity's name for the sentences; the id is
	// used when it has none.
	Names     map[string]string
	EntityID  string
	At        string
	MinStatus schema.Status
	// Depth caps the chains' hops; 0 means model.MaxOwnershipDepth.
	Depth int
}

// Exposure computes the share of in.EntityID held by the rule's designated
// persons on in.At and applies the rule.
//
// The computation, which a reader can redo by hand from the chains:
//
//   - A stake counts on the day when its validity period contains the day
//     and its status is at least MinStatus. Its share is the OWNS share;
//     a stake without a share is unknown: 0 % for the lower bound and, for
//     the upper, what the other stakes recorded in the same entity on the
//     day leave (100 % less their sum).
//   - Walking up from the entity, a chain ends at the first owner the
//     authority designates (HELD on the day): its share is the product of
//     its stakes' shares. Owners above a designated owner are not followed
//     (their holding through it is already counted in full).
//   - Under a rule with Cascade, an owner that is not designated but meets
//     the rule itself through its own owners (BY_OWNERSHIP, decided by the
//     same computation from that owner up) ends a chain as a designated
//     owner does; the look-through share, without this, is computed beside.
//   - An owner whose designation on the day is UNKNOWN (or, under Cascade,
//     whose own answer is UNDETERMINED) ends a chain for the upper bound and
//     is passed through for the lower bound.
//   - An entity met again on the same chain closes a cycle: reported, not
//     followed round again. Each chain is a simple path.
//   - Chains stop after Depth stakes; an owner at the cap whose own owners
//     are not read ends a chain counted in the upper bound only.
//   - The total is the sum of the chains (capped at 100 % for the upper
//     bound), per owner and across owners.
func Exposure(rule Rule, in Input) *model.OwnershipExposure {
	return New(rule, in).Exposure(in.EntityID)
}

// Engine answers for any entity the facts reach, on one day under one
// rule; the stakes and listings are indexed once (capturedByOwnership asks
// for many entities over one read).
type Engine struct {
	rule  Rule
	in    Input
	depth int
	// owners[x] are the stakes in x that count on the day.
	owners   map[string][]*model.Stake
	listed   map[string]model.DesignationState
	desig    map[string][]*model.OwnerDesignation
	maxShare map[string]float64 // stake id → upper bound of an unknown share
	overfull map[string]string  // owned id → its stakes add up past 100 %
	frontier map[string]bool
	// derived is, under a cascading rule, whether an entity meets the rule
	// itself through its owners; busy marks those being computed (a circle
	// does not assume its own answer).
	derived   map[string]derived
	busy      map[string]bool
	tainted   map[string]bool
	walks     int
	exhausted bool
}

type derived struct {
	state model.DesignationState
	total model.ShareBounds
}

// New indexes the facts of in for the rule (in.EntityID is not read).
func New(rule Rule, in Input) *Engine {
	depth := in.Depth
	if depth <= 0 || depth > model.MaxOwnershipDepth {
		depth = model.MaxOwnershipDepth
	}
	e := &Engine{rule: rule, in: in, depth: depth, owners: map[string][]*model.Stake{}, listed: map[string]model.DesignationState{},
		desig: map[string][]*model.OwnerDesignation{}, maxShare: map[string]float64{}, overfull: map[string]string{},
		frontier: map[string]bool{}, derived: map[string]derived{}, busy: map[string]bool{}, tainted: map[string]bool{}}
	e.index()
	return e
}

// Exposure answers for one entity. Under a cascading rule the verdict
// counts the full stake of an owner that itself meets the rule, and the
// look-through share (shares multiplied all the way) is given beside it.
func (e *Engine) Exposure(id string) *model.OwnershipExposure {
	out, c := e.walk(id, e.rule.Cascade)
	out.LookThrough = out.Total
	if e.rule.Cascade {
		look, _ := e.walk(id, false)
		out.LookThrough = look.Total
		// A circle beyond an owner that meets the rule itself is met only
		// by the look-through walk.
		have := map[string]bool{}
		for _, cy := range out.Cycles {
			have[cycleKey(cy.Relationships)] = true
		}
		for _, cy := range look.Cycles {
			if !have[cycleKey(cy.Relationships)] {
				out.Cycles = append(out.Cycles, cy)
			}
		}
	}
	if e.exhausted {
		out.Truncated = true
		out.Total.High, out.LargestSingle.High = 100, 100
		out.Verdict = c.verdict(out)
	}
	out.Explanation = c.explain(out)
	return out
}

// walk enumerates the chains up from id and adds them up.
func (e *Engine) walk(id string, cascade bool) (*model.OwnershipExposure, *calc) {
	c := &calc{Engine: e, root: id, cascade: cascade, visited: map[string]bool{}}
	out := &model.OwnershipExposure{EntityID: id, At: e.in.At, Rule: e.rule.Model(), Caveat: Caveat}
	out.ListedItself = e.designations(id)
	out.Listed = e.listedState(id)
	c.walkUp(id, []string{id}, nil)
	c.finish(out)
	return out, c
}

// calc is one walk up from root.
type calc struct {
	*Engine
	root     string
	cascade  bool
	chains   []*model.OwnershipChain
	cycles   []*model.OwnershipCycle
	cycleKey map[string]bool
	cut      []string
	visited  map[string]bool
	stopped  bool
}

func (e *Engine) name(id string) string {
	if n := e.in.Names[id]; n != "" {
		return n
	}
	if n := e.in.Facts.Names[id]; n != "" {
		return n
	}
	return id
}

// share reads a stake's share; ok is false when none is recorded.
func share(r *model.Relationship) (float64, bool) {
	v := r.Properties.First("share")
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 100 {
		return 0, false
	}
	return f, true
}

// holds reports whether a fact's validity period contains the day. Ends
// are read at their precision ("2025" starts on 2025-01-01 and ends on
// 2025-12-31), as the store returns them as given.
func holds(pv model.Provenance, at string) bool {
	return (pv.ValidFrom == "" || firstDay(pv.ValidFrom) <= at) && (pv.ValidUntil == "" || at <= lastDay(pv.ValidUntil))
}

// firstDay and lastDay are the first and last day a date covers, at any
// precision ("2024-02" → 2024-02-01, 2024-02-29); a date the model would
// not accept is compared as written.
func firstDay(d string) string {
	f, _, err := schema.DateBounds(d)
	if err != nil {
		return d
	}
	return f.Format(time.DateOnly)
}

func lastDay(d string) string {
	_, l, err := schema.DateBounds(d)
	if err != nil {
		return d
	}
	return l.Format(time.DateOnly)
}

func (e *Engine) index() {
	minRank := e.in.MinStatus.Rank()
	seen := map[string]bool{}
	for _, s := range e.in.Facts.Stakes {
		if seen[s.Rel.ID] || s.Rel.Retracted != nil || s.Rel.Status.Rank() < minRank || !holds(s.Rel.Provenance, e.in.At) {
			continue
		}
		seen[s.Rel.ID] = true
		e.owners[s.OwnedID] = append(e.owners[s.OwnedID], s)
	}
	for owned, stakes := range e.owners {
		slices.SortFunc(stakes, func(a, b *model.Stake) int { return strings.Compare(a.Rel.ID, b.Rel.ID) })
		known := 0.0
		for _, s := range stakes {
			if f, ok := share(s.Rel); ok {
				known += f
			}
		}
		if known > 100.0001 {
			e.overfull[owned] = fmt.Sprintf("The stakes recorded in %s on %s add up to %s: their periods overlap (dates known only to the month or year, or a change of owners not recorded); the shares are used as recorded.",
				e.name(owned), e.in.At, pct(known))
		}
		for _, s := range stakes {
			if _, ok := share(s.Rel); !ok {
				e.maxShare[s.Rel.ID] = math.Max(0, 100-known)
			}
		}
	}
	for _, id := range e.in.Facts.Frontier {
		e.frontier[id] = true
	}
	for id, ds := range e.in.Facts.Designations {
		st := model.NotHeld
		for _, d := range ds {
			if !e.rule.Designations.Matches(d.Sanction) || d.Sanction.Retracted != nil || d.Designates.Retracted != nil ||
				d.Sanction.Status.Rank() < minRank || d.Designates.Status.Rank() < minRank {
				continue
			}
			s, why := DesignationState(d, e.in.Facts.Editions[d.Sanction.Dataset], e.in.At)
			e.desig[id] = append(e.desig[id], &model.OwnerDesignation{Sanction: d.Sanction, Relationship: d.Designates, State: s, Explanation: why})
			switch {
			case s == model.Held:
				st = model.Held
			case s == model.Unknown && st != model.Held:
				st = model.Unknown
			}
		}
		e.listed[id] = st
	}
}

// listedState is whether the authority designates id on the day.
func (e *Engine) listedState(id string) model.DesignationState {
	if s, ok := e.listed[id]; ok {
		return s
	}
	return model.NotHeld
}

// stateOf is how the walk treats an owner: designated (HELD), meeting the
// rule itself through its own owners under a cascading rule
// (BY_OWNERSHIP), UNKNOWN, or NOT_HELD.
func (c *calc) stateOf(id string) model.DesignationState {
	s := c.listedState(id)
	if s == model.Held || !c.cascade || id == c.root {
		return s
	}
	switch c.derivedOf(id).state {
	case model.ByOwnership:
		return model.ByOwnership
	case model.Unknown:
		return model.Unknown
	}
	return s
}

// derivedOf answers whether an entity meets the rule itself through its
// own owners. An entity met again while its own answer is being computed
// (a circle) is taken as not meeting it: no entity is caught by a circle
// of stakes that holds only because it is caught. An answer computed
// under that assumption is kept only when it meets the rule (more owners
// caught could only raise it); otherwise it is computed again when asked
// later. After maxDerivedWalks walks the engine stops deriving and answers
// UNKNOWN, which the answer reports as truncated.
func (e *Engine) derivedOf(id string) derived {
	if d, ok := e.derived[id]; ok {
		return d
	}
	if e.busy[id] {
		for k := range e.busy {
			e.tainted[k] = true
		}
		return derived{state: model.NotHeld}
	}
	if e.walks >= maxDerivedWalks {
		e.exhausted = true
		return derived{state: model.Unknown, total: model.ShareBounds{High: 100}}
	}
	e.walks++
	e.busy[id] = true
	x, _ := e.walk(id, true)
	delete(e.busy, id)
	d := derived{state: model.NotHeld, total: x.Total}
	switch x.Verdict {
	case model.Meets:
		d.state = model.ByOwnership
	case model.Undetermined:
		d.state = model.Unknown
	}
	if d.state == model.ByOwnership || !e.tainted[id] {
		e.derived[id] = d
	}
	delete(e.tainted, id)
	return d
}

// maxDerivedWalks bounds the walks one Engine makes to decide whether
// owners meet the rule themselves.
const maxDerivedWalks = 20000

func (e *Engine) designations(id string) []*model.OwnerDesignation {
	out := e.desig[id]
	if out == nil {
		return []*model.OwnerDesignation{}
	}
	return out
}

// walk follows the stakes in node upwards; path holds the entities from
// the queried one to node, hops the stakes so far (owner of path[i+1] is
// hops[i]'s owner, listed from the queried entity up).
func (c *calc) walkUp(node string, path []string, hops []*model.Stake) {
	if c.stopped {
		return
	}
	c.visited[node] = true
	stakes := c.owners[node]
	if len(hops) == c.depth {
		if len(stakes) > 0 || c.frontier[node] {
			c.cut = append(c.cut, node)
			c.chain(node, hops, true)
		}
		return
	}
	if len(stakes) == 0 {
		// Owners of node the store did not read (its depth cap).
		if c.frontier[node] && len(hops) > 0 {
			c.cut = append(c.cut, node)
			c.chain(node, hops, true)
		}
		return
	}
	for _, s := range stakes {
		if i := slices.Index(path, s.OwnerID); i >= 0 {
			c.cycle(path[i:], append(slices.Clone(hops[i:]), s))
			continue
		}
		next := append(slices.Clone(hops), s)
		switch c.stateOf(s.OwnerID) {
		case model.Held, model.ByOwnership:
			c.chain(s.OwnerID, next, false)
			continue
		case model.Unknown:
			c.chain(s.OwnerID, next, false)
		}
		c.walkUp(s.OwnerID, append(slices.Clone(path), s.OwnerID), next)
		if c.stopped {
			return
		}
	}
}

func (c *calc) cycle(ids []string, stakes []*model.Stake) {
	if c.cycleKey == nil {
		c.cycleKey = map[string]bool{}
	}
	cy := &model.OwnershipCycle{EntityIDs: slices.Clone(ids)}
	for _, s := range stakes {
		cy.Relationships = append(cy.Relationships, s.Rel)
	}
	k := cycleKey(cy.Relationships)
	if c.cycleKey[k] {
		return
	}
	c.cycleKey[k] = true
	c.cycles = append(c.cycles, cy)
}

// cycleKey names a circle by its stakes, wherever it was entered.
func cycleKey(rels []*model.Relationship) string {
	keys := make([]string, len(rels))
	for i, r := range rels {
		keys[i] = r.ID
	}
	slices.Sort(keys)
	return strings.Join(keys, "\x00")
}

// chain records the chain of stakes hops (from the queried entity up) ending
// at owner; cut says the chain stops at the depth cap.
func (c *calc) chain(owner string, hops []*model.Stake, cut bool) {
	if len(c.chains) >= model.MaxOwnershipChains {
		c.stopped = true
		return
	}
	ch := &model.OwnershipChain{OwnerID: owner, DepthCut: cut, WeakestStatus: schema.Confirmed, Share: model.ShareBounds{Low: 100, High: 100}}
	// Owner first: reverse the hops.
	unknownInside := false
	for i := len(hops) - 1; i >= 0; i-- {
		s := hops[i]
		h := &model.OwnershipHop{Relationship: s.Rel, OwnerID: s.OwnerID, OwnedID: s.OwnedID,
			ValidFrom: s.Rel.ValidFromOrNil(), ValidUntil: s.Rel.ValidUntilOrNil(), Status: s.Rel.Status}
		if f, ok := share(s.Rel); ok {
			h.Share, h.MaxShare = &f, f
		} else {
			h.UnknownShare, h.MaxShare = true, c.maxShare[s.Rel.ID]
		}
		ch.Share.Low = ch.Share.Low * deref(h.Share) / 100
		ch.Share.High = ch.Share.High * h.MaxShare / 100
		if s.Rel.Status.Rank() < ch.WeakestStatus.Rank() {
			ch.WeakestStatus = s.Rel.Status
		}
		if i > 0 && c.stateOf(s.OwnedID) == model.Unknown {
			unknownInside = true
		}
		ch.Hops = append(ch.Hops, h)
	}
	st := c.stateOf(owner)
	ch.InLowerBound = !cut && (st == model.Held || st == model.ByOwnership)
	ch.InUpperBound = cut || (!unknownInside && st != model.NotHeld)
	ch.Share.Low, ch.Share.High = round(ch.Share.Low), round(ch.Share.High)
	ch.Sentence = c.chainSentence(ch, st, cut)
	c.chains = append(c.chains, ch)
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

func (c *calc) chainSentence(ch *model.OwnershipChain, st model.DesignationState, cut bool) string {
	var b strings.Builder
	b.WriteString(c.name(ch.OwnerID))
	switch {
	case cut:
		b.WriteString(" (owners not read: depth cap)")
	case st == model.Held:
		b.WriteString(" (designated)")
	case st == model.ByOwnership:
		b.WriteString(" (meets the rule through its owners)")
	case st == model.Unknown:
		b.WriteString(" (designation on the day unknown)")
	}
	for _, h := range ch.Hops {
		s := "share not recorded, at most " + pct(h.MaxShare)
		if h.Share != nil {
			s = pct(*h.Share)
		}
		fmt.Fprintf(&b, " — owns %s → %s", s, c.name(h.OwnedID))
	}
	fmt.Fprintf(&b, ": %s", bounds(ch.Share))
	return b.String()
}

func (c *calc) finish(out *model.OwnershipExposure) {
	out.Chains = c.chains
	if out.Chains == nil {
		out.Chains = []*model.OwnershipChain{}
	}
	out.Cycles = c.cycles
	if out.Cycles == nil {
		out.Cycles = []*model.OwnershipCycle{}
	}
	slices.Sort(c.cut)
	out.DepthCutIDs = slices.Compact(c.cut)
	out.Truncated = c.stopped || c.in.Facts.Truncated
	// Per owner, and in total.
	owners := map[string]*model.DesignatedOwner{}
	var order []string
	cutHigh := 0.0
	unknown := map[string]*model.Relationship{}
	for _, ch := range c.chains {
		for _, h := range ch.Hops {
			if h.UnknownShare && (ch.InLowerBound || ch.InUpperBound) {
				unknown[h.Relationship.ID] = h.Relationship
			}
		}
		if ch.InLowerBound {
			out.Total.Low += ch.Share.Low
		}
		if ch.InUpperBound {
			out.Total.High += ch.Share.High
		}
		if ch.DepthCut {
			cutHigh += ch.Share.High
			continue
		}
		o := owners[ch.OwnerID]
		if o == nil {
			o = &model.DesignatedOwner{EntityID: ch.OwnerID, State: c.stateOf(ch.OwnerID), Designations: c.designations(ch.OwnerID)}
			owners[ch.OwnerID] = o
			order = append(order, ch.OwnerID)
		}
		if ch.InLowerBound {
			o.Share.Low += ch.Share.Low
		}
		if ch.InUpperBound {
			o.Share.High += ch.Share.High
		}
	}
	for _, id := range order {
		o := owners[id]
		o.Share.Low, o.Share.High = round(math.Min(o.Share.Low, 100)), round(math.Min(o.Share.High, 100))
		// The upper bound of an owner also holds what it may hold through
		// chains that count only for the lower bound (through an owner of
		// unknown designation): keep High >= Low.
		o.Share.High = math.Max(o.Share.High, o.Share.Low)
		out.Owners = append(out.Owners, o)
		out.LargestSingle.Low = math.Max(out.LargestSingle.Low, o.Share.Low)
		out.LargestSingle.High = math.Max(out.LargestSingle.High, o.Share.High)
	}
	if out.Owners == nil {
		out.Owners = []*model.DesignatedOwner{}
	}
	out.Total.Low = round(math.Min(out.Total.Low, 100))
	out.Total.High = round(math.Max(math.Min(out.Total.High, 100), out.Total.Low))
	out.LargestSingle.High = round(math.Min(out.LargestSingle.High+cutHigh, 100))
	if out.Truncated {
		out.Total.High, out.LargestSingle.High = 100, 100
	}
	ids := make([]string, 0, len(unknown))
	for id := range unknown {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		out.UnknownLinks = append(out.UnknownLinks, unknown[id])
	}
	if out.UnknownLinks == nil {
		out.UnknownLinks = []*model.Relationship{}
	}
	out.Verdict = c.verdict(out)
}

func (c *calc) verdict(out *model.OwnershipExposure) model.OwnershipVerdict {
	r := c.rule
	b := out.Total
	if r.Aggregation == SingleOwner {
		b = out.LargestSingle
	}
	switch {
	case r.Passes(b.Low):
		return model.Meets
	case r.Passes(b.High):
		return model.Undetermined
	case r.Together == Joint && r.Passes(out.Total.High):
		return model.Undetermined
	}
	return model.DoesNotMeet
}

func (c *calc) explain(out *model.OwnershipExposure) []string {
	r, name := c.rule, c.name(out.EntityID)
	var ss []string
	who := "persons designated by " + r.ID
	for _, o := range out.Owners {
		if o.State == model.ByOwnership {
			who += " (or meeting its rule through their own owners)"
			break
		}
	}
	ss = append(ss, fmt.Sprintf("On %s, %s hold %s of %s on the recorded data, all designated owners together; the largest single designated owner holds %s.",
		out.At, who, bounds(out.Total), name, bounds(out.LargestSingle)))
	if out.LookThrough != out.Total {
		ss = append(ss, fmt.Sprintf("Multiplied along every chain up to designated persons (look-through), they hold %s; the %s counts an owner that itself meets it as designated, so that owner's whole stake counts.",
			bounds(out.LookThrough), r.Name))
	}
	how := "all designated owners together"
	b := out.Total
	if r.Aggregation == SingleOwner {
		how, b = "one designated owner alone", out.LargestSingle
	}
	switch out.Verdict {
	case model.Meets:
		ss = append(ss, fmt.Sprintf("%s meets the threshold of the %s (%s, %s) on the recorded data.", name, r.Name, r.Test(), how))
	case model.DoesNotMeet:
		ss = append(ss, fmt.Sprintf("%s does not meet the threshold of the %s (%s, %s) on the recorded data.", name, r.Name, r.Test(), how))
	default:
		if r.Together == Joint && !r.Passes(b.High) {
			ss = append(ss, fmt.Sprintf("The recorded data cannot settle whether %s meets the threshold of the %s (%s, %s): no designated owner passes it alone, "+
				"but together they hold %s, which counts only if they hold their shares jointly, and the graph records no such arrangement.", name, r.Name, r.Test(), how, bounds(out.Total)))
		} else {
			ss = append(ss, fmt.Sprintf("The recorded data cannot settle whether %s meets the threshold of the %s (%s, %s): the share lies between %s and %s.",
				name, r.Name, r.Test(), how, pct(b.Low), pct(b.High)))
		}
	}
	switch out.Listed {
	case model.Held:
		ss = append(ss, fmt.Sprintf("%s is itself designated by %s on %s.", name, r.ID, out.At))
	case model.Unknown:
		ss = append(ss, fmt.Sprintf("Whether %s itself was designated by %s on %s is unknown (%s).", name, r.ID, out.At, explanations(out.ListedItself, model.Unknown)))
	}
	for _, o := range out.Owners {
		if o.State == model.Held {
			ss = append(ss, fmt.Sprintf("%s holds %s and is designated by %s on %s (%s).", c.name(o.EntityID), bounds(o.Share), r.ID, out.At, explanations(o.Designations, model.Held)))
		}
	}
	for _, o := range out.Owners {
		if o.State == model.ByOwnership {
			ss = append(ss, fmt.Sprintf("%s holds %s; it is not designated by %s on %s but meets the rule itself on the recorded data (%s held through its owners), so its stake counts in full.",
				c.name(o.EntityID), bounds(o.Share), r.ID, out.At, bounds(c.derivedOf(o.EntityID).total)))
		}
	}
	for _, o := range out.Owners {
		if o.State != model.Unknown {
			continue
		}
		if c.listedState(o.EntityID) == model.Unknown {
			ss = append(ss, fmt.Sprintf("Whether %s was designated by %s on %s is unknown (%s): counted in the upper bound only.", c.name(o.EntityID), r.ID, out.At, explanations(o.Designations, model.Unknown)))
		} else {
			ss = append(ss, fmt.Sprintf("Whether %s meets the rule itself through its owners cannot be settled (%s): counted in the upper bound only.", c.name(o.EntityID), bounds(c.derivedOf(o.EntityID).total)))
		}
	}
	for _, u := range out.UnknownLinks {
		ss = append(ss, fmt.Sprintf("The share of %s in %s is not recorded (%s): counted as 0 %% for the lower bound and at most %s for the upper.",
			c.name(ownerOf(c, u)), c.name(ownedOf(c, u)), u.ID, pct(c.maxShare[u.ID])))
	}
	for _, cy := range out.Cycles {
		names := make([]string, 0, len(cy.EntityIDs)+1)
		for _, id := range cy.EntityIDs {
			names = append(names, c.name(id))
		}
		names = append(names, c.name(cy.EntityIDs[0]))
		ss = append(ss, fmt.Sprintf("Ownership runs in a circle (%s, each owned by the next): followed once, not round again.", strings.Join(names, " ← ")))
	}
	for _, id := range out.DepthCutIDs {
		ss = append(ss, fmt.Sprintf("Owners of %s lie beyond %d stakes and were not read: what they may hold counts in the upper bound only.", c.name(id), c.depth))
	}
	if out.Truncated {
		ss = append(ss, fmt.Sprintf("The computation stopped at a limit (%d chains, the stakes read, or %d walks deciding whether owners meet the rule themselves): the upper bound is 100 %%.",
			model.MaxOwnershipChains, maxDerivedWalks))
	}
	visited := make([]string, 0, len(c.visited))
	for id := range c.visited {
		visited = append(visited, id)
	}
	slices.Sort(visited)
	for _, id := range visited {
		if o := c.overfull[id]; o != "" {
			ss = append(ss, o)
		}
	}
	return ss
}

func ownerOf(c *calc, r *model.Relationship) string {
	for _, ss := range c.owners {
		for _, s := range ss {
			if s.Rel.ID == r.ID {
				return s.OwnerID
			}
		}
	}
	return r.FromID
}

func ownedOf(c *calc, r *model.Relationship) string {
	for owned, ss := range c.owners {
		for _, s := range ss {
			if s.Rel.ID == r.ID {
				return owned
			}
		}
	}
	return r.ToID
}

// explanations says why each listing in state st is in it.
func explanations(ds []*model.OwnerDesignation, st model.DesignationState) string {
	var out []string
	for _, d := range ds {
		if d.State == st {
			out = append(out, d.Sanction.Name+": "+d.Explanation)
		}
	}
	return strings.Join(out, "; ")
}

// round keeps six decimals, so 60 % × 90 % reads 54 %.
func round(f float64) float64 { return math.Round(f*1e6) / 1e6 }

func pct(f float64) string { return strconv.FormatFloat(round(f), 'f', -1, 64) + " %" }

func bounds(b model.ShareBounds) string {
	if b.Exact() {
		return pct(b.Low)
	}
	return pct(b.Low) + " to " + pct(b.High)
}
