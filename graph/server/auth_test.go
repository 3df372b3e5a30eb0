package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
	"github.com/sanctiongraph/sanctiongraph/graph/fake"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// testStore is the fake GraphQL store plus a health check.
type testStore struct{ fake.Store }

func (*testStore) Ready(context.Context) error { return nil }

// fakeAuth accepts the keys in its map, refuses others with
// UNAUTHENTICATED, and fails with err when set; it counts its calls.
type fakeAuth struct {
	mu    sync.Mutex
	keys  map[string]auth.Principal
	err   error
	calls int
}

var _ Authenticator = (*fakeAuth)(nil)

func (f *fakeAuth) Authenticate(ctx context.Context, key string) (auth.Principal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return auth.Principal{}, f.err
	}
	p, ok := f.keys[key]
	if !ok {
		return auth.Principal{}, model.Errorf(model.Unauthenticated, "the API key is not valid")
	}
	return p, nil
}

func (f *fakeAuth) revoke(key string) { f.mu.Lock(); delete(f.keys, key); f.mu.Unlock() }

func (f *fakeAuth) count() int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }

const (
	aliceKey = "sgk_a11ce00000000000_alicesecret"
	bobKey   = "sgk_b0b0000000000000_bobsecret"
)

var (
	alice = auth.Principal{KeyID: "a11ce00000000000", Name: "alice", Role: auth.Editor}
	bob   = auth.Principal{KeyID: "b0b0000000000000", Name: "bob", Role: auth.Reader}
)

func newFakeAuth() *fakeAuth {
	return &fakeAuth{keys: map[string]auth.Principal{aliceKey: alice, bobKey: bob}}
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// echoPrincipal answers with the principal of the request's context.
var echoPrincipal = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, auth.From(r.Context()))
})

// clock is a settable time for caches and limiters.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time           { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration)      { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }
func newClock() *clock                    { return &clock{now: time.Date(2024, 2, 18, 12, 0, 0, 0, time.UTC)} }
func (g *guard) setClock(c *clock) *guard { g.limits.setNow(c.Now); g.cache.setNow(c.Now); return g }
func (l *limiter) setNow(f func() time.Time) {
	if l != nil {
		l.now = f
	}
}
func (c *keyCache) setNow(f func() time.Time) {
	if c != nil {
		c.now = f
	}
}

type response struct {
	code   int
	header http.Header
	body   struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	principal auth.Principal
	raw       string
}

func (r response) errCode() string {
	if len(r.body.Errors) == 0 {
		return ""
	}
	c, _ := r.body.Errors[0].Extensions["code"].(string)
	return c
}

// do sends one request from remote to h; hdr holds extra header lines.
func do(tb testing.TB, h http.Handler, method, target, body, remote string, hdr ...string) response {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	req.RemoteAddr = remote
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	out := response{code: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(rec.Body.Bytes(), &out.body)
		_ = json.Unmarshal(rec.Body.Bytes(), &out.principal)
	}
	return out
}

