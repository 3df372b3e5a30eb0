package cypher

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Bulk is the first load of an empty graph through Neo4j's offline
// importer. It takes the loaders' writes exactly as Store.Write does — the
// same validation, the same rows of stored properties and content hashes,
// the same rules for a record written twice (last write wins, a reference
// record never overwrites another dataset's, a kind conflict fails) and the
// same checks that a relationship's ends and an evidence's source exist when
// it is written — but keeps them in memory instead of sending them to Neo4j.
// WriteCSV then writes them as the importer's CSV files, and the editions
// the lists recorded are kept (Editions) to be replayed by FinishBulk once
// the imported database runs, because a listing's periods are derived by
// Cypher from all editions of its list.
//
// Bulk implements the stores loaders/importer needs (Write, LatestList,
// PlanRemovals, RecordEdition), so every loader runs unchanged on it.
type Bulk struct {
	rows     *Store // only its model: entityRows, relRows and evidenceRows
	entities map[string]*bulkEntity
	rels     map[string]*bulkRel // keyed type + "\x00" + id, like the store's per-type lookups
	evidence map[string]*bulkEvidence
	editions []BulkEdition
	// Rows are kept as their CSV fields, encoded when written: the
	// columns of a kind, a type and of evidence are the stored properties
	// (every row of one holds the same, declared ones as null when
	// absent), taken from its first row, sorted, without the id.
	entityCols map[schema.Kind][]string
	relCols    map[schema.RelType][]string
	evCols     []string
}

type bulkEntity struct {
	kind      schema.Kind
	dataset   string
	hash      string
	fields    string
	listed    bool // a Sanction the store would count as active without editions
	authority bool
}

type bulkRel struct {
	typ      schema.RelType
	id       string
	from, to string
	hash     string
	fields   string
}

type bulkEvidence struct {
	source string
	hash   string
	fields string
}

// BulkEdition is an edition a list recorded during a bulk load, with the
// listings it holds, in load order.
type BulkEdition struct {
	Edition  model.Edition   `json:"edition"`
	Listings []model.Listing `json:"listings"`
}

// NewBulk returns an empty bulk load for the model.
func NewBulk(m *schema.Model) *Bulk {
	return &Bulk{
		rows:       &Store{model: m},
		entities:   map[string]*bulkEntity{},
		rels:       map[string]*bulkRel{},
		evidence:   map[string]*bulkEvidence{},
		entityCols: map[schema.Kind][]string{},
		relCols:    map[schema.RelType][]string{},
	}
}

