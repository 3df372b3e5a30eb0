// Package importer is the import policy that connects the loaders to the
// graph store: it batches the records a loader emits into transactions
// (retrying and splitting batches that fail in ways safe to retry), refuses
// a list older than the one loaded, marks listings a newer list no longer
// names as delisted, and links records of different datasets afterwards.
// The CLI (cmd/sanctiongraph load), the dev server and the tests all load
// through it, so there is one import policy.
package importer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/loaders/curated"
	"github.com/sanctiongraph/sanctiongraph/loaders/ftm"
	"github.com/sanctiongraph/sanctiongraph/loaders/ofac"
	"github.com/sanctiongraph/sanctiongraph/loaders/unsc"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Format names a source format.
type Format string

// The formats the importer reads.
const (
	Curated Format = "curated" // the curated dataset built into the binary
	UN      Format = "un"      // UN Security Council consolidated list XML
	OFAC    Format = "ofac"    // OFAC SDN CSV set or sdnList XML
	FtM     Format = "ftm"     // OpenSanctions FollowTheMoney JSON lines
)

// Formats lists the formats in the order the CLI shows them.
var Formats = []Format{Curated, UN, OFAC, FtM}

// Options configure one load.
type Options struct {
	// BatchSize is the records per transaction; default 1000.
	BatchSize int
	// Retry says how failed batches are retried.
	Retry Retry
	// Published is the list's publication date (OFAC CSV states none; FtM
	// exports default to their latest change).
	Published string
	// Dataset is ofac-sdn or ofac-cons (OFAC; default from the file name).
	Dataset string
	// Name names an FtM export, for its Source id (default: its folder).
	Name string
	// Force loads a list older than the newest of its dataset loaded.
	Force bool
	// NoDelist leaves listings missing from a newer list alone.
	NoDelist bool
	// Progress, when set, receives progress lines; TTY rewrites one line.
	Progress io.Writer
	TTY      bool
}

// Result is what one load did.
type Result struct {
	// What names the load ("un consolidated.xml").
	What    string
	Summary cypher.WriteSummaries
	// Skipped counts skipped source records by reason.
	Skipped map[string]int
	// Notes are format-specific lines for the summary.
	Notes []string
	// Delisted is how many listings were marked delisted on DelistedOn;
	// DelistRan says whether the step ran (a full list, the newest).
	Delisted   int
	DelistedOn string
	DelistRan  bool
	// Retries and Splits count batches written again and split.
	Retries, Splits int
}

// Print writes the summary lines of a load.
func (r Result) Print(w io.Writer) {
	PrintSummary(w, r.What, r.Summary, r.Skipped)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "%s: %s\n", r.What, n)
	}
	if r.Retries > 0 || r.Splits > 0 {
		fmt.Fprintf(w, "%s: %d batches retried, %d split in halves\n", r.What, r.Retries, r.Splits)
	}
	if r.DelistRan {
		fmt.Fprintf(w, "%s: %d listings no longer on the list marked delisted on %s\n", r.What, r.Delisted, r.DelistedOn)
	}
}

// LoadCurated loads the curated dataset embedded in the binary. It is
// validated whole before anything is written, and written in one
// transaction.
func LoadCurated(ctx context.Context, st Store) (cypher.WriteSummaries, error) {
	w := NewWriter(st, 0, Retry{})
	if _, err := curated.Load(ctx, curated.Dataset(), w); err != nil {
		return w.summary, err
	}
	if err := w.Flush(ctx); err != nil {
		return w.summary, err
	}
	return w.summary, nil
}

// ListStore is what loading a published list needs of the store.
type ListStore interface {
	Store
	LatestList(ctx context.Context, dataset string) (string, error)
	MarkDelisted(ctx context.Context, dataset, sourceID, published string) (int, error)
}

