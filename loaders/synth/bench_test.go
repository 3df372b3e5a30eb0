package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/server"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// The benchmarks run on one generated graph: 100,000 entities and 1,000,000
// relationships with 5 hubs of 12,000 (the graph of `go run ./cmd/graphgen`
// with its defaults), or 10,000 and 100,000 with 2 hubs of 3,000 with
// -short. These flags change it. A graph already in the database (NEO4J_URI,
// or -synth.neo4j-dir from an earlier run) is reused when it is the same.
//
//	go test -run '^$' -bench . -benchtime 100x ./loaders/synth
var (
	flagNodes     = flag.Int("synth.nodes", 0, "benchmarks: entities of the graph (default 100000, -short 10000)")
	flagRels      = flag.Int("synth.rels", 0, "benchmarks: relationships of the graph (default 1000000, -short 100000)")
	flagHubs      = flag.Int("synth.hubs", 0, "benchmarks: hubs (default 5, -short 2)")
	flagHubDegree = flag.Int("synth.hub-degree", 0, "benchmarks: relationships per hub (default 12000, -short 3000)")
	flagSeed      = flag.Uint64("synth.seed", 1, "benchmarks: seed of the graph")
)

// benchGraph is the graph the benchmarks share and the API serving it.
type benchGraph struct {
	cfg    Config
	stats  Stats
	url    string // of /graphql
	client *http.Client
	err    error
}

var (
	benchOnce sync.Once
	bench     benchGraph
)

func benchConfig() Config {
	cfg := Config{Nodes: 100_000, Relationships: 1_000_000, Hubs: 5, HubDegree: 12_000, Seed: *flagSeed, EvidenceRatio: DefaultEvidenceRatio}
	if testing.Short() {
		cfg.Nodes, cfg.Relationships, cfg.Hubs, cfg.HubDegree = 10_000, 100_000, 2, 3000
	}
	for _, o := range []struct {
		flag int
		into *int
	}{{*flagNodes, &cfg.Nodes}, {*flagRels, &cfg.Relationships}, {*flagHubs, &cfg.Hubs}, {*flagHubDegree, &cfg.HubDegree}} {
		if o.flag > 0 {
			*o.into = o.flag
		}
	}
	return cfg
}

// benchSetup generates the benchmark graph once per test binary (unless
// the database holds it already) and serves the GraphQL API over it.
func benchSetup(b *testing.B) *benchGraph {
	b.Helper()
	benchOnce.Do(func() { bench.err = bench.setup() })
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return &bench
}

func (bg *benchGraph) setup() error {
	ctx := context.Background()
	bg.cfg = benchConfig()
	g, err := Build(bg.cfg)
	if err != nil {
		return err
	}
	loaded, err := g.Loaded(ctx, env.Store)
	if err != nil {
		return err
	}
	if loaded {
		bg.stats = g.Stats()
		fmt.Fprintf(os.Stderr, "synth: reusing the graph of %d entities and %d relationships in the database\n", bg.cfg.Nodes, bg.cfg.Relationships)
	} else {
		if err := env.Store.Purge(ctx); err != nil {
			return err
		}
		last := time.Now()
		bg.stats, err = g.Write(ctx, env.Store, func(done, total int) {
			if time.Since(last) >= 10*time.Second {
				last = time.Now()
				fmt.Fprintf(os.Stderr, "synth: generating: %d/%d records\n", done, total)
			}
		})
		if err != nil {
			return err
		}
		st := bg.stats
		fmt.Fprintf(os.Stderr, "synth: generated %d entities, %d relationships and %d evidence records in %s (plan %s): %.0f records/s\n",
			st.Nodes, st.Relationships, st.Evidence, st.WriteTime.Round(100*time.Millisecond), st.PlanTime.Round(time.Millisecond), st.Rate())
	}
	srv := server.New(server.Config{Addr: "127.0.0.1:0", Store: env.Store, Logger: slog.New(slog.DiscardHandler), RequestTimeout: time.Minute})
	if err := srv.Open(); err != nil {
		return err
	}
	cleanups = append(cleanups, func() {
		c, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(10*time.Second))
		defer cancel()
		_ = srv.Close(c)
	})
	bg.url = srv.URL() + "/graphql"
	bg.client = &http.Client{Timeout: time.Minute}
	return nil
}

