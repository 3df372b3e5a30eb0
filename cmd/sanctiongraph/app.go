package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/neo4jlocal"
	"github.com/sanctiongraph/sanctiongraph/graph/metrics"
	"github.com/sanctiongraph/sanctiongraph/graph/server"
	"github.com/sanctiongraph/sanctiongraph/graph/telemetry"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// App is a running service: the store, optionally the local Neo4j, and the
// HTTP server.
type App struct {
	Config Config
	Log    *slog.Logger
	Store  *cypher.Store
	Local  *neo4jlocal.Instance
	Server *server.Server
	// Metrics and Tracing observe the service (observe.go); Metrics is nil
	// with -metrics=false, Tracing disabled without OTEL_* settings.
	Metrics *metrics.Metrics
	Tracing *telemetry.Tracing
	// background is the service's own work beside requests (warmCounts),
	// stopped by stopBackground before the store closes.
	background     sync.WaitGroup
	stopBackground context.CancelFunc
}

// serve runs the service until ctx is cancelled (SIGTERM/SIGINT), then
// drains in-flight requests and stops the local Neo4j if it started one.
// started, when set, is called once the server accepts requests (tests).
func serve(ctx context.Context, cfg Config, logOut io.Writer, started func(*App)) (err error) {
	app := &App{Config: cfg, Log: cfg.logger(logOut)}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout+time.Minute)
		defer cancel()
		err = errors.Join(err, app.close(cctx))
	}()
	if err := app.instrument(ctx); err != nil {
		return err
	}
	if err := app.open(ctx); err != nil {
		return err
	}
	if app.Metrics != nil {
		app.Metrics.SetPoolSize(app.Store.MaxPoolSize())
	}
	app.Server = server.New(server.Config{Addr: cfg.Addr, Store: app.Store, Logger: app.Log, RequestTimeout: cfg.RequestTimeout,
		Metrics: app.Metrics, Tracing: app.Tracing,
		Auth: app.Store, AuthCacheTTL: cfg.AuthCacheTTL, RateLimit: cfg.RateLimit, RateBurst: cfg.RateBurst,
		TrustedProxyHeader: cfg.TrustedProxyHeader, CORSOrigins: cfg.CORSOrigins,
		MaxConns: cfg.MaxConns, MaxConnsPerAddr: cfg.MaxConnsPerAddr})
	if err := app.Server.Open(); err != nil {
		return err
	}
	app.Log.Info("serving", "graphql", app.Server.URL()+"/graphql", "graphiql", app.Server.URL()+"/", "neo4j", app.Config.Neo4j.URI)
	if app.Local != nil {
		go app.supervise(ctx)
	}
	if cfg.WarmCounts > 0 {
		bctx, stop := context.WithCancel(ctx)
		app.stopBackground = stop
		app.background.Go(func() { app.warmCounts(bctx) })
	}
	if started != nil {
		started(app)
	}
	select {
	case <-ctx.Done():
		app.Log.Info("shutting down: finishing in-flight requests", "timeout", cfg.ShutdownTimeout)
	case err := <-app.Server.Done():
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := app.Server.Close(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	app.Log.Info("stopped")
	return nil
}

// open starts the local Neo4j when there is no URI, connects, waits for
// Neo4j, applies the schema and loads the curated dataset if asked to.
func (a *App) open(ctx context.Context) error {
	cfg := &a.Config
	var imported string // the editions file of a bulk import made here, in a temporary directory
	if cfg.Neo4j.URI == "" {
		dir, _ := filepath.Abs(cfg.Neo4jDir)
		if _, err := os.Stat(filepath.Join(dir, "data", "databases", neo4jlocal.DefaultDatabase)); cfg.Shared != "" && os.IsNotExist(err) {
			if imported, err = a.bulkImport(ctx, dir); err != nil {
				return err
			}
			defer os.RemoveAll(filepath.Dir(filepath.Dir(imported))) // tmp/csv/editions.json
		}
		a.Log.Info("starting the local Neo4j", "version", neo4jlocal.Neo4jVersion, "dir", dir, "port", cfg.Neo4jPort)
		start := time.Now()
		inst, err := neo4jlocal.Start(ctx, neo4jlocal.Config{
			Dir: cfg.Neo4jDir, Port: cfg.Neo4jPort, HeapMB: cfg.Neo4jHeapMB, PageCacheMB: 512,
			Log: slogWriter{a.Log},
		})
		if err != nil {
			return err
		}
		a.Local = inst
		cfg.Neo4j.URI, cfg.Neo4j.User, cfg.Neo4j.Password = inst.RoutingURI(), "", ""
		a.Log.Info("local Neo4j ready", "uri", inst.RoutingURI(), "took", time.Since(start).Round(time.Millisecond))
	}
	st, err := cypher.Open(cfg.Neo4j)
	if err != nil {
		return err
	}
	a.Store = st
	if err := waitForNeo4j(ctx, st, cfg.StartupTimeout, a.Log); err != nil {
		return err
	}
	if imported != "" {
		start := time.Now()
		lr, err := importer.Finish(ctx, st, imported)
		if err != nil {
			return fmt.Errorf("finishing the bulk import: %w", err)
		}
		a.Log.Info("bulk import finished: schema, editions, links", "links", importer.Counts(lr.Links.ByRule), "clusters", lr.Resolved.Clusters, "took", time.Since(start).Round(time.Millisecond))
	} else {
		applied, err := st.Migrate(ctx)
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			a.Log.Info("applied graph schema", "migrations", applied)
		}
		if cfg.Shared != "" {
			if err := a.loadShared(ctx); err != nil {
				return err
			}
		}
	}
	if cfg.LoadCurated {
		sum, err := importer.LoadCurated(ctx, st)
		if err != nil {
			return fmt.Errorf("load curated dataset: %w", err)
		}
		a.Log.Info("curated dataset loaded",
			"entities", fmt.Sprintf("%d created, %d updated, %d unchanged", sum.Entities.Created, sum.Entities.Updated, sum.Entities.Unchanged),
			"relationships", fmt.Sprintf("%d created, %d updated, %d unchanged", sum.Relationships.Created, sum.Relationships.Updated, sum.Relationships.Unchanged),
			"evidence", fmt.Sprintf("%d created, %d updated, %d unchanged", sum.Evidence.Created, sum.Evidence.Updated, sum.Evidence.Unchanged))
		if sum.Entities.Created+sum.Entities.Updated > 0 {
			// The story changed: link it to lists loaded before and resolve.
			lr, err := importer.Link(ctx, st)
			if err != nil {
				return err
			}
			a.Log.Info("records linked and resolved", "links", importer.Counts(lr.Links.ByRule),
				"removed", lr.Links.Removed, "clusters", lr.Resolved.Clusters, "moved", lr.Resolved.Moved)
		}
	}
	return nil
}

