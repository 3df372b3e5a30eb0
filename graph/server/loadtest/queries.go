package loadtest

import (
	"encoding/json"
	"math/rand/v2"
)

// Query is one kind of request the load test makes: a fixed GraphQL
// document (so a persisted-query cache or CDN could key on it) with
// variables that vary per request.
type Query struct {
	Name string
	// Doc is the GraphQL document; it names its operation.
	Doc string
	// Vars returns the variables of one request.
	Vars func(r *rand.Rand) map[string]any
	// Next, when set, may return the variables of a follow-up request
	// (the next page) from a response's data, or nil for none.
	Next func(r *rand.Rand, data json.RawMessage) map[string]any
}

// Queries are the reads dashboards, researchers and journalists make, over
// the curated dataset (`sanctiongraph dev`). Paths go by id: after a list
// is loaded, names like "Russia" may match several entities and be refused
// as ambiguous.
var Queries = []Query{
	{
		Name: "dashboard",
		Doc: `query Dashboard($dataset: String) {
  counts(filter: {dataset: $dataset}) {
    entities relationships
    byKind { kind count } byStatus { status count }
    byRelationshipType { type count } byDataset { dataset count }
  }
}`,
		Vars: func(r *rand.Rand) map[string]any {
			return map[string]any{"dataset": pick[any](r, nil, nil, nil, "curated")}
		},
	},
	{
		Name: "entities",
		Doc: `query Entities($filter: EntityFilter, $sort: EntitySort, $first: Int, $after: String) {
  entities(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id kind name status validFrom validUntil dataset } }
  }
}`,
		Vars: func(r *rand.Rand) map[string]any {
			filter := map[string]any{"kinds": pick(r, []string{"PERSON"}, []string{"ORGANIZATION"}, []string{"STATE"},
				[]string{"PRODUCT", "TRANSFER"}, []string{"RESOLUTION", "MEASURE"}, []string{"SANCTION"}, []string{"EVENT"}, nil)}
			if s := pick(r, "", "", "CONFIRMED", "REPORTED"); s != "" {
				filter["minStatus"] = s
			}
			if r.IntN(4) == 0 {
				filter["activeAt"] = "2024-02-01"
			}
			if r.IntN(4) == 0 {
				filter["dataset"] = "curated"
			}
			return map[string]any{"filter": filter, "sort": pick(r, "NAME_ASC", "NAME_ASC", "DATE_DESC", "NAME_DESC"), "first": pick(r, 10, 20, 20, 50)}
		},
		Next: func(r *rand.Rand, data json.RawMessage) map[string]any {
			if r.IntN(3) != 0 {
				return nil
			}
			var d struct {
				Entities struct {
					PageInfo struct {
						HasNextPage bool   `json:"hasNextPage"`
						EndCursor   string `json:"endCursor"`
					} `json:"pageInfo"`
				} `json:"entities"`
			}
			if json.Unmarshal(data, &d) != nil || !d.Entities.PageInfo.HasNextPage {
				return nil
			}
			return map[string]any{"first": 20, "after": d.Entities.PageInfo.EndCursor}
		},
	},
	{
		Name: "search",
		Doc: `query Search($q: String!, $kinds: [Kind!], $first: Int) {
  search(query: $q, kinds: $kinds, first: $first) {
    totalCount
    edges { score matchedName node { id kind name status dataset } }
  }
}`,
		Vars: func(r *rand.Rand) map[string]any {
			q := pick(r, "Kim Jong Un", "Kim Jong-un", "kim jong un", "KIM JONG UN", "Ким Чен Ын", "Kim Yo Jong",
				"Vladimir Putin", "Putin", "Путин", "Aurus", "Aurus Senat", "aurus senat limousine", "Maybach", "Korea", "Russia", "Sollers")
			v := map[string]any{"q": q, "first": 10}
			if r.IntN(4) == 0 {
				v["kinds"] = []string{"PERSON", "ORGANIZATION"}
			}
			return v
		},
	},
	{
		Name: "entity",
		Doc: `query Entity($id: ID!) {
  entity(id: $id) {
    id kind name aliases description status validFrom validUntil dataset recordId
    properties { name type values }
    evidence { id status basis quote statedOn source { id name } }
  }
}`,
		Vars: func(r *rand.Rand) map[string]any { return map[string]any{"id": pick(r, entityIDs...)} },
	},
	{
		Name: "neighbours",
		Doc: `query Neighbours($id: ID!, $filter: NeighbourFilter, $first: Int) {
  neighbours(id: $id, filter: $filter, first: $first) {
    totalCount
    edges {
      direction
      relationship { id type status validFrom validUntil evidence { status quote source { name } } }
      node { id kind name }
    }
  }
}`,
		Vars: func(r *rand.Rand) map[string]any {
			v := map[string]any{"id": pick(r, entityIDs...), "first": 20}
			if r.IntN(3) == 0 {
				v["filter"] = map[string]any{"minStatus": "REPORTED", "direction": pick(r, "BOTH", "OUTGOING", "INCOMING")}
			}
			return v
		},
	},
	{
		Name: "paths",
		Doc: `query Paths($from: String!, $to: String!, $via: [String!], $at: Date, $minStatus: Status) {
  paths(from: $from, to: $to, via: $via, at: $at, minStatus: $minStatus) {
    explanation cut
    paths { length weakestStatus hops { sentence direction status evidence { quote source { name } } } }
  }
}`,
		Vars: func(r *rand.Rand) map[string]any {
			v := map[string]any{"from": "state:RU", "to": "person:kim-jong-un"}
			switch r.IntN(4) {
			case 0:
				v["via"] = []string{"org:aurus"}
			case 1:
				v["at"] = "2024-01-31"
			case 2:
				v["minStatus"] = "CONFIRMED"
			default:
				v["from"] = "person:vladimir-putin"
			}
			return v
		},
	},
	{
		Name: "timeline",
		Doc: `query Timeline($from: Date, $to: Date, $kinds: [Kind!], $first: Int) {
  timeline(from: $from, to: $to, kinds: $kinds, first: $first) {
    totalCount
    edges { date node { id kind name status } }
  }
}`,
		Vars: func(r *rand.Rand) map[string]any {
			v := map[string]any{"first": 20}
			switch r.IntN(3) {
			case 0:
				v["from"], v["to"] = "2024-01-01", "2024-12-31"
			case 1:
				v["from"] = "2018-01-01"
				v["kinds"] = []string{"EVENT", "TRANSFER"}
			}
			return v
		},
	},
	{
		Name: "violations",
		Doc: `query Violations($from: Date, $to: Date) {
  potentialViolations(filter: {from: $from, to: $to}, first: 10) {
    totalCount assessed truncated
    edges { node { transfer { id name } date weakestStatus breaches { measure { id name } resolutions { resolution { name } supplierVotes { state { name } vote } } } } }
  }
}`,
		Vars: func(r *rand.Rand) map[string]any {
			return map[string]any{"from": pick(r, "2018-01-01", "2024-01-01"), "to": "2024-12-31"}
		},
	},
}

// DefaultMix weighs the queries as a day of dashboard views and research:
// mostly searches, entity pages and neighbourhoods, some lists and counts,
// a few path searches and violation reports.
var DefaultMix = map[string]int{
	"dashboard":  2,
	"entities":   3,
	"search":     4,
	"entity":     3,
	"neighbours": 3,
	"paths":      1,
	"timeline":   2,
	"violations": 1,
}

// entityIDs are ids of the curated dataset that entity pages and
// neighbourhoods ask about.
var entityIDs = []string{
	"person:kim-jong-un", "person:vladimir-putin", "person:kim-yo-jong", "person:dmitry-peskov",
	"state:RU", "state:KP", "state:CN", "org:aurus", "org:nami", "org:sollers",
	"product:aurus-senat", "transfer:aurus-gift-2024-02", "transfer:aurus-gift-2024-06",
	"resolution:unsc-1718", "resolution:unsc-2397", "measure:unsc-1718-op8a-iii", "sanction:us-aurus-2024-02",
}

func pick[T any](r *rand.Rand, options ...T) T { return options[r.IntN(len(options))] }
