// Package cyphertest gives tests a real Neo4j: the one named by NEO4J_URI
// (with NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE), or, when NEO4J_URI
// is unset, the project's local Neo4j started for the test binary and
// stopped when it ends. There is no fake: behaviour that touches the graph
// is tested against Neo4j itself.
package cyphertest

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/neo4jlocal"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
)

// Env is a Neo4j for one test binary.
type Env struct {
	Store *cypher.Store
	// Config is how Store was opened, for tests that open their own.
	Config cypher.Config
	// Local is the local instance when one was started, else nil.
	Local *neo4jlocal.Instance
	dir   string
}

// Start connects to Neo4j (starting the local one if NEO4J_URI is unset),
// applies the schema migrations and fails loudly if Neo4j is unreachable.
// Call it from TestMain and Stop the Env when the tests end.
func Start() (*Env, error) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(5*time.Minute))
	defer cancel()
	env := &Env{}
	cfg := cypher.Config{
		URI:      os.Getenv("NEO4J_URI"),
		User:     os.Getenv("NEO4J_USER"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Database: os.Getenv("NEO4J_DATABASE"),
		// Tests write whole datasets in one transaction on machines that
		// may be busy: a generous server-side limit, stretched by the
		// timeout scale (the service's default is 30s).
		QueryTimeout: sharedtest.Timeout(2 * time.Minute),
		PathTimeout:  sharedtest.Timeout(10 * time.Second),
	}
	if cfg.URI == "" {
		dir, err := os.MkdirTemp("", "sanctiongraph-neo4j-test-")
		if err != nil {
			return nil, err
		}
		env.dir = dir
		var log io.Writer = io.Discard
		if os.Getenv("SANCTIONGRAPH_TEST_VERBOSE") != "" {
			log = os.Stderr
		}
		start := time.Now()
		inst, err := neo4jlocal.Start(ctx, neo4jlocal.Config{Dir: dir, HeapMB: 1024, PageCacheMB: 128, Log: log})
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start local Neo4j (set NEO4J_URI to use another): %w", err)
		}
		fmt.Fprintf(os.Stderr, "cyphertest: local Neo4j %s at %s, ready in %s\n", neo4jlocal.Neo4jVersion, inst.RoutingURI(), time.Since(start).Round(10*time.Millisecond))
		env.Local = inst
		cfg.URI, cfg.User, cfg.Password = inst.RoutingURI(), "", ""
	}
	st, err := cypher.Open(cfg)
	if err != nil {
		env.Stop()
		return nil, err
	}
	env.Store, env.Config = st, cfg
	if err := st.Verify(ctx); err != nil {
		env.Stop()
		return nil, fmt.Errorf("Neo4j at %s is unreachable: %w", cfg.URI, err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		env.Stop()
		return nil, fmt.Errorf("apply schema: %w", err)
	}
	return env, nil
}

// Main is a TestMain body: start, run, stop, exit.
func Main(m *testing.M, env **Env) {
	e, err := Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cyphertest:", err)
		os.Exit(1)
	}
	*env = e
	code := m.Run()
	e.Stop()
	os.Exit(code)
}

// Stop closes the store and stops the local Neo4j, if one was started.
func (e *Env) Stop() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if e.Store != nil {
		_ = e.Store.Close(ctx)
	}
	if e.Local != nil {
		_ = e.Local.Stop(ctx)
	}
	if e.dir != "" {
		os.RemoveAll(e.dir)
	}
}

// Reset empties the graph for one test and again when it ends, and gives the
// test a context with a deadline. Tests that Reset must not run in parallel
// with each other in the same binary.
func (e *Env) Reset(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(5*time.Minute))
	tb.Cleanup(cancel)
	if err := e.Store.Purge(ctx); err != nil {
		tb.Fatalf("reset graph: %v", err)
	}
	tb.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(5*time.Minute))
		defer cancel()
		if err := e.Store.Purge(c); err != nil {
			tb.Errorf("reset graph after test: %v", err)
		}
	})
	return ctx
}
