package explorer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher/cyphertest"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/server"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// chromiumPath is Debian's chromium (apt-get install -y chromium).
const chromiumPath = "/usr/bin/chromium"

// manufactures is the relationship the test clicks: Aurus makes the Senat.
const manufactures = "MANUFACTURES|org:aurus|product:aurus-senat"

// curator makes the test's change-log entries, as a key of role editor would.
var curator = model.Actor{Name: "erin (test)", Role: "editor"}

// hostileReason is a curator's reason with markup in it: the History section
// must show it as text.
const hostileReason = "Second source names another plant <img src=x onerror=alert(1)>"

// stepTimeout bounds one step in the browser (a wait, a query answered).
const stepTimeout = 20 * time.Second

// TestExplorerEndToEnd runs the real service in process against a real
// Neo4j holding the curated dataset, and drives /explore in headless
// Chromium as a person would: search by a spelling, pick suggestions with
// the keyboard, find the path Russia → Aurus → Aurus Senat → Kim Jong Un,
// click a relationship and read its evidence, reload the shared URL, expand
// a node, and see an API error. Screenshots go to .artifacts/explorer/ at
// the repository root.
func TestExplorerEndToEnd(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if sharedtest.InCI() {
			t.Fatalf("%s is missing (%v): CI must install Debian's chromium (apt-get install -y chromium)", chromiumPath, err)
		}
		t.Skipf("skipping the browser test: %s is missing; install it with `apt-get update && apt-get install -y chromium`", chromiumPath)
	}
	began := time.Now()

	env, err := cyphertest.Start()
	if err != nil {
		t.Fatalf("cyphertest: %v", err)
	}
	t.Cleanup(env.Stop)
	env.Reset(t)
	ctx := t.Context() // the loads and the browser may outlast Reset's deadline on a busy machine
	if _, err := importer.LoadCurated(ctx, env.Store); err != nil {
		t.Fatalf("curated dataset: %v", err)
	}
	t.Logf("Neo4j ready and curated dataset loaded in %s", time.Since(began).Round(10*time.Millisecond))
	// Two editions of the UN list, for the list-changes view.
	withUN := loadUNEditions(t, ctx, env.Store)
	// One curator change, so the relationship clicked below has a history.
	if _, res, err := env.Store.SetStatus(ctx, manufactures, schema.Reported, curator, hostileReason); err != nil || res.Change == nil {
		t.Fatalf("SetStatus %s: %v (change %v)", manufactures, err, res.Change)
	}

	srv := server.New(server.Config{Addr: "127.0.0.1:0", Store: env.Store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Close(c)
	})
	base := srv.URL()

	shots := artifactsDir(t)
	b := newBrowser(t)
	b.dir = shots
	browserStart := time.Now()

	// Open the page the way a person types it: /explore, which redirects.
	b.do(chromedp.EmulateViewport(1366, 768), chromedp.Navigate(base+"/explore"))
	b.waitReady()
	if u := b.eval(`location.pathname`); u != "/explore/" {
		t.Errorf("/explore landed on %v, want /explore/", u)
	}

	// Any spelling finds Kim Jong Un: first in Cyrillic …
	b.do(chromedp.SendKeys(chromedp.ID("to-input"), "Ким Чен Ын"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`#to-listbox [role=option][data-id="person:kim-jong-un"]`)))
	b.shot(shots, "01-suggestions-cyrillic")
	b.do(chromedp.SendKeys(chromedp.ID("to-input"), kb.Escape))
	b.evalVoid(`(() => { const i = document.getElementById('to-input'); i.value = ''; i.dispatchEvent(new Event('input')); })()`)

	// … then as "Kim Jong-un", picked with the arrow keys and Enter.
	b.do(chromedp.SendKeys(chromedp.ID("to-input"), "Kim Jong-un"))
	b.pickWithKeys("to", "person:kim-jong-un")
	if got := b.eval(`document.getElementById('to-input').value`); got != "Kim Jong Un" {
		t.Errorf("to input after the pick = %v, want Kim Jong Un", got)
	}

	b.do(chromedp.SendKeys(chromedp.ID("from-input"), "Russia"))
	b.pickWithKeys("from", "state:RU")

	// A waypoint, picked with the mouse.
	b.do(chromedp.SendKeys(chromedp.ID("via-input"), "Aurus"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`#via-listbox [role=option][data-id="org:aurus"]`)))
	b.do(chromedp.Click(chromedp.CSS(`#via-listbox [role=option][data-id="org:aurus"]`)))
	if chips := b.eval(`document.getElementById('via-chips').textContent`); !strings.Contains(fmt.Sprint(chips), "Aurus") {
		t.Errorf("via chips = %q, want the Aurus waypoint", chips)
	}

	b.do(chromedp.Click(chromedp.ID("run")))
	b.poll(`explorer.view.result !== null && document.getElementById('busy').hidden && explorer.cy.nodes().length > 0`)
	nodes := b.strings(`explorer.cy.nodes().map(n => n.id())`)
	for _, want := range []string{"state:RU", "org:aurus", "product:aurus-senat", "person:kim-jong-un"} {
		if !slices.Contains(nodes, want) {
			t.Errorf("graph nodes %v lack %s", nodes, want)
		}
	}
	if dir := b.eval(fmt.Sprintf(`(e => e.empty() ? null : e.source().id() + ' -> ' + e.target().id() + ' ' + e.data('label'))(explorer.cy.getElementById(%q))`, manufactures)); dir != "org:aurus -> product:aurus-senat manufactures" {
		t.Errorf("MANUFACTURES edge = %v, want org:aurus -> product:aurus-senat labelled manufactures", dir)
	}
	b.shot(shots, "02-path")

	// Click the relationship on the canvas: its evidence opens in the panel.
	b.clickElement(manufactures)
	b.do(chromedp.WaitVisible(chromedp.CSS(`#panel-details .evidence .source-name`)))
	source := b.eval(`document.querySelector('#panel-details .evidence .source-name').textContent.trim()`)
	if source == "" {
		t.Error("the evidence panel shows no source name")
	}
	title := fmt.Sprint(b.eval(`document.querySelector('#panel-details h2').textContent`))
	if !strings.Contains(title, "manufactures") {
		t.Errorf("evidence panel title = %q, want the relationship", title)
	}
	if sel := b.eval(`explorer.state.selected && explorer.state.selected.id`); sel != manufactures {
		t.Errorf("selected = %v, want %s", sel, manufactures)
	}
	b.shot(shots, "03-edge-evidence")
	b.checkHistory(t, shots)

	// The URL holds the view: loading it draws the same path and selection.
	shared := fmt.Sprint(b.eval(`location.href`))
	q, _ := url.Parse(shared)
	for k, want := range map[string]string{"from": "state:RU", "to": "person:kim-jong-un", "via": "org:aurus", "sel": "e:" + manufactures} {
		if got := q.Query().Get(k); got != want {
			t.Errorf("URL %s: %s = %q, want %q", shared, k, got, want)
		}
	}
	b.do(chromedp.Navigate("about:blank"), chromedp.Navigate(shared))
	b.waitReady()
	b.do(chromedp.WaitVisible(chromedp.CSS(`#panel-details .evidence .source-name`)))
	if again := b.eval(`document.querySelector('#panel-details .evidence .source-name').textContent.trim()`); again != source {
		t.Errorf("after reloading the shared URL the panel shows source %q, want %q", again, source)
	}
	if again := b.strings(`explorer.cy.nodes().map(n => n.id())`); !sameSet(again, nodes) {
		t.Errorf("after reloading the shared URL the nodes are %v, want %v", again, nodes)
	}
	if from := b.eval(`document.getElementById('from-input').value`); from != "Russian Federation" {
		t.Errorf("from input after reload = %v", from)
	}
	b.shot(shots, "04-shared-url")

	// The paths drawn, exported for a writer: one CSV row per hop, with its
	// citations (the button downloads the same file).
	csvText := fmt.Sprint(b.eval(`import('./api.js').then(async (api) => {
		const s = explorer.state;
		const vars = {from: s.from.id, to: s.to.id, via: s.via.map(v => v.id), maxHops: s.maxHops, mode: s.mode, k: s.k};
		return (await api.exportAnswer('csv', api.PATH_CITATIONS, vars, 'paths.paths.hops')).text();
	})`))
	if lines := strings.Split(strings.TrimSpace(csvText), "\n"); len(lines) < 3 || !strings.Contains(lines[0], "relationship.citations") || !strings.Contains(csvText, "TASS") {
		t.Errorf("the citations CSV of the path:\n%s", csvText)
	}

	// Clicking a node shows its details and expands its neighbours.
	before := len(nodes)
	b.clickElement("person:kim-jong-un")
	b.poll(fmt.Sprintf(`explorer.cy.nodes().length > %d && !!document.querySelector('#neighbour-info span')`, before))
	if h := b.eval(`document.querySelector('#panel-details h2').textContent`); h != "Kim Jong Un" {
		t.Errorf("node panel title = %v", h)
	}
	if ev := b.eval(`document.querySelectorAll('#panel-details .evidence').length`); ev == float64(0) {
		t.Error("the node panel shows no evidence")
	}
	b.shot(shots, "05-node-expanded")

	// Exports: JSON with ids and evidence, PNG from Cytoscape.
	exp := b.eval(`explorer.viewJSON().then(d => ({nodes: d.nodes.length, edges: d.edges.length,
		nodeEvidence: d.nodes.every(n => Array.isArray(n.evidence)), edgeEvidence: d.edges.filter(e => e.evidence.length > 0).length,
		png: explorer.cy.png().slice(0, 22)}))`)
	if m, ok := exp.(map[string]any); !ok || m["nodes"].(float64) < 5 || m["edgeEvidence"].(float64) < 3 || m["nodeEvidence"] != true || m["png"] != "data:image/png;base64," {
		t.Errorf("export = %v", exp)
	}

	// The violations view: shown only when the schema has potentialViolations;
	// its query is built from introspection, and a finding's chain of
	// evidence is drawn (here a real path, fetched with the selection the
	// view uses for Path fields).
	hasViolations := schemaHas(t, base, "potentialViolations")
	if hidden := b.eval(`document.getElementById('tab-violations').hidden`); hidden != !hasViolations {
		t.Errorf("violations tab hidden = %v, but the schema has potentialViolations: %v", hidden, hasViolations)
	}
	if hasViolations {
		b.checkViolationsTab(t, base, shots)
	}
	if q := fmt.Sprint(b.eval(violationsQueryJS)); !strings.Contains(q, "potentialViolations(first: 40)") ||
		!strings.Contains(q, "edges { cursor node { id title status chain { length") || !strings.Contains(q, "pageInfo { hasNextPage endCursor }") {
		t.Errorf("violations query built from the schema = %s", q)
	}
	drawn := b.strings(`Promise.all([import('./violations.js'), import('./api.js')]).then(async ([v, api]) => {
		const q = '{ paths(from: "state:RU", to: "person:kim-jong-un", via: ["org:aurus"]) { paths ' + v.KNOWN.Path + ' } }' + api.ENTITY_BRIEF + api.RELATIONSHIP + api.EVIDENCE;
		const data = await api.gql(q);
		await explorer.drawFinding({ id: 'f1', title: 'Luxury vehicle supplied to the DPRK', status: 'REPORTED', chain: data.paths.paths[0] });
		return explorer.cy.nodes().map(n => n.id()).concat(explorer.cy.edges().map(e => e.id()));
	})`)
	for _, want := range []string{"state:RU", "org:aurus", "product:aurus-senat", "person:kim-jong-un", manufactures} {
		if !slices.Contains(drawn, want) {
			t.Errorf("finding's chain drawn as %v, lacks %s", drawn, want)
		}
	}
	b.shot(shots, "06-finding-chain")
	b.checkNoExceptions()

	// API errors show their code and message.
	b.do(chromedp.Navigate(base + "/explore/?from=" + url.QueryEscape("zzzz nobody") + "&to=person:kim-jong-un"))
	b.waitReady()
	b.do(chromedp.WaitVisible(chromedp.ID("errors")))
	if msg := fmt.Sprint(b.eval(`document.getElementById('errors').textContent`)); !strings.Contains(msg, "NOT_FOUND") || !strings.Contains(msg, "zzzz nobody") {
		t.Errorf("error box = %q, want the NOT_FOUND code and the message", msg)
	}
	b.shot(shots, "07-api-error")

	// A retracted fact stays readable by id: a link to it shows who withdrew
	// it, when and why, and the retraction heads its history.
	const senat = "product:aurus-senat"
	if _, _, err := env.Store.Retract(ctx, senat, curator, "Duplicate of another record"); err != nil {
		t.Fatalf("Retract %s: %v", senat, err)
	}
	b.do(chromedp.Navigate(base + "/explore/?from=" + url.QueryEscape(senat) + "&sel=n:" + url.QueryEscape(senat) + "&tab=details"))
	b.waitReady()
	b.do(chromedp.WaitVisible(chromedp.CSS(`#panel-details #fact-retraction .retraction`)))
	if notice := fmt.Sprint(b.eval(`document.querySelector('#fact-retraction .retraction').textContent`)); !strings.HasPrefix(notice, "Retracted on ") ||
		!strings.Contains(notice, " by erin (test): Duplicate of another record") {
		t.Errorf("retraction notice = %q, want Retracted on … by erin (test): Duplicate of another record", notice)
	}
	b.poll(`document.querySelector('#fact-history') && document.querySelector('#fact-history').getAttribute('aria-busy') === 'false'`)
	if first := b.eval(`(document.querySelector('#fact-history .change') || {dataset: {}}).dataset.action || null`); first != "RETRACT" {
		t.Errorf("newest history entry of the retracted entity = %v, want RETRACT", first)
	}
	b.shot(shots, "08-retracted")

	// The timeline, the route map and the lists (views_e2e_test.go), and
	// the API console with the network blocked to all but the service.
	b.checkTimeline(t, base, shots)
	b.checkNoExceptions()
	b.checkRouteMap(t, base, shots)
	b.checkNoExceptions()
	b.checkLists(t, base)
	b.checkNoExceptions()
	b.checkFactLists(t, base, shots, withUN)
	b.checkNoExceptions()
	b.checkConsoleOffline(t, base, shots)

	b.checkNoExceptions()
	t.Logf("browser part took %s, whole test %s", time.Since(browserStart).Round(10*time.Millisecond), time.Since(began).Round(10*time.Millisecond))
}

