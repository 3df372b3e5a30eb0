package cypher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// referenceDataset marks entities (states) that any loader may emit and that
// never overwrite an existing node (loaders.ReferenceDataset).
const referenceDataset = "reference"

// reserved are the stored property names the store computes itself; no
// declared property may use one (schema tests check model.yaml).
var reserved = []string{"id", "kind", "name", "aliases", "description", "status", "statusRank",
	"validFrom", "validUntil", "dataset", "recordId", "searchText", "sortName", "when", "hash",
	"factId", "sourceId", "periodFrom", "periodUntil", "supersededBy", "curatedFields", "loadedHash",
	"validFromText", "validUntilText"}

// keepRetraction follows an update of v's stored properties: the props of a
// record hold every stored field (undeclared ones as null, which removes
// them), so `SET v += props` replaces the record but keeps what curators
// added on top — a retraction, which must also keep statusRank below every
// status so retracted facts stay out of lists and analyses.
func keepRetraction(v string) string {
	return `
SET ` + v + `.statusRank = CASE WHEN ` + v + `.retractedAt IS NULL THEN ` + v + `.statusRank ELSE ` + retractedRank + ` END`
}

// retractedRank is the statusRank of a retracted fact: below every status
// (schema.Status.Rank is 1 to 4, and lists ask for statusRank >= 0 at least).
const retractedRank = "-1"

// Statements that depend on a label or relationship type are built once from
// the schema constants; request text never reaches them.
// New records are CREATEd and changed ones MATCHed by id and SET: the
// transaction has read which exist, so no statement needs MERGE's locking
// (a concurrent writer of the same id fails on the uniqueness constraint
// with CONFLICT instead).
var (
	createEntity = map[schema.Kind]string{}
	updateEntity = map[schema.Kind]string{}
	createRel    = map[schema.RelType]string{}
	updateRel    = map[schema.RelType]string{}
	relState     = map[schema.RelType]string{}
)

func init() {
	for _, k := range schema.Kinds {
		// A new record is its own resolved entity until Resolve merges
		// it into a SAME_AS cluster.
		createEntity[k] = `UNWIND $rows AS row
CREATE (n:` + schema.NodeLabel + `:` + string(k) + `)
SET n = row.props
MERGE (res:` + schema.ResolvedLabel + ` {id: n.id}) ON CREATE SET res.kind = n.kind
CREATE (n)-[:` + string(schema.RecordOf) + `]->(res), (res)-[:` + string(schema.HasRecord) + `]->(n)`
		updateEntity[k] = `UNWIND $rows AS row
MATCH (n:` + schema.NodeLabel + ` {id: row.id})
SET n += row.props` + keepRetraction("n")
	}
	for _, t := range schema.RelTypes {
		createRel[t] = `UNWIND $rows AS row
MATCH (a:` + schema.NodeLabel + ` {id: row.from})
MATCH (b:` + schema.NodeLabel + ` {id: row.to})
WITH a, b, row WHERE a.kind IN $fromKinds AND b.kind IN $toKinds
CREATE (a)-[r:` + string(t) + `]->(b)
SET r = row.props
RETURN count(r) AS n`
		updateRel[t] = `UNWIND $rows AS row
MATCH ()-[r:` + string(t) + ` {id: row.id}]->()
SET r += row.props` + keepRetraction("r") + `
RETURN count(r) AS n`
		relState[t] = `UNWIND $ids AS id
MATCH ()-[r:` + string(t) + ` {id: id}]->()
RETURN r.id AS id, r.hash AS hash`
	}
}