// TestGuardAuthentication checks what each kind of credential yields: the
// principal in the context, or the refusal, and never a silent downgrade to
// anonymous.
func TestGuardAuthentication(t *testing.T) {
	unavailable := &model.Error{Code: model.Unavailable, Message: "the graph database is unavailable; retry later"}
	for name, c := range map[string]struct {
		auth      func() Authenticator
		header    []string
		status    int
		code      string
		want      auth.Principal
		challenge bool
	}{
		"Anonymous":       {header: nil, status: 200},
		"ValidKey":        {header: []string{"Authorization", "Bearer " + aliceKey}, status: 200, want: alice},
		"LowercaseScheme": {header: []string{"Authorization", "bearer  " + bobKey}, status: 200, want: bob},
		"ForgedKey":       {header: []string{"Authorization", "Bearer sgk_a11ce00000000000_forged"}, status: 401, code: model.Unauthenticated, challenge: true},
		"Malformed":       {header: []string{"Authorization", "Bearer not-a-key"}, status: 401, code: model.Unauthenticated, challenge: true},
		"EmptyBearer":     {header: []string{"Authorization", "Bearer"}, status: 401, code: model.Unauthenticated, challenge: true},
		"EmptyHeader":     {header: []string{"Authorization", ""}, status: 401, code: model.Unauthenticated, challenge: true},
		"BasicScheme":     {header: []string{"Authorization", "Basic " + aliceKey}, status: 401, code: model.Unauthenticated, challenge: true},
		"TwoHeaders":      {header: []string{"Authorization", "Bearer " + aliceKey, "Authorization", "Bearer " + bobKey}, status: 401, code: model.Unauthenticated, challenge: true},
		"NoAuthenticator": {auth: func() Authenticator { return nil }, header: []string{"Authorization", "Bearer " + aliceKey}, status: 401, code: model.Unauthenticated, challenge: true},
		"Neo4jDown": {auth: func() Authenticator { return &fakeAuth{err: unavailable} },
			header: []string{"Authorization", "Bearer " + aliceKey}, status: 503, code: model.Unavailable},
		"AuthenticatorBug": {auth: func() Authenticator { return &fakeAuth{err: io.ErrUnexpectedEOF} },
			header: []string{"Authorization", "Bearer " + aliceKey}, status: 500, code: model.Internal},
		"PrincipalWithoutID": {auth: func() Authenticator { return &fakeAuth{keys: map[string]auth.Principal{aliceKey: {Role: auth.Admin}}} },
			header: []string{"Authorization", "Bearer " + aliceKey}, status: 500, code: model.Internal},
	} {
		t.Run(name, func(t *testing.T) {
			var a Authenticator = newFakeAuth()
			if c.auth != nil {
				a = c.auth()
			}
			g := newGuard(Config{Auth: a, Logger: quietLogger(), RequestTimeout: time.Second})
			r := do(t, g.wrap(echoPrincipal), "POST", "/graphql", `{}`, "192.0.2.1:1234", c.header...)
			if r.code != c.status || r.errCode() != c.code {
				t.Fatalf("status %d code %q, want %d %q: %s", r.code, r.errCode(), c.status, c.code, r.raw)
			}
			if c.status == 200 && r.principal != c.want {
				t.Errorf("principal %+v, want %+v", r.principal, c.want)
			}
			if c.status != 200 && (len(r.body.Errors) != 1 || r.body.Errors[0].Message == "" || r.body.Data != nil) {
				t.Errorf("error body is not GraphQL-shaped: %s", r.raw)
			}
			if got := r.header.Get("WWW-Authenticate"); c.challenge != strings.HasPrefix(got, "Bearer") {
				t.Errorf("WWW-Authenticate = %q", got)
			}
			if strings.Contains(r.raw, "alicesecret") {
				t.Errorf("the response repeats the key: %s", r.raw)
			}
		})
	}
}

// TestGuardCachesKeys checks that an accepted key is checked once per TTL,
// so a revocation takes effect when the entry expires, and that refused
// keys are never cached.
func TestGuardCachesKeys(t *testing.T) {
	fa := newFakeAuth()
	clk := newClock()
	g := newGuard(Config{Auth: fa, Logger: quietLogger(), RequestTimeout: time.Second, AuthCacheTTL: 30 * time.Second}).setClock(clk)
	h := g.wrap(echoPrincipal)
	send := func(key string) response {
		return do(t, h, "GET", "/graphql", "", "192.0.2.1:1234", "Authorization", "Bearer "+key)
	}
	for i := 0; i < 5; i++ {
		if r := send(aliceKey); r.code != 200 || r.principal != alice {
			t.Fatalf("request %d: %d %s", i, r.code, r.raw)
		}
	}
	if n := fa.count(); n != 1 {
		t.Errorf("5 requests with one key: %d checks, want 1", n)
	}
	fa.revoke(aliceKey)
	clk.Add(29 * time.Second)
	if r := send(aliceKey); r.code != 200 {
		t.Errorf("within the TTL a revoked key still works (documented); got %d", r.code)
	}
	clk.Add(2 * time.Second)
	if r := send(aliceKey); r.code != 401 || r.errCode() != model.Unauthenticated {
		t.Errorf("after the TTL the revoked key: %d %s", r.code, r.raw)
	}
	before := fa.count()
	for i := 0; i < 3; i++ {
		send(aliceKey)
	}
	if n := fa.count() - before; n != 3 {
		t.Errorf("3 refused requests: %d checks, want 3 (refusals are not cached)", n)
	}

	// A negative TTL checks every request.
	fa2 := newFakeAuth()
	h2 := newGuard(Config{Auth: fa2, Logger: quietLogger(), RequestTimeout: time.Second, AuthCacheTTL: -1}).wrap(echoPrincipal)
	for i := 0; i < 3; i++ {
		do(t, h2, "GET", "/graphql", "", "192.0.2.1:1234", "Authorization", "Bearer "+bobKey)
	}
	if n := fa2.count(); n != 3 {
		t.Errorf("uncached: %d checks for 3 requests", n)
	}
}

