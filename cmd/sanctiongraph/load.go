package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
)

// The load command parses its flags and hands the work to loaders/importer,
// which owns the import policy (batches, retries, older-list guard,
// delisting); linking across datasets runs once after all files.

const loadUsage = `usage: sanctiongraph load <format> [flags] [FILE…]

formats:
  curated   the curated dataset embedded in the binary
  un        UN Security Council consolidated list XML (consolidated.xml, .gz too)
  ofac      OFAC SDN: a directory or sdn.csv (add.csv, alt.csv, sdn_comments.csv beside it
            are joined), or an sdnList XML (sdn.xml, consolidated.xml)
  ftm       OpenSanctions FollowTheMoney entities, JSON lines (entities.ftm.json)

Loads are idempotent: loading the same file again changes nothing. A UN or
OFAC list is read whole before anything is written: a malformed, empty or
truncated file, a list older than the newest edition loaded (unless -force),
or one that would remove more than 5 % or 50 of the listings, whichever is
more (unless -allow-mass-removal), fails with the graph unchanged. Each list
loaded is recorded as an edition; a listing's periods follow from the editions
that hold it, and nothing is deleted. After a load, records of different lists
that describe the same entity are linked (SAME_AS).
Run 'sanctiongraph load <format> -h' for the flags.
`

type loadFlags struct {
	batch     int
	published string
	dataset   string
	name      string
	force     bool
	noLink    bool
	noDelist  bool
	progress  string
	retries   int
	// input limits (loaders.Limits)
	maxDecompressedMB, maxRatio, maxRecordBytes int64

	allowMassRemoval  bool
	maxRemovalPercent float64
	maxRemovalCount   int
}

// loadedBy names who runs a load, for the edition it records: the command
// and the user (USER or USERNAME), as the environment gives them.
func loadedBy(getenv func(string) string) string {
	user := getenv("USER")
	if user == "" {
		user = getenv("USERNAME")
	}
	if user == "" {
		return "sanctiongraph load"
	}
	return "sanctiongraph load (" + user + ")"
}

func runLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") || args[0] == "help" {
		fmt.Fprint(stderr, loadUsage)
		return flag.ErrHelp
	}
	format, rest := args[0], args[1:]
	switch format {
	case "curated", "un", "ofac", "ftm":
	default:
		fmt.Fprint(stderr, loadUsage)
		return fmt.Errorf("unknown format %q", format)
	}
	fs := flag.NewFlagSet("load "+format, flag.ContinueOnError)
	var lf loadFlags
	fs.IntVar(&lf.batch, "batch", 1000, "records per transaction")
	fs.IntVar(&lf.retries, "retries", 3, "tries of a batch that times out, conflicts with another write or finds Neo4j busy, before it is split in halves (down to one record)")
	fs.BoolVar(&lf.force, "force", false, "load a list older than the newest one loaded")
	fs.BoolVar(&lf.noLink, "no-link", false, "do not link records across datasets after the load")
	fs.BoolVar(&lf.noDelist, "no-delist", false, "record no edition: listings missing from this list keep their periods open")
	fs.BoolVar(&lf.allowMassRemoval, "allow-mass-removal", false, "load a list that removes more listings than -max-removal-percent and -max-removal-count allow")
	fs.Float64Var(&lf.maxRemovalPercent, "max-removal-percent", importer.DefaultMaxRemovalPercent, "a load may remove this percentage of the listings of the newest edition, or -max-removal-count, whichever is more")
	fs.IntVar(&lf.maxRemovalCount, "max-removal-count", importer.DefaultMaxRemovals, "see -max-removal-percent")
	fs.StringVar(&lf.progress, "progress", "auto", "auto (a live line on a terminal, a line every 10 s otherwise), plain or none")
	if format != "curated" {
		fs.Int64Var(&lf.maxDecompressedMB, "max-decompressed-mb", loaders.DefaultMaxDecompressed>>20, "refuse a .gz file that expands to more MiB than this")
		fs.Int64Var(&lf.maxRatio, "max-ratio", loaders.DefaultMaxRatio, "refuse a .gz file that expands to more than this many times its size (past 64 MiB)")
		fs.Int64Var(&lf.maxRecordBytes, "max-record-bytes", loaders.DefaultMaxRecordBytes, "refuse a file with a record (a line, or XML text between tags) longer than this")
	}
	if format == "ofac" {
		fs.StringVar(&lf.published, "published", "", "publication date of the list, YYYY-MM-DD (the CSV states none; default: the file's modification date)")
		fs.StringVar(&lf.dataset, "dataset", "", "ofac-sdn or ofac-cons (default: from the file name)")
	}
	if format == "ftm" {
		fs.StringVar(&lf.name, "name", "", "name of the export, for its Source id (default: the file's folder name)")
		fs.StringVar(&lf.published, "published", "", "publication date (default: the latest last_change in the file)")
	}
	cfg, err := parseFlagSet(fs, "load "+format, rest, getenv, stderr, false)
	if err != nil {
		return err
	}
	files := fs.Args()
	if format == "curated" && len(files) > 0 {
		return errors.New("load curated takes no files: the dataset is built into the binary")
	}
	if format != "curated" && len(files) == 0 {
		return fmt.Errorf("load %s: name at least one file", format)
	}
	if lf.retries < 1 || lf.retries > 20 {
		return fmt.Errorf("-retries %d: must be between 1 and 20", lf.retries)
	}
	if lf.batch < 1 || lf.batch > 50_000 {
		return fmt.Errorf("-batch %d: must be between 1 and 50000", lf.batch)
	}
	if format != "curated" && (lf.maxDecompressedMB < 1 || lf.maxRatio < 1 || lf.maxRecordBytes < 1) {
		return errors.New("-max-decompressed-mb, -max-ratio and -max-record-bytes must be at least 1")
	}
	st, err := openMigrated(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	if format == "curated" {
		sum, err := importer.LoadCurated(ctx, st)
		if err != nil {
			return err
		}
		importer.PrintSummary(stdout, "curated", sum, nil)
		if lf.noLink {
			return nil
		}
		lr, err := importer.Link(ctx, st)
		if err != nil {
			return err
		}
		lr.Print(stdout)
		return nil
	}
	opts := importer.Options{
		BatchSize: lf.batch, Published: lf.published, Dataset: lf.dataset, Name: lf.name,
		Force: lf.force, NoDelist: lf.noDelist, Retry: importer.Retry{Attempts: lf.retries},
		AllowMassRemoval: lf.allowMassRemoval, MaxRemovalPercent: lf.maxRemovalPercent, MaxRemovalCount: lf.maxRemovalCount,
		LoadedBy: loadedBy(getenv),
		Limits:   loaders.Limits{MaxDecompressed: lf.maxDecompressedMB << 20, MaxRatio: lf.maxRatio, MaxRecordBytes: lf.maxRecordBytes},
	}
	if lf.progress != "none" {
		opts.Progress, opts.TTY = stderr, lf.progress == "auto" && isTerminal(os.Stderr)
	}
	for _, f := range files {
		res, err := importer.LoadFile(ctx, st, importer.Format(format), f, opts)
		if err != nil {
			return err
		}
		res.Print(stdout)
	}
	if !lf.noLink {
		lr, err := importer.Link(ctx, st)
		if err != nil {
			return err
		}
		lr.Print(stdout)
	}
	return nil
}
