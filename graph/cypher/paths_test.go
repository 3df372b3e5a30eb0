package cypher_test

import (
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

func pathQ(from, to string, edit func(q *model.PathQuery)) model.PathQuery {
	q := model.PathQuery{From: from, To: to, MaxHops: model.DefaultMaxHops, K: 3, MaxDegree: model.DefaultMaxDegree}
	if edit != nil {
		edit(&q)
	}
	return q
}

func route(p model.Path) string {
	var b strings.Builder
	for i, n := range p.Nodes {
		if i > 0 {
			r := p.Rels[i-1]
			if p.Forward[i-1] {
				b.WriteString(" -" + string(r.Type) + "-> ")
			} else {
				b.WriteString(" <-" + string(r.Type) + "- ")
			}
		}
		b.WriteString(n.ID)
	}
	return b.String()
}

func TestPaths(t *testing.T) {
	ctx := env.Reset(t)
	b := story()
	b.Entities = append(b.Entities,
		model.Entity{ID: "person:kim-yo-jong", Kind: schema.Person, Name: "Kim Yo Jong", Properties: model.Properties{},
			Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}},
		model.Entity{ID: "org:island", Kind: schema.Organization, Name: "Isolated Trading", Properties: model.Properties{},
			Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}})
	if _, err := env.Store.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	const ru, kim = "state:RU", "person:kim-jong-un"
	viaAurus := "state:RU <-BASED_IN- org:aurus -MANUFACTURES-> product:aurus-senat <-USES- person:kim-jong-un"
	viaGift := "state:RU <-LEADS- person:putin -SENT-> transfer:gift <-RECEIVED- person:kim-jong-un"
	tests := []struct {
		name   string
		q      model.PathQuery
		routes []string // in any order
		cut    model.PathCut
	}{
		{"AllShortest", pathQ(ru, kim, func(q *model.PathQuery) { q.Mode = model.AllShortest }), []string{viaAurus, viaGift}, ""},
		{"Via", pathQ(ru, kim, func(q *model.PathQuery) { q.Via = []string{"org:aurus"} }), []string{viaAurus}, ""},
		{"ViaPutin", pathQ(ru, kim, func(q *model.PathQuery) { q.Via = []string{"person:putin"} }), []string{viaGift}, ""},
		{"MinStatusDropsReportedHop", pathQ(ru, kim, func(q *model.PathQuery) { q.Mode, q.MinStatus = model.AllShortest, schema.Confirmed }), []string{viaAurus}, ""},
		{"DateBeforeGift", pathQ(ru, kim, func(q *model.PathQuery) { q.HeldFrom, q.HeldUntil = "2024-01-31", "2024-01-31" }), nil, model.CutDate},
		{"DateAfterGift", pathQ(ru, kim, func(q *model.PathQuery) {
			q.Mode, q.HeldFrom, q.HeldUntil = model.AllShortest, "2024-03-01", "2024-03-01"
		}), []string{viaAurus, viaGift}, ""},
		{"RangeOverlappingGift", pathQ(ru, kim, func(q *model.PathQuery) {
			q.Via, q.HeldFrom, q.HeldUntil = []string{"org:aurus"}, "2024-01-01", "2024-02-28"
		}), []string{viaAurus}, ""},
		{"Types", pathQ(ru, kim, func(q *model.PathQuery) { q.Types = []schema.RelType{schema.Leads, schema.Sent, schema.Received} }), []string{viaGift}, ""},
		{"ExcludeTypes", pathQ(ru, kim, func(q *model.PathQuery) { q.ExcludeTypes = []schema.RelType{schema.Uses, schema.Sent} }), nil, model.CutFilters},
		{"ExcludeKinds", pathQ(ru, kim, func(q *model.PathQuery) { q.ExcludeKinds = []schema.Kind{schema.Transfer} }), []string{viaAurus}, ""},
		{"Kinds", pathQ(ru, kim, func(q *model.PathQuery) { q.Kinds = []schema.Kind{schema.Person, schema.Transfer} }), []string{viaGift}, ""},
		{"MaxHops", pathQ(ru, kim, func(q *model.PathQuery) { q.MaxHops = 2 }), nil, model.CutMaxHops},
		{"NotConnected", pathQ(ru, "org:island", nil), nil, model.CutNotConnected},
		{"HubGuard", pathQ(ru, kim, func(q *model.PathQuery) { q.MaxDegree = 1 }), nil, model.CutNotConnected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := env.Store.Paths(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range res.Paths {
				got = append(got, route(p))
			}
			if res.Cut != tt.cut || len(got) != len(tt.routes) {
				t.Fatalf("paths %q cut %q, want %q cut %q", got, res.Cut, tt.routes, tt.cut)
			}
			for _, want := range tt.routes {
				found := false
				for _, g := range got {
					found = found || g == want
				}
				if !found {
					t.Errorf("missing %s in %q", want, got)
				}
			}
		})
	}
	t.Run("ShortestBeyond", func(t *testing.T) {
		res, _ := env.Store.Paths(ctx, pathQ(ru, kim, func(q *model.PathQuery) { q.MaxHops = 2 }))
		if res.ShortestBeyond != 3 {
			t.Errorf("shortestBeyond = %d, want 3", res.ShortestBeyond)
		}
	})
	t.Run("KShortest", func(t *testing.T) {
		res, err := env.Store.Paths(ctx, pathQ(ru, kim, func(q *model.PathQuery) { q.Mode, q.K, q.MaxHops = model.KShortest, 5, 6 }))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Paths) < 2 || len(res.Paths) > 5 || res.Paths[0].Length() > res.Paths[len(res.Paths)-1].Length() {
			t.Fatalf("k shortest = %d paths", len(res.Paths))
		}
	})
	t.Run("PathSummary", func(t *testing.T) {
		res, _ := env.Store.Paths(ctx, pathQ(ru, kim, func(q *model.PathQuery) { q.Types = []schema.RelType{schema.Leads, schema.Sent, schema.Received} }))
		p := res.Paths[0]
		if p.WeakestStatus() != schema.Reported || *p.HeldFrom() != "2024-02-18" || p.HeldUntil() != nil {
			t.Errorf("weakest %s, held %v–%v", p.WeakestStatus(), p.HeldFrom(), p.HeldUntil())
		}
	})
	errs := []struct {
		name string
		q    model.PathQuery
		code string
	}{
		{"ErrUnknownEnd", pathQ(ru, "person:nobody", nil), model.NotFound},
		{"ErrMaxHopsCap", pathQ(ru, kim, func(q *model.PathQuery) { q.MaxHops = model.MaxHopsCap + 1 }), model.BadUserInput},
		{"ErrKCap", pathQ(ru, kim, func(q *model.PathQuery) { q.Mode, q.K = model.KShortest, model.MaxK+1 }), model.BadUserInput},
		{"ErrTooManyVia", pathQ(ru, kim, func(q *model.PathQuery) { q.Via = []string{"a", "b", "c", "d"} }), model.BadUserInput},
		{"ErrDegreeCap", pathQ(ru, kim, func(q *model.PathQuery) { q.MaxDegree = model.MaxDegreeCap + 1 }), model.BadUserInput},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.Store.Paths(ctx, tt.q)
			if model.ErrorCode(err) != tt.code {
				t.Fatalf("code = %q (%v), want %s", model.ErrorCode(err), err, tt.code)
			}
		})
	}
}