// Write takes a batch as Store.Write would store it in an empty graph that
// holds what earlier batches wrote. A failed batch changes nothing.
func (b *Bulk) Write(ctx context.Context, batch model.Batch) (WriteSummaries, error) {
	const op = "cypher.Bulk.Write"
	if err := ctx.Err(); err != nil {
		return WriteSummaries{}, err
	}
	ents, err := b.rows.entityRows(batch.Entities)
	if err != nil {
		return WriteSummaries{}, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: op}
	}
	rels, err := b.rows.relRows(batch.Relationships)
	if err != nil {
		return WriteSummaries{}, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: op}
	}
	evs, err := b.rows.evidenceRows(batch.Evidence)
	if err != nil {
		return WriteSummaries{}, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: op}
	}
	// Check the whole batch first, against what is held plus the batch's
	// own entities, so that a refused batch leaves nothing behind.
	var sum WriteSummaries
	kindOf := func(id string) (schema.Kind, bool) {
		if e, ok := b.entities[id]; ok {
			return e.kind, true
		}
		return "", false
	}
	batchKinds := map[string]schema.Kind{}
	for _, r := range ents {
		old, exists := b.entities[r.id]
		switch {
		case !exists:
			sum.Entities.Created++
		case old.kind != r.kind:
			return WriteSummaries{}, &model.Error{Code: model.Conflict, Message: fmt.Sprintf("entity %q is stored as %s, not %s", r.id, old.kind, r.kind), Op: op}
		case old.hash == r.hash || (r.ref && old.dataset != referenceDataset):
			sum.Entities.Unchanged++
		default:
			sum.Entities.Updated++
		}
		if !exists {
			batchKinds[r.id] = r.kind
		}
	}
	endKind := func(id string) (schema.Kind, bool) {
		if k, ok := kindOf(id); ok {
			return k, true
		}
		k, ok := batchKinds[id]
		return k, ok
	}
	var problems []string
	for _, r := range rels {
		old, exists := b.rels[string(r.typ)+"\x00"+r.id]
		switch {
		case !exists:
			sum.Relationships.Created++
			decl, _ := b.rows.model.Rel(r.typ)
			fk, fok := endKind(r.from)
			tk, tok := endKind(r.to)
			switch {
			case !fok:
				problems = append(problems, fmt.Sprintf("relationship %q: no entity %q", r.id, r.from))
			case !tok:
				problems = append(problems, fmt.Sprintf("relationship %q: no entity %q", r.id, r.to))
			case !slices.Contains(decl.From, fk):
				problems = append(problems, fmt.Sprintf("relationship %q: %s cannot start at a %s", r.id, decl.Name, fk))
			case !slices.Contains(decl.To, tk):
				problems = append(problems, fmt.Sprintf("relationship %q: %s cannot end at a %s", r.id, decl.Name, tk))
			}
		case old.hash == r.hash:
			sum.Relationships.Unchanged++
		default:
			sum.Relationships.Updated++
		}
		if len(problems) >= 10 {
			break
		}
	}
	if len(problems) > 0 {
		return WriteSummaries{}, &model.Error{Code: model.BadUserInput, Message: strings.Join(problems, "; "), Op: op}
	}
	var missing []string
	for _, r := range evs {
		if old, ok := b.evidence[r.id]; ok && old.hash == r.hash {
			sum.Evidence.Unchanged++
			continue
		} else if ok {
			sum.Evidence.Updated++
		} else {
			sum.Evidence.Created++
		}
		if k, ok := endKind(r.src); !ok || k != schema.Source {
			if !slices.Contains(missing, r.src) {
				missing = append(missing, r.src)
			}
		}
	}
	if len(missing) > 0 {
		return WriteSummaries{}, &model.Error{Code: model.BadUserInput, Message: fmt.Sprintf("evidence cites sources that do not exist: %v", missing), Op: op}
	}
	// Encode, then apply: an encoding error refuses the whole batch.
	type encoded struct {
		r      row
		fields string
	}
	encEnts := make([]encoded, 0, len(ents))
	for _, r := range ents {
		if old, ok := b.entities[r.id]; ok && (old.hash == r.hash || (r.ref && old.dataset != referenceDataset)) {
			continue
		}
		cols, f, err := encodeRow(b.entityCols[r.kind], r.props)
		if err != nil {
			return WriteSummaries{}, &model.Error{Code: model.BadUserInput, Message: fmt.Sprintf("entity %q: %v", r.id, err), Op: op}
		}
		b.entityCols[r.kind] = cols
		encEnts = append(encEnts, encoded{r, f})
	}
	encRels := make([]encoded, 0, len(rels))
	for _, r := range rels {
		if old, ok := b.rels[string(r.typ)+"\x00"+r.id]; ok && old.hash == r.hash {
			continue
		}
		cols, f, err := encodeRow(b.relCols[r.typ], r.props)
		if err != nil {
			return WriteSummaries{}, &model.Error{Code: model.BadUserInput, Message: fmt.Sprintf("relationship %q: %v", r.id, err), Op: op}
		}
		b.relCols[r.typ] = cols
		encRels = append(encRels, encoded{r, f})
	}
	encEvs := make([]encoded, 0, len(evs))
	for _, r := range evs {
		if old, ok := b.evidence[r.id]; ok && old.hash == r.hash {
			continue
		}
		cols, f, err := encodeRow(b.evCols, r.props)
		if err != nil {
			return WriteSummaries{}, &model.Error{Code: model.BadUserInput, Message: fmt.Sprintf("evidence %q: %v", r.id, err), Op: op}
		}
		b.evCols = cols
		encEvs = append(encEvs, encoded{r, f})
	}
	for _, e := range encEnts {
		r := e.r
		b.entities[r.id] = &bulkEntity{
			kind: r.kind, dataset: str(r.props["dataset"]), hash: r.hash, fields: e.fields,
			authority: r.kind == schema.Sanction && r.props["authorityId"] != nil,
			listed:    r.props["delistedOn"] == nil && asInt(r.props["statusRank"]) >= 0,
		}
	}
	for _, e := range encRels {
		r := e.r
		key := string(r.typ) + "\x00" + r.id
		if old, ok := b.rels[key]; ok {
			old.hash, old.fields = r.hash, e.fields // an update keeps the ends, as Store.Write's does
			continue
		}
		b.rels[key] = &bulkRel{typ: r.typ, id: r.id, from: r.from, to: r.to, hash: r.hash, fields: e.fields}
	}
	for _, e := range encEvs {
		b.evidence[e.r.id] = &bulkEvidence{source: e.r.src, hash: e.r.hash, fields: e.fields}
	}
	return sum, nil
}

