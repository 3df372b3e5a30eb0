// Package sharedtest holds what every test package shares about its
// surroundings: where the real published sanctions lists are (../shared/data
// beside the repository; CI always has it; the files are never copied into
// the repository), whether the tests run in CI, and how much to stretch the
// tests' deadlines on a slow or busy machine.
package sharedtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// InCI reports whether the tests run in CI: the CI variable is set to
// anything but "", "0" or "false" (CI systems set CI=true; some set CI=1).
// It is the one definition of "in CI" for every test: there, a test never
// skips for want of something CI must have (the shared data, Chromium).
func InCI() bool {
	v := strings.ToLower(strings.TrimSpace(os.Getenv("CI")))
	return v != "" && v != "0" && v != "false"
}

// EnvTimeoutScale multiplies the deadlines of tests (a context a test gives
// itself, a wait for a condition, a transaction timeout). Default 1, and 3
// in CI, whose machine may be busy with other work; raise it on a slow
// machine rather than changing a test.
const EnvTimeoutScale = "SANCTIONGRAPH_TEST_TIMEOUT_SCALE"

// Scale returns the timeout scale (see EnvTimeoutScale).
func Scale() float64 {
	if v := os.Getenv(EnvTimeoutScale); v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 1 && f <= 100 {
			return f
		}
	}
	if InCI() {
		return 3
	}
	return 1
}

// Timeout stretches d by the timeout scale. Tests use it for every
// deadline, so none is a thin margin on a busy machine.
func Timeout(d time.Duration) time.Duration { return time.Duration(float64(d) * Scale()) }

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
		if InCI() {
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
