package server

import (
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
)

// extensions are the GraphQL extensions of the configured tracing and
// metrics; tracing first, so the operation span covers the metrics' work.
func (s *Server) extensions() []graphql.HandlerExtension {
	var exts []graphql.HandlerExtension
	if ext := s.cfg.Tracing.GraphQL(); ext != nil {
		exts = append(exts, ext)
	}
	if s.cfg.Metrics != nil {
		exts = append(exts, s.cfg.Metrics.GraphQL())
	}
	return exts
}

// observe wraps h, the whole service, in the HTTP metrics and then the
// tracing, outermost: every request is counted by route and status, those
// refused before GraphQL (401, 413, 429) included, and its span covers all.
func (s *Server) observe(mux *http.ServeMux, h http.Handler) http.Handler {
	route := routeOf(mux)
	if s.cfg.Metrics != nil {
		h = s.cfg.Metrics.HTTP(route, h)
	}
	return s.cfg.Tracing.Handler(route, h)
}

// routeOf maps a request to a bounded label: the path of the mux pattern it
// matches ("/graphql", "/explore/", "/" for GraphiQL), "other" when none
// does (404, 405).
func routeOf(mux *http.ServeMux) func(*http.Request) string {
	return func(r *http.Request) string {
		_, pattern := mux.Handler(r)
		if i := strings.IndexByte(pattern, ' '); i >= 0 { // "GET /healthz"
			pattern = pattern[i+1:]
		}
		switch pattern {
		case "":
			return "other"
		case "/{$}":
			return "/"
		}
		return pattern
	}
}
