package cypher

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// CuratorDataset is the dataset of records curators create through the API.
// A curator's edit of a loaded record keeps that record's dataset and id.
const CuratorDataset = "curator"

// Curator writes: each is one transaction that validates, writes the record
// (through the same checks as the loaders' Write), requires evidence for
// every new fact but a source, and records a :Change with who, when, why and
// the record before and after. Nothing is written when any check fails.

const (
	cypherEntityProps = `MATCH (n:` + schema.NodeLabel + ` {id: $id})
RETURN n, properties(n) AS p`
	cypherEvidenceProps = `MATCH (e:` + schema.EvidenceLabel + ` {id: $id})
RETURN properties(e) AS p`
	cypherEvidenceCount = `MATCH (e:` + schema.EvidenceLabel + ` {factId: $id})
RETURN count(e) AS n`
	cypherCreateChange = `CREATE (c:` + schema.ChangeLabel + `)
SET c = $props`
	cypherEntityStatus = `MATCH (n:` + schema.NodeLabel + ` {id: $id})
SET n += $set`
	cypherEntityRestore = `MATCH (n:` + schema.NodeLabel + ` {id: $id})
REMOVE n.retractedAt, n.retractedBy, n.retractionReason
SET n.statusRank = $rank`
	changeFilter = `MATCH (c:` + schema.ChangeLabel + `)
WHERE ($fact IS NULL OR c.factId = $fact)
  AND ($actor IS NULL OR c.actor = $actor)
  AND ($since IS NULL OR c.at >= $since)
`
	cypherChangeCount = changeFilter + `RETURN count(c) AS total`
	cypherChangePage  = changeFilter + `RETURN c AS n ORDER BY c.at DESC, c.id DESC SKIP $skip LIMIT $limit`
)

var (
	relProps   = map[schema.RelType]string{}
	relStatus  = map[schema.RelType]string{}
	relRestore = map[schema.RelType]string{}
)

func init() {
	for _, t := range schema.RelTypes {
		relProps[t] = `MATCH (a)-[r:` + string(t) + ` {id: $id}]->(b)
RETURN r, properties(r) AS p, a.id AS from, b.id AS to`
		relStatus[t] = `MATCH ()-[r:` + string(t) + ` {id: $id}]->()
SET r += $set`
		relRestore[t] = `MATCH ()-[r:` + string(t) + ` {id: $id}]->()
REMOVE r.retractedAt, r.retractedBy, r.retractionReason
SET r.statusRank = $rank`
	}
}

// Bounds on curator input, beyond what the model declares.
const (
	maxIDLen     = 200
	maxNameLen   = 500
	maxTextLen   = 20_000
	maxAliases   = 200
	maxEvidence  = 50
	maxReasonLen = 2_000
)

