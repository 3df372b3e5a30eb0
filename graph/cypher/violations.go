package cypher

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/sanctiongraph/sanctiongraph/graph/breach"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// The potential-violation facts are read in one read transaction, by
// statements that are each bounded: the transfers of the date range (a
// range seek on the Node.when index in date order, capped) with their
// goods, senders, recipients, route and reactions gathered by COLLECT
// subqueries; the measures with their resolutions, targets and extensions;
// then, in one statement, the parties' ties and the supplier states' votes.
// With the measures kept (measureSet), a request is two statements. The
// rules run in Go (graph/breach).

// transferFacts is the RETURN of the transfer statements: one row per
// transfer, its neighbours in lists of {r, x}.
const transferFacts = `
RETURN t,
  COLLECT { MATCH (t)-[r:` + string(schema.Includes) + `]->(x:` + schema.NodeLabel + `) RETURN {r: r, x: x} LIMIT $links } AS goods,
  COLLECT { MATCH (x:` + schema.NodeLabel + `)-[r:` + string(schema.Sent) + `]->(t) RETURN {r: r, x: x} LIMIT $links } AS senders,
  COLLECT { MATCH (x:` + schema.NodeLabel + `)-[r:` + string(schema.Received) + `]->(t) RETURN {r: r, x: x} LIMIT $links } AS recipients,
  COLLECT { MATCH (t)-[r:` + string(schema.Via) + `]->(x:` + schema.NodeLabel + `) RETURN {r: r, x: x} LIMIT $links } AS route,
  COLLECT { MATCH (x:` + schema.NodeLabel + `)-[r:` + string(schema.ReactedTo) + `]->(t) RETURN {r: r, x: x} LIMIT $links } AS reactions`

const (
	// cypherViolationTransfers reads one more than the cap, to tell when
	// the range holds more. Transfer.when is the first day of its date;
	// both bounds are always given so the planner can seek the index.
	cypherViolationTransfers = `MATCH (t:` + schema.NodeLabel + `:` + string(schema.Transfer) + `)
WHERE t.when >= $from AND t.when <= $to AND t.statusRank >= 0
WITH t ORDER BY t.when, t.id LIMIT $limit` + transferFacts
	cypherUndatedTransfers = `MATCH (t:` + schema.NodeLabel + `:` + string(schema.Transfer) + `)
WHERE t.when IS NULL AND t.statusRank >= 0
WITH t ORDER BY t.id LIMIT $limit` + transferFacts
	cypherViolationMeasures = `MATCH (m:` + schema.NodeLabel + `:` + string(schema.Measure) + `)
WHERE m.statusRank >= 0 AND (m.goodsCategories IS NOT NULL OR m.hsCodes IS NOT NULL
   OR EXISTS { (m)<-[:` + string(schema.Extends) + `]-(:` + string(schema.Measure) + `) })
WITH m ORDER BY m.id LIMIT $limit
RETURN m,
  COLLECT { MATCH (x:` + schema.NodeLabel + `:` + string(schema.Resolution) + `)-[r:` + string(schema.Imposes) + `]->(m) RETURN {r: r, x: x} } AS imposedBy,
  COLLECT { MATCH (m)-[r:` + string(schema.Targets) + `]->(x:` + schema.NodeLabel + `) RETURN {r: r, x: x} } AS targets,
  COLLECT { MATCH (m)-[r:` + string(schema.Extends) + `]->(x:` + schema.NodeLabel + `:` + string(schema.Measure) + `) RETURN {r: r, x: x} } AS extends`
)

