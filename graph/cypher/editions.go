package cypher

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// List editions: every load of an authority's complete list records an
// :Edition (a system record; curator mutations reach only :Node and
// :Evidence) and an (:Edition)-[:LISTS]->(:Sanction) for each listing it
// holds, with the listing's reference, programs and compared fields as the
// edition states them. A listing's periods (model.ListingPeriods) follow
// from the editions that hold it and are stored on the Sanction and its
// DESIGNATES as parallel date lists periodFrom/periodUntil, which activeAt,
// neighbourhoods and dated path searches read (overlapClause).

// openEnd is the periodUntil of a period still current: Neo4j lists cannot
// hold nulls.
var openEnd = dbtype.Date(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))

// overlapClause is the condition "one of v's periods overlaps [lo, hi]" (lo
// or hi may be null, meaning open).
func overlapClause(v, lo, hi string) string {
	return `(` + v + `.periodFrom IS NULL OR any(i IN range(0, size(` + v + `.periodFrom) - 1) WHERE (` + hi + ` IS NULL OR ` +
		v + `.periodFrom[i] <= ` + hi + `) AND (` + lo + ` IS NULL OR ` + v + `.periodUntil[i] >= ` + lo + `)))`
}

const (
	cypherEditions = `MATCH (e:` + schema.EditionLabel + `)
WHERE e.dataset = $list OR toLower(e.authority) = toLower($list)
RETURN e ORDER BY e.publishedOn, e.loadedAt, e.id`
	cypherLatestEdition = `MATCH (e:` + schema.EditionLabel + ` {dataset: $dataset})
RETURN max(e.publishedOn) AS latest`
	cypherEditionExists = `MATCH (e:` + schema.EditionLabel + ` {id: $id}) RETURN count(e) AS n`
	cypherCreateEdition = `CREATE (e:` + schema.EditionLabel + `)
SET e = $props, e.loadedAt = datetime()`
	cypherCreateLists = `MATCH (e:` + schema.EditionLabel + ` {id: $edition})
UNWIND $rows AS row
MATCH (s:` + schema.NodeLabel + `:` + string(schema.Sanction) + ` {id: row.sanctionId})
CREATE (e)-[l:` + schema.ListsRel + `]->(s)
SET l = row.props
RETURN count(l) AS n`
	// The listings the newest edition holds; without editions, the listings
	// of the dataset not marked delisted (graphs loaded before editions).
	cypherActiveListings = `OPTIONAL MATCH (e:` + schema.EditionLabel + ` {dataset: $dataset})
WITH e ORDER BY e.publishedOn DESC, e.loadedAt DESC LIMIT 1
CALL (e) {
  WITH e WHERE e IS NOT NULL
  MATCH (e)-[:` + schema.ListsRel + `]->(s:` + string(schema.Sanction) + `)
  RETURN s.id AS id
  UNION
  WITH e WHERE e IS NULL
  MATCH (s:` + string(schema.Sanction) + ` {dataset: $dataset})
  WHERE s.delistedOn IS NULL AND s.authorityId IS NOT NULL AND s.statusRank >= 0
  RETURN s.id AS id
}
RETURN collect(id) AS ids`
	cypherPeriodInputs = `MATCH (s:` + string(schema.Sanction) + ` {dataset: $dataset})
WHERE EXISTS { (s)<-[:` + schema.ListsRel + `]-(:` + schema.EditionLabel + `) }
OPTIONAL MATCH (s)<-[:` + schema.ListsRel + `]-(e:` + schema.EditionLabel + `)
RETURN s.id AS id, s.listingDate AS listed, collect(e.id) AS editions,
       s.periodFrom AS pf, s.periodUntil AS pu, s.validFrom AS vf, s.validUntil AS vu, s.delistedOn AS dl,
       s.validFromText IS NULL AND s.validUntilText IS NULL AS noText`
	cypherSetPeriods = `UNWIND $rows AS row
MATCH (s:` + schema.NodeLabel + `:` + string(schema.Sanction) + ` {id: row.id})
SET s.periodFrom = row.from, s.periodUntil = row.until, s.validFrom = row.validFrom, s.validUntil = row.validUntil,
    s.validFromText = null, s.validUntilText = null, s.delistedOn = row.delistedOn
WITH s, row
OPTIONAL MATCH (s)-[d:` + string(schema.Designates) + `]->()
SET d.periodFrom = row.from, d.periodUntil = row.until, d.validFrom = row.validFrom, d.validUntil = row.validUntil,
    d.validFromText = null, d.validUntilText = null`
	cypherEditionListings = `MATCH (e:` + schema.EditionLabel + ` {id: $id})-[l:` + schema.ListsRel + `]->(s:` + string(schema.Sanction) + `)
WHERE $prefix IS NULL OR l.reference STARTS WITH $prefix
RETURN s.id AS id, l.reference AS reference, l.programs AS programs, l.name AS name, l.fields AS fields`
	cypherListingEditions = `MATCH (s:` + schema.NodeLabel + ` {id: $id})
OPTIONAL MATCH (s)<-[:` + schema.ListsRel + `]-(e:` + schema.EditionLabel + `)
WITH s, collect(e.id) AS ids
OPTIONAL MATCH (ed:` + schema.EditionLabel + ` {dataset: s.dataset})
WITH s, ids, ed ORDER BY ed.publishedOn, ed.loadedAt, ed.id
RETURN s.kind AS kind, s.authorityId AS reference, s.listingDate AS listed, ids, collect(ed) AS editions`
)

