package cypher

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Resolved entities. A real-world thing that several records describe (the
// curated Kim Jong Un, OFAC's 20157, …) is one :Resolved node joined to each
// record by (record)-[:RECORD_OF]->(resolved) and
// (resolved)-[:HAS_RECORD]->(record). Its id is the id of its preferred
// record (curated first, then the most authoritative list, then the
// smallest id), so a record that stands alone keeps its own id as a
// resolved entity, and every record id of a cluster leads to it. Only the
// membership is stored: names, aliases, properties and relationships are
// read from the records, so a write to a record needs no upkeep here.
// Clusters are the connected components of SAME_AS links of status
// confirmed or reported that are not retracted; Resolve recomputes them and
// moves only the records whose cluster changed.

// datasetRank orders the datasets a resolved entity takes its name from:
// curated first, then the authorities' lists, then other exports.
func datasetRank(d string) int {
	switch d {
	case "curated":
		return 0
	case "curator":
		return 1
	case "reference":
		return 2
	case "unsc":
		return 3
	case "ofac-sdn":
		return 4
	case "ofac-cons":
		return 5
	}
	return 6
}

// preferred reports whether record a (id, dataset) is preferred to b as the
// face of a resolved entity.
func preferred(aID, aDataset, bID, bDataset string) bool {
	ra, rb := datasetRank(aDataset), datasetRank(bDataset)
	if ra != rb {
		return ra < rb
	}
	return aID < bID
}

const (
	cypherSameAsLinks = `MATCH (a:` + schema.NodeLabel + `)-[r:` + string(schema.SameAs) + `]->(b:` + schema.NodeLabel + `)
WHERE r.statusRank >= $minRank
RETURN a.id AS a, a.dataset AS ad, b.id AS b, b.dataset AS bd`
	cypherClusteredRecords = `MATCH (n:` + schema.NodeLabel + `)-[:` + string(schema.RecordOf) + `]->(r:` + schema.ResolvedLabel + `)
WHERE r.id <> n.id
RETURN n.id AS id, r.id AS rid`
	cypherSingletons = `MATCH (n:` + schema.NodeLabel + `) WHERE NOT EXISTS { (n)-[:` + string(schema.RecordOf) + `]->(:` + schema.ResolvedLabel + `) }
MERGE (r:` + schema.ResolvedLabel + ` {id: n.id}) ON CREATE SET r.kind = n.kind
CREATE (n)-[:` + string(schema.RecordOf) + `]->(r), (r)-[:` + string(schema.HasRecord) + `]->(n)
RETURN count(n) AS n`
	cypherMoveRecords = `UNWIND $moves AS m
MATCH (n:` + schema.NodeLabel + ` {id: m.id})
CALL (n) {
  MATCH (n)-[o:` + string(schema.RecordOf) + `]->(:` + schema.ResolvedLabel + `) DELETE o
}
CALL (n) {
  MATCH (:` + schema.ResolvedLabel + `)-[h:` + string(schema.HasRecord) + `]->(n) DELETE h
}
MERGE (r:` + schema.ResolvedLabel + ` {id: m.rid})
SET r.kind = m.kind
CREATE (n)-[:` + string(schema.RecordOf) + `]->(r), (r)-[:` + string(schema.HasRecord) + `]->(n)
RETURN count(n) AS n`
	cypherDropEmptyResolved = `UNWIND $ids AS id
MATCH (r:` + schema.ResolvedLabel + ` {id: id})
WHERE NOT EXISTS { (r)-[:` + string(schema.HasRecord) + `]->() }
DELETE r
RETURN count(r) AS n`
)

// ResolveSummary says what Resolve changed.
type ResolveSummary struct {
	// Clusters is the number of resolved entities with more than one record.
	Clusters int
	// Moved counts records that changed resolved entity; Singletons the
	// records that had none and got their own.
	Moved, Singletons int
}

// Resolve brings the resolved entities up to date with the SAME_AS links:
// it computes the clusters (connected components of confirmed and reported
// links that are not retracted), gives each its preferred record's id, and
// moves only the records whose resolved entity changed — a link added
// merges two clusters, a link removed (or retracted, or weakened below
// reported) splits one. Run after every load and after curator writes that
// touch SAME_AS; a rerun with nothing changed writes nothing. One
// transaction. Errors: UNAVAILABLE, TIMEOUT.
func (s *Store) Resolve(ctx context.Context) (ResolveSummary, error) {
	const op = "cypher.Store.Resolve"
	return write(ctx, s, op, func(tx neo4j.ManagedTransaction) (ResolveSummary, error) {
		var sum ResolveSummary
		n, err := single[int64](ctx, tx, cypherSingletons, nil, "n")
		if err != nil {
			return sum, err
		}
		sum.Singletons = int(n)
		// Components of the SAME_AS links (union-find).
		res, err := tx.Run(ctx, cypherSameAsLinks, map[string]any{"minRank": int64(schema.Reported.Rank())})
		if err != nil {
			return sum, err
		}
		parent := map[string]string{}
		dataset := map[string]string{}
		var find func(string) string
		find = func(x string) string {
			for parent[x] != x {
				parent[x] = parent[parent[x]]
				x = parent[x]
			}
			return x
		}
		add := func(id, ds string) {
			if _, ok := parent[id]; !ok {
				parent[id], dataset[id] = id, ds
			}
		}
		for res.Next(ctx) {
			rec := res.Record()
			a, _, _ := neo4j.GetRecordValue[string](rec, "a")
			b, _, _ := neo4j.GetRecordValue[string](rec, "b")
			ad, _, _ := neo4j.GetRecordValue[string](rec, "ad")
			bd, _, _ := neo4j.GetRecordValue[string](rec, "bd")
			add(a, ad)
			add(b, bd)
			ra, rb := find(a), find(b)
			if ra != rb {
				parent[ra] = rb
			}
		}
		if err := res.Err(); err != nil {
			return sum, err
		}
		// Each component's preferred record.
		best := map[string]string{}
		size := map[string]int{}
		for id := range parent {
			root := find(id)
			size[root]++
			if b, ok := best[root]; !ok || preferred(id, dataset[id], b, dataset[b]) {
				best[root] = id
			}
		}
		want := make(map[string]string, len(parent))
		for id := range parent {
			want[id] = best[find(id)]
		}
		for _, n := range size {
			if n > 1 {
				sum.Clusters++
			}
		}
		// Records now in a cluster under another record's id.
		res, err = tx.Run(ctx, cypherClusteredRecords, nil)
		if err != nil {
			return sum, err
		}
		have := map[string]string{}
		for res.Next(ctx) {
			id, _, _ := neo4j.GetRecordValue[string](res.Record(), "id")
			rid, _, _ := neo4j.GetRecordValue[string](res.Record(), "rid")
			have[id] = rid
		}
		if err := res.Err(); err != nil {
			return sum, err
		}
		for id := range have {
			if _, ok := want[id]; !ok {
				want[id] = id // left its cluster: alone again
			}
		}
		var moves []map[string]any
		oldIDs := map[string]bool{}
		for _, id := range sortedKeys(want) {
			cur, ok := have[id]
			if !ok {
				cur = id
			}
			if cur == want[id] {
				continue
			}
			oldIDs[cur] = true
			moves = append(moves, map[string]any{"id": id, "rid": want[id]})
		}
		if len(moves) == 0 {
			return sum, nil
		}
		kinds, err := recordKinds(ctx, tx, moves)
		if err != nil {
			return sum, err
		}
		for _, m := range moves {
			m["kind"] = kinds[m["rid"].(string)]
		}
		if _, err := single[int64](ctx, tx, cypherMoveRecords, map[string]any{"moves": moves}, "n"); err != nil {
			return sum, err
		}
		sum.Moved = len(moves)
		if _, err := single[int64](ctx, tx, cypherDropEmptyResolved, map[string]any{"ids": sortedKeys(oldIDs)}, "n"); err != nil {
			return sum, err
		}
		return sum, nil
	})
}

const cypherRecordKinds = `UNWIND $ids AS id MATCH (n:` + schema.NodeLabel + ` {id: id}) RETURN n.id AS id, n.kind AS kind`

// recordKinds returns the kind of each resolved id's preferred record.
func recordKinds(ctx context.Context, tx neo4j.ManagedTransaction, moves []map[string]any) (map[string]string, error) {
	ids := map[string]bool{}
	for _, m := range moves {
		ids[m["rid"].(string)] = true
	}
	res, err := tx.Run(ctx, cypherRecordKinds, map[string]any{"ids": sortedKeys(ids)})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for res.Next(ctx) {
		id, _, _ := neo4j.GetRecordValue[string](res.Record(), "id")
		k, _, _ := neo4j.GetRecordValue[string](res.Record(), "kind")
		out[id] = k
	}
	return out, res.Err()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sortPairs orders candidate links by their ends, then by basis, so the
// links made never depend on the order Neo4j returns records in.
func sortPairs(pairs [][3]string) {
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		if pairs[i][1] != pairs[j][1] {
			return pairs[i][1] < pairs[j][1]
		}
		// A pair found twice (each record's name in the other's) keeps the
		// smaller basis, whatever order Neo4j returned them in.
		return pairs[i][2] < pairs[j][2]
	})
}

