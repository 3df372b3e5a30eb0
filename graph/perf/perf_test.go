// Package perf measures what the GraphQL layer costs: for each realistic
// workload, the API's latency through the real HTTP handler (gqlgen,
// dataloaders, the store's statements) next to the latency of the best
// single hand-written Cypher statement that returns the same data, sent
// straight through the driver. Run on the real lists with
//
//	go test -run '^$' -bench BenchmarkWorkloads -benchtime 1x -timeout 60m ./graph/perf/
//
// (SANCTIONGRAPH_PERF_ROUNDS or -perf.rounds sets the rounds, default 30;
// -short loads only the curated dataset and the UN list and runs 3 rounds;
// SANCTIONGRAPH_PERF_SYNTH=N runs on the synthetic graph of N entities of
// loaders/synth instead, without the violations workload (ten
// relationships per entity and two hubs, unless SANCTIONGRAPH_PERF_SYNTH_RELS,
// _HUBS and _HUB_DEGREE name the shape of a graph graphgen wrote into
// NEO4J_URI, which is then only read; SANCTIONGRAPH_PERF_SYNTH_VIOLATIONS=1
// keeps the violations workload);
// SANCTIONGRAPH_PERF_STATEMENTS=1 logs each statement the API ran with its
// db hits).
// Each workload's answers are checked to agree before anything is timed.
// The Markdown table at the end is printed to stdout.
package perf

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher/cyphertest"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/server"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/loaders/synth"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

var env *cyphertest.Env

// TestMain starts Neo4j only for the benchmark: the package has no tests,
// and `go test ./...` should not start a database for nothing.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		os.Exit(m.Run())
	}
	cyphertest.Main(m, &env)
}

var roundsFlag = flag.Int("perf.rounds", 0, "timed rounds per workload and side (default SANCTIONGRAPH_PERF_ROUNDS, else 30; 3 under -short)")

func rounds() int {
	if *roundsFlag > 0 {
		return *roundsFlag
	}
	if n, err := strconv.Atoi(os.Getenv("SANCTIONGRAPH_PERF_ROUNDS")); err == nil && n > 0 {
		return n
	}
	if testing.Short() {
		return 3
	}
	return 30
}

// bench is what every workload runs against: the API over HTTP and a driver
// of its own for the hand-written statements.
type bench struct {
	url    string
	client *http.Client
	drv    neo4j.DriverWithContext
	db     string
	hub    string // the resolved entity with the most relationships
	from   string // resolved ids of the path's ends
	to     string
	// entity is the entity workload's id and search its names; synth is
	// set on the synthetic graph (no story there: no violations).
	entity string
	search []string
	synth  bool
	// capture, when set, sees the statements the API sends (profile_test.go).
	capture *capture
	// deep is the position of the deep-page workloads, halfway down the
	// people sorted by name; deepKey the sort key of the item before it,
	// and the API's cursors for that item: by offset and by key.
	deep                   int
	deepKey                model.SortKey
	deepOffset, deepKeyset string
}

// cypherPeopleCount counts resolved people; setup only.
const cypherPeopleCount = `MATCH (n:` + schema.NodeLabel + `:` + string(schema.Person) + `) WHERE n.statusRank >= 0
MATCH (n)-[:` + string(schema.RecordOf) + `]->(r:` + schema.ResolvedLabel + `)
RETURN count(DISTINCT r) AS c`