// Editions returns the editions of a list (a dataset such as "unsc" or an
// authority's name), oldest first.
func (s *Store) Editions(ctx context.Context, list string) ([]model.Edition, error) {
	return read(ctx, s, "cypher.Store.Editions", func(tx neo4j.ManagedTransaction) ([]model.Edition, error) {
		return editions(ctx, tx, list)
	})
}

func editions(ctx context.Context, tx neo4j.ManagedTransaction, list string) ([]model.Edition, error) {
	res, err := tx.Run(ctx, cypherEditions, map[string]any{"list": list})
	if err != nil {
		return nil, err
	}
	var out []model.Edition
	for res.Next(ctx) {
		n, _, _ := neo4j.GetRecordValue[neo4j.Node](res.Record(), "e")
		out = append(out, decodeEdition(n.Props))
	}
	return out, res.Err()
}

func decodeEdition(p map[string]any) model.Edition {
	e := model.Edition{
		ID: str(p["id"]), Dataset: str(p["dataset"]), Authority: str(p["authority"]), List: str(p["list"]),
		PublishedOn: str(p["publishedOn"]), Checksum: str(p["checksum"]), File: str(p["file"]),
		LoadedBy: str(p["loadedBy"]),
	}
	if n, ok := p["recordCount"].(int64); ok {
		e.RecordCount = int(n)
	}
	if t, ok := p["loadedAt"].(time.Time); ok {
		e.LoadedAt = t.UTC().Format(time.RFC3339)
	}
	e.Reconstructed, _ = p["reconstructed"].(bool)
	return e
}

// LatestList returns the publication date of the newest edition of a
// dataset loaded so far, or "" if none was. Only editions count: they are
// written by loaders alone, so no curator edit of a Source can make real
// lists look older.
func (s *Store) LatestList(ctx context.Context, dataset string) (string, error) {
	return read(ctx, s, "cypher.Store.LatestList", func(tx neo4j.ManagedTransaction) (string, error) {
		res, err := tx.Run(ctx, cypherLatestEdition, map[string]any{"dataset": dataset})
		if err != nil {
			return "", err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return "", err
		}
		v, _, _ := neo4j.GetRecordValue[string](rec, "latest")
		return v, nil
	})
}

// RemovalPlan says what recording an edition would remove: the listings
// the newest edition of the dataset holds (Active) that the new one does
// not (Removed, sorted).
type RemovalPlan struct {
	Active  int
	Removed []string
}

// PlanRemovals compares the sanction ids a new edition holds with the
// listings of the dataset's newest edition (or, before any edition, its
// listings not marked delisted). It writes nothing.
func (s *Store) PlanRemovals(ctx context.Context, dataset string, sanctionIDs []string) (RemovalPlan, error) {
	return read(ctx, s, "cypher.Store.PlanRemovals", func(tx neo4j.ManagedTransaction) (RemovalPlan, error) {
		active, err := single[[]any](ctx, tx, cypherActiveListings, map[string]any{"dataset": dataset}, "ids")
		if err != nil {
			return RemovalPlan{}, err
		}
		in := make(map[string]bool, len(sanctionIDs))
		for _, id := range sanctionIDs {
			in[id] = true
		}
		plan := RemovalPlan{Active: len(active)}
		for _, v := range active {
			if id := str(v); !in[id] {
				plan.Removed = append(plan.Removed, id)
			}
		}
		sort.Strings(plan.Removed)
		return plan, nil
	})
}

