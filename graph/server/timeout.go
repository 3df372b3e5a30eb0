package server

import (
	"context"
	"net/http"
	"time"
)

// Timeout wraps h so every request's context ends after d; the store's
// queries run under it, so a slow query is cancelled in Neo4j too.
func Timeout(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}
