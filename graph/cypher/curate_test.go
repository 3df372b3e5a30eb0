package cypher_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

var alice = model.Actor{Name: "alice (sgk_1)", Role: "editor", RequestID: "req-1"}

func TestCuratorWrites(t *testing.T) {
	ctx := env.Reset(t)
	st := env.Store
	if _, err := st.Write(ctx, story()); err != nil {
		t.Fatal(err)
	}
	nodes0, rels0 := graphCounts(t)

	t.Run("NewEntityNeedsEvidence", func(t *testing.T) {
		e := model.Entity{ID: "org:zil", Kind: schema.Organization, Name: "ZiL", Provenance: model.Provenance{Status: schema.Reported}}
		_, _, err := st.UpsertEntity(ctx, e, nil, model.ActionUpsertEntity, alice, "add ZiL")
		if model.ErrorCode(err) != model.BadUserInput || !strings.Contains(err.Error(), "needs evidence") {
			t.Fatalf("err = %v", err)
		}
		if n, r := graphCounts(t); n != nodes0 || r != rels0 {
			t.Fatalf("a refused write changed the graph: %d/%d nodes, %d/%d rels", n, nodes0, r, rels0)
		}
	})

	var created *model.Change
	t.Run("CreateEntityWithEvidence", func(t *testing.T) {
		e := model.Entity{ID: "org:zil", Kind: schema.Organization, Name: "ZiL", Aliases: []string{"Zavod imeni Likhachova"},
			Properties: model.Properties{"country": {"RU"}}, Provenance: model.Provenance{Status: schema.Reported}}
		ev := []model.Evidence{{FactID: "org:zil", SourceID: "source:tass", Status: schema.Reported, Quote: "ZiL built limousines"}}
		got, res, err := st.UpsertEntity(ctx, e, ev, model.ActionUpsertEntity, alice, "add ZiL")
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != model.Created || res.Change == nil || got.Dataset != cypher.CuratorDataset || got.Name != "ZiL" {
			t.Fatalf("got %+v, %+v", got, res)
		}
		created = res.Change
		if created.Before != "" || !strings.Contains(created.After, `"name":"ZiL"`) || created.Actor != alice.Name || created.RequestID != "req-1" {
			t.Fatalf("change = %+v", created)
		}
		// Searchable under its alias at once.
		page, err := st.Search(ctx, model.SearchQuery{Text: "zavod imeni likhachova", Page: model.Page{Limit: 5}})
		if err != nil || page.Total != 1 {
			t.Fatalf("search: %+v %v", page, err)
		}
	})

	t.Run("UpsertSameIsUnchanged", func(t *testing.T) {
		e := model.Entity{ID: "org:zil", Kind: schema.Organization, Name: "ZiL", Aliases: []string{"Zavod imeni Likhachova"},
			Properties: model.Properties{"country": {"RU"}}, Provenance: model.Provenance{Status: schema.Reported}}
		ev := []model.Evidence{{FactID: "org:zil", SourceID: "source:tass", Status: schema.Reported, Quote: "ZiL built limousines"}}
		_, res, err := st.UpsertEntity(ctx, e, ev, model.ActionUpsertEntity, alice, "again")
		if err != nil || res.Outcome != model.Unchanged || res.Change != nil {
			t.Fatalf("res = %+v, %v", res, err)
		}
	})

	t.Run("UpdateKeepsDatasetOfLoadedRecord", func(t *testing.T) {
		e := model.Entity{ID: "org:aurus", Kind: schema.Organization, Name: "Aurus Motors", Properties: model.Properties{"country": {"RU"}},
			Provenance: model.Provenance{Status: schema.Confirmed}}
		got, res, err := st.UpsertEntity(ctx, e, nil, model.ActionUpsertEntity, alice, "rename")
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != model.Updated || got.Dataset != "test" || got.RecordID != "org:aurus" {
			t.Fatalf("got %+v %+v", got, res)
		}
		d := model.Diff(*res.Change)
		var fields []string
		for _, f := range d {
			fields = append(fields, f.Field)
		}
		if !strings.Contains(strings.Join(fields, ","), "name") || !strings.Contains(strings.Join(fields, ","), "aliases") {
			t.Fatalf("diff fields = %v", fields)
		}
	})

	t.Run("KindConflict", func(t *testing.T) {
		e := model.Entity{ID: "org:aurus", Kind: schema.Person, Name: "Aurus", Provenance: model.Provenance{Status: schema.Confirmed}}
		_, _, err := st.UpsertEntity(ctx, e, nil, model.ActionUpsertEntity, alice, "x")
		if model.ErrorCode(err) != model.Conflict {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("Validation", func(t *testing.T) {
		nodes, rels := graphCounts(t)
		for name, e := range map[string]model.Entity{
			"BadID":      {ID: "org:a b", Kind: schema.Organization, Name: "A", Provenance: model.Provenance{Status: schema.Reported}},
			"PipeInID":   {ID: "org:a|b", Kind: schema.Organization, Name: "A", Provenance: model.Provenance{Status: schema.Reported}},
			"NoName":     {ID: "org:a", Kind: schema.Organization, Name: " ", Provenance: model.Provenance{Status: schema.Reported}},
			"BadCountry": {ID: "org:a", Kind: schema.Organization, Name: "A", Properties: model.Properties{"country": {"Russia"}}, Provenance: model.Provenance{Status: schema.Reported}},
			"BadURL":     {ID: "source:a", Kind: schema.Source, Name: "A", Properties: model.Properties{"url": {"javascript:alert(1)"}}, Provenance: model.Provenance{Status: schema.Reported}},
			"BadDate":    {ID: "org:a", Kind: schema.Organization, Name: "A", Provenance: model.Provenance{Status: schema.Reported, ValidFrom: "2024-13-01"}},
			"Undeclared": {ID: "org:a", Kind: schema.Organization, Name: "A", Properties: model.Properties{"shoeSize": {"42"}}, Provenance: model.Provenance{Status: schema.Reported}},
			"NUL":        {ID: "org:a", Kind: schema.Organization, Name: "A\x00", Provenance: model.Provenance{Status: schema.Reported}},
			// The value rules are schema.Prop.Check's, as for loaders.
			"CountryZZ":      {ID: "org:a", Kind: schema.Organization, Name: "A", Properties: model.Properties{"country": {"ZZ"}}, Provenance: model.Provenance{Status: schema.Reported}},
			"URLWithSpace":   {ID: "source:a", Kind: schema.Source, Name: "A", Properties: model.Properties{"url": {"https://example.org/a b"}}, Provenance: model.Provenance{Status: schema.Reported}},
			"PriceNaN":       {ID: "product:aurus-senat", Kind: schema.Product, Name: "Aurus Senat", Properties: model.Properties{"price": {"NaN"}}, Provenance: model.Provenance{Status: schema.Confirmed}},
			"PriceInf":       {ID: "product:aurus-senat", Kind: schema.Product, Name: "Aurus Senat", Properties: model.Properties{"price": {"+Inf"}}, Provenance: model.Provenance{Status: schema.Confirmed}},
			"HSCodeOdd":      {ID: "product:aurus-senat", Kind: schema.Product, Name: "Aurus Senat", Properties: model.Properties{"hsCode": {"870"}}, Provenance: model.Provenance{Status: schema.Confirmed}},
			"NameTwoLines":   {ID: "product:aurus-senat", Kind: schema.Product, Name: "Aurus Senat", Properties: model.Properties{"make": {"Aurus\nSenat"}}, Provenance: model.Provenance{Status: schema.Confirmed}},
			"ValidFromFeb30": {ID: "org:a", Kind: schema.Organization, Name: "A", Provenance: model.Provenance{Status: schema.Reported, ValidFrom: "2024-02-30"}},
		} {
			_, _, err := st.UpsertEntity(ctx, e, nil, model.ActionUpsertEntity, alice, "x")
			if model.ErrorCode(err) != model.BadUserInput {
				t.Errorf("%s: err = %v", name, err)
			}
		}
		if n, r := graphCounts(t); n != nodes || r != rels {
			t.Fatalf("refused writes changed the graph: %d/%d nodes, %d/%d rels", n, nodes, r, rels)
		}
		if p, err := st.Entity(ctx, "product:aurus-senat"); err != nil || p.Properties.First("price") != "18000000" || p.Properties.First("hsCode") != "8703" {
			t.Fatalf("a refused write changed the product: %v, %v", p, err)
		}
		for name, ev := range map[string]model.Evidence{
			"BadBasis":    {FactID: "org:aurus", SourceID: "source:tass", Status: schema.Reported, Basis: "rumour"},
			"BadStatedOn": {FactID: "org:aurus", SourceID: "source:tass", Status: schema.Reported, StatedOn: "2024-02-30"},
		} {
			if _, _, err := st.AttachEvidence(ctx, ev, alice, "x"); model.ErrorCode(err) != model.BadUserInput {
				t.Errorf("%s: err = %v", name, err)
			}
		}
		_, _, err := st.UpsertEntity(ctx, model.Entity{ID: "source:b", Kind: schema.Source, Name: "B", Provenance: model.Provenance{Status: schema.Reported}}, nil, model.ActionUpsertSource, alice, "  ")
		if model.ErrorCode(err) != model.BadUserInput || !strings.Contains(err.Error(), "reason") {
			t.Errorf("empty reason: %v", err)
		}
	})

	relID := "SUPPLIES|org:zil|state:KP"
	t.Run("Relationship", func(t *testing.T) {
		r := model.Relationship{Type: schema.Supplies, FromID: "org:zil", ToID: "state:KP", Provenance: model.Provenance{Status: schema.Alleged, ValidFrom: "1990"}}
		if _, _, err := st.UpsertRelationship(ctx, r, nil, alice, "x"); model.ErrorCode(err) != model.BadUserInput {
			t.Fatalf("without evidence: %v", err)
		}
		ev := []model.Evidence{{SourceID: "source:kcna", Status: schema.Alleged, Claim: "supplied trucks"}}
		got, res, err := st.UpsertRelationship(ctx, r, ev, alice, "trucks")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != relID || res.Outcome != model.Created || !strings.Contains(res.Change.After, `"from":"org:zil"`) {
			t.Fatalf("got %+v %+v", got, res.Change)
		}
		evs, _ := st.EvidenceByFact(ctx, []string{relID})
		if len(evs[relID]) != 1 || evs[relID][0].ID != cypher.EvidenceID(model.Evidence{FactID: relID, SourceID: "source:kcna", Claim: "supplied trucks"}) {
			t.Fatalf("evidence = %+v", evs[relID])
		}
		bad := r
		bad.ID, bad.ToID = relID, "state:RU"
		if _, _, err := st.UpsertRelationship(ctx, bad, nil, alice, "move"); model.ErrorCode(err) != model.BadUserInput || !strings.Contains(err.Error(), "ends cannot change") {
			t.Fatalf("moved ends: %v", err)
		}
		wrongKind := model.Relationship{Type: schema.Leads, FromID: "org:zil", ToID: "state:KP", Provenance: model.Provenance{Status: schema.Alleged}}
		if _, _, err := st.UpsertRelationship(ctx, wrongKind, ev, alice, "x"); model.ErrorCode(err) != model.BadUserInput || !strings.Contains(err.Error(), "cannot start at") {
			t.Fatalf("wrong kind: %v", err)
		}
	})

	t.Run("AttachEvidence", func(t *testing.T) {
		ev := model.Evidence{FactID: relID, SourceID: "source:tass", Status: schema.Reported, Quote: "ZiL trucks seen in Pyongyang", StatedOn: "2024-03-01"}
		got, res, err := st.AttachEvidence(ctx, ev, alice, "second source")
		if err != nil || res.Outcome != model.Created || got.ID == "" {
			t.Fatalf("attach: %+v %+v %v", got, res, err)
		}
		if _, res, err := st.AttachEvidence(ctx, ev, alice, "again"); err != nil || res.Outcome != model.Unchanged {
			t.Fatalf("re-attach: %+v %v", res, err)
		}
		ev.FactID = "SUPPLIES|org:zil|state:RU"
		if _, _, err := st.AttachEvidence(ctx, ev, alice, "x"); model.ErrorCode(err) != model.NotFound {
			t.Fatalf("missing fact: %v", err)
		}
		ev.FactID, ev.SourceID = relID, "source:nowhere"
		if _, _, err := st.AttachEvidence(ctx, ev, alice, "x"); model.ErrorCode(err) != model.BadUserInput {
			t.Fatalf("missing source: %v", err)
		}
	})

	t.Run("SetStatus", func(t *testing.T) {
		f, res, err := st.SetStatus(ctx, relID, schema.Reported, alice, "two sources now")
		if err != nil || res.Outcome != model.Updated || f.Relationship == nil || f.Relationship.Status != schema.Reported {
			t.Fatalf("%+v %+v %v", f, res, err)
		}
		if _, res, _ := st.SetStatus(ctx, relID, schema.Reported, alice, "again"); res.Outcome != model.Unchanged {
			t.Fatalf("same status: %+v", res)
		}
		if _, _, err := st.SetStatus(ctx, "person:nobody", schema.Reported, alice, "x"); model.ErrorCode(err) != model.NotFound {
			t.Fatalf("unknown: %v", err)
		}
		if _, _, err := st.SetStatus(ctx, "NOPE|a|b", schema.Reported, alice, "x"); model.ErrorCode(err) != model.NotFound {
			t.Fatalf("unknown type: %v", err)
		}
	})

	t.Run("RetractAndRestore", func(t *testing.T) {
		uses := "USES|person:kim-jong-un|product:aurus-senat"
		f, res, err := st.Retract(ctx, uses, alice, "wrong car")
		if err != nil || res.Outcome != model.Updated || f.Relationship.Retracted == nil || f.Relationship.Retracted.Reason != "wrong car" {
			t.Fatalf("%+v %+v %v", f, res, err)
		}
		// Kept and readable by id …
		r, err := st.Relationship(ctx, uses)
		if err != nil || r.Retracted == nil || r.Retracted.By != alice.Name {
			t.Fatalf("read back: %+v %v", r, err)
		}
		// … but out of neighbours and paths.
		nb, err := st.Neighbours(ctx, model.NeighbourQuery{ID: "person:kim-jong-un", Page: model.Page{Limit: 50}})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nb.Neighbours {
			if n.Relationship.ID == uses {
				t.Fatal("retracted relationship listed among neighbours")
			}
		}
		// A loader reloading the record does not undo the retraction.
		b := story()
		b.Relationships[2].Properties = model.Properties{"context": {"changed upstream"}}
		if _, err := st.Write(ctx, b); err != nil {
			t.Fatal(err)
		}
		if r, _ := st.Relationship(ctx, uses); r.Retracted == nil || r.Properties.First("context") != "changed upstream" {
			t.Fatalf("after reload: %+v", r)
		}
		nb, _ = st.Neighbours(ctx, model.NeighbourQuery{ID: "person:kim-jong-un", Page: model.Page{Limit: 50}})
		for _, n := range nb.Neighbours {
			if n.Relationship.ID == uses {
				t.Fatal("reload brought the retracted relationship back into neighbours")
			}
		}
		if _, res, _ := st.Retract(ctx, uses, alice, "again"); res.Outcome != model.Unchanged {
			t.Fatalf("second retraction: %+v", res)
		}
		f, res, err = st.Restore(ctx, uses, alice, "it was the right car")
		if err != nil || res.Outcome != model.Updated || f.Relationship.Retracted != nil {
			t.Fatalf("restore: %+v %+v %v", f, res, err)
		}
		nb, _ = st.Neighbours(ctx, model.NeighbourQuery{ID: "person:kim-jong-un", Page: model.Page{Limit: 50}})
		found := false
		for _, n := range nb.Neighbours {
			found = found || n.Relationship.ID == uses
		}
		if !found {
			t.Fatal("restored relationship missing from neighbours")
		}
		// Retracted entities leave search.
		if _, _, err := st.Retract(ctx, "org:zil", alice, "duplicate"); err != nil {
			t.Fatal(err)
		}
		page, _ := st.Search(ctx, model.SearchQuery{Text: "ZiL", Page: model.Page{Limit: 5}})
		if page.Total != 0 {
			t.Fatalf("retracted entity found by search: %+v", page)
		}
	})

	t.Run("History", func(t *testing.T) {
		h, err := st.History(ctx, model.ChangeQuery{FactID: relID, Page: model.Page{Limit: 20}})
		if err != nil {
			t.Fatal(err)
		}
		// created (relationship + its evidence), second evidence, status.
		var actions []string
		for _, c := range h.Changes {
			actions = append(actions, c.Action)
		}
		want := []string{model.ActionSetStatus, model.ActionAttachEvidence, model.ActionUpsertRelationship, model.ActionAttachEvidence}
		if h.Total != 4 || len(actions) != 4 {
			t.Fatalf("history = %v (total %d)", actions, h.Total)
		}
		if actions[0] != want[0] {
			t.Errorf("newest first: %v", actions)
		}
		var before map[string]any
		if err := json.Unmarshal([]byte(h.Changes[0].Before), &before); err != nil || before["status"] != "alleged" {
			t.Errorf("status change before = %s", h.Changes[0].Before)
		}
		all, err := st.History(ctx, model.ChangeQuery{Actor: alice.Name, Page: model.Page{Limit: 100}})
		if err != nil || all.Total < 8 {
			t.Fatalf("all by alice: %d %v", all.Total, err)
		}
		none, _ := st.History(ctx, model.ChangeQuery{Actor: "mallory", Page: model.Page{Limit: 100}})
		if none.Total != 0 {
			t.Fatalf("mallory: %d", none.Total)
		}
	})
}

// graphCounts counts entities and relationships.
func graphCounts(t *testing.T) (nodes, rels int) {
	t.Helper()
	c, err := env.Store.Counts(t.Context(), model.CountQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return c.Entities, c.Relationships
}

// BenchmarkCuratorWrites measures one curator write end to end in Neo4j:
// validation, the read of the record before, the write, the evidence check,
// the read after and the change record, in one transaction.
func BenchmarkCuratorWrites(b *testing.B) {
	ctx := env.Reset(b)
	st := env.Store
	if _, err := st.Write(ctx, story()); err != nil {
		b.Fatal(err)
	}
	b.Run("UpsertEntityCreate", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			id := "person:bench-" + strconv.Itoa(i)
			e := model.Entity{ID: id, Kind: schema.Person, Name: "Bench " + strconv.Itoa(i), Provenance: model.Provenance{Status: schema.Reported}}
			ev := []model.Evidence{{FactID: id, SourceID: "source:tass", Status: schema.Reported}}
			if _, _, err := st.UpsertEntity(ctx, e, ev, model.ActionUpsertEntity, alice, "bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UpsertSourceCreate", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			e := model.Entity{ID: "source:bench-" + strconv.Itoa(i), Kind: schema.Source, Name: "Bench " + strconv.Itoa(i), Provenance: model.Provenance{Status: schema.Reported}}
			if _, _, err := st.UpsertEntity(ctx, e, nil, model.ActionUpsertSource, alice, "bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UpsertEntityUnchanged", func(b *testing.B) {
		e := model.Entity{ID: "person:bench-0", Kind: schema.Person, Name: "Bench 0", Provenance: model.Provenance{Status: schema.Reported}}
		for b.Loop() {
			if _, res, err := st.UpsertEntity(ctx, e, nil, model.ActionUpsertEntity, alice, "bench"); err != nil || res.Outcome != model.Unchanged {
				b.Fatal(res, err)
			}
		}
	})
	b.Run("SetStatus", func(b *testing.B) {
		statuses := []schema.Status{schema.Alleged, schema.Reported}
		for i := 0; b.Loop(); i++ {
			if _, _, err := st.SetStatus(ctx, "USES|person:kim-jong-un|product:aurus-senat", statuses[i%2], alice, "bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("History", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.History(ctx, model.ChangeQuery{FactID: "USES|person:kim-jong-un|product:aurus-senat", Page: model.Page{Limit: 20}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