// Name matching between the curated story and the lists.

// curatedDatasets are the datasets whose records are matched by name
// against every list's (model.PersonNameKeys, model.OrgWords).
var curatedDatasets = []string{"curated", "curator"}

const cypherNameCandidates = `MATCH (n:` + schema.NodeLabel + `)
WHERE n.kind IN ['Person', 'Organization'] AND n.statusRank >= 0 AND n.dataset <> 'derived'
  AND (n.dataset IN $curated) = $isCurated
OPTIONAL MATCH (x:` + string(schema.Sanction) + `)-[:` + string(schema.Designates) + `]->(n)
WITH n, collect(x.program) AS programs, collect(x.listType) AS listTypes
RETURN n.id AS id, n.kind AS kind, n.dataset AS dataset, n.name AS name, n.aliases AS aliases,
       n.nationality AS nationality, n.country AS country, n.birthDate AS birthDate,
       programs, listTypes`

// nameRecord is what name matching knows of a record.
type nameRecord struct {
	id, kind, dataset, name string
	names                   []string
	countries               []string
	birth                   string
}

// programCountries are the countries a sanctions programme or UN list is
// about, by the prefix of its tag (OFAC DPRK3, RUSSIA-EO14024; UN DPRK).
var programCountries = []struct{ prefix, country string }{
	{"DPRK", "KP"}, {"RUSSIA", "RU"}, {"IRAN", "IR"}, {"SYRIA", "SY"}, {"CUBA", "CU"},
	{"VENEZUELA", "VE"}, {"BELARUS", "BY"}, {"BURMA", "MM"},
}

