package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/bookmark"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
)

// TestBookmarksAcrossReplicas runs two API replicas (two processes' worth:
// each its own driver and bookmark manager) over one Neo4j, reached through
// its routing address. A curator's mutation through the first answers with
// extensions.bookmarks; the curator's next read through the second sends
// them in the Sanctiongraph-Bookmarks header and sees the write. Malformed
// and forged bookmarks, and bookmarks from anonymous clients, are refused
// with a code and change nothing.
func TestBookmarksAcrossReplicas(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := importer.LoadCurated(ctx, env.Store); err != nil {
		t.Fatal(err)
	}
	a, _ := startService(t, "-auth-cache-ttl", "0")
	b, _ := startService(t, "-auth-cache-ttl", "0")
	if !strings.HasPrefix(testEnv("NEO4J_URI"), "neo4j://") && env.Local != nil {
		t.Errorf("the replicas reach the local Neo4j through %s, want its routing address", testEnv("NEO4J_URI"))
	}
	editor, _ := createKey(t, "erin", "editor")
	reader, _ := createKey(t, "rex", "reader")
	const read = `{ entity(id: "state:RU") { status } }`
	post := func(base, key, query string, vars map[string]any, bms string) httpResult {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		hdr := []string{}
		if key != "" {
			hdr = append(hdr, "Authorization", "Bearer "+key)
		}
		if bms != "" {
			hdr = append(hdr, bookmark.Header, bms)
		}
		return send(t, "POST", base+"/graphql", string(body), hdr...)
	}

	r := post(a.Server.URL(), editor, mSetStatus, map[string]any{"id": "state:RU", "s": "ALLEGED", "why": "replica test"}, "")
	if len(r.body.Errors) > 0 {
		t.Fatalf("setStatus through replica A: %+v", r.body.Errors)
	}
	raw, _ := r.body.Extensions["bookmarks"].([]any)
	var bms []string
	for _, v := range raw {
		if s, ok := v.(string); ok && s != "" {
			bms = append(bms, s)
		}
	}
	if len(bms) == 0 {
		t.Fatalf("the mutation's answer carries no extensions.bookmarks: %v", r.body.Extensions)
	}
	if q := post(a.Server.URL(), reader, read, nil, ""); q.body.Extensions["bookmarks"] != nil {
		t.Errorf("a query's answer carries bookmarks: %v", q.body.Extensions)
	}

	t.Run("ReadYourWriteOnAnotherReplica", func(t *testing.T) {
		for _, key := range []string{editor, reader} {
			q := post(b.Server.URL(), key, read, nil, strings.Join(bms, ","))
			if q.code != 200 || len(q.body.Errors) > 0 || !strings.Contains(string(q.body.Data), `"ALLEGED"`) {
				t.Errorf("replica B with A's bookmarks: %d %s %+v", q.code, q.body.Data, q.body.Errors)
			}
		}
		// An export runs its query under the same bookmarks.
		body, _ := json.Marshal(map[string]any{"query": `{ entities(filter: {kinds: [STATE]}, first: 5, view: RECORDS) { edges { node { id status } } } }`})
		x := send(t, "POST", b.Server.URL()+"/export?format=ndjson", string(body), "Authorization", "Bearer "+reader, bookmark.Header, strings.Join(bms, ","))
		if x.code != 200 {
			t.Errorf("export on replica B with A's bookmarks: %d %+v", x.code, x.body.Errors)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		before := fingerprint(t)
		for _, c := range []struct {
			name, key, bms string
			status         int
			code           string
		}{
			{"Anonymous", "", strings.Join(bms, ","), 401, "UNAUTHENTICATED"},
			{"Malformed", reader, `FB:"><script>`, 400, "BAD_USER_INPUT"},
			{"TooMany", reader, "a,b,c,d,e,f,g,h,i", 400, "BAD_USER_INPUT"},
			{"Forged", reader, "FB:notabookmark", 200, "BAD_USER_INPUT"},
		} {
			q := post(b.Server.URL(), c.key, read, nil, c.bms)
			if q.code != c.status || q.errCode() != c.code {
				t.Errorf("%s: %d %+v, want %d %s", c.name, q.code, q.body.Errors, c.status, c.code)
				continue
			}
			if msg := q.body.Errors[0].Message; !strings.Contains(msg, bookmark.Header) || strings.Contains(msg, "Neo.") || strings.Contains(msg, "<script>") {
				t.Errorf("%s: message %q, want one naming the header, without the driver's words or the input echoed", c.name, msg)
			}
		}
		if m := post(b.Server.URL(), editor, mSetStatus, map[string]any{"id": "state:KP", "s": "DISPUTED", "why": "x"}, "FB:notabookmark"); m.errCode() != "BAD_USER_INPUT" {
			t.Errorf("a mutation with a forged bookmark: %+v", m.body.Errors)
		}
		if d := before.Diff(fingerprint(t)); len(d) > 0 {
			t.Errorf("refused requests changed the graph: %v", d)
		}
	})
}