// LoadFile loads one file (or OFAC CSV set) in batches, then, for a
// complete list that is the newest of its dataset, marks what it no longer
// names as delisted. Errors name the file and, where the loader knows it,
// the line or record.
func LoadFile(ctx context.Context, st ListStore, format Format, path string, opts Options) (Result, error) {
	res, err := loadFile(ctx, st, format, path, opts)
	if err != nil {
		return res, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

func loadFile(ctx context.Context, st ListStore, format Format, path string, opts Options) (Result, error) {
	if opts.BatchSize == 0 {
		opts.BatchSize = 1000
	}
	res := Result{What: string(format) + " " + filepath.Base(path)}
	w := NewWriter(st, opts.BatchSize, opts.Retry)
	if opts.Progress != nil {
		total, _ := estimateRecords(format, path)
		w.progress = newProgress(opts.Progress, opts.TTY, res.What, total)
	}
	if format == UN || format == OFAC { // complete lists, each newer than the last
		w.onFirst = func(ctx context.Context, r loaders.Record) error { return checkNotOlder(ctx, st, r, opts.Force) }
	}
	var (
		dataset, sourceID, published string
		fullList                     = true
	)
	switch format {
	case UN:
		rc, err := loaders.Open(path)
		if err != nil {
			return res, err
		}
		defer rc.Close()
		var l unsc.Loader
		sum, err := l.Load(ctx, rc, w)
		if err != nil {
			return res, err
		}
		dataset, sourceID, published = unsc.Dataset, sum.SourceID, sum.Published
		res.Notes = append(res.Notes, fmt.Sprintf("%d individuals, %d entities; by list %s", sum.Individuals, sum.Entities, Counts(sum.ByListType)))
		if len(sum.Unresolved) > 0 {
			res.Notes = append(res.Notes, "kept as text, not linked: "+Counts(sum.Unresolved))
		}
	case OFAC:
		o := ofac.Options{Dataset: opts.Dataset, Published: opts.Published}
		var sum ofac.Summary
		var err error
		if strings.HasSuffix(strings.ToLower(strings.TrimSuffix(path, ".gz")), ".xml") {
			sum, err = ofac.LoadXMLFile(ctx, path, o, w)
		} else {
			var set ofac.CSVSet
			if set, err = ofac.FindCSV(path); err == nil {
				sum, err = ofac.LoadCSVSet(ctx, set, o, w)
			}
		}
		if err != nil {
			return res, err
		}
		dataset, sourceID, published = sum.Dataset, sum.SourceID, sum.Published
		res.Notes = append(res.Notes, fmt.Sprintf("%d entries", sum.Entries))
		if len(sum.Unlinked) > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("%d \"Linked To\" names matched no single entry (kept in the remarks)", len(sum.Unlinked)))
		}
	case FtM:
		name := opts.Name
		if name == "" {
			name = filepath.Base(filepath.Dir(path))
		}
		sum, err := ftm.LoadFile(ctx, path, ftm.Options{Name: name, PublishedOn: opts.Published, ExternalEndpoints: false}, w)
		if err != nil {
			return res, err
		}
		fullList = false // an export, not an authority's complete list
		res.Notes = append(res.Notes, fmt.Sprintf("%d lines: %d emitted, folded %s", sum.Lines, sum.Emitted, Counts(sum.Folded)))
		if len(sum.Rejected) > 0 {
			res.Notes = append(res.Notes, "rejected facts: "+Counts(sum.Rejected))
		}
	default:
		return res, fmt.Errorf("unknown format %q", format)
	}
	if err := w.Flush(ctx); err != nil {
		return res, err
	}
	w.progress.finish()
	res.Summary, res.Skipped, res.Retries, res.Splits = w.summary, w.skipped, w.Retries, w.Splits
	if fullList && !opts.NoDelist && sourceID != "" {
		latest, err := st.LatestList(ctx, dataset)
		if err != nil {
			return res, err
		}
		if latest == published {
			n, err := st.MarkDelisted(ctx, dataset, sourceID, published)
			if err != nil {
				return res, err
			}
			res.Delisted, res.DelistedOn, res.DelistRan = n, published, true
		}
	}
	return res, nil
}

// checkNotOlder refuses a list older than the newest of its dataset already
// loaded: loading it would undo newer data.
func checkNotOlder(ctx context.Context, st ListStore, r loaders.Record, force bool) error {
	for _, e := range r.Entities {
		if e.Kind != schema.Source || e.Properties.First("sourceKind") != "sanctions_list" {
			continue
		}
		latest, err := st.LatestList(ctx, e.Dataset)
		if err != nil {
			return err
		}
		if pub := e.Properties.First("publishedOn"); latest != "" && pub < latest && !force {
			return fmt.Errorf("this %s list is of %s, older than the one loaded (%s); pass -force to load it anyway", e.Dataset, pub, latest)
		}
	}
	return nil
}

// estimateRecords counts what a file will yield, for the progress ETA: UN
// records by their opening tags, CSV and JSON lines by lines.
func estimateRecords(format Format, path string) (int, error) {
	if format == OFAC {
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			path = filepath.Join(path, "sdn.csv")
		}
	}
	rc, err := loaders.Open(path)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		line := sc.Bytes()
		switch format {
		case UN:
			n += bytes.Count(line, []byte("<INDIVIDUAL>")) + bytes.Count(line, []byte("<ENTITY>"))
		case OFAC:
			if strings.HasSuffix(path, ".xml") {
				n += bytes.Count(line, []byte("<sdnEntry>"))
			} else if len(bytes.TrimSpace(line)) > 1 {
				n++
			}
		default:
			if len(bytes.TrimSpace(line)) > 0 {
				n++
			}
		}
	}
	return n, sc.Err()
}

// Counts formats a count per key, sorted by key: "a 1, b 2", or "none".
func Counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// PrintSummary writes what a load created, updated and left unchanged.
func PrintSummary(w io.Writer, what string, s cypher.WriteSummaries, skipped map[string]int) {
	fmt.Fprintf(w, "%s: entities %d created, %d updated, %d unchanged; relationships %d created, %d updated, %d unchanged; evidence %d created, %d updated, %d unchanged\n",
		what, s.Entities.Created, s.Entities.Updated, s.Entities.Unchanged,
		s.Relationships.Created, s.Relationships.Updated, s.Relationships.Unchanged,
		s.Evidence.Created, s.Evidence.Updated, s.Evidence.Unchanged)
	if len(skipped) > 0 {
		fmt.Fprintf(w, "%s: skipped %s\n", what, Counts(skipped))
	}
}
