package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/breach"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// violationQuery checks the arguments of Query.potentialViolations and
// turns them into a query; supplier and recipient are resolved to ids (an
// ambiguous name is refused with its candidates). Errors name the argument.
func (r *Resolver) violationQuery(ctx context.Context, filter *model.ViolationFilter, first *int, after *string) (model.ViolationQuery, error) {
	p, err := page(first, after, 20)
	if err != nil {
		return model.ViolationQuery{}, err
	}
	q := model.ViolationQuery{Page: p}
	if filter == nil {
		return q, nil
	}
	// A partial date is the period it names (see Query.timeline).
	q.From, q.To, q.MinStatus = deref(filter.From).First(), deref(filter.To).Last(), deref(filter.MinStatus)
	if q.From != "" && q.To != "" && q.To < q.From {
		return q, badInput("filter.to", "must not be before filter.from")
	}
	if filter.Resolution != nil {
		if *filter.Resolution < 1 {
			return q, badInput("filter.resolution", "must be a positive resolution number such as 2397")
		}
		q.Resolution = *filter.Resolution
	}
	if filter.Category != nil {
		q.Category = strings.ToLower(string(*filter.Category))
	}
	if filter.Supplier != nil {
		e, err := r.resolveEnd(ctx, "filter.supplier", *filter.Supplier)
		if err != nil {
			return q, err
		}
		q.SupplierID = e.ID
	}
	if filter.Recipient != nil {
		e, err := r.resolveEnd(ctx, "filter.recipient", *filter.Recipient)
		if err != nil {
			return q, err
		}
		q.RecipientID = e.ID
	}
	return q, nil
}

// violationConnection applies the rules to the facts and returns one page
// of the findings.
func (r *Resolver) violationConnection(facts *model.ViolationFacts, q model.ViolationQuery) *model.ViolationConnection {
	res := breach.Assess(r.model, facts, q)
	total := len(res.Findings)
	lo := min(q.Offset, total)
	hi := min(lo+q.Limit, total)
	conn := &model.ViolationConnection{
		TotalCount: total, PageInfo: pageInfo(q.Page, hi-lo, total),
		Assessed: res.Assessed, Truncated: res.Truncated, NotAssessed: res.NotAssessed, Rules: slices.Clone(breach.Rules),
		Edges: []*model.ViolationEdge{},
	}
	if conn.NotAssessed == nil {
		conn.NotAssessed = []*model.NotAssessed{}
	}
	for i, v := range res.Findings[lo:hi] {
		conn.Edges = append(conn.Edges, &model.ViolationEdge{Cursor: cursor(lo + i), Node: v})
	}
	return conn
}
