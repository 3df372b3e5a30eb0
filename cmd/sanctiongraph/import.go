package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/neo4jlocal"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// The import command is the bulk first load: the loaders run as for
// `load`, with every check and guard, but their records go to Neo4j's
// offline importer instead of transactions; the schema, the lists'
// editions and the links across datasets follow on the imported database.

const importUsage = `usage: sanctiongraph import [flags] SPEC…
       sanctiongraph import -finish DIR   (after neo4j-admin, against NEO4J_URI)

Bulk first load of an empty graph through Neo4j's own importer, for data sets
too large for transactional loads. SPEC is curated, un:FILE, ofac:FILE-OR-DIR
(a date may follow as @YYYY-MM-DD: OFAC CSV states none) or ftm:FILE, loaded in
the order given (a list's editions oldest first); -shared DIR adds every file
of the project's shared data folder after the curated dataset. The result is
the graph 'sanctiongraph load' makes of the same files, one load after the
other; later editions then load incrementally with 'load'.

Local Neo4j (no Docker): the database is written into -neo4j-dir, which must
not hold one yet; 'sanctiongraph dev -neo4j-dir DIR' then serves it.

Docker or a server: run with -csv-only -csv DIR, run the neo4j-admin command
it prints, start Neo4j, then 'sanctiongraph import -finish DIR' with NEO4J_URI
set applies the schema, the editions and the links.
`

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var (
		shared    = fs.String("shared", "", "add every file of this shared data folder (../shared/data) after the curated dataset")
		csvDir    = fs.String("csv", "", "directory for the importer's files (default: a new one beside -neo4j-dir, removed after a local import)")
		csvOnly   = fs.Bool("csv-only", false, "write the importer's files and print the neo4j-admin command; import nothing")
		finish    = fs.String("finish", "", "finish an import neo4j-admin ran from the files in this directory, against NEO4J_URI")
		keepCSV   = fs.Bool("keep-csv", false, "keep the importer's files after a local import")
		massRem   = fs.Bool("allow-mass-removal", false, "load list editions that remove more listings than the guard allows")
		importMem = fs.Int("import-heap-mb", 2048, "JVM heap of Neo4j's importer in MiB (local import)")
		progress  = fs.String("progress", "auto", "auto (a live line on a terminal, a line every 10 s otherwise), plain or none")
	)
	cfg, err := parseFlagSet(fs, "import", args, getenv, stderr, true) // like dev: no NEO4J_URI needed
	if err != nil {
		return err
	}
	log := cfg.logger(stderr)
	if *finish != "" {
		if cfg.Neo4j.URI == "" {
			return errors.New("import -finish: set NEO4J_URI (or -neo4j-uri) to the database neo4j-admin imported")
		}
		return finishImport(ctx, cfg, filepath.Join(*finish, "editions.json"), stdout)
	}
	// Editions record who loaded them and how.
	base := importer.Options{LoadedBy: strings.Replace(loadedBy(getenv), "sanctiongraph load", "sanctiongraph import", 1), AllowMassRemoval: *massRem}
	switch *progress {
	case "auto", "plain":
		base.Progress, base.TTY = stderr, *progress == "auto" && isTerminal(os.Stderr)
	case "none":
	default:
		return fmt.Errorf("-progress %q: want auto, plain or none", *progress)
	}
	var specs []importer.Spec
	if *shared != "" {
		specs = importer.SharedData(*shared, base)
	}
	for _, a := range fs.Args() {
		s, err := importer.ParseSpec(a, base)
		if err != nil {
			return err
		}
		specs = append(specs, s)
	}
	if len(specs) == 0 {
		fmt.Fprint(stderr, importUsage)
		return errors.New("import: name what to load (SPEC… or -shared DIR)")
	}
	storeDir, _ := filepath.Abs(cfg.Neo4jDir)
	if !*csvOnly {
		if cfg.Neo4j.URI != "" {
			return errors.New("import: a local import writes a new store in -neo4j-dir; against a server, use -csv-only, neo4j-admin and -finish")
		}
		if _, err := os.Stat(filepath.Join(storeDir, "data", "databases", "neo4j")); err == nil {
			return fmt.Errorf("import: %s already holds a database; a bulk import needs a new -neo4j-dir (use 'load' to add to it)", storeDir)
		}
	}
	dir := *csvDir
	if dir == "" {
		if *csvOnly {
			return errors.New("import -csv-only: name the directory for the files with -csv")
		}
		dir = storeDir + ".import"
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("import: %s is not empty; name a new directory with -csv", dir)
	}
	m, err := schema.LoadModel()
	if err != nil {
		return err
	}

	// 1. The loaders, into the importer's files.
	start := time.Now()
	files, results, err := importer.Capture(ctx, m, specs, dir)
	if err != nil {
		return err
	}
	for _, r := range results {
		r.Print(stdout)
	}
	rows := files.NodeRows + files.RelationshipRows
	capture := time.Since(start)
	fmt.Fprintf(stdout, "importer files: %d nodes, %d relationships in %s (%s, %.0f rows/s)\n",
		files.NodeRows, files.RelationshipRows, dir, capture.Round(time.Millisecond), float64(rows)/capture.Seconds())
	if *csvOnly {
		fmt.Fprintf(stdout, "\nNow run Neo4j's importer into a new database, e.g. in the neo4j container with %s mounted at /import:\n\n  %s\n\nthen start Neo4j and run: sanctiongraph import -finish %s (with NEO4J_URI set)\n",
			dir, adminImportCommand(files), dir)
		return nil
	}

	// 2. Neo4j's importer, into a new local store.
	t := time.Now()
	stats, err := neo4jlocal.Import(ctx, neo4jlocal.Config{Dir: storeDir, HeapMB: *importMem, Log: slogWriter{log}}, importConfig(files))
	if err != nil {
		return fmt.Errorf("neo4j importer: %w", err)
	}
	took := time.Since(t)
	fmt.Fprintf(stdout, "neo4j importer: %d nodes, %d relationships, %d properties in %s (%.0f rows/s)\n",
		stats.Nodes, stats.Relationships, stats.Properties, took.Round(time.Millisecond), float64(rows)/took.Seconds())

	// 3. Schema, editions and links on the imported database.
	t = time.Now()
	inst, err := neo4jlocal.Start(ctx, neo4jlocal.Config{Dir: storeDir, Port: 0, HeapMB: cfg.Neo4jHeapMB, PageCacheMB: 512, Log: slogWriter{log}})
	if err != nil {
		return err
	}
	defer inst.Stop(context.Background())
	cfg.Neo4j.URI = inst.RoutingURI()
	if err := finishImport(ctx, cfg, files.Editions, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "finished in %s; total %s. Serve it with: sanctiongraph dev -neo4j-dir %s\n",
		time.Since(t).Round(time.Millisecond), time.Since(start).Round(time.Millisecond), cfg.Neo4jDir)
	if !*keepCSV && *csvDir == "" {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	return nil
}