func (s *Store) nameRecords(ctx context.Context, isCurated bool) ([]nameRecord, error) {
	return read(ctx, s, "cypher.Store.LinkSameAs", func(tx neo4j.ManagedTransaction) ([]nameRecord, error) {
		res, err := tx.Run(ctx, cypherNameCandidates, map[string]any{"curated": curatedDatasets, "isCurated": isCurated})
		if err != nil {
			return nil, err
		}
		var out []nameRecord
		for res.Next(ctx) {
			rec := res.Record()
			r := nameRecord{}
			v := func(k string) any { x, _ := rec.Get(k); return x }
			r.id, r.kind, r.dataset, r.name = str(v("id")), str(v("kind")), str(v("dataset")), str(v("name"))
			r.names = append([]string{r.name}, strs(v("aliases"))...)
			r.countries = strs(v("nationality"))
			if c := str(v("country")); c != "" && !slices.Contains(r.countries, c) {
				r.countries = append(r.countries, c)
			}
			var tags []string
			for _, k := range []string{"programs", "listTypes"} {
				l, _ := v(k).([]any)
				for _, x := range l {
					if t, ok := x.(string); ok {
						tags = append(tags, strings.Split(t, ";")...)
					} else {
						tags = append(tags, strs(x)...)
					}
				}
			}
			for _, t := range tags {
				for _, pc := range programCountries {
					if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(t)), pc.prefix) && !slices.Contains(r.countries, pc.country) {
						r.countries = append(r.countries, pc.country)
					}
				}
			}
			r.birth = dateStr(v("birthDate"))
			out = append(out, r)
		}
		return out, res.Err()
	})
}

type nameMatch struct {
	rule string
	pair [3]string
}

func sharedCountry(a, b []string) string {
	for _, c := range a {
		if slices.Contains(b, c) {
			return c
		}
	}
	return ""
}

