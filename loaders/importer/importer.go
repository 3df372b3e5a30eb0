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
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
	// NoDelist records no edition: listings missing from the list keep
	// their periods open.
	NoDelist bool
	// MaxRemovalPercent and MaxRemovalCount bound how many listings one
	// load may remove: the larger of the two (defaults 5 % and 50).
	// AllowMassRemoval lifts the bound.
	MaxRemovalPercent float64
	MaxRemovalCount   int
	AllowMassRemoval  bool
	// LoadedBy names who loaded the list, for its Edition.
	LoadedBy string
	// Limits bound decompression and record size (loaders.Limits); every
	// file is checked against them before anything is written.
	Limits loaders.Limits
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
	// Edition is the id of the edition recorded (a complete list);
	// EditionCreated is false when it was recorded before. Listed counts
	// its listings; Removed those whose period it ended (removed between
	// the previous edition and DelistedOn, its date). DelistRan says
	// whether an edition was recorded.
	Edition        string
	EditionCreated bool
	Listed         int
	Removed        int
	DelistedOn     string
	DelistRan      bool
	// Active and WouldRemove are what the removal guard compared: the
	// listings of the newest edition before the load, and how many of
	// them the list no longer holds.
	Active, WouldRemove int
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
		if r.EditionCreated {
			fmt.Fprintf(w, "%s: edition %s recorded: %d listings; %d no longer on the list (removed between the previous edition and %s)\n", r.What, r.Edition, r.Listed, r.Removed, r.DelistedOn)
		} else {
			fmt.Fprintf(w, "%s: edition %s was recorded before; nothing to add\n", r.What, r.Edition)
		}
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
	PlanRemovals(ctx context.Context, dataset string, sanctionIDs []string) (cypher.RemovalPlan, error)
	RecordEdition(ctx context.Context, e model.Edition, listings []model.Listing) (cypher.EditionSummary, error)
}

// Errors of the list guards; LoadFile wraps them with the file.
var (
	// ErrOlderList: the list is older than the newest edition of its
	// dataset loaded (Options.Force loads it anyway).
	ErrOlderList = errors.New("older list")
	// ErrMassRemoval: the list would remove more listings than the
	// threshold allows (Options.AllowMassRemoval loads it anyway).
	ErrMassRemoval = errors.New("mass removal")
)

// The default removal threshold: a load may remove up to 5 % of the
// listings the newest edition holds, or 50, whichever is more.
const (
	DefaultMaxRemovalPercent = 5.0
	DefaultMaxRemovals       = 50
)

// MaxRemovals is how many of active listings a load may remove.
func (o Options) MaxRemovals(active int) int {
	pct, n := o.MaxRemovalPercent, o.MaxRemovalCount
	if pct <= 0 {
		pct = DefaultMaxRemovalPercent
	}
	if n <= 0 {
		n = DefaultMaxRemovals
	}
	return max(n, int(float64(active)*pct/100))
}

// LoadFile loads one file (or OFAC CSV set). A complete list (UN, OFAC) is
// read twice: first whole, writing nothing, so that a malformed, empty or
// truncated file, a list older than the newest edition loaded, or one that
// would remove more listings than Options allow fails with the graph
// unchanged; then again, writing in batches. Last, the list is recorded as
// an Edition with the listings it holds, from which every listing's
// periods follow (a listing it no longer holds ends its period; nothing is
// deleted). Errors name the file and, where the loader knows it, the line
// or record.
func LoadFile(ctx context.Context, st ListStore, format Format, path string, opts Options) (Result, error) {
	res, err := loadFile(ctx, st, format, path, opts)
	if err != nil && !strings.HasPrefix(err.Error(), path+":") { // the input checks name the file already
		err = fmt.Errorf("%s: %w", path, err)
	}
	return res, err
}

// parsed is what one run of a loader found out about its file.
type parsed struct {
	dataset, published string
	source             *model.Entity // the list's Source record
	fullList           bool
	notes              []string
}

