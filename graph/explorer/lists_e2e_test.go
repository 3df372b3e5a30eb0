package explorer_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
)

// The two editions of the UN list the list-changes view compares.
const (
	un2020     = "un-sc-consolidated-2020/consolidated.xml"
	un2026     = "un-sc-consolidated/un_sanctions.xml"
	un2020Date = "2020-11-24"
	un2026Date = "2026-05-08"
)

// loadUNEditions loads the UN list of 2020 and then of 2026, as two
// editions. The 2026 list removes 107 of the 1,018 listings of 2020, more
// than the importer's guard lets one load remove, so it is loaded with
// AllowMassRemoval. Without the shared data (outside CI) it loads nothing
// and returns false: the list-changes steps are then left out.
func loadUNEditions(t testing.TB, ctx context.Context, st *cypher.Store) bool {
	t.Helper()
	if sharedtest.Dir() == "" && !sharedtest.InCI() {
		t.Logf("shared data not found beside the repository (set %s): the list-changes view is not checked", sharedtest.EnvDir)
		return false
	}
	began := time.Now()
	for _, l := range []struct {
		file string
		opts importer.Options
	}{
		{un2020, importer.Options{}},
		{un2026, importer.Options{AllowMassRemoval: true}},
	} {
		res, err := importer.LoadFile(ctx, st, importer.UN, sharedtest.Path(t, l.file), l.opts)
		if err != nil {
			t.Fatalf("load %s: %v", l.file, err)
		}
		if !res.DelistRan || res.Edition == "" {
			t.Fatalf("load %s recorded no edition: %+v", l.file, res)
		}
	}
	t.Logf("UN lists of %s and %s loaded in %s", un2020Date, un2026Date, time.Since(began).Round(10*time.Millisecond))
	return true
}