// The parties' ties are read only as wide as the rules of graph/breach
// need, with the tie types it owns: the transfers' parties (recipients and
// those received for, senders, route legs) are tied only to the measures'
// targets (rule 4); senders, origins, recipients and those who reacted only
// to states (rules 5 and 6), whose votes on the measures' resolutions are
// read in the same statement, once per state (reading them per party
// repeats a state's votes for each of its nationals); how many votes each
// resolution's roll records is read with the measures.
var (
	// cypherPartyFacts reads the parties ($ids) with their ties to the
	// measures' targets (those in $tied) and to states (those in $stated),
	// and the votes on $resolutions of the states among the stated parties
	// and at the other end of their ties (not retracted), each state once.
	cypherPartyFacts = `UNWIND $ids AS id
MATCH (x:` + schema.NodeLabel + ` {id: id})
WITH x, id IN $tied AS tied, id IN $stated AS stated
WITH x, stated,
  CASE WHEN tied THEN COLLECT { MATCH (x)-[r:` + relAlternatives(breach.TargetTies()) + `]->(y:` + schema.NodeLabel + `) WHERE y.id IN $targets
            RETURN {r: r, x: y} LIMIT $links } ELSE [] END AS targetTies,
  CASE WHEN stated THEN COLLECT { MATCH (x)-[r:` + relAlternatives(breach.StateTies()) + `]->(y:` + schema.NodeLabel + `:` + string(schema.State) + `)
            RETURN {r: r, x: y} LIMIT $links } ELSE [] END AS stateTies
WITH collect({x: x, targetTies: targetTies, stateTies: stateTies, stated: stated}) AS parties
CALL (parties) {
  UNWIND parties AS p
  WITH p WHERE p.stated
  UNWIND CASE WHEN p.x.kind = $state THEN [p.x] ELSE [] END
    + [t IN p.targetTies + p.stateTies WHERE t.x.kind = $state AND t.r.retractedAt IS NULL AND t.x.retractedAt IS NULL | t.x] AS s
  WITH DISTINCT s
  MATCH (s:` + string(schema.State) + `)-[r:` + string(schema.VotedOn) + `]->(res:` + schema.NodeLabel + `)
  WHERE res.id IN $resolutions
  RETURN collect({r: r, from: s.id, to: res.id}) AS votes
}
RETURN parties, votes`
	cypherRolls = `UNWIND $resolutions AS id
MATCH (res:` + schema.NodeLabel + ` {id: id})
RETURN id, COUNT { MATCH (:` + schema.NodeLabel + `:` + string(schema.State) + `)-[r:` + string(schema.VotedOn) + `]->(res) WHERE r.statusRank >= 0 } AS votes`
)

// relAlternatives writes relationship types as a Cypher alternation,
// LEADS|WORKS_FOR; the types are schema constants.
func relAlternatives(ts []schema.RelType) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = string(t)
	}
	return strings.Join(names, "|")
}

// ViolationFacts gathers what the potential-violation rules look at: the
// dated transfers in q's date range (by date and id, at most
// q.TransferLimit(), Truncated when there are more) with their goods,
// senders, recipients, route and reactions; the transfers without a date
// when no range is given; the measures with goods or extended by others
// (at most MaxViolationMeasures) with their resolutions, targets and
// extensions; the ties of the transfers' parties to those targets and to
// states; those states' votes on the measures' resolutions, and how many
// votes each resolution's roll records. One read transaction of up to five
// statements (two when the measures are kept), each bounded by the caps
// (transfers, measures, links per transfer or party), not by the graph.
//
// Errors: BAD_USER_INPUT for a bad date or a reversed range, TIMEOUT,
// UNAVAILABLE.
func (s *Store) ViolationFacts(ctx context.Context, q model.ViolationQuery) (*model.ViolationFacts, error) {
	const op = "cypher.Store.ViolationFacts"
	from, to, err := violationRange(q)
	if err != nil {
		return nil, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: op}
	}
	limit := q.TransferLimit()
	kept, keptState, ok := s.measures.peek("")
	if !ok {
		keptState = ""
	}
	f, usedState, state, err := measuresAt(keptState, func(useKept bool) (*model.ViolationFacts, string, error) {
		return readAt(ctx, s, op, func(tx neo4j.ManagedTransaction) (*model.ViolationFacts, error) {
			f := &model.ViolationFacts{Parties: map[string]*model.PartyFacts{}, Votes: map[string][]*model.Relationship{}, Rolls: map[string]int{}}
			ts, err := s.transferFacts(ctx, tx, cypherViolationTransfers, map[string]any{
				"from": from, "to": to, "limit": int64(limit + 1), "links": int64(model.MaxTransferLinks),
			})
			if err != nil {
				return nil, err
			}
			if len(ts) > limit {
				ts, f.Truncated = ts[:limit], true
			}
			f.Transfers = ts
			if q.From == "" && q.To == "" {
				f.Undated, err = s.transferFacts(ctx, tx, cypherUndatedTransfers, map[string]any{
					"limit": int64(model.MaxNotAssessed), "links": int64(model.MaxTransferLinks),
				})
				if err != nil {
					return nil, err
				}
			}
			ms := kept
			if !useKept {
				if ms, err = s.measureSet(ctx, tx); err != nil {
					return nil, err
				}
			}
			f.Measures, f.MeasuresTruncated = ms.measures, ms.truncated
			maps.Copy(f.Rolls, ms.rolls)
			return f, s.partyFacts(ctx, tx, f)
		})
	})
	if err == nil && usedState == "" {
		s.measures.put("", state, measureSet{measures: f.Measures, truncated: f.MeasuresTruncated, rolls: maps.Clone(f.Rolls)})
	}
	return f, err
}

