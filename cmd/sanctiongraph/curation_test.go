package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
)

// gql sends one GraphQL request with an optional API key.
func gql(tb testing.TB, base, key, query string, vars map[string]any) httpResult {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	var hdr []string
	if key != "" {
		hdr = []string{"Authorization", "Bearer " + key}
	}
	return send(tb, "POST", base+"/graphql", string(body), hdr...)
}

func fingerprint(tb testing.TB) cypher.Fingerprint {
	tb.Helper()
	f, err := env.Store.Fingerprint(tb.Context())
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

const (
	mUpsertSource = `mutation($in: SourceInput!, $why: String!) { upsertSource(input: $in, reason: $why) {
  outcome entity { id name properties { name values } } change { id actor role action target targetId reason before after diff { field before after } } } }`
	mUpsertEntity = `mutation($in: EntityInput!, $why: String!) { upsertEntity(input: $in, reason: $why) {
  outcome entity { id name aliases dataset evidence { id quote source { id } } } change { action actor } } }`
	mUpsertRel = `mutation($in: RelationshipInput!, $why: String!) { upsertRelationship(input: $in, reason: $why) {
  outcome relationship { id type from { id } to { id } status evidence { id claim } } change { action } } }`
	mAttach = `mutation($in: EvidenceInput!, $why: String!) { attachEvidence(input: $in, reason: $why) {
  outcome evidence { id quote source { id } } change { action factId } } }`
	mSetStatus = `mutation($id: ID!, $s: Status!, $why: String!) { setStatus(id: $id, status: $s, reason: $why) {
  outcome node { id ... on Relationship { status } ... on Entity { status } } change { action diff { field before after } } } }`
	mRetract = `mutation($id: ID!, $why: String!) { retractFact(id: $id, reason: $why) {
  outcome node { id ... on Relationship { retraction { at by reason } } ... on Entity { retraction { by reason } } } } }`
	mRestore = `mutation($id: ID!, $why: String!) { restoreFact(id: $id, reason: $why) {
  outcome node { id ... on Relationship { retraction { by } } } } }`
	qHistory = `query($id: ID!) { history(id: $id, first: 50) { totalCount edges { node { action actor role target targetId factId reason requestId at before after } } } }`
	qChanges = `query($actor: String) { changes(actor: $actor, first: 100) { totalCount } }`
)

// TestCuratorMutations drives every curator write over HTTP with real keys
// against Neo4j: who may do what, what is written, what history keeps.
func TestCuratorMutations(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := importer.LoadCurated(ctx, env.Store); err != nil {
		t.Fatal(err)
	}
	app, _ := startService(t, "-auth-cache-ttl", "0")
	base := app.Server.URL()
	editor, editorID := createKey(t, "erin", "editor")
	reader, _ := createKey(t, "rex", "reader")
	admin, _ := createKey(t, "ada", "admin")

	src := map[string]any{"id": "source:test-report", "name": "A test report", "publisher": "Test Wire",
		"url": "https://example.org/report", "publishedOn": "2024-03-01"}
	why := map[string]any{"in": src, "why": "new source"}

	t.Run("Roles", func(t *testing.T) {
		before := fingerprint(t)
		if r := gql(t, base, "", mUpsertSource, why); r.errCode() != "UNAUTHENTICATED" || r.code != 200 {
			t.Errorf("anonymous: %d %+v", r.code, r.body.Errors)
		}
		if r := gql(t, base, reader, mUpsertSource, why); r.errCode() != "FORBIDDEN" {
			t.Errorf("reader: %+v", r.body.Errors)
		}
		if r := gql(t, base, "sgk_0123456789abcdef_"+strings.Repeat("A", 43), mUpsertSource, why); r.code != 401 || r.errCode() != "UNAUTHENTICATED" {
			t.Errorf("forged key: %d %+v", r.code, r.body.Errors)
		}
		if r := gql(t, base, editor, mRestore, map[string]any{"id": "state:RU", "why": "x"}); r.errCode() != "FORBIDDEN" {
			t.Errorf("editor restoring: %+v", r.body.Errors)
		}
		if r := gql(t, base, "", qChanges, nil); r.errCode() != "UNAUTHENTICATED" {
			t.Errorf("anonymous change log: %+v", r.body.Errors)
		}
		if d := before.Diff(fingerprint(t)); len(d) > 0 {
			t.Fatalf("refused writes changed the graph: %v", d)
		}
	})

	t.Run("Source", func(t *testing.T) {
		r := gql(t, base, editor, mUpsertSource, why)
		var out struct {
			UpsertSource struct {
				Outcome string
				Entity  struct {
					ID, Name   string
					Properties []struct {
						Name   string
						Values []string
					}
				}
				Change struct {
					Actor, Role, Action, Target, TargetID, Reason string
					Before                                        *string
					After                                         string
					Diff                                          []struct{ Field string }
				}
			}
		}
		mustData(t, r.body, &out)
		w := out.UpsertSource
		if w.Outcome != "CREATED" || w.Entity.ID != "source:test-report" || w.Change.Actor != "erin ("+editorID+")" ||
			w.Change.Role != "editor" || w.Change.Action != "UPSERT_SOURCE" || w.Change.Target != "ENTITY" || w.Change.Before != nil ||
			!strings.Contains(w.Change.After, "example.org") || len(w.Change.Diff) == 0 {
			t.Fatalf("upsertSource = %+v", w)
		}
		r = gql(t, base, editor, mUpsertSource, why)
		if !strings.Contains(string(r.body.Data), `"outcome":"UNCHANGED"`) || !strings.Contains(string(r.body.Data), `"change":null`) {
			t.Fatalf("second upsert: %s", r.body.Data)
		}
	})

	person := map[string]any{"id": "person:test-courier", "kind": "PERSON", "name": "Test Courier", "aliases": []string{"T. Courier"},
		"status": "REPORTED", "evidence": []map[string]any{{"sourceId": "source:test-report", "status": "REPORTED", "quote": "a courier drove it"}}}
	t.Run("EntityAndRelationship", func(t *testing.T) {
		noEv := map[string]any{}
		for k, v := range person {
			if k != "evidence" {
				noEv[k] = v
			}
		}
		if r := gql(t, base, editor, mUpsertEntity, map[string]any{"in": noEv, "why": "x"}); r.errCode() != "BAD_USER_INPUT" || !strings.Contains(r.body.Errors[0].Message, "needs evidence") {
			t.Fatalf("entity without evidence: %+v", r.body.Errors)
		}
		r := gql(t, base, editor, mUpsertEntity, map[string]any{"in": person, "why": "courier named in the report"})
		if !strings.Contains(string(r.body.Data), `"outcome":"CREATED"`) || !strings.Contains(string(r.body.Data), `"dataset":"curator"`) ||
			!strings.Contains(string(r.body.Data), `"quote":"a courier drove it"`) {
			t.Fatalf("upsertEntity: %s %+v", r.body.Data, r.body.Errors)
		}
		rel := map[string]any{"type": "RECEIVED", "from": "person:test-courier", "to": "transfer:aurus-gift-2024-02", "status": "ALLEGED",
			"evidence": []map[string]any{{"sourceId": "source:test-report", "status": "ALLEGED", "claim": "the courier took delivery"}}}
		r = gql(t, base, editor, mUpsertRel, map[string]any{"in": rel, "why": "delivery"})
		if !strings.Contains(string(r.body.Data), `"id":"RECEIVED|person:test-courier|transfer:aurus-gift-2024-02"`) || !strings.Contains(string(r.body.Data), `"outcome":"CREATED"`) {
			t.Fatalf("upsertRelationship: %s %+v", r.body.Data, r.body.Errors)
		}
		rel["to"] = "transfer:no-such-transfer"
		if r := gql(t, base, editor, mUpsertRel, map[string]any{"in": rel, "why": "x"}); r.errCode() != "BAD_USER_INPUT" || !strings.Contains(r.body.Errors[0].Message, "no entity") {
			t.Fatalf("missing end: %+v", r.body.Errors)
		}
	})

	relID := "RECEIVED|person:test-courier|transfer:aurus-gift-2024-02"
	t.Run("EvidenceStatusRetraction", func(t *testing.T) {
		ev := map[string]any{"factId": relID, "sourceId": "source:test-report", "status": "REPORTED", "quote": "signed for it"}
		r := gql(t, base, editor, mAttach, map[string]any{"in": ev, "why": "second passage"})
		if !strings.Contains(string(r.body.Data), `"outcome":"CREATED"`) || !strings.Contains(string(r.body.Data), `"factId":"`+relID) {
			t.Fatalf("attachEvidence: %s %+v", r.body.Data, r.body.Errors)
		}
		ev["factId"] = "person:nobody"
		if r := gql(t, base, editor, mAttach, map[string]any{"in": ev, "why": "x"}); r.errCode() != "NOT_FOUND" {
			t.Fatalf("evidence for a missing fact: %+v", r.body.Errors)
		}
		r = gql(t, base, editor, mSetStatus, map[string]any{"id": relID, "s": "REPORTED", "why": "two passages"})
		if !strings.Contains(string(r.body.Data), `"status":"REPORTED"`) || !strings.Contains(string(r.body.Data), `"field":"status","before":"alleged","after":"reported"`) {
			t.Fatalf("setStatus: %s %+v", r.body.Data, r.body.Errors)
		}
		r = gql(t, base, editor, mRetract, map[string]any{"id": relID, "why": "the report was corrected"})
		if !strings.Contains(string(r.body.Data), `"reason":"the report was corrected"`) || !strings.Contains(string(r.body.Data), `"by":"erin (`+editorID+`)"`) {
			t.Fatalf("retractFact: %s %+v", r.body.Data, r.body.Errors)
		}
		// Retracted: out of the neighbours, still readable by id.
		nb := postGraphQL(t, base, `{ neighbours(id: "person:test-courier") { totalCount } relationship(id: "`+relID+`") { retraction { reason } } }`, nil)
		if !strings.Contains(string(nb.Data), `"totalCount":0`) || !strings.Contains(string(nb.Data), `"reason":"the report was corrected"`) {
			t.Fatalf("after retraction: %s %+v", nb.Data, nb.Errors)
		}
		r = gql(t, base, admin, mRestore, map[string]any{"id": relID, "why": "correction withdrawn"})
		if !strings.Contains(string(r.body.Data), `"retraction":null`) {
			t.Fatalf("restoreFact: %s %+v", r.body.Data, r.body.Errors)
		}
	})

	// A retracted transfer leaves the breach analysis and the counts, and
	// comes back when restored; a retracted hop leaves the paths.
	t.Run("RetractionLeavesAnalyses", func(t *testing.T) {
		const gift = "transfer:aurus-gift-2024-02"
		countEntities := func() int {
			var c struct{ Counts struct{ Entities int } }
			mustData(t, postGraphQL(t, base, `{ counts { entities } }`, nil), &c)
			return c.Counts.Entities
		}
		if potentialViolations(t, base, nil).node(gift) == nil {
			t.Fatal("the February gift is not flagged before the retraction")
		}
		n0 := countEntities()
		if r := gql(t, base, editor, mRetract, map[string]any{"id": gift, "why": "test"}); len(r.body.Errors) > 0 {
			t.Fatal(r.body.Errors)
		}
		if potentialViolations(t, base, nil).node(gift) != nil {
			t.Error("a retracted transfer is still flagged")
		}
		if n := countEntities(); n != n0-1 {
			t.Errorf("counts: %d entities after retracting one of %d", n, n0)
		}
		if r := gql(t, base, admin, mRestore, map[string]any{"id": gift, "why": "test over"}); len(r.body.Errors) > 0 {
			t.Fatal(r.body.Errors)
		}
		if potentialViolations(t, base, nil).node(gift) == nil || countEntities() != n0 {
			t.Error("the restored transfer is not back")
		}

		const manufactures = "MANUFACTURES|org:aurus|product:aurus-senat"
		hops := func() string {
			r := postGraphQL(t, base, `{ paths(from: "org:aurus", to: "product:aurus-senat", maxHops: 1) { paths { hops { relationship { id } } } } }`, nil)
			return string(r.Data)
		}
		if !strings.Contains(hops(), manufactures) {
			t.Fatalf("the curated dataset has no %s: %s", manufactures, hops())
		}
		if r := gql(t, base, editor, mRetract, map[string]any{"id": manufactures, "why": "test"}); len(r.body.Errors) > 0 {
			t.Fatal(r.body.Errors)
		}
		if strings.Contains(hops(), manufactures) {
			t.Error("a retracted relationship is still a hop of a path")
		}
		if r := gql(t, base, admin, mRestore, map[string]any{"id": manufactures, "why": "test over"}); len(r.body.Errors) > 0 {
			t.Fatal(r.body.Errors)
		}
	})

	t.Run("History", func(t *testing.T) {
		r := postGraphQL(t, base, qHistory, map[string]any{"id": relID})
		var out struct {
			History struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Action, Actor, Role, Target, TargetID, FactID, Reason, At string
						RequestID                                                 *string
					}
				}
			}
		}
		mustData(t, r, &out)
		var actions []string
		for _, e := range out.History.Edges {
			actions = append(actions, e.Node.Action)
			if e.Node.FactID != relID || e.Node.At == "" || e.Node.RequestID == nil || *e.Node.RequestID == "" {
				t.Errorf("entry %+v", e.Node)
			}
		}
		want := "RESTORE RETRACT SET_STATUS ATTACH_EVIDENCE UPSERT_RELATIONSHIP ATTACH_EVIDENCE"
		if strings.Join(actions, " ") != want {
			t.Errorf("history actions = %v, want %s", actions, want)
		}
		if len(out.History.Edges) == 0 || out.History.Edges[0].Node.Role != "admin" {
			t.Errorf("restore by %+v", out.History.Edges[0].Node)
		}
		c := gql(t, base, editor, qChanges, map[string]any{"actor": "erin (" + editorID + ")"})
		if !strings.Contains(string(c.body.Data), `"totalCount":10`) {
			t.Errorf("changes by erin: %s %+v", c.body.Data, c.body.Errors)
		}
	})
}

