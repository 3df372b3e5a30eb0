package model

import (
	"encoding/json"
	"sort"
	"time"
)

// Retraction marks a fact withdrawn by a curator. A retracted fact is kept,
// readable by id and in the change log, but left out of lists, counts,
// neighbours, paths and violation analysis.
type Retraction struct {
	At     time.Time
	By     string
	Reason string
}

// Write outcomes of a curator write.
const (
	Created   = "CREATED"
	Updated   = "UPDATED"
	Unchanged = "UNCHANGED"
)

// Change actions recorded in the change log.
const (
	ActionUpsertEntity       = "UPSERT_ENTITY"
	ActionUpsertRelationship = "UPSERT_RELATIONSHIP"
	ActionUpsertSource       = "UPSERT_SOURCE"
	ActionAttachEvidence     = "ATTACH_EVIDENCE"
	ActionSetStatus          = "SET_STATUS"
	ActionRetract            = "RETRACT"
	ActionRestore            = "RESTORE"
	// ActionLoadConflict: a load would have overwritten fields a curator
	// changed; the curator's values were kept (actor: the loader and the
	// list it read; before: the list's values, after: the values kept).
	ActionLoadConflict = "LOAD_CONFLICT"
)

// Change targets.
const (
	TargetEntity       = "ENTITY"
	TargetRelationship = "RELATIONSHIP"
	TargetEvidence     = "EVIDENCE"
)

// Actor is who makes a curator write, for the change log.
type Actor struct {
	// Name identifies the credential: "alice (sgk_ab12…)".
	Name string
	// Role is the credential's role when it wrote.
	Role string
	// RequestID ties the change to the access log.
	RequestID string
}

// Change is one entry of the change log: one curator write of one record.
type Change struct {
	ID       string
	At       time.Time
	Actor    string
	Role     string
	Action   string
	Target   string
	TargetID string
	// FactID is the fact a change of evidence is about; TargetID otherwise.
	FactID    string
	Reason    string
	RequestID string
	// Before and After are the stored record as JSON; Before is "" for a
	// created record.
	Before string
	After  string
}

// ChangeLogCheck is the result of verifying the change log's hash chain.
type ChangeLogCheck struct {
	// Checked is how many changes were verified, from the first on.
	Checked int
	// Unchained counts changes written before the chain existed (no seq).
	Unchained int
	// HeadSeq and HeadHash are the head of the chain: the last change's
	// sequence number and hash. Keeping HeadHash outside the database
	// detects a chain rebuilt after an edit.
	HeadSeq  int
	HeadHash string
	// Broken is the first broken link; nil when the chain holds.
	Broken *BrokenLink
}

// BrokenLink names where the change log's hash chain breaks.
type BrokenLink struct {
	// Seq is the sequence number of the first change that fails.
	Seq int
	// ChangeID is that change's id; empty when the change is missing.
	ChangeID string
	// Problem says what does not match.
	Problem string
}

// ChangeIDOrNil is ChangeID, nil when the change is missing.
func (b *BrokenLink) ChangeIDOrNil() *string {
	if b.ChangeID == "" {
		return nil
	}
	return &b.ChangeID
}

// FieldChange is one field that differs between a change's before and after.
type FieldChange struct {
	Field  string
	Before *string
	After  *string
}

// CuratedFact is an entity or a relationship, as returned by the status writes.
type CuratedFact struct {
	Entity       *Entity
	Relationship *Relationship
}

// WriteResult is what a curator write did.
type WriteResult struct {
	Outcome string
	// Change is nil when nothing changed.
	Change *Change
}

// ChangeQuery selects change-log entries, newest first.
type ChangeQuery struct {
	// FactID: changes of this fact and of its evidence; empty for all.
	FactID string
	// Actor: only changes by this actor name (as recorded); empty for all.
	Actor string
	Since time.Time
	Page
}

// ChangePage is one page of change-log entries.
type ChangePage struct {
	Changes []Change
	Total   int
}

// Diff lists the fields that differ between a change's before and after
// records, sorted by field name.
func Diff(c Change) []FieldChange {
	var before, after map[string]any
	_ = json.Unmarshal([]byte(c.Before), &before)
	_ = json.Unmarshal([]byte(c.After), &after)
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		b, bok := before[k]
		a, aok := after[k]
		bs, as := jsonText(b, bok), jsonText(a, aok)
		if (bs == nil) == (as == nil) && (bs == nil || *bs == *as) {
			continue
		}
		out = append(out, FieldChange{Field: k, Before: bs, After: as})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func jsonText(v any, ok bool) *string {
	if !ok {
		return nil
	}
	if s, isStr := v.(string); isStr {
		return &s
	}
	b, _ := json.Marshal(v)
	s := string(b)
	return &s
}
