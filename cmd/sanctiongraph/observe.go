package main

import (
	"context"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/explorer"
	"github.com/sanctiongraph/sanctiongraph/graph/metrics"
	"github.com/sanctiongraph/sanctiongraph/graph/telemetry"
)

// tracingFlushTimeout bounds the export of the last spans at exit, so an
// unreachable collector cannot hold up a shutdown.
const tracingFlushTimeout = 5 * time.Second

// instrument creates the metrics (unless -metrics=false) and the tracing
// (when the OTEL_* variables ask for it), and gives the store's Neo4j
// configuration their observer. It runs before open.
func (a *App) instrument(ctx context.Context) error {
	tr, err := telemetry.Setup(ctx, a.Config.Tracing)
	if err != nil {
		return err
	}
	a.Tracing = tr
	var obs []cypher.Observer
	if a.Config.Metrics {
		a.Metrics = metrics.New(metrics.Options{KnownOperations: explorer.OperationNames()})
		obs = append(obs, a.Metrics)
	}
	if tr.Enabled() {
		obs = append(obs, tr)
		a.Log.Info("tracing enabled", "service", a.Config.Tracing.ServiceName)
	}
	a.Config.Neo4j.Observer = cypher.Observers(obs...)
	return nil
}

// flushTracing exports the spans still buffered; a failure is logged, not
// returned, so a missing collector does not fail the exit.
func (a *App) flushTracing(ctx context.Context) {
	if !a.Tracing.Enabled() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, tracingFlushTimeout)
	defer cancel()
	if err := a.Tracing.Shutdown(ctx); err != nil {
		a.Log.Warn("could not export the last spans", "err", err)
	}
}
