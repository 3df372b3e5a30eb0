package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/loaders/curated"
	"github.com/sanctiongraph/sanctiongraph/loaders/ftm"
	"github.com/sanctiongraph/sanctiongraph/loaders/ofac"
	"github.com/sanctiongraph/sanctiongraph/loaders/unsc"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// writer is the loaders.Sink that connects loaders to the store: it
// collects whole records and writes them in batches, each batch in one
// transaction, so a record is stored whole or not at all and a failed load
// can simply be run again.
type writer struct {
	store     *cypher.Store
	batchSize int
	pending   model.Batch
	ids       map[string]bool // entity and evidence ids pending, to drop repeats
	records   int
	written   int
	summary   cypher.WriteSummaries
	skipped   map[string]int
	progress  *progress
	// onFirst, when set, sees the first record before anything is written.
	onFirst func(ctx context.Context, r loaders.Record) error
}

func newWriter(st *cypher.Store, batchSize int) *writer {
	return &writer{store: st, batchSize: batchSize, skipped: map[string]int{}, ids: map[string]bool{}}
}

func (w *writer) Record(ctx context.Context, r loaders.Record) error {
	if w.records == 0 && w.onFirst != nil {
		if err := w.onFirst(ctx, r); err != nil {
			return err
		}
	}
	// Loaders repeat reference records (states, the ISO source) across
	// records; one copy per transaction is enough.
	for _, e := range r.Entities {
		if !w.ids["e:"+e.ID] {
			w.ids["e:"+e.ID] = true
			w.pending.Entities = append(w.pending.Entities, e)
		}
	}
	w.pending.Relationships = append(w.pending.Relationships, r.Relationships...)
	for _, ev := range r.Evidence {
		if !w.ids["v:"+ev.ID] {
			w.ids["v:"+ev.ID] = true
			w.pending.Evidence = append(w.pending.Evidence, ev)
		}
		if ev.SourceID == loaders.ISO3166SourceID && !w.ids["e:"+ev.SourceID] {
			w.ids["e:"+ev.SourceID] = true
			w.pending.Entities = append(w.pending.Entities, loaders.ISO3166Source())
		}
	}
	w.records++
	if w.batchSize > 0 && w.records-w.written >= w.batchSize {
		return w.Flush(ctx)
	}
	return nil
}

func (w *writer) Skip(ctx context.Context, s loaders.Skipped) error {
	w.skipped[s.Reason]++
	return nil
}

// Flush writes what is pending in one transaction.
func (w *writer) Flush(ctx context.Context) error {
	if w.pending.Len() == 0 {
		return nil
	}
	sum, err := w.store.Write(ctx, w.pending)
	if err != nil {
		return fmt.Errorf("writing records %d–%d: %w", w.written+1, w.records, err)
	}
	w.summary.Add(sum)
	w.pending = model.Batch{}
	clear(w.ids)
	w.written = w.records
	w.progress.update(w.records)
	return nil
}

// loadCurated loads the curated dataset embedded in the binary. It is
// validated whole before anything is written, and written in one
// transaction.
func loadCurated(ctx context.Context, st *cypher.Store) (cypher.WriteSummaries, error) {
	w := newWriter(st, 0)
	if _, err := curated.Load(ctx, curated.Dataset(), w); err != nil {
		return w.summary, err
	}
	if err := w.Flush(ctx); err != nil {
		return w.summary, err
	}
	return w.summary, nil
}

