package graph

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// pathQuery checks the arguments of Query.paths against their caps and
// turns them into a store query; errors name the argument.
func pathQuery(maxHops *int, mode *model.PathSearchMode, k *int, via []string, types, excludeTypes []schema.RelType,
	kinds, excludeKinds []schema.Kind, minStatus *schema.Status, at *model.Date, during *model.DateRange, maxDegree *int) (model.PathQuery, error) {
	q := model.PathQuery{
		MaxHops: model.DefaultMaxHops, K: 3, MaxDegree: model.DefaultMaxDegree,
		Types: types, ExcludeTypes: excludeTypes, Kinds: kinds, ExcludeKinds: excludeKinds, MinStatus: deref(minStatus),
	}
	if maxHops != nil {
		q.MaxHops = *maxHops
	}
	if q.MaxHops < 1 || q.MaxHops > model.MaxHopsCap {
		return q, badInput("maxHops", fmt.Sprintf("must be between 1 and %d, got %d", model.MaxHopsCap, q.MaxHops))
	}
	if k != nil {
		q.K = *k
	}
	q.Mode = deref(mode)
	if q.Mode == model.KShortest && (q.K < 1 || q.K > model.MaxK) {
		return q, badInput("k", fmt.Sprintf("must be between 1 and %d, got %d", model.MaxK, q.K))
	}
	if len(via) > model.MaxVia {
		return q, badInput("via", fmt.Sprintf("takes at most %d waypoints, got %d", model.MaxVia, len(via)))
	}
	if len(via)+1 > q.MaxHops {
		return q, badInput("maxHops", fmt.Sprintf("%d hops cannot pass %d waypoints", q.MaxHops, len(via)))
	}
	if maxDegree != nil {
		q.MaxDegree = *maxDegree
	}
	if q.MaxDegree < 1 || q.MaxDegree > model.MaxDegreeCap {
		return q, badInput("maxDegree", fmt.Sprintf("must be between 1 and %d, got %d", model.MaxDegreeCap, q.MaxDegree))
	}
	if at != nil && during != nil {
		return q, badInput("during", "give either at or during, not both")
	}
	// A Date is checked when it is read (model.Date); a partial one, at:
	// "2024", asks for hops that held at some time in that year.
	if at != nil {
		q.HeldFrom, q.HeldUntil = at.First(), at.Last()
	}
	if during != nil {
		q.HeldFrom, q.HeldUntil = during.From.First(), during.To.Last()
		if q.HeldUntil < q.HeldFrom {
			return q, badInput("during.to", "must not be before during.from")
		}
	}
	return q, nil
}

