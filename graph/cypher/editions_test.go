package cypher_test

import (
	"slices"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// legacyUN builds UN records the way loaders wrote them before listings
// were keyed on the reference number: ids from the DATAID.
func legacyUN(dataID, ref, name, sourceID string, delisted string) model.Batch {
	party, sanction := "unsc:"+dataID, "unsc-sanction:"+dataID
	prov := model.Provenance{Status: schema.Confirmed, Dataset: "unsc", RecordID: dataID}
	sp := model.Properties{}
	sp.Set("authority", "United Nations Security Council")
	sp.Set("authorityId", ref)
	sp.Set("program", "DPRK")
	sp.Set("listingDate", "2017-08-05")
	sp.Set("delistedOn", delisted)
	des := string(schema.Designates) + "|" + sanction + "|" + party
	ev := func(fact string) model.Evidence {
		return model.Evidence{ID: "ev:" + fact + ":unsc", FactID: fact, SourceID: sourceID, Status: schema.Confirmed, Basis: "list"}
	}
	return model.Batch{
		Entities: []model.Entity{
			{ID: party, Kind: schema.Organization, Name: name, Properties: model.Properties{}, Provenance: prov},
			{ID: sanction, Kind: schema.Sanction, Name: "UN SC DPRK listing " + ref, Properties: sp, Provenance: prov},
		},
		Relationships: []model.Relationship{{ID: des, Type: schema.Designates, FromID: sanction, ToID: party, Properties: model.Properties{}, Provenance: prov}},
		Evidence:      []model.Evidence{ev(party), ev(sanction), ev(des)},
	}
}

func unSource(date string) model.Entity {
	p := model.Properties{}
	p.Set("publisher", "United Nations Security Council")
	p.Set("publishedOn", date)
	p.Set("sourceKind", "sanctions_list")
	return model.Entity{ID: "source:unsc-consolidated-" + date, Kind: schema.Source, Name: "UN list " + date, Properties: p,
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "unsc"}}
}

