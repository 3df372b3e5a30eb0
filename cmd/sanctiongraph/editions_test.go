package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// unListing is one listing of a UN consolidated list as the test reads it
// straight from the XML, independently of loaders/unsc: the reference and
// the fields listChanges compares.
type unListing struct {
	ref, program, listed string
	fields               map[string]string
}

// readUNList parses a UN consolidated list with encoding/xml alone.
func readUNList(tb testing.TB, path string) map[string]unListing {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	type rec struct {
		First      string   `xml:"FIRST_NAME"`
		SecondName string   `xml:"SECOND_NAME"`
		ThirdName  string   `xml:"THIRD_NAME"`
		FourthName string   `xml:"FOURTH_NAME"`
		ListType   string   `xml:"UN_LIST_TYPE"`
		Ref        string   `xml:"REFERENCE_NUMBER"`
		ListedOn   string   `xml:"LISTED_ON"`
		Comments   string   `xml:"COMMENTS1"`
		ListTypes  []string `xml:"LIST_TYPE>VALUE"`
		Updated    []string `xml:"LAST_DAY_UPDATED>VALUE"`
	}
	words := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	day := func(s string) string {
		s = words(s)
		if len(s) < 10 {
			return ""
		}
		if _, err := time.Parse("2006-01-02", s[:10]); err != nil {
			return ""
		}
		return s[:10]
	}
	appendNew := func(l []string, v string) []string {
		if v == "" || slices.Contains(l, v) {
			return l
		}
		return append(l, v)
	}
	out := map[string]unListing{}
	dec := xml.NewDecoder(f)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || (se.Name.Local != "INDIVIDUAL" && se.Name.Local != "ENTITY") {
			continue
		}
		var r rec
		if err := dec.DecodeElement(&r, &se); err != nil {
			tb.Fatal(err)
		}
		kind := "Person"
		if se.Name.Local == "ENTITY" {
			kind = "Organization"
		}
		var lt, upd []string
		for _, v := range r.ListTypes {
			lt = appendNew(lt, words(v))
		}
		for _, v := range r.Updated {
			upd = appendNew(upd, day(v))
		}
		l := unListing{ref: words(r.Ref), program: words(r.ListType), listed: day(r.ListedOn), fields: map[string]string{
			"name":        words(strings.Join([]string{r.First, r.SecondName, r.ThirdName, r.FourthName}, " ")),
			"kind":        kind,
			"description": words(r.Comments),
			"program":     words(r.ListType),
			"listType":    strings.Join(lt, "; "),
			"listingDate": day(r.ListedOn),
			"amendedOn":   strings.Join(upd, "; "),
		}}
		maps.DeleteFunc(l.fields, func(_, v string) bool { return v == "" })
		out[l.ref] = l
	}
	return out
}

// unDiff is the set of references removed, added and changed between two
// lists, by the fields listChanges compares.
func unDiff(a, b map[string]unListing, keep func(l unListing) bool) (removed, added, changed []string) {
	for ref, x := range a {
		y, ok := b[ref]
		if !keep(x) && (!ok || !keep(y)) {
			continue
		}
		switch {
		case !ok:
			removed = append(removed, ref)
		case !maps.EqualFunc(x.fields, y.fields, func(a, b string) bool { return strings.Join(strings.Fields(a), "") == strings.Join(strings.Fields(b), "") }):
			// Spaces moved ("link: https" → "link:https") are no amendment.
			changed = append(changed, ref)
		}
	}
	for ref, y := range b {
		if _, ok := a[ref]; !ok && keep(y) {
			added = append(added, ref)
		}
	}
	sort.Strings(removed)
	sort.Strings(added)
	sort.Strings(changed)
	return
}

const qListChanges = `query($a: String!, $prefix: String, $program: String, $after: String) {
  listChanges(authority: $a, referencePrefix: $prefix, program: $program, first: 100, after: $after) {
    from { publishedOn recordCount } to { publishedOn recordCount }
    added removed amended totalCount
    edges { node { change reference sanctionId fields { field before after } } }
    pageInfo { hasNextPage endCursor }
  } }`

type listChangesPage struct {
	ListChanges struct {
		From, To struct {
			PublishedOn string
			RecordCount int
		}
		Added, Removed, Amended, TotalCount int
		Edges                               []struct {
			Node struct {
				Change, Reference, SanctionID string
				Fields                        []struct{ Field string }
			}
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   string
		}
	}
}

