package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// checkFactLists checks issue 16's lists over GraphQL on the curated
// dataset with the UN 2026 and OFAC SDN 2024 lists loaded (it runs inside
// TestResolvedEntitiesOnTheLists, which loads them once).
func checkFactLists(t *testing.T, url string) {
	t.Run("IMOLinksInOneQuery", func(t *testing.T) {
		// Every identity link made on an IMO number, paged 100 at a time.
		const q = `query($after: String) { relationships(
			filter: {types: [SAME_AS], datasets: ["derived"], properties: [{name: "basis", prefix: "IMO number "}]},
			first: 100, after: $after) {
			totalCount pageInfo { hasNextPage endCursor }
			edges { node { id type dataset from { id } to { id } properties(names: ["basis"]) { values } evidence { claim source { id } } } } } }`
		type page struct {
			Relationships struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
				Edges []struct {
					Node struct {
						ID, Type, Dataset string
						From, To          struct{ ID string }
						Properties        []struct{ Values []string }
						Evidence          []struct {
							Claim  string
							Source struct{ ID string }
						}
					}
				}
			}
		}
		var ids []string
		vars := map[string]any{}
		total := -1
		for {
			var d page
			mustData(t, postGraphQL(t, url, q, vars), &d)
			total = d.Relationships.TotalCount
			for _, e := range d.Relationships.Edges {
				n := e.Node
				ids = append(ids, n.ID)
				if n.Type != "SAME_AS" || n.Dataset != "derived" || len(n.Properties) != 1 || !strings.HasPrefix(n.Properties[0].Values[0], "IMO number ") {
					t.Errorf("%s: %+v is not an IMO link", n.ID, n)
				}
				// The link cites the matching rule and the records it joins.
				if len(n.Evidence) == 0 || !strings.Contains(n.Evidence[0].Claim, "rule imo") {
					t.Errorf("%s: evidence %+v does not name the rule", n.ID, n.Evidence)
				}
			}
			if !d.Relationships.PageInfo.HasNextPage {
				break
			}
			vars["after"] = d.Relationships.PageInfo.EndCursor
		}
		slices.Sort(ids)
		if len(ids) < 10 || len(ids) != total || len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Errorf("%d IMO links on the pages (total %d); want every link once, and the lists share many vessels", len(ids), total)
		}
		// Prefix "IMO" alone finds the same links: nothing else starts so.
		var d page
		mustData(t, postGraphQL(t, url, `{ relationships(filter: {types: [SAME_AS], properties: [{name: "basis", prefix: "IMO"}]}, first: 1) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`, nil), &d)
		if d.Relationships.TotalCount != total {
			t.Errorf("prefix IMO: %d links, prefix \"IMO number \": %d", d.Relationships.TotalCount, total)
		}
	})

	type listings struct {
		Entities struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID, Dataset string
					Properties  []struct {
						Name   string
						Values []string
					}
				}
			}
		}
	}
	prop := func(ps []struct {
		Name   string
		Values []string
	}, name string) []string {
		for _, p := range ps {
			if p.Name == name {
				return p.Values
			}
		}
		return nil
	}

	t.Run("OFACByProgram", func(t *testing.T) {
		var d listings
		mustData(t, postGraphQL(t, url, `{ entities(view: RECORDS, first: 100, filter: {kinds: [SANCTION], dataset: "ofac-sdn", properties: [{name: "program", equals: "DPRK3"}]}) {
			totalCount edges { node { id dataset properties(names: ["program"]) { name values } } } } }`, nil), &d)
		if d.Entities.TotalCount < 10 {
			t.Errorf("%d OFAC listings under DPRK3", d.Entities.TotalCount)
		}
		for _, e := range d.Entities.Edges {
			if e.Node.Dataset != "ofac-sdn" || !slices.Contains(prop(e.Node.Properties, "program"), "DPRK3") {
				t.Errorf("%s (%s) programs %v", e.Node.ID, e.Node.Dataset, prop(e.Node.Properties, "program"))
			}
		}
	})

	t.Run("UNByReferencePrefix", func(t *testing.T) {
		var all, kpi listings
		q := `query($p: String!) { entities(view: RECORDS, first: 100, filter: {kinds: [SANCTION], dataset: "unsc", properties: [{name: "authorityId", prefix: $p}]}) {
			totalCount edges { node { id dataset properties(names: ["authorityId"]) { name values } } } } }`
		mustData(t, postGraphQL(t, url, q, map[string]any{"p": "KP"}), &all)
		mustData(t, postGraphQL(t, url, q, map[string]any{"p": "KPi."}), &kpi)
		if kpi.Entities.TotalCount < 50 || kpi.Entities.TotalCount >= all.Entities.TotalCount {
			t.Errorf("UN listings KPi.: %d, KP: %d; want the individuals, a part of the DPRK listings", kpi.Entities.TotalCount, all.Entities.TotalCount)
		}
		for _, e := range kpi.Entities.Edges {
			if ref := prop(e.Node.Properties, "authorityId"); len(ref) != 1 || !strings.HasPrefix(ref[0], "KPi.") {
				t.Errorf("%s: reference %v", e.Node.ID, ref)
			}
		}
	})

	t.Run("SourceSupportsAndFirstReport", func(t *testing.T) {
		// The February 2024 gift: the facts of its first source, and the
		// first report of the gift's SENT fact by date.
		var d struct {
			Relationships struct {
				Edges []struct {
					Node struct {
						ID            string
						FirstReported *string
						LastConfirmed *string
						Evidence      []struct {
							ReportedOn *string
							Status     string
							Source     struct{ ID string }
						}
					}
				}
			}
		}
		mustData(t, postGraphQL(t, url, `{ relationships(filter: {types: [SENT], to: "transfer:aurus-gift-2024-02"}) { edges { node {
			id firstReported lastConfirmed evidence(order: STATED_ASC) { reportedOn status source { id } } } } } }`, nil), &d)
		if len(d.Relationships.Edges) == 0 {
			t.Fatal("no SENT fact for the February gift")
		}
		n := d.Relationships.Edges[0].Node
		var dated []string
		undated := false
		for _, ev := range n.Evidence {
			switch {
			case ev.ReportedOn == nil:
				undated = true
			case undated:
				t.Errorf("dated evidence listed after undated: %+v", n.Evidence)
			default:
				dated = append(dated, *ev.ReportedOn)
			}
		}
		if len(dated) == 0 || !slices.IsSorted(dated) {
			t.Fatalf("evidence by statement date: %v", dated)
		}
		if n.FirstReported == nil || *n.FirstReported != dated[0] {
			t.Errorf("firstReported = %v, want the earliest statement %s", n.FirstReported, dated[0])
		}
		first := n.Evidence[0].Source.ID
		var s struct {
			Entity struct {
				Kind     string
				Supports struct {
					TotalCount int
					Edges      []struct {
						Evidence     struct{ Source struct{ ID string } }
						Relationship *struct{ ID string }
						Entity       *struct{ ID string }
					}
				}
			}
		}
		mustData(t, postGraphQL(t, url, `query($id: ID!) { entity(id: $id, view: RECORDS) { kind supports(first: 100) { totalCount edges {
			evidence { source { id } } relationship { id } entity { id } } } } }`, map[string]any{"id": first}), &s)
		var found bool
		for _, e := range s.Entity.Supports.Edges {
			if e.Evidence.Source.ID != first {
				t.Errorf("supports of %s lists evidence of %s", first, e.Evidence.Source.ID)
			}
			found = found || e.Relationship != nil && e.Relationship.ID == n.ID
		}
		if s.Entity.Kind != "SOURCE" || !found {
			t.Errorf("%s (%s) supports %d facts, the SENT fact %s among them: %v", first, s.Entity.Kind, s.Entity.Supports.TotalCount, n.ID, found)
		}
	})

	t.Run("RouteInLegOrder", func(t *testing.T) {
		var d struct {
			Entity struct {
				Route []struct {
					Type       string
					Properties []struct {
						Name   string
						Values []string
					}
				}
			}
		}
		mustData(t, postGraphQL(t, url, `{ entity(id: "transfer:maybach-shipment-2018") { route { type properties(names: ["leg", "place"]) { name values } } } }`, nil), &d)
		var legs []string
		last := -1
		for _, r := range d.Entity.Route {
			l := prop(r.Properties, "leg")
			n := -1
			if len(l) == 1 {
				n, _ = strconv.Atoi(l[0])
			}
			if r.Type != "VIA" || n < last {
				t.Errorf("route %+v: leg %d after %d", d.Entity.Route, n, last)
			}
			last = n
			legs = append(legs, strings.Join(prop(r.Properties, "place"), ""))
		}
		if len(legs) < 5 || !strings.HasPrefix(legs[len(legs)-1], "Pyongyang") {
			t.Errorf("Maybach route places %v: want the legs to Pyongyang in order", legs)
		}
	})

	t.Run("CitationsOfAPath", func(t *testing.T) {
		// A journalist's story check: from one paths answer, the citation
		// list a writer pastes; every line has publisher, title, date and
		// URL, or says which of them is unknown.
		var d struct {
			Paths struct {
				Paths []struct {
					Hops []struct {
						Sentence     string
						Relationship struct{ Citations []string }
					}
				}
			}
		}
		mustData(t, postGraphQL(t, url, `{ paths(from: "Russia", to: "Kim Jong-un", via: ["Aurus"]) { paths { hops { sentence relationship { citations } } } } }`, nil), &d)
		line := regexp.MustCompile(`^(.+|publisher unknown), ".+", (\d{4}(-\d\d){0,2}|undated)( \(read in: [^)]+\))?\. (https?://\S+|No URL\.)$`)
		var lines []string
		for _, p := range d.Paths.Paths {
			for _, h := range p.Hops {
				if len(h.Relationship.Citations) == 0 {
					t.Errorf("hop %q has no citation", h.Sentence)
				}
				for _, c := range h.Relationship.Citations {
					if !line.MatchString(c) && !strings.HasPrefix(c, "Identity rule of sanctiongraph") {
						t.Errorf("citation %q lacks publisher, title, date or URL", c)
					}
					if !slices.Contains(lines, c) {
						lines = append(lines, c)
					}
				}
			}
		}
		if len(lines) < 3 {
			t.Errorf("the path cites %d sources", len(lines))
		}
		t.Logf("citations for the story (%d):\n%s", len(lines), strings.Join(lines, "\n"))

		// The same answer exported: CSV (one row per hop), NDJSON and the
		// bundle parse and hold every hop's citation.
		body, _ := json.Marshal(map[string]any{"query": `{ paths(from: "Russia", to: "Kim Jong-un", via: ["Aurus"]) { paths { hops { sentence relationship { id citations } } } } }`})
		export := func(format string) []byte {
			resp, err := http.Post(url+"/export?format="+format+"&rows=paths.paths.hops", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("export %s: HTTP %d %s", format, resp.StatusCode, b)
			}
			return b
		}
		records, err := csv.NewReader(bytes.NewReader(export("csv"))).ReadAll()
		if err != nil || len(records) < 3 {
			t.Fatalf("CSV: %d records, %v", len(records), err)
		}
		var nd []map[string]any
		for _, l := range bytes.Split(bytes.TrimSpace(export("ndjson")), []byte("\n")) {
			var row map[string]any
			if err := json.Unmarshal(l, &row); err != nil {
				t.Fatalf("NDJSON line %s: %v", l, err)
			}
			nd = append(nd, row)
		}
		var bundle struct {
			Citations []string
			Editions  []struct{ Dataset, PublishedOn string }
		}
		if err := json.Unmarshal(export("bundle"), &bundle); err != nil {
			t.Fatal(err)
		}
		csvText, ndText := fmt.Sprint(records), fmt.Sprint(nd)
		for _, c := range lines {
			if !strings.Contains(csvText, c) || !strings.Contains(ndText, c) || !slices.Contains(bundle.Citations, c) {
				t.Errorf("citation %q missing from an export (csv %v, ndjson %v, bundle %v)", c, strings.Contains(csvText, c), strings.Contains(ndText, c), slices.Contains(bundle.Citations, c))
			}
		}
		if len(records)-1 != len(nd) || len(bundle.Editions) < 2 {
			t.Errorf("CSV %d hops, NDJSON %d; bundle editions %+v (want the UN and OFAC editions loaded)", len(records)-1, len(nd), bundle.Editions)
		}
	})

	t.Run("ErrUndeclaredProperty", func(t *testing.T) {
		r := postGraphQL(t, url, `{ relationships(filter: {types: [OWNS], properties: [{name: "imoNumber", equals: "1"}]}) { totalCount } }`, nil)
		if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "imoNumber") {
			t.Errorf("errors %+v: want BAD_USER_INPUT naming the property", r.Errors)
		}
	})
}