// TestMigrationRekeysUNListings builds a graph the old way, with the bug
// the issue reports (KPe.068 stored twice: its 2020 DATAID marked delisted,
// its 2026 DATAID live), runs migration 0009 and checks that every UN
// listing is keyed on its reference, with its relationships, evidence and
// change records; the stale copy is kept, marked superseded and out of
// lists; the newest list becomes a reconstructed edition; a second run
// changes nothing; and a load after the migration records editions on top.
func TestMigrationRekeysUNListings(t *testing.T) {
	ctx := env.Reset(t)
	st := env.Store
	var b model.Batch
	b.Entities = append(b.Entities, unSource("2020-11-24"), unSource("2026-05-08"))
	for _, x := range []model.Batch{
		legacyUN("6908046", "KPe.068", "MYOHYANG SHIPPING", "source:unsc-consolidated-2020-11-24", "2026-05-08"),
		legacyUN("7000001", "KPe.068", "MYOHYANG SHIPPING", "source:unsc-consolidated-2026-05-08", ""),
		legacyUN("690734", "KPi.001", "YUN HO-JIN", "source:unsc-consolidated-2026-05-08", ""),
	} {
		b.Entities = append(b.Entities, x.Entities...)
		b.Relationships = append(b.Relationships, x.Relationships...)
		b.Evidence = append(b.Evidence, x.Evidence...)
	}
	if _, err := st.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	// A curator's change record on the live copy must follow it.
	e, err := st.Entity(ctx, "unsc:7000001")
	if err != nil {
		t.Fatal(err)
	}
	e.Description = "Operator of DPRK-flagged vessels."
	if _, _, err := st.UpsertEntity(ctx, *e, nil, model.ActionUpsertEntity, model.Actor{Name: "erin", Role: "editor"}, "note"); err != nil {
		t.Fatal(err)
	}

	if err := st.RerunMigration(ctx, "0009_editions.cypher"); err != nil {
		t.Fatal(err)
	}
	party, err := st.Entity(ctx, "unsc:KPe.068")
	if err != nil || party.RecordID != "7000001" || party.Description != "Operator of DPRK-flagged vessels." {
		t.Fatalf("unsc:KPe.068 = %+v, %v", party, err)
	}
	if _, err := st.Entity(ctx, "unsc-sanction:KPe.068"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Relationship(ctx, "DESIGNATES|unsc-sanction:KPe.068|unsc:KPe.068"); err != nil {
		t.Fatal(err)
	}
	evs, err := st.EvidenceByFact(ctx, []string{"unsc-sanction:KPe.068", "DESIGNATES|unsc-sanction:KPe.068|unsc:KPe.068"})
	if err != nil || len(evs["unsc-sanction:KPe.068"]) != 1 || evs["unsc-sanction:KPe.068"][0].ID != "ev:unsc-sanction:KPe.068:unsc" ||
		len(evs["DESIGNATES|unsc-sanction:KPe.068|unsc:KPe.068"]) != 1 {
		t.Fatalf("evidence after the migration: %+v %v", evs, err)
	}
	h, err := st.History(ctx, model.ChangeQuery{FactID: "unsc:KPe.068", Page: model.Page{Limit: 10}})
	if err != nil || h.Total != 1 {
		t.Errorf("change records of unsc:KPe.068: %+v %v", h, err)
	}
	// The stale copy is kept, but no list shows it.
	if _, err := st.Entity(ctx, "unsc-sanction:6908046"); err != nil {
		t.Errorf("the superseded copy was deleted: %v", err)
	}
	page, err := st.Entities(ctx, model.EntityQuery{Kinds: []schema.Kind{schema.Sanction}, Dataset: "unsc", Page: model.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range page.Entities {
		ids = append(ids, e.ID)
	}
	if !slices.Equal(ids, []string{"unsc-sanction:KPe.068", "unsc-sanction:KPi.001"}) && !slices.Equal(ids, []string{"unsc-sanction:KPi.001", "unsc-sanction:KPe.068"}) {
		t.Errorf("UN sanctions listed: %v", ids)
	}
	eds, err := st.Editions(ctx, "unsc")
	if err != nil || len(eds) != 1 || !eds[0].Reconstructed || eds[0].PublishedOn != "2026-05-08" || eds[0].RecordCount != 2 {
		t.Fatalf("editions after the migration: %+v %v", eds, err)
	}
	fp, err := st.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range fp.IDs {
		if fp.DistinctIDs[k] != n {
			t.Errorf("%s: %d ids, %d distinct", k, n, fp.DistinctIDs[k])
		}
	}

	// Idempotent.
	if err := st.RerunMigration(ctx, "0009_editions.cypher"); err != nil {
		t.Fatal(err)
	}
	again, err := st.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := fp.Diff(again); len(d) > 0 {
		t.Errorf("a second run changed the graph: %v", d)
	}

	// A newer list without KPi.001: its period ends; KPe.068 continues.
	s := unSource("2026-06-01")
	if _, err := st.Write(ctx, model.Batch{Entities: []model.Entity{s}}); err != nil {
		t.Fatal(err)
	}
	plan, err := st.PlanRemovals(ctx, "unsc", []string{"unsc-sanction:KPe.068"})
	if err != nil || plan.Active != 2 || !slices.Equal(plan.Removed, []string{"unsc-sanction:KPi.001"}) {
		t.Fatalf("plan: %+v %v", plan, err)
	}
	sum, err := st.RecordEdition(ctx, model.Edition{Dataset: "unsc", PublishedOn: "2026-06-01", Checksum: "abc"},
		[]model.Listing{{SanctionID: "unsc-sanction:KPe.068", Reference: "KPe.068", Programs: []string{"DPRK"}, Fields: map[string]string{"name": "MYOHYANG SHIPPING"}}})
	if err != nil || !sum.Created || sum.Removed != 1 {
		t.Fatalf("RecordEdition: %+v %v", sum, err)
	}
	hist, err := st.ListingHistory(ctx, "unsc-sanction:KPi.001")
	if err != nil || len(hist.Periods) != 1 || hist.Periods[0].Current || !slices.Equal(hist.Periods[0].RemovedBetween, []string{"2026-05-08", "2026-06-01"}) {
		t.Errorf("KPi.001 history: %+v %v", hist, err)
	}
	for at, want := range map[string]int{"2026-05-08": 2, "2026-06-01": 1} {
		page, err := st.Entities(ctx, model.EntityQuery{Kinds: []schema.Kind{schema.Sanction}, Dataset: "unsc", ActiveAt: at, Page: model.Page{Limit: 10}})
		if err != nil || page.Total != want {
			t.Errorf("activeAt %s: %d, want %d (%v)", at, page.Total, want, err)
		}
	}
	// Against a reconstructed edition no amendment is claimed.
	ch, err := st.ListChanges(ctx, model.ListChangeQuery{List: "unsc", Page: model.Page{Limit: 10}})
	if err != nil || ch.Removed != 1 || ch.Added != 0 || ch.Amended != 0 || ch.From.PublishedOn != "2026-05-08" {
		t.Errorf("listChanges: %+v %v", ch, err)
	}
	if _, err := st.ListChanges(ctx, model.ListChangeQuery{List: "unsc", From: "2021-01-01", Page: model.Page{Limit: 10}}); model.ErrorCode(err) != model.NotFound {
		t.Errorf("from a date with no edition: %v", err)
	}
	if id := cypher.EditionID("unsc", "2026-06-01", "abc"); ch.To.ID != id {
		t.Errorf("edition id %s, want %s", ch.To.ID, id)
	}
}
