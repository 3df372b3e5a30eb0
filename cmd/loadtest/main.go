// Command loadtest drives a running sanctiongraph service with the reads
// its clients make and reports throughput, latency percentiles, HTTP
// statuses and GraphQL error codes:
//
//	go run ./cmd/sanctiongraph dev &
//	go run ./cmd/loadtest -duration 30s -concurrency 8
//
// It exits 1 if any request got a 5xx, no response or a body that is not a
// GraphQL response, and 2 on bad flags.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/sanctiongraph/sanctiongraph/graph/server/loadtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg loadtest.Config
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "the service's base URL or its /graphql endpoint")
	fs.DurationVar(&cfg.Duration, "duration", loadtest.DefaultDuration, fmt.Sprintf("how long to send requests (at most %s)", loadtest.MaxDuration))
	fs.IntVar(&cfg.Concurrency, "concurrency", loadtest.DefaultConcurrency, fmt.Sprintf("workers, each with one request in flight (at most %d)", loadtest.MaxConcurrency))
	fs.StringVar(&cfg.Key, "key", "", "API key, sent as \"Authorization: Bearer KEY\" (optional)")
	fs.DurationVar(&cfg.Timeout, "timeout", loadtest.DefaultTimeout, "time limit of one request")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "seed for the choice of queries and variables (0: random)")
	mix := fs.String("mix", "", "weights by query, e.g. search=4,entity=3,paths=1 (default: "+defaultMix()+")")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: loadtest [flags]\n\nqueries: %s\n\nflags:\n", strings.Join(loadtest.QueryNames(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "loadtest: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}
	if cfg.Duration <= 0 || cfg.Duration > loadtest.MaxDuration {
		fmt.Fprintf(stderr, "loadtest: -duration %s: must be positive and at most %s\n", cfg.Duration, loadtest.MaxDuration)
		return 2
	}
	if *mix != "" {
		m, err := loadtest.ParseMix(*mix)
		if err != nil {
			fmt.Fprintf(stderr, "loadtest: -%v\n", err)
			return 2
		}
		cfg.Mix = m
	}
	if !*asJSON {
		fmt.Fprintf(stderr, "loadtest: %s for %s with %d workers…\n", cfg.Endpoint(), cfg.Duration, cfg.Concurrency)
	}
	rep, err := loadtest.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	} else {
		rep.WriteText(stdout)
	}
	if rep.Failed() {
		fmt.Fprintf(stderr, "loadtest: FAILED: %d 5xx, %d transport errors, %d bad responses\n", rep.ServerErrors(), rep.TransportErrors, rep.BadResponses)
		return 1
	}
	return 0
}

func defaultMix() string {
	var parts []string
	for _, name := range loadtest.QueryNames() {
		if w := loadtest.DefaultMix[name]; w > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", name, w))
		}
	}
	return strings.Join(parts, ",")
}
