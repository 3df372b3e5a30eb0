package perf

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// workload is one read, asked of the API and as one hand-written statement.
type workload struct {
	name      string
	gql       string
	vars      map[string]any
	gqlAnswer func(data json.RawMessage) (answer, error)
	cypher    string
	params    map[string]any
	cyAnswer  func(recs []*neo4j.Record) (answer, error)
	// profile: PROFILE both sides and report their db hits.
	profile bool
}

// answer is what both sides must agree on: the same key (ids, counts in
// order); with subset, the API's ids must also be among the statement's.
type answer struct {
	key    string
	ids    []string
	subset bool
}

func (a answer) agrees(c answer) error {
	if a.key != c.key {
		return fmt.Errorf("keys differ")
	}
	if a.subset {
		for _, id := range a.ids {
			if !slices.Contains(c.ids, id) {
				return fmt.Errorf("%s is not in the statement's answer", id)
			}
		}
	}
	return nil
}

// Shapes of the GraphQL answers, as much as the checks read.
type (
	gqlEvidence struct {
		ID string `json:"id"`
	}
	gqlNeighbours struct {
		TotalCount int `json:"totalCount"`
		Edges      []struct {
			Relationship struct {
				ID       string        `json:"id"`
				Evidence []gqlEvidence `json:"evidence"`
			} `json:"relationship"`
		} `json:"edges"`
	}
	gqlEntity struct {
		ID       string                                 `json:"id"`
		Records  []struct{ Entity struct{ ID string } } `json:"records"`
		Evidence []gqlEvidence                          `json:"evidence"`
		// Neighbours is asked by the nested workload.
		Neighbours *gqlNeighbours `json:"neighbours"`
	}
)

const entityFields = `id kind name aliases
    records { dataset recordId entity { id } }
    evidence { id status quote source { id name } }`

const neighbourFields = `totalCount
      edges { direction node { id kind name }
        relationship { id type evidence { id status quote source { id name } } } }`

func workloads(bn *bench) []workload {
	day := func(s string) dbtype.Date {
		t, _ := time.Parse(time.DateOnly, s)
		return dbtype.Date(t)
	}
	ws := []workload{
		{
			name:      "entity",
			gql:       `query Entity($id: ID!) { entity(id: $id) { ` + entityFields + ` } }`,
			vars:      map[string]any{"id": bn.entity},
			gqlAnswer: gqlEntityAnswer,
			cypher:    cypherEntity,
			params:    map[string]any{"id": bn.entity},
			cyAnswer:  cyEntityAnswer,
			profile:   true,
		},
		searchWorkload(bn.search[0]),
		searchWorkload(bn.search[1]),
		{
			name: "list-people",
			gql: `query List { entities(filter: {kinds: [PERSON]}, sort: NAME_ASC, first: 20) {
  totalCount edges { node { id name evidence { id status quote source { id name } } } } } }`,
			gqlAnswer: gqlListAnswer,
			cypher:    cypherList,
			params:    map[string]any{"limit": int64(20)},
			cyAnswer:  cyListAnswer,
			profile:   true,
		},
		deepWorkload(bn, true),
		deepWorkload(bn, false),
		{
			name: "nested-orgs",
			gql: `query Nested { entities(filter: {kinds: [ORGANIZATION]}, sort: NAME_ASC, first: 20) {
  totalCount edges { node { id name neighbours(first: 10) { ` + neighbourFields + ` } } } } }`,
			gqlAnswer: gqlListAnswer,
			cypher:    cypherNested,
			params:    map[string]any{"limit": int64(20), "nfirst": int64(10)},
			cyAnswer:  cyListAnswer,
			profile:   true,
		},
		{
			name:      "hub-neighbours",
			gql:       `query Hub($id: ID!) { neighbours(id: $id, first: 50) { ` + neighbourFields + ` } }`,
			vars:      map[string]any{"id": bn.hub},
			gqlAnswer: gqlHubAnswer,
			cypher:    cypherHub,
			params:    map[string]any{"id": bn.hub, "nfirst": int64(50)},
			cyAnswer:  cyHubAnswer,
			profile:   true,
		},
		{
			name: "path-ru-kim",
			gql: `query Path($from: String!, $to: String!) { paths(from: $from, to: $to) {
  explanation paths { length nodes { id } weakestStatus
    hops { sentence direction fromRecord { id } toRecord { id } relationship { id type }
      evidence { id status quote source { id name } } } } } }`,
			vars:      map[string]any{"from": bn.from, "to": bn.to},
			gqlAnswer: gqlPathAnswer,
			cypher:    cypherPath,
			params:    map[string]any{"from": bn.from, "to": bn.to, "ends": []string{bn.from, bn.to}, "maxDegree": int64(model.DefaultMaxDegree)},
			cyAnswer:  cyPathAnswer,
			profile:   true,
		},
		{
			name: "counts",
			gql: `query Counts { counts { entities relationships byKind { kind count } byStatus { status count }
  byRelationshipType { type count } byDataset { dataset count } } }`,
			gqlAnswer: gqlCountsAnswer,
			cypher:    cypherCounts,
			cyAnswer:  cyCountsAnswer,
			profile:   true,
		},
		{
			name: "violations-2024",
			gql: `query Violations($from: Date, $to: Date) { potentialViolations(filter: {from: $from, to: $to}, first: 100) {
  totalCount assessed truncated
  edges { node { transfer { id name } date weakestStatus contestedBySupplier attempted explanation
    procurers { entity { id name } states { id name } }
    breaches { reading direction resolutions { resolution { id name } supplierVotes { state { name } vote } } } } }
  notAssessed { transfer { id } reason } } }`,
			vars:      map[string]any{"from": "2024-01-01", "to": "2024-12-31"},
			gqlAnswer: gqlViolationsAnswer,
			cypher:    cypherViolations,
			params: map[string]any{"from": day("2024-01-01"), "to": day("2024-12-31"), "limit": int64(violationsCap + 1),
				"links": int64(model.MaxTransferLinks), "state": string(schema.State)},
			cyAnswer: cyViolationsAnswer,
			profile:  true,
		},
	}
	if bn.synth {
		ws[len(ws)-3].name = "path-3-hops"
		if os.Getenv("SANCTIONGRAPH_PERF_SYNTH_VIOLATIONS") == "" {
			ws = ws[:len(ws)-1]
		}
	}
	return ws
}

