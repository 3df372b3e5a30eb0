package server

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// Authenticator checks API keys; cypher.Store implements it. Authenticate
// returns the key's principal, an UNAUTHENTICATED *model.Error for a key it
// does not accept, and UNAVAILABLE or TIMEOUT when it cannot tell.
type Authenticator interface {
	Authenticate(ctx context.Context, key string) (auth.Principal, error)
}

// Defaults of the access settings in Config.
const (
	// DefaultAuthCacheTTL is how long a checked key is trusted without
	// asking the Authenticator again, so revoking a key takes effect within
	// this time.
	DefaultAuthCacheTTL = 30 * time.Second
	// DefaultKeyRateFactor multiplies the anonymous rate and burst for
	// clients with an API key.
	DefaultKeyRateFactor = 5
	// maxCachedKeys bounds the cache of checked keys.
	maxCachedKeys = 10_000
)

// guard admits requests to /graphql: it authenticates the bearer key, if
// any, puts the principal in the context (auth.With) and enforces the
// per-client rate limits.
//
//   - No Authorization header: the anonymous principal, limited per client
//     address.
//   - A header the Authenticator refuses (malformed, forged, unknown,
//     revoked, not Bearer): 401 UNAUTHENTICATED with WWW-Authenticate; never
//     a silent downgrade to anonymous.
//   - A key that cannot be checked (Neo4j down): 503 UNAVAILABLE.
//   - An accepted key: its principal, limited per key with the larger
//     budget.
//
// Every key check that reaches the Authenticator (a key not in the cache,
// including every failed one) costs the client address one token of its
// anonymous budget first, so guessing keys is throttled like anonymous
// traffic and stops reaching Neo4j once that budget is spent.
type guard struct {
	auth    Authenticator
	log     *slog.Logger
	timeout time.Duration
	cache   *keyCache
	limits  *limiter // nil: no rate limits
	proxy   string   // trusted header naming the client address, or ""
}

func newGuard(cfg Config) *guard {
	g := &guard{
		auth:    cfg.Auth,
		log:     cfg.Logger,
		timeout: cfg.RequestTimeout,
		proxy:   cfg.TrustedProxyHeader,
		limits:  newLimiter(cfg.RateLimit, cfg.RateBurst, cfg.KeyRateFactor),
	}
	if g.timeout <= 0 {
		g.timeout = 30 * time.Second
	}
	ttl := cfg.AuthCacheTTL
	if ttl == 0 {
		ttl = DefaultAuthCacheTTL
	}
	if ttl > 0 {
		g.cache = &keyCache{ttl: ttl, max: maxCachedKeys, entries: map[[32]byte]cachedKey{}, now: time.Now}
	}
	return g
}

func (g *guard) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		addr := clientAddr(r, g.proxy)
		key, present := bearer(r.Header)
		var p auth.Principal
		if !present {
			if !g.allow(w, "ip:"+addr, false) {
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.WithClient(auth.With(ctx, p), "ip:"+addr)))
			return
		}
		p, ok := g.cache.get(key)
		if !ok {
			if !g.allow(w, "ip:"+addr, false) {
				return
			}
			var err error
			if p, err = g.check(ctx, key); err != nil {
				g.refuse(w, r, addr, err)
				return
			}
			g.cache.put(key, p)
		}
		if !g.allow(w, "key:"+p.KeyID, true) {
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithClient(auth.With(ctx, p), "key:"+p.KeyID)))
	})
}

// bearer returns the token of an `Authorization: Bearer <token>` header;
// present reports whether the request had any Authorization header. A
// header in another scheme, or more than one, yields an empty token, which
// no Authenticator accepts.
func bearer(h http.Header) (token string, present bool) {
	vals := h.Values("Authorization")
	if len(vals) == 0 {
		return "", false
	}
	if len(vals) > 1 {
		return "", true
	}
	scheme, tok, _ := strings.Cut(strings.TrimSpace(vals[0]), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", true
	}
	return strings.TrimSpace(tok), true
}

func (g *guard) check(ctx context.Context, key string) (auth.Principal, error) {
	if key == "" {
		return auth.Principal{}, model.Errorf(model.Unauthenticated, "send the API key as `Authorization: Bearer <key>`")
	}
	if g.auth == nil {
		return auth.Principal{}, model.Errorf(model.Unauthenticated, "this server accepts no API keys")
	}
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	p, err := g.auth.Authenticate(ctx, key)
	if err == nil && p.KeyID == "" {
		// An accepted key always has an id; anything else is a bug upstream,
		// and must not turn into an anonymous (or unlimited) client.
		err = &model.Error{Code: model.Internal, Message: "internal error", Err: fmt.Errorf("authenticator returned a principal without key id")}
	}
	return p, err
}

// refuse answers a request whose key was not accepted or could not be
// checked.
func (g *guard) refuse(w http.ResponseWriter, r *http.Request, addr string, err error) {
	ctx := r.Context()
	switch code := model.ErrorCode(err); code {
	case model.Unauthenticated:
		g.log.InfoContext(ctx, "API key refused", "client", addr, "reason", model.ErrorMessage(err), "request_id", RequestID(ctx))
		w.Header().Set("WWW-Authenticate", `Bearer realm="sanctiongraph", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, code, model.ErrorMessage(err))
	case model.Unavailable, model.Timeout:
		g.log.WarnContext(ctx, "cannot check API key", "code", code, "err", err, "request_id", RequestID(ctx))
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, code, "cannot check the API key now: "+model.ErrorMessage(err))
	default:
		g.log.ErrorContext(ctx, "checking API key failed", "err", err, "request_id", RequestID(ctx))
		writeError(w, http.StatusInternalServerError, model.Internal, "internal error")
	}
}

// allow takes a token from client's bucket, or answers 429 RATE_LIMITED
// with Retry-After and reports false.
func (g *guard) allow(w http.ResponseWriter, client string, keyed bool) bool {
	wait, ok := g.limits.allow(client, keyed)
	if ok {
		return true
	}
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, http.StatusTooManyRequests, model.RateLimited, fmt.Sprintf("too many requests; retry in %d s", secs))
	return false
}

// writeError writes a GraphQL-shaped error response.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{
		"message":    msg,
		"extensions": map[string]any{"code": code},
	}}})
}

// keyCache remembers accepted keys for a short time, so a request does not
// cost a Neo4j lookup; a revoked key keeps working until its entry expires.
// Entries are keyed by the SHA-256 of the key, so the cache holds no keys.
// Refused keys are not cached: their checks are throttled instead.
type keyCache struct {
	ttl     time.Duration
	max     int
	now     func() time.Time
	mu      sync.Mutex
	entries map[[32]byte]cachedKey
}

type cachedKey struct {
	p       auth.Principal
	expires time.Time
}

func (c *keyCache) get(key string) (auth.Principal, bool) {
	if c == nil || key == "" {
		return auth.Principal{}, false
	}
	h := sha256.Sum256([]byte(key))
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[h]
	if !ok {
		return auth.Principal{}, false
	}
	if !c.now().Before(e.expires) {
		delete(c.entries, h)
		return auth.Principal{}, false
	}
	return e.p, true
}

func (c *keyCache) put(key string, p auth.Principal) {
	if c == nil {
		return
	}
	h := sha256.Sum256([]byte(key))
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries { // still full: drop any one
			if len(c.entries) < c.max {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[h] = cachedKey{p: p, expires: now.Add(c.ttl)}
}