const loadUsage = `usage: sanctiongraph load <format> [flags] [FILE…]

formats:
  curated   the curated dataset embedded in the binary
  un        UN Security Council consolidated list XML (consolidated.xml, .gz too)
  ofac      OFAC SDN: a directory or sdn.csv (add.csv, alt.csv, sdn_comments.csv beside it
            are joined), or an sdnList XML (sdn.xml, consolidated.xml)
  ftm       OpenSanctions FollowTheMoney entities, JSON lines (entities.ftm.json)

Loads are idempotent: loading the same file again changes nothing. A newer list
updates what changed and marks listings that disappeared as delisted; an older
list than the one loaded is refused unless -force is given. After a load,
records of different lists that describe the same entity are linked (SAME_AS).
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
	fs.BoolVar(&lf.force, "force", false, "load a list older than the newest one loaded")
	fs.BoolVar(&lf.noLink, "no-link", false, "do not link records across datasets after the load")
	fs.BoolVar(&lf.noDelist, "no-delist", false, "do not mark listings missing from this list as delisted")
	fs.StringVar(&lf.progress, "progress", "auto", "auto (a live line on a terminal, a line every 10 s otherwise), plain or none")
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
	if lf.batch < 1 || lf.batch > 50_000 {
		return fmt.Errorf("-batch %d: must be between 1 and 50000", lf.batch)
	}
	st, err := openMigrated(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	if format == "curated" {
		sum, err := loadCurated(ctx, st)
		if err != nil {
			return err
		}
		printSummary(stdout, "curated", sum, nil)
		return nil
	}
	tty := lf.progress == "auto" && isTerminal(os.Stderr)
	for _, f := range files {
		if err := loadFile(ctx, st, format, f, lf, tty, stdout, stderr); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
	}
	if !lf.noLink {
		ls, err := st.LinkSameAs(ctx)
		if err != nil {
			return fmt.Errorf("linking records across datasets: %w", err)
		}
		fmt.Fprintf(stdout, "links across datasets: %s; SAME_AS %d created, %d updated, %d unchanged\n",
			counts(ls.ByRule), ls.Write.Relationships.Created, ls.Write.Relationships.Updated, ls.Write.Relationships.Unchanged)
	}
	return nil
}

// loadFile loads one file (or OFAC CSV set) in batches, then marks what a
// full list no longer names as delisted.
func loadFile(ctx context.Context, st *cypher.Store, format, path string, lf loadFlags, tty bool, stdout, stderr io.Writer) error {
	w := newWriter(st, lf.batch)
	total, _ := estimateRecords(format, path)
	if lf.progress != "none" {
		w.progress = newProgress(stderr, tty, format+" "+filepath.Base(path), total)
	}
	if format == "un" || format == "ofac" { // complete lists, each newer than the last
		w.onFirst = func(ctx context.Context, r loaders.Record) error { return checkNotOlder(ctx, st, r, lf.force) }
	}
	var (
		dataset, sourceID, published string
		extra                        []string
		fullList                     = true
	)
	switch format {
	case "un":
		rc, err := loaders.Open(path)
		if err != nil {
			return err
		}
		defer rc.Close()
		var l unsc.Loader
		sum, err := l.Load(ctx, rc, w)
		if err != nil {
			return err
		}
		dataset, sourceID, published = unsc.Dataset, sum.SourceID, sum.Published
		extra = append(extra, fmt.Sprintf("%d individuals, %d entities; by list %s", sum.Individuals, sum.Entities, counts(sum.ByListType)))
		if len(sum.Unresolved) > 0 {
			extra = append(extra, "kept as text, not linked: "+counts(sum.Unresolved))
		}
	case "ofac":
		opts := ofac.Options{Dataset: lf.dataset, Published: lf.published}
		var sum ofac.Summary
		var err error
		if strings.HasSuffix(strings.ToLower(strings.TrimSuffix(path, ".gz")), ".xml") {
			sum, err = ofac.LoadXMLFile(ctx, path, opts, w)
		} else {
			var set ofac.CSVSet
			if set, err = ofac.FindCSV(path); err == nil {
				sum, err = ofac.LoadCSVSet(ctx, set, opts, w)
			}
		}
		if err != nil {
			return err
		}
		dataset, sourceID, published = sum.Dataset, sum.SourceID, sum.Published
		extra = append(extra, fmt.Sprintf("%d entries", sum.Entries))
		if len(sum.Unlinked) > 0 {
			extra = append(extra, fmt.Sprintf("%d \"Linked To\" names matched no single entry (kept in the remarks)", len(sum.Unlinked)))
		}
	case "ftm":
		name := lf.name
		if name == "" {
			name = filepath.Base(filepath.Dir(path))
		}
		sum, err := ftm.LoadFile(ctx, path, ftm.Options{Name: name, PublishedOn: lf.published, ExternalEndpoints: false}, w)
		if err != nil {
			return err
		}
		fullList = false // an export, not an authority's complete list
		extra = append(extra, fmt.Sprintf("%d lines: %d emitted, folded %s", sum.Lines, sum.Emitted, counts(sum.Folded)))
		if len(sum.Rejected) > 0 {
			extra = append(extra, "rejected facts: "+counts(sum.Rejected))
		}
	}
	if err := w.Flush(ctx); err != nil {
		return err
	}
	w.progress.finish()
	printSummary(stdout, format+" "+filepath.Base(path), w.summary, w.skipped)
	for _, e := range extra {
		fmt.Fprintf(stdout, "%s %s: %s\n", format, filepath.Base(path), e)
	}
	if fullList && !lf.noDelist && sourceID != "" {
		latest, err := st.LatestList(ctx, dataset)
		if err != nil {
			return err
		}
		if latest == published {
			n, err := st.MarkDelisted(ctx, dataset, sourceID, published)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s %s: %d listings no longer on the list marked delisted on %s\n", format, filepath.Base(path), n, published)
		}
	}
	return nil
}

// checkNotOlder refuses a list older than the newest of its dataset already
// loaded: loading it would undo newer data.
func checkNotOlder(ctx context.Context, st *cypher.Store, r loaders.Record, force bool) error {
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
func estimateRecords(format, path string) (int, error) {
	if format == "ofac" {
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
		case "un":
			n += bytes.Count(line, []byte("<INDIVIDUAL>")) + bytes.Count(line, []byte("<ENTITY>"))
		case "ofac":
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

func counts(m map[string]int) string {
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

func printSummary(w io.Writer, what string, s cypher.WriteSummaries, skipped map[string]int) {
	fmt.Fprintf(w, "%s: entities %d created, %d updated, %d unchanged; relationships %d created, %d updated, %d unchanged; evidence %d created, %d updated, %d unchanged\n",
		what, s.Entities.Created, s.Entities.Updated, s.Entities.Unchanged,
		s.Relationships.Created, s.Relationships.Updated, s.Relationships.Unchanged,
		s.Evidence.Created, s.Evidence.Updated, s.Evidence.Unchanged)
	if len(skipped) > 0 {
		fmt.Fprintf(w, "%s: skipped %s\n", what, counts(skipped))
	}
}
