package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Streams separate the random sequences of the generator's parts, so that
// each record's content depends only on the seed and its own index.
const (
	streamPlan uint64 = iota + 1
	streamEntity
	streamRel
	streamEntityEvidence
	streamRelEvidence
	streamPairs
)

// tailLen is the number of shell companies in a planted tail.
const tailLen = 2

// share of the entities that are not states, sources, resolutions or
// measures, by kind; people take what rounding leaves.
var shares = []struct {
	kind  schema.Kind
	share float64
}{
	{schema.Organization, 0.30},
	{schema.Sanction, 0.12},
	{schema.Product, 0.10},
	{schema.Transfer, 0.09},
	{schema.Event, 0.07},
}

// skew shapes the degree distribution per kind: an endpoint index is
// n·u^skew for uniform u, so a skew above 1 favours some entities (after a
// permutation, not the first ids). States are drawn uniformly so that none
// but the planted hubs passes the hub guard.
var skew = map[schema.Kind]float64{
	schema.Person: 1.6, schema.Organization: 1.8, schema.Product: 1.5, schema.Event: 1.3,
	schema.Resolution: 1.3, schema.Measure: 1.3,
}

// template is a kind of relationship the generator draws: a type with the
// kinds it joins (a subset of what model.yaml allows) and a weight per mille.
type template struct {
	typ      schema.RelType
	from, to []schema.Kind
	weight   int
}

const (
	kState = schema.State
	kPer   = schema.Person
	kOrg   = schema.Organization
	kProd  = schema.Product
	kTr    = schema.Transfer
	kRes   = schema.Resolution
	kMeas  = schema.Measure
	kEv    = schema.Event
	kSanc  = schema.Sanction
)

func ks(k ...schema.Kind) []schema.Kind { return k }

// templates cover every relationship type; Build checks them against the model.
var templates = []template{
	{schema.AssociateOf, ks(kPer, kOrg), ks(kPer, kOrg), 120},
	{schema.Owns, ks(kPer, kOrg, kState), ks(kOrg, kProd), 100},
	{schema.Directs, ks(kPer, kOrg), ks(kOrg), 80},
	{schema.Supplies, ks(kOrg, kState, kPer), ks(kOrg, kState, kPer), 80},
	{schema.WorksFor, ks(kPer), ks(kState, kOrg), 70},
	{schema.BasedIn, ks(kOrg, kPer, kEv), ks(kState), 50},
	{schema.ParticipatedIn, ks(kPer, kState, kOrg, kProd), ks(kEv), 50},
	{schema.Designates, ks(kSanc), ks(kPer, kOrg, kProd), 50},
	{schema.MemberOf, ks(kPer, kState, kOrg), ks(kOrg), 40},
	{schema.FamilyOf, ks(kPer), ks(kPer), 40},
	{schema.NationalOf, ks(kPer), ks(kState), 40},
	{schema.Manufactures, ks(kOrg), ks(kProd), 40},
	{schema.Uses, ks(kPer, kOrg, kState), ks(kProd), 35},
	{schema.Sent, ks(kPer, kOrg, kState), ks(kTr), 35},
	{schema.Received, ks(kPer, kOrg, kState), ks(kTr), 35},
	{schema.Includes, ks(kTr), ks(kProd), 35},
	{schema.Via, ks(kTr), ks(kState, kOrg, kPer, kProd), 25},
	{schema.IssuedBy, ks(kSanc), ks(kOrg), 20},
	{schema.HeldIn, ks(kEv), ks(kState), 15},
	{schema.PursuantTo, ks(kSanc, kMeas), ks(kRes), 15},
	{schema.ReactedTo, ks(kState, kOrg, kPer), ks(kTr, kEv, kRes), 15},
	{schema.Leads, ks(kPer), ks(kState, kOrg), 10},
	{schema.Developed, ks(kOrg), ks(kProd), 10},
	{schema.Targets, ks(kMeas), ks(kState, kOrg, kPer), 10},
	{schema.VotedOn, ks(kState), ks(kRes), 5},
	{schema.Imposes, ks(kRes), ks(kMeas), 3},
	{schema.SameAs, ks(kPer, kOrg, kProd), ks(kPer, kOrg, kProd), 3},
	{schema.Extends, ks(kMeas), ks(kMeas), 2},
	{schema.Adopted, ks(kOrg), ks(kRes), 2},
	{schema.PermanentMemberOf, ks(kState), ks(kOrg), 1},
}

