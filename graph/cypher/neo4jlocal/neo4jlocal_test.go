package neo4jlocal

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
)

func TestVersionPinnedEverywhere(t *testing.T) {
	pom, err := sources.ReadFile("pom.xml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<neo4j.version>([^<]+)</neo4j.version>`).FindSubmatch(pom)
	if m == nil || string(m[1]) != Neo4jVersion {
		t.Fatalf("pom.xml neo4j.version = %q, want Neo4jVersion %q", m, Neo4jVersion)
	}
	compose, err := os.ReadFile("../../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	minor := Neo4jVersion[:strings.LastIndexByte(Neo4jVersion, '.')]
	if !strings.Contains(string(compose), "image: neo4j:"+minor) {
		t.Errorf("docker-compose.yml does not run neo4j:%s like the launcher (%s)", minor, Neo4jVersion)
	}
}

func TestSourceHashStable(t *testing.T) {
	if a, b := SourceHash(), SourceHash(); a != b || len(a) != 16 {
		t.Fatalf("SourceHash = %q then %q", a, b)
	}
}

// TestStartStopRestart runs the real launcher: it must report ready, accept
// TCP connections on the Bolt port, stop cleanly and start again on the same
// port with the same store.
func TestStartStopRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(5*time.Minute))
	defer cancel()
	inst, err := Start(ctx, Config{Dir: t.TempDir(), HeapMB: 512, PageCacheMB: 64})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = inst.Stop(context.Background()) })
	if !strings.HasPrefix(inst.URI(), "bolt://127.0.0.1:") || inst.Port() == 0 {
		t.Fatalf("URI = %q, port %d", inst.URI(), inst.Port())
	}
	dial(t, inst.Port(), true)

	if err := inst.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-inst.Exited():
	default:
		t.Fatal("process still running after Stop")
	}
	dial(t, inst.Port(), false)

	port := inst.Port()
	if err := inst.Restart(ctx); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	if inst.Port() != port {
		t.Errorf("restarted on port %d, want %d", inst.Port(), port)
	}
	dial(t, inst.Port(), true)
}

func TestStartRejectsMissingDir(t *testing.T) {
	if _, err := Start(context.Background(), Config{}); err == nil {
		t.Fatal("Start without Dir: want error")
	}
}

