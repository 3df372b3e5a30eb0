package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var keyRE = regexp.MustCompile(`^sgk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$`)

// createKey runs `keys create` and returns the key and its id.
func createKey(tb testing.TB, name, role string) (key, id string) {
	tb.Helper()
	code, out, errOut := cli(tb, "keys", "create", "-name", name, "-role", role)
	if code != 0 {
		tb.Fatalf("keys create: exit %d\n%s%s", code, out, errOut)
	}
	key = strings.TrimSpace(out)
	m := keyRE.FindStringSubmatch(key)
	if m == nil {
		tb.Fatalf("keys create printed %q, not a key alone", out)
	}
	if !strings.Contains(errOut, "cannot be shown again") || !strings.Contains(errOut, m[1]) {
		tb.Errorf("keys create: no warning that the key is shown once:\n%s", errOut)
	}
	return key, m[1]
}

// TestKeysCLI creates, lists and revokes keys through the command line.
func TestKeysCLI(t *testing.T) {
	ctx := env.Reset(t)
	alice, aliceID := createKey(t, "alice", "editor")
	dash, dashID := createKey(t, "dashboard", "reader")

	code, out, errOut := cli(t, "keys", "list")
	if code != 0 {
		t.Fatalf("keys list: exit %d\n%s%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || strings.Join(strings.Fields(lines[0]), " ") != "ID NAME ROLE CREATED REVOKED" {
		t.Fatalf("keys list:\n%s", out)
	}
	row := strings.Fields(lines[1])
	if len(row) != 5 || row[0] != aliceID || row[1] != "alice" || row[2] != "editor" || row[4] != "-" {
		t.Errorf("alice's row: %q", lines[1])
	}
	if created, err := time.Parse(time.RFC3339, row[3]); err != nil || time.Since(created) > time.Minute {
		t.Errorf("created %q: %v", row[3], err)
	}
	if f := strings.Fields(lines[2]); len(f) != 5 || f[0] != dashID || f[2] != "reader" {
		t.Errorf("dashboard's row: %q", lines[2])
	}
	for _, k := range []string{alice, dash} {
		if secret := k[len("sgk_")+17:]; strings.Contains(out, secret) {
			t.Errorf("keys list shows a secret:\n%s", out)
		}
	}

	code, out, errOut = cli(t, "keys", "revoke", aliceID)
	if code != 0 || !strings.Contains(out, aliceID) {
		t.Fatalf("keys revoke: exit %d\n%s%s", code, out, errOut)
	}
	_, out, _ = cli(t, "keys", "list")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if f := strings.Fields(lines[1]); len(f) != 5 || f[0] != aliceID || f[4] == "-" {
		t.Errorf("alice's row after revoke: %q", lines[1])
	}
	if f := strings.Fields(lines[2]); len(f) != 5 || f[4] != "-" {
		t.Errorf("dashboard's row after revoking alice: %q", lines[2])
	}
	if _, err := env.Store.Authenticate(ctx, alice); err == nil {
		t.Error("the revoked key still authenticates")
	}
	if p, err := env.Store.Authenticate(ctx, dash); err != nil || p.KeyID != dashID || p.Name != "dashboard" {
		t.Errorf("dashboard key: %+v %v", p, err)
	}

	for name, args := range map[string][]string{
		"RevokeUnknown":   {"keys", "revoke", "0123456789abcdef"},
		"RevokeNoID":      {"keys", "revoke"},
		"CreateNoName":    {"keys", "create", "-role", "reader"},
		"CreateBadRole":   {"keys", "create", "-name", "eve", "-role", "root"},
		"CreateAnonymous": {"keys", "create", "-name", "eve", "-role", "anonymous"},
		"ListExtraArg":    {"keys", "list", "extra"},
		"UnknownCommand":  {"keys", "rotate"},
	} {
		if code, out, errOut := cli(t, args...); code == 0 {
			t.Errorf("%s: exit 0\n%s%s", name, out, errOut)
		}
	}
	if keys, _ := env.Store.ListKeys(ctx); len(keys) != 2 {
		t.Errorf("%d keys after the refused commands, want 2", len(keys))
	}
}

type httpResult struct {
	code   int
	header http.Header
	body   gqlResponse
}

func (r httpResult) errCode() string {
	if len(r.body.Errors) == 0 {
		return ""
	}
	c, _ := r.body.Errors[0].Extensions["code"].(string)
	return c
}

func send(tb testing.TB, method, u, body string, hdr ...string) httpResult {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := httpResult{code: resp.StatusCode, header: resp.Header}
	_ = json.Unmarshal(b, &out.body)
	return out
}

// TestServeWithAPIKeys runs the service against Neo4j with keys made by the
// CLI: reads work without a key, a valid key is accepted, forged and revoked
// keys get 401 UNAUTHENTICATED (the key cache is off, so revocation is
// immediate), and persisted queries work over GET.
func TestServeWithAPIKeys(t *testing.T) {
	env.Reset(t)
	key, id := createKey(t, "alice", "editor")
	app, _ := startService(t, "-auth-cache-ttl", "0")
	gql := app.Server.URL() + "/graphql"
	// A read from Neo4j; keys are no entities, so the graph is empty.
	const query = `{"query":"{ counts { entities } }"}`
	const want = `{"counts":{"entities":0}}`

	if r := send(t, "POST", gql, query); r.code != 200 || string(r.body.Data) != want {
		t.Fatalf("anonymous read: %d %s %+v", r.code, r.body.Data, r.body.Errors)
	}
	if r := send(t, "POST", gql, query, "Authorization", "Bearer "+key); r.code != 200 || string(r.body.Data) != want {
		t.Errorf("valid key: %d %s %+v", r.code, r.body.Data, r.body.Errors)
	}
	forged := key[:len(key)-4] + "AAAA"
	if forged == key {
		forged = key[:len(key)-4] + "QQQQ"
	}
	for name, k := range map[string]string{"Forged": forged, "Malformed": "hunter2"} {
		r := send(t, "POST", gql, query, "Authorization", "Bearer "+k)
		if r.code != 401 || r.errCode() != "UNAUTHENTICATED" || r.body.Data != nil || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s key: %d %v %s %+v", name, r.code, r.header, r.body.Data, r.body.Errors)
		}
	}
	if code, out, errOut := cli(t, "keys", "revoke", id); code != 0 {
		t.Fatalf("revoke: %d %s%s", code, out, errOut)
	}
	if r := send(t, "POST", gql, query, "Authorization", "Bearer "+key); r.code != 401 || r.errCode() != "UNAUTHENTICATED" {
		t.Errorf("revoked key: %d %+v", r.code, r.body.Errors)
	}

	// Persisted query over GET: unknown hash, register with POST, then GET.
	q := `{ counts { entities } }`
	sum := sha256.Sum256([]byte(q))
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
	getURL := gql + "?extensions=" + url.QueryEscape(ext)
	if r := send(t, "GET", getURL, ""); r.errCode() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("unknown hash: %d %+v", r.code, r.body.Errors)
	}
	body, _ := json.Marshal(map[string]any{"query": q, "extensions": json.RawMessage(ext)})
	if r := send(t, "POST", gql, string(body)); string(r.body.Data) != want {
		t.Errorf("register: %d %s %+v", r.code, r.body.Data, r.body.Errors)
	}
	if r := send(t, "GET", getURL, ""); r.code != 200 || string(r.body.Data) != want {
		t.Errorf("hash over GET: %d %s %+v", r.code, r.body.Data, r.body.Errors)
	}
}

