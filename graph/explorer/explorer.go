// Package explorer serves the graph explorer: a web page at /explore that
// draws how entities are connected, with the evidence behind each hop.
//
// The page is static HTML, CSS and JavaScript modules embedded in the
// binary, with Cytoscape.js vendored from npm (see README.md), so it works
// offline and needs no build step. It talks only to the public GraphQL API
// at /graphql (search, entity, neighbours, paths, relationship, history and,
// when the schema has it, potentialViolations); it has no endpoint of its own.
package explorer

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
)

// Prefix is the path the explorer is served under.
const Prefix = "/explore/"

//go:embed static
var staticFS embed.FS

// contentTypes are set explicitly: the mime package's table depends on the
// host, and module scripts must be served as JavaScript.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
}

// csp allows only the page's own scripts and the API on the same origin;
// styles may be inline because Cytoscape sets element styles, and images
// may be data: or blob: URLs because the PNG export makes one.
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

type file struct {
	name  string
	data  []byte
	etag  string
	ctype string
}

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
	files := map[string]*file{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := contentTypes[path.Ext(p)]
		if ctype == "" {
			ctype = "text/plain; charset=utf-8"
		}
		rel := strings.TrimPrefix(p, "static/")
		files[rel] = &file{name: rel, data: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: ctype}
		return nil
	})
	if err != nil { // the embedded tree is fixed at build time
		panic("explorer: read embedded files: " + err.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
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
		f := files[rel]
		if f == nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.ctype)
		h.Set("ETag", f.etag)
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		if f.name == "index.html" {
			h.Set("Content-Security-Policy", csp)
			h.Set("Referrer-Policy", "no-referrer")
		}
		http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.data))
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