// measureSet is what the rules read of the measures whatever the date
// range: the measures with their links, and how many votes each imposing
// resolution's roll records. It is kept per database state (stateCache)
// and shared by requests, which only read it.
type measureSet struct {
	measures  []model.MeasureFacts
	truncated bool
	rolls     map[string]int
}

// measuresAt reads with the kept measures when there are some (keptState
// not empty) and uses them only if the read ended at the state they were
// read at; otherwise it reads again with the measures. usedState is the
// kept state used, "" when the measures were read.
func measuresAt(keptState string, read func(useKept bool) (*model.ViolationFacts, string, error)) (f *model.ViolationFacts, usedState, state string, err error) {
	if keptState != "" {
		f, state, err = read(true)
		if err != nil || state == keptState {
			return f, keptState, state, err
		}
	}
	f, state, err = read(false)
	return f, "", state, err
}

// measureSet reads the measures and their resolutions' rolls.
func (s *Store) measureSet(ctx context.Context, tx neo4j.ManagedTransaction) (measureSet, error) {
	f := &model.ViolationFacts{}
	if err := s.measureFacts(ctx, tx, f); err != nil {
		return measureSet{}, err
	}
	ms := measureSet{measures: f.Measures, truncated: f.MeasuresTruncated, rolls: map[string]int{}}
	var resolutions idSet
	for _, m := range f.Measures {
		for _, l := range m.ImposedBy {
			resolutions.add(l.Other.ID)
		}
	}
	if len(resolutions.ids) == 0 {
		return ms, nil
	}
	res, err := tx.Run(ctx, cypherRolls, map[string]any{"resolutions": resolutions.ids})
	if err != nil {
		return ms, err
	}
	for res.Next(ctx) {
		rec := res.Record()
		id, _, _ := neo4j.GetRecordValue[string](rec, "id")
		n, _, _ := neo4j.GetRecordValue[int64](rec, "votes")
		ms.rolls[id] = int(n)
	}
	return ms, res.Err()
}

// violationRange turns the query's dates into index bounds; an open end is
// the earliest or latest day a Date holds, so the bounds are always values.
func violationRange(q model.ViolationQuery) (from, to dbtype.Date, err error) {
	from, to = dbtype.Date(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)), dbtype.Date(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
	if q.From != "" {
		t, err := model.ParseDay(q.From)
		if err != nil {
			return from, to, fmt.Errorf("from: %v", err)
		}
		from = dbtype.Date(t)
	}
	if q.To != "" {
		t, err := model.ParseDay(q.To)
		if err != nil {
			return from, to, fmt.Errorf("to: %v", err)
		}
		to = dbtype.Date(t)
	}
	if q.From != "" && q.To != "" && q.To < q.From {
		return from, to, fmt.Errorf("to: must not be before from")
	}
	return from, to, nil
}

func (s *Store) transferFacts(ctx context.Context, tx neo4j.ManagedTransaction, query string, params map[string]any) ([]model.TransferFacts, error) {
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return nil, err
	}
	var out []model.TransferFacts
	for res.Next(ctx) {
		rec := res.Record()
		n, _, err := neo4j.GetRecordValue[neo4j.Node](rec, "t")
		if err != nil {
			return nil, err
		}
		t := s.decodeEntity(n)
		tf := model.TransferFacts{Transfer: t}
		tf.Goods = s.links(rec, "goods", t.ID, true)
		tf.Senders = s.links(rec, "senders", t.ID, false)
		tf.Recipients = s.links(rec, "recipients", t.ID, false)
		tf.Route = s.links(rec, "route", t.ID, true)
		tf.Reactions = s.links(rec, "reactions", t.ID, false)
		out = append(out, tf)
	}
	return out, res.Err()
}

// links decodes a list of {r, x} maps: relationships between the entity
// with id self and the x at their other end, outgoing from self or not.
func (s *Store) links(rec *neo4j.Record, key, self string, outgoing bool) []model.Link {
	items, _, _ := neo4j.GetRecordValue[[]any](rec, key)
	return s.linksOf(items, self, outgoing)
}

// linksOf is links over the list itself.
func (s *Store) linksOf(items []any, self string, outgoing bool) []model.Link {
	out := make([]model.Link, 0, len(items))
	for _, it := range items {
		m, _ := it.(map[string]any)
		r, ok1 := m["r"].(neo4j.Relationship)
		x, ok2 := m["x"].(neo4j.Node)
		if !ok1 || !ok2 {
			continue
		}
		other := s.decodeEntity(x)
		from, to := self, other.ID
		if !outgoing {
			from, to = to, from
		}
		rel := s.decodeRel(r, from, to)
		if rel.Retracted != nil || other.Retracted != nil { // withdrawn by a curator
			continue
		}
		out = append(out, model.Link{Rel: rel, Other: other})
	}
	return out
}

