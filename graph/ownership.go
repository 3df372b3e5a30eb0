package graph

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/ownership"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// capturedStakes caps the stakes read for one capturedByOwnership query:
// the upstream ownership of up to model.MaxCapturedCandidates entities.
const capturedStakes = 50000

// ownershipRule checks the authority argument.
func ownershipRule(arg, authority string) (ownership.Rule, error) {
	rule, ok := ownership.RuleFor(authority)
	if !ok {
		return rule, badInput(arg, "must be one of "+strings.Join(ownership.Authorities(), ", "))
	}
	return rule, nil
}

// ownershipDay is the day answers are read on: at (a partial date: its
// first day), or today.
func ownershipDay(at *model.Date) string {
	if at == nil {
		return time.Now().UTC().Format(time.DateOnly)
	}
	return at.First()
}

// ownershipExposure answers Query.ownershipExposure.
func (r *Resolver) ownershipExposure(ctx context.Context, entity string, at *model.Date, authority string, minStatus *schema.Status) (*model.OwnershipExposure, error) {
	rule, err := ownershipRule("authority", authority)
	if err != nil {
		return nil, err
	}
	e, err := r.resolveEnd(ctx, "entity", entity, model.ViewResolved)
	if err != nil {
		return nil, err
	}
	q := model.OwnershipQuery{EntityIDs: []string{e.ID}, At: ownershipDay(at), Authority: rule.ID, MinStatus: deref(minStatus)}
	facts, err := r.Store.OwnershipFacts(ctx, q)
	if err != nil {
		return nil, err
	}
	out := ownership.Exposure(rule, ownership.Input{Facts: facts, EntityID: e.ID, At: q.At, MinStatus: q.MinStatus})
	if err := r.fillOwnership(ctx, []*model.OwnershipExposure{out}); err != nil {
		return nil, err
	}
	return out, nil
}

// capturedByOwnership answers Query.capturedByOwnership: every entity the
// rule's designated persons own (within the depth cap) is assessed, and
// those that meet the rule (or, with undetermined, that the data cannot
// settle) without being designated themselves are listed.
func (r *Resolver) capturedByOwnership(ctx context.Context, authority string, at *model.Date, minStatus *schema.Status, kind *schema.Kind, undetermined *bool, first *int, after *string) (*model.CapturedConnection, error) {
	rule, err := ownershipRule("authority", authority)
	if err != nil {
		return nil, err
	}
	p, err := page(first, after, 20)
	if err != nil {
		return nil, err
	}
	q := model.OwnershipQuery{At: ownershipDay(at), Authority: rule.ID, MinStatus: deref(minStatus), MaxStakes: capturedStakes}
	ids, truncated, err := r.Store.OwnedByDesignated(ctx, rule, q.MinStatus, 0, model.MaxCapturedCandidates)
	if err != nil {
		return nil, err
	}
	conn := &model.CapturedConnection{Rule: rule.Model(), Truncated: truncated, Nodes: []*model.OwnershipExposure{}}
	if kind != nil && len(ids) > 0 {
		// The kind is read from the entities themselves.
		ents, err := r.Store.ResolvedByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		ids = slices.DeleteFunc(ids, func(id string) bool {
			e := ents[id]
			return e == nil || e.Kind != *kind
		})
	}
	var found []*model.OwnershipExposure
	if len(ids) > 0 {
		q.EntityIDs = ids
		facts, err := r.Store.OwnershipFacts(ctx, q)
		if err != nil {
			return nil, err
		}
		want := model.Meets
		if deref(undetermined) {
			want = model.Undetermined
		}
		engine := ownership.New(rule, ownership.Input{Facts: facts, At: q.At, MinStatus: q.MinStatus})
		for _, id := range ids {
			x := engine.Exposure(id)
			conn.Assessed++
			if x.Listed == model.Held {
				continue
			}
			switch x.Verdict {
			case model.Meets:
				conn.TotalCount++
			case model.Undetermined:
				conn.UndeterminedCount++
			}
			if x.Verdict == want {
				found = append(found, x)
			}
		}
	}
	slices.SortStableFunc(found, func(a, b *model.OwnershipExposure) int {
		switch {
		case a.Total.Low != b.Total.Low:
			return cmpDesc(a.Total.Low, b.Total.Low)
		case a.Total.High != b.Total.High:
			return cmpDesc(a.Total.High, b.Total.High)
		}
		return strings.Compare(a.EntityID, b.EntityID)
	})
	total := len(found)
	lo := min(p.Offset, total)
	hi := min(lo+p.Limit, total)
	pageOf := found[lo:hi]
	if err := r.fillOwnership(ctx, pageOf); err != nil {
		return nil, err
	}
	conn.Nodes = append(conn.Nodes, pageOf...)
	conn.PageInfo = pageInfo(p, hi-lo, total)
	return conn, nil
}

func cmpDesc(a, b float64) int {
	if a > b {
		return -1
	}
	return 1
}

// fillOwnership sets the resolved entities the answers name, read in one
// batch.
func (r *Resolver) fillOwnership(ctx context.Context, xs []*model.OwnershipExposure) error {
	set := map[string]bool{}
	for _, x := range xs {
		set[x.EntityID] = true
		for _, o := range x.Owners {
			set[o.EntityID] = true
		}
		for _, ch := range x.Chains {
			set[ch.OwnerID] = true
			for _, h := range ch.Hops {
				set[h.OwnerID], set[h.OwnedID] = true, true
			}
		}
		for _, cy := range x.Cycles {
			for _, id := range cy.EntityIDs {
				set[id] = true
			}
		}
		for _, id := range x.DepthCutIDs {
			set[id] = true
		}
	}
	if len(set) == 0 {
		return nil
	}
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	got, err := r.Store.ResolvedByID(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if got[id] == nil {
			// Removed since the facts were read.
			return &model.Error{Code: model.Conflict, Message: "the graph changed while the answer was being read; retry", Op: "graph.fillOwnership"}
		}
	}
	ent := func(id string) *model.Entity { return got[id] }
	for _, x := range xs {
		x.Entity = ent(x.EntityID)
		for _, o := range x.Owners {
			o.Entity = ent(o.EntityID)
		}
		for _, ch := range x.Chains {
			ch.Owner = ent(ch.OwnerID)
			for _, h := range ch.Hops {
				h.Owner, h.Owned = ent(h.OwnerID), ent(h.OwnedID)
			}
		}
		for _, cy := range x.Cycles {
			cy.Entities = cy.Entities[:0]
			for _, id := range cy.EntityIDs {
				cy.Entities = append(cy.Entities, ent(id))
			}
		}
		x.DepthCut = []*model.Entity{}
		for _, id := range x.DepthCutIDs {
			x.DepthCut = append(x.DepthCut, ent(id))
		}
	}
	return nil
}

// ownershipRules lists the rules.
func ownershipRules() []*model.OwnershipRule {
	var out []*model.OwnershipRule
	for _, r := range ownership.Rules() {
		out = append(out, r.Model())
	}
	return out
}