// findDeepPage picks the deep-page position and asks the API for the
// cursors of the item before it: an offset cursor (the one before that,
// by offset: "o:" is the API's documented-opaque format, written here
// only to get there) whose page's one edge carries the keyset cursor.
func (bn *bench) findDeepPage(ctx context.Context) error {
	recs, err := bn.run(ctx, cypherPeopleCount, nil)
	if err != nil || len(recs) == 0 {
		return fmt.Errorf("count people: %v", err)
	}
	people := recs[0].Values[0].(int64)
	bn.deep = int(min(people/2, 99_000))
	fmt.Fprintf(os.Stderr, "perf: deep pages at %d of %d people\n", bn.deep, people)
	if bn.deep < 2 {
		return errors.New("too few people for the deep-page workloads")
	}
	offset := func(i int) string { return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(i))) }
	bn.deepOffset = offset(bn.deep - 1)
	data, err := bn.post(ctx, bn.url, `query($after: String) { entities(filter: {kinds: [PERSON]}, sort: NAME_ASC, first: 1, after: $after) {
  edges { cursor node { id name } } } }`, map[string]any{"after": offset(bn.deep - 2)})
	if err != nil {
		return err
	}
	var d struct {
		Entities struct {
			Edges []struct {
				Cursor string
				Node   struct{ ID, Name string }
			}
		}
	}
	if err := json.Unmarshal(data, &d); err != nil || len(d.Entities.Edges) != 1 {
		return fmt.Errorf("the item before the deep page: %v %s", err, data)
	}
	bn.deepKeyset = d.Entities.Edges[0].Cursor
	// The statements' key, found by a statement.
	if recs, err = bn.run(ctx, cypherDeepKey, map[string]any{"skip": int64(bn.deep - 1)}); err != nil || len(recs) != 1 {
		return fmt.Errorf("the deep page's key: %v", err)
	}
	bn.deepKey = model.SortKey{Name: get[string](recs[0], "name"), ID: get[string](recs[0], "id")}
	if bn.deepKey.ID != d.Entities.Edges[0].Node.ID {
		return fmt.Errorf("the item before the deep page is %s by the API, %s by Cypher", d.Entities.Edges[0].Node.ID, bn.deepKey.ID)
	}
	return nil
}

// cypherDeepKey is the sort key of the person at $skip by name; setup only.
const cypherDeepKey = `MATCH (n:` + schema.NodeLabel + `:` + string(schema.Person) + `) WHERE n.statusRank >= 0
MATCH (n)-[:` + string(schema.RecordOf) + `]->(r:` + schema.ResolvedLabel + `)
WITH DISTINCT r
MATCH (p:` + schema.NodeLabel + ` {id: r.id})
RETURN p.sortName AS name, r.id AS id ORDER BY name, id SKIP $skip LIMIT 1`

var (
	setupOnce sync.Once
	setupErr  error
	theBench  *bench
)

func setup(b *testing.B) *bench {
	b.Helper()
	setupOnce.Do(func() { theBench, setupErr = newBench(b) })
	if setupErr != nil {
		b.Fatal(setupErr)
	}
	return theBench
}

func newBench(b *testing.B) (*bench, error) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(30*time.Minute))
	defer cancel()
	cfg := env.Config
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return nil, err
	}
	bn := &bench{drv: drv, db: cfg.Database, client: &http.Client{Timeout: 2 * time.Minute}}
	if bn.db == "" {
		bn.db = "neo4j"
	}
	bn.entity, bn.search = "person:kim-jong-un", []string{"Kim Jong-un", "aurus"}
	if n := os.Getenv("SANCTIONGRAPH_PERF_SYNTH"); n != "" {
		if err := bn.loadSynth(ctx, n); err != nil {
			return nil, err
		}
	} else {
		if err := bn.load(ctx, b); err != nil {
			return nil, err
		}
		if bn.from, err = bn.resolvedID(ctx, "state:RU"); err != nil {
			return nil, err
		}
		if bn.to, err = bn.resolvedID(ctx, "person:kim-jong-un"); err != nil {
			return nil, err
		}
	}
	recs, err := bn.run(ctx, cypherHubFind, nil)
	if err != nil || len(recs) == 0 {
		return nil, fmt.Errorf("find the hub: %v", err)
	}
	bn.hub = recs[0].Values[0].(string)
	fmt.Fprintf(os.Stderr, "perf: hub %s with %d relationships\n", bn.hub, recs[0].Values[1])
	srv := server.New(server.Config{Addr: "127.0.0.1:0", Store: env.Store, Logger: slog.New(slog.DiscardHandler), RequestTimeout: time.Minute})
	if err := srv.Open(); err != nil {
		return nil, err
	}
	bn.url = srv.URL() + "/graphql"
	if err := bn.findDeepPage(ctx); err != nil {
		return nil, err
	}
	bn.capture, err = startCapture(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "perf: no capture of the API's statements: %v\n", err)
	}
	return bn, nil
}

// datasets are the lists the workloads run on: the curated story and the UN
// list, plus OFAC SDN 2024 and OpenSanctions' FtM sample unless -short.
type dataset struct {
	name  string // the dataset property of its records
	load  func(ctx context.Context, tb testing.TB) error
	short bool
}