// EditionSummary says what RecordEdition did.
type EditionSummary struct {
	// Created is false when the edition was recorded before (same list,
	// date and checksum): nothing was written.
	Created bool
	// Listed counts the listings the edition holds.
	Listed int
	// Periods counts the listings whose periods changed.
	Periods int
	// Removed counts the listings whose newest period ended with this
	// edition (current before, not after).
	Removed int
}

// EditionID is the id of an edition: the dataset, its publication date and
// the start of its checksum.
func EditionID(dataset, published, checksum string) string {
	c := checksum
	if len(c) > 16 {
		c = c[:16]
	}
	return "edition:" + dataset + ":" + published + ":" + c
}

// maxListings bounds one edition: larger than any published list (OFAC's
// SDN list holds about 17,000 entries).
const maxListings = 200_000

// checkEdition refuses an edition without dataset, date or checksum, or
// with more than maxListings listings, and gives it its id.
func checkEdition(op string, e *model.Edition, listings int) error {
	if e.Dataset == "" || e.Checksum == "" {
		return &model.Error{Code: model.BadUserInput, Message: "edition: dataset and checksum are required", Op: op}
	}
	if _, err := model.ParseDay(e.PublishedOn); err != nil {
		return &model.Error{Code: model.BadUserInput, Message: "edition: publishedOn: " + err.Error(), Op: op}
	}
	if listings > maxListings {
		return &model.Error{Code: model.BadUserInput, Message: fmt.Sprintf("edition: more than %d listings", maxListings), Op: op}
	}
	if e.ID == "" {
		e.ID = EditionID(e.Dataset, e.PublishedOn, e.Checksum)
	}
	return nil
}

// RecordEdition records an edition of a list and the listings it holds,
// then derives the periods of every listing of its dataset from all its
// editions, in one transaction. Recording the same edition (same id) again
// changes nothing. Every listing's Sanction must exist (the load writes
// them first). Nothing is deleted: a listing missing from the edition keeps
// its node, its evidence and its earlier editions; its period ends
// (removedBetween: [last edition with it, this one]).
//
// Errors: BAD_USER_INPUT for an edition without dataset, date or checksum,
// a listing whose Sanction does not exist, or more than 200,000 listings;
// UNAVAILABLE, TIMEOUT.
func (s *Store) RecordEdition(ctx context.Context, e model.Edition, listings []model.Listing) (EditionSummary, error) {
	const op = "cypher.Store.RecordEdition"
	if err := checkEdition(op, &e, len(listings)); err != nil {
		return EditionSummary{}, err
	}
	rows := make([]map[string]any, 0, len(listings))
	seen := make(map[string]bool, len(listings))
	for _, l := range listings {
		if seen[l.SanctionID] {
			continue
		}
		seen[l.SanctionID] = true
		fields, err := json.Marshal(l.Fields)
		if err != nil {
			return EditionSummary{}, fmt.Errorf("%s: %w", op, err)
		}
		rows = append(rows, map[string]any{"sanctionId": l.SanctionID, "props": map[string]any{
			"id": e.ID + "|" + l.SanctionID, "reference": l.Reference, "programs": nonEmpty(l.Programs),
			"name": l.Name, "fields": string(fields),
		}})
	}
	e.RecordCount = len(rows)
	return write(ctx, s, op, func(tx neo4j.ManagedTransaction) (EditionSummary, error) {
		sum := EditionSummary{Listed: len(rows)}
		n, err := single[int64](ctx, tx, cypherEditionExists, map[string]any{"id": e.ID}, "n")
		if err != nil {
			return sum, err
		}
		if n > 0 {
			return sum, nil
		}
		sum.Created = true
		props := map[string]any{
			"id": e.ID, "dataset": e.Dataset, "authority": nilIfEmpty(e.Authority), "list": nilIfEmpty(e.List),
			"publishedOn": e.PublishedOn, "checksum": e.Checksum, "file": nilIfEmpty(e.File),
			"recordCount": int64(e.RecordCount), "loadedBy": nilIfEmpty(e.LoadedBy),
		}
		if _, err := tx.Run(ctx, cypherCreateEdition, map[string]any{"props": props}); err != nil {
			return sum, err
		}
		for start := 0; start < len(rows); start += 5000 {
			chunk := rows[start:min(start+5000, len(rows))]
			created, err := single[int64](ctx, tx, cypherCreateLists, map[string]any{"edition": e.ID, "rows": chunk}, "n")
			if err != nil {
				return sum, err
			}
			if int(created) != len(chunk) {
				return sum, &model.Error{Code: model.BadUserInput, Message: "edition: some listings have no Sanction in the graph", Op: op}
			}
		}
		changed, removed, err := derivePeriods(ctx, tx, e.Dataset, e.ID)
		sum.Periods, sum.Removed = changed, removed
		return sum, err
	})
}