// matchCuratedNames links curated people and organisations to list
// records by name (model.PersonNameKeys for people, model.OrgWords for
// organisations) when both share a country (nationality, address country or
// the country of a sanctions programme) and, for people, their birth dates
// do not differ.
func (s *Store) matchCuratedNames(ctx context.Context) ([]nameMatch, error) {
	curated, err := s.nameRecords(ctx, true)
	if err != nil || len(curated) == 0 {
		return nil, err
	}
	lists, err := s.nameRecords(ctx, false)
	if err != nil {
		return nil, err
	}
	personKeys := map[string][]int{}
	orgKeys := map[string][]int{}
	var orgs []int
	for i, r := range lists {
		for _, n := range r.names {
			switch r.kind {
			case string(schema.Person):
				for _, k := range model.PersonNameKeys(n) {
					personKeys[k] = append(personKeys[k], i)
				}
			case string(schema.Organization):
				if w := model.OrgWords(n); len(w) > 0 {
					orgKeys[strings.Join(w, " ")] = append(orgKeys[strings.Join(w, " ")], i)
				}
			}
		}
		if r.kind == string(schema.Organization) {
			orgs = append(orgs, i)
		}
	}
	var out []nameMatch
	found := map[[2]string]bool{}
	emit := func(c nameRecord, l nameRecord, rule, basis string) {
		a, b := c.id, l.id
		if b < a {
			a, b = b, a
		}
		if found[[2]string{a, b}] {
			return
		}
		found[[2]string{a, b}] = true
		out = append(out, nameMatch{rule: rule, pair: [3]string{a, b, basis}})
	}
	for _, c := range curated {
		for _, n := range c.names {
			switch c.kind {
			case string(schema.Person):
				for _, k := range model.PersonNameKeys(n) {
					for _, i := range personKeys[k] {
						l := lists[i]
						country := sharedCountry(c.countries, l.countries)
						if country == "" || (c.birth != "" && l.birth != "" && c.birth != l.birth) {
							continue
						}
						emit(c, l, "person-name+country", fmt.Sprintf("name %q (name order and transliteration folded) and country %s", model.NormalizeName(n), country))
					}
				}
			case string(schema.Organization):
				words := model.OrgWords(n)
				if len(words) == 0 {
					continue
				}
				for _, i := range orgKeys[strings.Join(words, " ")] {
					l := lists[i]
					if country := sharedCountry(c.countries, l.countries); country != "" {
						emit(c, l, "org-name+country", fmt.Sprintf("name %q (legal forms dropped) and country %s", strings.Join(words, " "), country))
					}
				}
				if len(words) < model.MinOrgWordsInOrder {
					continue
				}
				for _, i := range orgs {
					l := lists[i]
					country := sharedCountry(c.countries, l.countries)
					if country == "" {
						continue
					}
					for _, ln := range l.names {
						if model.WordsInOrder(words, model.OrgWords(ln)) {
							emit(c, l, "org-name-words+country", fmt.Sprintf("every word of %q in order in %q, and country %s", strings.Join(words, " "), model.NormalizeName(ln), country))
							break
						}
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].pair[0]+"|"+out[i].pair[1] < out[j].pair[0]+"|"+out[j].pair[1]
	})
	return out, nil
}

const (
	cypherDerivedLinks = `MATCH (:` + schema.NodeLabel + `)-[r:` + string(schema.SameAs) + ` {dataset: '` + derivedDataset + `'}]->(:` + schema.NodeLabel + `)
WHERE r.retractedAt IS NULL
RETURN r.id AS id, startNode(r).id AS a, endNode(r).id AS b`
	cypherRemoveLinks = `UNWIND $ids AS id
MATCH ()-[r:` + string(schema.SameAs) + ` {id: id}]->()
DELETE r
WITH DISTINCT id
OPTIONAL MATCH (e:` + schema.EvidenceLabel + ` {factId: id})
DETACH DELETE e
RETURN count(DISTINCT id) AS n`
)

// removeStaleLinks deletes the SAME_AS links LinkSameAs made earlier whose
// rule no longer matches (keep says which pairs still do), with their
// evidence. Links a curator retracted stay, as the record of that decision.
func (s *Store) removeStaleLinks(ctx context.Context, keep func(a, b string) bool) (int, error) {
	const op = "cypher.Store.LinkSameAs"
	return write(ctx, s, op, func(tx neo4j.ManagedTransaction) (int, error) {
		res, err := tx.Run(ctx, cypherDerivedLinks, nil)
		if err != nil {
			return 0, err
		}
		var stale []string
		for res.Next(ctx) {
			rec := res.Record()
			id, _, _ := neo4j.GetRecordValue[string](rec, "id")
			a, _, _ := neo4j.GetRecordValue[string](rec, "a")
			b, _, _ := neo4j.GetRecordValue[string](rec, "b")
			if !keep(a, b) {
				stale = append(stale, id)
			}
		}
		if err := res.Err(); err != nil {
			return 0, err
		}
		if len(stale) == 0 {
			return 0, nil
		}
		sort.Strings(stale)
		n, err := single[int64](ctx, tx, cypherRemoveLinks, map[string]any{"ids": stale}, "n")
		return int(n), err
	})
}
