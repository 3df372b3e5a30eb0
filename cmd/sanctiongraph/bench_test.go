package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Loader benchmarks, end to end into Neo4j: parse, batch, write. Run with
//
//	go test -run '^$' -bench BenchmarkLoad -benchtime 1x ./cmd/sanctiongraph
//
// Each iteration empties the graph and loads the file through the CLI's load
// path. Reported: records/s, and peak-heap-MB, the Go process's peak heap
// while loading (Neo4j's memory is its own JVM's). The x20 variants load a
// synthetic file twenty times the shared one, written to a temp dir.

func benchLoad(b *testing.B, format string, args ...string) {
	ctx := context.Background()
	var records int
	var peak uint64
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := env.Store.Purge(ctx); err != nil {
			b.Fatal(err)
		}
		runtime.GC() // measure the load, not what setting it up left behind
		stop := sampleHeap(&peak)
		b.StartTimer()
		start := time.Now()
		code, out, errOut := cli(b, append([]string{"load", format, "-progress", "none", "-no-link"}, args...)...)
		elapsed += time.Since(start)
		stop()
		if code != 0 {
			b.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		records += parseRecords(out)
	}
	b.ReportMetric(float64(records)/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// parseRecords adds up created+updated+unchanged entities, relationships and
// evidence from load summaries: the rows written.
func parseRecords(out string) int {
	n := 0
	re := regexp.MustCompile(`(\d+) (created|updated|unchanged)`)
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "entities ") {
			continue
		}
		for _, m := range re.FindAllStringSubmatch(line, -1) {
			v, _ := strconv.Atoi(m[1])
			n += v
		}
	}
	return n
}

