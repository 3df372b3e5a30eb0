package console_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/console"
	"github.com/sanctiongraph/sanctiongraph/graph/webasset/webassettest"
)

func TestHandler(t *testing.T) {
	webassettest.Run(t, console.Handler(), []webassettest.Case{
		{"Page", "GET", "/", 200, "text/html", `<script src="/console/console.js" defer>`, ""},
		{"Script", "GET", "/console/console.js", 200, "text/javascript", "createFetcher", ""},
		{"Style", "GET", "/console/console.css", 200, "text/css", "Noto Sans CJK KR", ""},
		{"VendoredGraphiQL", "GET", "/console/vendor/graphiql/graphiql.min.js", 200, "text/javascript", "GraphiQL", ""},
		{"VendoredGraphiQLStyle", "GET", "/console/vendor/graphiql/graphiql.min.css", 200, "text/css", ".graphiql-container", ""},
		{"VendoredReact", "GET", "/console/vendor/react/react.production.min.js", 200, "text/javascript", "React", ""},
		{"VendoredReactDOM", "GET", "/console/vendor/react/react-dom.production.min.js", 200, "text/javascript", "ReactDOM", ""},
		{"GraphiQLLicense", "GET", "/console/vendor/graphiql/LICENSE", 200, "text/plain", "MIT", ""},
		{"ReactLicense", "GET", "/console/vendor/react/LICENSE", 200, "text/plain", "MIT", ""},
		{"RobotoLicense", "GET", "/console/vendor/graphiql/LICENSE-Roboto", 200, "text/plain", "Apache License", ""},
		{"FiraCodeLicense", "GET", "/console/vendor/graphiql/LICENSE-FiraCode", 200, "text/plain", "SIL OPEN FONT LICENSE Version 1.1", ""},
		{"Head", "HEAD", "/", 200, "text/html", "", ""},
		{"ErrNotFound", "GET", "/console/nope.js", 404, "", "", ""},
		{"ErrIndexOnlyAtRoot", "GET", "/console/index.html", 404, "", "", ""},
		{"ErrOutsidePrefix", "GET", "/elsewhere", 404, "", "", ""},
		{"ErrMethod", "POST", "/", 405, "", "", ""},
	})
}

// TestCSP: the page may load scripts, styles and data from its own origin
// only, and runs no inline script.
func TestCSP(t *testing.T) {
	rec := httptest.NewRecorder()
	console.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	csp := rec.Result().Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self';", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy = %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "http") {
		t.Errorf("Content-Security-Policy = %q allows eval or another origin", csp)
	}
	if regexp.MustCompile(`<script(\s[^>]*)?>\s*[^<\s]`).MatchString(rec.Body.String()) {
		t.Error("the page has an inline script, which the CSP forbids")
	}
}

// TestNoRemoteAssets guards the offline promise: neither the page nor the
// vendored files load anything from another origin.
func TestNoRemoteAssets(t *testing.T) {
	webassettest.NoRemoteAssets(t, console.Handler(), []string{"/", "/console/console.js", "/console/console.css", "/console/vendor/graphiql/graphiql.min.css"})
}