// hostile are strings that would do harm if any layer pasted them into
// Cypher, Lucene, JSON or logs.
var hostile = []string{
	`") MATCH (n) DETACH DELETE n //`,
	`' OR 1=1 //`,
	`"}) RETURN 1 UNION MATCH (x) RETURN x //`,
	`\`, `\\"`, `\u0000`, "tab\there", "line\nbreak",
	`name:* OR title:[* TO *]`, `*`, `~`,
	"`Node`", `$id`, `{id: 'x'}`, `<script>alert(1)</script>`,
	"Ким Чен Ын 김정은 \u202e",
}

// TestHostileMutationInput sends hostile strings in every string argument of
// every mutation, with a valid editor key: each either is refused with
// BAD_USER_INPUT (or NOT_FOUND) and changes nothing, or — where it is valid
// text such as a name or a quote — is stored exactly as sent and nothing
// else changes.
func TestHostileMutationInput(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := importer.LoadCurated(ctx, env.Store); err != nil {
		t.Fatal(err)
	}
	app, _ := startService(t)
	base := app.Server.URL()
	editor, _ := createKey(t, "erin", "editor")
	admin, _ := createKey(t, "ada", "admin")

	base0 := fingerprint(t)
	nonText := func(name string, h string, query string, vars map[string]any, key string) {
		t.Helper()
		r := gql(t, base, key, query, vars)
		if r.code >= 500 {
			t.Fatalf("%s %q: HTTP %d", name, h, r.code)
		}
		code := r.errCode()
		if code != "BAD_USER_INPUT" && code != "NOT_FOUND" && code != "GRAPHQL_VALIDATION_FAILED" {
			t.Fatalf("%s %q: code %q, data %s", name, h, code, r.body.Data)
		}
		for _, e := range r.body.Errors {
			// Messages may quote the rejected value back; anything else
			// that looks like Cypher or a driver or stack trace is a leak.
			msg := strings.ReplaceAll(strings.ReplaceAll(e.Message, strconv.Quote(h), ""), h, "")
			for _, leak := range []string{"Neo.", "neo4j", "MATCH (", "goroutine", ".go:"} {
				if strings.Contains(msg, leak) {
					t.Fatalf("%s: message leaks %q: %s", name, leak, e.Message)
				}
			}
		}
		if d := base0.Diff(fingerprint(t)); len(d) > 0 {
			t.Fatalf("%s %q changed the graph: %v", name, h, d)
		}
	}
	ev := func(src string) []map[string]any {
		return []map[string]any{{"sourceId": src, "status": "REPORTED"}}
	}
	for _, h := range hostile {
		// Ids, references and enums-as-strings: refused.
		nonText("upsertEntity.id", h, mUpsertEntity, map[string]any{"in": map[string]any{"id": h, "kind": "PERSON", "name": "X", "status": "REPORTED", "evidence": ev("source:tass-1074770")}, "why": "x"}, editor)
		nonText("upsertEntity.property", h, mUpsertEntity, map[string]any{"in": map[string]any{"id": "person:x", "kind": "PERSON", "name": "X", "status": "REPORTED",
			"properties": []map[string]any{{"name": h, "values": []string{"1"}}}, "evidence": ev("source:tass-1074770")}, "why": "x"}, editor)
		nonText("upsertEntity.evidence.sourceId", h, mUpsertEntity, map[string]any{"in": map[string]any{"id": "person:x", "kind": "PERSON", "name": "X", "status": "REPORTED", "evidence": ev(h)}, "why": "x"}, editor)
		nonText("upsertEntity.validFrom", h, mUpsertEntity, map[string]any{"in": map[string]any{"id": "person:x", "kind": "PERSON", "name": "X", "status": "REPORTED", "validFrom": h, "evidence": ev("source:tass-1074770")}, "why": "x"}, editor)
		nonText("upsertRelationship.from", h, mUpsertRel, map[string]any{"in": map[string]any{"type": "LEADS", "from": h, "to": "state:RU", "status": "REPORTED", "evidence": ev("source:tass-1074770")}, "why": "x"}, editor)
		nonText("upsertRelationship.id", h, mUpsertRel, map[string]any{"in": map[string]any{"id": h, "type": "LEADS", "from": "person:putin", "to": "state:RU", "status": "REPORTED"}, "why": "x"}, editor)
		nonText("upsertSource.url", h, mUpsertSource, map[string]any{"in": map[string]any{"id": "source:x", "name": "X", "url": h}, "why": "x"}, editor)
		nonText("upsertSource.publishedOn", h, mUpsertSource, map[string]any{"in": map[string]any{"id": "source:x", "name": "X", "publishedOn": h}, "why": "x"}, editor)
		nonText("attachEvidence.factId", h, mAttach, map[string]any{"in": map[string]any{"factId": h, "sourceId": "source:tass-1074770", "status": "REPORTED"}, "why": "x"}, editor)
		nonText("setStatus.id", h, mSetStatus, map[string]any{"id": h, "s": "REPORTED", "why": "x"}, editor)
		nonText("setStatus.status", h, mSetStatus, map[string]any{"id": "state:RU", "s": h, "why": "x"}, editor)
		nonText("retractFact.id", h, mRetract, map[string]any{"id": h, "why": "x"}, editor)
		nonText("restoreFact.id", h, mRestore, map[string]any{"id": h, "why": "x"}, admin)
	}

	// Text fields take any text and store it verbatim: one write per
	// string, and the record reads back byte for byte.
	for i, h := range hostile {
		if strings.ContainsRune(h, 0) || h == `\u0000` {
			continue
		}
		id := fmt.Sprintf("person:hostile-%d", i)
		in := map[string]any{"id": id, "kind": "PERSON", "name": h, "aliases": []string{h}, "description": h, "status": "ALLEGED",
			"evidence": []map[string]any{{"sourceId": "source:tass-1074770", "status": "ALLEGED", "quote": h, "claim": h}}}
		r := gql(t, base, editor, mUpsertEntity, map[string]any{"in": in, "why": h})
		if len(r.body.Errors) > 0 {
			t.Fatalf("name %q: %+v", h, r.body.Errors)
		}
		got := postGraphQL(t, base, `query($id: ID!) { entity(id: $id, view: RECORDS) { name aliases description evidence { quote claim } } history(id: $id) { edges { node { reason } } } }`, map[string]any{"id": id})
		var out struct {
			Entity struct {
				Name, Description string
				Aliases           []string
				Evidence          []struct{ Quote, Claim string }
			}
			History struct {
				Edges []struct{ Node struct{ Reason string } }
			}
		}
		mustData(t, got, &out)
		e := out.Entity
		if e.Name != h || e.Description != h || len(e.Aliases) != 1 || e.Aliases[0] != h || len(e.Evidence) != 1 || e.Evidence[0].Quote != h || e.Evidence[0].Claim != h ||
			len(out.History.Edges) == 0 || out.History.Edges[0].Node.Reason != h {
			t.Fatalf("%q did not round-trip: %+v", h, out)
		}
	}
	after := fingerprint(t)
	// One person, one evidence record and two change entries per stored string.
	stored := int64(len(hostile) - 1)
	if n := after.Labels["Node"] - base0.Labels["Node"]; n != stored {
		t.Errorf("%d entities added, want %d", n, stored)
	}
	if n := after.Labels["Evidence"] - base0.Labels["Evidence"]; n != stored {
		t.Errorf("%d evidence records added, want %d", n, stored)
	}
	if n := after.Labels["Change"] - base0.Labels["Change"]; n != 2*stored {
		t.Errorf("%d changes recorded, want %d", n, 2*stored)
	}
	if after.Labels["State"] != base0.Labels["State"] || after.Types["LEADS"] != base0.Types["LEADS"] {
		t.Errorf("hostile text touched other records: %v", base0.Diff(after))
	}
	if d := after.Duplicates(); len(d) > 0 {
		t.Errorf("duplicate ids: %v", d)
	}
}
