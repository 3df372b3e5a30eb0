package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// cli runs `sanctiongraph ARGS` against the test's Neo4j.
func cli(tb testing.TB, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, testEnv, &out, &errOut)
	return code, out.String(), errOut.String()
}

func countKind(tb testing.TB, ctx context.Context, k schema.Kind, dataset string) int {
	tb.Helper()
	c, err := env.Store.Counts(ctx, model.CountQuery{Kinds: []schema.Kind{k}, Dataset: dataset})
	if err != nil {
		tb.Fatal(err)
	}
	return c.Entities
}

// TestLoadUNListsOverTime loads the 2020 UN list, then the 2026 one: counts
// match the files, the newer list delists what it no longer names and
// updates what changed, reloading changes nothing, and the older list is
// then refused.
func TestLoadUNListsOverTime(t *testing.T) {
	ctx := env.Reset(t)
	old := sharedtest.Path(t, "un-sc-consolidated-2020/consolidated.xml")
	cur := sharedtest.Path(t, "un-sc-consolidated/un_sanctions.xml")

	code, out, errOut := cli(t, "load", "un", "-progress", "plain", old)
	if code != 0 {
		t.Fatalf("load 2020: exit %d\n%s%s", code, out, errOut)
	}
	if n := countKind(t, ctx, schema.Sanction, "unsc"); n != 713+305 {
		t.Fatalf("after 2020: %d UN sanctions, want 1018", n)
	}
	code, out, errOut = cli(t, "load", "un", "-allow-mass-removal", cur)
	if code != 0 {
		t.Fatalf("load 2026: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "updated") || !strings.Contains(out, "no longer on the list (removed between the previous edition and 2026-05-08)") {
		t.Errorf("2026 summary:\n%s", out)
	}
	kpi, err := env.Store.Entity(ctx, "unsc:KPi.001")
	if err != nil || !strings.Contains(kpi.Name, "YUN") {
		t.Fatalf("KPi.001: %+v %v", kpi, err)
	}
	omm, err := env.Store.Entity(ctx, "unsc:KPe.020")
	if err != nil || omm.Properties.First("imoNumber") != "1790183" {
		t.Fatalf("KPe.020: %+v %v", omm, err)
	}
	page, err := env.Store.Entities(ctx, model.EntityQuery{Kinds: []schema.Kind{schema.Sanction}, Dataset: "unsc", Page: model.Page{Limit: 100}, ActiveAt: "2026-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 737+272 {
		t.Errorf("sanctions in force after the 2026 list: %d, want 1009", page.Total)
	}
	all := countKind(t, ctx, schema.Sanction, "unsc")
	if all <= 1009 {
		t.Errorf("delisted sanctions were deleted: %d left", all)
	}

	code, out, _ = cli(t, "load", "un", cur)
	if code != 0 || !strings.Contains(out, "entities 0 created, 0 updated") || !strings.Contains(out, "relationships 0 created, 0 updated") ||
		!strings.Contains(out, "evidence 0 created, 0 updated") {
		t.Errorf("reloading the 2026 list changed something:\n%s", out)
	}
	code, _, errOut = cli(t, "load", "un", old)
	if code == 0 || !strings.Contains(errOut, "older than the newest edition loaded") {
		t.Errorf("loading 2020 after 2026: exit %d, %s", code, errOut)
	}
}

// TestLoadFailsCleanly feeds a truncated list: the load exits non-zero
// naming the line and writes nothing (the whole file is read before
// anything is written), and a rerun with the whole file does the job.
func TestLoadFailsCleanly(t *testing.T) {
	ctx := env.Reset(t)
	src := sharedtest.Path(t, "un-sc-consolidated/un_sanctions.xml")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "truncated.xml")
	if err := os.WriteFile(cut, b[:len(b)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	before := fingerprint(t)
	code, _, errOut := cli(t, "load", "un", "-batch", "100", cut)
	if code == 0 || !strings.Contains(errOut, "line") || !strings.Contains(errOut, cut) {
		t.Fatalf("truncated file: exit %d, stderr %q", code, errOut)
	}
	if after := fingerprint(t); len(before.Diff(after)) > 0 {
		t.Errorf("the failed load changed the graph")
	}
	code, out, errOut := cli(t, "load", "un", src)
	if code != 0 {
		t.Fatalf("rerun: exit %d\n%s%s", code, out, errOut)
	}
	if n := countKind(t, ctx, schema.Sanction, "unsc"); n != 1009 {
		t.Errorf("after the rerun: %d UN sanctions, want 1009", n)
	}
}

// TestLoadOFACAndLinkToTheStory loads the OFAC SDN CSV, the UN list and
// the curated dataset; records are linked across datasets and a path runs
// from Russia to Kim Jong Un through the real designations.
func TestLoadOFACAndLinkToTheStory(t *testing.T) {
	ctx := env.Reset(t)
	purgeLongAfter(t)
	if _, err := importer.LoadCurated(ctx, env.Store); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "load", "ofac", "-published", "2024-05-03", "-progress", "none", sharedtest.Path(t, "ofac-sdn-csv-2024/sdn.csv"))
	if code != 0 {
		t.Fatalf("load ofac: exit %d\n%s%s", code, out, errOut)
	}
	if n := countKind(t, ctx, schema.Sanction, "ofac-sdn"); n != 14965 {
		t.Errorf("OFAC sanctions: %d, want 14965", n)
	}
	aurus, err := env.Store.Entity(ctx, "ofac:47956")
	if err != nil || aurus.Name != "LIMITED LIABILITY COMPANY AURUS" || aurus.Properties.First("taxNumber") != "7743237789" {
		t.Fatalf("ofac:47956 = %+v, %v", aurus, err)
	}
	code, out, errOut = cli(t, "load", "ftm", "-progress", "none", sharedtest.Path(t, "opensanctions-ftm/zala/entities.ftm.json"))
	if code != 0 {
		t.Fatalf("load ftm: exit %d\n%s%s", code, out, errOut)
	}
	for id, want := range map[string]string{"person:kim-jong-un": "ofac:20157", "org:aurus": "ofac:47956", "ofac:45928": "ftm:NK-abdzbEBkqyT29GyREbiURZ"} {
		n, err := env.Store.Neighbours(ctx, model.NeighbourQuery{ID: id, Types: []schema.RelType{schema.SameAs}, Page: model.Page{Limit: 20}})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, nb := range n.Neighbours {
			found = found || nb.Node.ID == want
		}
		if !found {
			t.Errorf("%s is not linked to %s", id, want)
		}
	}
	res, err := env.Store.Paths(ctx, model.PathQuery{From: "state:RU", To: "ofac:20157", Via: []string{"ofac:47956"},
		MaxHops: 6, MaxDegree: model.DefaultMaxDegree})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Paths) == 0 {
		t.Fatalf("no path from Russia through OFAC's Aurus to OFAC's Kim Jong Un (cut %s)", res.Cut)
	}
	datasets := map[string]bool{}
	for _, n := range res.Paths[0].Nodes {
		datasets[n.Dataset] = true
	}
	if !datasets["ofac-sdn"] || !datasets["curated"] {
		t.Errorf("path crosses datasets %v, want both ofac-sdn and curated", datasets)
	}
}

func TestLoadErrors(t *testing.T) {
	env.Reset(t)
	bad := filepath.Join(t.TempDir(), "bad.xml")
	os.WriteFile(bad, []byte("<CONSOLIDATED_LIST dateGenerated=\"2026-01-01T00:00:00Z\"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>\n<broken"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ErrMalformedXML", []string{"load", "un", bad}, "line"},
		{"ErrMissingFile", []string{"load", "un", "/nonexistent/list.xml"}, "no such file"},
		{"ErrUnknownFormat", []string{"load", "eu", bad}, "unknown format"},
		{"ErrNoFiles", []string{"load", "ftm"}, "at least one file"},
		{"ErrBatch", []string{"load", "un", "-batch", "0", bad}, "-batch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, tt.args...)
			if code == 0 || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d, stderr %q; want non-zero and %q", code, errOut, tt.want)
			}
		})
	}
}

