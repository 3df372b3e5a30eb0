// Package server is the HTTP side of the service: GraphQL at /graphql, the
// API console (GraphiQL, served from the binary) at /, the explorer at
// /explore/, liveness at /healthz and readiness at /readyz, with request
// ids, access logs, body-size and time limits, and graceful shutdown.
package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/console"
	"github.com/sanctiongraph/sanctiongraph/graph/endpoint"
	"github.com/sanctiongraph/sanctiongraph/graph/explorer"
	"github.com/sanctiongraph/sanctiongraph/graph/export"
	"github.com/sanctiongraph/sanctiongraph/graph/metrics"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/telemetry"
)

// Store is what the server needs: the GraphQL store plus a readiness
// check that runs a real read query (cypher.Store.Ready).
type Store interface {
	endpoint.StoreWithLoaders
	Ready(ctx context.Context) error
}

// Config configures a Server.
type Config struct {
	// Addr is the listen address, e.g. ":8080" or "127.0.0.1:0".
	Addr   string
	Store  Store
	Logger *slog.Logger
	// RequestTimeout bounds each GraphQL request, Neo4j queries included;
	// default 30s.
	RequestTimeout time.Duration
	// MaxBodyBytes caps request bodies, with or without a Content-Length;
	// default 1 MiB.
	MaxBodyBytes int64
	// MaxHeaderBytes caps a request's header block; default
	// DefaultMaxHeaderBytes (32 KiB).
	MaxHeaderBytes int
	// MaxConns caps open connections in total, MaxConnsPerAddr those from
	// one client address (an IPv6 client's /64); connections past a cap
	// are closed when accepted. Defaults DefaultMaxConns and
	// DefaultMaxConnsPerAddr; negative for no cap (behind a reverse proxy
	// every connection comes from the proxy's address).
	MaxConns        int
	MaxConnsPerAddr int
	// ReadyTimeout bounds the Neo4j check of /readyz; default 2s.
	ReadyTimeout time.Duration
	// Metrics, when set, serves /metrics and counts HTTP requests and
	// GraphQL operations (observe.go).
	Metrics *metrics.Metrics
	// Tracing, when enabled, traces requests and GraphQL operations.
	Tracing *telemetry.Tracing

	// Access to /graphql (auth.go, ratelimit.go, cors.go).

	// Auth checks API keys sent as `Authorization: Bearer <key>`
	// (cypher.Store implements it); nil refuses every key with 401.
	Auth Authenticator
	// AuthCacheTTL is how long an accepted key is trusted without checking
	// it again, so a revocation takes effect within it; default 30s,
	// negative checks every request.
	AuthCacheTTL time.Duration
	// RateLimit is the sustained requests per second of one anonymous client
	// (address); 0 disables rate limiting.
	RateLimit float64
	// RateBurst is the anonymous bucket size; default 2×RateLimit.
	RateBurst int
	// KeyRateFactor multiplies RateLimit and RateBurst for clients with an
	// API key; default 5.
	KeyRateFactor float64
	// TrustedProxyHeader names a header set by a trusted reverse proxy that
	// carries the client address (X-Forwarded-For, X-Real-IP); empty uses
	// the connection's address.
	TrustedProxyHeader string
	// CORSOrigins are the origins browsers may call /graphql from ("*" for
	// any); empty allows none.
	CORSOrigins []string
}

// Server serves the API.
type Server struct {
	cfg  Config
	srv  *http.Server
	ln   net.Listener
	done chan error
}

// New returns a Server; Open starts it.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxHeaderBytes <= 0 {
		cfg.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if cfg.MaxConns == 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.MaxConnsPerAddr == 0 {
		cfg.MaxConnsPerAddr = DefaultMaxConnsPerAddr
	}
	if cfg.ReadyTimeout == 0 {
		cfg.ReadyTimeout = 2 * time.Second
	}
	s := &Server{cfg: cfg}
	s.srv = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	gql := endpoint.NewHandler(s.cfg.Store, endpoint.Options{Logger: s.cfg.Logger, RequestID: RequestID, Extensions: s.extensions()})
	guard := newGuard(s.cfg)
	mux.Handle("/graphql", withCORS(s.cfg.CORSOrigins, guard.wrap(withBookmarks(Timeout(s.cfg.RequestTimeout, s.limitBody(gql))))))
	// Exports run their query through the same GraphQL handler, under the
	// same keys, rate limits, body limit and deadline.
	mux.Handle("/export", withCORS(s.cfg.CORSOrigins, guard.wrap(withBookmarks(Timeout(s.cfg.RequestTimeout, s.limitBody(export.Handler(gql, s.editions)))))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.ready)
	api := console.Handler()
	mux.Handle("GET /{$}", api)
	mux.Handle("/console/", api)
	explore := explorer.Handler()
	mux.Handle("/explore", explore)
	mux.Handle("/explore/", explore)
	if s.cfg.Metrics != nil {
		mux.Handle("GET /metrics", s.cfg.Metrics.Handler())
	}
	return s.observe(mux, s.requestIDs(s.accessLog(mux)))
}

