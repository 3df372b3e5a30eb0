package explorer_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/explorer"
	"github.com/sanctiongraph/sanctiongraph/graph/webasset/webassettest"
)

func TestHandler(t *testing.T) {
	webassettest.Run(t, explorer.Handler(), []webassettest.Case{
		{"Page", "GET", "/explore/", 200, "text/html", `<script type="module" src="explorer.js">`, ""},
		{"RedirectKeepsQuery", "GET", "/explore?from=state%3ARU&to=x", 301, "", "", "/explore/?from=state%3ARU&to=x"},
		{"Script", "GET", "/explore/explorer.js", 200, "text/javascript", "window.explorer", ""},
		{"Style", "GET", "/explore/explorer.css", 200, "text/css", "--side-width", ""},
		{"VendoredCytoscapeModule", "GET", "/explore/vendor/cytoscape/cytoscape.esm.min.mjs", 200, "text/javascript", "export{", ""},
		{"VendoredLicense", "GET", "/explore/vendor/cytoscape/LICENSE", 200, "text/plain", "MIT", ""},
		{"VendoredOutlines", "GET", "/explore/vendor/world-atlas/countries-110m.json", 200, "application/json", `"type":"Topology"`, ""},
		{"VendoredOutlinesLicense", "GET", "/explore/vendor/world-atlas/LICENSE", 200, "text/plain", "Bostock", ""},
		{"Gazetteer", "GET", "/explore/map/places.json", 200, "application/json", `"Rotterdam"`, ""},
		{"Timeline", "GET", "/explore/timeline.js", 200, "text/javascript", "export class Timeline", ""},
		{"RouteMap", "GET", "/explore/routemap.js", 200, "text/javascript", "export class RouteMap", ""},
		{"Head", "HEAD", "/explore/", 200, "text/html", "", ""},
		{"ErrNotFound", "GET", "/explore/nope.js", 404, "", "", ""},
		{"ErrOutsidePrefix", "GET", "/elsewhere", 404, "", "", ""},
		{"ErrMethod", "POST", "/explore/", 405, "", "", ""},
	})
}

func TestHandlerHeaders(t *testing.T) {
	h := explorer.Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/explore/", nil))
	hdr := rec.Result().Header
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("Content-Security-Policy = %q: the page must load scripts and data from its own origin only", csp)
	}
	if hdr.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("X-Content-Type-Options is not nosniff")
	}
	etag := hdr.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest("GET", "/explore/", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("revalidation with the ETag = %d, want 304", rec.Code)
	}
}

// TestNoRemoteAssets guards the offline promise: the page loads nothing
// from another origin.
func TestNoRemoteAssets(t *testing.T) {
	webassettest.NoRemoteAssets(t, explorer.Handler(), []string{"/explore/", "/explore/explorer.css", "/explore/explorer.js", "/explore/api.js", "/explore/picker.js", "/explore/style.js", "/explore/dom.js", "/explore/violations.js",
		"/explore/timeline.js", "/explore/routemap.js", "/explore/lists.js", "/explore/map/geo.js"})
}
