package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// loadStoryAndLists loads the curated dataset, the UN list of 2026 and the
// OFAC SDN CSV of 2024, then links and resolves, as `sanctiongraph load`
// does.
func loadStoryAndLists(tb testing.TB, ctx context.Context) {
	tb.Helper()
	if _, err := importer.LoadCurated(ctx, env.Store); err != nil {
		tb.Fatal(err)
	}
	if _, err := importer.LoadFile(ctx, env.Store, importer.UN, sharedtest.Path(tb, "un-sc-consolidated/un_sanctions.xml"), importer.Options{}); err != nil {
		tb.Fatal(err)
	}
	if _, err := importer.LoadFile(ctx, env.Store, importer.OFAC, sharedtest.Path(tb, "ofac-sdn-csv-2024/sdn.csv"), importer.Options{Published: "2024-05-03"}); err != nil {
		tb.Fatal(err)
	}
	if _, err := importer.Link(ctx, env.Store); err != nil {
		tb.Fatal(err)
	}
}

// postRaw posts a GraphQL query and returns the response body as sent.
func postRaw(tb testing.TB, url, query string, vars map[string]any) []byte {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestResolvedEntitiesOnTheLists checks issue 11 on the curated dataset with
// the UN 2026 and OFAC SDN 2024 lists loaded: names a reader uses resolve to
// one entity, paths take no SAME_AS hop and say which records they join,
// resolved entities gather their records and relationships, and answers
// repeat byte for byte.
func TestResolvedEntitiesOnTheLists(t *testing.T) {
	env.Reset(t)
	// Loading both lists, and emptying the graph of them again, takes
	// minutes on a busy machine: longer than Reset's deadlines.
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(15*time.Minute))
	defer cancel()
	t.Cleanup(func() { // runs before Reset's own cleanup, which then finds little left
		c, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(5*time.Minute))
		defer cancel()
		if err := env.Store.Purge(c); err != nil {
			t.Errorf("empty the graph after the test: %v", err)
		}
	})
	loadStoryAndLists(t, ctx)

	t.Run("RelinkChangesNothing", func(t *testing.T) {
		before, err := env.Store.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := importer.LoadFile(ctx, env.Store, importer.UN, sharedtest.Path(t, "un-sc-consolidated/un_sanctions.xml"), importer.Options{}); err != nil {
			t.Fatal(err)
		}
		res, err := importer.Link(ctx, env.Store)
		if err != nil {
			t.Fatal(err)
		}
		after, err := env.Store.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Links.Write.Relationships.Created+res.Links.Write.Relationships.Updated+res.Links.Removed+res.Resolved.Moved+res.Resolved.Singletons != 0 {
			t.Errorf("reloading the UN list and linking again changed links or clusters: %+v", res)
		}
		if d := before.Diff(after); len(d) > 0 {
			t.Errorf("reloading the UN list changed the graph: %v", d)
		}
	})

	t.Run("SixNamesResolve", func(t *testing.T) {
		for name, want := range map[string]string{
			"Kim Jong-un": "person:kim-jong-un", "Putin": "person:vladimir-putin", "Aurus": "org:aurus",
			"North Korea": "state:KP", "DPRK": "state:KP", "Russia": "state:RU",
		} {
			e, err := env.Store.ResolveEntity(ctx, name, model.ViewResolved)
			if err != nil {
				t.Errorf("%q: %v", name, err)
				continue
			}
			if e.ID != want {
				t.Errorf("%q resolves to %s, want %s", name, e.ID, want)
			}
		}
	})

	t.Run("LinkedToTheStory", func(t *testing.T) {
		for id, want := range map[string][]string{
			"person:kim-jong-un":    {"ofac:20157"},
			"person:kim-yo-jong":    {"ofac:21444"},
			"org:nami":              {"ofac:47953"},
			"org:aurus":             {"ofac:47956"},
			"person:vladimir-putin": {},
		} {
			e, err := env.Store.ResolvedEntity(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if e.ID != id {
				t.Errorf("%s resolves to %s", id, e.ID)
			}
			got := e.RecordIDs()
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("%s has records %v, want %s among them", id, got, w)
				}
			}
			// Any record id leads to the same resolved entity.
			for _, r := range got {
				o, err := env.Store.ResolvedEntity(ctx, r)
				if err != nil || o.ID != id {
					t.Errorf("record %s resolves to %v, %v; want %s", r, o, err, id)
				}
			}
			links, err := env.Store.SameAsLinks(ctx, id)
			if err != nil || len(links) < len(got)-1 {
				t.Errorf("%s: %d records joined by %d SAME_AS links (%v)", id, len(got), len(links), err)
			}
		}
	})

	app, _ := startService(t)
	url := app.Server.URL()

	t.Run("EntityShowsRecordsAndListings", func(t *testing.T) {
		var d struct {
			Entity struct {
				ID, Name string
				Aliases  []string
				Records  []struct {
					Dataset  string
					RecordID *string
					Entity   struct{ ID string }
					Listings []struct{ ID, Kind string }
				}
				SameAs []struct {
					Properties []struct {
						Name   string
						Values []string
					}
					Evidence []struct{ Status string }
				}
			}
		}
		mustData(t, postGraphQL(t, url, `query($id: ID!) { entity(id: $id) { id name aliases
			records { dataset recordId entity { id } listings { id kind } }
			sameAs { properties(names: ["basis"]) { name values } evidence { status } } } }`, map[string]any{"id": "ofac:21444"}), &d)
		e := d.Entity
		if e.ID != "person:kim-yo-jong" || e.Name != "Kim Yo Jong" {
			t.Fatalf("entity(ofac:21444) = %s %q, want the curated Kim Yo Jong", e.ID, e.Name)
		}
		if !slices.Contains(e.Aliases, "KIM, Yo Jong") {
			t.Errorf("aliases %v lack OFAC's spelling", e.Aliases)
		}
		var ofac bool
		for _, r := range e.Records {
			if r.Entity.ID == "ofac:21444" {
				ofac = r.Dataset == "ofac-sdn" && r.RecordID != nil && len(r.Listings) > 0 && r.Listings[0].Kind == "SANCTION"
			}
		}
		if !ofac || e.Records[0].Dataset != "curated" {
			t.Errorf("records %+v: want the curated record first and OFAC's with its listing", e.Records)
		}
		if len(e.SameAs) == 0 || len(e.SameAs[0].Properties) == 0 || len(e.SameAs[0].Evidence) == 0 {
			t.Errorf("sameAs %+v: want the link with its basis and evidence", e.SameAs)
		}
	})

	t.Run("NeighboursIncludeListRecords", func(t *testing.T) {
		var d struct {
			Neighbours struct {
				Edges []struct {
					Relationship struct{ Type, Dataset string }
					Node         struct{ ID string }
				}
			}
		}
		mustData(t, postGraphQL(t, url, `{ neighbours(id: "person:kim-jong-un", first: 100) { edges { relationship { type dataset } node { id } } } }`, nil), &d)
		datasets := map[string]bool{}
		for _, e := range d.Neighbours.Edges {
			if e.Relationship.Type == string(schema.SameAs) {
				t.Errorf("resolved neighbours show a SAME_AS link to %s", e.Node.ID)
			}
			datasets[e.Relationship.Dataset] = true
		}
		if !datasets["curated"] || !datasets["ofac-sdn"] {
			t.Errorf("neighbours of the resolved Kim Jong Un come from %v, want curated and ofac-sdn", datasets)
		}
	})

	t.Run("PathsThroughClusters", func(t *testing.T) {
		var d struct {
			Paths struct {
				From, To struct{ ID string }
				Paths    []struct {
					Hops []struct {
						Relationship struct{ Type, Dataset string }
						Evidence     []struct{ Source struct{ ID, Dataset string } }
						FromRecord   struct{ ID string }
						Join         *struct {
							ArrivedAt, LeftFrom struct{ ID string }
							Links               []struct{ Type string }
						}
					}
				}
			}
		}
		// A fresh Neo4j plans this query the first time it sees it, which on
		// a loaded 2-core machine can take most of the 10 s a path search
		// may run: plan it once before the call whose answer is checked.
		postGraphQL(t, url, `{ paths(from: "state:RU", to: "person:kim-jong-un", via: ["org:aurus"], mode: ALL_SHORTEST) { explanation } }`, nil)
		mustData(t, postGraphQL(t, url, `{ paths(from: "Russia", to: "Kim Jong-un", via: ["Aurus"], mode: ALL_SHORTEST) {
			from { id } to { id }
			paths { hops { relationship { type dataset } evidence { source { id dataset } } fromRecord { id }
				join { arrivedAt { id } leftFrom { id } links { type } } } } } }`, nil), &d)
		if d.Paths.From.ID != "state:RU" || d.Paths.To.ID != "person:kim-jong-un" || len(d.Paths.Paths) == 0 {
			t.Fatalf("paths %+v", d.Paths)
		}
		sources := map[string]bool{}
		joined := false
		for _, p := range d.Paths.Paths {
			for _, h := range p.Hops {
				if h.Relationship.Type == string(schema.SameAs) {
					t.Fatalf("a hop spends itself on SAME_AS: %+v", h)
				}
				for _, ev := range h.Evidence {
					sources[ev.Source.Dataset] = true
				}
				if h.Join != nil {
					joined = h.Join.ArrivedAt.ID != h.Join.LeftFrom.ID && len(h.Join.Links) > 0 && h.Join.LeftFrom.ID == h.FromRecord.ID
				}
			}
		}
		if !sources["curated"] || !sources["ofac-sdn"] {
			t.Errorf("hops cite sources of %v, want curated and ofac-sdn", sources)
		}
		if !joined {
			t.Errorf("no hop says which records of a resolved entity it joined")
		}
	})

	t.Run("RecordsView", func(t *testing.T) {
		r := postGraphQL(t, url, `{ paths(from: "state:RU", to: "ofac:20157", via: ["ofac:47956"], maxHops: 6, view: RECORDS) { paths { hops { relationship { type } } } } }`, nil)
		var d struct {
			Paths struct{ Paths []json.RawMessage }
		}
		mustData(t, r, &d)
		if len(d.Paths.Paths) == 0 {
			t.Error("no path in the records view")
		}
		r = postGraphQL(t, url, `{ paths(from: "Kim Jong-un", to: "Russia", view: RECORDS) { explanation } }`, nil)
		if codes := r.Codes(); len(codes) != 1 || codes[0] != "BAD_USER_INPUT" {
			t.Errorf("records view: Kim Jong-un names two records, want BAD_USER_INPUT, got %v", codes)
		}
	})

	t.Run("IdenticalCallsIdenticalAnswers", func(t *testing.T) {
		const q = `query($mode: PathMode) { paths(from: "Russia", to: "Kim Jong-un", mode: $mode, k: 5, maxHops: 5) {
			explanation paths { length nodes { id name } hops { sentence fromRecord { id } toRecord { id } relationship { id }
				evidence { id } join { arrivedAt { id } leftFrom { id } links { id } } } } } }`
		for _, mode := range []string{"K_SHORTEST", "ALL_SHORTEST"} {
			first := postRaw(t, url, q, map[string]any{"mode": mode})
			if !bytes.Contains(first, []byte(`"paths":[{`)) {
				t.Fatalf("%s: %s", mode, first)
			}
			for i := 1; i < 10; i++ {
				if again := postRaw(t, url, q, map[string]any{"mode": mode}); !bytes.Equal(first, again) {
					t.Fatalf("%s: call %d differs:\n%s\n%s", mode, i+1, first, again)
				}
			}
		}
		for _, q := range []string{
			`{ search(query: "kim", first: 50) { edges { node { id } matchedName score } } }`,
			`{ neighbours(id: "state:KP", first: 100) { edges { node { id } relationship { id } } } }`,
		} {
			first := postRaw(t, url, q, nil)
			for i := 1; i < 10; i++ {
				if again := postRaw(t, url, q, nil); !bytes.Equal(first, again) {
					t.Fatalf("%s: call %d differs", q, i+1)
				}
			}
		}
	})

	t.Run("SearchOneHitPerEntity", func(t *testing.T) {
		var d struct {
			Search struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		mustData(t, postGraphQL(t, url, `{ search(query: "Kim Jong Un", first: 20) { edges { node { id } } } }`, nil), &d)
		n := 0
		for _, e := range d.Search.Edges {
			if e.Node.ID == "person:kim-jong-un" || e.Node.ID == "ofac:20157" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("Kim Jong Un appears %d times in resolved search results %+v", n, d.Search.Edges)
		}
	})

	t.Run("FactLists", func(t *testing.T) { checkFactLists(t, url) })

	t.Run("Counts", func(t *testing.T) {
		var d struct {
			Resolved struct{ Entities int } `json:"resolved"`
			Records  struct{ Entities int } `json:"records"`
		}
		mustData(t, postGraphQL(t, url, `{ resolved: counts { entities } records: counts(view: RECORDS) { entities } }`, nil), &d)
		if d.Resolved.Entities == 0 || d.Resolved.Entities >= d.Records.Entities {
			t.Errorf("resolved entities %d, records %d: want fewer resolved entities", d.Resolved.Entities, d.Records.Entities)
		}
	})
}