// exportLists are the lists whose loaded editions an export bundle records.
var exportLists = []string{"unsc", "ofac-sdn", "ofac-cons", "ftm"}

// editions are the loaded editions of every list, for export bundles.
func (s *Server) editions(ctx context.Context) ([]model.Edition, error) {
	var out []model.Edition
	for _, l := range exportLists {
		eds, err := s.cfg.Store.Editions(ctx, l)
		if err != nil {
			return nil, fmt.Errorf("editions of %s: %w", l, err)
		}
		out = append(out, eds...)
	}
	return out, nil
}

// ready answers 200 while Neo4j answers a read query and 503 while it does
// not; the driver reconnects by itself, so readiness comes back without a
// restart. A connection alone is not enough: after a restart Neo4j accepts
// connections seconds before its database answers.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ReadyTimeout)
	defer cancel()
	if err := s.cfg.Store.Ready(ctx); err != nil {
		s.cfg.Logger.WarnContext(ctx, "not ready", "err", err, "request_id", RequestID(ctx))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "neo4j": "unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "neo4j": "ok"})
}

// limitBody refuses bodies over MaxBodyBytes with 413 and a GraphQL error,
// before any of it is parsed. A body without a length (chunked) is read up
// to one byte past the limit first, so it gets the same 413 rather than a
// cut-off body's decoding error; no more than the limit is ever held.
func (s *Server) limitBody(next http.Handler) http.Handler {
	tooLarge := map[string]any{"errors": []map[string]any{{
		"message":    fmt.Sprintf("request body exceeds %d bytes", s.cfg.MaxBodyBytes),
		"extensions": map[string]any{"code": model.BadUserInput},
	}}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxBodyBytes {
			writeJSON(w, http.StatusRequestEntityTooLarge, tooLarge)
			return
		}
		if r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody {
			body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBodyBytes+1))
			if int64(len(body)) > s.cfg.MaxBodyBytes {
				w.Header().Set("Connection", "close") // the rest is not read
				writeJSON(w, http.StatusRequestEntityTooLarge, tooLarge)
				return
			}
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]any{{
					"message": "the request body could not be read", "extensions": map[string]any{"code": model.BadUserInput}}}})
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

type ctxKey struct{}

// RequestID returns the id of the request ctx belongs to.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// requestIDs takes a well-formed X-Request-ID from the client or makes one,
// and echoes it in the response.
func (s *Server) requestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

type statusWriter struct {
	http.ResponseWriter
	code  int
	bytes int
}

func (w *statusWriter) WriteHeader(code int) { w.code = code; w.ResponseWriter.WriteHeader(code) }
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		level := slog.LevelInfo
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
			level = slog.LevelDebug
		}
		s.cfg.Logger.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", sw.code,
			"bytes", sw.bytes, "duration_ms", time.Since(start).Milliseconds(), "request_id", RequestID(r.Context()))
	})
}

// Open starts listening and serving in the background.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	s.ln = newLimitListener(ln, s.cfg.MaxConns, s.cfg.MaxConnsPerAddr, func(reason string) {
		s.cfg.Logger.Debug("connection refused", "cap", reason)
	})
	s.done = make(chan error, 1)
	go func() {
		err := s.srv.Serve(s.ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return nil
}

// Addr is the address the server listens on (useful with port 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is the server's base URL.
func (s *Server) URL() string { return "http://" + s.Addr() }

// Done delivers the error that stopped serving, if any.
func (s *Server) Done() <-chan error { return s.done }

// Close stops accepting requests and waits for in-flight ones to finish
// until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	return s.srv.Shutdown(ctx)
}
