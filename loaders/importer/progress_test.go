package importer

import (
	"bytes"
	"strings"
	"testing"
)

// TestProgressNeverPastTheTotal: an estimate that was too low grows with
// the records done, so no line reads more than 100 % or "500 of ~400".
func TestProgressNeverPastTheTotal(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, false, "ofac sdn.csv", 400)
	p.interval = 0
	for _, n := range []int{100, 400, 450, 500} {
		p.update(n)
	}
	p.finish()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	for _, want := range []string{"100 records of ~400 (25%)", "400 records of ~400 (100%)", "450 records of ~450 (100%)", "500 records of ~500 (100%)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "ETA") && strings.Contains(lines[len(lines)-1], "ETA") {
		t.Errorf("the final line has an ETA: %s", lines[len(lines)-1])
	}
}
