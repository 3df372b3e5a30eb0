package importer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
)

// Store is what the writer needs of the graph store.
type Store interface {
	Write(ctx context.Context, b model.Batch) (cypher.WriteSummaries, error)
}

// Retry says how the Writer retries a batch that failed in a way that is
// safe to retry. Writes are idempotent (a record written twice is written
// once), so a batch that timed out, hit a transient conflict with another
// load (two loads creating the same State) or found Neo4j busy is retried
// after a back-off, and, if it fails again, split in halves that are
// written on their own, down to a single record.
type Retry struct {
	// Attempts is how often one batch is tried before it is split, and how
	// often a single record is tried before the load fails; default 3.
	Attempts int
	// Backoff is the first wait; it doubles on each attempt (with ±25 %
	// jitter so concurrent loads fall out of step); default 250ms.
	Backoff time.Duration
	// MaxBackoff caps the wait; default 10s.
	MaxBackoff time.Duration
}

func (r *Retry) defaults() {
	if r.Attempts < 1 {
		r.Attempts = 3
	}
	if r.Backoff <= 0 {
		r.Backoff = 250 * time.Millisecond
	}
	if r.MaxBackoff <= 0 {
		r.MaxBackoff = 10 * time.Second
	}
}

// Writer is the loaders.Sink that connects loaders to the store: it
// collects whole records and writes them in batches, each batch in one
// transaction, so a record is stored whole or not at all and a failed load
// can simply be run again.
type Writer struct {
	store     Store
	batchSize int
	retry     Retry
	pending   []loaders.Record
	records   int
	written   int
	summary   cypher.WriteSummaries
	skipped   map[string]int
	// truncated counts text fields cut to the caps (loaders.CapText), by
	// field; truncatedIn names the first records they were cut in.
	truncated   map[string]int
	truncatedIn []string
	progress    *progress
	// Retries counts the batches written again after a failure that was
	// safe to retry, and Splits the batches split in halves.
	Retries, Splits int
	// onFirst, when set, sees the first record before anything is written.
	onFirst func(ctx context.Context, r loaders.Record) error
}

// NewWriter returns a Writer that writes batchSize records per
// transaction; 0 writes everything in one transaction at Flush.
func NewWriter(st Store, batchSize int, retry Retry) *Writer {
	retry.defaults()
	return &Writer{store: st, batchSize: batchSize, retry: retry, skipped: map[string]int{}, truncated: map[string]int{}}
}

// Record implements loaders.Sink.
func (w *Writer) Record(ctx context.Context, r loaders.Record) error {
	if w.records == 0 && w.onFirst != nil {
		if err := w.onFirst(ctx, r); err != nil {
			return err
		}
	}
	if cut := loaders.CapText(&r); len(cut) > 0 {
		for _, f := range cut {
			w.truncated[f]++
		}
		if len(w.truncatedIn) < maxTruncatedNamed {
			w.truncatedIn = append(w.truncatedIn, r.ID)
		}
	}
	w.pending = append(w.pending, r)
	w.records++
	if w.batchSize > 0 && len(w.pending) >= w.batchSize {
		return w.Flush(ctx)
	}
	return nil
}

// maxTruncatedNamed is how many records with cut text the summary names.
const maxTruncatedNamed = 5

// Truncated counts the text fields cut to the caps, by field, and names
// the first records they were cut in.
func (w *Writer) Truncated() (byField map[string]int, records []string) {
	return w.truncated, w.truncatedIn
}

// Skip implements loaders.Sink.
func (w *Writer) Skip(ctx context.Context, s loaders.Skipped) error {
	w.skipped[s.Reason]++
	return nil
}

// Summary is what the writer has written so far.
func (w *Writer) Summary() cypher.WriteSummaries { return w.summary }

// Skipped counts the records loaders skipped, by reason.
func (w *Writer) Skipped() map[string]int { return w.skipped }

// Flush writes what is pending, retrying and splitting as Retry says.
func (w *Writer) Flush(ctx context.Context) error {
	if len(w.pending) == 0 {
		return nil
	}
	first := w.written + 1
	if err := w.write(ctx, w.pending, first); err != nil {
		return err
	}
	w.pending = w.pending[:0]
	w.written = w.records
	w.progress.update(w.records)
	return nil
}