// checkFactLists opens the relationships list (SUPPLIES backed by news
// reports) and a row's evidence; then the UN list's changes between the
// 2020 and the 2026 editions, whose totals must be the API's, and an added
// listing's entity; and downloads the whole list of changes as CSV through
// /export, which must hold every change the API lists.
func (b *browser) checkFactLists(t testing.TB, base, shots string, withUN bool) {
	t.Helper()

	// The pages of an export are joined in the browser as one answer would be.
	if merged := b.eval(`import('./lists.js').then(m => m.mergeCSV(['id,b,evidence\n1,"x,y",\n', 'id,b,evidence.basis\n3,z,news | record\n4,"two\nlines",party\n']))`); merged != "id,b,evidence,evidence.basis\n1,\"x,y\",,\n3,z,,news | record\n4,\"two\nlines\",,party\n" {
		t.Errorf("mergeCSV = %q", merged)
	}

	// Relationships, filtered in the form as a person would: SUPPLIES with
	// evidence from news reports.
	b.do(chromedp.Navigate(base + "/explore/?view=lists&list=relationships"))
	b.waitReady()
	b.poll(`explorer.lists.key === 'relationships' && explorer.lists.state === 'ready' && !!document.querySelector('#list-f-type option[value=SUPPLIES]')`)
	b.do(chromedp.SetValue(chromedp.CSS(`#list-f-type`), "SUPPLIES"), chromedp.SetValue(chromedp.CSS(`#list-f-basis`), "news"))
	b.mouseClickCenter(`#lists-view .list-controls button[type=submit]`)
	b.poll(`explorer.lists.filters.type === 'SUPPLIES' && explorer.lists.state === 'ready'`)
	var rels struct {
		Data struct {
			Relationships struct{ TotalCount int }
		}
	}
	postGraphQL(t, base, `{ relationships(filter: {types: [SUPPLIES], basis: ["news"]}) { totalCount } }`, &rels)
	want := rels.Data.Relationships.TotalCount
	status := fmt.Sprint(b.eval(`document.querySelector('#lists-view .list-status').textContent`))
	types := b.strings(`[...document.querySelectorAll('#lists-view tbody tr td:first-child')].map(td => td.textContent)`)
	if want == 0 || status != fmt.Sprintf("%d of %d shown", min(want, 50), want) || len(types) != min(want, 50) {
		t.Errorf("SUPPLIES backed by news: the list says %q with %d rows, the API counts %d", status, len(types), want)
	}
	for _, ty := range types {
		if ty != "supplies" {
			t.Errorf("a row of the SUPPLIES list has type %q", ty)
		}
	}
	cells := b.strings(`[...document.querySelectorAll('#lists-view tbody tr:first-child td')].map(td => td.textContent)`)
	if len(cells) != 8 || cells[1] == "" || cells[2] == "" || cells[6] == "0" || cells[7] == "" {
		t.Errorf("first relationship row: %q, want type, from, to, status, dates, dataset, evidence count and first source", cells)
	}
	// A row opens the relationship's details and evidence.
	rel := fmt.Sprint(b.eval(`document.querySelector('#lists-view tbody tr:first-child button.fact').dataset.id`))
	b.mouseClickCenter(`#lists-view tbody tr:first-child button.fact`)
	b.poll(fmt.Sprintf(`explorer.state.selected && explorer.state.selected.id === %q && !!document.querySelector('#panel-details .evidence .source-name')`, rel))
	if title := fmt.Sprint(b.eval(`document.querySelector('#panel-details h2').textContent`)); !strings.Contains(title, "supplies") {
		t.Errorf("the relationship row %s opened %q", rel, title)
	}
	b.poll(`document.querySelector('#fact-history') && document.querySelector('#fact-history').getAttribute('aria-busy') === 'false'`)
	b.shot(shots, "14-list-relationships")

	if !withUN {
		return
	}

	// List changes: the UN list between its 2020 and 2026 editions.
	b.do(chromedp.Navigate(base + "/explore/?view=lists&list=changes"))
	b.waitReady()
	b.poll(`explorer.lists.key === 'changes' && explorer.lists.state === 'ready'`)
	if eds := b.strings(`[...document.querySelectorAll('#list-f-from option')].map(o => o.value)`); !slices.Equal(eds, []string{un2020Date, un2026Date}) {
		t.Errorf("editions offered = %v, want %s and %s", eds, un2020Date, un2026Date)
	}
	b.do(chromedp.SetValue(chromedp.CSS(`#list-f-from`), un2020Date), chromedp.SetValue(chromedp.CSS(`#list-f-to`), un2026Date))
	b.mouseClickCenter(`#lists-view .list-controls button[type=submit]`)
	b.poll(fmt.Sprintf(`explorer.lists.filters.from === %q && explorer.lists.filters.to === %q && explorer.lists.state === 'ready'`, un2020Date, un2026Date))
	var lc struct {
		Data struct {
			ListChanges struct{ Added, Removed, Amended, TotalCount int }
		}
	}
	postGraphQL(t, base, fmt.Sprintf(`{ listChanges(authority: "unsc", from: %q, to: %q) { added removed amended totalCount } }`, un2020Date, un2026Date), &lc)
	api := lc.Data.ListChanges
	shown := map[string]string{}
	if err := remarshal(b.eval(`({...document.querySelector('#lists-view .list-summary').dataset, text: document.querySelector('#lists-view .list-summary').textContent,
		status: document.querySelector('#lists-view .list-status').textContent})`), &shown); err != nil {
		t.Fatal(err)
	}
	for k, n := range map[string]int{"added": api.Added, "removed": api.Removed, "amended": api.Amended} {
		if shown[k] != fmt.Sprint(n) || !strings.Contains(shown["text"], fmt.Sprintf("%d %s", n, k)) {
			t.Errorf("list changes shown: %s %q in %q; the API answers %d", k, shown[k], shown["text"], n)
		}
	}
	if api.Added == 0 || api.Removed == 0 || shown["status"] != fmt.Sprintf("50 of %d shown", api.TotalCount) {
		t.Errorf("UN %s → %s: API %+v, the list says %q", un2020Date, un2026Date, api, shown["status"])
	}
	t.Logf("UN %s → %s: %d added, %d removed, %d amended", un2020Date, un2026Date, api.Added, api.Removed, api.Amended)
	if amended := b.eval(`[...document.querySelectorAll('#lists-view tbody tr')].filter(tr => tr.querySelector('.change-AMENDED')).every(tr => tr.querySelectorAll('.field-changes li').length > 0)`); amended != true {
		t.Error("an amended listing shows no changed field")
	}
	b.shot(shots, "15-list-changes")

	// Only the added listings; one opens its entity.
	b.do(chromedp.SetValue(chromedp.CSS(`#list-f-change`), "ADDED"))
	b.mouseClickCenter(`#lists-view .list-controls button[type=submit]`)
	b.poll(`explorer.lists.filters.change === 'ADDED' && explorer.lists.state === 'ready'`)
	if kinds := b.strings(`[...new Set([...document.querySelectorAll('#lists-view tbody tr td:first-child')].map(td => td.textContent))]`); !slices.Equal(kinds, []string{"added"}) {
		t.Errorf("changes filtered to ADDED show %v", kinds)
	}
	if st := fmt.Sprint(b.eval(`document.querySelector('#lists-view .list-status').textContent`)); st != fmt.Sprintf("%d of %d shown", min(50, api.Added), api.Added) {
		t.Errorf("added listings: %q, the API counts %d", st, api.Added)
	}
	listing := map[string]string{}
	if err := remarshal(b.eval(`({id: explorer.lists.rows[0].node.sanctionId, name: explorer.lists.rows[0].node.name})`), &listing); err != nil {
		t.Fatal(err)
	}
	// Its reference opens the listing (the Sanction) …
	b.mouseClickCenter(`#lists-view tbody tr:first-child button.listing`)
	b.poll(fmt.Sprintf(`explorer.state.selected && explorer.state.selected.id === %q && !!document.querySelector('#panel-details h2.entity-title')`, listing["id"]))
	if kind := fmt.Sprint(b.eval(`document.querySelector('#panel-details .meta').textContent`)); !strings.Contains(strings.ToLower(kind), "sanction") {
		t.Errorf("the listing %s opened %q, want a sanction", listing["id"], kind)
	}
	// … and its name the party the listing designates.
	b.mouseClickCenter(`#lists-view tbody tr:first-child td:nth-child(3) button`)
	b.poll(fmt.Sprintf(`explorer.state.selected && explorer.state.selected.id !== %q && !!document.querySelector('#panel-details h2.entity-title')`, listing["id"]))
	if h := fmt.Sprint(b.eval(`document.querySelector('#panel-details h2').textContent`)); h != listing["name"] {
		t.Errorf("the added listing %s's name opened %q, want the listed party %q", listing["id"], h, listing["name"])
	}
	b.shot(shots, "15b-list-change-listing")

	// The whole list of changes as CSV, through /export: every page.
	b.do(chromedp.SetValue(chromedp.CSS(`#list-f-change`), ""))
	b.mouseClickCenter(`#lists-view .list-controls button[type=submit]`)
	b.poll(`!explorer.lists.filters.change && explorer.lists.state === 'ready' && explorer.lists.page.total > 100`)
	downloads := t.TempDir()
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	b.mouseClickCenter(`#lists-view .list-export[data-format=csv]`)
	b.pollWithin(`/^(Saved|The download failed)/.test(document.querySelector('#lists-view .list-export-status').textContent)`, sharedtest.Timeout(90*time.Second))
	var exported struct {
		Name                       string
		Rows, Pages, CursorQueries int
		Truncated                  bool
		Status, Format             string
	}
	if err := remarshal(b.eval(`({...explorer.lists.exported, status: document.querySelector('#lists-view .list-export-status').textContent})`), &exported); err != nil {
		t.Fatal(err)
	}
	// The cursors come with each page's export: no second query per page.
	if exported.Format != "csv" || exported.Rows != api.TotalCount || exported.Pages != (api.TotalCount+99)/100 || exported.Truncated || exported.CursorQueries != 0 {
		t.Errorf("export: %+v, want %d rows in %d pages", exported, api.TotalCount, (api.TotalCount+99)/100)
	}
	b.shot(shots, "16-list-changes-export")
	file := filepath.Join(downloads, exported.Name)
	var data []byte
	for end := time.Now().Add(sharedtest.Timeout(stepTimeout)); ; time.Sleep(100 * time.Millisecond) {
		var err error
		if data, err = os.ReadFile(file); err == nil && len(data) > 0 {
			if _, err := os.Stat(file + ".crdownload"); os.IsNotExist(err) {
				break
			}
		}
		if time.Now().After(end) {
			entries, _ := os.ReadDir(downloads)
			t.Fatalf("no download %s in %s (%v)", exported.Name, downloads, entries)
		}
	}
	_ = os.WriteFile(filepath.Join(shots, "16-list-changes.csv"), data, 0o644)
	records, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatalf("the downloaded CSV %s does not parse: %v", exported.Name, err)
	}
	if len(records) == 0 {
		t.Fatalf("the downloaded CSV %s is empty", exported.Name)
	}
	header := records[0]
	for _, col := range []string{"change", "reference", "name", "sanctionId", "programs", "fields.field", "fields.before", "fields.after"} {
		if !slices.Contains(header, col) {
			t.Errorf("CSV header %v lacks %s", header, col)
		}
	}
	if rows := len(records) - 1; rows != api.TotalCount {
		t.Errorf("the CSV has %d rows, the API lists %d changes", rows, api.TotalCount)
	}
	// Every change once: the pages neither overlap nor leave a gap.
	id, change := slices.Index(header, "sanctionId"), slices.Index(header, "change")
	seen := map[string]bool{}
	byKind := map[string]int{}
	for _, r := range records[1:] {
		if id >= 0 && change >= 0 && len(r) == len(header) {
			seen[r[id]] = true
			byKind[r[change]]++
		}
	}
	if len(seen) != api.TotalCount || byKind["ADDED"] != api.Added || byKind["REMOVED"] != api.Removed || byKind["AMENDED"] != api.Amended {
		t.Errorf("the CSV holds %d listings (%v); the API: %+v", len(seen), byKind, api)
	}
}