// checkHistory reads the History section of the selected MANUFACTURES
// relationship: the curator's SetStatus, newest first, with its reason shown
// as text (no element made of the markup in it) and the status diff.
func (b *browser) checkHistory(t testing.TB, shots string) {
	t.Helper()
	b.poll(`document.querySelector('#fact-history') && document.querySelector('#fact-history').getAttribute('aria-busy') === 'false'`)
	if notice := b.eval(`document.querySelectorAll('#panel-details .retraction').length`); notice != float64(0) {
		t.Errorf("a standing relationship shows %v retraction notices", notice)
	}
	entry := b.eval(`(() => {
		const c = document.querySelector('#fact-history .change');
		if (!c) return null;
		return {
			action: c.dataset.action,
			actionText: c.querySelector('.action').textContent,
			reason: c.querySelector('.change-reason').textContent,
			head: c.querySelector('.change-head').textContent,
			diff: [...c.querySelectorAll('.diff li')].map(li => li.textContent),
			imgs: document.querySelectorAll('#panel-details img').length,
			heading: document.querySelector('#fact-history h3').textContent,
		};
	})()`)
	m, ok := entry.(map[string]any)
	if !ok {
		t.Fatalf("the History section lists no change: %v", b.eval(`document.getElementById('fact-history').textContent`))
	}
	if m["action"] != "SET_STATUS" || m["actionText"] != "Set status" {
		t.Errorf("history entry action = %v (%v), want SET_STATUS shown as Set status", m["action"], m["actionText"])
	}
	if m["reason"] != hostileReason {
		t.Errorf("history entry reason = %q, want the text %q", m["reason"], hostileReason)
	}
	if m["imgs"] != float64(0) {
		t.Errorf("the reason's markup became %v <img> elements in the panel", m["imgs"])
	}
	if head := fmt.Sprint(m["head"]); !strings.Contains(head, "erin (test)") || !strings.Contains(head, "(editor)") || !strings.Contains(head, " UTC") {
		t.Errorf("history entry head = %q, want when, erin (test) and the role", head)
	}
	diff, _ := m["diff"].([]any)
	if !slices.ContainsFunc(diff, func(d any) bool { return d == "status: confirmed → reported" }) {
		t.Errorf("history entry diff = %v, want status: confirmed → reported", diff)
	}
	if m["heading"] != "History (1)" {
		t.Errorf("History heading = %v, want History (1)", m["heading"])
	}
	b.evalVoid(`document.getElementById('fact-history').scrollIntoView()`)
	b.shot(shots, "03b-edge-history")

	// An entity without curator changes says so.
	b.evalVoid(`explorer.select('org:aurus', {expandNode: false})`)
	b.poll(`document.querySelector('#fact-history[data-fact="org:aurus"]') && document.querySelector('#fact-history').getAttribute('aria-busy') === 'false'`)
	if none := fmt.Sprint(b.eval(`document.querySelector('#fact-history .history-status').textContent`)); none != "No curator changes" {
		t.Errorf("History of an unchanged entity = %q, want No curator changes", none)
	}
	b.evalVoid(fmt.Sprintf(`explorer.select(%q)`, manufactures))
	b.poll(fmt.Sprintf(`document.querySelector('#fact-history[data-fact=%q]') && document.querySelector('#fact-history .change')`, manufactures))
}

