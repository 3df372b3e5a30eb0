package importer

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress reports a long load: on a terminal one line rewritten in place
// (records, rate, elapsed, ETA when the total is known); elsewhere, as in
// CI, a plain line at most every interval.
type progress struct {
	mu       sync.Mutex
	out      io.Writer
	tty      bool
	label    string
	total    int // expected records, 0 if unknown
	start    time.Time
	last     time.Time
	interval time.Duration
	done     int
}

func newProgress(out io.Writer, tty bool, label string, total int) *progress {
	now := time.Now()
	iv := 10 * time.Second
	if tty {
		iv = 200 * time.Millisecond
	}
	return &progress{out: out, tty: tty, label: label, total: total, start: now, last: now, interval: iv}
}

// update records that n records are done and reports if it is time to.
func (p *progress) update(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = n
	if p.total > 0 && n > p.total {
		// The estimate was low: the total is at least what is done, so
		// the line never reads past 100 %.
		p.total = n
	}
	if time.Since(p.last) < p.interval {
		return
	}
	p.last = time.Now()
	p.print(false)
}

// finish prints the final state.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.print(true)
}

func (p *progress) print(final bool) {
	elapsed := time.Since(p.start)
	rate := float64(p.done) / max(elapsed.Seconds(), 0.001)
	line := fmt.Sprintf("%s: %d records", p.label, p.done)
	if p.total > 0 {
		line += fmt.Sprintf(" of ~%d (%d%%)", p.total, min(100, p.done*100/p.total))
	}
	line += fmt.Sprintf(", %.0f/s, %s elapsed", rate, elapsed.Round(time.Second))
	if p.total > 0 && !final && rate > 0 && p.done < p.total {
		eta := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
		line += fmt.Sprintf(", ETA %s", eta.Round(time.Second))
	}
	switch {
	case p.tty && final:
		fmt.Fprintf(p.out, "\r\033[K%s\n", line)
	case p.tty:
		fmt.Fprintf(p.out, "\r\033[K%s", line)
	default:
		fmt.Fprintln(p.out, line)
	}
}
