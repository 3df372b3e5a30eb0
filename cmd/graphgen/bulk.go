package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/neo4jlocal"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/synth"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// The bulk mode is the first load of a new store through Neo4j's offline
// importer, as `sanctiongraph import` does it for the lists: the generated
// batches go to cypher.Bulk (the same rows Store.Write would store), which
// writes the importer's CSV files; the importer writes the store; the local
// Neo4j then serves it while importer.Finish applies the schema and links
// records. Each phase reports its rows, time, rate and peak memory, and the
// files and the store their size on disk.

// phase is what one phase of a bulk run measured.
type phase struct {
	Name string
	Rows int
	Took time.Duration
	// PeakRSS is the most resident memory of the process doing the work
	// (graphgen itself, or the importer's JVM as it reports it); -1 unknown.
	PeakRSS int64
	// Disk is the size of what the phase wrote; -1 for none.
	Disk int64
	Note string
}

func (p phase) rate() float64 {
	if p.Took <= 0 {
		return 0
	}
	return float64(p.Rows) / p.Took.Seconds()
}

// runBulk writes g into a new store in cfg.Neo4jDir through the importer.
// ready, if not nil, is called with the running store once it is finished
// (tests compare it with a transactional run).
func runBulk(ctx context.Context, cfg Config, g *synth.Graph, stdout, stderr io.Writer, ready func(context.Context, *cypher.Store) error) (err error) {
	storeDir, err := filepath.Abs(cfg.Neo4jDir)
	if err != nil {
		return err
	}
	if !emptyOrMissing(filepath.Join(storeDir, "data", "databases", neo4jlocal.DefaultDatabase)) {
		return fmt.Errorf("-bulk: %s already holds a database; the importer needs a new -neo4j-dir", storeDir)
	}
	csvDir := cfg.CSVDir
	if csvDir == "" {
		csvDir = storeDir + ".import"
	}
	if !emptyOrMissing(csvDir) {
		return fmt.Errorf("-bulk: %s is not empty; name a new directory with -csv", csvDir)
	}
	m, err := schema.LoadModel()
	if err != nil {
		return err
	}
	var log io.Writer = io.Discard
	if cfg.Verbose {
		log = stderr
	}
	st := g.Stats()
	var phases []phase
	defer func() { printPhases(stdout, phases) }()

	// 1. Capture: the batches through cypher.Bulk, as Store.Write takes them.
	resetPeakRSS()
	b := cypher.NewBulk(m)
	p := newProgress(stderr, isTerminal(stderr))
	start := time.Now()
	done := 0
	for batch := range g.Batches(cfg.Synth.BatchSize) {
		if err := ctx.Err(); err != nil {
			p.finish()
			return err
		}
		if _, err := b.Write(ctx, batch); err != nil {
			p.finish()
			return fmt.Errorf("bulk: records %d–%d: %w", done+1, done+batch.Len(), err)
		}
		done += batch.Len()
		p.update(done, st.Records)
	}
	p.finish()
	phases = append(phases, phase{Name: "capture (cypher.Bulk.Write)", Rows: done, Took: time.Since(start), PeakRSS: peakRSS(), Disk: -1,
		Note: "Go heap in use " + mib(heapInUse())})

	// 2. The importer's files.
	fmt.Fprintf(stderr, "graphgen: writing the importer's files to %s\n", csvDir)
	start = time.Now()
	files, err := b.WriteCSV(ctx, csvDir)
	if err != nil {
		return fmt.Errorf("writing the importer's files: %w", err)
	}
	rows := files.NodeRows + files.RelationshipRows
	phases = append(phases, phase{Name: "CSV files (WriteCSV)", Rows: rows, Took: time.Since(start), PeakRSS: peakRSS(), Disk: du(csvDir),
		Note: fmt.Sprintf("%s node rows, %s relationship rows", thousands(files.NodeRows), thousands(files.RelationshipRows))})
	// The captured rows are on disk now; give their memory back before the
	// importer's JVM wants it.
	b = nil
	runtime.GC()
	debug.FreeOSMemory()
	if !cfg.KeepCSV && cfg.CSVDir == "" {
		defer func() {
			if err == nil {
				err = os.RemoveAll(csvDir)
			}
		}()
	}

	// 3. Neo4j's importer into the new store.
	fmt.Fprintf(stderr, "graphgen: Neo4j's importer into %s (heap %d MiB)\n", storeDir, cfg.ImportHeapMB)
	stats, err := neo4jlocal.Import(ctx, neo4jlocal.Config{Dir: storeDir, HeapMB: cfg.ImportHeapMB, Log: log}, neo4jlocal.ImportConfig{
		Nodes: files.Nodes, Relationships: files.Relationships,
		ArrayDelimiter: cypher.ArrayDelimiter, MultilineFields: true,
		Threads: cfg.ImportThreads, MaxOffHeapMB: cfg.ImportOffHeapMB,
	})
	if err != nil {
		return fmt.Errorf("neo4j importer: %w", err)
	}
	if stats.Nodes != int64(files.NodeRows) || stats.Relationships != int64(files.RelationshipRows) {
		return fmt.Errorf("neo4j importer: read %d nodes and %d relationships, the files hold %d and %d", stats.Nodes, stats.Relationships, files.NodeRows, files.RelationshipRows)
	}
	phases = append(phases, phase{Name: "Neo4j importer", Rows: int(stats.Nodes + stats.Relationships), Took: stats.Wall, PeakRSS: -1, Disk: du(storeDir),
		Note: fmt.Sprintf("%s properties; JVM heap peak %s, importer peak %s (mostly off-heap); import itself %s",
			thousands(int(stats.Properties)), mib(stats.PeakHeapBytes), mib(stats.PeakImporterBytes), stats.Duration.Round(100*time.Millisecond))})

	// 4. Schema and links on the served store.
	fmt.Fprintf(stderr, "graphgen: starting the local Neo4j on the imported store (heap %d MiB, page cache %d MiB)\n", cfg.Neo4jHeapMB, cfg.Neo4jPageCacheMB)
	start = time.Now()
	inst, err := neo4jlocal.Start(ctx, neo4jlocal.Config{
		Dir: storeDir, Port: cfg.Neo4jPort, HeapMB: cfg.Neo4jHeapMB, PageCacheMB: cfg.Neo4jPageCacheMB, Log: log,
	})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stopLocal(inst, stderr)) }()
	startTook := time.Since(start)
	cfg.Neo4j.URI, cfg.Neo4j.User, cfg.Neo4j.Password = inst.RoutingURI(), "", ""
	store, err := cypher.Open(cfg.Neo4j)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	if err := store.Verify(ctx); err != nil {
		return fmt.Errorf("Neo4j at %s: %w", cfg.Neo4j.URI, err)
	}
	fmt.Fprintln(stderr, "graphgen: schema and links (importer.Finish)")
	start = time.Now()
	lr, err := importer.Finish(ctx, store, files.Editions)
	if err != nil {
		return fmt.Errorf("finish the import: %w", err)
	}
	phases = append(phases, phase{Name: "start + Finish (schema, links)", Rows: int(stats.Nodes + stats.Relationships), Took: startTook + time.Since(start), PeakRSS: -1, Disk: du(storeDir),
		Note: fmt.Sprintf("Neo4j start %s; links %+v", startTook.Round(100*time.Millisecond), lr)})
	c, err := store.Counts(ctx, model.CountQuery{})
	if err != nil {
		return err
	}
	if c.Entities != st.Nodes || c.Relationships != st.Relationships {
		return fmt.Errorf("the imported graph holds %d entities and %d relationships, generated %d and %d", c.Entities, c.Relationships, st.Nodes, st.Relationships)
	}
	printSummary(stdout, st, cfg.Synth, false)
	if ready != nil {
		if err := ready(ctx, store); err != nil {
			return err
		}
	}
	if cfg.Serve {
		printPhases(stdout, phases)
		phases = nil
		fmt.Fprintf(stderr, "graphgen: Neo4j serves the graph at %s until Ctrl-C; e.g.\n  NEO4J_URI=%s go run ./cmd/sanctiongraph serve\n", cfg.Neo4j.URI, cfg.Neo4j.URI)
		<-ctx.Done()
	}
	return nil
}

