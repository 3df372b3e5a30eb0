package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

const changesUsage = `usage: sanctiongraph changes verify

Verifies the hash chain of the change log in NEO4J_URI, from the first
change to the head: each change's hash must match its fields and the hash
of the change before it. Prints the number of changes checked and the
head's hash (keep it: a chain rebuilt after an edit has another), or the
first broken link, and exits 1 when the chain is broken.
`

// runChanges checks the change log.
func runChanges(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(stderr, changesUsage)
		if len(args) == 0 || strings.HasPrefix(args[0], "-") || args[0] == "help" {
			return flag.ErrHelp
		}
		return fmt.Errorf("unknown command %q", args[0])
	}
	fs := flag.NewFlagSet("changes verify", flag.ContinueOnError)
	cfg, err := parseFlagSet(fs, "changes verify", args[1:], getenv, stderr, false)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	st, err := openMigrated(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	check, err := st.VerifyChangeLog(ctx)
	if err != nil {
		return err
	}
	if b := check.Broken; b != nil {
		id := b.ChangeID
		if id == "" {
			id = "(missing)"
		}
		fmt.Fprintf(stdout, "change log BROKEN at change %d %s: %s\n", b.Seq, id, b.Problem)
		fmt.Fprintf(stdout, "%d changes before it verified\n", check.Checked)
		return errors.New("the change log's hash chain is broken")
	}
	fmt.Fprintf(stdout, "change log verified: %d changes, head %d %s\n", check.Checked, check.HeadSeq, check.HeadHash)
	if check.Unchained > 0 {
		fmt.Fprintf(stdout, "%d changes written before the chain existed were not verified\n", check.Unchained)
	}
	return nil
}
