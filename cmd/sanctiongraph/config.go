package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/telemetry"
)

// Config is everything the service needs, from the environment with flags
// overriding it. Library packages never read the environment; this does.
type Config struct {
	Neo4j cypher.Config
	// Addr is the HTTP listen address.
	Addr string
	// RequestTimeout bounds each GraphQL request.
	RequestTimeout time.Duration
	// ShutdownTimeout bounds the drain of in-flight requests on SIGTERM.
	ShutdownTimeout time.Duration
	// StartupTimeout bounds the wait for Neo4j at start.
	StartupTimeout time.Duration
	// LoadCurated loads the curated dataset at start (idempotent).
	LoadCurated bool
	// Shared is a shared data folder (../shared/data) whose lists are
	// loaded at start into a graph that holds no list yet: a new local
	// store through the bulk importer, otherwise through loads.
	Shared string
	// WarmCounts is how often the service looks for a settled new database
	// state to count the dashboards' totals at (0: counts on request only).
	WarmCounts time.Duration
	// Local Neo4j (dev mode).
	Neo4jDir    string
	Neo4jPort   int
	Neo4jHeapMB int
	LogLevel    slog.Level
	LogFormat   string
	// Metrics serves Prometheus metrics at /metrics.
	Metrics bool
	// Tracing is the OpenTelemetry tracing, from the OTEL_* variables.
	Tracing telemetry.Config
	// Access to /graphql (access.go): per-client rate limits (0 disables),
	// CORS origins, the header a trusted proxy passes the client address in,
	// and how long an accepted API key is cached (negative: not at all).
	RateLimit          float64
	RateBurst          int
	CORSOrigins        []string
	TrustedProxyHeader string
	AuthCacheTTL       time.Duration
	// Connection caps in total and per client address (-1: none).
	MaxConns, MaxConnsPerAddr int
}

// env lists the environment variables the service reads.
var envVars = []struct{ name, flag, desc string }{
	{"NEO4J_URI", "neo4j-uri", "Bolt URI of Neo4j; unset in dev mode starts the local Neo4j"},
	{"NEO4J_USER", "neo4j-user", "Neo4j user (empty: no authentication)"},
	{"NEO4J_PASSWORD", "neo4j-password", "Neo4j password"},
	{"NEO4J_DATABASE", "neo4j-database", "Neo4j database (default neo4j)"},
	{"LISTEN_ADDR", "addr", "HTTP listen address"},
	{"LOG_LEVEL", "log-level", "debug, info, warn or error"},
	{"LOG_FORMAT", "log-format", "text or json"},
	{"RATE_LIMIT", "rate-limit", "requests/s per anonymous client on /graphql (keys 5×); 0: no limit"},
	{"RATE_BURST", "rate-burst", "burst per anonymous client (keys 5×)"},
	{"CORS_ORIGINS", "cors-origins", "comma-separated origins allowed cross-origin (* for any)"},
	{"TRUSTED_PROXY_HEADER", "trusted-proxy-header", "header with the client address from a trusted proxy"},
}

// parseFlags reads the environment, then flags, into a Config.
func parseFlags(name string, args []string, getenv func(string) string, stderr io.Writer, dev bool) (Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c, err := parseFlagSet(fs, name, args, getenv, stderr, dev)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return c, err
}

