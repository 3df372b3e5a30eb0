// Package synth generates a large synthetic sanctions graph, deterministic
// for a seed, and writes it through cypher.Store.Write, the same path the
// loaders use, so the result is data every query reads: provenance, statuses,
// validity dates, evidence citing sources, relationship ids "TYPE|from|to".
//
// Shape. About 200 states and 50 sources, then people (32%), organisations
// (30%), sanctions (12%), products (10%), transfers (9%), events (7%) and a
// few resolutions and measures. Relationships are drawn from templates, each
// a relationship type with from and to kinds that schema/model.yaml allows,
// weighted like a sanctions graph (ownership, directorships, associates,
// supplies, transfers and designations dominate). Endpoints are drawn with a
// skew, so degrees follow a long tail, but no drawn node comes near the hub
// guard (model.DefaultMaxDegree). Hubs are planted: the first Hubs states get
// exactly HubDegree relationships each (BASED_IN from organisations, people
// and events, NATIONAL_OF from people) and no others. Statuses are mostly
// confirmed (70%), then reported (15%), alleged (10%) and disputed (5%);
// most relationships have a validFrom between 2000 and 2025 and a third of
// those a validUntil, so date filters cut paths.
//
// Evidence. One Evidence record, citing one of the sources, supports a
// fraction of the entities and relationships (Config.EvidenceRatio, 10% by
// default); Sources themselves get none. Evidence for every fact would add a
// node per fact and double the store without changing how paths are found;
// the fraction keeps the evidence look-ups of a path query realistic (some
// hops have evidence, most not).
//
// Known distances. The generator keeps the graph in memory as compact edges
// and finds, by breadth-first search with the store's path semantics (hops
// in either direction, intermediate entities of degree at most
// model.DefaultMaxDegree), pairs of entities exactly 2 to 6 hops apart, and
// pairs 2 and 3 hops from a hub. To make long distances exist in a graph
// whose diameter is small, it plants short "tails": chains of shell
// companies owning each other, hanging off ordinary entities. And it plants
// "islands": people known only as nationals of a hub state, so that, when
// the hubs exceed the hub guard, some pairs are not connected at all (the
// slowest answer: the store searches again up to model.MaxHopsCap hops to
// say why it found nothing).
package synth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Defaults and limits of a Config.
const (
	// DefaultEvidenceRatio is the share of facts with an Evidence record.
	DefaultEvidenceRatio = 0.1
	// DefaultBatchSize is how many records (entities, relationships and
	// evidence) one transaction writes. Measured on 2 shared cores with the
	// 10,000/100,000 graph: once Neo4j was warm, 5,000, 10,000 and 20,000
	// records per transaction all wrote about 15,000 records/s, and 2,000 no
	// faster (the rate is bound by Neo4j's work per record, not by round
	// trips); larger transactions hold more heap and lose more work when one
	// fails, so 10,000, the middle of the flat part.
	DefaultBatchSize = 10_000
	// DefaultPairsPerHop is how many pairs are picked per distance.
	DefaultPairsPerHop = 5
	// DefaultDataset is the dataset every generated record names.
	DefaultDataset = "synthetic"
	// MinNodes is the smallest graph the generator makes.
	MinNodes = 1000
	// MinHops and MaxHops bound the distances of the pairs picked.
	MinHops = 2
	MaxHops = 6
	// maxNodes keeps node indexes within the 28 bits of an edge key.
	maxNodes = 1 << 28
)

