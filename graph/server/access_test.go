package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// newTestServer returns a Server on the fake store whose counts query
// answers 7 entities; its handler is served in process.
func newTestServer(tb testing.TB, cfg Config) http.Handler {
	tb.Helper()
	st := &testStore{}
	st.CountsFn = func(ctx context.Context, q model.CountQuery) (*model.Counts, error) {
		return &model.Counts{Entities: 7}, nil
	}
	cfg.Store = st
	cfg.Logger = quietLogger()
	return New(cfg).srv.Handler
}

const countsQuery = `{"query":"{ counts { entities } }"}`

// TestGraphQLAccess runs the access rules through the whole /graphql stack:
// an anonymous read works, a forged or revoked key is refused with 401,
// a valid key is accepted, and the rate limit answers 429 and recovers.
func TestGraphQLAccess(t *testing.T) {
	fa := newFakeAuth()
	h := newTestServer(t, Config{Auth: fa, RateLimit: 1, RateBurst: 2})
	const ip = "192.0.2.10:5555"

	r := do(t, h, "POST", "/graphql", countsQuery, ip)
	if r.code != 200 || string(r.body.Data) != `{"counts":{"entities":7}}` {
		t.Fatalf("anonymous read: %d %s", r.code, r.raw)
	}
	if r.header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID")
	}
	for name, key := range map[string]string{"Forged": "sgk_a11ce00000000000_forged", "Revoked": bobKey} {
		if name == "Revoked" {
			fa.revoke(bobKey)
		}
		r := do(t, h, "POST", "/graphql", countsQuery, "192.0.2.11:1", "Authorization", "Bearer "+key)
		if r.code != 401 || r.errCode() != model.Unauthenticated || r.body.Data != nil || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s key: %d %v %s", name, r.code, r.header, r.raw)
		}
		if r.header.Get("X-Request-ID") == "" {
			t.Errorf("%s key: the refusal has no X-Request-ID", name)
		}
	}
	if r := do(t, h, "POST", "/graphql", countsQuery, "192.0.2.12:1", "Authorization", "Bearer "+aliceKey); r.code != 200 || string(r.body.Data) != `{"counts":{"entities":7}}` {
		t.Errorf("valid key: %d %s", r.code, r.raw)
	}

	// The burst of 2 at 1/s: one spent above, one left, then 429 (a token
	// refills only after a second, so a slow machine cannot refill it early).
	if r := do(t, h, "POST", "/graphql", countsQuery, ip); r.code != 200 {
		t.Fatalf("second request: %d", r.code)
	}
	r = do(t, h, "POST", "/graphql", countsQuery, ip)
	if r.code != 429 || r.errCode() != model.RateLimited || r.body.Data != nil {
		t.Fatalf("past the burst: %d %s", r.code, r.raw)
	}
	ra, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || ra < 1 {
		t.Fatalf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if r := do(t, h, "GET", path, "", ip); r.code != 200 {
			t.Errorf("%s is rate limited: %d", path, r.code)
		}
	}
	time.Sleep(1100 * time.Millisecond) // one token a second
	if r := do(t, h, "POST", "/graphql", countsQuery, ip); r.code != 200 {
		t.Errorf("after the refill: %d %s", r.code, r.raw)
	}
}

