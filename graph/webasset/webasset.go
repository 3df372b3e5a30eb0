// Package webasset serves a fixed tree of static files embedded in the
// binary (the explorer, the API console): explicit content types, a
// content hash as ETag, Cache-Control: no-cache, nosniff, and a
// Content-Security-Policy on the HTML pages.
package webasset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

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

type file struct {
	name  string
	data  []byte
	etag  string
	ctype string
}

// Files is a loaded tree of static files.
type Files struct {
	files map[string]*file
	csp   string
}

// Load reads every file under dir of fsys (an embed.FS, fixed at build
// time); csp is sent with the HTML files.
func Load(fsys fs.FS, dir, csp string) (*Files, error) {
	fl := &Files{files: map[string]*file{}, csp: csp}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := contentTypes[path.Ext(p)]
		if ctype == "" {
			ctype = "text/plain; charset=utf-8"
		}
		rel := strings.TrimPrefix(p, dir+"/")
		fl.files[rel] = &file{name: rel, data: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read static files under %s: %w", dir, err)
	}
	return fl, nil
}

// MustLoad is Load for embedded trees, where a failure is a build error.
func MustLoad(fsys fs.FS, dir, csp string) *Files {
	fl, err := Load(fsys, dir, csp)
	if err != nil {
		panic(err.Error())
	}
	return fl
}

// AllowRead answers 405 to anything but GET and HEAD and reports whether
// the request may go on.
func AllowRead(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// Serve writes the file rel (a path inside the tree, "index.html") or 404.
// Responses carry the content hash as ETag and Cache-Control: no-cache, so
// browsers revalidate and pick up a new build; HTML files also carry the
// Content-Security-Policy and Referrer-Policy: no-referrer.
func (fl *Files) Serve(w http.ResponseWriter, r *http.Request, rel string) {
	f := fl.files[rel]
	if f == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", f.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if path.Ext(f.name) == ".html" {
		h.Set("Content-Security-Policy", fl.csp)
		h.Set("Referrer-Policy", "no-referrer")
	}
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.data))
}
