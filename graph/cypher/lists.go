package cypher

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Candidate matches across datasets. Each returns pairs a, b (a.id < b.id)
// of the same kind from different datasets, with the basis of the match.
const (
	cypherMatchIMO = `MATCH (a:` + schema.NodeLabel + `) WHERE a.imoNumber IS NOT NULL AND a.kind IN ['Organization', 'Product']
WITH a.kind AS kind, a.imoNumber AS imo, collect(a) AS ns WHERE size(ns) > 1
UNWIND ns AS a
UNWIND ns AS b
WITH imo, a, b WHERE a.id < b.id AND a.dataset <> b.dataset
RETURN a.id AS a, b.id AS b, 'IMO number ' + imo AS basis`
	cypherMatchAuthorityID = `MATCH (x:` + string(schema.Sanction) + `) WHERE x.authorityId IS NOT NULL AND x.authority IS NOT NULL
WITH x, CASE WHEN toLower(x.authority) CONTAINS 'foreign assets control' OR toLower(x.authority) = 'ofac' THEN 'OFAC'
             WHEN toLower(x.authority) CONTAINS 'security council' THEN 'UN Security Council'
             ELSE toLower(x.authority) END AS authority
MATCH (y:` + string(schema.Sanction) + ` {authorityId: x.authorityId}) WHERE y.dataset > x.dataset
WITH x, y, authority, CASE WHEN toLower(y.authority) CONTAINS 'foreign assets control' OR toLower(y.authority) = 'ofac' THEN 'OFAC'
             WHEN toLower(y.authority) CONTAINS 'security council' THEN 'UN Security Council'
             ELSE toLower(y.authority) END AS other
WHERE authority = other
MATCH (x)-[:` + string(schema.Designates) + `]->(a)
MATCH (y)-[:` + string(schema.Designates) + `]->(b) WHERE a.kind = b.kind AND a <> b
RETURN CASE WHEN a.id < b.id THEN a.id ELSE b.id END AS a, CASE WHEN a.id < b.id THEN b.id ELSE a.id END AS b,
       authority + ' listing ' + x.authorityId AS basis`
	cypherMatchPersonBirth = `MATCH (a:` + string(schema.Person) + `) WHERE a.birthDate IS NOT NULL
MATCH (b:` + string(schema.Person) + ` {birthDate: a.birthDate}) WHERE a.id < b.id AND a.dataset <> b.dataset
WITH a, b, [n IN split(a.searchText, '\n') WHERE n IN split(b.searchText, '\n')] AS shared
WHERE size(shared) > 0
RETURN a.id AS a, b.id AS b, 'name "' + shared[0] + '" and birth date ' + a.birthDate AS basis`
	cypherMatchOrgName = `MATCH (a:` + string(schema.Organization) + `)
WITH a, split(a.searchText, '\n') AS names
MATCH (b:` + schema.NodeLabel + `) WHERE b.sortName IN names AND b.kind = 'Organization' AND b.dataset <> a.dataset AND b.id <> a.id
  AND size(b.sortName) >= 8 AND size(split(b.sortName, ' ')) >= 2
  AND (a.country IS NULL OR b.country IS NULL OR a.country = b.country)
RETURN CASE WHEN a.id < b.id THEN a.id ELSE b.id END AS a, CASE WHEN a.id < b.id THEN b.id ELSE a.id END AS b,
       'name "' + b.sortName + '"' + CASE WHEN a.country = b.country THEN ' and country ' + a.country ELSE '' END AS basis`
)

// MatchingSourceID is the Source that links made by LinkSameAs cite: the
// matching rules themselves.
const MatchingSourceID = "source:sanctiongraph-matching"

// LinkSummary counts the links LinkSameAs made, by rule, and the links it
// removed because their rule no longer matches.
type LinkSummary struct {
	ByRule  map[string]int
	Removed int
	Write   WriteSummaries
}

// derivedDataset is the dataset of SAME_AS links made by LinkSameAs.
const derivedDataset = "derived"