var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$`)

func checkID(what, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%s: id is required", what)
	case len(id) > maxIDLen:
		return fmt.Errorf("%s: id is longer than %d bytes", what, maxIDLen)
	case !idRE.MatchString(id):
		return fmt.Errorf("%s: id %q may hold only letters, digits and . _ : / @ + - (and must start with a letter or digit)", what, id)
	}
	return nil
}

func checkText(what string, s string, max int) error {
	switch {
	case len(s) > max:
		return fmt.Errorf("%s is longer than %d bytes", what, max)
	case !utf8.ValidString(s):
		return fmt.Errorf("%s is not valid UTF-8", what)
	case strings.ContainsRune(s, 0):
		return fmt.Errorf("%s contains a NUL character", what)
	}
	return nil
}

func checkReason(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return fmt.Errorf("argument reason: say why (it is kept in the change log)")
	}
	return checkText("argument reason", reason, maxReasonLen)
}

func badInput(op string, err error) error {
	return &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: op}
}

// EvidenceID is the stable id of curator evidence that comes without one:
// the same source saying the same thing about the same fact gets the same id,
// so re-sending it updates instead of duplicating.
func EvidenceID(ev model.Evidence) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{ev.FactID, ev.SourceID, ev.Property, ev.Value, ev.Quote, ev.Claim}, "\x1f")))
	return "ev:" + hex.EncodeToString(sum[:10])
}

// UpsertEntity creates or replaces the entity with e.ID, with its evidence,
// and records the change. action is model.ActionUpsertEntity or
// model.ActionUpsertSource. A new entity other than a source needs at least
// one evidence item. Errors: BAD_USER_INPUT, CONFLICT (the id is stored with
// another kind), UNAVAILABLE, TIMEOUT.
func (s *Store) UpsertEntity(ctx context.Context, e model.Entity, evidence []model.Evidence, action string, who model.Actor, reason string) (*model.Entity, model.WriteResult, error) {
	const op = "cypher.Store.UpsertEntity"
	if err := s.checkEntityInput(e, evidence, reason); err != nil {
		return nil, model.WriteResult{}, badInput(op, err)
	}
	type out struct {
		e   *model.Entity
		res model.WriteResult
	}
	o, err := write(ctx, s, op, func(tx neo4j.ManagedTransaction) (out, error) {
		_, before, err := entityProps(ctx, tx, e.ID)
		if err != nil {
			return out{}, err
		}
		e := e
		if before != nil {
			if k := str(before["kind"]); k != string(e.Kind) {
				return out{}, model.Errorf(model.Conflict, "entity %q is stored as %s, not %s", e.ID, k, e.Kind)
			}
			e.Dataset, e.RecordID = str(before["dataset"]), str(before["recordId"])
			if e.Dataset == referenceDataset { // reference rows never overwrite; a curator's edit must
				e.Dataset = CuratorDataset
			}
		} else {
			e.Dataset, e.RecordID = CuratorDataset, ""
		}
		rows, err := s.entityRows([]model.Entity{e})
		if err != nil {
			return out{}, badInput(op, err)
		}
		sum, err := writeEntities(ctx, tx, rows, nil)
		if err != nil {
			return out{}, err
		}
		if before != nil && e.Dataset != CuratorDataset {
			if err := markCurated(ctx, tx, e.ID, before); err != nil {
				return out{}, err
			}
		}
		evChanges, err := s.writeCuratorEvidence(ctx, tx, e.ID, evidence, who, reason)
		if err != nil {
			return out{}, err
		}
		if e.Kind != schema.Source {
			if err := requireEvidence(ctx, tx, "entity", e.ID); err != nil {
				return out{}, err
			}
		}
		afterNode, after, err := entityProps(ctx, tx, e.ID)
		if err != nil {
			return out{}, err
		}
		res := model.WriteResult{Outcome: outcome(sum)}
		if res.Outcome != model.Unchanged {
			ch, err := recordChange(ctx, tx, who, action, model.TargetEntity, e.ID, e.ID, reason, before, after)
			if err != nil {
				return out{}, err
			}
			res.Change = ch
		} else if len(evChanges) > 0 {
			res.Change = evChanges[0]
		}
		return out{s.decodeEntity(afterNode), res}, nil
	})
	return o.e, o.res, err
}

// notCurated are stored properties the store computes or keeps itself; a
// curator's edit of them is not a curated field.
var notCurated = map[string]bool{"id": true, "kind": true, "dataset": true, "recordId": true, "hash": true,
	"searchText": true, "sortName": true, "statusRank": true, "when": true, "curatedFields": true,
	"loadedHash": true, "periodFrom": true, "periodUntil": true}

const (
	cypherCuratedProps = `MATCH (n:` + schema.NodeLabel + ` {id: $id}) RETURN properties(n) AS p`
	cypherMarkCurated  = `MATCH (n:` + schema.NodeLabel + ` {id: $id})
