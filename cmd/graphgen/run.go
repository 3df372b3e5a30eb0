package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/neo4jlocal"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/synth"
)

// run builds the graph, starts the local Neo4j if there is no URI, writes
// the graph with progress on stderr and prints a summary on stdout.
func run(ctx context.Context, cfg Config, stdout, stderr io.Writer) (err error) {
	g, err := synth.Build(cfg.Synth)
	if err != nil {
		return err
	}
	if cfg.DryRun {
		printSummary(stdout, g.Stats(), cfg.Synth, false)
		return nil
	}
	if cfg.Bulk {
		return runBulk(ctx, cfg, g, stdout, stderr, nil)
	}
	if cfg.Neo4j.URI == "" {
		inst, err := startLocal(ctx, cfg, stderr)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, stopLocal(inst, stderr)) }()
		cfg.Neo4j.URI, cfg.Neo4j.User, cfg.Neo4j.Password = inst.RoutingURI(), "", ""
	}
	store, err := cypher.Open(cfg.Neo4j)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	if err := store.Verify(ctx); err != nil {
		return fmt.Errorf("Neo4j at %s: %w", cfg.Neo4j.URI, err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		return fmt.Errorf("apply the graph schema: %w", err)
	}
	if cfg.Purge {
		start := time.Now()
		if err := store.Purge(ctx); err != nil {
			return fmt.Errorf("purge: %w", err)
		}
		fmt.Fprintf(stderr, "graphgen: emptied the graph in %s\n", time.Since(start).Round(time.Millisecond))
	} else if c, err := store.Counts(ctx, model.CountQuery{}); err != nil {
		return err
	} else if c.Entities > 0 {
		fmt.Fprintf(stderr, "graphgen: the graph already holds %d entities and %d relationships; records are upserted by id (-purge starts empty)\n",
			c.Entities, c.Relationships)
	}
	p := newProgress(stderr, isTerminal(stderr))
	st, err := g.Write(ctx, store, p.update)
	p.finish()
	if err != nil {
		return err
	}
	printSummary(stdout, st, cfg.Synth, true)
	if cfg.Serve {
		fmt.Fprintf(stderr, "graphgen: Neo4j serves the graph at %s until Ctrl-C; e.g.\n  NEO4J_URI=%s go run ./cmd/sanctiongraph serve\n", cfg.Neo4j.URI, cfg.Neo4j.URI)
		<-ctx.Done()
	}
	return nil
}

// stopLocal stops the local Neo4j graphgen started, within two minutes.
func stopLocal(inst *neo4jlocal.Instance, stderr io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fmt.Fprintln(stderr, "graphgen: stopping the local Neo4j")
	return inst.Stop(ctx)
}

func startLocal(ctx context.Context, cfg Config, stderr io.Writer) (*neo4jlocal.Instance, error) {
	dir, _ := filepath.Abs(cfg.Neo4jDir)
	fmt.Fprintf(stderr, "graphgen: starting the local Neo4j %s (store %s, heap %d MiB, page cache %d MiB)\n",
		neo4jlocal.Neo4jVersion, dir, cfg.Neo4jHeapMB, cfg.Neo4jPageCacheMB)
	var log io.Writer = io.Discard
	if cfg.Verbose {
		log = stderr
	}
	start := time.Now()
	inst, err := neo4jlocal.Start(ctx, neo4jlocal.Config{
		Dir: cfg.Neo4jDir, Port: cfg.Neo4jPort, HeapMB: cfg.Neo4jHeapMB, PageCacheMB: cfg.Neo4jPageCacheMB, Log: log,
	})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "graphgen: local Neo4j ready at %s in %s\n", inst.RoutingURI(), time.Since(start).Round(10*time.Millisecond))
	return inst, nil
}

// isTerminal reports whether f is a terminal.
func isTerminal(f io.Writer) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