// importConfig is what the local importer is given.
func importConfig(f cypher.BulkFiles) neo4jlocal.ImportConfig {
	return neo4jlocal.ImportConfig{
		Nodes: f.Nodes, Relationships: f.Relationships,
		ArrayDelimiter: cypher.ArrayDelimiter, MultilineFields: true,
	}
}

// adminImportCommand is the same import as neo4j-admin runs it in the
// neo4j container of docker-compose.yml, with the files mounted at /import
// (see neo4jlocal.ImportConfig for why each flag).
func adminImportCommand(f cypher.BulkFiles) string {
	var b strings.Builder
	b.WriteString("docker compose stop neo4j\n  docker compose run --rm --no-deps -v \"" + f.Dir + ":/import:ro\" neo4j \\\n    neo4j-admin database import full neo4j")
	for _, g := range []struct {
		flag   string
		groups [][]string
	}{{"--nodes", f.Nodes}, {"--relationships", f.Relationships}} {
		for _, files := range g.groups {
			paths := make([]string, len(files))
			for i, p := range files {
				paths[i] = "/import/" + filepath.Base(p)
			}
			b.WriteString(" \\\n      " + g.flag + "=" + strings.Join(paths, ","))
		}
	}
	b.WriteString(" \\\n      --delimiter=U+002C --array-delimiter=U+001F --multiline-fields=true --overwrite-destination=true\n  docker compose start neo4j")
	return b.String()
}

func finishImport(ctx context.Context, cfg Config, editions string, stdout io.Writer) error {
	st, err := cypher.Open(cfg.Neo4j)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	if err := waitForNeo4j(ctx, st, cfg.StartupTimeout, cfg.logger(io.Discard)); err != nil {
		return err
	}
	lr, err := importer.Finish(ctx, st, editions)
	if err != nil {
		return err
	}
	lr.Print(stdout)
	return nil
}
