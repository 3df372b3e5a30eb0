// Command graphgen writes a large synthetic sanctions graph, deterministic
// for a seed, into Neo4j, for benchmarks and load tests:
//
//	go run ./cmd/graphgen -nodes 100000 -rels 1000000 -hubs 5 -hub-degree 12000 -seed 1
//
// It writes to NEO4J_URI (with NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE;
// flags override them). Without NEO4J_URI it starts the project's local
// Neo4j with its store in -neo4j-dir, and stops it at the end unless -serve
// keeps it running until Ctrl-C. The graph and what it is made of are
// described in package synth; main only wires flags and environment into a
// Config and runs it under a signal-cancelled context.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/synth"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := parseFlags(os.Args[1:], os.Getenv, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "graphgen:", err)
		os.Exit(2)
	}
	if err := run(ctx, cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "graphgen:", err)
		os.Exit(1)
	}
}

// Config is what one run does.
type Config struct {
	Synth synth.Config
	Neo4j cypher.Config
	// Local Neo4j, started when Neo4j.URI is empty.
	Neo4jDir         string
	Neo4jPort        int
	Neo4jHeapMB      int
	Neo4jPageCacheMB int
	// Serve keeps the local Neo4j running after generation, until Ctrl-C.
	Serve bool
	// Purge empties the graph before generating.
	Purge bool
	// DryRun builds the graph in memory and prints its summary only.
	DryRun bool
	// Verbose passes the local Neo4j's output to stderr.
	Verbose bool
	// Bulk writes a new store in Neo4jDir through Neo4j's offline importer
	// (CSV files in CSVDir, removed afterwards unless KeepCSV or CSVDir is
	// set) instead of transactions.
	Bulk            bool
	CSVDir          string
	KeepCSV         bool
	ImportHeapMB    int
	ImportThreads   int
	ImportOffHeapMB int
}

// parseFlags reads the environment, then flags, into a validated Config.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("graphgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c Config
	fs.IntVar(&c.Synth.Nodes, "nodes", 100_000, "entities to generate")
	fs.IntVar(&c.Synth.Relationships, "rels", 1_000_000, "relationships to generate")
	fs.IntVar(&c.Synth.Hubs, "hubs", 5, "states planted as hubs")
	fs.IntVar(&c.Synth.HubDegree, "hub-degree", 12_000, "relationships of each hub")
	fs.Uint64Var(&c.Synth.Seed, "seed", 1, "random seed; the same flags give the same graph")
	fs.Float64Var(&c.Synth.EvidenceRatio, "evidence", synth.DefaultEvidenceRatio, "share of entities and relationships with an Evidence record (0–1)")
	fs.IntVar(&c.Synth.BatchSize, "batch", synth.DefaultBatchSize, "records written per transaction")
	fs.IntVar(&c.Synth.PairsPerHop, "pairs", synth.DefaultPairsPerHop, "entity pairs at known distances to pick per hop count (2–6)")
	fs.IntVar(&c.Synth.HubGuard, "hub-guard", model.DefaultMaxDegree, "hub guard (a path query's maxDegree) the pairs' distances hold for")
	fs.StringVar(&c.Synth.Dataset, "dataset", synth.DefaultDataset, "dataset name of every record")
	fs.StringVar(&c.Neo4j.URI, "neo4j-uri", getenv("NEO4J_URI"), "Bolt URI of Neo4j; empty starts the local Neo4j [NEO4J_URI]")
	fs.StringVar(&c.Neo4j.User, "neo4j-user", getenv("NEO4J_USER"), "Neo4j user; empty connects without authentication [NEO4J_USER]")
	fs.StringVar(&c.Neo4j.Password, "neo4j-password", getenv("NEO4J_PASSWORD"), "Neo4j password [NEO4J_PASSWORD]")
	fs.StringVar(&c.Neo4j.Database, "neo4j-database", or(getenv("NEO4J_DATABASE"), "neo4j"), "Neo4j database [NEO4J_DATABASE]")
	fs.DurationVar(&c.Neo4j.QueryTimeout, "tx-timeout", 5*time.Minute, "time limit of one write transaction")
	fs.StringVar(&c.Neo4jDir, "neo4j-dir", ".neo4j/graphgen", "store directory of the local Neo4j")
	fs.IntVar(&c.Neo4jPort, "neo4j-port", 0, "Bolt port of the local Neo4j; 0 picks a free one")
	fs.IntVar(&c.Neo4jHeapMB, "neo4j-heap-mb", 4096, "JVM heap of the local Neo4j in MiB")
	fs.IntVar(&c.Neo4jPageCacheMB, "neo4j-pagecache-mb", 2048, "page cache of the local Neo4j in MiB")
	fs.BoolVar(&c.Serve, "serve", false, "keep the local Neo4j running after generating, until Ctrl-C")
	fs.BoolVar(&c.Purge, "purge", false, "delete every entity, relationship and evidence record first")
	fs.BoolVar(&c.DryRun, "dry-run", false, "build the graph in memory and print its summary, without Neo4j")
	fs.BoolVar(&c.Verbose, "v", false, "show the local Neo4j's output")
	fs.BoolVar(&c.Bulk, "bulk", false, "write a new store in -neo4j-dir through Neo4j's offline importer instead of transactions")
	fs.StringVar(&c.CSVDir, "csv", "", "directory for the importer's files with -bulk (default: beside -neo4j-dir, removed afterwards)")
	fs.BoolVar(&c.KeepCSV, "keep-csv", false, "keep the importer's files after -bulk")
	fs.IntVar(&c.ImportHeapMB, "import-heap-mb", 2048, "JVM heap of Neo4j's importer in MiB (-bulk)")
	fs.IntVar(&c.ImportThreads, "import-threads", 0, "worker threads of Neo4j's importer; 0 = one per processor (-bulk)")
	fs.IntVar(&c.ImportOffHeapMB, "import-off-heap-mb", 0, "cap on the importer's off-heap caches in MiB; 0 = its default, 90% of free memory (-bulk)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: graphgen [flags]\n\nflags (environment variables in brackets; flags win):\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	var errs []error
	if err := c.Synth.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Neo4j.URI != "" {
		if err := c.Neo4j.Validate(); err != nil {
			errs = append(errs, err)
		}
		if c.Serve {
			errs = append(errs, errors.New("-serve keeps the local Neo4j running; it has no use with NEO4J_URI"))
		}
		if c.Bulk {
			errs = append(errs, errors.New("-bulk writes a new local store in -neo4j-dir; it has no use with NEO4J_URI"))
		}
	}
	if c.Neo4jPort < 0 || c.Neo4jPort > 65535 {
		errs = append(errs, fmt.Errorf("neo4j-port %d is not a port", c.Neo4jPort))
	}
	if c.Bulk && c.Purge {
		errs = append(errs, errors.New("-bulk writes a new store; -purge has nothing to empty"))
	}
	if c.ImportHeapMB < 256 || c.ImportThreads < 0 || c.ImportOffHeapMB < 0 {
		errs = append(errs, errors.New("import-heap-mb must be at least 256, import-threads and import-off-heap-mb not negative"))
	}
	if c.Neo4jHeapMB < 256 || c.Neo4jPageCacheMB < 64 {
		errs = append(errs, errors.New("neo4j-heap-mb must be at least 256 and neo4j-pagecache-mb at least 64"))
	}
	return errors.Join(errs...)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