// derivePeriods recomputes the periods of every listing of a dataset that
// some edition holds and writes those that changed. removed counts the
// listings that were current before and are not after edition newID.
func derivePeriods(ctx context.Context, tx neo4j.ManagedTransaction, dataset, newID string) (changed, removed int, err error) {
	eds, err := editions(ctx, tx, dataset)
	if err != nil {
		return 0, 0, err
	}
	dates := make([]model.EditionDate, 0, len(eds))
	for _, e := range eds {
		if e.Dataset == dataset {
			dates = append(dates, model.EditionDate{ID: e.ID, PublishedOn: e.PublishedOn})
		}
	}
	res, err := tx.Run(ctx, cypherPeriodInputs, map[string]any{"dataset": dataset})
	if err != nil {
		return 0, 0, err
	}
	var rows []map[string]any
	for res.Next(ctx) {
		r := res.Record()
		id, _, _ := neo4j.GetRecordValue[string](r, "id")
		listed, _, _ := neo4j.GetRecordValue[string](r, "listed")
		raw, _, _ := neo4j.GetRecordValue[[]any](r, "editions")
		pf, _, _ := neo4j.GetRecordValue[[]any](r, "pf")
		pu, _, _ := neo4j.GetRecordValue[[]any](r, "pu")
		in := make(map[string]bool, len(raw))
		for _, v := range raw {
			in[str(v)] = true
		}
		periods := model.ListingPeriods(dates, func(id string) bool { return in[id] }, listed)
		from, until := periodDates(periods)
		if len(periods) > 0 && !periods[len(periods)-1].Current && len(dates) > 0 && dates[len(dates)-1].ID == newID &&
			len(periods[len(periods)-1].RemovedBetween) == 2 && periods[len(periods)-1].RemovedBetween[1] == dates[len(dates)-1].PublishedOn {
			removed++
		}
		row := map[string]any{"id": id, "from": from, "until": until, "validFrom": nil, "validUntil": nil, "delistedOn": nil}
		if len(from) > 0 {
			row["validFrom"] = slices.MinFunc(from, cmpDate)
			if last := periods[len(periods)-1]; !last.Current {
				row["validUntil"] = slices.MaxFunc(until, cmpDate)
				row["delistedOn"] = last.RemovedBetween[1]
			}
		}
		vf, _ := r.Get("vf")
		vu, _ := r.Get("vu")
		dl, _ := r.Get("dl")
		noText, _, _ := neo4j.GetRecordValue[bool](r, "noText")
		// A reload of the listing writes the file's own dates (with their
		// text) over the derived ones; they are derived again here.
		if noText && sameDates(pf, from) && sameDates(pu, until) && dateStr(vf) == dateStr(row["validFrom"]) &&
			dateStr(vu) == dateStr(row["validUntil"]) && str(dl) == str(row["delistedOn"]) {
			continue
		}
		rows = append(rows, row)
	}
	if err := res.Err(); err != nil {
		return 0, 0, err
	}
	for start := 0; start < len(rows); start += 5000 {
		if _, err := tx.Run(ctx, cypherSetPeriods, map[string]any{"rows": rows[start:min(start+5000, len(rows))]}); err != nil {
			return 0, 0, err
		}
	}
	return len(rows), removed, nil
}

// periodDates turns periods into the parallel lists stored on the sanction.
func periodDates(ps []model.ListingPeriod) (from, until []any) {
	for _, p := range ps {
		f, err := model.ParseDay(p.ActiveFrom())
		if err != nil {
			continue
		}
		from = append(from, dbtype.Date(f))
		if u := p.ActiveUntil(); u == "" {
			until = append(until, openEnd)
		} else if t, err := model.ParseDay(u); err == nil {
			until = append(until, dbtype.Date(t))
		} else {
			until = append(until, openEnd)
		}
	}
	return from, until
}

func cmpDate(a, b any) int {
	return dbtype.Date.Time(a.(dbtype.Date)).Compare(dbtype.Date.Time(b.(dbtype.Date)))
}

