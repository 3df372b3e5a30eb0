package cypher_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

func TestSearch(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := env.Store.Write(ctx, story()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, query, wantID, wantMatched string
		kinds                            []schema.Kind
	}{
		{"Hyphenated", "Kim Jong-un", "person:kim-jong-un", "Kim Jong Un", nil},
		{"LowerCase", "kim jong un", "person:kim-jong-un", "Kim Jong Un", nil},
		{"Cyrillic", "Ким Чен Ын", "person:kim-jong-un", "Ким Чен Ын", nil},
		{"Hangul", "김정은", "person:kim-jong-un", "김정은", nil},
		{"ListSpelling", "LIMITED LIABILITY COMPANY AURUS", "org:aurus", "LIMITED LIABILITY COMPANY AURUS", nil},
		{"Prefix", "Aurus Sen", "product:aurus-senat", "Aurus Senat", nil},
		{"Diacritics", "Kím Jóng Ún", "person:kim-jong-un", "Kim Jong Un", nil},
		{"Alias", "DPRK", "state:KP", "DPRK", nil},
		{"KindFilter", "aurus", "product:aurus-senat", "Aurus Senat", []schema.Kind{schema.Product}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := env.Store.Search(ctx, model.SearchQuery{Text: tt.query, Kinds: tt.kinds, Page: model.Page{Limit: 10}})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Hits) == 0 || page.Hits[0].Entity.ID != tt.wantID || page.Hits[0].MatchedName != tt.wantMatched {
				t.Fatalf("hits = %+v", hitIDs(page))
			}
			if tt.kinds != nil {
				for _, h := range page.Hits {
					if !slices.Contains(tt.kinds, h.Entity.Kind) {
						t.Errorf("kind filter let through %s", h.Entity.ID)
					}
				}
			}
		})
	}
	t.Run("ErrNoWords", func(t *testing.T) {
		_, err := env.Store.Search(ctx, model.SearchQuery{Text: "  -- ", Page: model.Page{Limit: 10}})
		if model.ErrorCode(err) != model.BadUserInput {
			t.Fatalf("code = %q", model.ErrorCode(err))
		}
	})
	t.Run("LuceneSyntaxIsInert", func(t *testing.T) {
		for _, q := range []string{`*:*`, `name:"x" OR id:*`, `kim~ AND \\`, `') RETURN n //`} {
			page, err := env.Store.Search(ctx, model.SearchQuery{Text: q, Page: model.Page{Limit: 10}})
			if err != nil && model.ErrorCode(err) != model.BadUserInput {
				t.Errorf("%q: %v", q, err)
			}
			if len(page.Hits) > 1 {
				t.Errorf("%q matched %d entities", q, len(page.Hits))
			}
		}
	})
}

func hitIDs(p model.SearchPage) []string {
	var out []string
	for _, h := range p.Hits {
		out = append(out, h.Entity.ID+" ("+h.MatchedName+")")
	}
	return out
}

