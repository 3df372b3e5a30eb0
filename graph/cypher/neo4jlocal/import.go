package neo4jlocal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// importerClass is the bulk importer's entry point (Importer.java).
const importerClass = "org.sanctiongraph.neo4j.Importer"

// DefaultDatabase is the database Import writes and the launcher serves.
const DefaultDatabase = "neo4j"

// ImportConfig says what to bulk-load with Import: Neo4j's offline importer
// (the engine of neo4j-admin database import full) writing a new store.
//
// Each group is one header file followed by its data files. Node headers
// name an id column with an id space, id:ID(Node) (stored as property id),
// and take labels from a :LABEL column, several separated by the array
// delimiter (Node;Person with the default ';', Node\x1fPerson with
// ArrayDelimiter '\x1f', under which Node;Person is one label);
// relationship headers have :START_ID(Node), :END_ID(Evidence) and :TYPE.
// Typed columns (statusRank:long, validFrom:date, share:double,
// flag:boolean, aliases:string[]) are converted by the importer; a boolean
// is true only for "true" in any case, anything else is false. An empty
// unquoted field stores no property, a quoted empty field ("") stores the
// empty string, and an empty array field, quoted or not, stores no
// property (the importer cannot write an empty list).
//
// With Docker (docker-compose.yml) the same import is the image's own
// neo4j-admin, run in a one-off neo4j container while the neo4j service is
// stopped, with the CSV files mounted at /import (Go passes the same flags;
// --threads and --max-off-heap-memory only when Threads and MaxOffHeapMB are
// set, and the files as absolute paths whose last element is quoted,
// \Qnodes.csv\E, because the importer reads it as a regular expression):
//
//	docker compose stop neo4j
//	docker compose run --rm --no-deps -e HEAP_SIZE=1024m -v "$PWD/import:/import:ro" neo4j \
//	  neo4j-admin database import full neo4j \
//	    --nodes=/import/nodes-header.csv,/import/nodes.csv \
//	    --nodes=/import/evidence-header.csv,/import/evidence.csv \
//	    --relationships=/import/relationships-header.csv,/import/relationships.csv \
//	    --delimiter=U+002C --array-delimiter=U+001F --multiline-fields=true \
//	    --threads=2 --max-off-heap-memory=2048m \
//	    --report-file=/logs/import.report \
//	    --overwrite-destination=true
//	docker compose start neo4j
//
// --overwrite-destination=true is what Docker needs and Go does not: the
// compose volume already holds a neo4j database once the service has run,
// and the import replaces it (Import instead refuses a store that holds one).
// HEAP_SIZE is Config.HeapMB.
type ImportConfig struct {
	// Nodes and Relationships are the file groups, each a header file then
	// data files (--nodes=h.csv,d1.csv,d2.csv). At least one node group.
	Nodes         [][]string
	Relationships [][]string
	// Delimiter separates fields; default ','.
	Delimiter rune
	// ArrayDelimiter separates array elements and labels; default ';'.
	ArrayDelimiter rune
	// MultilineFields lets quoted fields contain newlines. Neo4j warns that
	// it can severely slow the importer down; on 2 cores an import of 1M
	// nodes and 2M relationships took no longer with it.
	MultilineFields bool
	// Threads caps the importer's worker threads; 0 = its default, the
	// number of processors.
	Threads int
	// MaxOffHeapMB caps the memory of the importer's caches and id mapper
	// (outside the JVM heap); 0 = its default, 90% of the free memory.
	MaxOffHeapMB int
	// ReportFile receives the importer's report of bad entries; default
	// Config.Dir/logs/import.report.
	ReportFile string
}

// ImportStats is what the importer reports about a finished import.
type ImportStats struct {
	Nodes, Relationships, Properties int64
	// Duration is the import itself; Wall adds the JVM's start and exit.
	Duration, Wall time.Duration
	// PeakHeapBytes is the most JVM heap in use; PeakImporterBytes the most
	// the importer's caches and id mapper held ("Peak memory usage"), most
	// of it off-heap. -1 when not reported.
	PeakHeapBytes, PeakImporterBytes int64
}