// hubTemplates are the relationships that make a hub, with weights.
var hubTemplates = []template{
	{schema.BasedIn, ks(kOrg), ks(kState), 50},
	{schema.BasedIn, ks(kPer), ks(kState), 20},
	{schema.BasedIn, ks(kEv), ks(kState), 10},
	{schema.NationalOf, ks(kPer), ks(kState), 20},
}

// edge is a relationship as the plan keeps it: its ends and type. Everything
// else about it is derived from the seed and its index when it is written.
type edge struct {
	from, to int32
	typ      uint8 // index in schema.RelTypes
}

// kindRange is the contiguous block of node indexes of one kind; pool is
// the part ordinary relationships draw from (hubs and tails excluded).
type kindRange struct {
	kind             schema.Kind
	start, n         int
	poolStart, poolN int
	mult, off        int // permutation of the pool
	label            string
	skew             float64
	idWidth          int
}

// Graph is a generated graph, held compactly in memory; records are
// materialised batch by batch when it is written.
type Graph struct {
	cfg    Config
	ranges []*kindRange
	byKind map[schema.Kind]*kindRange
	kinds  []uint8 // node index → index in schema.Kinds
	edges  []edge
	deg    []int32
	hubs   []int32
	tails  [][]int32 // anchor first, then the shell companies
	inTail []bool
	// islands are people whose only relationship is NATIONAL_OF a hub.
	islands []int32
	pairs   []Pair
	plan    time.Duration
}

// Build makes the graph cfg describes, in memory. Errors: BAD_USER_INPUT
// for a configuration that cannot be met.
func Build(cfg Config) (*Graph, error) {
	start := time.Now()
	if err := cfg.Validate(); err != nil {
		return nil, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: "synth.Build"}
	}
	m, err := schema.LoadModel()
	if err != nil {
		return nil, err
	}
	if err := checkTemplates(m); err != nil {
		return nil, err
	}
	g := &Graph{cfg: cfg, byKind: map[schema.Kind]*kindRange{}}
	if err := g.layout(); err != nil {
		return nil, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: "synth.Build"}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, streamPlan))
	seen := make(map[uint64]struct{}, cfg.Relationships)
	if err := g.plantHubs(rng, seen); err != nil {
		return nil, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: "synth.Build"}
	}
	g.plantTails(rng, seen)
	if err := g.drawEdges(rng, seen); err != nil {
		return nil, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: "synth.Build"}
	}
	g.degrees()
	g.pickPairs()
	g.plan = time.Since(start)
	return g, nil
}

// checkTemplates makes sure every template is allowed by model.yaml and
// every relationship type has one.
func checkTemplates(m *schema.Model) error {
	covered := map[schema.RelType]bool{}
	for _, t := range slices.Concat(templates, hubTemplates) {
		d, ok := m.Rel(t.typ)
		if !ok {
			return fmt.Errorf("synth: template type %s is not declared", t.typ)
		}
		for _, k := range t.from {
			if !slices.Contains(d.From, k) {
				return fmt.Errorf("synth: template %s from %s is not allowed by model.yaml", t.typ, k)
			}
		}
		for _, k := range t.to {
			if !slices.Contains(d.To, k) {
				return fmt.Errorf("synth: template %s to %s is not allowed by model.yaml", t.typ, k)
			}
		}
		covered[t.typ] = true
	}
	for _, t := range schema.RelTypes {
		if !covered[t] {
			return fmt.Errorf("synth: no template for relationship type %s", t)
		}
	}
	return nil
}