// parseFlagSet declares the common flags on fs (which may carry a
// command's own), parses args and validates; positional arguments are left
// in fs.Args().
func parseFlagSet(fs *flag.FlagSet, name string, args []string, getenv func(string) string, stderr io.Writer, dev bool) (Config, error) {
	fs.SetOutput(stderr)
	var c Config
	defAddr := ":8080"
	if dev {
		defAddr = "127.0.0.1:8080"
	}
	fs.StringVar(&c.Neo4j.URI, "neo4j-uri", getenv("NEO4J_URI"), "Bolt URI of Neo4j [NEO4J_URI]")
	fs.StringVar(&c.Neo4j.User, "neo4j-user", getenv("NEO4J_USER"), "Neo4j user; empty connects without authentication [NEO4J_USER]")
	fs.StringVar(&c.Neo4j.Password, "neo4j-password", getenv("NEO4J_PASSWORD"), "Neo4j password [NEO4J_PASSWORD]")
	fs.StringVar(&c.Neo4j.Database, "neo4j-database", or(getenv("NEO4J_DATABASE"), "neo4j"), "Neo4j database [NEO4J_DATABASE]")
	fs.StringVar(&c.Addr, "addr", or(getenv("LISTEN_ADDR"), defAddr), "HTTP listen address [LISTEN_ADDR]")
	txTimeout := 30 * time.Second
	if v := getenv("NEO4J_TX_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, fmt.Errorf("NEO4J_TX_TIMEOUT %q: want a duration such as 30s or 2m", v)
		}
		txTimeout = d
	}
	fs.DurationVar(&c.Neo4j.QueryTimeout, "neo4j-tx-timeout", txTimeout, "server-side limit of one Neo4j transaction; a load batch that passes it is retried smaller [NEO4J_TX_TIMEOUT]")
	fs.DurationVar(&c.Neo4j.PathTimeout, "path-timeout", 10*time.Second, "time limit of one path search inside Neo4j")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", 30*time.Second, "time limit of one GraphQL request, Neo4j queries included")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "time in-flight requests get to finish on SIGTERM")
	fs.DurationVar(&c.StartupTimeout, "startup-timeout", 60*time.Second, "how long to wait for Neo4j at start")
	fs.BoolVar(&c.LoadCurated, "load-curated", dev, "load the curated dataset at start (idempotent)")
	if name == "dev" || name == "serve" {
		fs.StringVar(&c.Shared, "shared", "", "load every list of this shared data folder (../shared/data) at start, if the graph holds no list yet")
		fs.DurationVar(&c.WarmCounts, "warm-counts", 10*time.Second, "how often to look for new data (any process's writes) and, once it has settled, count the dashboards' totals ahead of requests; 0: count on request only")
	}
	fs.StringVar(&c.Neo4jDir, "neo4j-dir", ".neo4j/dev", "store directory of the local Neo4j (dev mode)")
	fs.IntVar(&c.Neo4jPort, "neo4j-port", 7687, "Bolt port of the local Neo4j (dev mode; 0 picks a free one)")
	fs.IntVar(&c.Neo4jHeapMB, "neo4j-heap-mb", 1024, "JVM heap of the local Neo4j in MiB (dev mode)")
	level := fs.String("log-level", or(getenv("LOG_LEVEL"), "info"), "debug, info, warn or error [LOG_LEVEL]")
	fs.StringVar(&c.LogFormat, "log-format", or(getenv("LOG_FORMAT"), "text"), "text or json [LOG_FORMAT]")
	fs.BoolVar(&c.Metrics, "metrics", true, "serve Prometheus metrics at /metrics")
	c.Tracing = telemetry.ConfigFromEnv(getenv)
	checkAccess := c.accessFlags(fs, getenv)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: sanctiongraph %s [flags]%s\n\nflags (environment variables in brackets; flags win):\n", name, usageArgs[name])
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if err := c.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return c, fmt.Errorf("log-level %q: want debug, info, warn or error", *level)
	}
	if err := checkAccess(); err != nil {
		return c, err
	}
	return c, c.validate(dev)
}

// usageArgs names the positional arguments of commands that take some.
var usageArgs = map[string]string{
	"load un":     " FILE…",
	"load ofac":   " PATH…  (a directory or sdn.csv with add/alt/sdn_comments beside it, or an sdnList .xml)",
	"load ftm":    " FILE…",
	"keys revoke": " ID",
	"import":      " SPEC…  (curated, un:FILE, ofac:PATH[@YYYY-MM-DD], ftm:FILE; see sanctiongraph import with no SPEC)",
}

func (c *Config) validate(dev bool) error {
	var errs []error
	if c.Neo4j.PathTimeout < 100*time.Millisecond || c.Neo4j.PathTimeout > 10*time.Minute {
		errs = append(errs, fmt.Errorf("path-timeout %s: must be between 100ms and 10m", c.Neo4j.PathTimeout))
	}
	if c.Neo4j.QueryTimeout < time.Second || c.Neo4j.QueryTimeout > time.Hour {
		errs = append(errs, fmt.Errorf("neo4j-tx-timeout %s: must be between 1s and 1h", c.Neo4j.QueryTimeout))
	}
	if c.WarmCounts != 0 && (c.WarmCounts < 100*time.Millisecond || c.WarmCounts > time.Hour) {
		errs = append(errs, fmt.Errorf("warm-counts %s: must be 0 (off) or between 100ms and 1h", c.WarmCounts))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format %q: want text or json", c.LogFormat))
	}
	if c.Neo4j.URI == "" && !dev {
		errs = append(errs, errors.New("NEO4J_URI (or -neo4j-uri) is required; `sanctiongraph dev` starts a local Neo4j instead"))
	}
	if c.Neo4j.URI != "" {
		if err := c.Neo4j.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.RequestTimeout <= 0 || c.ShutdownTimeout <= 0 || c.StartupTimeout <= 0 {
		errs = append(errs, errors.New("timeouts must be positive"))
	}
	if c.Neo4jPort < 0 || c.Neo4jPort > 65535 {
		errs = append(errs, fmt.Errorf("neo4j-port %d is not a port", c.Neo4jPort))
	}
	c.Neo4j.QueryTimeout = c.RequestTimeout
	return errors.Join(errs...)
}

func (c *Config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// isTerminal reports whether f is a terminal (for progress output).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
