package synth

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// small is the graph the tests generate: small enough for seconds of
// writing, in the shape of the big one, with a hub guard below the hubs'
// degree as in the big one.
func small() Config {
	return Config{Nodes: 2000, Relationships: 10_000, Hubs: 2, HubDegree: 600, HubGuard: 500, Seed: 7,
		EvidenceRatio: DefaultEvidenceRatio, BatchSize: 2500, PairsPerHop: 2}
}

func build(tb testing.TB, cfg Config) *Graph {
	tb.Helper()
	g, err := Build(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// digest hashes every record of the graph in order, whatever the batches.
func digest(tb testing.TB, g *Graph, batch int) [32]byte {
	tb.Helper()
	ents, rels, evs := sha256.New(), sha256.New(), sha256.New()
	for b := range g.Batches(batch) {
		for _, e := range b.Entities {
			_ = json.NewEncoder(ents).Encode(e)
		}
		for _, r := range b.Relationships {
			_ = json.NewEncoder(rels).Encode(r)
		}
		for _, e := range b.Evidence {
			_ = json.NewEncoder(evs).Encode(e)
		}
	}
	return sha256.Sum256(slices.Concat(ents.Sum(nil), rels.Sum(nil), evs.Sum(nil)))
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *Config)
	}{
		{"TooFewNodes", func(c *Config) { c.Nodes = 10 }},
		{"FewerRelsThanNodes", func(c *Config) { c.Relationships = c.Nodes - 1 }},
		{"HubsWithoutDegree", func(c *Config) { c.HubDegree = 0 }},
		{"HubsTakeTooMany", func(c *Config) { c.HubDegree = c.Relationships }},
		{"EvidenceRatio", func(c *Config) { c.EvidenceRatio = 1.5 }},
		{"TooManyHubs", func(c *Config) { c.Hubs = 30 }},
		{"HubDegreeAboveEntities", func(c *Config) { c.Hubs, c.HubDegree = 1, 5000 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := small()
			tt.edit(&cfg)
			_, err := Build(cfg)
			var me *model.Error
			if !errors.As(err, &me) || me.Code != model.BadUserInput {
				t.Fatalf("Build = %v, want BAD_USER_INPUT", err)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		if _, err := Build(small()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestBuild checks the graph in memory: exact counts, every relationship
// allowed by the model, hubs of the degree asked for, determinism.
func TestBuild(t *testing.T) {
	cfg := small()
	g := build(t, cfg)
	st := g.Stats()
	t.Run("Counts", func(t *testing.T) {
		if st.Nodes != cfg.Nodes || st.Relationships != cfg.Relationships {
			t.Fatalf("%d nodes, %d relationships; want %d, %d", st.Nodes, st.Relationships, cfg.Nodes, cfg.Relationships)
		}
		sum := 0
		for _, k := range schema.Kinds {
			if st.ByKind[k] == 0 {
				t.Errorf("no %s", k)
			}
			sum += st.ByKind[k]
		}
		if sum != cfg.Nodes {
			t.Errorf("kinds add up to %d, want %d", sum, cfg.Nodes)
		}
		for _, rt := range schema.RelTypes {
			if st.ByType[rt] == 0 {
				t.Errorf("no %s relationship", rt)
			}
		}
		var ents, rels, evs int
		for b := range g.Batches(cfg.BatchSize) {
			if b.Len() > cfg.BatchSize+1 {
				t.Errorf("batch of %d records, want at most %d", b.Len(), cfg.BatchSize+1)
			}
			ents, rels, evs = ents+len(b.Entities), rels+len(b.Relationships), evs+len(b.Evidence)
		}
		if ents != cfg.Nodes || rels != cfg.Relationships || evs != st.Evidence || st.Records != ents+rels+evs {
			t.Errorf("batches hold %d entities, %d relationships, %d evidence; stats say %d records, %d evidence", ents, rels, evs, st.Records, st.Evidence)
		}
		if lo, hi := 0.07*float64(ents+rels), 0.13*float64(ents+rels); float64(evs) < lo || float64(evs) > hi {
			t.Errorf("%d evidence records for %d facts, want about %.0f%%", evs, ents+rels, 100*cfg.EvidenceRatio)
		}
	})
	t.Run("RelationshipsFollowTheModel", func(t *testing.T) {
		m := schema.MustModel()
		kinds := map[string]schema.Kind{}
		ids := map[string]bool{}
		for b := range g.Batches(cfg.BatchSize) {
			for _, e := range b.Entities {
				kinds[e.ID] = e.Kind
			}
			for _, r := range b.Relationships {
				d, _ := m.Rel(r.Type)
				if !slices.Contains(d.From, kinds[r.FromID]) || !slices.Contains(d.To, kinds[r.ToID]) {
					t.Errorf("%s joins a %s to a %s", r.ID, kinds[r.FromID], kinds[r.ToID])
				}
				if want := string(r.Type) + "|" + r.FromID + "|" + r.ToID; r.ID != want || ids[r.ID] {
					t.Errorf("relationship id %q: want %q, once", r.ID, want)
				}
				ids[r.ID] = true
			}
		}
	})
	t.Run("Hubs", func(t *testing.T) {
		if len(st.Hubs) != cfg.Hubs {
			t.Fatalf("%d hubs, want %d", len(st.Hubs), cfg.Hubs)
		}
		for _, h := range st.Hubs {
			if h.Degree != cfg.HubDegree {
				t.Errorf("hub %s has degree %d, want %d", h.ID, h.Degree, cfg.HubDegree)
			}
		}
		if st.MaxDegree >= cfg.HubGuard {
			t.Errorf("an entity that is not a hub has degree %d, over the hub guard %d", st.MaxDegree, cfg.HubGuard)
		}
	})
	t.Run("Pairs", func(t *testing.T) {
		byHops := map[int]int{}
		for _, p := range st.Pairs {
			if !p.FromHub {
				byHops[p.Hops]++
			}
		}
		for h := MinHops; h <= MaxHops; h++ {
			if byHops[h] != cfg.PairsPerHop {
				t.Errorf("%d pairs %d hops apart, want %d", byHops[h], h, cfg.PairsPerHop)
			}
		}
		if byHops[0] != cfg.PairsPerHop {
			t.Errorf("%d pairs not connected, want %d", byHops[0], cfg.PairsPerHop)
		}
	})
	t.Run("Deterministic", func(t *testing.T) {
		want := digest(t, g, cfg.BatchSize)
		if got := digest(t, build(t, cfg), 333); got != want {
			t.Error("the same config with another batch size gives another graph")
		}
		other := cfg
		other.Seed++
		if got := digest(t, build(t, other), cfg.BatchSize); got == want {
			t.Error("another seed gives the same graph")
		}
		if !slices.Equal(build(t, cfg).Stats().Pairs, st.Pairs) {
			t.Error("the same config picks other pairs")
		}
	})
}

// TestGenerate writes the small graph to Neo4j and reads it back through
// the store: counts, endpoints, hub degrees, evidence, pair distances, and
// that generating it again changes nothing.
func TestGenerate(t *testing.T) {
	ctx := env.Reset(t)
	cfg := small()
	var calls, last int
	records := build(t, cfg).Stats().Records
	st, err := Generate(ctx, env.Store, cfg, func(done, total int) {
		calls++
		if done <= last || total != records {
			t.Errorf("progress(%d, %d) after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != st.Batches || last != st.Records {
		t.Errorf("progress called %d times up to %d; want %d times up to %d", calls, last, st.Batches, st.Records)
	}
	if w := st.Written; w.Entities.Created != cfg.Nodes || w.Relationships.Created != cfg.Relationships || w.Evidence.Created != st.Evidence {
		t.Errorf("written %+v", w)
	}

	t.Run("Counts", func(t *testing.T) {
		c, err := env.Store.Counts(ctx, model.CountQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Entities != cfg.Nodes || c.Relationships != cfg.Relationships {
			t.Errorf("stored %d entities, %d relationships; want %d, %d", c.Entities, c.Relationships, cfg.Nodes, cfg.Relationships)
		}
		for _, k := range c.ByKind {
			if k.Count != st.ByKind[k.Kind] {
				t.Errorf("%d %s stored, want %d", k.Count, k.Kind, st.ByKind[k.Kind])
			}
		}
		if len(c.ByStatus) != len(schema.Statuses) {
			t.Errorf("statuses stored: %+v, want all four", c.ByStatus)
		}
		for _, rt := range c.ByRelationshipType {
			if rt.Count != st.ByType[rt.Type] {
				t.Errorf("%d %s stored, want %d", rt.Count, rt.Type, st.ByType[rt.Type])
			}
		}
	})

	// Every record, read back by id.
	var entityIDs, relIDs, factIDs []string
	for b := range build(t, cfg).Batches(cfg.BatchSize) {
		for _, e := range b.Entities {
			entityIDs = append(entityIDs, e.ID)
		}
		for _, r := range b.Relationships {
			relIDs = append(relIDs, r.ID)
		}
		for _, e := range b.Evidence {
			factIDs = append(factIDs, e.FactID)
		}
	}
	t.Run("RelationshipsFollowTheModel", func(t *testing.T) {
		ents, err := env.Store.EntitiesByID(ctx, entityIDs)
		if err != nil {
			t.Fatal(err)
		}
		rels, err := env.Store.RelationshipsByID(ctx, relIDs)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != cfg.Nodes || len(rels) != cfg.Relationships {
			t.Fatalf("read back %d entities and %d relationships, want %d and %d", len(ents), len(rels), cfg.Nodes, cfg.Relationships)
		}
		m := schema.MustModel()
		years := map[int]bool{}
		for _, r := range rels {
			d, _ := m.Rel(r.Type)
			from, to := ents[r.FromID], ents[r.ToID]
			if from == nil || to == nil || !slices.Contains(d.From, from.Kind) || !slices.Contains(d.To, to.Kind) {
				t.Fatalf("%s does not join kinds model.yaml allows", r.ID)
			}
			if r.ValidFrom != "" {
				f, _, _ := schema.DateBounds(r.ValidFrom)
				years[f.Year()] = true
			}
		}
		for y := 2000; y <= 2025; y++ {
			if !years[y] {
				t.Errorf("no relationship valid from %d", y)
			}
		}
	})
	t.Run("Evidence", func(t *testing.T) {
		evs, err := env.Store.EvidenceByFact(ctx, factIDs)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for fact, list := range evs {
			n += len(list)
			for _, e := range list {
				if e.FactID != fact || e.SourceID == "" || e.Quote == "" || !e.Status.Valid() {
					t.Fatalf("evidence %+v", e)
				}
			}
		}
		if n != st.Evidence {
			t.Errorf("read back %d evidence records, want %d", n, st.Evidence)
		}
	})
	t.Run("HubDegree", func(t *testing.T) {
		for _, h := range st.Hubs {
			page, err := env.Store.Neighbours(ctx, model.NeighbourQuery{ID: h.ID, Page: model.Page{Limit: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != cfg.HubDegree {
				t.Errorf("hub %s has %d relationships stored, want %d", h.ID, page.Total, cfg.HubDegree)
			}
		}
	})
	t.Run("PairDistances", func(t *testing.T) {
		for _, p := range st.Pairs {
			res, err := env.Store.Paths(ctx, model.PathQuery{From: p.From, To: p.To, MaxHops: MaxHops, MaxDegree: cfg.HubGuard})
			if err != nil {
				t.Fatal(err)
			}
			if p.Hops == 0 {
				if len(res.Paths) != 0 || res.Cut != model.CutNotConnected {
					t.Errorf("pair %+v: found %d paths (cut %q), want cut NOT_CONNECTED", p, len(res.Paths), res.Cut)
				}
				res, err := env.Store.Paths(ctx, model.PathQuery{From: p.From, To: p.To, MaxHops: MaxHops, MaxDegree: model.MaxDegreeCap})
				if err != nil || len(res.Paths) != 1 {
					t.Errorf("pair %+v through the hubs: %d paths, %v; want one", p, len(res.Paths), err)
				}
				continue
			}
			if len(res.Paths) != 1 || res.Paths[0].Length() != p.Hops {
				t.Errorf("pair %+v: found %d paths (cut %q), want one of %d hops", p, len(res.Paths), res.Cut, p.Hops)
			} else if len(res.Paths[0].Rels) > 0 && res.Paths[0].Nodes[0].ID != p.From {
				t.Errorf("pair %+v: path starts at %s", p, res.Paths[0].Nodes[0].ID)
			}
		}
	})
	t.Run("Deterministic", func(t *testing.T) {
		again, err := Generate(ctx, env.Store, cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		w := again.Written
		if n := w.Entities.Unchanged + w.Relationships.Unchanged + w.Evidence.Unchanged; n != st.Records {
			t.Errorf("generating again: %+v; want all %d records unchanged", w, st.Records)
		}
		if ok, err := build(t, cfg).Loaded(ctx, env.Store); err != nil || !ok {
			t.Errorf("Loaded = %v, %v; want true", ok, err)
		}
		other := cfg
		other.Seed++
		if ok, err := build(t, other).Loaded(ctx, env.Store); err != nil || ok {
			t.Errorf("Loaded with another seed = %v, %v; want false", ok, err)
		}
	})
}