func (s *Store) measureFacts(ctx context.Context, tx neo4j.ManagedTransaction, f *model.ViolationFacts) error {
	res, err := tx.Run(ctx, cypherViolationMeasures, map[string]any{"limit": int64(model.MaxViolationMeasures + 1)})
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		rec := res.Record()
		n, _, err := neo4j.GetRecordValue[neo4j.Node](rec, "m")
		if err != nil {
			return err
		}
		m := s.decodeEntity(n)
		f.Measures = append(f.Measures, model.MeasureFacts{
			Measure:   m,
			ImposedBy: s.links(rec, "imposedBy", m.ID, false),
			Targets:   s.links(rec, "targets", m.ID, true),
			Extends:   s.links(rec, "extends", m.ID, true),
		})
	}
	if err := res.Err(); err != nil {
		return err
	}
	if len(f.Measures) > model.MaxViolationMeasures {
		f.Measures, f.MeasuresTruncated = f.Measures[:model.MaxViolationMeasures], true
	}
	return nil
}

// partyFacts reads what the rules follow from the parties: the ties of
// recipients and of those received for to the measures' targets, the ties of
// senders and route origins to states, and the votes of those states on the
// resolutions imposing measures.
func (s *Store) partyFacts(ctx context.Context, tx neo4j.ManagedTransaction, f *model.ViolationFacts) error {
	var tied, stated idSet // parties read for ties to targets, to states
	for _, list := range [][]model.TransferFacts{f.Transfers, f.Undated} {
		for _, tf := range list {
			for _, l := range tf.Senders {
				tied.add(l.Other.ID)
				stated.add(l.Other.ID)
			}
			for _, l := range tf.Recipients {
				for _, id := range []string{l.Other.ID, l.Rel.Properties.First("onBehalfOf")} {
					tied.add(id)
					stated.add(id)
				}
			}
			for _, l := range tf.Route {
				tied.add(l.Other.ID)
				if l.Rel.Properties.First("leg") == "0" {
					stated.add(l.Other.ID)
				}
			}
			for _, l := range tf.Reactions {
				stated.add(l.Other.ID)
			}
		}
	}
	var targets, resolutions idSet
	for _, m := range f.Measures {
		for _, l := range m.Targets {
			targets.add(l.Other.ID)
		}
		for _, l := range m.ImposedBy {
			resolutions.add(l.Other.ID)
		}
	}
	var parties idSet
	for _, id := range tied.ids {
		parties.add(id)
	}
	for _, id := range stated.ids {
		parties.add(id)
	}
	if len(parties.ids) == 0 {
		return nil
	}
	res, err := tx.Run(ctx, cypherPartyFacts, map[string]any{
		"ids": parties.ids, "tied": nonNil(tied.ids), "stated": nonNil(stated.ids), "targets": nonNil(targets.ids),
		"resolutions": nonNil(resolutions.ids), "links": int64(model.MaxTransferLinks), "state": string(schema.State),
	})
	if err != nil {
		return err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return err
	}
	items, _, _ := neo4j.GetRecordValue[[]any](rec, "parties")
	for _, it := range items {
		m, _ := it.(map[string]any)
		n, ok := m["x"].(neo4j.Node)
		if !ok {
			continue
		}
		e := s.decodeEntity(n)
		p := &model.PartyFacts{Entity: e}
		f.Parties[e.ID] = p
		for _, key := range []string{"targetTies", "stateTies"} {
			ties, _ := m[key].([]any)
			for _, l := range s.linksOf(ties, e.ID, true) {
				if !slices.ContainsFunc(p.Ties, func(t model.Link) bool { return t.Rel.ID == l.Rel.ID }) {
					p.Ties = append(p.Ties, l)
				}
			}
		}
	}
	votes, _, _ := neo4j.GetRecordValue[[]any](rec, "votes")
	for _, it := range votes {
		m, _ := it.(map[string]any)
		r, ok := m["r"].(neo4j.Relationship)
		if !ok {
			continue
		}
		from, to := str(m["from"]), str(m["to"])
		if v := s.decodeRel(r, from, to); v.Retracted == nil {
			f.Votes[from] = append(f.Votes[from], v)
		}
	}
	return nil
}

// idSet collects distinct ids in the order first seen.
type idSet struct {
	ids  []string
	seen map[string]bool
}

func (s *idSet) add(id string) {
	if id == "" || s.seen[id] {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[id] = true
	s.ids = append(s.ids, id)
}
