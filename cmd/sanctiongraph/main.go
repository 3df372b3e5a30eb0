// Command sanctiongraph runs the sanctions knowledge-graph service.
//
//	sanctiongraph dev        local Neo4j + curated dataset + API on 127.0.0.1:8080
//	sanctiongraph serve      API against NEO4J_URI
//	sanctiongraph neo4j      only the local Neo4j, until interrupted
//	sanctiongraph migrate    apply the graph schema to NEO4J_URI
//	sanctiongraph load …     import data (see `sanctiongraph load -h`)
//	sanctiongraph keys …     create, list and revoke API keys (see `sanctiongraph keys -h`)
//	sanctiongraph healthcheck -url URL   exit 0 if URL answers 200 (for containers)
//
// main only wires: flags and environment into a validated Config, then the
// store, loaders and server, run under a signal-cancelled context.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `usage: sanctiongraph <command> [flags]

commands:
  dev          run the service with a local Neo4j and the curated dataset (no setup needed)
  serve        run the service against NEO4J_URI
  neo4j        run only the local Neo4j until interrupted (prints its Bolt URI)
  migrate      apply the graph schema (constraints and indexes) to NEO4J_URI
  load         import data into NEO4J_URI: load curated | load un FILE | load ofac FILE | load ftm FILE
  import       bulk first load of a new graph through Neo4j's importer: import -shared ../shared/data | import SPEC…
  keys         API keys in NEO4J_URI: keys create -name NAME -role ROLE | keys list | keys revoke ID
  changes      the change log in NEO4J_URI: changes verify (its hash chain)
  healthcheck  exit 0 if -url answers 200 (container health checks)

Run 'sanctiongraph <command> -h' for the flags of a command.
`

// run executes one command and returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve", "dev":
		var cfg Config
		cfg, err = parseFlags(cmd, rest, getenv, stderr, cmd == "dev")
		if err == nil {
			err = serve(ctx, cfg, stderr, nil)
		}
	case "neo4j":
		err = runNeo4j(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		var cfg Config
		cfg, err = parseFlags(cmd, rest, getenv, stderr, false)
		if err == nil {
			err = migrate(ctx, cfg, stdout)
		}
	case "load":
		err = runLoad(ctx, rest, getenv, stdout, stderr)
	case "import":
		err = runImport(ctx, rest, getenv, stdout, stderr)
	case "keys":
		err = runKeys(ctx, rest, getenv, stdout, stderr)
	case "changes":
		err = runChanges(ctx, rest, getenv, stdout, stderr)
	case "healthcheck":
		err = healthcheck(ctx, rest, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "sanctiongraph: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintf(stderr, "sanctiongraph %s: %v\n", args[0], err)
		return 1
	}
}

func healthcheck(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080/readyz", "URL that must answer 200")
	timeout := fs.Duration("timeout", 3*time.Second, "time limit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", *url, resp.Status)
	}
	return nil
}
