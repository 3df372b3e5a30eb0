// Package webassettest checks handlers that serve embedded static files
// (graph/explorer, graph/console) in table-driven tests.
package webassettest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Case is one request (name, method, path) and what its answer must be:
// status code, a content type prefix, a substring of the body and the
// Location header (each checked when not empty). It is an alias of a plain
// struct, so tables can list cases positionally.
type Case = struct {
	Name, Method, Path string
	Code               int
	CType, Contains    string
	Location           string
}

// Run runs each case as a subtest against h.
func Run(t *testing.T, h http.Handler, cases []Case) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.Method, tt.Path, nil))
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.Code {
				t.Fatalf("%s %s = %d, want %d", tt.Method, tt.Path, res.StatusCode, tt.Code)
			}
			if ct := res.Header.Get("Content-Type"); tt.CType != "" && !strings.HasPrefix(ct, tt.CType) {
				t.Errorf("Content-Type = %q, want %s", ct, tt.CType)
			}
			if tt.Contains != "" && !strings.Contains(string(body), tt.Contains) {
				t.Errorf("body lacks %q", tt.Contains)
			}
			if loc := res.Header.Get("Location"); loc != tt.Location {
				t.Errorf("Location = %q, want %q", loc, tt.Location)
			}
		})
	}
}

// remoteMarks are what a page, script or style that loads something from
// another origin contains.
var remoteMarks = []string{
	`src="http`, `href="http`, `from 'http`, `from "http`, `import('http`, `import("http`,
	"@import", "url(http", "url(//", "//cdn", "unpkg.com", "jsdelivr", "fonts.googleapis",
}

// NoRemoteAssets guards the offline promise: each path answers 200 and
// refers to nothing on another origin.
func NoRemoteAssets(t *testing.T, h http.Handler, paths []string) {
	t.Helper()
	for _, p := range paths {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s = %d", p, rec.Code)
			continue
		}
		body := rec.Body.String()
		for _, bad := range remoteMarks {
			if strings.Contains(body, bad) {
				t.Errorf("%s refers to a remote asset (%q)", p, bad)
			}
		}
	}
}