func dial(t *testing.T, port int, want bool) {
	t.Helper()
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", itoa(port)), 2*time.Second)
	if c != nil {
		c.Close()
	}
	if (err == nil) != want {
		t.Fatalf("dial port %d: err=%v, want reachable=%v", port, err, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// us is the array delimiter of the import tests: the ASCII unit separator,
// which never occurs in names, so aliases may hold ';' and ','.
const us = "\x1f"

// writeFiles writes name → content into dir and returns dir.
func writeFiles(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// importFixture is a small CSV set covering what the loaders need: two id
// spaces (Node and Evidence, both holding an "n1"), several labels per node,
// typed properties, arrays with a custom delimiter, a quoted multi-line
// field, quoted and unquoted empty fields, two data files behind one header.
func importFixture(t *testing.T) (dir string, imp ImportConfig) {
	dir = writeFiles(t, t.TempDir(), map[string]string{
		"nodes-header.csv": "id:ID(Node),:LABEL,name,statusRank:long,validFrom:date,share:double,flag:boolean,aliases:string[],description,note\n",
		"nodes-1.csv": "n1,Node" + us + "Person,Alice,3,2020-01-02,0.25,true,\"Alice Smith" + us + "Al;Ali, Jr.\",\"line one\nline two, with a \"\"quote\"\"\",\"\"\n" +
			"n2,Node" + us + "Company,Acme,,2021-12-31,1.5,false,,plain,\n",
		"nodes-2.csv":              "n3,Node,Bob,-7,1999-12-31,-0.5,FALSE,Bobby,\"\",x\n",
		"evidence-header.csv":      "id:ID(Evidence),:LABEL,url\n",
		"evidence.csv":             "e1,Evidence,https://example.org/e1\nn1,Evidence" + us + "Source,https://example.org/n1\n",
		"relationships-header.csv": ":START_ID(Node),:END_ID(Evidence),:TYPE,id\n",
		"relationships.csv":        "n1,e1,SUPPORTED_BY,r1\nn2,n1,SUPPORTED_BY,r2\nn3,e1,MENTIONED_IN,r3\n",
	})
	p := func(n string) string { return filepath.Join(dir, n) }
	return dir, ImportConfig{
		Nodes: [][]string{
			{p("nodes-header.csv"), p("nodes-1.csv"), p("nodes-2.csv")},
			{p("evidence-header.csv"), p("evidence.csv")},
		},
		Relationships:   [][]string{{p("relationships-header.csv"), p("relationships.csv")}},
		ArrayDelimiter:  '\x1f',
		MultilineFields: true,
		Threads:         2,
		MaxOffHeapMB:    512,
	}
}

// TestImport bulk-loads the fixture into a new store, serves it with Start
// and reads every value back with the Go driver; the store then takes
// constraints, indexes and writes, and refuses a second import.
func TestImport(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(5*time.Minute))
	defer cancel()
	_, imp := importFixture(t)
	store := t.TempDir()
	cfg := Config{Dir: store, HeapMB: 512, PageCacheMB: 64}
	var log bytes.Buffer
	cfg.Log = &syncWriter{w: &log}
	stats, err := Import(ctx, cfg, imp)
	if err != nil {
		t.Fatalf("Import: %v\n%s", err, log.String())
	}
	// 5 nodes; properties: n1 9 (note ""), n2 6, n3 9 (description ""), e1 2, n1 2, r 3×1.
	if stats.Nodes != 5 || stats.Relationships != 3 || stats.Properties != 31 {
		t.Errorf("stats = %+v, want 5 nodes, 3 relationships, 31 properties", stats)
	}
	if stats.Duration <= 0 || stats.Wall < stats.Duration || stats.PeakHeapBytes <= 0 || stats.PeakImporterBytes < 0 {
		t.Errorf("stats = %+v: want durations and peaks", stats)
	}
	t.Logf("stats: %+v", stats)
	if !strings.Contains(log.String(), "IMPORT DONE") {
		t.Errorf("the importer's progress is not in Config.Log:\n%s", log.String())
	}
	for _, d := range []string{"data/databases/neo4j/neostore", "data/transactions/neo4j", "logs/import.report"} {
		if _, err := os.Stat(filepath.Join(store, d)); err != nil {
			t.Errorf("store layout: %v", err)
		}
	}

	inst, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = inst.Stop(context.Background()) })
	drv, err := neo4j.NewDriverWithContext(inst.URI(), neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(ctx)
	query := func(q string) []*neo4j.Record {
		t.Helper()
		res, err := neo4j.ExecuteQuery(ctx, drv, q, nil, neo4j.EagerResultTransformer)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res.Records
	}

	date := func(s string) dbtype.Date {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return dbtype.Date(d)
	}
	want := map[string]struct {
		labels []string
		props  map[string]any
	}{
		"Node n1": {[]string{"Node", "Person"}, map[string]any{
			"id": "n1", "name": "Alice", "statusRank": int64(3), "validFrom": date("2020-01-02"),
			"share": 0.25, "flag": true, "aliases": []any{"Alice Smith", "Al;Ali, Jr."},
			"description": "line one\nline two, with a \"quote\"", "note": "",
		}},
		// Empty unquoted fields and an empty array: no property at all.
		"Node n2": {[]string{"Company", "Node"}, map[string]any{
			"id": "n2", "name": "Acme", "validFrom": date("2021-12-31"), "share": 1.5, "flag": false,
			"description": "plain",
		}},
		"Node n3": {[]string{"Node"}, map[string]any{
			"id": "n3", "name": "Bob", "statusRank": int64(-7), "validFrom": date("1999-12-31"),
			"share": -0.5, "flag": false, "aliases": []any{"Bobby"}, "description": "", "note": "x",
		}},
		"Evidence e1": {[]string{"Evidence"}, map[string]any{"id": "e1", "url": "https://example.org/e1"}},
		"Evidence n1": {[]string{"Evidence", "Source"}, map[string]any{"id": "n1", "url": "https://example.org/n1"}},
	}
	recs := query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
	if len(recs) != len(want) {
		t.Errorf("%d nodes, want %d", len(recs), len(want))
	}
	for _, r := range recs {
		labels := toStrings(r.AsMap()["labels"])
		sort.Strings(labels)
		props := r.AsMap()["props"].(map[string]any)
		space := "Node"
		if labels[0] == "Evidence" {
			space = "Evidence"
		}
		key := space + " " + props["id"].(string)
		w, ok := want[key]
		if !ok {
			t.Errorf("unexpected node %s %v", key, props)
			continue
		}
		if !reflect.DeepEqual(labels, w.labels) {
			t.Errorf("%s labels = %q, want %q", key, labels, w.labels)
		}
		if len(props) != len(w.props) {
			t.Errorf("%s has properties %v, want %v", key, props, w.props)
		}
		for k, wv := range w.props {
			gv, ok := props[k]
			if !ok {
				t.Errorf("%s.%s missing, want %#v", key, k, wv)
				continue
			}
			if wd, isDate := wv.(dbtype.Date); isDate {
				gd, ok := gv.(dbtype.Date)
				if !ok || gd.String() != wd.String() {
					t.Errorf("%s.%s = %#v (%T), want date %s", key, k, gv, gv, wd)
				}
				continue
			}
			if !reflect.DeepEqual(gv, wv) {
				t.Errorf("%s.%s = %#v (%T), want %#v (%T)", key, k, gv, gv, wv, wv)
			}
		}
	}

	rels := query("MATCH (a:Node)-[r]->(b:Evidence) RETURN a.id AS a, type(r) AS type, properties(r) AS props, b.id AS b ORDER BY r.id")
	var got []string
	for _, r := range rels {
		m := r.AsMap()
		got = append(got, m["a"].(string)+" "+m["type"].(string)+" "+m["b"].(string)+" "+m["props"].(map[string]any)["id"].(string))
	}
	if want := []string{"n1 SUPPORTED_BY e1 r1", "n2 SUPPORTED_BY n1 r2", "n3 MENTIONED_IN e1 r3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("relationships = %q, want %q", got, want)
	}

	// The imported store takes schema and writes like any other.
	query("CREATE CONSTRAINT node_id FOR (n:Node) REQUIRE n.id IS UNIQUE")
	query("CREATE INDEX evidence_url FOR (e:Evidence) ON (e.url)")
	query("CALL db.awaitIndexes(60)")
	query("MATCH (n:Node {id: 'n3'}), (e:Evidence {id: 'e1'}) CREATE (m:Node {id: 'n4'})-[:SUPPORTED_BY {id: 'r4'}]->(e) SET n.statusRank = 4")
	if n := query("MATCH (:Node)-[r]->(:Evidence {url: 'https://example.org/e1'}) RETURN count(r) AS n")[0].AsMap()["n"]; n != int64(3) {
		t.Errorf("relationships into e1 after the write = %v, want 3", n)
	}
	if _, err := neo4j.ExecuteQuery(ctx, drv, "CREATE (:Node {id: 'n1'})", nil, neo4j.EagerResultTransformer); err == nil {
		t.Error("a second Node n1 was created despite the constraint on the imported data")
	}

	// A store that holds the database refuses another import (even stopped).
	if err := inst.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = Import(ctx, cfg, imp)
	if err == nil || !strings.Contains(err.Error(), store) || !strings.Contains(err.Error(), "already holds") {
		t.Fatalf("Import into a store with a database: err = %v, want one naming %s", err, store)
	}
	t.Logf("second import: %v", err)
	if _, err := os.Stat(filepath.Join(store, "data/databases/neo4j/neostore")); err != nil {
		t.Errorf("the refused import touched the store: %v", err)
	}
}

// TestImportBadInput: the importer's own message, naming file and line or
// the missing node, and nothing left of the half-made database.
func TestImportBadInput(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(5*time.Minute))
	defer cancel()
	dir, _ := importFixture(t)
	bad := writeFiles(t, dir, map[string]string{
		"bad-long.csv": "n9,Node,Nine,nine,2020-01-01,1,true,,,\n",
		"bad-rels.csv": "n1,e1,SUPPORTED_BY,r1\nn2,e404,SUPPORTED_BY,r2\n",
	})
	for _, tc := range []struct {
		name string
		edit func(*ImportConfig)
		want []string
	}{
		{"bad long", func(c *ImportConfig) {
			c.Nodes[0] = append(c.Nodes[0], filepath.Join(bad, "bad-long.csv"))
		}, []string{"bad-long.csv", "line:", "statusRank:long", "nine", "Not an integer"}},
		{"unknown end node", func(c *ImportConfig) {
			c.Relationships[0][1] = filepath.Join(bad, "bad-rels.csv")
		}, []string{"e404", "missing node"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, imp := importFixture(t)
			tc.edit(&imp)
			store := t.TempDir()
			_, err := Import(ctx, Config{Dir: store, HeapMB: 512}, imp)
			if err == nil {
				t.Fatal("Import: want error")
			}
			t.Logf("error: %v", err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\tat ") || strings.Contains(err.Error(), "Exception") {
				t.Errorf("error carries a Java stack trace or exception names: %q", err)
			}
			for _, d := range []string{"data/databases/neo4j", "data/transactions/neo4j"} {
				if _, err := os.Stat(filepath.Join(store, d)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s left behind after the failed import (%v)", d, err)
				}
			}
		})
	}
}

// TestImportCancel: ending the context kills the importer's JVM mid-import.
func TestImportCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(5*time.Minute))
	defer cancel()
	_, imp := importFixture(t)
	store := t.TempDir()
	ictx, icancel := context.WithCancel(ctx)
	defer icancel()
	// Cancel as soon as the importer starts on the nodes.
	log := &syncWriter{w: &bytes.Buffer{}, onWrite: func(all string) {
		if strings.Contains(all, "Node import") {
			icancel()
		}
	}}
	start := time.Now()
	_, err := Import(ictx, Config{Dir: store, HeapMB: 512, Log: log}, imp)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Import cancelled mid-import: err = %v, want context.Canceled", err)
	}
	t.Logf("cancelled after %s: %v", time.Since(start), err)
	if d := time.Since(start); d > sharedtest.Timeout(time.Minute) {
		t.Errorf("cancelled import took %s", d)
	}
	if _, err := os.Stat(filepath.Join(store, "data/databases/neo4j")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("database left behind after the cancelled import (%v)", err)
	}
}