func sameDates(stored, want []any) bool {
	if len(stored) != len(want) {
		return false
	}
	for i := range stored {
		if dateStr(stored[i]) != dateStr(want[i]) {
			return false
		}
	}
	return true
}

// ListingHistory returns a listing's periods and the editions that hold it.
// Errors: NOT_FOUND for an unknown id, BAD_USER_INPUT for an entity that is
// not a Sanction.
func (s *Store) ListingHistory(ctx context.Context, id string) (model.ListingHistory, error) {
	const op = "cypher.Store.ListingHistory"
	return read(ctx, s, op, func(tx neo4j.ManagedTransaction) (model.ListingHistory, error) {
		res, err := tx.Run(ctx, cypherListingEditions, map[string]any{"id": id})
		if err != nil {
			return model.ListingHistory{}, err
		}
		if !res.Next(ctx) {
			if err := res.Err(); err != nil {
				return model.ListingHistory{}, err
			}
			return model.ListingHistory{}, model.Errorf(model.NotFound, "no entity %q", id)
		}
		r := res.Record()
		kind, _, _ := neo4j.GetRecordValue[string](r, "kind")
		if kind != string(schema.Sanction) {
			return model.ListingHistory{}, model.Errorf(model.BadUserInput, "entity %q is a %s, not a Sanction", id, kind)
		}
		h := model.ListingHistory{SanctionID: id}
		h.Reference, _, _ = neo4j.GetRecordValue[string](r, "reference")
		listed, _, _ := neo4j.GetRecordValue[string](r, "listed")
		raw, _, _ := neo4j.GetRecordValue[[]any](r, "ids")
		all, _, _ := neo4j.GetRecordValue[[]any](r, "editions")
		in := map[string]bool{}
		for _, v := range raw {
			in[str(v)] = true
		}
		var dates []model.EditionDate
		for _, v := range all {
			n, ok := v.(neo4j.Node)
			if !ok {
				continue
			}
			e := decodeEdition(n.Props)
			dates = append(dates, model.EditionDate{ID: e.ID, PublishedOn: e.PublishedOn})
			if in[e.ID] {
				h.Editions = append(h.Editions, e)
			}
		}
		if len(h.Editions) > 0 {
			h.Periods = model.ListingPeriods(dates, func(id string) bool { return in[id] }, listed)
		}
		return h, res.Err()
	})
}

// listingState is one listing as an edition holds it.
type listingState struct {
	id, reference, name string
	programs            []string
	fields              map[string]string
	known               bool // fields recorded (false for reconstructed editions)
}

