// Package explorer serves the graph explorer: a web page at /explore that
// draws how entities are connected, with the evidence behind each hop.
//
// The page is static HTML, CSS and JavaScript modules embedded in the
// binary, with Cytoscape.js vendored from npm (see README.md), so it works
// offline and needs no build step. It talks only to the public API on its
// own origin: GraphQL at /graphql (search, entity, neighbours, paths,
// relationship, history, the lists and, when the schema has it,
// potentialViolations) and /export for downloads; it has no endpoint of its
// own.
package explorer

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/webasset"
)

// Prefix is the path the explorer is served under.
const Prefix = "/explore/"

//go:embed static
var staticFS embed.FS

// csp allows only the page's own scripts and the API on the same origin;
// styles may be inline because Cytoscape sets element styles, and images
// may be data: or blob: URLs because the PNG export makes one.
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// Handler serves the explorer under /explore/: the page at /explore/ (and
// /explore, which redirects there keeping the query string, so relative
// asset URLs resolve) and its assets below it. Register it for both
// patterns:
//
//	mux.Handle("/explore", explorer.Handler())
//	mux.Handle("/explore/", explorer.Handler())
//
// Only GET and HEAD are allowed. Responses carry a content hash as ETag and
// Cache-Control: no-cache, so browsers revalidate and pick up a new build.
func Handler() http.Handler {
	files := webasset.MustLoad(staticFS, "static", csp)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !webasset.AllowRead(w, r) {
			return
		}
		p := r.URL.Path
		if p == strings.TrimSuffix(Prefix, "/") {
			target := Prefix
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		rel, ok := strings.CutPrefix(p, Prefix)
		if !ok {
			http.NotFound(w, r)
			return
		}
		if rel == "" {
			rel = "index.html"
		}
		files.Serve(w, r, rel)
	})
}

// operationName finds the named operations of the page's GraphQL documents.
var operationName = regexp.MustCompile(`\b(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)\s*[({]`)

// OperationNames are the names of the GraphQL operations the explorer
// sends, read from its scripts; metrics label them whoever sends them.
func OperationNames() []string {
	seen := map[string]bool{}
	var out []string
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".js" || strings.Contains(p, "vendor") {
			return nil
		}
		src, err := staticFS.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, m := range operationName.FindAllSubmatch(src, -1) {
			if n := string(m[1]); !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
		return nil
	})
	return out
}