SET n.curatedFields = $fields
REMOVE n.loadedHash`
)

// markCurated records which fields of a loaded record a curator's edit
// changed (added to those changed before), so that later loads keep the
// curator's values and record the conflict; the next load reconciles.
func markCurated(ctx context.Context, tx neo4j.ManagedTransaction, id string, before map[string]any) error {
	after, err := single[map[string]any](ctx, tx, cypherCuratedProps, map[string]any{"id": id}, "p")
	if err != nil {
		return err
	}
	fields := strs(before["curatedFields"])
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	for k := range keys {
		if notCurated[k] || slices.Contains(fields, k) {
			continue
		}
		if fmt.Sprint(normalizeValue(before[k])) != fmt.Sprint(normalizeValue(after[k])) {
			fields = append(fields, k)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	slices.Sort(fields)
	_, err = tx.Run(ctx, cypherMarkCurated, map[string]any{"id": id, "fields": fields})
	return err
}

func (s *Store) checkEntityInput(e model.Entity, evidence []model.Evidence, reason string) error {
	where := fmt.Sprintf("entity %q", e.ID)
	if err := checkID("entity", e.ID); err != nil {
		return err
	}
	if strings.Contains(e.ID, "|") {
		return fmt.Errorf("%s: entity ids may not contain |", where)
	}
	if err := checkText(where+": name", e.Name, maxNameLen); err != nil {
		return err
	}
	if err := checkText(where+": description", e.Description, maxTextLen); err != nil {
		return err
	}
	if len(e.Aliases) > maxAliases {
		return fmt.Errorf("%s: more than %d aliases", where, maxAliases)
	}
	for _, a := range e.Aliases {
		if err := checkText(where+": alias", a, maxNameLen); err != nil {
			return err
		}
	}
	if err := checkProps(where, e.Properties); err != nil {
		return err
	}
	if err := checkEvidenceList(e.ID, evidence); err != nil {
		return err
	}
	return checkReason(reason)
}

func checkProps(where string, p model.Properties) error {
	for name, vals := range p {
		if err := checkText(where+": property name", name, 100); err != nil {
			return err
		}
		if len(vals) > maxAliases {
			return fmt.Errorf("%s: property %q has more than %d values", where, name, maxAliases)
		}
		for _, v := range vals {
			if err := checkText(fmt.Sprintf("%s: property %q", where, name), v, maxTextLen); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkEvidenceList(factID string, evs []model.Evidence) error {
	if len(evs) > maxEvidence {
		return fmt.Errorf("fact %q: more than %d evidence items in one write", factID, maxEvidence)
	}
	for i, ev := range evs {
		if ev.FactID != factID {
			return fmt.Errorf("evidence #%d is about %q, not %q", i, ev.FactID, factID)
		}
		if err := checkEvidence(ev); err != nil {
			return fmt.Errorf("evidence #%d: %v", i, err)
		}
	}
	return nil
}

func checkEvidence(ev model.Evidence) error {
	if ev.ID != "" {
		if err := checkID("evidence", ev.ID); err != nil {
			return err
		}
	}
	if err := checkID("evidence sourceId", ev.SourceID); err != nil {
		return err
	}
	for name, v := range map[string]string{"basis": ev.Basis, "quote": ev.Quote, "claim": ev.Claim, "property": ev.Property, "value": ev.Value} {
		if err := checkText(name, v, maxTextLen); err != nil {
			return err
		}
	}
	return nil
}

// UpsertRelationship creates or replaces the relationship r (r.ID defaults
// to TYPE|from|to), with its evidence, and records the change. A new
// relationship needs at least one evidence item; an existing one cannot
// change its ends. Errors: BAD_USER_INPUT (also for ends that are missing or
// of kinds the type does not allow), UNAVAILABLE, TIMEOUT.
func (s *Store) UpsertRelationship(ctx context.Context, r model.Relationship, evidence []model.Evidence, who model.Actor, reason string) (*model.Relationship, model.WriteResult, error) {
	const op = "cypher.Store.UpsertRelationship"
	if r.ID == "" {
		r.ID = string(r.Type) + "|" + r.FromID + "|" + r.ToID
	}
	evidence = slices.Clone(evidence) // filled in below; the caller's slice stays as given
	for i := range evidence {
		if evidence[i].FactID == "" {
			evidence[i].FactID = r.ID
		}
	}
	if err := s.checkRelInput(r, evidence, reason); err != nil {
		return nil, model.WriteResult{}, badInput(op, err)
	}
	type out struct {
		r   *model.Relationship
		res model.WriteResult
	}
	o, err := write(ctx, s, op, func(tx neo4j.ManagedTransaction) (out, error) {
		_, before, from, to, err := relProperties(ctx, tx, r.Type, r.ID)
		if err != nil {
			return out{}, err
		}
		r := r
		if before != nil {
			if from != r.FromID || to != r.ToID {
				return out{}, model.Errorf(model.BadUserInput, "relationship %q connects %s to %s; its ends cannot change (retract it and create another)", r.ID, from, to)
			}
			r.Dataset, r.RecordID = str(before["dataset"]), str(before["recordId"])
		} else {
			r.Dataset, r.RecordID = CuratorDataset, ""
			if err := s.checkNotRetracted(ctx, tx, r, who); err != nil {
				return out{}, err
			}
		}
		r.Retracted = nil
		rows, err := s.relRows([]model.Relationship{r})
		if err != nil {
			return out{}, badInput(op, err)
		}
		sum, err := s.writeRels(ctx, tx, rows)
		if err != nil {
			return out{}, err
		}
		evChanges, err := s.writeCuratorEvidence(ctx, tx, r.ID, evidence, who, reason)
		if err != nil {
			return out{}, err
		}
		if err := requireEvidence(ctx, tx, "relationship", r.ID); err != nil {
			return out{}, err
		}
		rel, after, _, _, err := relProperties(ctx, tx, r.Type, r.ID)
		if err != nil {
			return out{}, err
		}
		res := model.WriteResult{Outcome: outcome(sum)}
		if res.Outcome != model.Unchanged {
			before, after := withEnds(before, from, to), withEnds(after, r.FromID, r.ToID)
			ch, err := recordChange(ctx, tx, who, model.ActionUpsertRelationship, model.TargetRelationship, r.ID, r.ID, reason, before, after)
			if err != nil {
				return out{}, err
			}
			res.Change = ch
		} else if len(evChanges) > 0 {
			res.Change = evChanges[0]
		}
		return out{s.decodeRel(rel, r.FromID, r.ToID), res}, nil
	})
	if err == nil && r.Type == schema.SameAs && o.res.Outcome != model.Unchanged {
		err = s.resolveAfterCuration(ctx, op)
	}
	return o.r, o.res, err
}

// resolveAfterCuration brings the resolved entities up to date after a
// curator's write to a SAME_AS link. The write itself is committed; if this
// fails, the error says so and the next Resolve (any load, or the write
// sent again) completes it.
func (s *Store) resolveAfterCuration(ctx context.Context, op string) error {
	if _, err := s.Resolve(ctx); err != nil {
		return fmt.Errorf("%s: saved, but the resolved entities were not updated: %w", op, err)
	}
	return nil
}

// retractedTwin finds a retracted relationship that states the same fact as
// r under another id: the same type between the same ends, holding at some
// time r holds (open bounds hold forever).
var retractedTwin = map[schema.RelType]string{}

func init() {
	for _, t := range schema.RelTypes {
		retractedTwin[t] = `MATCH (:` + schema.NodeLabel + ` {id: $from})-[r:` + string(t) + `]->(:` + schema.NodeLabel + ` {id: $to})
