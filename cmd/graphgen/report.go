package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/loaders/synth"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// progress shows how far writing is: on a terminal one line, rewritten at
// most every quarter second; otherwise a line every ten seconds.
type progress struct {
	w           io.Writer
	tty         bool
	every       time.Duration
	now         func() time.Time
	start, last time.Time
	shown       bool
}

func newProgress(w io.Writer, tty bool) *progress {
	p := &progress{w: w, tty: tty, every: 10 * time.Second, now: time.Now}
	if tty {
		p.every = 250 * time.Millisecond
	}
	p.start = p.now()
	p.last = p.start
	return p
}

// update is the progress callback of synth.Generate.
func (p *progress) update(done, total int) {
	now := p.now()
	if done < total && now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	line := progressLine(done, total, now.Sub(p.start))
	if p.tty {
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
	p.shown = true
}

// finish ends the terminal line.
func (p *progress) finish() {
	if p.tty && p.shown {
		fmt.Fprintln(p.w)
	}
}

func progressLine(done, total int, elapsed time.Duration) string {
	pct, rate := 0.0, 0.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	eta := "?"
	switch {
	case done >= total:
		eta = "done in " + elapsed.Round(time.Second).String()
	case rate > 0:
		eta = "ETA " + time.Duration(float64(total-done)/rate*float64(time.Second)).Round(time.Second).String()
	}
	return fmt.Sprintf("graphgen: %s/%s records (%.1f%%), %s records/s, %s",
		thousands(done), thousands(total), pct, thousands(int(rate)), eta)
}

// thousands writes n with thousands separators: 1234567 → "1,234,567".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// printSummary describes the graph and, when written, how writing went.
func printSummary(w io.Writer, st synth.Stats, cfg synth.Config, written bool) {
	fmt.Fprintf(w, "synthetic graph, seed %d\n", cfg.Seed)
	var kinds []string
	for _, k := range schema.Kinds {
		if n := st.ByKind[k]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%s %s", k, thousands(n)))
		}
	}
	fmt.Fprintf(w, "  entities       %s: %s\n", thousands(st.Nodes), strings.Join(kinds, ", "))
	types := make([]schema.RelType, 0, len(st.ByType))
	for t := range st.ByType {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool { return st.ByType[types[i]] > st.ByType[types[j]] })
	var top []string
	for _, t := range types[:min(6, len(types))] {
		top = append(top, fmt.Sprintf("%s %s", t, thousands(st.ByType[t])))
	}
	fmt.Fprintf(w, "  relationships  %s of %d types: %s, …\n", thousands(st.Relationships), len(types), strings.Join(top, ", "))
	fmt.Fprintf(w, "  evidence       %s (%.0f%% of entities and relationships)\n", thousands(st.Evidence), 100*cfg.EvidenceRatio)
	for _, h := range st.Hubs {
		fmt.Fprintf(w, "  hub            %s %q: %s relationships\n", h.ID, h.Name, thousands(h.Degree))
	}
	fmt.Fprintf(w, "  largest degree of the other entities: %s\n", thousands(st.MaxDegree))
	fmt.Fprintf(w, "  entity pairs at known distances (hub guard maxDegree %d):\n", cfg.HubGuard)
	for _, p := range st.Pairs {
		switch {
		case p.Hops == 0:
			fmt.Fprintf(w, "    not connected  %s → %s (an island: its only relationship goes to a hub)\n", p.From, p.To)
		case p.FromHub:
			fmt.Fprintf(w, "    %d hops  %s → %s (from a hub)\n", p.Hops, p.From, p.To)
		default:
			fmt.Fprintf(w, "    %d hops  %s → %s\n", p.Hops, p.From, p.To)
		}
	}
	fmt.Fprintf(w, "  planned in %s\n", st.PlanTime.Round(time.Millisecond))
	if !written {
		return
	}
	fmt.Fprintf(w, "  wrote %s records in %s: %s records/s, %d transactions of about %s\n",
		thousands(st.Records), st.WriteTime.Round(100*time.Millisecond), thousands(int(st.Rate())), st.Batches, thousands(cfg.BatchSize))
	ws := st.Written
	fmt.Fprintf(w, "  created %s, updated %s, unchanged %s\n",
		thousands(ws.Entities.Created+ws.Relationships.Created+ws.Evidence.Created),
		thousands(ws.Entities.Updated+ws.Relationships.Updated+ws.Evidence.Updated),
		thousands(ws.Entities.Unchanged+ws.Relationships.Unchanged+ws.Evidence.Unchanged))
}