var datasets = []dataset{
	{"curated", func(ctx context.Context, tb testing.TB) error {
		_, err := importer.LoadCurated(ctx, env.Store)
		return err
	}, true},
	{"unsc", func(ctx context.Context, tb testing.TB) error {
		_, err := importer.LoadFile(ctx, env.Store, importer.UN, sharedtest.Path(tb, "un-sc-consolidated/un_sanctions.xml"), importer.Options{})
		return err
	}, true},
	{"ofac-sdn", func(ctx context.Context, tb testing.TB) error {
		_, err := importer.LoadFile(ctx, env.Store, importer.OFAC, sharedtest.Path(tb, "ofac-sdn-csv-2024/sdn.csv"), importer.Options{Published: "2024-05-03"})
		return err
	}, false},
	{"ftm", func(ctx context.Context, tb testing.TB) error {
		_, err := importer.LoadFile(ctx, env.Store, importer.FtM, sharedtest.Path(tb, "opensanctions-ftm/zala/entities.ftm.json"), importer.Options{})
		return err
	}, false},
}

// cypherDatasets counts records by dataset; setup only.
const cypherDatasets = `MATCH (n:` + schema.NodeLabel + `) RETURN n.dataset AS d, count(*) AS c ORDER BY d`

// load loads the datasets the graph lacks (a NEO4J_URI that already holds
// them is used as it is), then links records across datasets.
func (bn *bench) load(ctx context.Context, b *testing.B) error {
	have, err := bn.datasets(ctx)
	if err != nil {
		return err
	}
	loaded := false
	for _, d := range datasets {
		if have[d.name] > 0 || (testing.Short() && !d.short) {
			continue
		}
		start := time.Now()
		if err := d.load(ctx, b); err != nil {
			return fmt.Errorf("load %s: %w", d.name, err)
		}
		fmt.Fprintf(os.Stderr, "perf: loaded %s in %s\n", d.name, time.Since(start).Round(100*time.Millisecond))
		loaded = true
	}
	if loaded {
		if _, err := importer.Link(ctx, env.Store); err != nil {
			return err
		}
		if have, err = bn.datasets(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "perf: records by dataset %v\n", have)
	return nil
}

func (bn *bench) datasets(ctx context.Context) (map[string]int64, error) {
	recs, err := bn.run(ctx, cypherDatasets, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, r := range recs {
		d, _ := r.Values[0].(string)
		out[d] = r.Values[1].(int64)
	}
	return out, nil
}

// cypherSynthPerson picks the synthetic graph's entity workload: the
// person with the most evidence; setup only.
const cypherSynthPerson = `MATCH (n:` + schema.NodeLabel + `:` + string(schema.Person) + `)
RETURN n.id AS id, n.name AS name, COUNT { (e:` + schema.EvidenceLabel + ` {factId: n.id}) } AS evidence
ORDER BY evidence DESC, id LIMIT 1`

// loadSynth generates the synthetic graph of n entities (ten
// relationships each, two hubs) unless the database holds it already, and
// picks the workloads' ids: a person, its name and first word to search
// for, and a pair three hops apart for the path.
func (bn *bench) loadSynth(ctx context.Context, n string) error {
	nodes, err := strconv.Atoi(n)
	if err != nil {
		return fmt.Errorf("SANCTIONGRAPH_PERF_SYNTH=%q: not a number of entities", n)
	}
	cfg := synth.Config{Nodes: nodes, Relationships: 10 * nodes, Hubs: 2, HubDegree: min(12_000, max(100, nodes*3/10)), Seed: 1, EvidenceRatio: synth.DefaultEvidenceRatio}
	// A graph generated elsewhere (graphgen -bulk) is named by its shape;
	// the harness then only reads it, and refuses to empty another graph.
	shaped := false
	for _, o := range []struct {
		env string
		v   *int
	}{{"SANCTIONGRAPH_PERF_SYNTH_RELS", &cfg.Relationships}, {"SANCTIONGRAPH_PERF_SYNTH_HUBS", &cfg.Hubs}, {"SANCTIONGRAPH_PERF_SYNTH_HUB_DEGREE", &cfg.HubDegree}} {
		if s := os.Getenv(o.env); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("%s=%q: not a number", o.env, s)
			}
			*o.v, shaped = v, true
		}
	}
	g, err := synth.Build(cfg)
	if err != nil {
		return err
	}
	loaded, err := g.Loaded(ctx, env.Store)
	if err != nil {
		return err
	}
	st := g.Stats()
	if !loaded && shaped {
		return fmt.Errorf("the database does not hold the synthetic graph %+v (generate it with graphgen first); not emptying it", cfg)
	}
	if !loaded {
		if err := env.Store.Purge(ctx); err != nil {
			return err
		}
		start := time.Now()
		if st, err = g.Write(ctx, env.Store, nil); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "perf: generated %d entities, %d relationships in %s\n", st.Nodes, st.Relationships, time.Since(start).Round(100*time.Millisecond))
	}
	bn.synth = true
	recs, err := bn.run(ctx, cypherSynthPerson, nil)
	if err != nil || len(recs) == 0 {
		return fmt.Errorf("no person in the synthetic graph (%v)", err)
	}
	bn.entity = get[string](recs[0], "id")
	name := get[string](recs[0], "name")
	bn.search = []string{name, strings.Fields(name)[0]}
	for _, p := range st.Pairs {
		if p.Hops == 3 && !p.FromHub {
			if bn.from, err = bn.resolvedID(ctx, p.From); err != nil {
				return err
			}
			if bn.to, err = bn.resolvedID(ctx, p.To); err != nil {
				return err
			}
			return nil
		}
	}
	return errors.New("the synthetic graph has no pair three hops apart")
}