// resolveEnds resolves a path query's ends and waypoints concurrently, for
// a store that cannot resolve them in its search (RefPathFinder): from, to,
// then the via entries in order. The error is the first in that
// order, so a request with two bad ends always names the same one.
func (r *Resolver) resolveEnds(ctx context.Context, from, to string, via []string, view model.View) ([]*model.Entity, error) {
	refs := append([]string{from, to}, via...)
	argOf := func(i int) string {
		switch {
		case i == 0:
			return "from"
		case i == 1:
			return "to"
		}
		return fmt.Sprintf("via[%d]", i-2)
	}
	ents := make([]*model.Entity, len(refs))
	errs := make([]error, len(refs))
	var wg sync.WaitGroup
	for i, ref := range refs {
		arg := argOf(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { // off the resolver's goroutine, gqlgen's recover does not reach
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("resolving %s: panic: %v", arg, p)
				}
			}()
			ents[i], errs[i] = r.resolveEnd(ctx, arg, ref, view)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return ents, nil
}

// resolveEnd finds the entity a path argument names; errors name the argument.
func (r *Resolver) resolveEnd(ctx context.Context, arg, ref string, view model.View) (*model.Entity, error) {
	if strings.TrimSpace(ref) == "" {
		return nil, badInput(arg, "must name an entity (an id or a name)")
	}
	e, err := r.Store.ResolveEntity(ctx, ref, view)
	if err != nil {
		return nil, endError(arg, err)
	}
	return e, nil
}

// RefPathFinder is a store that resolves a path query's ends and waypoints
// in the first search's transaction (cypher.Store.PathsByRef).
type RefPathFinder interface {
	PathsByRef(ctx context.Context, q model.PathQuery) ([]*model.Entity, []error, model.PathSearch, error)
}

// findPaths resolves the ends and waypoints named by from, to and via and
// searches between them, into res's ends: in one transaction when the
// store can (RefPathFinder), else the ends first, then the search. An end
// that names nothing (or several things) is the error, named by its
// argument, from, to, then via in order.
func (r *Resolver) findPaths(ctx context.Context, q model.PathQuery, from, to string, via []string, res *model.PathResult) (model.PathSearch, error) {
	pf, ok := r.Store.(RefPathFinder)
	if !ok {
		ends, err := r.resolveEnds(ctx, from, to, via, q.View)
		if err != nil {
			return model.PathSearch{}, err
		}
		res.From, res.To, res.Via = ends[0], ends[1], ends[2:]
		for _, e := range res.Via {
			q.Via = append(q.Via, e.ID)
		}
		q.From, q.To = res.From.ID, res.To.ID
		return r.Store.Paths(ctx, q)
	}
	refs := append(append([]string{from}, via...), to)
	argOf := func(i int) string { // refs are from, via…, to
		switch i {
		case 0:
			return "from"
		case len(refs) - 1:
			return "to"
		}
		return fmt.Sprintf("via[%d]", i-1)
	}
	order := append([]int{0, len(refs) - 1}, func() []int {
		var mid []int
		for i := 1; i < len(refs)-1; i++ {
			mid = append(mid, i)
		}
		return mid
	}()...)
	for _, i := range order {
		if strings.TrimSpace(refs[i]) == "" {
			return model.PathSearch{}, badInput(argOf(i), "must name an entity (an id or a name)")
		}
	}
	q.From, q.To, q.Via = from, to, via
	ents, errs, found, err := pf.PathsByRef(ctx, q)
	if err != nil {
		return found, err
	}
	for _, i := range order {
		if errs[i] != nil {
			return model.PathSearch{}, endError(argOf(i), errs[i])
		}
	}
	res.From, res.To, res.Via = ents[0], ents[len(ents)-1], ents[1:len(ents)-1]
	return found, nil
}

// endError names the argument in a BAD_USER_INPUT or NOT_FOUND of an end.
func endError(arg string, err error) error {
	if me, ok := err.(*model.Error); ok && (me.Code == model.BadUserInput || me.Code == model.NotFound) {
		c := *me
		c.Message = "argument " + arg + ": " + me.Message
		return &c
	}
	return err
}

// verb turns a relationship type into words: BASED_IN → "based in".
func verb(t schema.RelType) string {
	return strings.ToLower(strings.ReplaceAll(string(t), "_", " "))
}

// hopSentence reads a hop aloud: "Aurus — manufactures → Aurus Senat, per
// TASS 2023-09-13", or with the arrow reversed when the hop runs against
// the relationship ("Russia ← based in — Aurus"); an ownership hop gives
// its share ("NAMI — owns 63.5 % → Aurus LLC"). The source named leads the
// citation order (strongest, first-hand, attributed, earliest); others are
// counted. An identity link the service derived names its rule.
func hopSentence(h *model.Hop, evs []*model.Evidence, sources []*model.Entity) string {
	var b strings.Builder
	v := verb(h.Relationship.Type)
	if share := h.Relationship.Properties.First("share"); h.Relationship.Type == schema.Owns && share != "" {
		// An ownership hop says its share: "NAMI — owns 63.5 % → Aurus".
		v += " " + share + " %"
	}
	if h.Forward {
		fmt.Fprintf(&b, "%s — %s → %s", h.From.Name, v, h.To.Name)
	} else {
		fmt.Fprintf(&b, "%s ← %s — %s", h.From.Name, v, h.To.Name)
	}
	if h.Relationship.Status != schema.Confirmed {
		fmt.Fprintf(&b, " (%s)", h.Relationship.Status)
	}
	if len(evs) == 0 || len(sources) == 0 {
		b.WriteString(", no source recorded")
		return b.String()
	}
	lead := citationOrder(evs, sources)[0]
	ev := evs[lead]
	if ev.SourceID == derivedSourceID {
		b.WriteString(", per sanctiongraph's identity rule (" + orUnknown(ev.Claim, "rule not recorded") + ")")
	} else {
		who := ""
		if lead < len(sources) && sources[lead] != nil {
			who = sources[lead].Properties.First("publisher")
			if who == "" {
				who = sources[lead].Name
			}
		}
		b.WriteString(", per " + orUnknown(who, ev.SourceID))
		if when := ev.ReportedOn(); when != "" {
			b.WriteString(" " + when)
		}
	}
	if n := distinctSources(evs) - 1; n > 0 {
		fmt.Fprintf(&b, " and %d more source", n)
		if n > 1 {
			b.WriteString("s")
		}
	}
	return b.String()
}

func distinctSources(evs []*model.Evidence) int {
	seen := map[string]bool{}
	for _, e := range evs {
		seen[e.SourceID] = true
	}
	return len(seen)
}

// explainPaths says in a sentence what a path query found, or why not.
func explainPaths(res *model.PathResult, q model.PathQuery) string {
	ends := fmt.Sprintf("%s and %s", res.From.Name, res.To.Name)
	if len(res.Paths) > 0 {
		n := len(res.Paths)
		s := "s"
		if n == 1 {
			s = ""
		}
		return fmt.Sprintf("%d path%s between %s, the shortest %d hops long.", n, s, ends, res.Paths[0].Length())
	}
	switch deref(res.Cut) {
	case model.CutDate:
		return fmt.Sprintf("%s are connected, but not by facts that all held %s.", ends, dateWords(q))
	case model.CutStatus:
		return fmt.Sprintf("%s are connected, but not by facts that are all at least %s.", ends, q.MinStatus)
	case model.CutFilters:
		return fmt.Sprintf("%s are connected, but not within the relationship types and kinds asked for.", ends)
	case model.CutMaxHops:
		return fmt.Sprintf("%s are connected, but the shortest path takes %d hops, more than maxHops %d.", ends, deref(res.ShortestBeyond), q.MaxHops)
	}
	return fmt.Sprintf("No path joins %s within %d hops without passing through an entity with more than %d relationships.", ends, model.MaxHopsCap, q.MaxDegree)
}

func dateWords(q model.PathQuery) string {
	if q.HeldFrom == q.HeldUntil {
		return "on " + q.HeldFrom
	}
	return "between " + q.HeldFrom + " and " + q.HeldUntil
}