// layout decides how many entities of each kind there are and where their
// indexes lie. Sources come first, so evidence never cites one not written.
func (g *Graph) layout() error {
	n := g.cfg.Nodes
	counts := map[schema.Kind]int{
		schema.Source:     clamp(n/200, 5, 50),
		schema.State:      clamp(n/50, 20, 200),
		schema.Resolution: max(10, n*3/1000),
		schema.Measure:    max(10, n*7/1000),
	}
	rest := n - counts[schema.Source] - counts[schema.State] - counts[schema.Resolution] - counts[schema.Measure]
	left := rest
	for _, s := range shares {
		counts[s.kind] = int(float64(rest) * s.share)
		left -= counts[s.kind]
	}
	counts[schema.Person] = left
	if g.cfg.Hubs > counts[schema.State]/2 {
		return fmt.Errorf("at most %d hubs (half the %d states), got %d", counts[schema.State]/2, counts[schema.State], g.cfg.Hubs)
	}
	tails := 2 * g.cfg.PairsPerHop
	if tails*tailLen > counts[schema.Organization]/10 {
		return fmt.Errorf("%d pairs per hop need more organisations than %d nodes give", g.cfg.PairsPerHop, n)
	}
	order := []schema.Kind{schema.Source, schema.State, schema.Person, schema.Organization, schema.Product,
		schema.Transfer, schema.Event, schema.Sanction, schema.Resolution, schema.Measure}
	g.kinds = make([]uint8, n)
	at := 0
	for _, k := range order {
		c := counts[k]
		r := &kindRange{kind: k, start: at, n: c, poolStart: at, poolN: c, label: strings.ToLower(string(k)),
			skew: skew[k], idWidth: max(6, len(fmt.Sprint(c-1)))}
		if r.skew == 0 {
			r.skew = 1
		}
		switch k {
		case schema.State:
			r.poolStart, r.poolN = at+g.cfg.Hubs, c-g.cfg.Hubs
		case schema.Organization:
			r.poolN = c - tails*tailLen
		case schema.Person:
			if g.cfg.Hubs > 0 {
				r.poolN = c - g.cfg.PairsPerHop
				for i := at + r.poolN; i < at+c; i++ {
					g.islands = append(g.islands, int32(i))
				}
			}
		}
		r.mult = coprime(r.poolN, int(g.cfg.Seed%1_000_003)+r.poolN/2+1)
		r.off = int(g.cfg.Seed % uint64(max(1, r.poolN)))
		ki := uint8(slices.Index(schema.Kinds, k))
		for i := at; i < at+c; i++ {
			g.kinds[i] = ki
		}
		g.ranges = append(g.ranges, r)
		g.byKind[k] = r
		at += c
	}
	for i := range g.cfg.Hubs {
		g.hubs = append(g.hubs, int32(g.byKind[schema.State].start+i))
	}
	return nil
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }

// coprime returns the first number from start on that shares no factor with n.
func coprime(n, start int) int {
	if n <= 1 {
		return 1
	}
	m := start % n
	for gcd(m, n) != 1 {
		m = (m + 1) % n
	}
	return m
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// draw picks an entity of the range's pool, skewed and permuted.
func (r *kindRange) draw(rng *rand.Rand) int32 {
	k := int(float64(r.poolN) * math.Pow(rng.Float64(), r.skew))
	if k >= r.poolN {
		k = r.poolN - 1
	}
	return int32(r.poolStart + (k*r.mult+r.off)%r.poolN)
}

// drawUniform picks an entity of the range's pool uniformly.
func (r *kindRange) drawUniform(rng *rand.Rand) int32 {
	return int32(r.poolStart + rng.IntN(r.poolN))
}

// pickKind picks one of ks, in proportion to their pools.
func (g *Graph) pickKind(rng *rand.Rand, kinds []schema.Kind) *kindRange {
	total := 0
	for _, k := range kinds {
		total += g.byKind[k].poolN
	}
	x := rng.IntN(total)
	for _, k := range kinds {
		r := g.byKind[k]
		if x < r.poolN {
			return r
		}
		x -= r.poolN
	}
	return g.byKind[kinds[len(kinds)-1]]
}

func relIndex(t schema.RelType) uint8 { return uint8(slices.Index(schema.RelTypes, t)) }

func edgeKey(typ uint8, from, to int32) uint64 {
	return uint64(typ)<<56 | uint64(from)<<28 | uint64(to)
}

// add records an edge unless it is a loop or already exists.
func (g *Graph) add(seen map[uint64]struct{}, typ uint8, from, to int32) bool {
	if from == to {
		return false
	}
	key := edgeKey(typ, from, to)
	if _, dup := seen[key]; dup {
		return false
	}
	seen[key] = struct{}{}
	g.edges = append(g.edges, edge{from: from, to: to, typ: typ})
	return true
}

// plantHubs gives every hub exactly HubDegree relationships from distinct
// entities (per type): first the islands, one NATIONAL_OF each, then drawn.
func (g *Graph) plantHubs(rng *rand.Rand, seen map[uint64]struct{}) error {
	if len(g.hubs) == 0 {
		return nil
	}
	// The most relationships one state can get: one of each hub template
	// from every entity of its kinds.
	most := 0
	for _, t := range hubTemplates {
		most += g.byKind[t.from[0]].poolN
	}
	if g.cfg.HubDegree > most/2 {
		return fmt.Errorf("hub degree %d is more than half of the %d relationships a state can get from %d nodes", g.cfg.HubDegree, most, g.cfg.Nodes)
	}
	weights := cumulative(hubTemplates)
	have := make([]int, len(g.hubs))
	for i, island := range g.islands {
		if g.add(seen, relIndex(schema.NationalOf), island, g.hubs[i%len(g.hubs)]) {
			have[i%len(g.hubs)]++
		}
	}
	for i, h := range g.hubs {
		for n := have[i]; n < g.cfg.HubDegree; {
			t := hubTemplates[pick(rng, weights)]
			if g.add(seen, relIndex(t.typ), g.byKind[t.from[0]].drawUniform(rng), h) {
				n++
			}
		}
	}
	return nil
}

// plantTails hangs chains of shell companies off ordinary people and
// organisations: anchor -OWNS-> shell -OWNS-> shell. The shells have no
// other relationships, so a tail's end is tailLen hops further from
// everything than its anchor.
func (g *Graph) plantTails(rng *rand.Rand, seen map[uint64]struct{}) {
	org := g.byKind[schema.Organization]
	next := org.poolStart + org.poolN
	owns := relIndex(schema.Owns)
	for range 2 * g.cfg.PairsPerHop {
		anchor := g.pickKind(rng, ks(kPer, kOrg)).drawUniform(rng)
		tail := []int32{anchor}
		prev := anchor
		for range tailLen {
			shell := int32(next)
			next++
			g.add(seen, owns, prev, shell)
			tail = append(tail, shell)
			prev = shell
		}
		g.tails = append(g.tails, tail)
	}
}

func cumulative(ts []template) []int {
	out := make([]int, len(ts))
	sum := 0
	for i, t := range ts {
		sum += t.weight
		out[i] = sum
	}
	return out
}

func pick(rng *rand.Rand, cumulative []int) int {
	x := rng.IntN(cumulative[len(cumulative)-1])
	i, _ := slices.BinarySearch(cumulative, x+1)
	return i
}

// drawEdges fills the rest of the relationships from the templates: one of
// each first, so every type occurs, then by weight.
func (g *Graph) drawEdges(rng *rand.Rand, seen map[uint64]struct{}) error {
	weights := cumulative(templates)
	limit := 64 * g.cfg.Relationships
	try := func(t template) bool {
		from := g.pickKind(rng, t.from)
		to := g.pickKind(rng, t.to)
		return g.add(seen, relIndex(t.typ), from.draw(rng), to.draw(rng))
	}
	for _, t := range templates {
		for attempt := 0; len(g.edges) < g.cfg.Relationships && !try(t); attempt++ {
			if attempt > 1000 {
				return fmt.Errorf("cannot draw a %s relationship", t.typ)
			}
		}
	}
	for attempts := 0; len(g.edges) < g.cfg.Relationships; attempts++ {
		if attempts > limit {
			return fmt.Errorf("%d relationships are too many for %d nodes: kept drawing existing ones", g.cfg.Relationships, g.cfg.Nodes)
		}
		try(templates[pick(rng, weights)])
	}
	return nil
}

func (g *Graph) degrees() {
	g.deg = make([]int32, len(g.kinds))
	for _, e := range g.edges {
		g.deg[e.from]++
		g.deg[e.to]++
	}
	g.inTail = make([]bool, len(g.kinds))
	for _, t := range g.tails {
		for _, n := range t[1:] {
			g.inTail[n] = true
		}
	}
}

func (g *Graph) kind(i int) schema.Kind { return schema.Kinds[g.kinds[i]] }

// id is the entity id of node i: "synth:person:000042".
func (g *Graph) id(i int) string {
	r := g.byKind[g.kind(i)]
	return fmt.Sprintf("synth:%s:%0*d", r.label, r.idWidth, i-r.start)
}

func (g *Graph) isHub(i int32) bool {
	return len(g.hubs) > 0 && i >= g.hubs[0] && i <= g.hubs[len(g.hubs)-1]
}

// Stats describes the graph as built (nothing written yet).
func (g *Graph) Stats() Stats {
	st := Stats{
		Nodes: len(g.kinds), Relationships: len(g.edges),
		ByKind: map[schema.Kind]int{}, ByType: map[schema.RelType]int{},
		Pairs: slices.Clone(g.pairs), PlanTime: g.plan,
	}
	for _, r := range g.ranges {
		st.ByKind[r.kind] = r.n
	}
	for _, e := range g.edges {
		st.ByType[schema.RelTypes[e.typ]]++
	}
	for _, h := range g.hubs {
		st.Hubs = append(st.Hubs, Hub{ID: g.id(int(h)), Name: g.name(int(h)), Degree: int(g.deg[h])})
	}
	for i, d := range g.deg {
		if !g.isHub(int32(i)) && int(d) > st.MaxDegree {
			st.MaxDegree = int(d)
		}
	}
	for i := range g.kinds {
		if g.entityEvidence(i) {
			st.Evidence++
		}
	}
	for j := range g.edges {
		if g.relEvidence(j) {
			st.Evidence++
		}
	}
	st.Records = st.Nodes + st.Relationships + st.Evidence
	return st
}