// sharedSpecs are the curated dataset and every list of the shared folder.
func (a *App) sharedSpecs() []importer.Spec {
	return importer.SharedData(a.Config.Shared, importer.Options{LoadedBy: "sanctiongraph (at start, -shared)"})
}

// bulkImport writes the curated dataset and the shared lists into a new
// local store through Neo4j's importer, before the store is started; it
// returns the editions file Finish replays.
func (a *App) bulkImport(ctx context.Context, dir string) (string, error) {
	m, err := schema.LoadModel()
	if err != nil {
		return "", err
	}
	tmp, err := importWorkDir(dir)
	if err != nil {
		return "", err
	}
	a.Log.Info("new store: bulk import of the curated dataset and the shared lists", "shared", a.Config.Shared, "dir", dir)
	start := time.Now()
	files, _, err := importer.Capture(ctx, m, a.sharedSpecs(), filepath.Join(tmp, "csv"))
	if err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	stats, err := neo4jlocal.Import(ctx, neo4jlocal.Config{Dir: dir, HeapMB: a.Config.Neo4jHeapMB, Log: slogWriter{a.Log}}, importConfig(files))
	if err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("neo4j importer: %w", err)
	}
	a.Log.Info("bulk import written", "nodes", stats.Nodes, "relationships", stats.Relationships, "took", time.Since(start).Round(time.Millisecond))
	return files.Editions, nil
}

