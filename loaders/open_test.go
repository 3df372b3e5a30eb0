package loaders_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/loaders"
)

// TestOpen reads plain and gzip-compressed files the same way: by their
// magic bytes, whatever their names say.
func TestOpen(t *testing.T) {
	content := []byte("<CONSOLIDATED_LIST dateGenerated=\"2026-05-08\">\n</CONSOLIDATED_LIST>\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name string
		path string
	}{
		{"Plain", write("list.xml", content)},
		{"Gzip", write("list.xml.gz", gz.Bytes())},
		{"GzipWithoutSuffix", write("list-compressed.xml", gz.Bytes())},
		{"Empty", write("empty.xml", nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc, err := loaders.Open(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			got, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			want := content
			if tc.name == "Empty" {
				want = nil
			}
			if !bytes.Equal(got, want) {
				t.Errorf("read %q, want %q", got, want)
			}
		})
	}
	t.Run("ErrCorruptGzip", func(t *testing.T) {
		// The magic bytes of gzip and then garbage: the error names the file.
		p := write("corrupt.gz", []byte{0x1f, 0x8b, 0xff, 0x00, 0x01})
		rc, err := loaders.Open(p)
		if err == nil {
			_, err = io.ReadAll(rc)
			rc.Close()
		}
		if err == nil {
			t.Fatal("a corrupt gzip file was read without error")
		}
	})
	t.Run("ErrTruncatedGzip", func(t *testing.T) {
		// Open expands a gzip file once to check its size, so the cut is
		// found there (naming the file) rather than by the loader's reads.
		p := write("cut.xml.gz", gz.Bytes()[:gz.Len()-6])
		rc, err := loaders.Open(p)
		if err == nil {
			_, err = io.ReadAll(rc)
			rc.Close()
		} else if !strings.Contains(err.Error(), p) {
			t.Errorf("the error does not name the file: %v", err)
		}
		if err == nil {
			t.Error("a truncated gzip file was read without error")
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		if _, err := loaders.Open(filepath.Join(dir, "nope.xml")); err == nil {
			t.Error("a missing file opened")
		}
	})
}