// schemaHas tells whether the API's Query type has the field.
func schemaHas(t testing.TB, base, field string) bool {
	t.Helper()
	var out struct {
		Data struct {
			Schema struct {
				QueryType struct {
					Fields []struct{ Name string }
				}
			} `json:"__schema"`
		}
	}
	postGraphQL(t, base, `{ __schema { queryType { fields { name } } } }`, &out)
	for _, f := range out.Data.Schema.QueryType.Fields {
		if f.Name == field {
			return true
		}
	}
	return false
}

func postGraphQL(t testing.TB, base, query string, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("decode the answer to %s: %v", query, err)
	}
}

// checkViolationsTab opens the violations tab and the first finding, when
// the API has findings for the curated dataset.
func (b *browser) checkViolationsTab(t testing.TB, base, shots string) {
	t.Helper()
	var out struct {
		Data struct {
			PotentialViolations struct {
				TotalCount int
				Edges      []struct{ Cursor string }
			} `json:"potentialViolations"`
		}
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	postGraphQL(t, base, `{ potentialViolations(first: 5) { totalCount edges { cursor } } }`, &out)
	if len(out.Errors) > 0 {
		t.Logf("potentialViolations answered %v %s: the violations list is not checked", out.Errors[0].Extensions["code"], out.Errors[0].Message)
		return
	}
	if len(out.Data.PotentialViolations.Edges) == 0 {
		t.Logf("potentialViolations lists no findings (totalCount %d) for the curated dataset: the violations list is not checked", out.Data.PotentialViolations.TotalCount)
		return
	}
	b.do(chromedp.Click(chromedp.ID("tab-violations")))
	b.do(chromedp.WaitVisible(chromedp.CSS(`#panel-violations .violation-open`)))
	b.do(chromedp.Click(chromedp.CSS(`#panel-violations .violation-open`)))
	b.poll(`explorer.state.violation !== '' && explorer.cy.edges().length > 0`)
	if v := b.eval(`new URLSearchParams(location.search).get('v')`); v == nil || v == "" {
		t.Error("the URL does not name the finding shown")
	}
	b.shot(shots, "06-violation")
}

// artifactsDir is .artifacts/explorer at the repository root (git ignores it).
func artifactsDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	out := filepath.Join(dir, ".artifacts", "explorer")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

// browser is one headless Chromium tab with the test's helpers.
type browser struct {
	t   testing.TB
	ctx context.Context

	dir        string // screenshots
	mu         sync.Mutex
	exceptions []string
}

func newBrowser(t testing.TB) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// No network but loopback here: keep Chromium from calling home.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 768),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &browser{t: t}
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			b.mu.Lock()
			b.exceptions = append(b.exceptions, msg)
			b.mu.Unlock()
		case *runtime.EventConsoleAPICalled:
			if e.Type == "error" || e.Type == "warning" {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value))
				}
				t.Logf("browser console.%s: %s", e.Type, strings.Join(parts, " "))
			}
		}
	}))
	// The whole browser session: generous, as every step has its own
	// stepTimeout; a busy machine may take minutes.
	ctx, cancelTimeout := context.WithTimeout(ctx, 8*time.Minute)
	b.ctx = ctx
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	// Start the browser now, so its start-up is not charged to the first step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	return b
}