// TestCORS checks preflights and actual requests per configured origins.
func TestCORS(t *testing.T) {
	preflight := func(h http.Handler, origin string) response {
		return do(t, h, "OPTIONS", "/graphql", "", "192.0.2.1:1",
			"Origin", origin, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization,content-type,x-request-id")
	}
	const dash = "https://dash.example.org"

	t.Run("AllowedOrigin", func(t *testing.T) {
		// A burst of 1: preflights are answered before the rate limit.
		h := newTestServer(t, Config{Auth: newFakeAuth(), CORSOrigins: []string{dash, "https://*.example.net"}, RateLimit: 1, RateBurst: 1})
		for i := 0; i < 3; i++ {
			r := preflight(h, dash)
			if r.code/100 != 2 || r.header.Get("Access-Control-Allow-Origin") != dash {
				t.Fatalf("preflight %d: %d %v", i+1, r.code, r.header)
			}
			allowed := strings.ToLower(r.header.Get("Access-Control-Allow-Headers"))
			if !strings.Contains(allowed, "authorization") || !strings.Contains(allowed, "x-request-id") {
				t.Errorf("Access-Control-Allow-Headers = %q", allowed)
			}
		}
		if r := preflight(h, "https://api.example.net"); r.header.Get("Access-Control-Allow-Origin") != "https://api.example.net" {
			t.Errorf("wildcard origin refused: %v", r.header)
		}
		r := do(t, h, "POST", "/graphql", countsQuery, "192.0.2.1:1", "Origin", dash)
		if r.code != 200 || r.header.Get("Access-Control-Allow-Origin") != dash || !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "X-Request-Id") && !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "X-Request-ID") {
			t.Errorf("actual request: %d %v", r.code, r.header)
		}
		if !strings.Contains(strings.ToLower(r.header.Get("Access-Control-Expose-Headers")), "sanctiongraph-page-info") {
			t.Errorf("an export's page info is not readable cross-origin: %v", r.header)
		}
		// A refusal is readable cross-origin too.
		r = do(t, h, "POST", "/graphql", countsQuery, "192.0.2.1:1", "Origin", dash)
		if r.code != 429 || r.header.Get("Access-Control-Allow-Origin") != dash {
			t.Errorf("429 cross-origin: %d %v", r.code, r.header)
		}
	})

	t.Run("DeniedOrigin", func(t *testing.T) {
		h := newTestServer(t, Config{CORSOrigins: []string{dash}})
		for _, origin := range []string{"https://evil.example", "https://dash.example.org.evil.example", "http://dash.example.org"} {
			r := preflight(h, origin)
			if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("preflight from %s: Access-Control-Allow-Origin %q", origin, got)
			}
			r = do(t, h, "POST", "/graphql", countsQuery, "192.0.2.1:1", "Origin", origin)
			if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("request from %s: Access-Control-Allow-Origin %q", origin, got)
			}
		}
	})

	t.Run("NoneByDefault", func(t *testing.T) {
		h := newTestServer(t, Config{})
		r := preflight(h, dash)
		if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("preflight without configured origins: Access-Control-Allow-Origin %q", got)
		}
		r = do(t, h, "POST", "/graphql", countsQuery, "192.0.2.1:1", "Origin", dash)
		if r.code != 200 || r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("request: %d %v", r.code, r.header)
		}
	})

	t.Run("Any", func(t *testing.T) {
		h := newTestServer(t, Config{CORSOrigins: []string{"*"}})
		if r := preflight(h, "https://anywhere.example"); r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("preflight with *: %v", r.header)
		}
	})
}

func apqExt(hash string) string {
	return `{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}`
}

func sha(q string) string {
	s := sha256.Sum256([]byte(q))
	return hex.EncodeToString(s[:])
}

// TestPersistedQueries: an unknown hash answers PERSISTED_QUERY_NOT_FOUND,
// the hash with its query registers it, then the hash alone runs it (POST
// and GET); a hash that does not match its query is refused and not stored.
func TestPersistedQueries(t *testing.T) {
	h := newTestServer(t, Config{})
	const q = "{ counts { entities } }"
	hash := sha(q)
	post := func(query, hash string) response {
		body := map[string]any{"extensions": json.RawMessage(apqExt(hash))}
		if query != "" {
			body["query"] = query
		}
		b, _ := json.Marshal(body)
		return do(t, h, "POST", "/graphql", string(b), "192.0.2.1:1")
	}
	get := func(hash string) response {
		return do(t, h, "GET", "/graphql?extensions="+url.QueryEscape(apqExt(hash)), "", "192.0.2.1:1")
	}

	if r := post("", hash); r.errCode() != "PERSISTED_QUERY_NOT_FOUND" || r.body.Data != nil && string(r.body.Data) != "null" {
		t.Fatalf("unknown hash: %d %s", r.code, r.raw)
	}
	if r := get(hash); r.errCode() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("unknown hash over GET: %d %s", r.code, r.raw)
	}
	if r := post(q, hash); r.code != 200 || string(r.body.Data) != `{"counts":{"entities":7}}` {
		t.Fatalf("hash and query: %d %s", r.code, r.raw)
	}
	if r := post("", hash); r.code != 200 || string(r.body.Data) != `{"counts":{"entities":7}}` {
		t.Errorf("hash alone after registering: %d %s", r.code, r.raw)
	}
	if r := get(hash); r.code != 200 || string(r.body.Data) != `{"counts":{"entities":7}}` {
		t.Errorf("hash alone over GET: %d %s", r.code, r.raw)
	}

	// A hash that is not the query's: refused, and nothing stored under it.
	other := "{ __typename }"
	wrong := sha("{ counts { relationships } }")
	if r := post(other, wrong); len(r.body.Errors) == 0 || string(r.body.Data) != "" && string(r.body.Data) != "null" {
		t.Errorf("mismatched hash: %d %s", r.code, r.raw)
	}
	if r := post("", wrong); r.errCode() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("the mismatched query was stored: %s", r.raw)
	}

	// Oversized queries run but are not persisted (the cache stays bounded).
	big := "{ counts { entities } }\n#" + strings.Repeat("x", 40<<10)
	if r := post(big, sha(big)); r.code != 200 || string(r.body.Data) != `{"counts":{"entities":7}}` {
		t.Errorf("big query with hash: %d %.200s", r.code, r.raw)
	}
	if r := post("", sha(big)); r.errCode() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("a %d-byte query was persisted", len(big))
	}
}
