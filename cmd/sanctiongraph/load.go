package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/loaders/curated"
)

// writer is the loaders.Sink that connects loaders to the store: it
// collects whole records and writes them in batches, each batch in one
// transaction, so a record is stored whole or not at all.
type writer struct {
	store     *cypher.Store
	batchSize int
	pending   model.Batch
	records   int
	written   int
	summary   cypher.WriteSummaries
	skipped   map[string]int
	// progress, when set, is told after every batch.
	progress func(records int)
}

func newWriter(st *cypher.Store, batchSize int) *writer {
	return &writer{store: st, batchSize: batchSize, skipped: map[string]int{}}
}

func (w *writer) Record(ctx context.Context, r loaders.Record) error {
	w.pending.Entities = append(w.pending.Entities, r.Entities...)
	w.pending.Relationships = append(w.pending.Relationships, r.Relationships...)
	w.pending.Evidence = append(w.pending.Evidence, r.Evidence...)
	w.records++
	if w.batchSize > 0 && w.records-w.written >= w.batchSize {
		return w.Flush(ctx)
	}
	return nil
}

func (w *writer) Skip(ctx context.Context, s loaders.Skipped) error {
	w.skipped[s.Reason]++
	return nil
}

// Flush writes what is pending.
func (w *writer) Flush(ctx context.Context) error {
	if w.pending.Len() == 0 {
		return nil
	}
	sum, err := w.store.Write(ctx, w.pending)
	if err != nil {
		return err
	}
	w.summary.Add(sum)
	w.pending = model.Batch{}
	w.written = w.records
	if w.progress != nil {
		w.progress(w.records)
	}
	return nil
}

// loadCurated loads the curated dataset embedded in the binary. It is
// validated whole before anything is written, and written in one
// transaction.
func loadCurated(ctx context.Context, st *cypher.Store) (cypher.WriteSummaries, error) {
	w := newWriter(st, 0)
	if _, err := curated.Load(ctx, curated.Dataset(), w); err != nil {
		return w.summary, err
	}
	if err := w.Flush(ctx); err != nil {
		return w.summary, err
	}
	return w.summary, nil
}

const loadUsage = `usage: sanctiongraph load <format> [flags] [FILE…]

formats:
  curated   the curated dataset embedded in the binary (no FILE)
`

func runLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stderr, loadUsage)
		return flag.ErrHelp
	}
	format, rest := args[0], args[1:]
	cfg, err := parseFlags("load "+format, rest, getenv, stderr, false)
	if err != nil {
		return err
	}
	st, err := cypher.Open(cfg.Neo4j)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	switch format {
	case "curated":
		sum, err := loadCurated(ctx, st)
		if err != nil {
			return err
		}
		printSummary(stdout, "curated", sum, nil)
		return nil
	default:
		fmt.Fprint(stderr, loadUsage)
		return fmt.Errorf("unknown format %q", format)
	}
}

func printSummary(w io.Writer, what string, s cypher.WriteSummaries, skipped map[string]int) {
	fmt.Fprintf(w, "%s: entities %d created, %d updated, %d unchanged; relationships %d created, %d updated, %d unchanged; evidence %d created, %d updated, %d unchanged\n",
		what, s.Entities.Created, s.Entities.Updated, s.Entities.Unchanged,
		s.Relationships.Created, s.Relationships.Updated, s.Relationships.Unchanged,
		s.Evidence.Created, s.Evidence.Updated, s.Evidence.Unchanged)
	for reason, n := range skipped {
		fmt.Fprintf(w, "%s: skipped %d: %s\n", what, n, reason)
	}
}