// WriteBatch writes a batch made elsewhere (the synthetic graph) now, with
// the same retries as loaded records: the batch is cut into records, each
// entity or relationship with the evidence about it, in the batch's order
// (so entities a relationship needs are written before it even when the
// batch is split), and evidence about facts outside the batch last.
func (w *Writer) WriteBatch(ctx context.Context, b model.Batch) error {
	recs := recordsOf(b)
	first := w.written + 1
	if err := w.write(ctx, recs, first); err != nil {
		return err
	}
	w.records += len(recs)
	w.written = w.records
	return nil
}

func recordsOf(b model.Batch) []loaders.Record {
	about := map[string][]model.Evidence{}
	for _, ev := range b.Evidence {
		about[ev.FactID] = append(about[ev.FactID], ev)
	}
	recs := make([]loaders.Record, 0, len(b.Entities)+len(b.Relationships))
	for _, e := range b.Entities {
		recs = append(recs, loaders.Record{ID: e.ID, Batch: model.Batch{Entities: []model.Entity{e}, Evidence: about[e.ID]}})
		delete(about, e.ID)
	}
	for _, r := range b.Relationships {
		recs = append(recs, loaders.Record{ID: r.ID, Batch: model.Batch{Relationships: []model.Relationship{r}, Evidence: about[r.ID]}})
		delete(about, r.ID)
	}
	for _, ev := range b.Evidence {
		if _, left := about[ev.FactID]; left {
			recs = append(recs, loaders.Record{ID: ev.ID, Batch: model.Batch{Evidence: []model.Evidence{ev}}})
		}
	}
	return recs
}

// write writes recs (numbered from first) in one transaction; on a
// retryable failure it waits and tries again, then splits.
func (w *Writer) write(ctx context.Context, recs []loaders.Record, first int) error {
	var err error
	for attempt := 0; attempt < w.retry.Attempts; attempt++ {
		if attempt > 0 {
			w.Retries++
			if werr := w.wait(ctx, attempt); werr != nil {
				return fmt.Errorf("writing records %d–%d: %w (after %w)", first, first+len(recs)-1, werr, err)
			}
		}
		var sum cypher.WriteSummaries
		sum, err = w.store.Write(ctx, batchOf(recs))
		if err == nil {
			w.summary.Add(sum)
			return nil
		}
		if !retryable(ctx, err) {
			break
		}
		if len(recs) > 1 && attempt >= 1 {
			break // a second failure of a batch: split it rather than wait longer
		}
	}
	if len(recs) > 1 && retryable(ctx, err) {
		w.Splits++
		half := len(recs) / 2
		if err := w.write(ctx, recs[:half], first); err != nil {
			return err
		}
		return w.write(ctx, recs[half:], first+half)
	}
	if len(recs) == 1 {
		return fmt.Errorf("writing record %d (%s): %w", first, recs[0].ID, err)
	}
	return fmt.Errorf("writing records %d–%d: %w", first, first+len(recs)-1, err)
}

// wait sleeps the back-off of the attempt, or until ctx ends.
func (w *Writer) wait(ctx context.Context, attempt int) error {
	d := w.retry.Backoff << (attempt - 1)
	if d > w.retry.MaxBackoff || d <= 0 {
		d = w.retry.MaxBackoff
	}
	d = time.Duration(float64(d) * (0.75 + rand.Float64()/2))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryable reports whether a failed write may be tried again: a
// transaction that timed out on the server (not because ctx ended), a
// conflict with a concurrent write, or a busy or briefly unavailable
// database. Invalid records (BAD_USER_INPUT) are never retried.
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var me *model.Error
	if !errors.As(err, &me) {
		return false
	}
	switch me.Code {
	case model.Timeout, model.Conflict, model.Unavailable:
		return true
	}
	return false
}

// batchOf joins records into one batch. Loaders repeat reference records
// (states, the ISO source) across records; one copy per transaction is
// enough, and evidence citing the ISO source brings the source along.
func batchOf(recs []loaders.Record) model.Batch {
	var b model.Batch
	seen := map[string]bool{}
	for _, r := range recs {
		for _, e := range r.Entities {
			if !seen["e:"+e.ID] {
				seen["e:"+e.ID] = true
				b.Entities = append(b.Entities, e)
			}
		}
		b.Relationships = append(b.Relationships, r.Relationships...)
		for _, ev := range r.Evidence {
			if !seen["v:"+ev.ID] {
				seen["v:"+ev.ID] = true
				b.Evidence = append(b.Evidence, ev)
			}
			if ev.SourceID == loaders.ISO3166SourceID && !seen["e:"+ev.SourceID] {
				seen["e:"+ev.SourceID] = true
				b.Entities = append(b.Entities, loaders.ISO3166Source())
			}
		}
	}
	return b
}
