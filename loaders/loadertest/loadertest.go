// Package loadertest holds what the loaders' tests share: comparing a
// loader's normalised output with its golden file (golang/go's printer tests
// do the same), rewritten with each package's -update flag.
package loadertest

import (
	"bytes"
	"compress/gzip"
	"os"
	"strings"
	"testing"
)

// Golden compares got with the file at path, or rewrites the file with got
// when update is set. A difference fails the test naming the first line that
// differs.
func Golden(tb testing.TB, path string, got []byte, update bool) {
	tb.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test with -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			tb.Fatalf("%s differs at line %d (run go test with -update after checking the change):\n got: %s\nwant: %s", path, i+1, g, w)
		}
	}
	tb.Fatalf("%s differs (line endings)", path)
}

// GzipBomb writes to path a gzip file of members gzip members, each 64 MiB
// of zeros compressed (about 64 KiB), so a file of a few MB expands to GiBs.
func GzipBomb(tb testing.TB, path string, members int) {
	tb.Helper()
	var one bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&one, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range 64 {
		_, _ = zw.Write(zero)
	}
	_ = zw.Close()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	for range members {
		if _, err := f.Write(one.Bytes()); err != nil {
			tb.Fatal(err)
		}
	}
}