func TestKeyCacheIsBounded(t *testing.T) {
	clk := newClock()
	c := &keyCache{ttl: time.Minute, max: 100, entries: map[[32]byte]cachedKey{}, now: clk.Now}
	for i := 0; i < 1000; i++ {
		c.put("key"+strconv.Itoa(i), alice)
	}
	if n := len(c.entries); n > 100 {
		t.Errorf("%d entries, max 100", n)
	}
	if _, ok := c.get("key999"); !ok {
		t.Error("the newest key was dropped")
	}
}

// TestGuardRateLimits runs the limiter on a fake clock: the burst, then 429
// RATE_LIMITED with Retry-After, recovery, separate budgets per address and
// per key, the larger keyed budget, and failed key checks spending the
// address's budget.
func TestGuardRateLimits(t *testing.T) {
	newHandler := func() (http.Handler, *fakeAuth, *clock) {
		fa, clk := newFakeAuth(), newClock()
		g := newGuard(Config{Auth: fa, Logger: quietLogger(), RequestTimeout: time.Second, RateLimit: 2, RateBurst: 3}).setClock(clk)
		return g.wrap(echoPrincipal), fa, clk
	}
	const ipA, ipB = "198.51.100.1:1000", "198.51.100.2:1000"

	t.Run("BurstThen429AndRecovers", func(t *testing.T) {
		h, _, clk := newHandler()
		for i := 0; i < 3; i++ {
			if r := do(t, h, "GET", "/graphql", "", ipA); r.code != 200 {
				t.Fatalf("request %d of the burst: %d", i+1, r.code)
			}
		}
		r := do(t, h, "GET", "/graphql", "", ipA)
		if r.code != 429 || r.errCode() != model.RateLimited {
			t.Fatalf("past the burst: %d %s", r.code, r.raw)
		}
		if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra != 1 {
			t.Errorf("Retry-After = %q, want 1 (one token every 0.5 s)", r.header.Get("Retry-After"))
		}
		if r := do(t, h, "GET", "/graphql", "", ipB); r.code != 200 {
			t.Errorf("another address is limited too: %d", r.code)
		}
		clk.Add(500 * time.Millisecond)
		if r := do(t, h, "GET", "/graphql", "", ipA); r.code != 200 {
			t.Errorf("after one token's time: %d", r.code)
		}
		if r := do(t, h, "GET", "/graphql", "", ipA); r.code != 429 {
			t.Errorf("the refill was one token, yet: %d", r.code)
		}
		clk.Add(10 * time.Second)
		for i := 0; i < 3; i++ {
			if r := do(t, h, "GET", "/graphql", "", ipA); r.code != 200 {
				t.Errorf("full burst after a pause, request %d: %d", i+1, r.code)
			}
		}
	})

	t.Run("KeysHaveTheirOwnLargerBudget", func(t *testing.T) {
		h, _, _ := newHandler()
		// Alice's first request checks her key, which costs ipA one token.
		if r := do(t, h, "GET", "/graphql", "", ipA, "Authorization", "Bearer "+aliceKey); r.code != 200 {
			t.Fatalf("first keyed request: %d", r.code)
		}
		for i := 0; i < 2; i++ {
			if r := do(t, h, "GET", "/graphql", "", ipA); r.code != 200 {
				t.Fatalf("anonymous request %d: %d", i+1, r.code)
			}
		}
		if r := do(t, h, "GET", "/graphql", "", ipA); r.code != 429 {
			t.Fatalf("anonymous budget of ipA not spent: %d", r.code)
		}
		// The key's budget is its own: 3×5 = 15, one spent above.
		for i := 0; i < 14; i++ {
			if r := do(t, h, "GET", "/graphql", "", ipA, "Authorization", "Bearer "+aliceKey); r.code != 200 || r.principal != alice {
				t.Fatalf("keyed request %d from a limited address: %d %s", i+2, r.code, r.raw)
			}
		}
		r := do(t, h, "GET", "/graphql", "", ipB, "Authorization", "Bearer "+aliceKey)
		if r.code != 429 || r.errCode() != model.RateLimited || r.header.Get("Retry-After") == "" {
			t.Errorf("16th keyed request (from another address): %d %s", r.code, r.raw)
		}
		if r := do(t, h, "GET", "/graphql", "", ipB, "Authorization", "Bearer "+bobKey); r.code != 200 || r.principal != bob {
			t.Errorf("bob's budget is separate from alice's: %d", r.code)
		}
	})

	t.Run("FailedAuthSpendsAddressBudget", func(t *testing.T) {
		h, fa, _ := newHandler()
		for i := 0; i < 3; i++ {
			if r := do(t, h, "GET", "/graphql", "", ipA, "Authorization", "Bearer sgk_guess_"+strconv.Itoa(i)); r.code != 401 {
				t.Fatalf("guess %d: %d", i+1, r.code)
			}
		}
		r := do(t, h, "GET", "/graphql", "", ipA, "Authorization", "Bearer sgk_guess_4")
		if r.code != 429 || r.errCode() != model.RateLimited {
			t.Errorf("4th guess: %d %s", r.code, r.raw)
		}
		if n := fa.count(); n != 3 {
			t.Errorf("%d key checks reached the store; a throttled guess must not", n)
		}
		if r := do(t, h, "GET", "/graphql", "", ipA); r.code != 429 {
			t.Errorf("anonymous request after 3 failed guesses: %d; they share the budget", r.code)
		}
		if r := do(t, h, "GET", "/graphql", "", ipB, "Authorization", "Bearer "+bobKey); r.code != 200 {
			t.Errorf("valid key from another address: %d", r.code)
		}
	})

	t.Run("Disabled", func(t *testing.T) {
		g := newGuard(Config{Auth: newFakeAuth(), Logger: quietLogger(), RequestTimeout: time.Second, RateLimit: 0})
		h := g.wrap(echoPrincipal)
		for i := 0; i < 200; i++ {
			if r := do(t, h, "GET", "/graphql", "", ipA); r.code != 200 {
				t.Fatalf("request %d with limits off: %d", i+1, r.code)
			}
		}
	})
}