// Import runs the importer into the default database ("neo4j") of the store
// at cfg.Dir, which must not hold that database yet (error otherwise, naming
// the dir). It builds the launcher if needed, like Start, and runs the
// importer in a JVM of cfg.HeapMB; the importer's progress goes to cfg.Log.
// Start on the same Dir then serves the imported graph.
//
// A failed or cancelled import (ctx ends: the JVM is killed) leaves no
// database behind: the half-written store is removed, so the same Dir can be
// imported into again. The error of bad input is the importer's own,
// naming the file and line (counted from 0, the header being line 0 of the
// first file of a group) or the missing node of a relationship.
func Import(ctx context.Context, cfg Config, imp ImportConfig) (ImportStats, error) {
	stats := ImportStats{PeakHeapBytes: -1, PeakImporterBytes: -1}
	if cfg.Dir == "" {
		return stats, errors.New("neo4j import: Config.Dir is required")
	}
	cfg = cfg.withDefaults()
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return stats, err
	}
	if imp.ReportFile == "" {
		imp.ReportFile = filepath.Join(dir, "logs", "import.report")
	}
	args, err := importArgs(imp)
	if err != nil {
		return stats, err
	}
	dbDir := filepath.Join(dir, "data", "databases", DefaultDatabase)
	txDir := filepath.Join(dir, "data", "transactions", DefaultDatabase)
	for _, d := range []string{dbDir, txDir} {
		if !emptyOrMissing(d) {
			return stats, fmt.Errorf("neo4j import: the store at %s already holds database %q (%s); import only into a new store", dir, DefaultDatabase, d)
		}
	}
	if err := os.MkdirAll(filepath.Dir(imp.ReportFile), 0o755); err != nil {
		return stats, fmt.Errorf("neo4j import: report file: %w", err)
	}
	java, err := exec.LookPath("java")
	if err != nil {
		return stats, errors.New("neo4j import: java not found on PATH; install Java 17 (see README)")
	}
	cp, err := Build(ctx, cfg.CacheDir, cfg.Log)
	if err != nil {
		return stats, err
	}

	jvm := []string{
		"-Xms" + strconv.Itoa(min(cfg.HeapMB, 256)) + "m",
		"-Xmx" + strconv.Itoa(cfg.HeapMB) + "m",
		"-XX:+ExitOnOutOfMemoryError",
		"-cp", cp, importerClass,
		"--home", dir,
		"--exit-on-eof",
		"--",
	}
	cmd := exec.Command(java, append(jvm, args...)...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return stats, err
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return stats, err
	}
	var stderr lockedTail
	cmd.Stderr = io.MultiWriter(cfg.Log, &stderr)

	// Whatever goes wrong from here on, the half-written database goes.
	ok := false
	defer func() {
		if !ok {
			_ = os.RemoveAll(dbDir)
			_ = os.RemoveAll(txDir)
		}
	}()

	fmt.Fprintf(cfg.Log, "neo4j import: neo4j-admin database import full %s\n", strings.Join(args[1:], " "))
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return stats, fmt.Errorf("neo4j import: start java: %w", err)
	}
	killed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		close(killed)
	})
	var done, failed string
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "DONE "):
			done = line
		case strings.HasPrefix(line, "FAILED "):
			failed = line
		default:
			fmt.Fprintln(cfg.Log, line)
		}
	}
	_, _ = io.Copy(io.Discard, stdout)
	waitErr := cmd.Wait()
	stopped := stop()
	stats.Wall = time.Since(start)
	if !stopped {
		<-killed
		if done == "" || waitErr != nil {
			return stats, fmt.Errorf("neo4j import into %s: %w", dir, ctx.Err())
		}
	}
	if failed != "" {
		msg, err := strconv.Unquote(strings.TrimPrefix(failed, "FAILED "))
		if err != nil {
			msg = strings.TrimPrefix(failed, "FAILED ")
		}
		if st, err := os.Stat(imp.ReportFile); err == nil && st.Size() > 0 {
			msg += " (bad entries in " + imp.ReportFile + ")"
		}
		return stats, fmt.Errorf("neo4j import into %s: %s", dir, msg)
	}
	if done == "" || waitErr != nil {
		return stats, fmt.Errorf("neo4j import into %s: the importer exited (%v) without a result:\n%s", dir, waitErr, tail(stderr.String(), 20))
	}
	if err := parseDone(done, &stats); err != nil {
		return stats, fmt.Errorf("neo4j import into %s: %w", dir, err)
	}
	ok = true
	return stats, nil
}

