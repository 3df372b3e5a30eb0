package synth

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher/cyphertest"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/neo4jlocal"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
)

// Test scaffolding: the Neo4j of this test binary, the benchmark graph's
// flags, and what to close when the binary ends.
var (
	env      *cyphertest.Env
	cleanups []func()

	flagNeo4jDir = flag.String("synth.neo4j-dir", "", "benchmarks: keep the local Neo4j's store in this directory, so a later run reuses the generated graph")
)

// TestMain gives the tests and benchmarks a real Neo4j through cyphertest:
// NEO4J_URI when set, otherwise a local one. For benchmarks without
// NEO4J_URI it starts the local Neo4j itself first, with heap and page cache
// for a million relationships (cyphertest's own is sized for small test
// graphs), and hands it to cyphertest through NEO4J_URI.
func TestMain(m *testing.M) {
	flag.Parse()
	code, err := runMain(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func runMain(m *testing.M) (int, error) {
	if os.Getenv("NEO4J_URI") == "" && benchmarking() {
		dir, keep := *flagNeo4jDir, *flagNeo4jDir != ""
		if !keep {
			d, err := os.MkdirTemp("", "sanctiongraph-synth-bench-")
			if err != nil {
				return 0, err
			}
			dir = d
		}
		ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(5*time.Minute))
		defer cancel()
		start := time.Now()
		inst, err := neo4jlocal.Start(ctx, neo4jlocal.Config{Dir: dir, HeapMB: 4096, PageCacheMB: 2048})
		if err != nil {
			return 0, fmt.Errorf("start local Neo4j for benchmarks (set NEO4J_URI to use another): %w", err)
		}
		fmt.Fprintf(os.Stderr, "synth: local Neo4j for benchmarks at %s (store %s, heap 4096 MiB, page cache 2048 MiB), ready in %s\n",
			inst.URI(), dir, time.Since(start).Round(10*time.Millisecond))
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(2*time.Minute))
			defer cancel()
			_ = inst.Stop(sctx)
			if !keep {
				os.RemoveAll(dir)
			}
		}()
		os.Setenv("NEO4J_URI", inst.URI())
		defer os.Unsetenv("NEO4J_URI")
	}
	e, err := cyphertest.Start()
	if err != nil {
		return 0, err
	}
	env = e
	defer e.Stop()
	code := m.Run()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	return code, nil
}

// benchmarking reports whether -test.bench asks for benchmarks.
func benchmarking() bool {
	f := flag.Lookup("test.bench")
	return f != nil && f.Value.String() != ""
}
