package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseFlags(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		c, err := parseFlags(nil, env(nil), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		s := c.Synth
		if s.Nodes != 100_000 || s.Relationships != 1_000_000 || s.Hubs != 5 || s.HubDegree != 12_000 || s.Seed != 1 || s.EvidenceRatio != 0.1 {
			t.Errorf("defaults %+v", s)
		}
		if c.Neo4j.URI != "" || c.Neo4jPort != 0 || c.Neo4jHeapMB != 4096 || c.Neo4jPageCacheMB != 2048 {
			t.Errorf("local Neo4j defaults %+v", c)
		}
	})
	t.Run("EnvThenFlags", func(t *testing.T) {
		e := env(map[string]string{"NEO4J_URI": "bolt://db:7687", "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": "pw", "NEO4J_DATABASE": "bench"})
		c, err := parseFlags([]string{"-neo4j-database", "other", "-nodes", "2000", "-rels", "9000", "-hubs", "1", "-hub-degree", "100"}, e, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if c.Neo4j.URI != "bolt://db:7687" || c.Neo4j.User != "neo4j" || c.Neo4j.Password != "pw" || c.Neo4j.Database != "other" {
			t.Errorf("neo4j %+v", c.Neo4j)
		}
		if c.Synth.Nodes != 2000 || c.Synth.Relationships != 9000 {
			t.Errorf("synth %+v", c.Synth)
		}
	})
	t.Run("Help", func(t *testing.T) {
		var out bytes.Buffer
		if _, err := parseFlags([]string{"-h"}, env(nil), &out); !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "-hub-degree") {
			t.Errorf("-h: %v\n%s", err, out.String())
		}
	})
	bad := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"TooFewNodes", []string{"-nodes", "10"}, nil},
		{"HubsTakeTooMany", []string{"-hub-degree", "600000"}, nil},
		{"BadURI", nil, map[string]string{"NEO4J_URI": "http://db"}},
		{"ServeWithURI", []string{"-serve"}, map[string]string{"NEO4J_URI": "bolt://db:7687"}},
		{"Arguments", []string{"extra"}, nil},
		{"BadPort", []string{"-neo4j-port", "70000"}, nil},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseFlags(tt.args, env(tt.env), io.Discard); err == nil {
				t.Error("want an error")
			}
		})
	}
}

// TestDryRun builds a small graph in memory and prints its summary.
func TestDryRun(t *testing.T) {
	c, err := parseFlags([]string{"-dry-run", "-nodes", "2000", "-rels", "10000", "-hubs", "2", "-hub-degree", "500", "-pairs", "1"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), c, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"entities       2,000", "relationships  10,000 of 30 types", `hub            synth:state:000000 "Valdoria": 500 relationships`, "6 hops  synth:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

func TestProgress(t *testing.T) {
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tick := func(d time.Duration) { clock = clock.Add(d) }
	t.Run("Terminal", func(t *testing.T) {
		var out bytes.Buffer
		p := newProgress(&out, true)
		p.now = func() time.Time { return clock }
		p.start, p.last = clock, clock
		tick(time.Second)
		p.update(1000, 4000)
		tick(100 * time.Millisecond) // too soon: not shown
		p.update(1100, 4000)
		tick(time.Second)
		p.update(4000, 4000)
		p.finish()
		want := "\r\x1b[Kgraphgen: 1,000/4,000 records (25.0%), 1,000 records/s, ETA 3s" +
			"\r\x1b[Kgraphgen: 4,000/4,000 records (100.0%), 1,904 records/s, done in 2s\n"
		if out.String() != want {
			t.Errorf("got %q\nwant %q", out.String(), want)
		}
	})
	t.Run("Log", func(t *testing.T) {
		var out bytes.Buffer
		p := newProgress(&out, false)
		p.now = func() time.Time { return clock }
		p.start, p.last = clock, clock
		tick(time.Second) // less than 10s: not shown
		p.update(1000, 4000)
		tick(10 * time.Second)
		p.update(2000, 4000)
		p.update(4000, 4000) // the end is always shown
		p.finish()
		if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 2 || !strings.Contains(lines[0], "2,000/4,000") || !strings.Contains(lines[1], "done in 11s") {
			t.Errorf("got %q", out.String())
		}
	})
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -12345: "-12,345"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