// importArgs are the arguments of neo4j-admin database import full for imp,
// with absolute file names quoted for the importer: it reads the last
// element of each name as a regular expression and splits names at commas.
func importArgs(imp ImportConfig) ([]string, error) {
	if len(imp.Nodes) == 0 {
		return nil, errors.New("neo4j import: no node files")
	}
	args := []string{"full", DefaultDatabase}
	for _, g := range []struct {
		flag   string
		groups [][]string
	}{{"--nodes", imp.Nodes}, {"--relationships", imp.Relationships}} {
		for _, files := range g.groups {
			if len(files) == 0 {
				return nil, fmt.Errorf("neo4j import: an empty %s group", g.flag)
			}
			quoted := make([]string, len(files))
			for i, f := range files {
				q, err := importerPath(f)
				if err != nil {
					return nil, err
				}
				quoted[i] = q
			}
			args = append(args, g.flag+"="+strings.Join(quoted, ","))
		}
	}
	delim, err := importerChar("Delimiter", imp.Delimiter, ',')
	if err != nil {
		return nil, err
	}
	arrayDelim, err := importerChar("ArrayDelimiter", imp.ArrayDelimiter, ';')
	if err != nil {
		return nil, err
	}
	if delim == arrayDelim {
		return nil, fmt.Errorf("neo4j import: Delimiter and ArrayDelimiter are both %s", delim)
	}
	args = append(args,
		"--delimiter="+delim,
		"--array-delimiter="+arrayDelim,
		"--multiline-fields="+strconv.FormatBool(imp.MultilineFields),
	)
	switch {
	case imp.Threads < 0:
		return nil, fmt.Errorf("neo4j import: Threads %d < 0", imp.Threads)
	case imp.Threads > 0:
		args = append(args, "--threads="+strconv.Itoa(imp.Threads))
	}
	switch {
	case imp.MaxOffHeapMB < 0:
		return nil, fmt.Errorf("neo4j import: MaxOffHeapMB %d < 0", imp.MaxOffHeapMB)
	case imp.MaxOffHeapMB > 0:
		args = append(args, "--max-off-heap-memory="+strconv.Itoa(imp.MaxOffHeapMB)+"m")
	}
	if imp.ReportFile != "" {
		r, err := filepath.Abs(imp.ReportFile)
		if err != nil {
			return nil, err
		}
		args = append(args, "--report-file="+r)
	}
	return args, nil
}

// importerPath makes f absolute, checks that it is a readable file and
// quotes its base name as a literal regular expression (\Q...\E).
func importerPath(f string) (string, error) {
	abs, err := filepath.Abs(f)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(abs, ",\\\n\r") || strings.Contains(filepath.Base(abs), `\E`) || strings.TrimSpace(abs) != abs {
		return "", fmt.Errorf("neo4j import: file name %q: the importer cannot take commas, backslashes, line breaks or surrounding spaces in file names", f)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("neo4j import: %w", err)
	}
	if st.IsDir() {
		return "", fmt.Errorf("neo4j import: %s is a directory, not a CSV file", abs)
	}
	return filepath.Join(filepath.Dir(abs), `\Q`+filepath.Base(abs)+`\E`), nil
}

// importerChar writes r as the importer's U+XXXX (def when r is 0).
func importerChar(name string, r, def rune) (string, error) {
	if r == 0 {
		r = def
	}
	if r > 0xFFFF || r == '"' || r == '\n' || r == '\r' {
		return "", fmt.Errorf("neo4j import: %s %q: the importer takes one UTF-16 character other than a quote or line break", name, r)
	}
	return fmt.Sprintf("U+%04X", r), nil
}

// parseDone reads "DONE nodes=N relationships=N ..." into stats.
func parseDone(line string, stats *ImportStats) error {
	for _, kv := range strings.Fields(strings.TrimPrefix(line, "DONE ")) {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("bad result line %q", line)
		}
		switch k {
		case "nodes":
			stats.Nodes = n
		case "relationships":
			stats.Relationships = n
		case "properties":
			stats.Properties = n
		case "millis":
			stats.Duration = time.Duration(n) * time.Millisecond
		case "heap_peak":
			stats.PeakHeapBytes = n
		case "importer_memory_peak":
			stats.PeakImporterBytes = n
		}
	}
	if stats.Nodes < 0 {
		return fmt.Errorf("the importer printed no totals (%q)", line)
	}
	return nil
}

// emptyOrMissing reports whether dir does not exist or has no entries.
func emptyOrMissing(dir string) bool {
	f, err := os.Open(dir)
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	defer f.Close()
	names, _ := f.Readdirnames(1)
	return len(names) == 0
}
