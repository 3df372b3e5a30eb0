package synth

import (
	"math/rand/v2"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// adjacency is the graph without directions, in compressed sparse rows:
// the neighbours of node v are adj[off[v]:off[v+1]].
type adjacency struct {
	off []int32
	adj []int32
}

func (g *Graph) adjacency() adjacency {
	a := adjacency{off: make([]int32, len(g.kinds)+1), adj: make([]int32, 2*len(g.edges))}
	for v, d := range g.deg {
		a.off[v+1] = a.off[v] + d
	}
	fill := make([]int32, len(g.kinds))
	copy(fill, a.off[:len(g.kinds)])
	for _, e := range g.edges {
		a.adj[fill[e.from]] = e.to
		fill[e.from]++
		a.adj[fill[e.to]] = e.from
		fill[e.to]++
	}
	return a
}

// bfs sets dist to the number of hops from src to every node within
// maxDepth (-1 beyond), following relationships in either direction and,
// like cypher.Store.Paths, passing only through nodes with at most guard
// relationships; any node may be reached as an end.
func (g *Graph) bfs(a adjacency, src int32, guard int32, maxDepth int8, dist []int8, queue []int32) {
	for i := range dist {
		dist[i] = -1
	}
	dist[src] = 0
	queue = append(queue[:0], src)
	for head := 0; head < len(queue); head++ {
		v := queue[head]
		if dist[v] == maxDepth || (v != src && g.deg[v] > guard) {
			continue
		}
		for _, w := range a.adj[a.off[v]:a.off[v+1]] {
			if dist[w] < 0 {
				dist[w] = dist[v] + 1
				queue = append(queue, w)
			}
		}
	}
}

// pickPairs finds PairsPerHop pairs at each distance from MinHops to
// MaxHops, and pairs 2 and 3 hops from a hub. Sources alternate between
// ordinary people and organisations (which give the short distances) and
// the ends of tails (which give the long ones); targets are any entity but
// a hub, a source or a tail's shell company.
func (g *Graph) pickPairs() {
	a := g.adjacency()
	rng := rand.New(rand.NewPCG(g.cfg.Seed, streamPairs))
	dist := make([]int8, len(g.kinds))
	queue := make([]int32, 0, len(g.kinds))
	guard := int32(g.cfg.HubGuard)
	eligible := func(v int32) bool {
		return !g.isHub(v) && !g.inTail[v] && !g.isIsland(v) && g.kind(int(v)) != schema.Source
	}
	// pickAt chooses a random eligible node at distance h, if there is one.
	pickAt := func(src int32, h int8) (int32, bool) {
		var at []int32
		for v, d := range dist {
			if d == h && int32(v) != src && eligible(int32(v)) {
				at = append(at, int32(v))
			}
		}
		if len(at) == 0 {
			return 0, false
		}
		return at[rng.IntN(len(at))], true
	}
	need := map[int]int{}
	for h := MinHops; h <= MaxHops; h++ {
		need[h] = g.cfg.PairsPerHop
	}
	pending := func() bool {
		for _, n := range need {
			if n > 0 {
				return true
			}
		}
		return false
	}
	for attempt := 0; attempt < 40*g.cfg.PairsPerHop && pending(); attempt++ {
		var src int32
		minHops := MinHops
		if attempt%2 == 1 && len(g.tails) > 0 {
			t := g.tails[(attempt/2)%len(g.tails)]
			src, minHops = t[len(t)-1], tailLen+3
		} else {
			src = g.pickKind(rng, ks(kPer, kOrg)).drawUniform(rng)
			if g.deg[src] == 0 {
				continue
			}
		}
		g.bfs(a, src, guard, MaxHops, dist, queue)
		for h := minHops; h <= MaxHops; h++ {
			if need[h] == 0 {
				continue
			}
			if to, ok := pickAt(src, int8(h)); ok {
				g.pairs = append(g.pairs, Pair{From: g.id(int(src)), To: g.id(int(to)), Hops: h})
				need[h]--
			}
		}
	}
	for i := 0; i < g.cfg.PairsPerHop && len(g.hubs) > 0; i++ {
		hub := g.hubs[i%len(g.hubs)]
		g.bfs(a, hub, guard, 3, dist, queue)
		for h := int8(2); h <= 3; h++ {
			if to, ok := pickAt(hub, h); ok {
				g.pairs = append(g.pairs, Pair{From: g.id(int(hub)), To: g.id(int(to)), Hops: int(h), FromHub: true})
			}
		}
	}
	// An island reaches nothing when its hub is over the guard; pair it
	// with any ordinary entity.
	for _, island := range g.islands {
		g.bfs(a, island, guard, model.MaxHopsCap, dist, queue)
		reached := false
		for v, d := range dist {
			if d > 0 && eligible(int32(v)) {
				reached = true
				break
			}
		}
		if !reached {
			to := g.pickKind(rng, ks(kPer, kOrg)).drawUniform(rng)
			g.pairs = append(g.pairs, Pair{From: g.id(int(island)), To: g.id(int(to))})
		}
	}
}

func (g *Graph) isIsland(v int32) bool {
	return len(g.islands) > 0 && v >= g.islands[0] && v <= g.islands[len(g.islands)-1]
}
