package cypher

import (
	"context"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// warmCounts are the counts WarmCounts keeps: the dashboards' unfiltered
// totals in both views.
var warmCounts = []model.CountQuery{{View: model.ViewResolved}, {View: model.ViewRecords}}

// WarmCounts keeps the dashboards' unfiltered counts (both views) counted
// at the database's state, so that the first dashboard after a load finds
// them kept instead of scanning the graph (seconds on a large graph). Every
// interval it asks Neo4j for its state; a state that has not moved since
// the previous look has settled (a load in progress is not counted after
// each of its batches) and is counted if nothing is kept for it, through
// the same flights as requests, so a request asking meanwhile shares the
// count. Writes from any process count: the state is the database's.
//
// done, if set, hears of each count made (its time, or its error; the loop
// goes on). WarmCounts returns when ctx ends; interval ≤ 0 does nothing.
func (s *Store) WarmCounts(ctx context.Context, interval time.Duration, done func(took time.Duration, err error)) {
	if interval <= 0 {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var last string
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		st, err := s.state(ctx)
		if err != nil || st == "" {
			if ctx.Err() == nil && done != nil && err != nil {
				done(0, err)
			}
			last = ""
			continue
		}
		settled := st == last
		last = st
		if !settled {
			continue
		}
		for _, q := range warmCounts {
			key := countKey(q)
			if _, ok := s.counts.get(key, st); ok {
				continue
			}
			start := time.Now()
			wctx, cancel := context.WithTimeout(ctx, max(s.cfg.QueryTimeout, time.Minute))
			_, err := s.countsAt(wctx, q, key, st)
			cancel()
			if ctx.Err() != nil {
				return
			}
			if done != nil {
				done(time.Since(start), err)
			}
		}
	}
}