func asInt(v any) int64 {
	n, _ := v.(int64)
	return n
}

// LatestList is the publication date of the newest edition of a dataset
// recorded in this bulk load ("" if none).
func (b *Bulk) LatestList(ctx context.Context, dataset string) (string, error) {
	latest := ""
	for _, e := range b.editions {
		if e.Edition.Dataset == dataset && e.Edition.PublishedOn > latest {
			latest = e.Edition.PublishedOn
		}
	}
	return latest, nil
}

// PlanRemovals is Store.PlanRemovals over what this bulk load holds: the
// listings of the newest edition recorded (the last recorded of the newest
// date), or without one the dataset's listings not marked delisted.
func (b *Bulk) PlanRemovals(ctx context.Context, dataset string, sanctionIDs []string) (RemovalPlan, error) {
	var active []string
	newest := -1
	for i, e := range b.editions {
		if e.Edition.Dataset == dataset && (newest < 0 || e.Edition.PublishedOn >= b.editions[newest].Edition.PublishedOn) {
			newest = i
		}
	}
	if newest >= 0 {
		seen := map[string]bool{}
		for _, l := range b.editions[newest].Listings {
			if !seen[l.SanctionID] {
				seen[l.SanctionID] = true
				active = append(active, l.SanctionID)
			}
		}
	} else {
		for id, e := range b.entities {
			if e.kind == schema.Sanction && e.dataset == dataset && e.authority && e.listed {
				active = append(active, id)
			}
		}
	}
	in := make(map[string]bool, len(sanctionIDs))
	for _, id := range sanctionIDs {
		in[id] = true
	}
	plan := RemovalPlan{Active: len(active)}
	for _, id := range active {
		if !in[id] {
			plan.Removed = append(plan.Removed, id)
		}
	}
	sort.Strings(plan.Removed)
	return plan, nil
}

// RecordEdition keeps an edition to be recorded by FinishBulk, after the
// import, in the order the lists were loaded. It checks what
// Store.RecordEdition checks, so a bad edition fails the load here too.
func (b *Bulk) RecordEdition(ctx context.Context, e model.Edition, listings []model.Listing) (EditionSummary, error) {
	const op = "cypher.Bulk.RecordEdition"
	if err := checkEdition(op, &e, len(listings)); err != nil {
		return EditionSummary{}, err
	}
	plan, err := b.PlanRemovals(ctx, e.Dataset, listingIDs(listings))
	if err != nil {
		return EditionSummary{}, err
	}
	for _, x := range b.editions {
		if x.Edition.ID == e.ID {
			return EditionSummary{Listed: len(listings)}, nil
		}
	}
	for _, l := range listings {
		if ent, ok := b.entities[l.SanctionID]; !ok || ent.kind != schema.Sanction {
			return EditionSummary{}, &model.Error{Code: model.BadUserInput, Message: "edition: some listings have no Sanction in the graph", Op: op}
		}
	}
	b.editions = append(b.editions, BulkEdition{Edition: e, Listings: slices.Clone(listings)})
	return EditionSummary{Created: true, Listed: len(listings), Removed: len(plan.Removed)}, nil
}