// searchWorkload searches for text (on the real lists "Kim Jong-un", then
// "aurus").
// deepWorkload: 20 people by name with their evidence, halfway down the
// list, without a total (one row more says whether a page follows), by the
// API's keyset cursor (seek) or its offset cursor, against the statement
// that seeks from the same key or skips as far.
func deepWorkload(bn *bench, seek bool) workload {
	w := workload{
		name: "list-people-deep-offset",
		gql: `query Deep($after: String) { entities(filter: {kinds: [PERSON]}, sort: NAME_ASC, first: 20, after: $after) {
  pageInfo { hasNextPage } edges { node { id name evidence { id status quote source { id name } } } } } }`,
		vars:      map[string]any{"after": bn.deepOffset},
		gqlAnswer: gqlListAnswer,
		cypher:    deepPage(seek),
		params:    map[string]any{"skip": int64(bn.deep), "limit": int64(21)},
		cyAnswer: func(recs []*neo4j.Record) (answer, error) {
			return cyListAnswer(recs[:min(len(recs), 20)])
		},
		profile: true,
	}
	if seek {
		w.name = "list-people-deep-keyset"
		w.vars = map[string]any{"after": bn.deepKeyset}
		w.params = map[string]any{"afterName": bn.deepKey.Name, "afterID": bn.deepKey.ID, "limit": int64(21)}
	}
	return w
}

func searchWorkload(text string) workload {
	lq, terms, _ := cypher.LuceneQuery(text)
	return workload{
		name: "search-" + strings.ToLower(strings.Join(strings.Fields(text), "-")),
		gql: `query Search($q: String!) { search(query: $q, first: 10) {
  totalCount edges { score matchedName node { id kind name aliases } } } }`,
		vars: map[string]any{"q": text},
		gqlAnswer: func(data json.RawMessage) (answer, error) {
			var d struct {
				Search struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
			}
			if err := json.Unmarshal(data, &d); err != nil {
				return answer{}, err
			}
			ids := []string{}
			for _, e := range d.Search.Edges {
				ids = append(ids, e.Node.ID)
			}
			return answer{key: fmt.Sprintf("total=%d %v", d.Search.TotalCount, ids)}, nil
		},
		cypher: cypherSearch,
		params: map[string]any{"q": lq, "norm": strings.Join(terms, " "), "max": int64(model.MaxSearchHits), "limit": int64(10)},
		cyAnswer: func(recs []*neo4j.Record) (answer, error) {
			ids, total := []string{}, int64(0)
			for _, r := range recs {
				total = get[int64](r, "total")
				ids = append(ids, get[string](r, "id"))
			}
			return answer{key: fmt.Sprintf("total=%d %v", total, ids)}, nil
		},
	}
}

func get[T any](r *neo4j.Record, key string) T {
	v, _ := r.Get(key)
	t, _ := v.(T)
	return t
}

func field[T any](m any, key string) T {
	mm, _ := m.(map[string]any)
	t, _ := mm[key].(T)
	return t
}

func sorted(ids []string) []string { sort.Strings(ids); return ids }

func entityKey(id string, records, evidence []string) string {
	return fmt.Sprintf("%s records=%v evidence=%v", id, sorted(records), sorted(evidence))
}

