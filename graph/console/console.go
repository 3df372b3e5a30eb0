// Package console serves the API console: GraphiQL at / with its
// JavaScript and styles vendored from npm (see README.md) and embedded in
// the binary, so it works offline and loads nothing from another origin.
package console

import (
	"embed"
	"net/http"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/webasset"
)

// Prefix is the path the console's assets are served under.
const Prefix = "/console/"

//go:embed static
var staticFS embed.FS

// csp allows only the console's own scripts and the API on the same
// origin. GraphiQL's editor (CodeMirror) sets element styles and its
// stylesheet carries its fonts and icons as data: URLs.
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"frame-ancestors 'none'; form-action 'none'"

// Handler serves the console page at / and its assets under /console/.
// Register it for both patterns:
//
//	mux.Handle("GET /{$}", console.Handler())
//	mux.Handle("/console/", console.Handler())
//
// Only GET and HEAD are allowed.
func Handler() http.Handler {
	files := webasset.MustLoad(staticFS, "static", csp)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !webasset.AllowRead(w, r) {
			return
		}
		if r.URL.Path == "/" {
			files.Serve(w, r, "index.html")
			return
		}
		rel, ok := strings.CutPrefix(r.URL.Path, Prefix)
		if !ok || rel == "" || rel == "index.html" {
			http.NotFound(w, r)
			return
		}
		files.Serve(w, r, rel)
	})
}