// pairs returns the pairs hops apart, from a hub or not.
func (bg *benchGraph) pairs(b *testing.B, hops int, fromHub bool) []Pair {
	var out []Pair
	for _, p := range bg.stats.Pairs {
		if p.Hops == hops && p.FromHub == fromHub {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		b.Skipf("the graph has no pair %d hops apart (from a hub: %v)", hops, fromHub)
	}
	return out
}

// measure calls op once per case untimed (warming caches and query plans),
// then for every iteration with the cases in turn, and reports the median
// and 95th percentile latency of one call.
func measure(b *testing.B, cases int, op func(ctx context.Context, i int) error) {
	b.Helper()
	ctx := context.Background()
	for i := range cases {
		if err := op(ctx, i); err != nil {
			b.Fatal(err)
		}
	}
	durs := make([]time.Duration, 0, 256)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if err := op(ctx, i%cases); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	slices.Sort(durs)
	at := func(q float64) float64 {
		i := min(max(int(math.Ceil(q*float64(len(durs))))-1, 0), len(durs)-1)
		return float64(durs[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}

// pathQuery is the store query the benchmarks ask: the shortest path
// within MaxHops under the default hub guard.
func pathQuery(p Pair, edit func(q *model.PathQuery)) model.PathQuery {
	q := model.PathQuery{From: p.From, To: p.To, MaxHops: MaxHops, K: 3, MaxDegree: model.DefaultMaxDegree}
	if edit != nil {
		edit(&q)
	}
	return q
}

// storePaths calls cypher.Store.Paths directly; with check, the path found
// must be as long as the pair is apart.
func storePaths(pairs []Pair, edit func(q *model.PathQuery), check bool) func(ctx context.Context, i int) error {
	return func(ctx context.Context, i int) error {
		p := pairs[i]
		res, err := env.Store.Paths(ctx, pathQuery(p, edit))
		if err != nil {
			return err
		}
		switch {
		case !check:
		case p.Hops == 0 && (len(res.Paths) != 0 || res.Cut != model.CutNotConnected):
			return fmt.Errorf("pair %+v: %d paths (cut %q), want cut NOT_CONNECTED", p, len(res.Paths), res.Cut)
		case p.Hops > 0 && (len(res.Paths) != 1 || res.Paths[0].Length() != p.Hops):
			return fmt.Errorf("pair %+v: %d paths (cut %q), want one of %d hops", p, len(res.Paths), res.Cut, p.Hops)
		}
		return nil
	}
}

// gqlPaths is the GraphQL query of the API benchmarks: the paths with, per
// hop, the sentence, the evidence's quotes and the relationship's id.
const gqlPaths = `query Paths($from: String!, $to: String!, $maxHops: Int, $maxDegree: Int, $at: Date, $minStatus: Status) {
  paths(from: $from, to: $to, maxHops: $maxHops, maxDegree: $maxDegree, at: $at, minStatus: $minStatus) {
    cut
    paths { length hops { sentence evidence { quote } relationship { id } } }
  }
}`

type gqlPathsResponse struct {
	Data struct {
		Paths struct {
			Cut   *string `json:"cut"`
			Paths []struct {
				Length int `json:"length"`
				Hops   []struct {
					Sentence string `json:"sentence"`
					Evidence []struct {
						Quote *string `json:"quote"`
					} `json:"evidence"`
					Relationship struct {
						ID string `json:"id"`
					} `json:"relationship"`
				} `json:"hops"`
			} `json:"paths"`
		} `json:"paths"`
	} `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// graphQLPaths POSTs the paths query to the API over HTTP, end to end.
func (bg *benchGraph) graphQLPaths(pairs []Pair, edit func(q *model.PathQuery), check bool) func(ctx context.Context, i int) error {
	return func(ctx context.Context, i int) error {
		p := pairs[i]
		q := pathQuery(p, edit)
		vars := map[string]any{"from": q.From, "to": q.To, "maxHops": q.MaxHops, "maxDegree": q.MaxDegree}
		if q.HeldFrom != "" {
			vars["at"] = q.HeldFrom
		}
		if q.MinStatus != "" {
			vars["minStatus"] = schema.EnumName(string(q.MinStatus))
		}
		body, _ := json.Marshal(map[string]any{"query": gqlPaths, "variables": vars})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, bg.url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := bg.client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		var out gqlPathsResponse
		if err := json.Unmarshal(raw, &out); err != nil {
			return fmt.Errorf("%s: %w", resp.Status, err)
		}
		if len(out.Errors) > 0 {
			return fmt.Errorf("pair %+v: %s (%v)", p, out.Errors[0].Message, out.Errors[0].Extensions["code"])
		}
		paths, cut := out.Data.Paths.Paths, out.Data.Paths.Cut
		switch {
		case !check:
		case p.Hops == 0 && (len(paths) != 0 || cut == nil || *cut != string(model.CutNotConnected)):
			return fmt.Errorf("pair %+v: answer %s, want cut NOT_CONNECTED", p, raw)
		case p.Hops > 0 && (len(paths) != 1 || paths[0].Length != p.Hops || len(paths[0].Hops) != p.Hops || paths[0].Hops[0].Sentence == ""):
			return fmt.Errorf("pair %+v: answer %s, want one path of %d hops", p, raw, p.Hops)
		}
		return nil
	}
}

// BenchmarkPaths asks for the shortest path between entities 2 to 6 hops
// apart, 2 and 3 hops from a hub, and not connected under the hub guard
// (the store then searches again, up to 8 hops, to say why), through the
// GraphQL API over HTTP and directly through the store.
func BenchmarkPaths(b *testing.B) {
	bg := benchSetup(b)
	run := func(name string, hops int, fromHub bool) {
		b.Run(name+"/driver", func(b *testing.B) {
			pairs := bg.pairs(b, hops, fromHub)
			measure(b, len(pairs), storePaths(pairs, nil, true))
		})
		b.Run(name+"/graphql", func(b *testing.B) {
			pairs := bg.pairs(b, hops, fromHub)
			measure(b, len(pairs), bg.graphQLPaths(pairs, nil, true))
		})
	}
	for h := MinHops; h <= MaxHops; h++ {
		run(fmt.Sprintf("hops=%d", h), h, false)
	}
	for h := 2; h <= 3; h++ {
		run(fmt.Sprintf("from-hub/hops=%d", h), h, true)
	}
	run("not-connected", 0, false)
}

// BenchmarkPathFilters asks the 4-hop pairs with filters (through the
// store): a date and a minimum status, which cut some paths (an empty answer
// costs more searches, to say which filter cut it); a hub guard that lets
// paths through the hubs; and the 6-hop pairs with maxHops 4, which finds
// nothing and then searches up to 8 hops to report shortestBeyond.
func BenchmarkPathFilters(b *testing.B) {
	bg := benchSetup(b)
	cases := []struct {
		name string
		hops int
		edit func(q *model.PathQuery)
	}{
		{"hops=4/at=2012-06-30", 4, func(q *model.PathQuery) { q.HeldFrom, q.HeldUntil = "2012-06-30", "2012-06-30" }},
		{"hops=4/minStatus=confirmed", 4, func(q *model.PathQuery) { q.MinStatus = schema.Confirmed }},
		{"hops=4/maxDegree=50000", 4, func(q *model.PathQuery) { q.MaxDegree = model.MaxDegreeCap }},
		{"hops=6/maxHops=4", 6, func(q *model.PathQuery) { q.MaxHops = 4 }},
	}
	for _, c := range cases {
		b.Run(c.name+"/driver", func(b *testing.B) {
			pairs := bg.pairs(b, c.hops, false)
			measure(b, len(pairs), storePaths(pairs, c.edit, false))
		})
	}
}

// BenchmarkSearch runs full-text searches through the store, first page of 20.
func BenchmarkSearch(b *testing.B) {
	benchSetup(b)
	cases := []struct {
		name  string
		text  string
		kinds []schema.Kind
	}{
		{"surname", "Petrov", nil},        // ~1/60 of the people, past the 1,000-hit cap in the big graph
		{"full-name", "Ivan Petrov", nil}, // a few dozen
		{"prefix", "Kuzn", nil},           // the last word matches as a prefix
		{"organisation", "Golden Star Trading", nil},
		{"kinds=Person", "Ivan", []schema.Kind{schema.Person}},
		{"state", stateName(0), nil}, // a hub, and the events held there
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			measure(b, 1, func(ctx context.Context, _ int) error {
				res, err := env.Store.Search(ctx, model.SearchQuery{Text: c.text, Kinds: c.kinds, Page: model.Page{Limit: 20}})
				if err == nil && res.Total == 0 {
					err = fmt.Errorf("search %q found nothing", c.text)
				}
				return err
			})
		})
	}
}

// BenchmarkNeighbours pages through the relationships of a hub (and of an
// ordinary entity) through the store, 20 at a time.
func BenchmarkNeighbours(b *testing.B) {
	bg := benchSetup(b)
	if len(bg.stats.Hubs) == 0 {
		b.Skip("the graph has no hubs")
	}
	hub := bg.stats.Hubs[0]
	ordinary := bg.stats.Pairs[0].From
	cases := []struct {
		name string
		q    model.NeighbourQuery
	}{
		{"hub/offset=0", model.NeighbourQuery{ID: hub.ID, Page: model.Page{Limit: 20}}},
		{"hub/offset=0/uncounted", model.NeighbourQuery{ID: hub.ID, WithoutTotal: true, Page: model.Page{Limit: 20}}},
		{"hub/offset=half/uncounted", model.NeighbourQuery{ID: hub.ID, WithoutTotal: true, Page: model.Page{Offset: hub.Degree / 2, Limit: 20}}},
		{"hub/offset=half", model.NeighbourQuery{ID: hub.ID, Page: model.Page{Offset: hub.Degree / 2, Limit: 20}}},
		{"hub/offset=last", model.NeighbourQuery{ID: hub.ID, Page: model.Page{Offset: hub.Degree - 20, Limit: 20}}},
		{"hub/type=NATIONAL_OF", model.NeighbourQuery{ID: hub.ID, Types: []schema.RelType{schema.NationalOf}, Page: model.Page{Limit: 20}}},
		{"hub/at=2012-06-30", model.NeighbourQuery{ID: hub.ID, At: "2012-06-30", Page: model.Page{Limit: 20}}},
		{"hub/incoming/minStatus=confirmed", model.NeighbourQuery{ID: hub.ID, Direction: model.Incoming, MinStatus: schema.Confirmed, Page: model.Page{Limit: 20}}},
		{"ordinary/offset=0", model.NeighbourQuery{ID: ordinary, Page: model.Page{Limit: 20}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			measure(b, 1, func(ctx context.Context, _ int) error {
				res, err := env.Store.Neighbours(ctx, c.q)
				if err == nil && (res.Total == 0 || len(res.Neighbours) == 0) {
					err = fmt.Errorf("neighbours %+v: none", c.q)
				}
				return err
			})
		})
	}
}