func TestResolveEntity(t *testing.T) {
	ctx := env.Reset(t)
	b := story()
	b.Entities = append(b.Entities, model.Entity{ID: "person:kim-yo-jong", Kind: schema.Person, Name: "Kim Yo Jong", Properties: model.Properties{},
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "test"}})
	if _, err := env.Store.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]string{"person:putin": "person:putin", "Kim Jong-un": "person:kim-jong-un", "aurus": "org:aurus", "Ким Чен Ын": "person:kim-jong-un"} {
		e, err := env.Store.ResolveEntity(ctx, ref, model.ViewRecords)
		if err != nil || e.ID != want {
			t.Errorf("ResolveEntity(%q) = %v, %v; want %s", ref, e, err, want)
		}
	}
	_, err := env.Store.ResolveEntity(ctx, "Kim", model.ViewRecords)
	var me *model.Error
	if model.ErrorCode(err) != model.BadUserInput || !asError(err, &me) || len(me.Details["candidates"].([]map[string]any)) < 2 {
		t.Fatalf("ambiguous name: %v", err)
	}
	if _, err := env.Store.ResolveEntity(ctx, "Zzyzx Corporation", model.ViewRecords); model.ErrorCode(err) != model.NotFound {
		t.Fatalf("unknown name: %v", err)
	}
}

func asError(err error, target **model.Error) bool {
	e, ok := err.(*model.Error)
	*target = e
	return ok
}
