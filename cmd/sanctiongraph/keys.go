package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
)

const keysUsage = `usage: sanctiongraph keys <command> [flags]

commands:
  create -name NAME -role reader|editor|admin   create an API key and print it, once
  list                                          list keys: id, name, role, created, revoked
  revoke ID                                     revoke a key

Keys live in NEO4J_URI; only a hash of each is stored, so a key is shown
when it is created and never again. Clients send it as
'Authorization: Bearer <key>'. Reads need no key; keys give a client its
own, larger rate limit and the role writes require. A running server
caches accepted keys for -auth-cache-ttl (30 s), so a revoked key stops
working within that time.
Run 'sanctiongraph keys <command> -h' for the flags.
`

// runKeys creates, lists and revokes API keys.
func runKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") || args[0] == "help" {
		fmt.Fprint(stderr, keysUsage)
		return flag.ErrHelp
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("keys "+sub, flag.ContinueOnError)
	var name, roleName string
	switch sub {
	case "create":
		fs.StringVar(&name, "name", "", "whose key it is, e.g. alice or dashboard (required)")
		fs.StringVar(&roleName, "role", "reader", "reader, editor or admin")
	case "list", "revoke":
	default:
		fmt.Fprint(stderr, keysUsage)
		return fmt.Errorf("unknown command %q", sub)
	}
	cfg, err := parseFlagSet(fs, "keys "+sub, rest, getenv, stderr, false)
	if err != nil {
		return err
	}
	var id string
	switch {
	case sub == "revoke" && fs.NArg() != 1:
		return errors.New("keys revoke: name one key id (see `sanctiongraph keys list`)")
	case sub == "revoke":
		id = fs.Arg(0)
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var role auth.Role
	if sub == "create" {
		if strings.TrimSpace(name) == "" {
			return errors.New("keys create: -name is required (whose key it is)")
		}
		if role, err = auth.ParseRole(roleName); err != nil {
			return err
		}
	}

	st, err := openMigrated(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	switch sub {
	case "create":
		key, info, err := st.CreateKey(ctx, name, role)
		if err != nil {
			return err
		}
		// The key alone on stdout, so `KEY=$(sanctiongraph keys create …)`
		// works; the rest goes to stderr.
		fmt.Fprintf(stderr, "created API key %s for %q with role %s\n", info.ID, info.Name, info.Role)
		fmt.Fprintln(stdout, key)
		fmt.Fprintln(stderr, "warning: store this key now; it cannot be shown again (only its hash is kept).")
		fmt.Fprintln(stderr, "Send it as 'Authorization: Bearer <key>'.")
	case "list":
		keys, err := st.ListKeys(ctx)
		if err != nil {
			return err
		}
		printKeys(stdout, keys)
	case "revoke":
		if err := st.RevokeKey(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked API key %s; servers stop accepting it within their -auth-cache-ttl\n", id)
	}
	return nil
}

// printKeys writes keys as a table; never secrets, which are not stored.
func printKeys(w io.Writer, keys []cypher.KeyInfo) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tREVOKED")
	for _, k := range keys {
		revoked := "-"
		if k.Revoked() {
			revoked = k.RevokedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Role, k.CreatedAt.UTC().Format(time.RFC3339), revoked)
	}
	tw.Flush()
}