func TestLimiterEvictsIdleClients(t *testing.T) {
	clk := newClock()
	l := newLimiter(10, 20, 5) // an emptied bucket refills in 2 s
	l.setNow(clk.Now)
	for i := 0; i < 1000; i++ {
		l.allow("ip:"+strconv.Itoa(i), false)
	}
	if n := l.size(); n != 1000 {
		t.Fatalf("%d clients tracked, want 1000", n)
	}
	clk.Add(sweepEvery + time.Second)
	l.allow("ip:new", false)
	if n := l.size(); n != 1 {
		t.Errorf("after a sweep, %d clients tracked; idle ones should be gone", n)
	}

	// A client whose bucket is still refilling is kept: dropping it would
	// reset its budget.
	clk.Add(sweepEvery - time.Second) // 1 s before the next sweep
	for i := 0; i < 20; i++ {
		l.allow("ip:busy", false)
	}
	if _, ok := l.allow("ip:busy", false); ok {
		t.Fatal("21st request within the burst of 20 allowed")
	}
	clk.Add(time.Second)
	l.allow("ip:other", false) // sweeps
	if l.clients["ip:busy"] == nil {
		t.Error("the sweep dropped a client whose bucket was refilling")
	}
	if l.clients["ip:new"] != nil {
		t.Error("the sweep kept a client idle for a minute")
	}

	// However many clients come, the table stays bounded.
	for i := 0; i < maxClients+100; i++ {
		l.allow("ip:flood"+strconv.Itoa(i), false)
	}
	if n := l.size(); n > maxClients {
		t.Errorf("%d clients tracked, max %d", n, maxClients)
	}
}

