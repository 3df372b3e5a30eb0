package graph

import (
	"context"
	"fmt"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// actor checks that the request's principal has at least role min and
// names it for the change log.
func (r *Resolver) actor(ctx context.Context, min auth.Role) (model.Actor, error) {
	if err := auth.Require(ctx, min); err != nil {
		return model.Actor{}, err
	}
	p := auth.From(ctx)
	return model.Actor{Name: p.Actor(), Role: p.Role.String(), RequestID: r.requestID(ctx)}, nil
}

// propertyInput turns input properties into model properties; a name given
// twice is an error rather than a silent merge.
func propertyInput(in []*model.PropertyInput) (model.Properties, error) {
	out := model.Properties{}
	for _, p := range in {
		if _, dup := out[p.Name]; dup {
			return nil, badInput("input.properties", fmt.Sprintf("property %q is given twice", p.Name))
		}
		out[p.Name] = append([]string(nil), p.Values...)
	}
	return out, nil
}

func factEvidence(factID string, in []*model.FactEvidenceInput) []model.Evidence {
	out := make([]model.Evidence, len(in))
	for i, e := range in {
		out[i] = model.Evidence{ID: deref(e.ID), FactID: factID, SourceID: e.SourceID, Status: e.Status,
			Basis: deref(e.Basis), Quote: deref(e.Quote), Claim: deref(e.Claim), Property: deref(e.Property),
			Value: deref(e.Value), StatedOn: string(deref(e.StatedOn))}
	}
	return out
}

func factWrite(f model.CuratedFact, res model.WriteResult, err error) (*model.FactWrite, error) {
	if err != nil {
		return nil, err
	}
	w := &model.FactWrite{Outcome: model.WriteOutcome(res.Outcome), Change: res.Change}
	if f.Relationship != nil {
		w.Node = f.Relationship
	} else {
		w.Node = f.Entity
	}
	return w, nil
}

func (r *queryResolver) changes(ctx context.Context, q model.ChangeQuery) (*model.ChangeConnection, error) {
	pg, err := r.Store.History(ctx, q)
	if err != nil {
		return nil, err
	}
	conn := &model.ChangeConnection{TotalCount: pg.Total, PageInfo: pageInfo(q.Page, len(pg.Changes), pg.Total)}
	for i := range pg.Changes {
		conn.Edges = append(conn.Edges, &model.ChangeEdge{Cursor: cursor(q.Page.Offset + i), Node: &pg.Changes[i]})
	}
	if conn.Edges == nil {
		conn.Edges = []*model.ChangeEdge{}
	}
	return conn, nil
}