// TestImportArgs pins the neo4j-admin arguments Import passes (and so the
// Docker command on ImportConfig) and its checks of the configuration.
func TestImportArgs(t *testing.T) {
	dir := writeFiles(t, t.TempDir(), map[string]string{"h.csv": "", "d.csv": "", "r.csv": "", "a+b[1].csv": ""})
	p := func(n string) string { return filepath.Join(dir, n) }
	q := func(n string) string { return filepath.Join(dir, `\Q`+n+`\E`) }
	args, err := importArgs(ImportConfig{
		Nodes:           [][]string{{p("h.csv"), p("d.csv")}, {p("a+b[1].csv")}},
		Relationships:   [][]string{{p("r.csv")}},
		ArrayDelimiter:  '\x1f',
		MultilineFields: true,
		Threads:         2,
		MaxOffHeapMB:    2048,
		ReportFile:      "/logs/import.report",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"full", "neo4j",
		"--nodes=" + q("h.csv") + "," + q("d.csv"),
		"--nodes=" + q("a+b[1].csv"),
		"--relationships=" + q("r.csv"),
		"--delimiter=U+002C", "--array-delimiter=U+001F", "--multiline-fields=true",
		"--threads=2", "--max-off-heap-memory=2048m",
		"--report-file=/logs/import.report",
	}
	if !reflect.DeepEqual(args, want) {
		t.Errorf("args =\n%q\nwant\n%q", args, want)
	}
	args, err = importArgs(ImportConfig{Nodes: [][]string{{p("h.csv")}}})
	if want := []string{"full", "neo4j", "--nodes=" + q("h.csv"), "--delimiter=U+002C", "--array-delimiter=U+003B", "--multiline-fields=false"}; err != nil || !reflect.DeepEqual(args, want) {
		t.Errorf("defaults: args = %q, %v; want %q", args, err, want)
	}
	for name, c := range map[string]ImportConfig{
		"no nodes":         {},
		"empty group":      {Nodes: [][]string{{}}},
		"missing file":     {Nodes: [][]string{{p("nope.csv")}}},
		"directory":        {Nodes: [][]string{{dir}}},
		"comma in name":    {Nodes: [][]string{{p("a,b.csv")}}},
		"same delimiters":  {Nodes: [][]string{{p("h.csv")}}, Delimiter: ';'},
		"quote delimiter":  {Nodes: [][]string{{p("h.csv")}}, ArrayDelimiter: '"'},
		"astral delimiter": {Nodes: [][]string{{p("h.csv")}}, Delimiter: '😀'},
		"negative threads": {Nodes: [][]string{{p("h.csv")}}, Threads: -1},
	} {
		if _, err := importArgs(c); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
	if _, err := Import(context.Background(), Config{}, ImportConfig{}); err == nil {
		t.Error("Import without Dir: want error")
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// syncWriter serialises writes (the importer's stdout and stderr are copied
// from two goroutines) and shows all written so far to onWrite.
type syncWriter struct {
	mu      sync.Mutex
	w       *bytes.Buffer
	onWrite func(string)
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.w.Write(p)
	if s.onWrite != nil {
		s.onWrite(s.w.String())
	}
	return n, err
}
