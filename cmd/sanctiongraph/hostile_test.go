package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/hostiletest"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
)

// TestHostileInput sends hostile values to every argument of every Query
// field (hostiletest.Cases, from introspection, as literals and variables)
// and the protocol abuses (hostiletest.Abuses) to the service over the
// curated dataset in Neo4j. No answer may be a 5xx, carry INTERNAL,
// UNAVAILABLE or TIMEOUT, or show Cypher, driver or Go text; every abuse is
// refused with a code; and the graph is the same afterwards, node for node.
//
// The 100 KB strings go as variables only: as literals they take the same
// path once parsed, and the handler tests (graph/hostile_test.go) send them
// both ways against the fake store.
func TestHostileInput(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := importer.LoadCurated(ctx, env.Store); err != nil {
		t.Fatal(err)
	}
	app, _ := startService(t, withoutRateLimit()...)
	url := app.Server.URL() + "/graphql"
	client := &http.Client{Timeout: time.Minute}
	before, err := env.Store.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}

	send := func(r hostiletest.Request) (int, []byte, time.Duration, error) {
		var req *http.Request
		if r.Method == http.MethodGet {
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, url+"?"+r.RawQuery, nil)
		} else {
			req, _ = http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(r.Body))
		}
		if r.ContentType != "" {
			req.Header.Set("Content-Type", r.ContentType)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, time.Since(start), err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp.StatusCode, body, time.Since(start), err
	}
	post := func(query string, vars map[string]any) (int, []byte, time.Duration, error) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		return send(hostiletest.Request{Method: http.MethodPost, ContentType: "application/json", Body: body})
	}

	code, body, _, err := post(hostiletest.IntrospectionQuery, nil)
	var intro hostiletest.Response
	if err != nil || code != http.StatusOK || json.Unmarshal(body, &intro) != nil || len(intro.Errors) > 0 {
		t.Fatalf("introspection: %v HTTP %d %.500s", err, code, body)
	}
	s, err := hostiletest.ParseIntrospection(intro.Data)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Arguments", func(t *testing.T) {
		var cases []hostiletest.Case
		for _, c := range hostiletest.Cases(s, hostiletest.Options{Valid: hostileValid}) {
			if !c.Big || c.Vars != nil {
				cases = append(cases, c)
			}
		}
		start := time.Now()
		var (
			mu              sync.Mutex
			failed          int
			codes           = map[string]int{}
			slowest         time.Duration
			slowestCase     string
			next            = make(chan hostiletest.Case)
			wg              sync.WaitGroup
			problemsOrdered []string
		)
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for c := range next {
					status, body, took, err := post(c.Query, c.Vars)
					var problems []string
					var r hostiletest.Response
					if err != nil {
						problems = []string{err.Error()}
					} else {
						r, problems = hostiletest.Check(status, body, c.Payload)
					}
					mu.Lock()
					for _, code := range r.Codes() {
						codes[code]++
					}
					if took > slowest {
						slowest, slowestCase = took, c.Name
					}
					if len(problems) > 0 {
						failed++
						if failed <= 30 {
							problemsOrdered = append(problemsOrdered, fmt.Sprintf("%s: %s\nquery: %.300s", c.Name, strings.Join(problems, "; "), c.Query))
						}
					}
					mu.Unlock()
				}
			}()
		}
		for _, c := range cases {
			next <- c
		}
		close(next)
		wg.Wait()
		for _, p := range problemsOrdered {
			t.Error(p)
		}
		if failed > len(problemsOrdered) {
			t.Errorf("… %d failed cases in all", failed)
		}
		t.Logf("%d requests in %s (slowest %s: %s); error codes %v", len(cases), time.Since(start).Round(time.Millisecond),
			slowestCase, slowest.Round(time.Millisecond), codes)
	})

	t.Run("Abuses", func(t *testing.T) {
		for _, r := range hostiletest.Abuses(s, hostileTarget) {
			status, body, took, err := send(r)
			var problems []string
			switch {
			case err != nil:
				problems = []string{err.Error()}
			case r.MayAnswer:
				_, problems = hostiletest.Check(status, body, "")
			default:
				problems = hostiletest.CheckRefused(status, body)
			}
			problems = append(problems, r.CheckStatusAndCode(status, body)...)
			if took > 5*time.Second {
				problems = append(problems, "took "+took.String())
			}
			if len(problems) > 0 {
				t.Errorf("%s: %s", r.Name, strings.Join(problems, "; "))
			}
			t.Logf("%s: HTTP %d in %s: %.160s", r.Name, status, took.Round(time.Millisecond), body)
		}
	})

	after, err := env.Store.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := before.Diff(after); len(d) > 0 {
		t.Errorf("the hostile requests changed the graph:\n%s", strings.Join(d, "\n"))
	}
	if code, body := get(t, app.Server.URL()+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after the hostile requests = %d %s", code, body)
	}
	t.Logf("graph unchanged: %d nodes, %d relationships, checksum %s", after.Nodes, after.Relationships, after.Checksum)
}

// hostileValid are the values of arguments not under attack: ids and names
// of the curated dataset, so a request gets as far into Neo4j as it can.
var hostileValid = map[string]any{
	"id": "person:kim-jong-un", "from": "state:RU", "to": "person:kim-jong-un",
	"isoCode": "RU", "number": 1718, "query": "Kim Jong Un",
}

// hostileTarget is where the protocol abuses aim.
var hostileTarget = hostiletest.Target{
	Field:     `entity(id: "person:kim-jong-un")`,
	Type:      "Entity",
	Nesting:   "neighbours { edges { node",
	List:      `query List($list: [String!]) { paths(from: "state:RU", to: "person:kim-jong-un", via: $list) { explanation } }`,
	Expensive: `paths(from: "state:RU", to: "person:kim-jong-un") { explanation }`,
}