func TestClientAddr(t *testing.T) {
	for name, c := range map[string]struct {
		remote, header string
		hdr            []string
		want           string
	}{
		"IPv4":                   {remote: "203.0.113.5:1234", want: "203.0.113.5"},
		"IPv6Network":            {remote: "[2001:db8:1:2:3:4:5:6]:443", want: "2001:db8:1:2::/64"},
		"IPv4InIPv6":             {remote: "[::ffff:203.0.113.5]:1", want: "203.0.113.5"},
		"ForwardedForUntrusted":  {remote: "10.0.0.1:1", hdr: []string{"X-Forwarded-For", "203.0.113.9"}, want: "10.0.0.1"},
		"ForwardedForTrusted":    {remote: "10.0.0.1:1", header: "X-Forwarded-For", hdr: []string{"X-Forwarded-For", "198.51.100.7, 203.0.113.9"}, want: "203.0.113.9"},
		"ForwardedForTwoHeaders": {remote: "10.0.0.1:1", header: "X-Forwarded-For", hdr: []string{"X-Forwarded-For", "1.2.3.4", "X-Forwarded-For", "203.0.113.9"}, want: "203.0.113.9"},
		"RealIP":                 {remote: "10.0.0.1:1", header: "X-Real-IP", hdr: []string{"X-Real-IP", "203.0.113.9"}, want: "203.0.113.9"},
		"TrustedHeaderMissing":   {remote: "10.0.0.1:1", header: "X-Real-IP", want: "10.0.0.1"},
		"TrustedHeaderNotAnIP":   {remote: "10.0.0.1:1", header: "X-Real-IP", hdr: []string{"X-Real-IP", "evil"}, want: "10.0.0.1"},
	} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/graphql", nil)
			r.RemoteAddr = c.remote
			for i := 0; i+1 < len(c.hdr); i += 2 {
				r.Header.Add(c.hdr[i], c.hdr[i+1])
			}
			if got := clientAddr(r, c.header); got != c.want {
				t.Errorf("clientAddr = %q, want %q", got, c.want)
			}
		})
	}
	a := httptest.NewRequest("GET", "/", nil)
	a.RemoteAddr = "[2001:db8::1]:1"
	b := httptest.NewRequest("GET", "/", nil)
	b.RemoteAddr = "[2001:db8::ffff]:2"
	if clientAddr(a, "") != clientAddr(b, "") {
		t.Error("two addresses of one /64 are different clients")
	}
}

// TestGuardConcurrent hammers the guard from many goroutines (run with
// -race): every request gets an answer of the right kind, and the key is
// checked far less often than it is used.
func TestGuardConcurrent(t *testing.T) {
	fa := newFakeAuth()
	g := newGuard(Config{Auth: fa, Logger: quietLogger(), RequestTimeout: time.Second, RateLimit: 1000, RateBurst: 1000})
	h := g.wrap(echoPrincipal)
	var wg sync.WaitGroup
	errs := make(chan string, 400)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				remote := "198.51.100." + strconv.Itoa(i) + ":1"
				switch j % 3 {
				case 0:
					if r := do(t, h, "GET", "/graphql", "", remote); r.code != 200 || r.principal != (auth.Principal{}) {
						errs <- "anonymous: " + r.raw
					}
				case 1:
					if r := do(t, h, "GET", "/graphql", "", remote, "Authorization", "Bearer "+aliceKey); r.code != 200 || r.principal != alice {
						errs <- "alice: " + r.raw
					}
				case 2:
					if r := do(t, h, "GET", "/graphql", "", remote, "Authorization", "Bearer forged"); r.code != 401 {
						errs <- "forged: " + r.raw
					}
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := fa.count(); n > 8*17+8 {
		t.Errorf("%d key checks; accepted keys should come from the cache", n)
	}
}