func sampleHeap(peak *uint64) (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for !done.Load() {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > *peak {
				*peak = ms.HeapInuse
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return func() { done.Store(true); wg.Wait() }
}

func BenchmarkLoadUN(b *testing.B) {
	benchLoad(b, "un", sharedtest.Path(b, "un-sc-consolidated/un_sanctions.xml"))
}

func BenchmarkLoadOFACCSV(b *testing.B) {
	benchLoad(b, "ofac", "-published", "2024-05-03", sharedtest.Path(b, "ofac-sdn-csv-2024/sdn.csv"))
}

func BenchmarkLoadFtM(b *testing.B) {
	benchLoad(b, "ftm", sharedtest.Path(b, "opensanctions-ftm/zala/entities.ftm.json"))
}

// copies is how many times the x20 variants repeat the shared file: 20, or
// 2 under -short (CI's smoke run of every benchmark, which checks that they
// run, not how fast).
func copies() int {
	if testing.Short() {
		return 2
	}
	return 20
}

func BenchmarkLoadUNx20(b *testing.B) {
	benchLoad(b, "un", synthUN(b, sharedtest.Path(b, "un-sc-consolidated/un_sanctions.xml"), copies()))
}

func BenchmarkLoadOFACCSVx20(b *testing.B) {
	if testing.Short() {
		b.Skip("a minute of loading even at two copies; BenchmarkLoadOFACCSV covers the path in -short runs")
	}
	benchLoad(b, "ofac", "-published", "2024-05-03", synthCSV(b, sharedtest.Path(b, "ofac-sdn-csv-2024/sdn.csv"), copies()))
}

func BenchmarkLoadFtMx20(b *testing.B) {
	benchLoad(b, "ftm", "-name", "zala-x20", synthFtM(b, sharedtest.Path(b, "opensanctions-ftm/zala/entities.ftm.json"), copies()))
}

// synthUN repeats every INDIVIDUAL and ENTITY n times with new DATAIDs and
// reference numbers.
func synthUN(tb testing.TB, path string, n int) string {
	tb.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	s := string(src)
	dataID := regexp.MustCompile(`<DATAID>\s*(\d+)\s*</DATAID>`)
	ref := regexp.MustCompile(`<REFERENCE_NUMBER>([^<]*)</REFERENCE_NUMBER>`)
	var out strings.Builder
	for _, tag := range []string{"INDIVIDUALS", "ENTITIES"} {
		open, close := "<"+tag+">", "</"+tag+">"
		i, j := strings.Index(s, open), strings.Index(s, close)
		if i < 0 || j < 0 {
			tb.Fatalf("%s: no %s", path, tag)
		}
		body := s[i+len(open) : j]
		out.Reset()
		for k := 0; k < n; k++ {
			c := dataID.ReplaceAllStringFunc(body, func(m string) string {
				id, _ := strconv.Atoi(dataID.FindStringSubmatch(m)[1])
				return fmt.Sprintf("<DATAID>%d</DATAID>", id+k*100_000_000)
			})
			c = ref.ReplaceAllStringFunc(c, func(m string) string {
				return fmt.Sprintf("<REFERENCE_NUMBER>%s-%d</REFERENCE_NUMBER>", strings.TrimSpace(ref.FindStringSubmatch(m)[1]), k)
			})
			out.WriteString(c)
		}
		s = s[:i+len(open)] + out.String() + s[j:]
	}
	p := filepath.Join(tb.TempDir(), "un-x20.xml")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// synthCSV repeats every sdn.csv row n times with new ent_nums.
func synthCSV(tb testing.TB, path string, n int) string {
	tb.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	var out bytes.Buffer
	for k := 0; k < n; k++ {
		sc := bufio.NewScanner(bytes.NewReader(src))
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			line := sc.Text()
			num, rest, ok := strings.Cut(line, ",")
			id, err := strconv.Atoi(num)
			if !ok || err != nil {
				continue // the Ctrl-Z line
			}
			fmt.Fprintf(&out, "%d,%s\r\n", id+k*1_000_000, strings.TrimRight(rest, "\r"))
		}
	}
	out.WriteByte(0x1a)
	p := filepath.Join(dir, "sdn.csv")
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// synthFtM repeats every entity n times, suffixing every id it holds or
// references.
func synthFtM(tb testing.TB, path string, n int) string {
	tb.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	idRE := regexp.MustCompile(`"((?:NK|ofac|au-dfat|gb-fcdo|eu-fsf|ru|[a-z]+(?:-[a-z]+)*)-[A-Za-z0-9]{10,})"`)
	var out bytes.Buffer
	for k := 0; k < n; k++ {
		for _, line := range bytes.Split(src, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			out.Write(idRE.ReplaceAll(line, []byte(fmt.Sprintf(`"${1}-x%d"`, k))))
			out.WriteByte('\n')
		}
	}
	dir := filepath.Join(tb.TempDir(), "zala-x20")
	os.MkdirAll(dir, 0o755)
	p := filepath.Join(dir, "entities.ftm.json")
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// Search and neighbours on the curated dataset plus the UN list, through
// the store (the same Cypher the API runs).
func BenchmarkSearch(b *testing.B) {
	ctx := benchGraph(b)
	queries := []string{"Kim Jong-un", "Ким Чен Ын", "korea mining", "aurus", "ocean maritime management"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := env.Store.Search(ctx, model.SearchQuery{Text: queries[i%len(queries)], Page: model.Page{Limit: 10}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNeighbours(b *testing.B) {
	ctx := benchGraph(b)
	ids := []string{"person:kim-jong-un", "state:KP", "org:aurus", "resolution:unsc-1718"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := env.Store.Neighbours(ctx, model.NeighbourQuery{ID: ids[i%len(ids)], Page: model.Page{Limit: 20}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEntityList is a dashboard list (20 people by name, the UN's
// listings by name, every entity by date) with and without counting every
// match for totalCount: the API counts only when totalCount is selected.
func BenchmarkEntityList(b *testing.B) {
	ctx := benchGraph(b)
	for _, l := range []struct {
		name string
		q    model.EntityQuery
	}{
		{"People", model.EntityQuery{Kinds: []schema.Kind{schema.Person}, View: model.ViewRecords}},
		{"UNListings", model.EntityQuery{Kinds: []schema.Kind{schema.Sanction}, Dataset: "unsc", View: model.ViewRecords}},
		{"AllByDate", model.EntityQuery{Sort: model.ByDateDesc, View: model.ViewRecords}},
		{"PeopleResolved", model.EntityQuery{Kinds: []schema.Kind{schema.Person}, View: model.ViewResolved}},
	} {
		for _, counted := range []bool{true, false} {
			name := l.name + "/counted"
			if !counted {
				name = l.name + "/uncounted"
			}
			b.Run(name, func(b *testing.B) {
				q := l.q
				q.Page, q.WithoutTotal = model.Page{Limit: 20}, !counted
				for i := 0; i < b.N; i++ {
					if _, err := env.Store.Entities(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

var benchOnce sync.Once

func benchGraph(b *testing.B) context.Context {
	ctx := context.Background()
	benchOnce.Do(func() {
		if err := env.Store.Purge(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := importer.LoadCurated(ctx, env.Store); err != nil {
			b.Fatal(err)
		}
		if code, out, errOut := cli(b, "load", "un", "-progress", "none", sharedtest.Path(b, "un-sc-consolidated/un_sanctions.xml")); code != 0 {
			b.Fatalf("%s%s", out, errOut)
		}
	})
	return ctx
}