func TestNeighbours(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := env.Store.Write(ctx, story()); err != nil {
		t.Fatal(err)
	}
	kim := "person:kim-jong-un"
	tests := []struct {
		name string
		q    model.NeighbourQuery
		want []string // relationship ids in order
	}{
		{"All", model.NeighbourQuery{ID: kim}, []string{"LEADS|person:kim-jong-un|state:KP", "RECEIVED|person:kim-jong-un|transfer:gift", "USES|person:kim-jong-un|product:aurus-senat"}},
		{"Types", model.NeighbourQuery{ID: kim, Types: []schema.RelType{schema.Uses}}, []string{"USES|person:kim-jong-un|product:aurus-senat"}},
		{"Incoming", model.NeighbourQuery{ID: "product:aurus-senat", Direction: model.Incoming}, []string{"MANUFACTURES|org:aurus|product:aurus-senat", "USES|person:kim-jong-un|product:aurus-senat"}},
		{"Outgoing", model.NeighbourQuery{ID: "product:aurus-senat", Direction: model.Outgoing}, nil},
		{"Kinds", model.NeighbourQuery{ID: kim, Kinds: []schema.Kind{schema.State}}, []string{"LEADS|person:kim-jong-un|state:KP"}},
		{"MinStatus", model.NeighbourQuery{ID: kim, MinStatus: schema.Confirmed}, []string{"LEADS|person:kim-jong-un|state:KP", "USES|person:kim-jong-un|product:aurus-senat"}},
		{"Statuses", model.NeighbourQuery{ID: kim, Statuses: []schema.Status{schema.Reported}}, []string{"RECEIVED|person:kim-jong-un|transfer:gift"}},
		{"AtBeforeGift", model.NeighbourQuery{ID: kim, At: "2024-01-31"}, []string{"LEADS|person:kim-jong-un|state:KP"}},
		{"AtAfterGift", model.NeighbourQuery{ID: kim, At: "2024-02-18"}, []string{"LEADS|person:kim-jong-un|state:KP", "RECEIVED|person:kim-jong-un|transfer:gift", "USES|person:kim-jong-un|product:aurus-senat"}},
		// A partial date is a period: a fact holds "at" it when it held at
		// some time in it.
		{"AtMonthBeforeGift", model.NeighbourQuery{ID: kim, At: "2024-01"}, []string{"LEADS|person:kim-jong-un|state:KP"}},
		{"AtMonthOfGift", model.NeighbourQuery{ID: kim, At: "2024-02"}, []string{"LEADS|person:kim-jong-un|state:KP", "RECEIVED|person:kim-jong-un|transfer:gift", "USES|person:kim-jong-un|product:aurus-senat"}},
		{"AtYearKimBeganToLead", model.NeighbourQuery{ID: kim, At: "2011"}, []string{"LEADS|person:kim-jong-un|state:KP"}},
		{"AtYearBefore", model.NeighbourQuery{ID: kim, At: "2010"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Limit = 50
			page, err := env.Store.Neighbours(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range page.Neighbours {
				got = append(got, n.Relationship.ID)
				if (n.Relationship.FromID == tt.q.ID) != n.Outgoing {
					t.Errorf("%s: direction flag wrong", n.Relationship.ID)
				}
			}
			if !slices.Equal(got, tt.want) || page.Total != len(tt.want) {
				t.Fatalf("got %v (total %d), want %v", got, page.Total, tt.want)
			}
			// Uncounted (totalCount not asked for): the same page, no
			// total, and no page after it.
			tt.q.WithoutTotal = true
			un, err := env.Store.Neighbours(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var gotUn []string
			for _, n := range un.Neighbours {
				gotUn = append(gotUn, n.Relationship.ID)
			}
			if !slices.Equal(gotUn, tt.want) || un.Total != -1 || un.More {
				t.Fatalf("uncounted: got %v (total %d, more %v), want %v, -1, false", gotUn, un.Total, un.More, tt.want)
			}
		})
	}
	t.Run("UncountedPagesSayWhetherMoreFollow", func(t *testing.T) {
		var all []string
		for off := 0; ; off += 2 {
			page, err := env.Store.Neighbours(ctx, model.NeighbourQuery{ID: kim, WithoutTotal: true, Page: model.Page{Offset: off, Limit: 2}})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range page.Neighbours {
				all = append(all, n.Relationship.ID)
			}
			if len(page.Neighbours) > 2 || page.More != (off+2 < 3) {
				t.Fatalf("page at %d: %d items, more %v", off, len(page.Neighbours), page.More)
			}
			if !page.More {
				break
			}
		}
		if len(all) != 3 || all[0] == all[1] || all[1] == all[2] {
			t.Fatalf("pages = %v", all)
		}
	})
	t.Run("ManyAtOnce", func(t *testing.T) {
		// NeighboursOf answers each entity's page as Neighbours does, in one
		// statement; unknown ids are absent.
		ids := []string{kim, "product:aurus-senat", "person:nobody", "state:RU"}
		if _, err := env.Store.Resolve(ctx); err != nil {
			t.Fatal(err)
		}
		for _, q := range []model.NeighbourQuery{
			{Page: model.Page{Limit: 2}},
			{Page: model.Page{Limit: 2}, WithoutTotal: true},
			{Direction: model.Incoming, Page: model.Page{Limit: 5}},
			{Page: model.Page{Limit: 5}, View: model.ViewResolved},
		} {
			before := env.Store.QueryCount()
			many, err := env.Store.NeighboursOf(ctx, q, ids)
			if err != nil {
				t.Fatal(err)
			}
			if n := env.Store.QueryCount() - before; n != 1 {
				t.Errorf("%+v: %d transactions for %d ids", q, n, len(ids))
			}
			if _, ok := many["person:nobody"]; ok || len(many) != 3 {
				t.Errorf("%+v: pages for %d ids, person:nobody present %v", q, len(many), ok)
			}
			for _, id := range ids[:2] {
				q1 := q
				q1.ID = id
				one, err := env.Store.Neighbours(ctx, q1)
				if err != nil {
					t.Fatal(err)
				}
				if a, b := fmt.Sprintf("%s", mustJSON(t, one)), fmt.Sprintf("%s", mustJSON(t, many[id])); a != b {
					t.Errorf("%+v of %s:\nalone       %s\nwith others %s", q, id, a, b)
				}
			}
		}
	})
	t.Run("PagesHaveNoGapsOrDuplicates", func(t *testing.T) {
		var all []string
		for off := 0; off < 10; off += 2 {
			page, err := env.Store.Neighbours(ctx, model.NeighbourQuery{ID: kim, Page: model.Page{Offset: off, Limit: 2}})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range page.Neighbours {
				all = append(all, n.Relationship.ID)
			}
		}
		if len(all) != 3 || all[0] == all[1] || all[1] == all[2] {
			t.Fatalf("pages = %v", all)
		}
	})
	t.Run("ErrBadAt", func(t *testing.T) {
		_, err := env.Store.Neighbours(ctx, model.NeighbourQuery{ID: kim, At: "2024-02-30", Page: model.Page{Limit: 5}})
		if model.ErrorCode(err) != model.BadUserInput {
			t.Fatalf("code = %q", model.ErrorCode(err))
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := env.Store.Neighbours(ctx, model.NeighbourQuery{ID: "person:nobody", Page: model.Page{Limit: 5}})
		if model.ErrorCode(err) != model.NotFound {
			t.Fatalf("code = %q", model.ErrorCode(err))
		}
	})
}

func TestEntitiesTimelineCounts(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := env.Store.Write(ctx, story()); err != nil {
		t.Fatal(err)
	}
	t.Run("EntitiesByKindSorted", func(t *testing.T) {
		page, err := env.Store.Entities(ctx, model.EntityQuery{Kinds: []schema.Kind{schema.State, schema.Person}, Sort: model.ByNameDesc, Page: model.Page{Limit: 3}})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range page.Entities {
			names = append(names, e.Name)
		}
		if page.Total != 4 || !slices.Equal(names, []string{"Vladimir Putin", "Russia", "North Korea"}) {
			t.Fatalf("total %d, names %v", page.Total, names)
		}
	})
	t.Run("Timeline", func(t *testing.T) {
		page, err := env.Store.Timeline(ctx, model.TimelineQuery{From: "2024-01-01", To: "2024-12-31", Page: model.Page{Limit: 10}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range page.Items {
			got = append(got, it.Date+" "+it.Entity.ID)
		}
		want := []string{"2024-02-18 transfer:gift", "2024-02-20 source:kcna", "2024-02-20 source:tass"}
		if !slices.Equal(got, want) {
			t.Fatalf("timeline = %v", got)
		}
	})
	t.Run("Counts", func(t *testing.T) {
		c, err := env.Store.Counts(ctx, model.CountQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Entities != 9 || c.Relationships != 7 {
			t.Fatalf("counts = %+v", c)
		}
		f, err := env.Store.Counts(ctx, model.CountQuery{MinStatus: schema.Confirmed, Kinds: []schema.Kind{schema.Person}})
		if err != nil {
			t.Fatal(err)
		}
		if f.Entities != 2 || f.Relationships != 4 {
			t.Fatalf("filtered counts = %+v", f)
		}
	})
}

// TestCountsFollowEveryWrite: counts are kept while the database is
// unchanged (a repeat costs one trivial read, not a count) and follow every
// committed write — including one from another process, which this store
// never hears of — and a curator's change of status.
func TestCountsFollowEveryWrite(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := env.Store.Write(ctx, story()); err != nil {
		t.Fatal(err)
	}
	people := model.CountQuery{Kinds: []schema.Kind{schema.Person}, MinStatus: schema.Confirmed}
	count := func(q model.CountQuery) *model.Counts {
		t.Helper()
		c, err := env.Store.Counts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	all, ppl := count(model.CountQuery{}), count(people)
	listTotal := func(view model.View, off int) int {
		t.Helper()
		page, err := env.Store.Entities(ctx, model.EntityQuery{Kinds: []schema.Kind{schema.Person}, View: view, Page: model.Page{Offset: off, Limit: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	if _, err := env.Store.Resolve(ctx); err != nil {
		t.Fatal(err)
	}
	neighbourTotal := func() int {
		t.Helper()
		page, err := env.Store.Neighbours(ctx, model.NeighbourQuery{ID: "state:KP", Page: model.Page{Limit: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return page.Total
	}
	kpNeighbours := neighbourTotal()
	if again := neighbourTotal(); again != kpNeighbours || kpNeighbours == 0 {
		t.Errorf("neighbours of North Korea counted %d, then %d", kpNeighbours, again)
	}
	listed := map[model.View]int{}
	for _, v := range []model.View{model.ViewRecords, model.ViewResolved} {
		listed[v] = listTotal(v, 0)
		if again, other := listTotal(v, 0), listTotal(v, 1); again != listed[v] || other != listed[v] || listed[v] == 0 {
			t.Errorf("%s list of people: totals %d, %d, then at offset 1 %d", v, listed[v], again, other)
		}
	}
	// A kept total costs no round trip of its own: the page is read, and
	// the total used because the page was read at the state it was counted at.
	for what, repeat := range map[string]func() int{
		"records list": func() int { return listTotal(model.ViewRecords, 1) }, "resolved list": func() int { return listTotal(model.ViewResolved, 1) },
		"neighbours": neighbourTotal,
	} {
		before := env.Store.QueryCount()
		repeat()
		if n := env.Store.QueryCount() - before; n != 1 {
			t.Errorf("%s with a kept total: %d transactions, want 1", what, n)
		}
	}
	before := env.Store.QueryCount()
	if again := count(model.CountQuery{}); !reflect.DeepEqual(again, all) {
		t.Fatalf("a repeat of the counts differs: %+v, then %+v", all, again)
	}
	if n := env.Store.QueryCount() - before; n != 1 {
		t.Errorf("a repeat with nothing written ran %d transactions, want 1 (the state read)", n)
	}
	// A caller changing its answer does not change the next one.
	c := count(model.CountQuery{})
	c.Entities, c.ByKind[0].Count = -1, -1
	if again := count(model.CountQuery{}); !reflect.DeepEqual(again, all) {
		t.Fatalf("the kept counts were changed through an answer: %+v", again)
	}

	// Another process (its own driver) writes a person.
	other, err := cypher.Open(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	b := model.Batch{Entities: []model.Entity{{ID: "person:someone-new", Kind: schema.Person, Name: "Someone New", Properties: model.Properties{},
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test", RecordID: "person:someone-new"}}},
		Relationships: []model.Relationship{{ID: "NATIONAL_OF|person:someone-new|state:KP", Type: schema.NationalOf, FromID: "person:someone-new", ToID: "state:KP",
			Properties: model.Properties{}, Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}}}}
	if _, err := other.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	if got := count(model.CountQuery{}); got.Entities != all.Entities+1 {
		t.Errorf("after another process wrote a person: %d entities, want %d", got.Entities, all.Entities+1)
	}
	if got := count(people); got.Entities != ppl.Entities+1 {
		t.Errorf("after another process wrote a person: %d confirmed people, want %d", got.Entities, ppl.Entities+1)
	}
	if got := neighbourTotal(); got != kpNeighbours+1 {
		t.Errorf("after another process linked a person to North Korea: %d neighbours counted, want %d", got, kpNeighbours+1)
	}
	before = env.Store.QueryCount()
	if got := listTotal(model.ViewRecords, 0); got != listed[model.ViewRecords]+1 {
		t.Errorf("after another process wrote a person: list total %d, want %d", got, listed[model.ViewRecords]+1)
	}
	if n := env.Store.QueryCount() - before; n != 2 {
		t.Errorf("a page read at a newer state than its kept total: %d transactions, want 2 (the page, then page and count again)", n)
	}
	if _, err := other.Resolve(ctx); err != nil {
		t.Fatal(err)
	}
	if got := listTotal(model.ViewResolved, 0); got != listed[model.ViewResolved]+1 {
		t.Errorf("after another process wrote and resolved a person: resolved list total %d, want %d", got, listed[model.ViewResolved]+1)
	}
	// A curator lowers a person's status: the filtered count follows.
	if _, _, err := other.SetStatus(ctx, "person:someone-new", schema.Alleged, model.Actor{Name: "erin", Role: "editor"}, "test"); err != nil {
		t.Fatal(err)
	}
	if got := count(people); got.Entities != ppl.Entities {
		t.Errorf("after the status change: %d confirmed people, want %d", got.Entities, ppl.Entities)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFilteredCountsAgree: a count filtered by one kind (walked from the
// kind's label) and by that kind with another that has no relationships
// (tested on both ends of every relationship) count the same
// relationships, one between two entities of the kind once.
func TestFilteredCountsAgree(t *testing.T) {
	ctx := env.Reset(t)
	b := story()
	b.Relationships = append(b.Relationships, model.Relationship{ID: "ASSOCIATE_OF|person:putin|person:kim-jong-un", Type: schema.AssociateOf,
		FromID: "person:putin", ToID: "person:kim-jong-un", Properties: model.Properties{}, Provenance: model.Provenance{Status: schema.Reported, Dataset: "test"}})
	if _, err := env.Store.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	for _, view := range []model.View{model.ViewRecords, model.ViewResolved} {
		one, err := env.Store.Counts(ctx, model.CountQuery{View: view, Kinds: []schema.Kind{schema.Person}})
		if err != nil {
			t.Fatal(err)
		}
		two, err := env.Store.Counts(ctx, model.CountQuery{View: view, Kinds: []schema.Kind{schema.Person, schema.Source}})
		if err != nil {
			t.Fatal(err)
		}
		// Kim: USES, LEADS, RECEIVED; Putin: LEADS, SENT; between them ASSOCIATE_OF.
		if one.Relationships != 6 || two.Relationships != one.Relationships || fmt.Sprint(one.ByRelationshipType) != fmt.Sprint(two.ByRelationshipType) {
			t.Errorf("%s: one kind %d %v, with Source %d %v", view, one.Relationships, one.ByRelationshipType, two.Relationships, two.ByRelationshipType)
		}
		if one.Entities != 2 || two.Entities != 4 {
			t.Errorf("%s: entities %d and %d, want 2 and 4", view, one.Entities, two.Entities)
		}
	}
}

// TestResolvedCountsAgreeByDataset: the unfiltered count of resolved
// entities (walked from each resolved entity to its records) puts in each
// dataset as many entities as the count filtered by that dataset (walked
// from the dataset's records), at every minimum status, on the curated
// story with its SAME_AS clusters; and no entity is counted twice.
func TestResolvedCountsAgreeByDataset(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	// A second list with a record of Kim Jong Un (the same entity) and one of
	// its own, alleged.
	prov := func(st schema.Status) model.Provenance { return model.Provenance{Status: st, Dataset: "test"} }
	if _, err := env.Store.Write(ctx, model.Batch{
		Entities: []model.Entity{
			{ID: "test:kim", Kind: schema.Person, Name: "KIM JONG UN", Provenance: prov(schema.Confirmed)},
			{ID: "test:other", Kind: schema.Organization, Name: "Other Trading", Provenance: prov(schema.Alleged)},
		},
		Relationships: []model.Relationship{{ID: "SAME_AS|test:kim|person:kim-jong-un", Type: schema.SameAs, FromID: "test:kim", ToID: "person:kim-jong-un",
			Properties: model.Properties{}, Provenance: prov(schema.Confirmed)}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.Resolve(ctx); err != nil {
		t.Fatal(err)
	}
	records, err := env.Store.Counts(ctx, model.CountQuery{View: model.ViewRecords})
	if err != nil {
		t.Fatal(err)
	}
	for _, min := range []schema.Status{"", schema.Reported, schema.Confirmed} {
		all, err := env.Store.Counts(ctx, model.CountQuery{View: model.ViewResolved, MinStatus: min})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.ByDataset) < 2 {
			t.Fatalf("min status %q: datasets %v; the curated story has more than one", min, all.ByDataset)
		}
		if min == "" && all.Entities >= records.Entities {
			t.Errorf("%d resolved entities for %d records: the curated clusters were not counted once each", all.Entities, records.Entities)
		}
		byKind := 0
		for _, k := range all.ByKind {
			byKind += k.Count
		}
		if byKind != all.Entities {
			t.Errorf("min status %q: by kind %d, in all %d", min, byKind, all.Entities)
		}
		for _, d := range all.ByDataset {
			one, err := env.Store.Counts(ctx, model.CountQuery{View: model.ViewResolved, MinStatus: min, Dataset: d.Dataset})
			if err != nil {
				t.Fatal(err)
			}
			if one.Entities != d.Count {
				t.Errorf("min status %q, dataset %s: %d in the unfiltered count, %d counted from the dataset", min, d.Dataset, d.Count, one.Entities)
			}
		}
	}
}

// TestCountsShareOneCount: dashboards that ask for the same counts at the
// same state, all at once, cost one count between them (and a state probe
// each), and all get the same answer as a count asked alone.
func TestCountsShareOneCount(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	const callers = 8
	for _, q := range []model.CountQuery{{View: model.ViewResolved}, {View: model.ViewRecords, Kinds: []schema.Kind{schema.Person}}} {
		if _, err := env.Store.Write(ctx, model.Batch{Entities: []model.Entity{{ID: "person:count-" + string(q.View), Kind: schema.Person, Name: "Count " + string(q.View),
			Provenance: model.Provenance{Status: schema.Reported, Dataset: "test"}}}}); err != nil {
			t.Fatal(err) // a new state: nothing is kept for it
		}
		before := env.Store.QueryCount()
		start := make(chan struct{})
		got := make([]*model.Counts, callers)
		errs := make([]error, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				<-start
				got[i], errs[i] = env.Store.Counts(ctx, q)
			})
		}
		close(start)
		wg.Wait()
		if n := env.Store.QueryCount() - before; n != callers+1 {
			t.Errorf("%+v: %d callers at once ran %d transactions, want %d (a probe each and one count)", q, callers, n, callers+1)
		}
		alone, err := env.Store.Counts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for i := range callers {
			if errs[i] != nil || !reflect.DeepEqual(got[i], alone) {
				t.Errorf("%+v: caller %d got %+v (%v), alone %+v", q, i, got[i], errs[i], alone)
			}
		}
		if alone.Entities == 0 {
			t.Errorf("%+v: nothing counted", q)
		}
	}
}