// do runs steps, each batch within stepTimeout; on failure it saves a
// screenshot (failure.png) and the error box, then fails the test.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(err)
	}
}

func (b *browser) fail(err error) {
	b.t.Helper()
	b.checkNoExceptions()
	if b.dir != "" {
		if buf, serr := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)); serr == nil {
			_ = os.WriteFile(filepath.Join(b.dir, "failure.png"), buf, 0o644)
			b.t.Logf("screenshot of the failure: %s", filepath.Join(b.dir, "failure.png"))
		}
	}
	errs, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById('errors') ? document.getElementById('errors').textContent : ''`))
	b.t.Fatalf("browser: %v (error box: %q)", err, errs)
}

// eval evaluates JavaScript (awaiting a promise) and returns the JSON value.
func (b *browser) eval(js string) any {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func (b *browser) evalVoid(js string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
}

func (b *browser) strings(js string) []string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// poll waits until the expression is truthy.
func (b *browser) poll(js string) {
	b.t.Helper()
	b.pollWithin(js, stepTimeout)
}

// pollWithin waits until the expression is truthy, at most d.
func (b *browser) pollWithin(js string, d time.Duration) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(d))); err != nil {
		b.fail(fmt.Errorf("waiting for %s: %w", js, err))
	}
}

// waitReady waits for the page's start-up (features detected, URL state drawn).
func (b *browser) waitReady() {
	b.t.Helper()
	b.poll(`document.body && document.body.dataset.ready === 'true'`)
}

// pickWithKeys waits for the suggestion with this entity id in the picker's
// list, moves to it with ArrowDown and picks it with Enter.
func (b *browser) pickWithKeys(picker, id string) {
	b.t.Helper()
	opt := fmt.Sprintf(`#%s-listbox [role=option][data-id=%q]`, picker, id)
	b.do(chromedp.WaitVisible(chromedp.CSS(opt)))
	idx, ok := b.eval(fmt.Sprintf(`Number(document.querySelector(%q).dataset.index)`, opt)).(float64)
	if !ok {
		b.t.Fatalf("option %s has no index", opt)
	}
	// The first suggestion is highlighted when the list opens.
	for range int(idx) {
		b.do(chromedp.SendKeys(chromedp.ID(picker+"-input"), kb.ArrowDown))
	}
	active := b.eval(fmt.Sprintf(`document.getElementById(%q).getAttribute('aria-activedescendant')`, picker+"-input"))
	if want := fmt.Sprintf("%s-listbox-opt-%d", picker, int(idx)); active != want {
		b.t.Errorf("aria-activedescendant = %v, want %s", active, want)
	}
	b.do(chromedp.SendKeys(chromedp.ID(picker+"-input"), kb.Enter))
	if got := b.eval(fmt.Sprintf(`explorer.pickers[%q].value && explorer.pickers[%[1]q].value.id`, picker)); got != id {
		b.t.Errorf("%s picked %v, want %s", picker, got, id)
	}
	if got := b.eval(fmt.Sprintf(`document.getElementById(%q).getAttribute('aria-expanded')`, picker+"-input")); got != "false" {
		b.t.Errorf("%s suggestions still open after Enter", picker)
	}
}