// TestConcurrentLoads runs `load un` and `load ofac` at the same time, as
// two operators might on one server: both create the same reference States
// and both link across datasets, so their transactions conflict. Both must
// succeed (the writer retries what conflicts, times out or finds Neo4j
// busy, splitting batches), and the graph must equal the one the same two
// loads make one after the other.
func TestConcurrentLoads(t *testing.T) {
	un := sharedtest.Path(t, "un-sc-consolidated/un_sanctions.xml")
	sdn := sharedtest.Path(t, "ofac-sdn-csv-2024/sdn.csv")
	loadUN := []string{"load", "un", "-progress", "none", "-batch", "200", un}
	loadOFAC := []string{"load", "ofac", "-progress", "none", "-published", "2024-05-03", "-batch", "200", sdn}

	ctx := env.Reset(t)
	type result struct {
		code     int
		out, err string
	}
	results := make(chan result, 2)
	for _, args := range [][]string{loadUN, loadOFAC} {
		go func() {
			var r result
			r.code, r.out, r.err = cli(t, args...)
			results <- r
		}()
	}
	for range 2 {
		if r := <-results; r.code != 0 {
			t.Fatalf("concurrent load failed: exit %d\n%s%s", r.code, r.out, r.err)
		}
	}
	// Each load links across datasets when it ends; the one that ends last
	// sees both lists whole, so the links equal those of sequential loads.
	concurrent, err := env.Store.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}

	ctx = env.Reset(t)
	for _, args := range [][]string{loadUN, loadOFAC} {
		if code, out, errOut := cli(t, args...); code != 0 {
			t.Fatalf("sequential load: exit %d\n%s%s", code, out, errOut)
		}
	}
	sequential, err := env.Store.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if concurrent.Checksum != sequential.Checksum || concurrent.Nodes != sequential.Nodes || concurrent.Relationships != sequential.Relationships {
		t.Errorf("concurrent loads made %+v;\nsequential loads made %+v", concurrent, sequential)
	}
}