// apiChanges reads every page of listChanges and returns the references by
// change kind, with the totals of the first page.
func apiChanges(tb testing.TB, base string, vars map[string]any) (by map[string][]string, first listChangesPage) {
	tb.Helper()
	by = map[string][]string{}
	var after any
	for page := 0; ; page++ {
		v := maps.Clone(vars)
		v["after"] = after
		r := gql(tb, base, "", qListChanges, v)
		if len(r.body.Errors) > 0 {
			tb.Fatalf("listChanges: %+v", r.body.Errors)
		}
		var p listChangesPage
		if err := json.Unmarshal(r.body.Data, &p); err != nil {
			tb.Fatal(err)
		}
		if page == 0 {
			first = p
		}
		for _, e := range p.ListChanges.Edges {
			by[e.Node.Change] = append(by[e.Node.Change], e.Node.Reference)
			if e.Node.Change == "AMENDED" && len(e.Node.Fields) == 0 {
				tb.Errorf("%s amended with no field named", e.Node.Reference)
			}
		}
		if !p.ListChanges.PageInfo.HasNextPage {
			return by, first
		}
		after = p.ListChanges.PageInfo.EndCursor
		if page > 100 {
			tb.Fatal("listChanges pages do not end")
		}
	}
}

// TestUNEditions2020To2026 loads the UN list of 2020, then of 2026, and
// checks the editions against the two files read here with encoding/xml:
// listChanges gives exactly the references removed, added and changed
// (all, and the DPRK regime by reference prefix and by program); KPe.068,
// whose DATAID changed, is one listing, not removed; activeAt on the 2020
// edition's date counts the 2020 file's listings; the Iran listings dated
// before 2020 but missing from it have two periods. The 2026 list removes
// 107 of 1,018 listings, so it needs -allow-mass-removal, and without it
// changes nothing.
func TestUNEditions2020To2026(t *testing.T) {
	env.Reset(t)
	ctx := t.Context() // loads on a busy machine outlast Reset's deadline
	oldPath := sharedtest.Path(t, "un-sc-consolidated-2020/consolidated.xml")
	curPath := sharedtest.Path(t, "un-sc-consolidated/un_sanctions.xml")
	old, cur := readUNList(t, oldPath), readUNList(t, curPath)
	if len(old) != 1018 || len(cur) != 1009 {
		t.Fatalf("read %d and %d listings, want 1018 and 1009", len(old), len(cur))
	}

	if code, out, errOut := cli(t, "load", "un", "-progress", "none", oldPath); code != 0 {
		t.Fatalf("load 2020: exit %d\n%s%s", code, out, errOut)
	}
	before := fingerprint(t)
	code, out, errOut := cli(t, "load", "un", "-progress", "none", curPath)
	if code == 0 || !strings.Contains(errOut, "allow-mass-removal") {
		t.Fatalf("2026 without -allow-mass-removal: exit %d\n%s%s", code, out, errOut)
	}
	if after := fingerprint(t); len(before.Diff(after)) > 0 {
		t.Fatalf("a refused load changed the graph:\nbefore %+v\nafter  %+v", before, after)
	}
	code, out, errOut = cli(t, "load", "un", "-progress", "none", "-allow-mass-removal", curPath)
	if code != 0 {
		t.Fatalf("load 2026: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "1009 listings; 107 no longer on the list") {
		t.Errorf("2026 summary:\n%s", out)
	}

	app, _ := startService(t)
	base := app.Server.URL()
	for _, tc := range []struct {
		name string
		vars map[string]any
		keep func(unListing) bool
	}{
		{"All", map[string]any{"a": "unsc"}, func(unListing) bool { return true }},
		{"PrefixKP", map[string]any{"a": "unsc", "prefix": "KP"}, func(l unListing) bool { return strings.HasPrefix(l.ref, "KP") }},
		{"ProgramDPRK", map[string]any{"a": "United Nations Security Council", "program": "DPRK"}, func(l unListing) bool { return l.program == "DPRK" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			removed, added, changed := unDiff(old, cur, tc.keep)
			by, first := apiChanges(t, base, tc.vars)
			lc := first.ListChanges
			if lc.From.PublishedOn != "2020-11-24" || lc.To.PublishedOn != "2026-05-08" || lc.From.RecordCount != 1018 || lc.To.RecordCount != 1009 {
				t.Errorf("editions %+v → %+v", lc.From, lc.To)
			}
			for kind, want := range map[string][]string{"REMOVED": removed, "ADDED": added, "AMENDED": changed} {
				got := by[kind]
				sort.Strings(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s: API %d %v\nfiles %d %v", kind, len(got), got, len(want), want)
				}
			}
			if lc.Removed != len(removed) || lc.Added != len(added) || lc.Amended != len(changed) || lc.TotalCount != len(removed)+len(added)+len(changed) {
				t.Errorf("totals %+v, want removed %d added %d amended %d", lc, len(removed), len(added), len(changed))
			}
			t.Logf("UN 2020-11-24 → 2026-05-08 %s: %d added, %d removed, %d amended", tc.name, len(added), len(removed), len(changed))
			if slices.Contains(by["REMOVED"], "KPe.068") || slices.Contains(by["ADDED"], "KPe.068") {
				t.Errorf("KPe.068 reported removed or added")
			}
		})
	}

	// KPe.068 is one listing, current, in both editions.
	h, err := env.Store.ListingHistory(ctx, "unsc-sanction:KPe.068")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Editions) != 2 || len(h.Periods) != 1 || !h.Periods[0].Current {
		t.Errorf("KPe.068 history: %+v", h)
	}
	if n := countKind(t, ctx, schema.Sanction, "unsc"); n != 1018+len(cur)-len(intersect(old, cur)) {
		t.Errorf("%d UN sanctions stored, want every listing of both lists once (%d)", n, 1018+len(cur)-len(intersect(old, cur)))
	}

	for date, want := range map[string]int{"2020-11-24": 1018, "2026-05-08": 1009, "2026-06-01": 1009} {
		page, err := env.Store.Entities(ctx, model.EntityQuery{Kinds: []schema.Kind{schema.Sanction}, Dataset: "unsc", ActiveAt: date, Page: model.Page{Limit: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != want {
			t.Errorf("activeAt %s: %d UN listings, want %d", date, page.Total, want)
		}
	}

	// Listings of 2026 stated as listed before the 2020 edition that does
	// not hold them: removed and listed again (Iran, re-imposed in 2025).
	var relisted []string
	for ref, l := range cur {
		if _, in2020 := old[ref]; !in2020 && l.listed != "" && l.listed < "2020-11-24" {
			relisted = append(relisted, ref)
		}
	}
	sort.Strings(relisted)
	if len(relisted) != 37 {
		t.Errorf("%d listings relisted since 2020, want 37: %v", len(relisted), relisted)
	}
	for _, ref := range relisted {
		if cur[ref].program != "Iran" {
			t.Errorf("%s: program %s, want Iran", ref, cur[ref].program)
		}
		h, err := env.Store.ListingHistory(ctx, "unsc-sanction:"+ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Periods) != 2 {
			t.Errorf("%s: %d periods, want 2: %+v", ref, len(h.Periods), h.Periods)
			continue
		}
		p0, p1 := h.Periods[0], h.Periods[1]
		if p0.ListedOn == nil || *p0.ListedOn != cur[ref].listed || !slices.Equal(p0.RemovedBetween, []string{cur[ref].listed, "2020-11-24"}) ||
			p1.FirstSeen == nil || *p1.FirstSeen != "2026-05-08" || !slices.Equal(p1.AddedBetween, []string{"2020-11-24", "2026-05-08"}) || !p1.Current {
			t.Errorf("%s periods: %+v / %+v", ref, p0, p1)
		}
	}

	// Loading 2026 again changes nothing; 2020 is now older and refused.
	before = fingerprint(t)
	if code, out, errOut := cli(t, "load", "un", "-progress", "none", curPath); code != 0 || !strings.Contains(out, "recorded before") {
		t.Errorf("reload 2026: exit %d\n%s%s", code, out, errOut)
	}
	if after := fingerprint(t); len(before.Diff(after)) > 0 {
		t.Errorf("reloading 2026 changed the graph")
	}
	if code, _, errOut := cli(t, "load", "un", "-progress", "none", oldPath); code == 0 || !strings.Contains(errOut, "older than the newest edition") {
		t.Errorf("loading 2020 after 2026: exit %d, %s", code, errOut)
	}
}

// purgeLongAfter empties a large graph when the test ends, with more time
// than Reset's cleanup gives (cleanups run last registered first, so this
// one runs before Reset's).
func purgeLongAfter(t *testing.T) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if err := env.Store.Purge(ctx); err != nil {
			t.Errorf("purge: %v", err)
		}
	})
}