// TestDroppedIdentifierSplitsTheCluster loads two OFAC editions of a
// vessel: the first gives the IMO number a curated record also has (one
// resolved entity), the second drops it (two again). Reloading the second
// changes nothing.
func TestDroppedIdentifierSplitsTheCluster(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := importer.LoadCurated(ctx, env.Store); err != nil {
		t.Fatal(err)
	}
	props := model.Properties{}
	props.Set("imoNumber", "9123456")
	if _, err := env.Store.Write(ctx, model.Batch{Entities: []model.Entity{{
		ID: "product:test-vessel", Kind: schema.Product, Name: "Sea Test", Properties: props,
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "curated"},
	}}}); err != nil {
		t.Fatal(err)
	}
	edition := func(name, remarks string) string {
		dir := filepath.Join(t.TempDir(), name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		line := `990001,"SEA TEST",vessel  ,"DPRK4",-0- ,"HMYZ","Oil Products Tanker","1,024","2,101","Democratic People's Republic of Korea",-0- ,"` + remarks + `"` + "\r\n"
		p := filepath.Join(dir, "sdn.csv")
		if err := os.WriteFile(p, []byte(line+"\x1a"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	load := func(path, published string) importer.LinkResult {
		t.Helper()
		if _, err := importer.LoadFile(ctx, env.Store, importer.OFAC, path, importer.Options{Published: published}); err != nil {
			t.Fatal(err)
		}
		res, err := importer.Link(ctx, env.Store)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	records := func() []string {
		t.Helper()
		e, err := env.Store.ResolvedEntity(ctx, "ofac:990001")
		if err != nil {
			t.Fatal(err)
		}
		return e.RecordIDs()
	}
	load(edition("jan", "Vessel Registration Identification IMO 9123456."), "2024-01-05")
	if got := records(); len(got) != 2 || !slices.Contains(got, "product:test-vessel") {
		t.Fatalf("with the shared IMO number: records %v, want the curated vessel and OFAC's", got)
	}
	second := edition("feb", "Vessel flag changed.")
	res := load(second, "2024-02-05")
	if res.Links.Removed != 1 || res.Resolved.Moved == 0 {
		t.Errorf("second edition: %+v, want one link removed and records moved", res)
	}
	if got := records(); len(got) != 1 || got[0] != "ofac:990001" {
		t.Fatalf("without the IMO number: records %v, want OFAC's alone", got)
	}
	if e, err := env.Store.ResolvedEntity(ctx, "product:test-vessel"); err != nil || len(e.Records) != 1 {
		t.Fatalf("curated vessel after the split: %+v, %v", e, err)
	}
	before, err := env.Store.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res = load(second, "2024-02-05")
	after, err := env.Store.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := before.Diff(after); len(d) > 0 || res.Resolved.Moved != 0 || res.Links.Removed != 0 {
		t.Errorf("reloading the unchanged edition changed the graph (%+v): %v", res, d)
	}
}