const cypherResolvedID = `MATCH (:` + schema.NodeLabel + ` {id: $id})-[:` + string(schema.RecordOf) + `]->(r:` + schema.ResolvedLabel + `) RETURN r.id`

func (bn *bench) resolvedID(ctx context.Context, id string) (string, error) {
	recs, err := bn.run(ctx, cypherResolvedID, map[string]any{"id": id})
	if err != nil || len(recs) != 1 {
		return "", fmt.Errorf("no resolved entity for %s (%v)", id, err)
	}
	return recs[0].Values[0].(string), nil
}

// run sends one statement in one managed read transaction.
func (bn *bench) run(ctx context.Context, query string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := neo4j.ExecuteQuery(ctx, bn.drv, query, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(bn.db), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return nil, err
	}
	return res.Records, nil
}

// post sends one GraphQL request and returns its data; GraphQL errors fail.
func (bn *bench) post(ctx context.Context, url, query string, vars map[string]any) (json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := bn.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("HTTP %d: %.300s", resp.StatusCode, raw)
	}
	if resp.StatusCode != http.StatusOK || len(out.Errors) > 0 {
		return nil, fmt.Errorf("HTTP %d: %.500s", resp.StatusCode, out.Errors)
	}
	return out.Data, nil
}

// warmups is the untimed rounds per side before the timed ones: 2, or 1
// under -short.
func warmups() int {
	if testing.Short() {
		return 1
	}
	return 2
}

// result is one workload's measurement.
type result struct {
	name                   string
	gql, cy                []time.Duration
	gqlTx                  float64 // transactions per GraphQL request
	gqlHits, cyHits        int64   // PROFILE db hits, -1 unknown
	gqlStatements          int
	gqlHitsNote, cyHitNote string
}