func listingIDs(ls []model.Listing) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.SanctionID
	}
	return out
}

// Editions returns the editions recorded, in load order.
func (b *Bulk) Editions() []BulkEdition { return slices.Clone(b.editions) }

// FinishBulk runs on the imported database, after Migrate: it records the
// editions of a bulk load in load order (which derives every listing's
// periods, as the transactional loads did after each list). Linking across
// datasets (LinkSameAs, Resolve) follows, as after any load.
func (s *Store) FinishBulk(ctx context.Context, eds []BulkEdition) error {
	for _, e := range eds {
		if _, err := s.RecordEdition(ctx, e.Edition, e.Listings); err != nil {
			return fmt.Errorf("recording edition %s: %w", e.Edition.ID, err)
		}
	}
	return nil
}

// BulkFiles are the files WriteCSV wrote: groups of node and relationship
// files for the importer (each group one file whose first line is its
// header), and the editions to replay.
type BulkFiles struct {
	Dir           string
	Nodes         [][]string
	Relationships [][]string
	Editions      string
	// NodeRows and RelationshipRows count the data rows written.
	NodeRows, RelationshipRows int
}

// ArrayDelimiter separates the elements of list values in the CSV files:
// the ASCII unit separator, which the model's value rules keep out of text.
const ArrayDelimiter = '\x1f'

// The id spaces of the CSV files.
const (
	idSpaceNode     = "Node"
	idSpaceEvidence = "Evidence"
	idSpaceResolved = "Resolved"
)

// csvType is the importer's type of a stored property.
func csvType(name string, decl map[string]schema.Prop) string {
	switch name {
	case "statusRank":
		return "long"
	case "validFrom", "validUntil", "when":
		return "date"
	case "aliases":
		return "string[]"
	}
	if d, ok := decl[name]; ok {
		switch {
		case d.Type == schema.TInt:
			return "long"
		case d.Type == schema.TNumber:
			return "double"
		case d.Type == schema.TBool:
			return "boolean"
		case d.Type.Multi():
			return "string[]"
		}
	}
	return "string"
}