// TestServeRateLimitsAndCORS starts the service with the access flags: the
// anonymous burst then 429 RATE_LIMITED with Retry-After, a key's own
// budget, health checks never limited, and CORS per -cors-origins.
func TestServeRateLimitsAndCORS(t *testing.T) {
	env.Reset(t)
	key, _ := createKey(t, "dashboard", "reader")
	app, _ := startService(t, "-rate-limit", "0.5", "-rate-burst", "2", "-cors-origins", "https://dash.example.org")
	gql := app.Server.URL() + "/graphql"
	const query = `{"query":"{ __typename }"}`

	for i := 0; i < 2; i++ {
		if r := send(t, "POST", gql, query); r.code != 200 {
			t.Fatalf("request %d of the burst: %d %+v", i+1, r.code, r.body.Errors)
		}
	}
	r := send(t, "POST", gql, query)
	if r.code != 429 || r.errCode() != "RATE_LIMITED" || r.header.Get("Retry-After") == "" {
		t.Fatalf("past the burst: %d %v %+v", r.code, r.header, r.body.Errors)
	}
	// The key was never checked, so the address has no token left for that:
	// a key check costs the address a token, like a guess would.
	if r := send(t, "POST", gql, query, "Authorization", "Bearer "+key); r.code != 429 {
		t.Errorf("first use of a key from a spent address: %d", r.code)
	}
	if code, _ := get(t, app.Server.URL()+"/healthz"); code != 200 {
		t.Errorf("/healthz is rate limited: %d", code)
	}
	if code, _ := get(t, app.Server.URL()+"/readyz"); code != 200 {
		t.Errorf("/readyz is rate limited: %d", code)
	}

	pre := func(origin string) httpResult {
		return send(t, "OPTIONS", gql, "", "Origin", origin, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization,content-type")
	}
	if r := pre("https://dash.example.org"); r.code/100 != 2 || r.header.Get("Access-Control-Allow-Origin") != "https://dash.example.org" {
		t.Errorf("preflight from the dashboard: %d %v", r.code, r.header)
	}
	if r := pre("https://evil.example"); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin: %d %v", r.code, r.header)
	}
}