// clickElement clicks a node or an edge of the graph with the mouse, at its
// position on the screen.
func (b *browser) clickElement(id string) {
	b.t.Helper()
	pos, ok := b.eval(fmt.Sprintf(`(() => {
		const el = explorer.cy.getElementById(%q);
		if (el.empty()) return null;
		const p = el.isNode() ? el.renderedPosition() : el.renderedMidpoint();
		const r = explorer.cy.container().getBoundingClientRect();
		return [r.left + p.x, r.top + p.y];
	})()`, id)).([]any)
	if !ok || len(pos) != 2 {
		b.t.Fatalf("%s is not in the graph", id)
	}
	b.do(chromedp.MouseClickXY(pos[0].(float64), pos[1].(float64)))
}

// mouseClickCenter clicks the middle of the element the CSS selector finds,
// with the mouse, where it is on the screen.
func (b *browser) mouseClickCenter(sel string) {
	b.t.Helper()
	// The element must be the one a click there reaches: wait until nothing
	// (a tooltip, a label, a re-render) covers its middle.
	if hit := fmt.Sprint(b.eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return 'nothing';
		const r = el.getBoundingClientRect(); const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return !hit ? 'none' : (hit === el || el.contains(hit)) ? '' : hit.outerHTML.slice(0, 300); })()`, sel))); hit != "" {
		b.t.Logf("the middle of %s is covered by %s; waiting", sel, hit)
	}
	b.poll(fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return false;
		const r = el.getBoundingClientRect(); const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return !!hit && (hit === el || el.contains(hit)); })()`, sel))
	pos, ok := b.eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return null;
		const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`, sel)).([]any)
	if !ok || len(pos) != 2 {
		b.t.Fatalf("nothing on the page matches %s", sel)
	}
	b.do(chromedp.MouseClickXY(pos[0].(float64), pos[1].(float64)))
}

// remarshal decodes a value read from the page into a typed one.
func remarshal(v, out any) error {
	buf, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(buf, out)
}

func (b *browser) shot(dir, name string) {
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	b.save(dir, name, buf)
}

func (b *browser) save(dir, name string, buf []byte) {
	b.t.Helper()
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", p)
}

func (b *browser) checkNoExceptions() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.exceptions {
		b.t.Errorf("uncaught exception in the page: %s", e)
	}
	b.exceptions = nil
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// violationsQueryJS builds the violations query from a made-up schema (a
// connection of findings, each with a chain Path), as issue 6 may shape it.
const violationsQueryJS = `import('./violations.js').then(v => {
	const T = (kind, name, ofType) => ({ kind, name: name || null, ofType: ofType || null });
	const nn = (t) => T('NON_NULL', null, t);
	const list = (t) => T('LIST', null, t);
	const f = (name, type, args) => ({ name, type, args: args || [] });
	const types = {
		PotentialViolationConnection: { name: 'PotentialViolationConnection', kind: 'OBJECT', fields: [
			f('edges', nn(list(nn(T('OBJECT', 'PotentialViolationEdge'))))), f('pageInfo', nn(T('OBJECT', 'PageInfo'))), f('totalCount', nn(T('SCALAR', 'Int')))] },
		PotentialViolationEdge: { name: 'PotentialViolationEdge', kind: 'OBJECT', fields: [
			f('cursor', nn(T('SCALAR', 'String'))), f('node', nn(T('OBJECT', 'PotentialViolation')))] },
		PotentialViolation: { name: 'PotentialViolation', kind: 'OBJECT', fields: [
			f('id', nn(T('SCALAR', 'ID'))), f('title', nn(T('SCALAR', 'String'))), f('status', nn(T('ENUM', 'Status'))),
			f('chain', nn(T('OBJECT', 'Path'))), f('measure', T('OBJECT', 'Entity')),
			f('needsArg', T('SCALAR', 'String'), [{ name: 'x', defaultValue: null, type: nn(T('SCALAR', 'String')) }])] },
	};
	const field = { name: 'potentialViolations', args: [{ name: 'first', defaultValue: '20', type: T('SCALAR', 'Int') }],
		type: nn(T('OBJECT', 'PotentialViolationConnection')) };
	return v.buildQuery(field, { typeOf: async (n) => types[n] || null });
})`