// ListChanges compares two editions of a list: the listings added, removed
// and amended (with the compared fields that differ, before and after),
// filtered by program or reference prefix, in reference order, one page at
// a time. A listing matches a program filter when either edition gives it
// that program. Errors: NOT_FOUND for a list without editions or a date
// that is no edition's, BAD_USER_INPUT for from not before to.
func (s *Store) ListChanges(ctx context.Context, q model.ListChangeQuery) (model.ListChangePage, error) {
	const op = "cypher.Store.ListChanges"
	return read(ctx, s, op, func(tx neo4j.ManagedTransaction) (model.ListChangePage, error) {
		var page model.ListChangePage
		eds, err := editions(ctx, tx, q.List)
		if err != nil {
			return page, err
		}
		if len(eds) == 0 {
			return page, model.Errorf(model.NotFound, "no edition of list %q is loaded", q.List)
		}
		pick := func(arg, date string, def int) (model.Edition, error) {
			if date == "" {
				if def < 0 {
					return model.Edition{}, model.Errorf(model.NotFound, "list %q has only one edition loaded", q.List)
				}
				return eds[def], nil
			}
			for i := len(eds) - 1; i >= 0; i-- {
				if eds[i].PublishedOn == date {
					return eds[i], nil
				}
			}
			return model.Edition{}, model.Errorf(model.NotFound, "argument %s: no edition of %q published on %s is loaded", arg, q.List, date)
		}
		if page.To, err = pick("to", q.To, len(eds)-1); err != nil {
			return page, err
		}
		before := -1
		for i, e := range eds {
			if e.PublishedOn < page.To.PublishedOn && e.Dataset == page.To.Dataset {
				before = i
			}
		}
		if page.From, err = pick("from", q.From, before); err != nil {
			return page, err
		}
		if page.From.Dataset != page.To.Dataset {
			return page, model.Errorf(model.BadUserInput, "editions %s and %s are of different lists", page.From.ID, page.To.ID)
		}
		if page.From.PublishedOn >= page.To.PublishedOn {
			return page, model.Errorf(model.BadUserInput, "argument from: %s is not before %s", page.From.PublishedOn, page.To.PublishedOn)
		}
		a, err := editionListings(ctx, tx, page.From.ID, q.ReferencePrefix)
		if err != nil {
			return page, err
		}
		b, err := editionListings(ctx, tx, page.To.ID, q.ReferencePrefix)
		if err != nil {
			return page, err
		}
		var all []model.ListingChange
		keep := func(c model.ListingChangeKind) bool { return len(q.Changes) == 0 || slices.Contains(q.Changes, c) }
		matches := func(ls ...*listingState) bool {
			if q.Program == "" {
				return true
			}
			for _, l := range ls {
				if l != nil && slices.Contains(l.programs, q.Program) {
					return true
				}
			}
			return false
		}
		for id, old := range a {
			nw := b[id]
			if !matches(old, nw) {
				continue
			}
			switch {
			case nw == nil:
				page.Removed++
				if keep(model.Removed) {
					all = append(all, model.ListingChange{Change: model.Removed, Reference: old.reference, SanctionID: id, Name: old.name, Programs: old.programs})
				}
			case old.known && nw.known:
				if fc := diffFields(old.fields, nw.fields); len(fc) > 0 {
					page.Amended++
					if keep(model.Amended) {
						all = append(all, model.ListingChange{Change: model.Amended, Reference: nw.reference, SanctionID: id, Name: nw.name, Programs: nw.programs, Fields: fc})
					}
				}
			}
		}
		for id, nw := range b {
			if a[id] == nil && matches(nw) {
				page.Added++
				if keep(model.Added) {
					all = append(all, model.ListingChange{Change: model.Added, Reference: nw.reference, SanctionID: id, Name: nw.name, Programs: nw.programs})
				}
			}
		}
		sort.Slice(all, func(i, j int) bool {
			if all[i].Reference != all[j].Reference {
				return all[i].Reference < all[j].Reference
			}
			return all[i].SanctionID < all[j].SanctionID
		})
		page.Total = len(all)
		if q.Offset < len(all) {
			page.Changes = all[q.Offset:min(q.Offset+q.Limit, len(all))]
		}
		return page, nil
	})
}

func editionListings(ctx context.Context, tx neo4j.ManagedTransaction, editionID, prefix string) (map[string]*listingState, error) {
	res, err := tx.Run(ctx, cypherEditionListings, map[string]any{"id": editionID, "prefix": nilIfEmpty(prefix)})
	if err != nil {
		return nil, err
	}
	out := map[string]*listingState{}
	for res.Next(ctx) {
		r := res.Record()
		l := &listingState{}
		l.id, _, _ = neo4j.GetRecordValue[string](r, "id")
		l.reference, _, _ = neo4j.GetRecordValue[string](r, "reference")
		l.name, _, _ = neo4j.GetRecordValue[string](r, "name")
		progs, _, _ := neo4j.GetRecordValue[[]any](r, "programs")
		l.programs = strs(progs)
		if raw, isNil, _ := neo4j.GetRecordValue[string](r, "fields"); !isNil && raw != "" {
			if err := json.Unmarshal([]byte(raw), &l.fields); err == nil {
				l.known = true
			}
		}
		out[l.id] = l
	}
	return out, res.Err()
}

// diffFields lists the compared fields whose values differ, in
// model.ListingFields order.
//
// Whitespace is not a change: the UN re-issues texts with spaces moved
// ("link: https" became "link:https" in 221 of the 653 listings that
// differ between its 2020 and 2026 lists), and calling those amendments
// would send a researcher to read hundreds of unchanged listings.
func diffFields(a, b map[string]string) []model.ListingFieldChange {
	var out []model.ListingFieldChange
	for _, f := range model.ListingFields {
		if withoutSpace(a[f]) != withoutSpace(b[f]) {
			fc := model.ListingFieldChange{Field: f}
			if v, ok := a[f]; ok && v != "" {
				fc.Before = &v
			}
			if v, ok := b[f]; ok && v != "" {
				fc.After = &v
			}
			out = append(out, fc)
		}
	}
	return out
}

// withoutSpace is s with every white-space character removed.
func withoutSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// ListingIDs returns the sanction ids of listings for messages: the first
// n, and how many more.
func ListingIDs(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:n], ", "), len(ids)-n)
}