// TestAccessFlags checks the access flags and their environment variables.
func TestAccessFlags(t *testing.T) {
	parse := func(envs map[string]string, args ...string) (Config, error) {
		getenv := func(k string) string {
			if k == "NEO4J_URI" {
				return "bolt://127.0.0.1:7687"
			}
			return envs[k]
		}
		return parseFlags("serve", args, getenv, io.Discard, false)
	}
	c, err := parse(nil)
	if err != nil || c.RateLimit != 20 || c.RateBurst != 40 || len(c.CORSOrigins) != 0 || c.TrustedProxyHeader != "" || c.AuthCacheTTL != 30*time.Second {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	c, err = parse(map[string]string{"RATE_LIMIT": "2.5", "RATE_BURST": "5", "CORS_ORIGINS": " https://a.example , https://*.b.example,http://localhost:3000", "TRUSTED_PROXY_HEADER": "X-Forwarded-For"})
	if err != nil || c.RateLimit != 2.5 || c.RateBurst != 5 || strings.Join(c.CORSOrigins, " ") != "https://a.example https://*.b.example http://localhost:3000" || c.TrustedProxyHeader != "X-Forwarded-For" {
		t.Errorf("from the environment: %+v %v", c, err)
	}
	c, err = parse(map[string]string{"RATE_LIMIT": "lots"}, "-rate-limit", "0", "-cors-origins", "*", "-auth-cache-ttl", "0")
	if err != nil || c.RateLimit != 0 || strings.Join(c.CORSOrigins, " ") != "*" || c.AuthCacheTTL >= 0 {
		t.Errorf("flags over the environment: %+v %v", c, err)
	}
	for name, c := range map[string]struct {
		env  map[string]string
		args []string
	}{
		"BadRateEnv":    {env: map[string]string{"RATE_LIMIT": "lots"}},
		"BadBurstEnv":   {env: map[string]string{"RATE_BURST": "1.5"}},
		"NegativeRate":  {args: []string{"-rate-limit", "-1"}},
		"ZeroBurst":     {args: []string{"-rate-burst", "0"}},
		"OriginPath":    {args: []string{"-cors-origins", "https://a.example/app"}},
		"OriginSlash":   {args: []string{"-cors-origins", "https://a.example/"}},
		"OriginScheme":  {args: []string{"-cors-origins", "ftp://a.example"}},
		"OriginNoHost":  {args: []string{"-cors-origins", "a.example"}},
		"TwoWildcards":  {args: []string{"-cors-origins", "https://*.*.example"}},
		"ProxyHeader":   {args: []string{"-trusted-proxy-header", "X Forwarded"}},
		"NegativeTTL":   {args: []string{"-auth-cache-ttl", "-1s"}},
		"ZeroBurstEnv":  {env: map[string]string{"RATE_BURST": "0"}},
		"OriginQuery":   {args: []string{"-cors-origins", "https://a.example?x=1"}},
		"OriginUser":    {args: []string{"-cors-origins", "https://u@a.example"}},
		"RateNotNumber": {args: []string{"-rate-limit", "NaN"}},
	} {
		if _, err := parse(c.env, c.args...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	var buf bytes.Buffer
	parseFlags("serve", []string{"-h"}, func(string) string { return "" }, &buf, false)
	for _, f := range []string{"-rate-limit", "-rate-burst", "-cors-origins", "-trusted-proxy-header", "-auth-cache-ttl", "RATE_LIMIT", "CORS_ORIGINS"} {
		if !strings.Contains(buf.String(), f) {
			t.Errorf("serve -h does not mention %s", f)
		}
	}
}