func intersect(a, b map[string]unListing) []string {
	var out []string
	for k := range a {
		if _, ok := b[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

// TestOFACListGuards loads the 2024 SDN CSV, then feeds the importer an
// empty, a row-truncated and a mid-record-truncated sdn.csv: each exits
// non-zero naming the file and line, and the graph's fingerprint is
// unchanged. A list removing 6 % of the listings is refused without
// -allow-mass-removal (graph unchanged) and loads with it.
func TestOFACListGuards(t *testing.T) {
	env.Reset(t)
	purgeLongAfter(t)
	src := sharedtest.Path(t, "ofac-sdn-csv-2024/sdn.csv")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code, out, errOut := cli(t, "load", "ofac", "-published", "2024-05-03", "-progress", "none", "-no-link", src); code != 0 {
		t.Fatalf("load: exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("OFAC SDN 2024 (14,965 entries) loaded in %s", time.Since(start).Round(time.Millisecond))
	base := fingerprint(t)

	rows := strings.SplitAfter(strings.TrimSuffix(string(data), "\x1a"), "\r\n")
	rows = rows[:len(rows)-1] // the empty string after the last CRLF
	if len(rows) != 14965 {
		t.Fatalf("%d rows, want 14965", len(rows))
	}
	file := func(name, content string) string {
		dir := filepath.Join(t.TempDir(), name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "sdn.csv")
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	lastRow := rows[8076]
	for _, tc := range []struct {
		name, content, line string
	}{
		{"Empty", "", "sdn.csv:1:"},
		{"RowTruncated", strings.Join(rows[:8077], ""), "sdn.csv:8077:"},
		{"MidRecordTruncated", strings.Join(rows[:8076], "") + lastRow[:len(lastRow)/2], "sdn.csv:8077"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := file(tc.name, tc.content)
			code, out, errOut := cli(t, "load", "ofac", "-published", "2024-05-10", "-progress", "none", "-no-link", p)
			if code == 0 {
				t.Fatalf("exit 0\n%s", out)
			}
			if !strings.Contains(errOut, p) || !strings.Contains(errOut, tc.line) {
				t.Errorf("error does not name the file and line %s: %s", tc.line, errOut)
			}
			if after := fingerprint(t); len(base.Diff(after)) > 0 {
				t.Errorf("a failed load changed the graph")
			}
		})
	}

	// Drop every 16th row after the first: 935 of 14,965 (6.2 %), more than
	// 5 % (748) and 50.
	var kept []string
	dropped := 0
	for i, r := range rows {
		if i%16 == 15 {
			dropped++
			continue
		}
		kept = append(kept, r)
	}
	p := file("six-percent", strings.Join(kept, "")+"\x1a")
	code, out, errOut := cli(t, "load", "ofac", "-published", "2024-05-10", "-progress", "none", "-no-link", p)
	if code == 0 || !strings.Contains(errOut, "allow-mass-removal") {
		t.Fatalf("6 %% removal without the flag: exit %d\n%s%s", code, out, errOut)
	}
	if after := fingerprint(t); len(base.Diff(after)) > 0 {
		t.Errorf("the refused load changed the graph")
	}
	start = time.Now()
	code, out, errOut = cli(t, "load", "ofac", "-published", "2024-05-10", "-progress", "none", "-no-link", "-allow-mass-removal", p)
	if code != 0 {
		t.Fatalf("6 %% removal with the flag: exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("the 6 %% list loaded in %s:\n%s", time.Since(start).Round(time.Millisecond), out)
	if !strings.Contains(out, "no longer on the list") || !strings.Contains(out, " "+strconv.Itoa(dropped)+" no longer on the list") {
		t.Errorf("summary does not count %d removals:\n%s", dropped, out)
	}
	page, err := env.Store.Entities(t.Context(), model.EntityQuery{Kinds: []schema.Kind{schema.Sanction}, Dataset: "ofac-sdn", ActiveAt: "2024-05-10", Page: model.Page{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != len(kept) {
		t.Errorf("activeAt 2024-05-10: %d OFAC listings, want %d", page.Total, len(kept))
	}
	if n := countKind(t, t.Context(), schema.Sanction, "ofac-sdn"); n != 14965 {
		t.Errorf("%d OFAC sanctions stored, want all 14,965: nothing is deleted", n)
	}
}

// TestCuratorEditSurvivesReload: an editor's change to a loaded listing
// survives a reload of the list, which records the conflict (actor: the
// loader and the list) and counts it; a further reload records nothing new.
// Editions are not writable through the API: an editor who sets the list's
// Source to publishedOn 2099 changes no edition, and the real list still
// loads.
func TestCuratorEditSurvivesReload(t *testing.T) {
	env.Reset(t)
	ctx := t.Context() // loads on a busy machine outlast Reset's deadline
	src := sharedtest.Path(t, "un-sc-consolidated/un_sanctions.xml")
	if code, out, errOut := cli(t, "load", "un", "-progress", "none", "-no-link", src); code != 0 {
		t.Fatalf("load: exit %d\n%s%s", code, out, errOut)
	}
	const id = "unsc:KPe.068"
	e, err := env.Store.Entity(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	loadedName := e.Name
	e.Name = "MYOHYANG SHIPPING COMPANY (as curated)"
	if _, _, err := env.Store.UpsertEntity(ctx, *e, nil, model.ActionUpsertEntity, model.Actor{Name: "erin", Role: "editor"}, "name as the company writes it"); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := cli(t, "load", "un", "-progress", "none", "-no-link", src)
	if code != 0 || !strings.Contains(out, "1 fields changed by curators kept against the list") {
		t.Fatalf("reload: exit %d\n%s%s", code, out, errOut)
	}
	if e, err := env.Store.Entity(ctx, id); err != nil || e.Name != "MYOHYANG SHIPPING COMPANY (as curated)" {
		t.Fatalf("after the reload: %+v %v", e, err)
	}
	conflicts := func() []model.Change {
		h, err := env.Store.History(ctx, model.ChangeQuery{FactID: id, Page: model.Page{Limit: 50}})
		if err != nil {
			t.Fatal(err)
		}
		var out []model.Change
		for _, c := range h.Changes {
			if c.Action == model.ActionLoadConflict {
				out = append(out, c)
			}
		}
		return out
	}
	cs := conflicts()
	if len(cs) != 1 || cs[0].Actor != "loader unsc (source:unsc-consolidated-2026-05-08)" || cs[0].Role != "loader" ||
		!strings.Contains(cs[0].Before, loadedName) || !strings.Contains(cs[0].After, "as curated") {
		t.Fatalf("conflict records: %+v", cs)
	}
	if code, out, _ := cli(t, "load", "un", "-progress", "none", "-no-link", src); code != 0 || strings.Contains(out, "curators kept") {
		t.Errorf("second reload:\n%s", out)
	}
	if n := len(conflicts()); n != 1 {
		t.Errorf("%d conflict records after a second reload, want 1", n)
	}

	// An editor cannot move an edition: the list's Source is an entity,
	// the Edition is not.
	app, _ := startService(t)
	base := app.Server.URL()
	editor, _ := createKey(t, "erin", "editor")
	r := gql(t, base, editor, `mutation($in: SourceInput!, $why: String!) { upsertSource(input: $in, reason: $why) { outcome } }`,
		map[string]any{"in": map[string]any{"id": "source:unsc-consolidated-2026-05-08", "name": "UN list", "publisher": "United Nations Security Council",
			"publishedOn": "2099-01-01"}, "why": "test"})
	if len(r.body.Errors) > 0 {
		t.Fatalf("upsertSource: %+v", r.body.Errors)
	}
	r = gql(t, base, "", `{ editions(list: "unsc") { publishedOn checksum } }`, nil)
	if len(r.body.Errors) > 0 || !strings.Contains(string(r.body.Data), `"publishedOn":"2026-05-08"`) || strings.Contains(string(r.body.Data), "2099") {
		t.Errorf("editions after the Source edit: %s %+v", r.body.Data, r.body.Errors)
	}
	if code, out, errOut := cli(t, "load", "un", "-progress", "none", "-no-link", src); code != 0 {
		t.Errorf("the real list is refused after the Source edit: exit %d\n%s%s", code, out, errOut)
	}
	if r := gql(t, base, editor, `mutation { upsertSource(input: {id: "edition:unsc:2026-05-08", name: "x", publishedOn: "2099-01-01"}, reason: "x") { outcome } }`, nil); len(r.body.Errors) == 0 {
		latest, _ := env.Store.LatestList(ctx, "unsc")
		if latest != "2026-05-08" {
			t.Errorf("a Source named like an edition moved the edition to %s", latest)
		}
	}
}