const (
	cypherEntityState = `UNWIND $ids AS id
MATCH (n:` + schema.NodeLabel + ` {id: id})
RETURN n.id AS id, n.kind AS kind, n.hash AS hash, n.dataset AS dataset, n.curatedFields AS curated, n.loadedHash AS loadedHash,
       CASE WHEN n.curatedFields IS NULL THEN null ELSE properties(n) END AS props`
	cypherRelEndpoints = `UNWIND $rows AS row
OPTIONAL MATCH (a:` + schema.NodeLabel + ` {id: row.from})
OPTIONAL MATCH (b:` + schema.NodeLabel + ` {id: row.to})
RETURN row.id AS id, row.from AS from, row.to AS to, a.kind AS fromKind, b.kind AS toKind`
	cypherEvidenceState = `UNWIND $ids AS id
MATCH (e:` + schema.EvidenceLabel + ` {id: id})
RETURN e.id AS id, e.hash AS hash`
	cypherCreateEvidence = `UNWIND $rows AS row
MATCH (s:` + schema.NodeLabel + `:` + string(schema.Source) + ` {id: row.sourceId})
CREATE (e:` + schema.EvidenceLabel + `)-[:` + string(schema.Cites) + `]->(s)
SET e = row.props
RETURN count(e) AS n`
	cypherUpsertEvidence = `UNWIND $rows AS row
MATCH (s:` + schema.NodeLabel + `:` + string(schema.Source) + ` {id: row.sourceId})
MERGE (e:` + schema.EvidenceLabel + ` {id: row.id})
SET e = row.props
WITH e, s
OPTIONAL MATCH (e)-[old:` + string(schema.Cites) + `]->(other) WHERE other <> s
DELETE old
MERGE (e)-[:` + string(schema.Cites) + `]->(s)
RETURN count(DISTINCT e) AS n`
	cypherMissingSources = `UNWIND $ids AS id
OPTIONAL MATCH (s:` + schema.NodeLabel + `:` + string(schema.Source) + ` {id: id})
WITH id, s WHERE s IS NULL
RETURN collect(id) AS missing`
)

// WriteSummaries says what a Write did to entities, relationships and evidence.
type WriteSummaries struct {
	Entities      model.WriteSummary
	Relationships model.WriteSummary
	Evidence      model.WriteSummary
	// Conflicts counts the fields of entities a curator changed that a
	// load would have overwritten: the curator's value was kept and the
	// conflict recorded as a :Change (action LOAD_CONFLICT).
	Conflicts int
}

// Add adds o to s.
func (s *WriteSummaries) Add(o WriteSummaries) {
	s.Entities.Add(o.Entities)
	s.Relationships.Add(o.Relationships)
	s.Evidence.Add(o.Evidence)
	s.Conflicts += o.Conflicts
}

// Write stores a batch in one transaction: every entity, relationship and
// evidence record, or none. Records are upserted by id; a record whose
// content is unchanged is not rewritten, so reloading the same data changes
// nothing. Entities of the reference dataset never overwrite a stored node.
//
// Errors: BAD_USER_INPUT for a record that breaks the model (unknown kind,
// type or property, a value of the wrong type, a relationship whose ends are
// missing or of kinds the type does not allow, evidence citing a missing
// source), CONFLICT for an id stored with another kind, UNAVAILABLE, TIMEOUT.
func (s *Store) Write(ctx context.Context, b model.Batch) (WriteSummaries, error) {
	const op = "cypher.Store.Write"
	ents, err := s.entityRows(b.Entities)
	if err != nil {
		return WriteSummaries{}, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: op}
	}
	rels, err := s.relRows(b.Relationships)
	if err != nil {
		return WriteSummaries{}, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: op}
	}
	evs, err := s.evidenceRows(b.Evidence)
	if err != nil {
		return WriteSummaries{}, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: op}
	}
	sources := loadSources(b)
	return write(ctx, s, op, func(tx neo4j.ManagedTransaction) (WriteSummaries, error) {
		var sum WriteSummaries
		es, err := writeEntities(ctx, tx, ents, &loadContext{sources: sources, conflicts: &sum.Conflicts})
		if err != nil {
			return sum, err
		}
		sum.Entities = es
		rs, err := s.writeRels(ctx, tx, rels)
		if err != nil {
			return sum, err
		}
		sum.Relationships = rs
		vs, err := writeEvidence(ctx, tx, evs)
		if err != nil {
			return sum, err
		}
		sum.Evidence = vs
		return sum, nil
	})
}

type row struct {
	id    string
	kind  schema.Kind    // entities
	typ   schema.RelType // relationships
	from  string
	to    string
	hash  string
	props map[string]any
	ref   bool // reference dataset: create only
	src   string
}

func (r row) param() map[string]any {
	m := map[string]any{"id": r.id, "props": r.props}
	if r.from != "" {
		m["from"], m["to"] = r.from, r.to
	}
	if r.src != "" {
		m["sourceId"] = r.src
	}
	return m
}