// LinkSameAs connects records of different datasets that describe the same
// real-world entity with SAME_AS relationships, keeping both records and
// their provenance: the same IMO number, or the same authority's listing id
// (confirmed); the same name and birth date for people, or the same
// multi-word name (and country, where both give one) for organisations
// (reported); and between a curated record and a list's, the name rules of
// model.PersonNameKeys and model.OrgWords with a shared country (reported).
// Every link cites the matching rules as its source and states its basis.
// A link it made before whose rule no longer matches (a newer list dropped
// the IMO number, say) is removed with its evidence; links curators made
// are never touched. Reruns change nothing. Run Resolve afterwards.
func (s *Store) LinkSameAs(ctx context.Context) (LinkSummary, error) {
	const op = "cypher.Store.LinkSameAs"
	rules := []struct {
		name, query string
		status      schema.Status
	}{
		{"imo", cypherMatchIMO, schema.Confirmed},
		{"authority-id", cypherMatchAuthorityID, schema.Confirmed},
		{"name+birthdate", cypherMatchPersonBirth, schema.Reported},
		{"name+country", cypherMatchOrgName, schema.Reported},
	}
	sum := LinkSummary{ByRule: map[string]int{}}
	type pair struct{ a, b string }
	seen := map[pair]bool{}
	var batch model.Batch
	add := func(rule string, status schema.Status, p [3]string) {
		if seen[pair{p[0], p[1]}] {
			return
		}
		seen[pair{p[0], p[1]}] = true
		sum.ByRule[rule]++
		id := string(schema.SameAs) + "|" + p[0] + "|" + p[1]
		props := model.Properties{}
		props.Set("basis", p[2])
		batch.Relationships = append(batch.Relationships, model.Relationship{
			ID: id, Type: schema.SameAs, FromID: p[0], ToID: p[1], Properties: props,
			Provenance: model.Provenance{Status: status, Dataset: derivedDataset, RecordID: rule},
		})
		batch.Evidence = append(batch.Evidence, model.Evidence{
			ID: "ev:" + id + ":match", FactID: id, SourceID: MatchingSourceID, Status: status,
			Basis: "research", Claim: "same " + strings.TrimSpace(p[2]) + " (rule " + rule + ")",
		})
	}
	for _, rule := range rules {
		pairs, err := read(ctx, s, op, func(tx neo4j.ManagedTransaction) ([][3]string, error) {
			res, err := tx.Run(ctx, rule.query, nil)
			if err != nil {
				return nil, err
			}
			var out [][3]string
			for res.Next(ctx) {
				a, _, _ := neo4j.GetRecordValue[string](res.Record(), "a")
				b, _, _ := neo4j.GetRecordValue[string](res.Record(), "b")
				basis, _, _ := neo4j.GetRecordValue[string](res.Record(), "basis")
				out = append(out, [3]string{a, b, basis})
			}
			return out, res.Err()
		})
		if err != nil {
			return sum, err
		}
		sortPairs(pairs)
		for _, p := range pairs {
			add(rule.name, rule.status, p)
		}
	}
	named, err := s.matchCuratedNames(ctx)
	if err != nil {
		return sum, err
	}
	for _, m := range named {
		add(m.rule, schema.Reported, m.pair)
	}
	removed, err := s.removeStaleLinks(ctx, func(a, b string) bool { return seen[pair{a, b}] })
	if err != nil {
		return sum, err
	}
	sum.Removed = removed
	if len(batch.Relationships) == 0 {
		return sum, nil
	}
	props := model.Properties{}
	props.Set("publisher", "sanctiongraph")
	props.Set("sourceKind", "reference")
	props.Set("publishedOn", time.Now().UTC().Format("2006"))
	batch.Entities = append(batch.Entities, model.Entity{
		ID: MatchingSourceID, Kind: schema.Source, Name: "sanctiongraph record matching rules",
		Description: "Records of different datasets are linked as SAME_AS when they share an IMO number or an authority's listing id " +
			"(confirmed), or, for people, a name and birth date, and for organisations a multi-word name and country (reported); " +
			"a curated record and a list's also when their names agree by the name rules (surname first or last, transliteration " +
			"variants, legal forms dropped, or all of the curated name's words in order) and they share a country (reported).",
		Properties: props, Provenance: model.Provenance{Status: schema.Confirmed, Dataset: "derived"},
	})
	w, err := s.Write(ctx, batch)
	if err != nil {
		return sum, fmt.Errorf("%s: %w", op, err)
	}
	sum.Write = w
	return sum, nil
}
