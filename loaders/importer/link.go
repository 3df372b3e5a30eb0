package importer

import (
	"context"
	"fmt"
	"io"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
)

// LinkStore is what linking records across datasets needs of the store.
type LinkStore interface {
	LinkSameAs(ctx context.Context) (cypher.LinkSummary, error)
	Resolve(ctx context.Context) (cypher.ResolveSummary, error)
}

// LinkResult is what Link did.
type LinkResult struct {
	Links    cypher.LinkSummary
	Resolved cypher.ResolveSummary
}

// Link runs after loads: it links records of different datasets that
// describe the same entity with SAME_AS (and removes links whose rule no
// longer matches), then brings the resolved entities up to date, moving
// only the records whose cluster changed. Running it again with nothing
// loaded in between changes nothing.
func Link(ctx context.Context, st LinkStore) (LinkResult, error) {
	var r LinkResult
	var err error
	if r.Links, err = st.LinkSameAs(ctx); err != nil {
		return r, fmt.Errorf("linking records across datasets: %w", err)
	}
	if r.Resolved, err = st.Resolve(ctx); err != nil {
		return r, fmt.Errorf("resolving entities: %w", err)
	}
	return r, nil
}

// Print writes the summary line of a Link.
func (r LinkResult) Print(w io.Writer) {
	fmt.Fprintf(w, "links across datasets: %s; SAME_AS %d created, %d updated, %d unchanged, %d removed\n",
		Counts(r.Links.ByRule), r.Links.Write.Relationships.Created, r.Links.Write.Relationships.Updated,
		r.Links.Write.Relationships.Unchanged, r.Links.Removed)
	fmt.Fprintf(w, "resolved entities: %d clusters of several records; %d records moved, %d new\n",
		r.Resolved.Clusters, r.Resolved.Moved, r.Resolved.Singletons)
}