func gqlEntityAnswer(data json.RawMessage) (answer, error) {
	var d struct{ Entity gqlEntity }
	if err := json.Unmarshal(data, &d); err != nil {
		return answer{}, err
	}
	var recs, evs []string
	for _, r := range d.Entity.Records {
		recs = append(recs, r.Entity.ID)
	}
	for _, e := range d.Entity.Evidence {
		evs = append(evs, e.ID)
	}
	return answer{key: entityKey(d.Entity.ID, recs, evs)}, nil
}

// cyRecords reads a records column: record ids and their evidence ids.
func cyRecords(v []any) (recs, evs []string) {
	for _, r := range v {
		recs = append(recs, field[string](r, "id"))
		for _, e := range field[[]any](r, "evidence") {
			evs = append(evs, field[string](e, "id"))
		}
	}
	return recs, evs
}

func cyEntityAnswer(recs []*neo4j.Record) (answer, error) {
	if len(recs) != 1 {
		return answer{}, fmt.Errorf("%d rows", len(recs))
	}
	rs, evs := cyRecords(get[[]any](recs[0], "records"))
	return answer{key: entityKey(get[string](recs[0], "id"), rs, evs)}, nil
}

// neighboursKey: the total and, in order, each relationship with its
// number of evidence records.
func neighboursKey(total int64, rels []string, evs []int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "[%d:", total)
	for i, r := range rels {
		fmt.Fprintf(&sb, " %s(%d)", r, evs[i])
	}
	sb.WriteString("]")
	return sb.String()
}

func gqlNeighboursKey(n *gqlNeighbours) string {
	var rels []string
	var evs []int
	for _, e := range n.Edges {
		rels = append(rels, e.Relationship.ID)
		evs = append(evs, len(e.Relationship.Evidence))
	}
	return neighboursKey(int64(n.TotalCount), rels, evs)
}

func cyNeighboursKey(total int64, items []any) string {
	var rels []string
	var evs []int
	for _, it := range items {
		rels = append(rels, field[string](it, "id"))
		evs = append(evs, len(field[[]any](it, "evidence")))
	}
	return neighboursKey(total, rels, evs)
}

// gqlListAnswer reads an entities page: the total and, in order, each
// entity with its evidence count or its neighbours.
func gqlListAnswer(data json.RawMessage) (answer, error) {
	var d struct {
		Entities struct {
			TotalCount int
			Edges      []struct{ Node gqlEntity }
		}
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return answer{}, err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "total=%d", d.Entities.TotalCount)
	for _, e := range d.Entities.Edges {
		if e.Node.Neighbours != nil {
			fmt.Fprintf(&sb, " %s%s", e.Node.ID, gqlNeighboursKey(e.Node.Neighbours))
		} else {
			fmt.Fprintf(&sb, " %s(%d)", e.Node.ID, len(e.Node.Evidence))
		}
	}
	return answer{key: sb.String()}, nil
}

func cyListAnswer(recs []*neo4j.Record) (answer, error) {
	var sb strings.Builder
	for i, r := range recs {
		if i == 0 {
			fmt.Fprintf(&sb, "total=%d", get[int64](r, "total"))
		}
		if _, ok := r.Get("neighbours"); ok {
			fmt.Fprintf(&sb, " %s%s", get[string](r, "id"), cyNeighboursKey(get[int64](r, "ntotal"), get[[]any](r, "neighbours")))
		} else {
			_, evs := cyRecords(get[[]any](r, "records"))
			fmt.Fprintf(&sb, " %s(%d)", get[string](r, "id"), len(evs))
		}
	}
	return answer{key: sb.String()}, nil
}

func gqlHubAnswer(data json.RawMessage) (answer, error) {
	var d struct{ Neighbours gqlNeighbours }
	if err := json.Unmarshal(data, &d); err != nil {
		return answer{}, err
	}
	return answer{key: gqlNeighboursKey(&d.Neighbours)}, nil
}

func cyHubAnswer(recs []*neo4j.Record) (answer, error) {
	if len(recs) != 1 {
		return answer{}, fmt.Errorf("%d rows", len(recs))
	}
	return answer{key: cyNeighboursKey(get[int64](recs[0], "ntotal"), get[[]any](recs[0], "neighbours"))}, nil
}

func pathKey(nodes, rels []string, evs []int) string {
	return fmt.Sprintf("nodes=%v rels=%v evidence=%v", nodes, rels, evs)
}