// Config says what to generate.
type Config struct {
	// Nodes and Relationships are the exact numbers of entities and
	// relationships (evidence records come on top).
	Nodes         int
	Relationships int
	// Hubs states get exactly HubDegree relationships each.
	Hubs      int
	HubDegree int
	// Seed makes the graph: the same Config gives the same graph.
	Seed uint64
	// EvidenceRatio is the share of entities and relationships with an
	// Evidence record, 0 to 1 (see DefaultEvidenceRatio).
	EvidenceRatio float64
	// BatchSize is the number of records written per transaction; default
	// DefaultBatchSize.
	BatchSize int
	// PairsPerHop is how many pairs to pick per distance; default
	// DefaultPairsPerHop.
	PairsPerHop int
	// HubGuard is the hub guard (a path query's maxDegree) the pairs'
	// distances hold for; default model.DefaultMaxDegree.
	HubGuard int
	// Dataset names the dataset of every record; default DefaultDataset.
	Dataset string
}

// Validate checks the configuration and fills defaults. Rules that depend on
// the graph's make-up (a hub degree larger than the entities that can point
// at a state) are checked by Build.
func (c *Config) Validate() error {
	var errs []error
	if c.Nodes < MinNodes || c.Nodes >= maxNodes {
		errs = append(errs, fmt.Errorf("nodes must be between %d and %d, got %d", MinNodes, maxNodes-1, c.Nodes))
	}
	if c.Relationships < c.Nodes {
		errs = append(errs, fmt.Errorf("relationships (%d) must be at least the number of nodes (%d)", c.Relationships, c.Nodes))
	}
	if c.Hubs < 0 || c.HubDegree < 0 {
		errs = append(errs, errors.New("hubs and hub degree must not be negative"))
	}
	if c.Hubs > 0 && c.HubDegree == 0 {
		errs = append(errs, errors.New("hubs need a hub degree"))
	}
	if c.Hubs*c.HubDegree > c.Relationships/2 {
		errs = append(errs, fmt.Errorf("hubs × hub degree (%d) must be at most half the relationships (%d)", c.Hubs*c.HubDegree, c.Relationships))
	}
	if c.EvidenceRatio < 0 || c.EvidenceRatio > 1 {
		errs = append(errs, fmt.Errorf("evidence ratio must be between 0 and 1, got %g", c.EvidenceRatio))
	}
	if c.BatchSize < 0 || c.PairsPerHop < 0 || c.HubGuard < 0 {
		errs = append(errs, errors.New("batch size, pairs per hop and hub guard must not be negative"))
	}
	if c.HubGuard == 0 {
		c.HubGuard = model.DefaultMaxDegree
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.PairsPerHop == 0 {
		c.PairsPerHop = DefaultPairsPerHop
	}
	if c.Dataset == "" {
		c.Dataset = DefaultDataset
	}
	return errors.Join(errs...)
}

// Hub is a planted hub.
type Hub struct {
	ID, Name string
	Degree   int
}

// Pair is two entities whose shortest connection is exactly Hops hops long
// under the store's path rules with maxDegree Config.HubGuard; Hops 0 means
// they are not connected within model.MaxHopsCap hops under that guard
// (From is an island).
type Pair struct {
	From, To string
	Hops     int
	// FromHub is set when From is a hub (an end may be a hub; a path's
	// intermediate entities may not).
	FromHub bool
}

// Stats describes a generated graph and, after Generate, how writing it went.
type Stats struct {
	Nodes         int
	Relationships int
	Evidence      int
	ByKind        map[schema.Kind]int
	ByType        map[schema.RelType]int
	Hubs          []Hub
	// MaxDegree is the largest degree of an entity that is not a hub.
	MaxDegree int
	// Pairs are entities at known distances, for path benchmarks.
	Pairs []Pair
	// Records is Nodes + Relationships + Evidence; Batches the transactions.
	Records int
	Batches int
	Written cypher.WriteSummaries
	// PlanTime is spent building the graph in memory, WriteTime writing it.
	PlanTime  time.Duration
	WriteTime time.Duration
}

// Rate is the number of records written per second.
func (s Stats) Rate() float64 {
	if s.WriteTime <= 0 {
		return 0
	}
	return float64(s.Records) / s.WriteTime.Seconds()
}

// Generate builds the graph cfg describes and writes it to store in batches
// of cfg.BatchSize records, one transaction each, calling progress (if not
// nil) after every batch with the records written so far and in all.
// Records are upserted by id, so generating the same graph twice changes
// nothing; Generate does not empty the store first (see cypher.Store.Purge).
//
// Errors: BAD_USER_INPUT for a bad configuration; otherwise those of
// cypher.Store.Write, wrapped with the number of the batch.
func Generate(ctx context.Context, store *cypher.Store, cfg Config, progress func(done, total int)) (Stats, error) {
	g, err := Build(cfg)
	if err != nil {
		return Stats{}, err
	}
	return g.Write(ctx, store, progress)
}

// Write writes the graph to store; see Generate.
func (g *Graph) Write(ctx context.Context, store *cypher.Store, progress func(done, total int)) (Stats, error) {
	st := g.Stats()
	start := time.Now()
	// Batches are made in a goroutine, one ahead of the transaction being
	// written, so materialising records overlaps with Neo4j's work. Writes
	// themselves stay sequential: concurrent transactions creating
	// relationships on shared nodes (hubs) deadlock.
	batches := make(chan model.Batch, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for b := range g.Batches(g.cfg.BatchSize) {
			select {
			case batches <- b:
			case <-stop:
				return
			}
		}
	}()
	// The importer's writer retries a batch that times out or finds Neo4j
	// busy, and splits it, as it does for loaded lists.
	w := importer.NewWriter(store, 0, importer.Retry{})
	done := 0
	for b := range batches {
		if err := ctx.Err(); err != nil {
			return st, &model.Error{Code: model.Timeout, Message: "generation was cancelled", Op: "synth.Generate", Err: err}
		}
		if err := w.WriteBatch(ctx, b); err != nil {
			st.Written = w.Summary()
			return st, fmt.Errorf("synth: batch %d (records %d–%d): %w", st.Batches+1, done+1, done+b.Len(), err)
		}
		st.Batches++
		st.Written = w.Summary()
		done += b.Len()
		st.WriteTime = time.Since(start)
		if progress != nil {
			progress(done, st.Records)
		}
	}
	st.WriteTime = time.Since(start)
	return st, nil
}

// Loaded reports whether store already holds this graph: the same numbers
// of entities and relationships, and a sample of entities and relationships
// (ids, names, statuses, ends) as generated. Benchmarks use it to reuse a
// graph generated by an earlier run.
func (g *Graph) Loaded(ctx context.Context, store *cypher.Store) (bool, error) {
	c, err := store.Counts(ctx, model.CountQuery{})
	if err != nil {
		return false, err
	}
	if c.Entities != len(g.kinds) || c.Relationships != len(g.edges) {
		return false, nil
	}
	const sample = 64
	var ids, relIDs []string
	want := map[string]model.Entity{}
	wantRel := map[string]model.Relationship{}
	for k := range sample {
		e := g.entity(k * (len(g.kinds) - 1) / (sample - 1))
		ids = append(ids, e.ID)
		want[e.ID] = e
		r := g.relationship(k * (len(g.edges) - 1) / (sample - 1))
		relIDs = append(relIDs, r.ID)
		wantRel[r.ID] = r
	}
	got, err := store.EntitiesByID(ctx, ids)
	if err != nil {
		return false, err
	}
	for id, w := range want {
		e, ok := got[id]
		if !ok || e.Name != w.Name || e.Kind != w.Kind || e.Status != w.Status || e.RecordID != w.RecordID || e.Dataset != w.Dataset {
			return false, nil
		}
	}
	rels, err := store.RelationshipsByID(ctx, relIDs)
	if err != nil {
		return false, err
	}
	for id, w := range wantRel {
		r, ok := rels[id]
		if !ok || r.FromID != w.FromID || r.ToID != w.ToID || r.Status != w.Status {
			return false, nil
		}
	}
	return true, nil
}