// importWorkDir makes a temporary directory for the importer's files beside
// the new store dir (on the same disk), creating the store's parents: a
// new clone has no .neo4j yet.
func importWorkDir(dir string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("new store %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".import-")
	if err != nil {
		return "", fmt.Errorf("new store %s: %w", dir, err)
	}
	return tmp, nil
}

// loadShared loads the shared lists through transactions into a graph
// that holds none of their lists yet; a graph that holds some is left to
// `sanctiongraph load`.
func (a *App) loadShared(ctx context.Context) error {
	for _, ds := range []string{"unsc", "ofac-sdn", "ofac-cons"} {
		latest, err := a.Store.LatestList(ctx, ds)
		if err != nil {
			return err
		}
		if latest != "" {
			a.Log.Info("the graph holds list editions already; -shared loads nothing (load newer editions with `sanctiongraph load`)", "list", ds, "newest", latest)
			return nil
		}
	}
	start := time.Now()
	a.Log.Info("loading the shared lists", "shared", a.Config.Shared)
	res, lr, err := importer.LoadAll(ctx, a.Store, a.sharedSpecs())
	if err != nil {
		return fmt.Errorf("loading the shared lists: %w", err)
	}
	a.Log.Info("shared lists loaded", "files", len(res), "links", importer.Counts(lr.Links.ByRule), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// supervise restarts the local Neo4j if it stops while the service runs;
// meanwhile /readyz answers 503 and queries fail with UNAVAILABLE.
func (a *App) supervise(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.Local.Exited():
		}
		if ctx.Err() != nil {
			return
		}
		a.Log.Error("the local Neo4j stopped; restarting it")
		for ctx.Err() == nil {
			if err := a.Local.Restart(ctx); err != nil {
				a.Log.Error("restarting the local Neo4j failed; retrying", "err", err)
				select {
				case <-ctx.Done():
				case <-time.After(5 * time.Second):
				}
				continue
			}
			a.Log.Info("local Neo4j restarted", "uri", a.Local.RoutingURI())
			break
		}
	}
}

// warmCounts keeps the dashboards' counts counted at the database's
// settled state (cypher.Store.WarmCounts) until ctx ends, logging a failure
// once until the next success.
func (a *App) warmCounts(ctx context.Context) {
	failing := false
	a.Store.WarmCounts(ctx, a.Config.WarmCounts, func(took time.Duration, err error) {
		switch {
		case err != nil && !failing:
			failing = true
			a.Log.Warn("counting the dashboards' totals ahead of requests failed; requests count them", "err", err)
		case err == nil:
			if failing {
				failing = false
				a.Log.Info("counting the dashboards' totals ahead of requests works again")
			}
			a.Log.Debug("dashboards' totals counted at a new state", "took", took.Round(time.Millisecond))
		}
	})
}

func (a *App) close(ctx context.Context) error {
	if a.stopBackground != nil {
		a.stopBackground()
	}
	a.background.Wait()
	a.flushTracing(ctx)
	var errs []error
	if a.Store != nil {
		errs = append(errs, a.Store.Close(ctx))
	}
	if a.Local != nil {
		a.Log.Info("stopping the local Neo4j")
		errs = append(errs, a.Local.Stop(ctx))
	}
	return errors.Join(errs...)
}

// waitForNeo4j retries until Neo4j answers or the timeout passes.
func waitForNeo4j(ctx context.Context, st *cypher.Store, timeout time.Duration, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		err := st.Verify(ctx)
		if err == nil {
			return nil
		}
		if attempt == 1 {
			log.Warn("waiting for Neo4j", "err", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("Neo4j did not answer within %s: %w", timeout, err)
		case <-time.After(time.Second):
		}
	}
}

// openMigrated connects to cfg's Neo4j, waits for it and applies the graph
// schema: what every command that reads or writes the graph needs first.
func openMigrated(ctx context.Context, cfg Config, stderr io.Writer) (*cypher.Store, error) {
	st, err := cypher.Open(cfg.Neo4j)
	if err != nil {
		return nil, err
	}
	if err := waitForNeo4j(ctx, st, cfg.StartupTimeout, cfg.logger(stderr)); err != nil {
		st.Close(context.Background())
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close(context.Background())
		return nil, err
	}
	return st, nil
}

func migrate(ctx context.Context, cfg Config, stdout io.Writer) error {
	st, err := cypher.Open(cfg.Neo4j)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "graph schema is up to date")
	}
	for _, m := range applied {
		fmt.Fprintln(stdout, "applied", m)
	}
	return nil
}

// runNeo4j runs only the local Neo4j until ctx is cancelled.
func runNeo4j(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags("neo4j", args, getenv, stderr, true)
	if err != nil {
		return err
	}
	log := cfg.logger(stderr)
	inst, err := neo4jlocal.Start(ctx, neo4jlocal.Config{Dir: cfg.Neo4jDir, Port: cfg.Neo4jPort, HeapMB: cfg.Neo4jHeapMB, PageCacheMB: 512, Log: slogWriter{log}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Neo4j %s ready at %s (store %s); Ctrl-C stops it\nNEO4J_URI=%s\n", neo4jlocal.Neo4jVersion, inst.URI(), inst.Dir(), inst.RoutingURI())
	select {
	case <-ctx.Done():
	case <-inst.Exited():
		return errors.New("Neo4j exited")
	}
	sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return inst.Stop(sctx)
}

// slogWriter sends the launcher's output lines to the log at debug level.
type slogWriter struct{ log *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	line := string(trimNL(p))
	if strings.HasPrefix(line, "building ") || strings.HasPrefix(line, "built ") { // the one-off Maven build: say so, it takes a while
		w.log.Info(line)
	} else {
		w.log.Debug("neo4j launcher", "out", line)
	}
	return len(p), nil
}

func trimNL(p []byte) []byte {
	for len(p) > 0 && (p[len(p)-1] == '\n' || p[len(p)-1] == '\r') {
		p = p[:len(p)-1]
	}
	return p
}
