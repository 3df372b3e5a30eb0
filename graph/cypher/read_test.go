package cypher_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// TestEntitiesWithEvidenceAgreesWithLookups: the one statement that reads
// entities with their records' evidence and sources returns what the
// separate look-ups return, in both views, for ids asked twice and ids
// unknown; an entity with several records (a SAME_AS cluster) gets every
// record's evidence.
func TestEntitiesWithEvidenceAgreesWithLookups(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	if _, err := env.Store.LinkSameAs(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.Resolve(ctx); err != nil {
		t.Fatal(err)
	}
	ids := []string{"person:kim-jong-un", "org:aurus", "state:RU", "person:kim-jong-un", "no:such-entity", "product:aurus-senat"}
	for _, view := range []model.View{model.ViewRecords, model.ViewResolved} {
		got, err := env.Store.EntitiesWithEvidence(ctx, ids, view)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]*model.Entity
		if view == model.ViewResolved {
			want, err = env.Store.ResolvedByID(ctx, ids)
		} else {
			want, err = env.Store.EntitiesByID(ctx, ids)
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 4 {
			t.Fatalf("%s: only %d of the curated entities found; the ids changed?", view, len(want))
		}
		if !reflect.DeepEqual(got.Entities, want) {
			t.Errorf("%s: entities differ:\n got %v\nwant %v", view, got.Entities, want)
		}
		var facts []string
		for _, e := range want {
			facts = append(facts, e.RecordIDs()...)
		}
		wantEv, err := env.Store.EvidenceWithSources(ctx, facts)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Evidence, wantEv.Evidence) {
			t.Errorf("%s: evidence differs:\n got %v\nwant %v", view, got.Evidence, wantEv.Evidence)
		}
		if !reflect.DeepEqual(got.Sources, wantEv.Sources) {
			t.Errorf("%s: sources differ:\n got %d\nwant %d", view, len(got.Sources), len(wantEv.Sources))
		}
		n := 0
		for _, evs := range got.Evidence {
			n += len(evs)
		}
		if n < 10 || len(got.Sources) < 5 {
			t.Errorf("%s: %d evidence items citing %d sources: too few for Kim Jong Un, Aurus and Russia", view, n, len(got.Sources))
		}
	}
}

// TestResolveEntitiesInOneTransaction: a path's ends resolve together, ids
// and names, in one transaction, each with its own answer or error.
func TestResolveEntitiesInOneTransaction(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	if _, err := env.Store.Resolve(ctx); err != nil {
		t.Fatal(err)
	}
	refs := []string{"state:RU", "Kim Jong-un", "Nobody Of That Name At All", "   ", "Aurus Senat"}
	for _, view := range []model.View{model.ViewRecords, model.ViewResolved} {
		before := env.Store.QueryCount()
		ents, errs, err := env.Store.ResolveEntities(ctx, refs, view)
		if err != nil {
			t.Fatal(err)
		}
		if n := env.Store.QueryCount() - before; n != 1 {
			t.Errorf("%s: %d transactions for %d ends, want 1", view, n, len(refs))
		}
		for i, want := range []string{"state:RU", "person:kim-jong-un", "", "", "product:aurus-senat"} {
			switch {
			case want != "" && (ents[i] == nil || ents[i].ID != want):
				t.Errorf("%s: %q resolved to %v (%v), want %s", view, refs[i], ents[i], errs[i], want)
			case want == "" && (ents[i] != nil || errs[i] == nil):
				t.Errorf("%s: %q resolved to %v, want an error", view, refs[i], ents[i])
			}
		}
		var me *model.Error
		if !errors.As(errs[2], &me) || me.Code != model.NotFound {
			t.Errorf("%s: an unknown name: %v, want NOT_FOUND", view, errs[2])
		}
		// Each answer is what ResolveEntity gives for that end alone.
		for i, ref := range refs {
			e, err := env.Store.ResolveEntity(ctx, ref, view)
			if (e == nil) != (ents[i] == nil) || (e != nil && e.ID != ents[i].ID) || (err == nil) != (errs[i] == nil) {
				t.Errorf("%s: %q alone: %v, %v; together: %v, %v", view, ref, e, err, ents[i], errs[i])
			}
		}
	}
}

// TestPathsByRefInOneTransaction: a path search between names resolves
// them in its own transaction; a name that resolves to nothing is its own
// error and no search runs.
func TestPathsByRefInOneTransaction(t *testing.T) {
	ctx := env.Reset(t)
	writeCurated(t, ctx, env.Store)
	if _, err := env.Store.Resolve(ctx); err != nil {
		t.Fatal(err)
	}
	for _, view := range []model.View{model.ViewRecords, model.ViewResolved} {
		q := model.PathQuery{View: view, From: "Russia", To: "Kim Jong-un", MaxHops: 4, Mode: model.Shortest, MaxDegree: model.DefaultMaxDegree, WithEvidence: true}
		before := env.Store.QueryCount()
		ends, errs, found, err := env.Store.PathsByRef(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if n := env.Store.QueryCount() - before; n != 1 {
			t.Errorf("%s: %d transactions, want 1", view, n)
		}
		if errs[0] != nil || errs[1] != nil || ends[1].ID != "person:kim-jong-un" || len(found.Paths) == 0 || found.Facts == nil {
			t.Fatalf("%s: ends %v, errors %v, %d paths, facts %v", view, ends, errs, len(found.Paths), found.Facts)
		}
		// The same search by ids finds the same paths.
		q.From, q.To = ends[0].ID, ends[1].ID
		byID, err := env.Store.Paths(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(byID.Paths) != len(found.Paths) || byID.Paths[0].Rels[0].ID != found.Paths[0].Rels[0].ID {
			t.Errorf("%s: by ref %d paths, by id %d", view, len(found.Paths), len(byID.Paths))
		}
		q.From = "Nobody Of That Name At All"
		_, errs, found, err = env.Store.PathsByRef(ctx, q)
		var me *model.Error
		if err != nil || !errors.As(errs[0], &me) || me.Code != model.NotFound || errs[1] != nil || len(found.Paths) > 0 {
			t.Errorf("%s: an unknown name: %v, %v, %d paths", view, err, errs, len(found.Paths))
		}
	}
}
