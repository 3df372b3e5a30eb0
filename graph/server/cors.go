package server

import (
	"net/http"

	"github.com/rs/cors"
	"github.com/sanctiongraph/sanctiongraph/graph/bookmark"
	"github.com/sanctiongraph/sanctiongraph/graph/export"
)

// withCORS lets browsers on the given origins call next cross-origin: GET,
// POST and OPTIONS with Content-Type, Authorization, X-Request-ID and
// Sanctiongraph-Bookmarks, and read the X-Request-ID, Retry-After and
// Sanctiongraph-Page-Info (an export's cursors) response headers. Preflights are
// answered here, before authentication and rate limits. No origins means
// no cross-origin access at all: the handler adds no CORS headers, so
// browsers allow only same-origin pages. "*" allows every origin; an origin
// may hold one "*" wildcard ("https://*.example.org"). Cookies play no part
// (keys travel in Authorization), so credentials mode stays off.
func withCORS(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		// rs/cors treats an empty list as "*"; keep the default closed.
		return next
	}
	return cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: []string{"Content-Type", "Authorization", "X-Request-ID", bookmark.Header},
		ExposedHeaders: []string{"X-Request-ID", "Retry-After", export.PageInfoHeader},
		MaxAge:         600,
	}).Handler(next)
}