// hashProps is the content hash of a record's stored properties: a write
// that would store the same hash changes nothing. It fails, rather than
// hashing a value it cannot encode, so two records can never share a hash
// because both failed to encode (NaN or infinite numbers did, before
// schema.Prop.Check refused them).
func hashProps(p map[string]any) (string, error) {
	b, err := json.Marshal(p) // map keys are sorted
	if err != nil {
		return "", fmt.Errorf("content hash: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12]), nil
}

// entityRows validates entities against the model (model.Entity.Validate)
// and turns them into rows of stored properties.
func (s *Store) entityRows(in []model.Entity) ([]row, error) {
	out := make([]row, 0, len(in))
	seen := make(map[string]bool, len(in))
	for i := range in {
		e := &in[i]
		if e.ID == "" {
			return nil, fmt.Errorf("entity #%d: id is required", i)
		}
		where := fmt.Sprintf("entity %q", e.ID)
		if seen[e.ID] {
			return nil, fmt.Errorf("%s: appears twice in one batch", where)
		}
		seen[e.ID] = true
		if err := e.Validate(s.model); err != nil {
			return nil, err
		}
		decl, _ := s.model.Kind(e.Kind)
		p := provenanceProps(e.Provenance)
		p["id"], p["kind"], p["name"] = e.ID, string(decl.Name), e.Name
		// No aliases is no property, not an empty list: Neo4j's bulk
		// importer cannot store an empty list, and both load paths must
		// store the same (Bulk).
		p["aliases"] = nil
		if as := nonEmpty(e.Aliases); len(as) > 0 {
			p["aliases"] = as
		}
		p["description"] = nilIfEmpty(e.Description)
		p["searchText"] = model.SearchText(append([]string{e.Name}, e.Aliases...)...)
		p["sortName"] = model.NormalizeName(e.Name)
		typedProps(decl.Properties, e.Properties, p)
		p["when"] = nil
		if tp, ok := schema.TimelineProp[decl.Name]; ok {
			if v := e.Properties.First(tp); v != "" {
				first, _, _ := schema.DateBounds(v)
				p["when"] = dbtype.Date(first)
			}
		}
		h, err := hashProps(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		p["hash"] = h
		out = append(out, row{id: e.ID, kind: decl.Name, hash: h, props: p, ref: e.Dataset == referenceDataset})
	}
	return out, nil
}

// relRows validates relationships against the model
// (model.Relationship.Validate) and turns them into rows.
func (s *Store) relRows(in []model.Relationship) ([]row, error) {
	out := make([]row, 0, len(in))
	seen := make(map[string]bool, len(in))
	for i := range in {
		r := &in[i]
		if r.ID == "" {
			return nil, fmt.Errorf("relationship #%d: id is required", i)
		}
		where := fmt.Sprintf("relationship %q", r.ID)
		if seen[r.ID] {
			return nil, fmt.Errorf("%s: appears twice in one batch", where)
		}
		seen[r.ID] = true
		if err := r.Validate(s.model); err != nil {
			return nil, err
		}
		decl, _ := s.model.Rel(r.Type)
		p := provenanceProps(r.Provenance)
		p["id"] = r.ID
		typedProps(decl.Properties, r.Properties, p)
		h, err := hashProps(map[string]any{"p": p, "from": r.FromID, "to": r.ToID})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		p["hash"] = h
		out = append(out, row{id: r.ID, typ: decl.Name, from: r.FromID, to: r.ToID, hash: h, props: p})
	}
	return out, nil
}

// evidenceRows validates evidence against the model
// (model.Evidence.Validate) and turns it into rows.
func (s *Store) evidenceRows(in []model.Evidence) ([]row, error) {
	out := make([]row, 0, len(in))
	seen := make(map[string]bool, len(in))
	for i := range in {
		e := &in[i]
		if e.ID == "" {
			return nil, fmt.Errorf("evidence #%d: id is required", i)
		}
		where := fmt.Sprintf("evidence %q", e.ID)
		if seen[e.ID] {
			return nil, fmt.Errorf("%s: appears twice in one batch", where)
		}
		seen[e.ID] = true
		if err := e.Validate(s.model); err != nil {
			return nil, err
		}
		p := map[string]any{
			"id": e.ID, "factId": e.FactID, "sourceId": e.SourceID,
			"status": string(e.Status), "statusRank": int64(e.Status.Rank()),
			"basis": nilIfEmpty(e.Basis), "quote": nilIfEmpty(e.Quote), "claim": nilIfEmpty(e.Claim),
			"property": nilIfEmpty(e.Property), "value": nilIfEmpty(e.Value), "statedOn": nilIfEmpty(e.StatedOn),
		}
		h, err := hashProps(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		p["hash"] = h
		out = append(out, row{id: e.ID, hash: h, props: p, src: e.SourceID})
	}
	return out, nil
}

// provenanceProps stores a validated provenance: the validity period as the
// first and last day it covers (for filters and sorting), and each end as
// given (validFromText, validUntilText), so a partial date is read back at
// its own precision ("2018-10" stays a month, not 2018-10-01).
func provenanceProps(pv model.Provenance) map[string]any {
	p := map[string]any{
		"status": string(pv.Status), "statusRank": int64(pv.Status.Rank()),
		"dataset": pv.Dataset, "recordId": nilIfEmpty(pv.RecordID),
		"validFrom": nil, "validUntil": nil, "validFromText": nilIfEmpty(pv.ValidFrom), "validUntilText": nilIfEmpty(pv.ValidUntil),
	}
	if pv.ValidFrom != "" {
		f, _, _ := schema.DateBounds(pv.ValidFrom)
		p["validFrom"] = dbtype.Date(f)
	}
	if pv.ValidUntil != "" {
		_, l, _ := schema.DateBounds(pv.ValidUntil)
		p["validUntil"] = dbtype.Date(l)
	}
	return p
}

// typedProps stores validated values typed: int and number as numbers,
// bool as a boolean, lists as string lists, everything else (dates
// included, which may be partial) as strings. Declared properties without a
// value are stored as null, so a property that disappears from a record is
// removed from the graph.
func typedProps(decl map[string]schema.Prop, in model.Properties, out map[string]any) {
	for name, d := range decl {
		vals := in[name]
		if len(vals) == 0 {
			out[name] = nil
			continue
		}
		switch d.Type {
		case schema.TInt:
			n, _ := strconv.ParseInt(vals[0], 10, 64)
			out[name] = n
		case schema.TNumber:
			f, _ := strconv.ParseFloat(vals[0], 64)
			out[name] = f
		case schema.TBool:
			out[name] = vals[0] == "true"
		default:
			if d.Type.Multi() {
				out[name] = slices.Clone(vals)
			} else {
				out[name] = vals[0]
			}
		}
	}
}

func nonEmpty(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func ids(rows []row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.id
	}
	return out
}

func params(rows []row) []map[string]any {
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		out[i] = r.param()
	}
	return out
}

// loadContext is what a loader's Write knows about the records it writes:
// the source (list publication) each entity's evidence cites, for the actor
// of conflict records. Curator writes pass none.
type loadContext struct {
	sources   map[string]string // entity id → source id
	conflicts *int
}

// loadSources maps each entity of a batch to the source its evidence cites.
func loadSources(b model.Batch) map[string]string {
	out := map[string]string{}
	for _, ev := range b.Evidence {
		if _, ok := out[ev.FactID]; !ok {
			out[ev.FactID] = ev.SourceID
		}
	}
	return out
}

// curatedKeep merges a loaded row with what a curator changed: the
// curator's stored value wins for every field in curated, and each field
// where the loaded value differs is returned as a conflict.
func curatedKeep(r *row, curated []any, stored map[string]any) (fields []string, before, after map[string]any) {
	before, after = map[string]any{}, map[string]any{}
	for _, v := range curated {
		f := str(v)
		if f == "" || f == "hash" {
			continue
		}
		loaded, kept := r.props[f], stored[f]
		if fmt.Sprint(normalizeValue(loaded)) != fmt.Sprint(normalizeValue(kept)) {
			fields = append(fields, f)
			before[f], after[f] = loaded, kept
		}
		r.props[f] = kept
	}
	return fields, before, after
}

// normalizeValue makes stored and loaded values comparable: Neo4j returns
// lists as []any and numbers as int64.
func normalizeValue(v any) any {
	switch x := v.(type) {
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case dbtype.Date:
		return x.String()
	}
	return v
}

func writeEntities(ctx context.Context, tx neo4j.ManagedTransaction, rows []row, lc *loadContext) (model.WriteSummary, error) {
	var sum model.WriteSummary
	if len(rows) == 0 {
		return sum, nil
	}
	res, err := tx.Run(ctx, cypherEntityState, map[string]any{"ids": ids(rows)})
	if err != nil {
		return sum, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return sum, err
	}
	type state struct {
		kind, hash, dataset, loadedHash string
		curated                         []any
		props                           map[string]any
	}
	have := make(map[string]state, len(recs))
	for _, r := range recs {
		id, _, _ := neo4j.GetRecordValue[string](r, "id")
		k, _, _ := neo4j.GetRecordValue[string](r, "kind")
		h, _, _ := neo4j.GetRecordValue[string](r, "hash")
		d, _, _ := neo4j.GetRecordValue[string](r, "dataset")
		lh, _, _ := neo4j.GetRecordValue[string](r, "loadedHash")
		c, _, _ := neo4j.GetRecordValue[[]any](r, "curated")
		p, _, _ := neo4j.GetRecordValue[map[string]any](r, "props")
		have[id] = state{k, h, d, lh, c, p}
	}
	created, updated := map[schema.Kind][]row{}, map[schema.Kind][]row{}
	for _, r := range rows {
		old, exists := have[r.id]
		switch {
		case !exists:
			sum.Created++
			created[r.kind] = append(created[r.kind], r)
		case old.kind != string(r.kind):
			return sum, &model.Error{Code: model.Conflict, Message: fmt.Sprintf("entity %q is stored as %s, not %s", r.id, old.kind, r.kind)}
		case lc != nil && len(old.curated) > 0 && !r.ref:
			// A curator changed this loaded record. The load reconciles
			// once per loaded content: the curator's values stay, and each
			// field the load would have overwritten is recorded.
			if old.loadedHash == r.hash {
				sum.Unchanged++
				continue
			}
			loadedHash := r.hash
			r.props = maps.Clone(r.props)
			fields, before, after := curatedKeep(&r, old.curated, old.props)
			r.props["hash"], r.props["loadedHash"] = loadedHash, loadedHash
			if len(fields) > 0 {
				src := lc.sources[r.id]
				who := model.Actor{Name: "loader " + str(r.props["dataset"]) + " (" + src + ")", Role: "loader"}
				reason := fmt.Sprintf("the list %s states other values for %s; the curator's values were kept", src, strings.Join(fields, ", "))
				if _, err := recordChange(ctx, tx, who, model.ActionLoadConflict, model.TargetEntity, r.id, r.id, reason, before, after); err != nil {
					return sum, err
				}
				*lc.conflicts += len(fields)
			}
			sum.Updated++
			updated[r.kind] = append(updated[r.kind], r)
		case old.hash == r.hash || (r.ref && old.dataset != referenceDataset):
			sum.Unchanged++
		default:
			sum.Updated++
			updated[r.kind] = append(updated[r.kind], r)
		}
	}
	for _, k := range schema.Kinds {
		for _, st := range []struct {
			rows  []row
			query string
		}{{created[k], createEntity[k]}, {updated[k], updateEntity[k]}} {
			if len(st.rows) == 0 {
				continue
			}
			if _, err := tx.Run(ctx, st.query, map[string]any{"rows": params(st.rows)}); err != nil {
				return sum, err
			}
		}
	}
	return sum, nil
}

func (s *Store) writeRels(ctx context.Context, tx neo4j.ManagedTransaction, rows []row) (model.WriteSummary, error) {
	var sum model.WriteSummary
	byType := map[schema.RelType][]row{}
	for _, r := range rows {
		byType[r.typ] = append(byType[r.typ], r)
	}
	for _, t := range schema.RelTypes {
		rs := byType[t]
		if len(rs) == 0 {
			continue
		}
		created, updated, err := classify(ctx, tx, relState[t], rs, &sum)
		if err != nil {
			return sum, err
		}
		decl, _ := s.model.Rel(t)
		if len(created) > 0 {
			p := map[string]any{"rows": params(created), "fromKinds": kindStrings(decl.From), "toKinds": kindStrings(decl.To)}
			if n, err := single[int64](ctx, tx, createRel[t], p, "n"); err != nil {
				return sum, err
			} else if int(n) != len(created) {
				return sum, endpointError(ctx, tx, decl, created)
			}
		}
		if len(updated) > 0 {
			if _, err := tx.Run(ctx, updateRel[t], map[string]any{"rows": params(updated)}); err != nil {
				return sum, err
			}
		}
	}
	return sum, nil
}

// single runs a query that returns one record and returns one of its values.
func single[T neo4j.RecordValue](ctx context.Context, tx neo4j.ManagedTransaction, query string, params map[string]any, key string) (T, error) {
	var zero T
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return zero, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return zero, err
	}
	v, _, err := neo4j.GetRecordValue[T](rec, key)
	return v, err
}

// endpointError explains why some relationships could not be written.
func endpointError(ctx context.Context, tx neo4j.ManagedTransaction, decl *schema.RelDecl, rows []row) error {
	res, err := tx.Run(ctx, cypherRelEndpoints, map[string]any{"rows": params(rows)})
	if err != nil {
		return err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return err
	}
	var problems []string
	for _, r := range recs {
		id, _, _ := neo4j.GetRecordValue[string](r, "id")
		from, _, _ := neo4j.GetRecordValue[string](r, "from")
		to, _, _ := neo4j.GetRecordValue[string](r, "to")
		fk, fnull, _ := neo4j.GetRecordValue[string](r, "fromKind")
		tk, tnull, _ := neo4j.GetRecordValue[string](r, "toKind")
		switch {
		case fnull:
			problems = append(problems, fmt.Sprintf("relationship %q: no entity %q", id, from))
		case tnull:
			problems = append(problems, fmt.Sprintf("relationship %q: no entity %q", id, to))
		case !slices.Contains(decl.From, schema.Kind(fk)):
			problems = append(problems, fmt.Sprintf("relationship %q: %s cannot start at a %s", id, decl.Name, fk))
		case !slices.Contains(decl.To, schema.Kind(tk)):
			problems = append(problems, fmt.Sprintf("relationship %q: %s cannot end at a %s", id, decl.Name, tk))
		}
		if len(problems) >= 10 {
			break
		}
	}
	if len(problems) == 0 {
		problems = []string{"some relationships could not be written"}
	}
	return &model.Error{Code: model.BadUserInput, Message: strings.Join(problems, "; ")}
}

func writeEvidence(ctx context.Context, tx neo4j.ManagedTransaction, rows []row) (model.WriteSummary, error) {
	var sum model.WriteSummary
	if len(rows) == 0 {
		return sum, nil
	}
	created, updated, err := classify(ctx, tx, cypherEvidenceState, rows, &sum)
	if err != nil {
		return sum, err
	}
	for _, st := range []struct {
		rows  []row
		query string
	}{{created, cypherCreateEvidence}, {updated, cypherUpsertEvidence}} {
		if len(st.rows) == 0 {
			continue
		}
		n, err := single[int64](ctx, tx, st.query, map[string]any{"rows": params(st.rows)}, "n")
		if err != nil {
			return sum, err
		}
		if int(n) != len(st.rows) {
			return sum, missingSources(ctx, tx, st.rows)
		}
	}
	return sum, nil
}

// classify reads the stored hashes of rows (stateQuery returns id and hash
// for $ids) and splits them into new and changed ones, counting each outcome;
// unchanged rows are dropped.
func classify(ctx context.Context, tx neo4j.ManagedTransaction, stateQuery string, rows []row, sum *model.WriteSummary) (created, updated []row, err error) {
	res, err := tx.Run(ctx, stateQuery, map[string]any{"ids": ids(rows)})
	if err != nil {
		return nil, nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, nil, err
	}
	have := make(map[string]string, len(recs))
	for _, r := range recs {
		id, _, _ := neo4j.GetRecordValue[string](r, "id")
		h, _, _ := neo4j.GetRecordValue[string](r, "hash")
		have[id] = h
	}
	for _, r := range rows {
		h, exists := have[r.id]
		switch {
		case !exists:
			sum.Created++
			created = append(created, r)
		case h == r.hash:
			sum.Unchanged++
		default:
			sum.Updated++
			updated = append(updated, r)
		}
	}
	return created, updated, nil
}

// missingSources explains why evidence could not be written.
func missingSources(ctx context.Context, tx neo4j.ManagedTransaction, rows []row) error {
	srcs := make([]string, 0, len(rows))
	for _, r := range rows {
		if !slices.Contains(srcs, r.src) {
			srcs = append(srcs, r.src)
		}
	}
	missing, err := single[[]any](ctx, tx, cypherMissingSources, map[string]any{"ids": srcs}, "missing")
	if err != nil {
		return err
	}
	return &model.Error{Code: model.BadUserInput, Message: fmt.Sprintf("evidence cites sources that do not exist: %v", missing)}
}

func kindStrings(ks []schema.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}