func gqlPathAnswer(data json.RawMessage) (answer, error) {
	var d struct {
		Paths struct {
			Paths []struct {
				Nodes []struct{ ID string }
				Hops  []struct {
					Relationship struct{ ID string }
					Evidence     []gqlEvidence
				}
			}
		}
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return answer{}, err
	}
	if len(d.Paths.Paths) != 1 {
		return answer{}, fmt.Errorf("%d paths", len(d.Paths.Paths))
	}
	p := d.Paths.Paths[0]
	var nodes, rels []string
	var evs []int
	for _, n := range p.Nodes {
		nodes = append(nodes, n.ID)
	}
	for _, h := range p.Hops {
		rels = append(rels, h.Relationship.ID)
		evs = append(evs, len(h.Evidence))
	}
	return answer{key: pathKey(nodes, rels, evs)}, nil
}

func cyPathAnswer(recs []*neo4j.Record) (answer, error) {
	if len(recs) != 1 {
		return answer{}, fmt.Errorf("%d paths", len(recs))
	}
	var nodes, rels []string
	var evs []int
	for _, n := range get[[]any](recs[0], "nodes") {
		nodes = append(nodes, n.(string))
	}
	for _, h := range get[[]any](recs[0], "hops") {
		rels = append(rels, field[string](h, "id"))
		evs = append(evs, len(field[[]any](h, "evidence")))
	}
	return answer{key: pathKey(nodes, rels, evs)}, nil
}

func countsKey(entities, rels int, byKind, byStatus, byType, byDataset map[string]int) string {
	return fmt.Sprintf("entities=%d relationships=%d kinds=%v statuses=%v types=%v datasets=%v", entities, rels, byKind, byStatus, byType, byDataset)
}

func gqlCountsAnswer(data json.RawMessage) (answer, error) {
	var d struct {
		Counts struct {
			Entities, Relationships int
			ByKind                  []struct {
				Kind  string
				Count int
			}
			ByStatus []struct {
				Status string
				Count  int
			}
			ByRelationshipType []struct {
				Type  string
				Count int
			}
			ByDataset []struct {
				Dataset string
				Count   int
			}
		}
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return answer{}, err
	}
	c := d.Counts
	kinds, statuses, types, ds := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for _, x := range c.ByKind {
		kinds[strings.ToUpper(x.Kind)] = x.Count
	}
	for _, x := range c.ByStatus {
		statuses[strings.ToUpper(x.Status)] = x.Count
	}
	for _, x := range c.ByRelationshipType {
		types[x.Type] = x.Count
	}
	for _, x := range c.ByDataset {
		ds[x.Dataset] = x.Count
	}
	return answer{key: countsKey(c.Entities, c.Relationships, kinds, statuses, types, ds)}, nil
}

func cyCountsAnswer(recs []*neo4j.Record) (answer, error) {
	if len(recs) != 1 {
		return answer{}, fmt.Errorf("%d rows", len(recs))
	}
	kinds, statuses, types, ds := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	entities, rels := 0, 0
	for _, e := range get[[]any](recs[0], "entities") {
		c := int(field[int64](e, "c"))
		kinds[strings.ToUpper(field[string](e, "kind"))] += c
		statuses[strings.ToUpper(field[string](e, "status"))] += c
		for _, d := range field[[]any](e, "datasets") {
			ds[d.(string)] += c
		}
		entities += c
	}
	for _, r := range get[[]any](recs[0], "relationships") {
		if c := int(field[int64](r, "c")); c > 0 {
			types[field[string](r, "t")] = c
			rels += c
		}
	}
	return answer{key: countsKey(entities, rels, kinds, statuses, types, ds)}, nil
}

// violationsCap is how many transfers potentialViolations assesses at
// most (more and it answers truncated).
const violationsCap = model.MaxViolationTransfers

func gqlViolationsAnswer(data json.RawMessage) (answer, error) {
	var d struct {
		PotentialViolations struct {
			Assessed  int
			Truncated bool
			Edges     []struct {
				Node struct{ Transfer struct{ ID string } }
			}
			NotAssessed []struct{ Transfer struct{ ID string } }
		}
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return answer{}, err
	}
	v := d.PotentialViolations
	var ids []string
	for _, e := range v.Edges {
		ids = append(ids, e.Node.Transfer.ID)
	}
	for _, e := range v.NotAssessed {
		ids = append(ids, e.Transfer.ID)
	}
	return answer{key: fmt.Sprintf("transfers=%d truncated=%v", v.Assessed, v.Truncated), ids: ids, subset: true}, nil
}

func cyViolationsAnswer(recs []*neo4j.Record) (answer, error) {
	if len(recs) != 1 {
		return answer{}, fmt.Errorf("%d rows", len(recs))
	}
	var ids []string
	for _, t := range get[[]any](recs[0], "transfers") {
		ids = append(ids, field[string](t, "id"))
	}
	// The statement asks for one transfer more than the API assesses
	// (violationsCap), to tell a truncated answer.
	return answer{key: fmt.Sprintf("transfers=%d truncated=%v", min(len(ids), violationsCap), len(ids) > violationsCap), ids: ids}, nil
}