func pct(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkWorkloads runs every workload, GraphQL and hand-written Cypher
// interleaved after a warm-up, and reports p50/p95 of each side and their
// ratio per workload, then the whole table in Markdown.
func BenchmarkWorkloads(b *testing.B) {
	bn := setup(b)
	var results []*result
	for _, w := range workloads(bn) {
		b.Run(w.name, func(b *testing.B) {
			res := measure(b, bn, w)
			results = append(results, res)
		})
	}
	if len(results) > 0 {
		fmt.Print(table(results))
	}
}

func measure(b *testing.B, bn *bench, w workload) *result {
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(20*time.Minute))
	defer cancel()
	gqlOnce := func() (answer, error) {
		data, err := bn.post(ctx, bn.url, w.gql, w.vars)
		if err != nil {
			return answer{}, err
		}
		return w.gqlAnswer(data)
	}
	cyOnce := func() (answer, error) {
		recs, err := bn.run(ctx, w.cypher, w.params)
		if err != nil {
			return answer{}, err
		}
		return w.cyAnswer(recs)
	}
	// Warm-up (plans, page cache, connections) and the check that both
	// sides answer the same.
	var ga, ca answer
	var err error
	for range warmups() {
		if ga, err = gqlOnce(); err != nil {
			b.Fatalf("GraphQL: %v", err)
		}
		if ca, err = cyOnce(); err != nil {
			b.Fatalf("Cypher: %v", err)
		}
	}
	if err := ga.agrees(ca); err != nil {
		b.Fatalf("answers differ: %v\nGraphQL: %.600s\nCypher:  %.600s", err, ga.key, ca.key)
	}
	res := &result{name: w.name, gqlHits: -1, cyHits: -1}
	before := env.Store.QueryCount()
	n := rounds()
	for range n {
		start := time.Now()
		if _, err := gqlOnce(); err != nil {
			b.Fatal(err)
		}
		res.gql = append(res.gql, time.Since(start))
		start = time.Now()
		if _, err := cyOnce(); err != nil {
			b.Fatal(err)
		}
		res.cy = append(res.cy, time.Since(start))
	}
	res.gqlTx = float64(env.Store.QueryCount()-before) / float64(n)
	// PROFILE compiles a plan per statement: under -short only the entity
	// workload's, which keeps the capture exercised.
	if w.profile && (!testing.Short() || w.name == "entity") {
		res.cyHits, err = bn.profile(ctx, w.cypher, w.params)
		if err != nil {
			b.Logf("PROFILE hand-written: %v", err)
			res.cyHits = -1
		}
		if bn.capture != nil {
			var logf func(string, ...any)
			if os.Getenv("SANCTIONGRAPH_PERF_STATEMENTS") != "" {
				logf = b.Logf
			}
			res.gqlStatements, res.gqlHits, err = bn.profileAPI(ctx, w, logf)
			if err != nil {
				b.Logf("PROFILE API: %v", err)
				res.gqlHits = -1
			}
		}
	}
	g50, g95, c50, c95 := pct(res.gql, .5), pct(res.gql, .95), pct(res.cy, .5), pct(res.cy, .95)
	b.ReportMetric(ms(g50), "gql-p50-ms")
	b.ReportMetric(ms(g95), "gql-p95-ms")
	b.ReportMetric(ms(c50), "cypher-p50-ms")
	b.ReportMetric(ms(c95), "cypher-p95-ms")
	b.ReportMetric(ms(g50)/ms(c50), "ratio-p50")
	b.ReportMetric(res.gqlTx, "gql-tx/op")
	if res.gqlHits >= 0 {
		b.ReportMetric(float64(res.gqlHits), "gql-dbhits")
	}
	if res.cyHits >= 0 {
		b.ReportMetric(float64(res.cyHits), "cypher-dbhits")
	}
	return res
}

// table is the Markdown table of the results.
func table(rs []*result) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n%d rounds per side, concurrency 1, interleaved after %d warm-up rounds\n\n", rounds(), warmups())
	sb.WriteString("| workload | GraphQL p50 / p95 ms | Cypher p50 / p95 ms | ratio p50 | API tx/request | API statements | db hits API / hand-written |\n")
	sb.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rs {
		hits := "–"
		if r.gqlHits >= 0 || r.cyHits >= 0 {
			hits = fmt.Sprintf("%s / %s", hitStr(r.gqlHits), hitStr(r.cyHits))
		}
		stmts := "–"
		if r.gqlStatements > 0 {
			stmts = strconv.Itoa(r.gqlStatements)
		}
		g50, c50 := ms(pct(r.gql, .5)), ms(pct(r.cy, .5))
		ratio := fmt.Sprintf("%.1f×", g50/c50)
		if g50/c50 < 0.95 {
			ratio = fmt.Sprintf("%.2f×", g50/c50) // faster than the statement: a kept answer
		}
		fmt.Fprintf(&sb, "| %s | %.1f / %.1f | %.1f / %.1f | %s | %.1f | %s | %s |\n", r.name,
			g50, ms(pct(r.gql, .95)), c50, ms(pct(r.cy, .95)), ratio, r.gqlTx, stmts, hits)
	}
	return sb.String()
}

func hitStr(n int64) string {
	if n < 0 {
		return "?"
	}
	return strconv.FormatInt(n, 10)
}