WHERE r.retractedAt IS NOT NULL AND r.id <> $id
  AND ($validFrom IS NULL OR r.validUntil IS NULL OR $validFrom <= r.validUntil)
  AND ($validUntil IS NULL OR r.validFrom IS NULL OR r.validFrom <= $validUntil)
RETURN r.id AS id ORDER BY r.id LIMIT 1`
	}
}

// checkNotRetracted refuses a new relationship that re-creates a retracted
// fact under a new id, unless who may restore it: a retraction belongs to
// the fact (its ends, type and validity), not to its id, so an editor
// cannot undo an admin-only restore by writing the fact again. Error code:
// FORBIDDEN.
func (s *Store) checkNotRetracted(ctx context.Context, tx neo4j.ManagedTransaction, r model.Relationship, who model.Actor) error {
	if role, err := auth.ParseRole(who.Role); err == nil && role >= auth.Admin {
		return nil
	}
	p := provenanceProps(r.Provenance) // validated by checkRelInput
	res, err := tx.Run(ctx, retractedTwin[r.Type], map[string]any{"id": r.ID, "from": r.FromID, "to": r.ToID,
		"validFrom": p["validFrom"], "validUntil": p["validUntil"]})
	if err != nil {
		return err
	}
	recs, err := res.Collect(ctx)
	if err != nil || len(recs) == 0 {
		return err
	}
	twin, _, _ := neo4j.GetRecordValue[string](recs[0], "id")
	return &model.Error{Code: model.Forbidden, Op: "cypher.Store.UpsertRelationship",
		Message: fmt.Sprintf("relationship %q states the same fact as %q, which was retracted; restoring it (restoreFact) needs role admin", r.ID, twin)}
}

func (s *Store) checkRelInput(r model.Relationship, evidence []model.Evidence, reason string) error {
	where := fmt.Sprintf("relationship %q", r.ID)
	if _, ok := s.model.Rel(r.Type); !ok {
		return fmt.Errorf("%s: type %q is not declared", where, r.Type)
	}
	if err := checkID("relationship from", r.FromID); err != nil {
		return err
	}
	if err := checkID("relationship to", r.ToID); err != nil {
		return err
	}
	if err := checkText("relationship id", r.ID, 3*maxIDLen); err != nil {
		return err
	}
	if t, _, _ := strings.Cut(r.ID, "|"); t != string(r.Type) {
		return fmt.Errorf("%s: id must start with its type, %s|", where, r.Type)
	}
	if err := checkProps(where, r.Properties); err != nil {
		return err
	}
	if err := checkEvidenceList(r.ID, evidence); err != nil {
		return err
	}
	return checkReason(reason)
}

func withEnds(p map[string]any, from, to string) map[string]any {
	if p == nil {
		return nil
	}
	p["from"], p["to"] = from, to
	return p
}

// AttachEvidence adds (or, for an id already stored, replaces) one source's
// support for an existing fact and records the change. Errors:
// BAD_USER_INPUT, NOT_FOUND (no such fact), UNAVAILABLE, TIMEOUT.
func (s *Store) AttachEvidence(ctx context.Context, ev model.Evidence, who model.Actor, reason string) (model.Evidence, model.WriteResult, error) {
	const op = "cypher.Store.AttachEvidence"
	if err := checkText("argument factId", ev.FactID, 3*maxIDLen); err != nil {
		return model.Evidence{}, model.WriteResult{}, badInput(op, err)
	}
	if err := checkEvidence(ev); err != nil {
		return model.Evidence{}, model.WriteResult{}, badInput(op, err)
	}
	if err := checkReason(reason); err != nil {
		return model.Evidence{}, model.WriteResult{}, badInput(op, err)
	}
	if ev.ID == "" {
		ev.ID = EvidenceID(ev)
	}
	type out struct {
		ev  model.Evidence
		res model.WriteResult
	}
	o, err := write(ctx, s, op, func(tx neo4j.ManagedTransaction) (out, error) {
		if _, _, err := s.fact(ctx, tx, ev.FactID); err != nil {
			return out{}, err
		}
		changes, err := s.writeCuratorEvidence(ctx, tx, ev.FactID, []model.Evidence{ev}, who, reason)
		if err != nil {
			return out{}, err
		}
		res := model.WriteResult{Outcome: model.Unchanged}
		if len(changes) > 0 {
			res.Change = changes[0]
			res.Outcome = model.Updated
			if changes[0].Before == "" {
				res.Outcome = model.Created
			}
		}
		return out{ev, res}, nil
	})
	if err != nil {
		return model.Evidence{}, model.WriteResult{}, err
	}
	return o.ev, o.res, nil
}

// writeCuratorEvidence writes evidence for factID and records a change for
// each item created or updated.
func (s *Store) writeCuratorEvidence(ctx context.Context, tx neo4j.ManagedTransaction, factID string, evs []model.Evidence, who model.Actor, reason string) ([]*model.Change, error) {
	var changes []*model.Change
	for _, ev := range evs {
		ev.FactID = factID
		if ev.ID == "" {
			ev.ID = EvidenceID(ev)
		}
		rows, err := s.evidenceRows([]model.Evidence{ev})
		if err != nil {
			return nil, &model.Error{Code: model.BadUserInput, Message: err.Error()}
		}
		before, err := evidenceProps(ctx, tx, ev.ID)
		if err != nil {
			return nil, err
		}
		if before != nil && str(before["factId"]) != factID {
			return nil, model.Errorf(model.Conflict, "evidence %q is about %q, not %q", ev.ID, str(before["factId"]), factID)
		}
		sum, err := writeEvidence(ctx, tx, rows)
		if err != nil {
			return nil, err
		}
		if sum.Created+sum.Updated == 0 {
			continue
		}
		after, err := evidenceProps(ctx, tx, ev.ID)
		if err != nil {
			return nil, err
		}
		ch, err := recordChange(ctx, tx, who, model.ActionAttachEvidence, model.TargetEvidence, ev.ID, factID, reason, before, after)
		if err != nil {
			return nil, err
		}
		changes = append(changes, ch)
	}
	return changes, nil
}

func requireEvidence(ctx context.Context, tx neo4j.ManagedTransaction, what, id string) error {
	n, err := single[int64](ctx, tx, cypherEvidenceCount, map[string]any{"id": id}, "n")
	if err != nil {
		return err
	}
	if n == 0 {
		return model.Errorf(model.BadUserInput, "%s %q needs evidence: give at least one item citing a source (sourceId)", what, id)
	}
	return nil
}

func outcome(sum model.WriteSummary) string {
	switch {
	case sum.Created > 0:
		return model.Created
	case sum.Updated > 0:
		return model.Updated
	}
	return model.Unchanged
}

// SetStatus changes how well the fact with id (an entity or a relationship)
// is established, and records the change. Errors: BAD_USER_INPUT, NOT_FOUND,
// UNAVAILABLE, TIMEOUT.
func (s *Store) SetStatus(ctx context.Context, id string, status schema.Status, who model.Actor, reason string) (model.CuratedFact, model.WriteResult, error) {
	const op = "cypher.Store.SetStatus"
	if !status.Valid() {
		return model.CuratedFact{}, model.WriteResult{}, badInput(op, fmt.Errorf("argument status: %q is not one of confirmed, reported, alleged, disputed", status))
	}
	return s.changeFact(ctx, op, id, model.ActionSetStatus, who, reason, func(before map[string]any) (map[string]any, bool) {
		if str(before["status"]) == string(status) {
			return nil, false
		}
		rank := int64(status.Rank())
		if before["retractedAt"] != nil {
			rank = -1
		}
		return map[string]any{"status": string(status), "statusRank": rank}, true
	})
}

// Retract marks the fact with id retracted: kept, with who, when and why,
// but out of lists, counts, neighbours, paths and violations. Retracting a
// retracted fact changes nothing.
func (s *Store) Retract(ctx context.Context, id string, who model.Actor, reason string) (model.CuratedFact, model.WriteResult, error) {
	const op = "cypher.Store.Retract"
	now := time.Now().UTC().Truncate(time.Millisecond)
	return s.changeFact(ctx, op, id, model.ActionRetract, who, reason, func(before map[string]any) (map[string]any, bool) {
		if before["retractedAt"] != nil {
			return nil, false
		}
		return map[string]any{"retractedAt": now, "retractedBy": who.Name, "retractionReason": reason, "statusRank": int64(-1)}, true
	})
}

// Restore lifts a retraction. Restoring a fact that is not retracted
// changes nothing.
func (s *Store) Restore(ctx context.Context, id string, who model.Actor, reason string) (model.CuratedFact, model.WriteResult, error) {
	const op = "cypher.Store.Restore"
	return s.changeFact(ctx, op, id, model.ActionRestore, who, reason, func(before map[string]any) (map[string]any, bool) {
		if before["retractedAt"] == nil {
			return nil, false
		}
		return map[string]any{"statusRank": int64(schema.Status(str(before["status"])).Rank())}, true
	})
}

// changeFact reads the fact with id, lets change compute the properties to
// set (false: nothing to do), writes them and records the change, in one
// transaction.
func (s *Store) changeFact(ctx context.Context, op, id, action string, who model.Actor, reason string, change func(before map[string]any) (map[string]any, bool)) (model.CuratedFact, model.WriteResult, error) {
	if err := checkText("argument id", id, 3*maxIDLen); err != nil {
		return model.CuratedFact{}, model.WriteResult{}, badInput(op, err)
	}
	if err := checkReason(reason); err != nil {
		return model.CuratedFact{}, model.WriteResult{}, badInput(op, err)
	}
	type out struct {
		f   model.CuratedFact
		res model.WriteResult
	}
	o, err := write(ctx, s, op, func(tx neo4j.ManagedTransaction) (out, error) {
		f, before, err := s.fact(ctx, tx, id)
		if err != nil {
			return out{}, err
		}
		set, ok := change(before)
		if !ok {
			return out{f, model.WriteResult{Outcome: model.Unchanged}}, nil
		}
		query, p := "", map[string]any{"id": id, "set": set}
		target := model.TargetEntity
		switch {
		case f.Relationship != nil && action == model.ActionRestore:
			query, p["rank"], target = relRestore[f.Relationship.Type], set["statusRank"], model.TargetRelationship
		case f.Relationship != nil:
			query, target = relStatus[f.Relationship.Type], model.TargetRelationship
		case action == model.ActionRestore:
			query, p["rank"] = cypherEntityRestore, set["statusRank"]
		default:
			query = cypherEntityStatus
		}
		if _, err := tx.Run(ctx, query, p); err != nil {
			return out{}, err
		}
		f2, after, err := s.fact(ctx, tx, id)
		if err != nil {
			return out{}, err
		}
		if f.Relationship != nil {
			before = withEnds(before, f.Relationship.FromID, f.Relationship.ToID)
			after = withEnds(after, f.Relationship.FromID, f.Relationship.ToID)
		}
		ch, err := recordChange(ctx, tx, who, action, target, id, id, reason, before, after)
		if err != nil {
			return out{}, err
		}
		return out{f2, model.WriteResult{Outcome: model.Updated, Change: ch}}, nil
	})
	if t, ok := RelType(id); err == nil && ok && t == schema.SameAs && o.res.Outcome != model.Unchanged {
		err = s.resolveAfterCuration(ctx, op)
	}
	return o.f, o.res, err
}

// fact reads the entity or relationship with id; relationship ids start with
// their type. Errors: NOT_FOUND.
func (s *Store) fact(ctx context.Context, tx neo4j.ManagedTransaction, id string) (model.CuratedFact, map[string]any, error) {
	if t, _, isRel := strings.Cut(id, "|"); isRel {
		typ := schema.RelType(t)
		if _, ok := s.model.Rel(typ); !ok {
			return model.CuratedFact{}, nil, model.Errorf(model.NotFound, "no relationship %q", id)
		}
		r, p, from, to, err := relProperties(ctx, tx, typ, id)
		if err != nil {
			return model.CuratedFact{}, nil, err
		}
		if p == nil {
			return model.CuratedFact{}, nil, model.Errorf(model.NotFound, "no relationship %q", id)
		}
		return model.CuratedFact{Relationship: s.decodeRel(r, from, to)}, p, nil
	}
	n, p, err := entityProps(ctx, tx, id)
	if err != nil {
		return model.CuratedFact{}, nil, err
	}
	if p == nil {
		return model.CuratedFact{}, nil, model.Errorf(model.NotFound, "no entity %q", id)
	}
	return model.CuratedFact{Entity: s.decodeEntity(n)}, p, nil
}

func entityProps(ctx context.Context, tx neo4j.ManagedTransaction, id string) (neo4j.Node, map[string]any, error) {
	res, err := tx.Run(ctx, cypherEntityProps, map[string]any{"id": id})
	if err != nil {
		return neo4j.Node{}, nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil || len(recs) == 0 {
		return neo4j.Node{}, nil, err
	}
	n, _, _ := neo4j.GetRecordValue[neo4j.Node](recs[0], "n")
	p, _, _ := neo4j.GetRecordValue[map[string]any](recs[0], "p")
	return n, p, nil
}

func relProperties(ctx context.Context, tx neo4j.ManagedTransaction, t schema.RelType, id string) (neo4j.Relationship, map[string]any, string, string, error) {
	res, err := tx.Run(ctx, relProps[t], map[string]any{"id": id})
	if err != nil {
		return neo4j.Relationship{}, nil, "", "", err
	}
	recs, err := res.Collect(ctx)
	if err != nil || len(recs) == 0 {
		return neo4j.Relationship{}, nil, "", "", err
	}
	r, _, _ := neo4j.GetRecordValue[neo4j.Relationship](recs[0], "r")
	p, _, _ := neo4j.GetRecordValue[map[string]any](recs[0], "p")
	from, _, _ := neo4j.GetRecordValue[string](recs[0], "from")
	to, _, _ := neo4j.GetRecordValue[string](recs[0], "to")
	return r, p, from, to, nil
}

func evidenceProps(ctx context.Context, tx neo4j.ManagedTransaction, id string) (map[string]any, error) {
	res, err := tx.Run(ctx, cypherEvidenceProps, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	p, _, _ := neo4j.GetRecordValue[map[string]any](recs[0], "p")
	return p, nil
}

// internalProps are stored fields computed from others; the change log
// leaves them out.
var internalProps = map[string]bool{"hash": true, "searchText": true, "sortName": true, "statusRank": true, "when": true}

// recordJSON renders stored properties for the change log: internal fields
// dropped, nulls dropped, dates and times as text, keys sorted. A value
// JSON cannot hold (a NaN stored before values were checked) is an error,
// not a change-log entry without its record.
func recordJSON(p map[string]any) (string, error) {
	if p == nil {
		return "", nil
	}
	m := make(map[string]any, len(p))
	for k, v := range p {
		if internalProps[k] || v == nil {
			continue
		}
		switch t := v.(type) {
		case dbtype.Date:
			v = t.Time().Format(time.DateOnly)
		case time.Time:
			v = t.UTC().Format(time.RFC3339Nano)
		}
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("change log: %w", err)
	}
	return string(b), nil
}

func newChangeID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "chg:" + hex.EncodeToString(b[:])
}

// recordChange writes one change-log entry in tx.
func recordChange(ctx context.Context, tx neo4j.ManagedTransaction, who model.Actor, action, target, targetID, factID, reason string, before, after map[string]any) (*model.Change, error) {
	beforeJSON, err := recordJSON(before)
	if err != nil {
		return nil, err
	}
	afterJSON, err := recordJSON(after)
	if err != nil {
		return nil, err
	}
	ch := &model.Change{
		ID: newChangeID(), At: time.Now().UTC().Truncate(time.Millisecond),
		Actor: who.Name, Role: who.Role, RequestID: who.RequestID,
		Action: action, Target: target, TargetID: targetID, FactID: factID, Reason: reason,
		Before: beforeJSON, After: afterJSON,
	}
	props := map[string]any{
		"id": ch.ID, "at": ch.At, "actor": ch.Actor, "role": ch.Role, "requestId": nilIfEmpty(ch.RequestID),
		"action": ch.Action, "target": ch.Target, "targetId": ch.TargetID, "factId": ch.FactID, "reason": ch.Reason,
		"before": nilIfEmpty(ch.Before), "after": nilIfEmpty(ch.After),
	}
	if err := chainChange(ctx, tx, ch, props); err != nil { // changelog.go
		return nil, err
	}
	if _, err := tx.Run(ctx, cypherCreateChange, map[string]any{"props": props}); err != nil {
		return nil, err
	}
	return ch, nil
}

// History returns change-log entries, newest first: those of one fact and
// its evidence, of one actor, since a time, or all.
func (s *Store) History(ctx context.Context, q model.ChangeQuery) (model.ChangePage, error) {
	p := map[string]any{"fact": nilIfEmpty(q.FactID), "actor": nilIfEmpty(q.Actor), "since": nil,
		"skip": int64(q.Offset), "limit": int64(q.Limit)}
	if !q.Since.IsZero() {
		p["since"] = q.Since.UTC()
	}
	return read(ctx, s, "cypher.Store.History", func(tx neo4j.ManagedTransaction) (model.ChangePage, error) {
		total, nodes, err := countAndPage(ctx, tx, cypherChangeCount, cypherChangePage, p)
		if err != nil {
			return model.ChangePage{}, err
		}
		page := model.ChangePage{Total: total, Changes: make([]model.Change, len(nodes))}
		for i, n := range nodes {
			page.Changes[i] = decodeChange(n.Props)
		}
		return page, nil
	})
}

func decodeChange(p map[string]any) model.Change {
	at, _ := p["at"].(time.Time)
	return model.Change{
		ID: str(p["id"]), At: at.UTC(), Actor: str(p["actor"]), Role: str(p["role"]), RequestID: str(p["requestId"]),
		Action: str(p["action"]), Target: str(p["target"]), TargetID: str(p["targetId"]), FactID: str(p["factId"]),
		Reason: str(p["reason"]), Before: str(p["before"]), After: str(p["after"]),
	}
}
