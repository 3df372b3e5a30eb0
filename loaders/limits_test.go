package loaders

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/loadertest"
)

func gzipBomb(tb testing.TB, members int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "bomb.xml.gz")
	loadertest.GzipBomb(tb, path, members)
	return path
}

func TestOpenLimited(t *testing.T) {
	t.Run("GzipBomb", func(t *testing.T) {
		path := gzipBomb(t, 32) // about 2 MB, expanding to 2 GiB
		st, _ := os.Stat(path)
		_, err := OpenLimited(path, Limits{})
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), path) {
			t.Fatalf("a %d-byte gzip bomb: err = %v", st.Size(), err)
		}
		t.Logf("%d bytes: %v", st.Size(), err)
	})
	t.Run("RaisedLimitsLetItThrough", func(t *testing.T) {
		path := gzipBomb(t, 2) // 128 MiB from about 130 KB
		rc, err := OpenLimited(path, Limits{MaxRatio: 10_000})
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		n, err := io.Copy(io.Discard, rc)
		if err != nil || n != 128<<20 {
			t.Fatalf("read %d bytes, %v", n, err)
		}
	})
	t.Run("AbsoluteCap", func(t *testing.T) {
		path := gzipBomb(t, 2)
		if _, err := OpenLimited(path, Limits{MaxRatio: 10_000, MaxDecompressed: 100 << 20}); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("PlainFile", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "plain.csv")
		_ = os.WriteFile(path, []byte("a,b\n"), 0o644)
		rc, err := OpenLimited(path, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != "a,b\n" {
			t.Fatalf("read %q", b)
		}
	})
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := strings.Repeat("x", 300<<10)
	tests := []struct {
		name, content string
		sep           byte
		tooLarge      bool
	}{
		{"LinesOK", "a\nb\n" + big[:100<<10] + "\n", Lines, false},
		{"LongLine", "a\nb\n" + big + "\nc\n", Lines, true},
		{"LongLastLine", "a\n" + big, Lines, true},
		{"XMLOK", "<a>\n<b>" + big[:100<<10] + "</b>\n</a>", Markup, false},
		{"XMLLongText", "<a>\n<b>" + big + "</b></a>", Markup, true},
		{"XMLLongButPrettyPrinted", "<a>\n<b>" + strings.Repeat("word\n", 60<<10) + "</b></a>", Markup, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(write(tt.name, tt.content), tt.sep, Limits{MaxRecordBytes: 200 << 10})
			if errors.Is(err, ErrTooLarge) != tt.tooLarge {
				t.Fatalf("err = %v, too large %v", err, tt.tooLarge)
			}
			if err != nil {
				t.Log(err)
			}
		})
	}
}

func TestCapText(t *testing.T) {
	long := strings.Repeat("é", 30_000) // 60,000 bytes
	r := Record{ID: "ofac:1", Batch: model.Batch{
		Entities:      []model.Entity{{ID: "x", Name: "N", Description: long, Aliases: []string{strings.Repeat("a", 600)}, Properties: model.Properties{"remarks": {long, "short"}}}},
		Relationships: []model.Relationship{{ID: "r", Properties: model.Properties{"context": {"ok"}}}},
		Evidence:      []model.Evidence{{ID: "e", Quote: long}},
	}}
	cut := CapText(&r)
	if len(cut) != 4 {
		t.Errorf("cut %v, want description, alias, property remarks, evidence quote", cut)
	}
	e := r.Entities[0]
	for _, s := range []string{e.Description, e.Properties["remarks"][0], r.Evidence[0].Quote} {
		if len(s) > MaxTextBytes || !utf8.ValidString(s) || !strings.Contains(s, "cut by sanctiongraph") {
			t.Errorf("cut text: %d bytes, valid UTF-8 %v, ends %q", len(s), utf8.ValidString(s), s[max(0, len(s)-80):])
		}
	}
	if len(e.Aliases[0]) > MaxNameBytes || e.Properties["remarks"][1] != "short" || e.Name != "N" {
		t.Errorf("entity after CapText: alias %d bytes, remarks[1] %q, name %q", len(e.Aliases[0]), e.Properties["remarks"][1], e.Name)
	}
}