// parse runs the loader of format over path, sending records to sink.
func parse(ctx context.Context, format Format, path string, opts Options, sink loaders.Sink) (parsed, error) {
	var p parsed
	switch format {
	case UN:
		rc, err := loaders.OpenLimited(path, opts.Limits)
		if err != nil {
			return p, err
		}
		defer rc.Close()
		var l unsc.Loader
		sum, err := l.Load(ctx, rc, sink)
		if err != nil {
			return p, err
		}
		p.dataset, p.published, p.fullList = unsc.Dataset, sum.Published, true
		p.notes = append(p.notes, fmt.Sprintf("%d individuals, %d entities; by list %s", sum.Individuals, sum.Entities, Counts(sum.ByListType)))
		if len(sum.Unresolved) > 0 {
			p.notes = append(p.notes, "kept as text, not linked: "+Counts(sum.Unresolved))
		}
	case OFAC:
		o := ofac.Options{Dataset: opts.Dataset, Published: opts.Published, Limits: opts.Limits}
		var sum ofac.Summary
		var err error
		if strings.HasSuffix(strings.ToLower(strings.TrimSuffix(path, ".gz")), ".xml") {
			sum, err = ofac.LoadXMLFile(ctx, path, o, sink)
		} else {
			var set ofac.CSVSet
			if set, err = ofac.FindCSV(path); err == nil {
				sum, err = ofac.LoadCSVSet(ctx, set, o, sink)
			}
		}
		if err != nil {
			return p, err
		}
		p.dataset, p.published, p.fullList = sum.Dataset, sum.Published, true
		p.notes = append(p.notes, fmt.Sprintf("%d entries", sum.Entries))
		if len(sum.Unlinked) > 0 {
			p.notes = append(p.notes, fmt.Sprintf("%d \"Linked To\" names matched no single entry (kept in the remarks)", len(sum.Unlinked)))
		}
	case FtM:
		name := opts.Name
		if name == "" {
			name = filepath.Base(filepath.Dir(path))
		}
		sum, err := ftm.LoadFile(ctx, path, ftm.Options{Name: name, PublishedOn: opts.Published, ExternalEndpoints: false, Limits: opts.Limits}, sink)
		if err != nil {
			return p, err
		}
		// An export, not an authority's complete list.
		p.notes = append(p.notes, fmt.Sprintf("%d lines: %d emitted, folded %s", sum.Lines, sum.Emitted, Counts(sum.Folded)))
		if len(sum.Rejected) > 0 {
			p.notes = append(p.notes, "rejected facts: "+Counts(sum.Rejected))
		}
	default:
		return p, fmt.Errorf("unknown format %q", format)
	}
	return p, nil
}

// scan is the sink of the first, read-only pass over a list: it keeps the
// listings and the list's Source record, nothing else.
type scan struct {
	listings []model.Listing
	source   *model.Entity
	records  int
}

func (s *scan) Record(ctx context.Context, r loaders.Record) error {
	s.records++
	for i := range r.Entities {
		if e := r.Entities[i]; s.source == nil && e.Kind == schema.Source && e.Properties.First("sourceKind") == "sanctions_list" {
			s.source = &e
		}
	}
	s.listings = append(s.listings, model.ListingsOf(r.Batch)...)
	return nil
}

func (s *scan) Skip(ctx context.Context, sk loaders.Skipped) error { return nil }

func loadFile(ctx context.Context, st ListStore, format Format, path string, opts Options) (Result, error) {
	if opts.BatchSize == 0 {
		opts.BatchSize = 1000
	}
	res := Result{What: string(format) + " " + filepath.Base(path)}
	if err := checkInput(format, path, opts.Limits); err != nil {
		return res, err
	}
	var (
		sc       scan
		checksum string
		dataset  string
	)
	if format == UN || format == OFAC { // complete lists: check the whole file first
		var err error
		if checksum, err = fileChecksum(format, path); err != nil {
			return res, err
		}
		p, err := parse(ctx, format, path, opts, &sc)
		if err != nil {
			return res, err
		}
		dataset = p.dataset
		if err := checkList(ctx, st, p, &sc, opts, &res); err != nil {
			return res, err
		}
	}
	w := NewWriter(st, opts.BatchSize, opts.Retry)
	if opts.Progress != nil {
		total, _ := estimateRecords(format, path, opts.Limits)
		w.progress = newProgress(opts.Progress, opts.TTY, res.What, total)
	}
	p, err := parse(ctx, format, path, opts, w)
	if err != nil {
		return res, err
	}
	res.Notes = p.notes
	if err := w.Flush(ctx); err != nil {
		return res, err
	}
	w.progress.finish()
	res.Summary, res.Skipped, res.Retries, res.Splits = w.summary, w.skipped, w.Retries, w.Splits
	if cut, in := w.Truncated(); len(cut) > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("text cut to %d bytes (names %d) with a note: %s; in %s",
			loaders.MaxTextBytes, loaders.MaxNameBytes, Counts(cut), strings.Join(in, ", ")))
	}
	if !p.fullList || opts.NoDelist || p.dataset != dataset {
		return res, nil
	}
	ed := model.Edition{
		Dataset: p.dataset, PublishedOn: p.published, Checksum: checksum, File: filepath.Base(path),
		LoadedBy: opts.LoadedBy,
	}
	if sc.source != nil {
		ed.Authority, ed.List = sc.source.Properties.First("publisher"), sc.source.Name
	}
	es, err := st.RecordEdition(ctx, ed, sc.listings)
	if err != nil {
		return res, fmt.Errorf("recording the edition: %w", err)
	}
	res.Edition, res.EditionCreated, res.Listed, res.Removed, res.DelistedOn = cypher.EditionID(ed.Dataset, ed.PublishedOn, ed.Checksum), es.Created, es.Listed, es.Removed, p.published
	res.DelistRan = true
	return res, nil
}