// printPhases is the table of a bulk run.
func printPhases(w io.Writer, phases []phase) {
	if len(phases) == 0 {
		return
	}
	fmt.Fprintln(w, "bulk load:")
	fmt.Fprintf(w, "  %-32s %12s %10s %12s %10s %10s\n", "phase", "rows", "seconds", "rows/s", "peak RSS", "disk")
	var total time.Duration
	for _, p := range phases {
		total += p.Took
		fmt.Fprintf(w, "  %-32s %12s %10.1f %12s %10s %10s\n", p.Name, thousands(p.Rows), p.Took.Seconds(), thousands(int(p.rate())), mib(p.PeakRSS), mib(p.Disk))
		if p.Note != "" {
			fmt.Fprintf(w, "    %s\n", p.Note)
		}
	}
	fmt.Fprintf(w, "  total %.1f s\n", total.Seconds())
}

// mib formats bytes as MiB, "-" when negative (unknown or none).
func mib(n int64) string {
	if n < 0 {
		return "-"
	}
	return thousands(int(n>>20)) + " MiB"
}

// resetPeakRSS resets the kernel's high-water mark of this process's
// resident memory (VmHWM), so peakRSS measures one phase; without
// /proc/self/clear_refs (not Linux) it does nothing.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is VmHWM from /proc/self/status in bytes, -1 if unknown.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return -1
			}
			return kb << 10
		}
	}
	return -1
}

func heapInUse() int64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}

// du is the disk space the files under dir take (allocated blocks), -1 on
// error.
func du(dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += allocated(info)
		}
		return nil
	})
	if err != nil {
		return -1
	}
	return n
}

func emptyOrMissing(dir string) bool {
	entries, err := os.ReadDir(dir)
	return errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0)
}
