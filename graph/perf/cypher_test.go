package perf

import (
	"slices"
	"strconv"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/breach"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// The hand-written statements: for each workload the one statement a
// developer would write to fetch the same data straight through the driver,
// with the project's semantics (resolved entities, statusRank filters,
// orders, pages). Labels and relationship types come from schema constants;
// values are $parameters.

const (
	node     = schema.NodeLabel
	resolved = schema.ResolvedLabel
	evidence = schema.EvidenceLabel
	recordOf = string(schema.RecordOf)
	hasRec   = string(schema.HasRecord)
	cites    = string(schema.Cites)
)

// factTypes is every relationship type between entities, SAME_AS left out
// (the resolved view never shows it).
var factTypes = ties(slices.DeleteFunc(slices.Clone(schema.RelTypes), func(t schema.RelType) bool { return t == schema.SameAs }))

// evidenceOf is a subquery: the evidence of fact f (a record or a
// relationship, by id), strongest first, each with its source's id and name.
func evidenceOf(f string) string {
	return `COLLECT { MATCH (e:` + evidence + ` {factId: ` + f + `.id}) OPTIONAL MATCH (e)-[:` + cites + `]->(s)
    RETURN e{.id, .status, .quote, source: s{.id, .name}} AS ev ORDER BY e.statusRank DESC, e.id }`
}

// recordsWithEvidence is a subquery: the records of resolved entity r with
// their evidence.
const recordsWithEvidenceHead = `COLLECT { MATCH (r)-[:` + hasRec + `]->(n:` + node + `)
    RETURN n{.id, .kind, .name, .aliases, .dataset, evidence: `

var recordsWithEvidence = recordsWithEvidenceHead + evidenceOf("n") + `} AS rec ORDER BY n.id }`

// cypherEntity: one resolved entity (by its id or a record's) with its
// records and every record's evidence and sources.
var cypherEntity = `MATCH (:` + node + ` {id: $id})-[:` + recordOf + `]->(r:` + resolved + `)
RETURN r.id AS id, ` + recordsWithEvidence + ` AS records`

// cypherSearch: the full-text hits ranked as the API ranks them, one per
// resolved entity, the total and one page with each entity's records.
const cypherSearch = `CALL db.index.fulltext.queryNodes('node_names', $q, {limit: $max}) YIELD node, score
WHERE node.statusRank >= 0
WITH node, score, split(node.searchText, '\n') AS names
WITH node, score + CASE WHEN $norm IN names THEN 100.0
                        WHEN any(x IN names WHERE x STARTS WITH $norm) THEN 50.0
                        ELSE 0.0 END AS score
MATCH (node)-[:` + recordOf + `]->(r:` + resolved + `)
WITH r, max(score) AS score, min(node.sortName) AS sortName
ORDER BY score DESC, sortName, r.id
WITH collect({r: r, s: score}) AS hits
WITH size(hits) AS total, hits[..$limit] AS page
UNWIND range(0, size(page) - 1) AS i
WITH total, i, page[i].r AS r, page[i].s AS score
RETURN total, r.id AS id, score,
  COLLECT { MATCH (r)-[:` + hasRec + `]->(n:` + node + `) RETURN n{.id, .kind, .name, .aliases, .dataset} AS rec ORDER BY n.id } AS records
ORDER BY i`

// entityPage is the head of an entity list: the total and one page of
// resolved entities having a record of one kind, by the preferred record's
// name. The count and the page are separate subqueries; the page walks the
// name index's preferred records in order and stops when it is full (a
// common kind: a few rows read, where a sort of the matches reads them all).
func entityPage(kind schema.Kind) string {
	return `CALL { MATCH (n:` + node + `:` + string(kind) + `) WHERE n.statusRank >= 0
  MATCH (n)-[:` + recordOf + `]->(r:` + resolved + `) RETURN count(DISTINCT r) AS total }
CALL { ` + walkOf(kind, "") + ` LIMIT $limit }
`
}

// walkOf walks the preferred records p of resolved entities r having a
// record of kind, in name order from where (a condition on p, or ""),
// returning r and its sortName.
func walkOf(kind schema.Kind, where string) string {
	if where != "" {
		where = " AND " + where
	}
	return `MATCH (p:` + node + `)-[:` + recordOf + `]->(r:` + resolved + `)
  WHERE p.sortName IS NOT NULL AND r.id = p.id` + where + `
    AND EXISTS { MATCH (r)-[:` + hasRec + `]->(n:` + node + `:` + string(kind) + `) WHERE n.statusRank >= 0 }
  RETURN r, p.sortName AS sortName ORDER BY sortName, r.id`
}

// cypherList: 20 people by name with their records' evidence and sources.
var cypherList = entityPage(schema.Person) + `RETURN total, r.id AS id, ` + recordsWithEvidence + ` AS records
ORDER BY sortName, id`

// deepPage is a page of people by name deep in the list, without a total:
// sought from the key of the item before it (seek), or skipped to.
func deepPage(seek bool) string {
	if seek {
		return `CALL { ` + walkOf(schema.Person, `p.sortName >= $afterName AND (p.sortName > $afterName OR r.id > $afterID)`) + ` LIMIT $limit }
RETURN r.id AS id, ` + recordsWithEvidence + ` AS records
ORDER BY sortName, id`
	}
	return `CALL { MATCH (n:` + node + `:` + string(schema.Person) + `) WHERE n.statusRank >= 0
  MATCH (n)-[:` + recordOf + `]->(r:` + resolved + `)
  WITH DISTINCT r
  MATCH (p:` + node + ` {id: r.id})
  RETURN r, p.sortName AS sortName ORDER BY sortName, r.id SKIP $skip LIMIT $limit }
RETURN r.id AS id, ` + recordsWithEvidence + ` AS records
ORDER BY sortName, id`
}

// neighboursOf is a subquery: resolved entity r's relationships to other
// resolved entities (SAME_AS left out), ordered by type, the other end's
// name and id, and the relationship's id; their count and the first
// $nfirst, each with its evidence. One pass: the order needs every
// relationship anyway, so collecting them sorted and slicing reads each
// once (a count subquery beside a top-k page read them twice: 111k db hits
// against 83k on the hub).
var neighboursOf = `CALL { WITH r
  MATCH (r)-[:` + hasRec + `]->(n:` + node + `)-[x:` + factTypes + `]-(m:` + node + `)-[:` + recordOf + `]->(mr:` + resolved + `)
  WHERE mr <> r AND x.statusRank >= 0 AND m.statusRank >= 0
  MATCH (mp:` + node + ` {id: mr.id})
  WITH n, x, mp ORDER BY type(x), mp.sortName, mr.id, x.id
  WITH collect({x: x, n: n, mp: mp}) AS items
  RETURN size(items) AS ntotal, [i IN items[..$nfirst] | {id: i.x.id, type: type(i.x), out: startNode(i.x) = i.n,
    node: {id: i.mp.id, kind: i.mp.kind, name: i.mp.name}, evidence: ` + evidenceOf("i.x") + `}] AS neighbours }
`

// cypherNested: 20 organisations by name, each with 10 neighbours, their
// relationships' evidence and sources.
var cypherNested = entityPage(schema.Organization) + neighboursOf + `RETURN total, r.id AS id, ntotal, neighbours
ORDER BY sortName, id`

// cypherHub: one page of a resolved entity's neighbours.
var cypherHub = `MATCH (:` + node + ` {id: $id})-[:` + recordOf + `]->(r:` + resolved + `)
` + neighboursOf + `RETURN r.id AS id, ntotal, neighbours`

// cypherHubFind finds the resolved entity with the most relationships
// (SAME_AS left out); setup only, not timed.
var cypherHubFind = `MATCH (r:` + resolved + `)-[:` + hasRec + `]->(n:` + node + `)
WITH r, sum(COUNT { (n)-[x:` + factTypes + `]-(:` + node + `) }) AS degree
RETURN r.id AS id, degree ORDER BY degree DESC, id LIMIT 1`

// cypherPath: the shortest path between two resolved entities, a hop being
// one relationship between records of two entities (as the API's resolved
// path search: status, hub guard, no entity twice), with each hop's
// relationship and evidence.
var cypherPath = `MATCH (a:` + resolved + ` {id: $from}), (b:` + resolved + ` {id: $to})
MATCH p = SHORTEST 1 (a)
  ((c)-[:` + hasRec + `]->(x)-[rel:` + factTypes + `]-(y)-[:` + recordOf + `]->(m:` + resolved + `)
     WHERE rel.statusRank >= 0
       AND (c.id IN $ends OR x.statusRank >= 0)
       AND (m.id IN $ends OR (y.statusRank >= 0 AND COUNT { (m)-[:` + hasRec + `]->()--() } <= $maxDegree))
  ){1,` + strconv.Itoa(model.DefaultMaxHops) + `} (b)
WITH p, [n IN nodes(p) WHERE n:` + resolved + `] AS res, x AS xs, y AS ys, rel AS rs
WHERE all(i IN range(0, size(res) - 2) WHERE NOT res[i] IN res[i + 1..])
RETURN [n IN res | n.id] AS nodes, [n IN xs | n.id] AS xs, [n IN ys | n.id] AS ys,
  [h IN rs | h{.id, type: type(h), evidence: COLLECT { MATCH (e:` + evidence + ` {factId: h.id}) OPTIONAL MATCH (e)-[:` + cites + `]->(s)
    RETURN e{.id, .status, .quote, source: s{.id, .name}} AS ev ORDER BY e.statusRank DESC, e.id }}] AS hops`

// cypherCounts: resolved entities by the preferred record's kind and status
// and by every dataset holding a record, and relationships by type from the
// count store, SAME_AS left out.
var cypherCounts = func() string {
	var parts []string
	for _, t := range schema.RelTypes {
		if t != schema.SameAs {
			parts = append(parts, `MATCH ()-[x:`+string(t)+`]->() RETURN '`+string(t)+`' AS t, count(x) AS c`)
		}
	}
	return `CALL { MATCH (n:` + node + `) WHERE n.statusRank >= 0
  MATCH (n)-[:` + recordOf + `]->(r:` + resolved + `)
  WITH r, collect(DISTINCT n.dataset) AS datasets
  MATCH (p:` + node + ` {id: r.id})
  WITH p.kind AS kind, p.status AS status, datasets, count(*) AS c
  RETURN collect({kind: kind, status: status, datasets: datasets, c: c}) AS entities }
CALL { CALL { ` + strings.Join(parts, "\n  UNION ALL ") + ` }
  RETURN collect({t: t, c: c}) AS relationships }
RETURN entities, relationships`
}()

// cypherViolations: the goods transfers dated in a range with what the
// breach rules read of each (goods, senders, recipients, route, reactions),
// and the measures with goods that the rules compare them with. The rules
// themselves are Go (graph/breach); this is the data they need from the
// graph, fetched in one statement.
var cypherViolations = `CALL { MATCH (t:` + node + `:` + string(schema.Transfer) + `)
  WHERE t.when >= $from AND t.when <= $to AND t.statusRank >= 0
  WITH t ORDER BY t.when, t.id LIMIT $limit
  RETURN collect(t{.id, .name, .when,
    goods: COLLECT { MATCH (t)-[x:` + string(schema.Includes) + `]->(g:` + node + `) RETURN {r: x, g: g} },
    senders: COLLECT { MATCH (g:` + node + `)-[x:` + string(schema.Sent) + `]->(t) RETURN {r: x, g: g} },
    recipients: COLLECT { MATCH (g:` + node + `)-[x:` + string(schema.Received) + `]->(t) RETURN {r: x, g: g} },
    route: COLLECT { MATCH (t)-[x:` + string(schema.Via) + `]->(g:` + node + `) RETURN {r: x, g: g} },
    reactions: COLLECT { MATCH (g:` + node + `)-[x:` + string(schema.ReactedTo) + `]->(t) RETURN {r: x, g: g} }}) AS transfers }
CALL { MATCH (m:` + node + `:` + string(schema.Measure) + `)
  WHERE m.statusRank >= 0 AND (m.goodsCategories IS NOT NULL OR m.hsCodes IS NOT NULL
    OR EXISTS { (m)<-[:` + string(schema.Extends) + `]-(:` + string(schema.Measure) + `) })
  RETURN collect(m{.*,
    imposedBy: COLLECT { MATCH (x:` + string(schema.Resolution) + `)-[i:` + string(schema.Imposes) + `]->(m) RETURN {r: i, x: x} },
    targets: COLLECT { MATCH (m)-[i:` + string(schema.Targets) + `]->(x:` + node + `) RETURN {r: i, x: x} },
    extends: COLLECT { MATCH (m)-[i:` + string(schema.Extends) + `]->(x:` + string(schema.Measure) + `) RETURN {r: i, x: x} }}) AS measures }
` + cypherParties + `
RETURN transfers, measures, parties, votes`

// cypherParties follows the transfers and measures of cypherViolations
// with what the rules also read of the parties (as the API's party
// statement): recipients, those they received for, senders and the route
// read for ties to the measures' targets; senders, recipients, those they
// received for, the route's first leg and those who reacted, for ties to
// states; and the votes of those states on the resolutions imposing the
// measures.
var cypherParties = `CALL (transfers, measures) {
  CALL (measures) {
    UNWIND measures AS m
    RETURN [x IN collect(m.targets) WHERE x IS NOT NULL] AS ts, [x IN collect(m.imposedBy) WHERE x IS NOT NULL] AS is
  }
  WITH reduce(a = [], l IN ts | a + [x IN l | x.x.id]) AS targets, reduce(a = [], l IN is | a + [x IN l | x.x.id]) AS resolutions, transfers
  CALL (transfers) {
    UNWIND transfers AS t
    UNWIND [x IN t.senders | {id: x.g.id, tied: true, stated: true}]
      + [x IN t.recipients | {id: x.g.id, tied: true, stated: true}]
      + [x IN t.recipients WHERE x.r.onBehalfOf IS NOT NULL | {id: ` + firstValue("x.r.onBehalfOf") + `, tied: true, stated: true}]
      + [x IN t.route | {id: x.g.id, tied: true, stated: ` + firstValue("x.r.leg") + ` = '0'}]
      + [x IN t.reactions | {id: x.g.id, tied: false, stated: true}] AS role
    RETURN role.id AS id, true IN collect(role.tied) AS tied, true IN collect(role.stated) AS stated
  }
  MATCH (x:` + node + ` {id: id})
  WITH x, stated, resolutions,
    CASE WHEN tied THEN COLLECT { MATCH (x)-[r:` + ties(breach.TargetTies()) + `]->(y:` + node + `) WHERE y.id IN targets
      RETURN {r: r, x: y} LIMIT $links } ELSE [] END AS targetTies,
    CASE WHEN stated THEN COLLECT { MATCH (x)-[r:` + ties(breach.StateTies()) + `]->(y:` + node + `:` + string(schema.State) + `)
      RETURN {r: r, x: y} LIMIT $links } ELSE [] END AS stateTies
  WITH collect({x: x, targetTies: targetTies, stateTies: stateTies, stated: stated}) AS parties, collect(DISTINCT resolutions) AS rs
  CALL (parties, rs) {
    UNWIND parties AS p
    WITH p WHERE p.stated
    UNWIND CASE WHEN p.x.kind = $state THEN [p.x] ELSE [] END
      + [t IN p.targetTies + p.stateTies WHERE t.x.kind = $state AND t.r.retractedAt IS NULL AND t.x.retractedAt IS NULL | t.x] AS st
    WITH DISTINCT st
    MATCH (st:` + string(schema.State) + `)-[r:` + string(schema.VotedOn) + `]->(res:` + node + `)
    WHERE res.id IN coalesce(rs[0], [])
    RETURN collect({r: r, from: st.id, to: res.id}) AS votes
  }
  RETURN parties, votes
}`

// firstValue is a property's value, or its first one when it is a list.
func firstValue(prop string) string {
	return `toString(CASE WHEN valueType(` + prop + `) STARTS WITH 'LIST' THEN ` + prop + `[0] ELSE ` + prop + ` END)`
}

// ties writes relationship types as a Cypher alternation (schema constants).
func ties(ts []schema.RelType) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = string(t)
	}
	return strings.Join(names, "|")
}