// checkList applies the list guards before anything is written: the list
// must not be older than the newest edition of its dataset (unless
// Options.Force), and must not remove more listings than the threshold
// (unless Options.AllowMassRemoval).
func checkList(ctx context.Context, st ListStore, p parsed, sc *scan, opts Options, res *Result) error {
	latest, err := st.LatestList(ctx, p.dataset)
	if err != nil {
		return err
	}
	if latest != "" && p.published < latest && !opts.Force {
		return fmt.Errorf("%w: this %s list is of %s, older than the newest edition loaded (%s); pass -force to load it anyway", ErrOlderList, p.dataset, p.published, latest)
	}
	if opts.NoDelist || (latest != "" && p.published < latest) {
		return nil // an older edition ends no current period
	}
	ids := make([]string, len(sc.listings))
	for i, l := range sc.listings {
		ids[i] = l.SanctionID
	}
	plan, err := st.PlanRemovals(ctx, p.dataset, ids)
	if err != nil {
		return err
	}
	res.WouldRemove, res.Active = len(plan.Removed), plan.Active
	if limit := opts.MaxRemovals(plan.Active); len(plan.Removed) > limit && !opts.AllowMassRemoval {
		return fmt.Errorf("%w: this list of %s would remove %d of the %d listings the newest edition holds (more than %d: %s); nothing was written. Check the file; if the removals are real, pass -allow-mass-removal",
			ErrMassRemoval, p.published, len(plan.Removed), plan.Active, limit, cypher.ListingIDs(plan.Removed, 5))
	}
	return nil
}

// fileChecksum is the sha256 of the file read; for an OFAC CSV set, of its
// files in order.
func fileChecksum(format Format, path string) (string, error) {
	paths := []string{path}
	if format == OFAC && !strings.HasSuffix(strings.ToLower(strings.TrimSuffix(path, ".gz")), ".xml") {
		set, err := ofac.FindCSV(path)
		if err != nil {
			return "", err
		}
		paths = []string{set.SDN, set.Add, set.Alt, set.Comments}
	}
	h := sha256.New()
	for _, p := range paths {
		if p == "" {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			return "", err
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", p, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkInput refuses a file (every file of an OFAC CSV set) that expands
// past the limits or holds a record longer than them, before anything is
// written; the error names the file and the line.
func checkInput(format Format, path string, l loaders.Limits) error {
	var files []string
	sep := byte(loaders.Lines)
	switch {
	case format == UN:
		files, sep = []string{path}, loaders.Markup
	case format == OFAC && strings.HasSuffix(strings.ToLower(strings.TrimSuffix(path, ".gz")), ".xml"):
		files, sep = []string{path}, loaders.Markup
	case format == OFAC:
		set, err := ofac.FindCSV(path)
		if err != nil {
			return err
		}
		for _, f := range []string{set.SDN, set.Add, set.Alt, set.Comments} {
			if f != "" {
				files = append(files, f)
			}
		}
	case format == FtM:
		files = []string{path}
	}
	for _, f := range files {
		if err := loaders.Check(f, sep, l); err != nil {
			return err
		}
	}
	return nil
}

// estimateRecords counts what a file will yield, for the progress ETA: UN
// records by their opening tags, CSV and JSON lines by lines.
func estimateRecords(format Format, path string, l loaders.Limits) (int, error) {
	if format == OFAC {
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			path = filepath.Join(path, "sdn.csv")
		}
	}
	rc, err := loaders.OpenLimited(path, l)
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
	if s.Conflicts > 0 {
		fmt.Fprintf(w, "%s: %d fields changed by curators kept against the list (each conflict recorded as a LOAD_CONFLICT change)\n", what, s.Conflicts)
	}
}
