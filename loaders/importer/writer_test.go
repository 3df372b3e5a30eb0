package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// flakyStore fails every write that fail says to fail and records what it
// wrote. The retry policy is pure logic over the store's error codes; the
// real-Neo4j tests (cmd/sanctiongraph TestConcurrentLoads) show the codes
// Neo4j gives.
type flakyStore struct {
	fail    func(b model.Batch, call int) error
	calls   int
	written []string
}

func (s *flakyStore) Write(_ context.Context, b model.Batch) (cypher.WriteSummaries, error) {
	s.calls++
	if err := s.fail(b, s.calls); err != nil {
		return cypher.WriteSummaries{}, err
	}
	var sum cypher.WriteSummaries
	for _, e := range b.Entities {
		s.written = append(s.written, e.ID)
		sum.Entities.Created++
	}
	return sum, nil
}

func records(n int) []loaders.Record {
	recs := make([]loaders.Record, n)
	for i := range recs {
		id := fmt.Sprintf("org:%03d", i)
		recs[i] = loaders.Record{ID: "rec " + id, Batch: model.Batch{Entities: []model.Entity{{ID: id, Kind: schema.Organization, Name: id}}}}
	}
	return recs
}

func feed(t *testing.T, ctx context.Context, w *Writer, recs []loaders.Record) error {
	t.Helper()
	for _, r := range recs {
		if err := w.Record(ctx, r); err != nil {
			return err
		}
	}
	return w.Flush(ctx)
}

func TestWriterRetries(t *testing.T) {
	fast := Retry{Attempts: 3, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}
	timeout := &model.Error{Code: model.Timeout, Message: "transaction timed out"}
	t.Run("SplitsBatchesThatTimeOut", func(t *testing.T) {
		// Batches of more than 3 records always time out, as a busy
		// server would: the writer halves them until they pass.
		st := &flakyStore{fail: func(b model.Batch, _ int) error {
			if len(b.Entities) > 3 {
				return timeout
			}
			return nil
		}}
		w := NewWriter(st, 20, fast)
		recs := records(50)
		if err := feed(t, context.Background(), w, recs); err != nil {
			t.Fatal(err)
		}
		if len(st.written) != 50 || w.Summary().Entities.Created != 50 {
			t.Fatalf("wrote %d records (summary %d), want 50", len(st.written), w.Summary().Entities.Created)
		}
		for i, id := range st.written {
			if want := fmt.Sprintf("org:%03d", i); id != want {
				t.Fatalf("record %d written as %s, want %s: splitting must keep the order", i, id, want)
			}
		}
		if w.Splits == 0 || w.Retries == 0 {
			t.Errorf("splits %d, retries %d; want both > 0", w.Splits, w.Retries)
		}
	})
	t.Run("RetriesTransientConflict", func(t *testing.T) {
		// A concurrent load created the same State first: the second try
		// finds it and succeeds.
		st := &flakyStore{fail: func(_ model.Batch, call int) error {
			if call == 1 {
				return &model.Error{Code: model.Conflict, Message: "conflict"}
			}
			return nil
		}}
		w := NewWriter(st, 10, fast)
		if err := feed(t, context.Background(), w, records(10)); err != nil {
			t.Fatal(err)
		}
		if st.calls != 2 || w.Retries != 1 || w.Splits != 0 || len(st.written) != 10 {
			t.Errorf("calls %d, retries %d, splits %d, written %d; want 2, 1, 0, 10", st.calls, w.Retries, w.Splits, len(st.written))
		}
	})
	t.Run("ErrRecordNamed", func(t *testing.T) {
		// One record always times out: the load fails naming it, after the
		// records before it were written.
		st := &flakyStore{fail: func(b model.Batch, _ int) error {
			for _, e := range b.Entities {
				if e.ID == "org:013" {
					return timeout
				}
			}
			return nil
		}}
		w := NewWriter(st, 8, fast)
		err := feed(t, context.Background(), w, records(20))
		var me *model.Error
		if !errors.As(err, &me) || me.Code != model.Timeout || !strings.Contains(err.Error(), "rec org:013") {
			t.Fatalf("err = %v; want a TIMEOUT naming rec org:013", err)
		}
		if len(st.written) != 13 {
			t.Errorf("wrote %d records before the failing one, want 13", len(st.written))
		}
	})
	t.Run("ErrInvalidNotRetried", func(t *testing.T) {
		st := &flakyStore{fail: func(model.Batch, int) error {
			return &model.Error{Code: model.BadUserInput, Message: "bad record"}
		}}
		w := NewWriter(st, 10, fast)
		if err := feed(t, context.Background(), w, records(10)); err == nil {
			t.Fatal("an invalid batch was accepted")
		}
		if st.calls != 1 || w.Retries != 0 || w.Splits != 0 {
			t.Errorf("calls %d, retries %d, splits %d; an invalid batch must not be retried", st.calls, w.Retries, w.Splits)
		}
	})
	t.Run("ErrCancelledNotRetried", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		st := &flakyStore{fail: func(model.Batch, int) error {
			cancel()
			return &model.Error{Code: model.Timeout, Message: "cancelled"}
		}}
		w := NewWriter(st, 10, fast)
		if err := feed(t, ctx, w, records(10)); err == nil {
			t.Fatal("a cancelled load succeeded")
		}
		if st.calls != 1 {
			t.Errorf("%d calls; a cancelled load must stop at once", st.calls)
		}
	})
}

func TestRecordsOfKeepsOrder(t *testing.T) {
	b := model.Batch{
		Entities:      []model.Entity{{ID: "a"}, {ID: "b"}},
		Relationships: []model.Relationship{{ID: "r", FromID: "a", ToID: "b"}},
		Evidence:      []model.Evidence{{ID: "ev1", FactID: "r"}, {ID: "ev2", FactID: "a"}, {ID: "ev3", FactID: "elsewhere"}},
	}
	recs := recordsOf(b)
	var got []string
	for _, r := range recs {
		var parts []string
		for _, e := range r.Entities {
			parts = append(parts, e.ID)
		}
		for _, rel := range r.Relationships {
			parts = append(parts, rel.ID)
		}
		for _, ev := range r.Evidence {
			parts = append(parts, ev.ID)
		}
		got = append(got, strings.Join(parts, "+"))
	}
	if want := "a+ev2 b r+ev1 ev3"; strings.Join(got, " ") != want {
		t.Errorf("records %q, want %q", strings.Join(got, " "), want)
	}
}
