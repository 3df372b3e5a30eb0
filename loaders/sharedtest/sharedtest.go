// Package sharedtest finds the real published sanctions lists that tests read
// from ../shared/data (beside the repository; CI always has it). The files
// are never copied into the repository.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvDir overrides where the shared data lives.
const EnvDir = "SANCTIONGRAPH_SHARED_DATA"

// Dir returns the shared data directory, or "" if there is none.
func Dir() string {
	if d := os.Getenv(EnvDir); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(filepath.Dir(dir), "shared", "data")
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				return d
			}
			return ""
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

// Path returns the path of a file below the shared data directory. Without
// the directory the test is skipped on a user's clone, and fails in CI
// (CI=true), where the data must be present.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	d := Dir()
	if d == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("shared data not found (set %s); CI must have ../shared/data", EnvDir)
		}
		tb.Skipf("shared data not found beside the repository (set %s to run this test)", EnvDir)
	}
	p := filepath.Join(d, rel)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("shared data file: %v", err)
	}
	return p
}