// columnsOf are the property columns of a row's kind or type: its keys,
// sorted, without the id (the importer's id column).
func columnsOf(props map[string]any) []string {
	out := make([]string, 0, len(props))
	for k := range props {
		if k != "id" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// encodeRow encodes a row with the columns of its kind or type, taken from
// this row when there are none yet; it returns the columns.
func encodeRow(cols []string, props map[string]any) ([]string, string, error) {
	if cols == nil {
		cols = columnsOf(props)
	}
	f, err := encodeFields(props, cols)
	return cols, f, err
}

// encodeFields encodes a row's properties as the CSV fields of cols. Every
// row of a kind or type holds the same keys; one that does not is refused
// (it would need other columns).
func encodeFields(props map[string]any, cols []string) (string, error) {
	n := len(props)
	if _, ok := props["id"]; ok {
		n--
	}
	if n != len(cols) {
		return "", fmt.Errorf("stored properties %v do not match the columns %v of its kind", columnsOf(props), cols)
	}
	var sb strings.Builder
	for i, c := range cols {
		v, ok := props[c]
		if !ok {
			return "", fmt.Errorf("stored properties %v do not match the columns %v of its kind", columnsOf(props), cols)
		}
		f, err := csvValue(v)
		if err != nil {
			return "", fmt.Errorf("%s: %w", c, err)
		}
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(f)
	}
	return sb.String(), nil
}

// header is the header of a group: its id columns, then cols typed.
func header(lead []string, cols []string, decl map[string]schema.Prop) []string {
	out := slices.Clone(lead)
	for _, c := range cols {
		out = append(out, c+":"+csvType(c, decl))
	}
	return out
}

// csvValue encodes one value: nil as an empty field (no property), text
// quoted (so "" stays an empty string), lists joined by ArrayDelimiter.
func csvValue(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		if strings.ContainsRune(x, ArrayDelimiter) {
			return "", fmt.Errorf("value %q holds the array delimiter U+001F", x)
		}
		return quote(x), nil
	case []string:
		for _, s := range x {
			if strings.ContainsRune(s, ArrayDelimiter) {
				return "", fmt.Errorf("value %q holds the array delimiter U+001F", s)
			}
		}
		return quote(strings.Join(x, string(ArrayDelimiter))), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case dbtype.Date:
		return time.Time(x).Format(time.DateOnly), nil
	}
	return "", fmt.Errorf("no CSV encoding for a %T", v)
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// csvWriter writes one group file.
type csvWriter struct {
	f    *os.File
	w    *bufio.Writer
	path string
	rows int
}

func newCSV(dir, name string, header []string) (*csvWriter, error) {
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	c := &csvWriter{f: f, w: bufio.NewWriterSize(f, 1<<20), path: path}
	_, err = c.w.WriteString(strings.Join(header, ",") + "\n")
	return c, err
}

func (c *csvWriter) row(fields []string) error {
	c.rows++
	_, err := c.w.WriteString(strings.Join(fields, ",") + "\n")
	return err
}

// line writes a row already encoded.
func (c *csvWriter) line(l string) error {
	c.rows++
	_, err := c.w.WriteString(l + "\n")
	return err
}

// sep is the comma between the id columns and the property fields, when
// there are any.
func sep(cols []string) string {
	if len(cols) == 0 {
		return ""
	}
	return ","
}

func (c *csvWriter) close() error {
	return errors.Join(c.w.Flush(), c.f.Close())
}

// WriteCSV writes the bulk load into dir (created; it must not hold files of
// an earlier run) as the importer's files: entity nodes per kind (labels
// Node and the kind; a Resolved node each, as Store.Write creates them),
// evidence nodes, relationships per type, CITES, RECORD_OF and HAS_RECORD;
// and editions.json with the editions to replay. Ids are the importer's ids
// in three id spaces (Node, Evidence, Resolved) and are stored as the id
// property.
func (b *Bulk) WriteCSV(ctx context.Context, dir string) (BulkFiles, error) {
	out := BulkFiles{Dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return out, err
	}
	m := b.rows.model
	// Entities by kind, in id order so the files are reproducible.
	ids := make([]string, 0, len(b.entities))
	for id := range b.entities {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	byKind := map[schema.Kind][]string{}
	for _, id := range ids {
		k := b.entities[id].kind
		byKind[k] = append(byKind[k], id)
	}
	for _, k := range schema.Kinds {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		kids := byKind[k]
		if len(kids) == 0 {
			continue
		}
		decl, _ := m.Kind(k)
		cols := b.entityCols[k]
		w, err := newCSV(dir, "nodes-"+string(k)+".csv", header([]string{"id:ID(" + idSpaceNode + ")", ":LABEL"}, cols, decl.Properties))
		if err != nil {
			return out, err
		}
		label := quote(schema.NodeLabel + string(ArrayDelimiter) + string(k)) // the importer splits labels on the array delimiter
		var werr error
		for _, id := range kids {
			if werr = w.line(quote(id) + "," + label + sep(cols) + b.entities[id].fields); werr != nil {
				break
			}
		}
		if err := errors.Join(werr, w.close()); err != nil {
			return out, err
		}
		out.Nodes = append(out.Nodes, []string{w.path})
		out.NodeRows += w.rows
	}
	// Resolved entities and their record links: one each, as new records
	// get them (Resolve then merges clusters).
	res, err := newCSV(dir, "nodes-Resolved.csv", []string{"id:ID(" + idSpaceResolved + ")", ":LABEL", "kind:string"})
	if err != nil {
		return out, err
	}
	recOf, err := newCSV(dir, "rels-RECORD_OF.csv", []string{":START_ID(" + idSpaceNode + ")", ":END_ID(" + idSpaceResolved + ")", ":TYPE"})
	if err != nil {
		res.close()
		return out, err
	}
	hasRec, err := newCSV(dir, "rels-HAS_RECORD.csv", []string{":START_ID(" + idSpaceResolved + ")", ":END_ID(" + idSpaceNode + ")", ":TYPE"})
	if err != nil {
		res.close()
		recOf.close()
		return out, err
	}
	var werr error
	for _, id := range ids {
		q := quote(id)
		if werr = errors.Join(res.row([]string{q, schema.ResolvedLabel, quote(string(b.entities[id].kind))}),
			recOf.row([]string{q, q, string(schema.RecordOf)}),
			hasRec.row([]string{q, q, string(schema.HasRecord)})); werr != nil {
			break
		}
	}
	if err := errors.Join(werr, res.close(), recOf.close(), hasRec.close()); err != nil {
		return out, err
	}
	out.Nodes = append(out.Nodes, []string{res.path})
	out.Relationships = append(out.Relationships, []string{recOf.path}, []string{hasRec.path})
	out.NodeRows += res.rows
	out.RelationshipRows += recOf.rows + hasRec.rows

	// Evidence and CITES.
	eids := make([]string, 0, len(b.evidence))
	for id := range b.evidence {
		eids = append(eids, id)
	}
	sort.Strings(eids)
	if len(eids) > 0 {
		ev, err := newCSV(dir, "nodes-Evidence.csv", header([]string{"id:ID(" + idSpaceEvidence + ")", ":LABEL"}, b.evCols, m.EvidenceProps()))
		if err != nil {
			return out, err
		}
		cites, err := newCSV(dir, "rels-CITES.csv", []string{":START_ID(" + idSpaceEvidence + ")", ":END_ID(" + idSpaceNode + ")", ":TYPE"})
		if err != nil {
			ev.close()
			return out, err
		}
		var werr error
		for _, id := range eids {
			e := b.evidence[id]
			if werr = errors.Join(ev.line(quote(id)+","+schema.EvidenceLabel+sep(b.evCols)+e.fields),
				cites.row([]string{quote(id), quote(e.source), string(schema.Cites)})); werr != nil {
				break
			}
		}
		if err := errors.Join(werr, ev.close(), cites.close()); err != nil {
			return out, err
		}
		out.Nodes = append(out.Nodes, []string{ev.path})
		out.Relationships = append(out.Relationships, []string{cites.path})
		out.NodeRows += ev.rows
		out.RelationshipRows += cites.rows
	}

	// Relationships by type.
	byType := map[schema.RelType][]*bulkRel{}
	for _, r := range b.rels {
		byType[r.typ] = append(byType[r.typ], r)
	}
	for _, t := range schema.RelTypes {
		rs := byType[t]
		if len(rs) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		sort.Slice(rs, func(i, j int) bool { return rs[i].id < rs[j].id })
		decl, _ := m.Rel(t)
		cols := append([]string{"id"}, b.relCols[t]...) // relationships store their id as a property
		w, err := newCSV(dir, "rels-"+string(t)+".csv", header([]string{":START_ID(" + idSpaceNode + ")", ":END_ID(" + idSpaceNode + ")", ":TYPE"}, cols, decl.Properties))
		if err != nil {
			return out, err
		}
		var werr error
		for _, r := range rs {
			if werr = w.line(quote(r.from) + "," + quote(r.to) + "," + string(t) + "," + quote(r.id) + sep(b.relCols[t]) + r.fields); werr != nil {
				break
			}
		}
		if err := errors.Join(werr, w.close()); err != nil {
			return out, err
		}
		out.Relationships = append(out.Relationships, []string{w.path})
		out.RelationshipRows += w.rows
	}

	// Editions to replay.
	out.Editions = filepath.Join(dir, "editions.json")
	buf, err := json.Marshal(b.editions)
	if err != nil {
		return out, err
	}
	if err := os.WriteFile(out.Editions, buf, 0o644); err != nil {
		return out, err
	}
	return out, nil
}

// ReadBulkEditions reads the editions.json WriteCSV wrote.
func ReadBulkEditions(path string) ([]BulkEdition, error) {
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var eds []BulkEdition
	if err := json.Unmarshal(buf, &eds); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return eds, nil
}
