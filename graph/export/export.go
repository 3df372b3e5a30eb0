// Package export serves /export: the answer of a GraphQL query as CSV,
// NDJSON or a citable JSON bundle, for writers and spreadsheets. The query
// runs through the /graphql handler itself, so every limit (cost, depth,
// page size, timeout, auth, rate limits) applies unchanged; export adds no
// reading of its own beyond the loaded list editions a bundle records.
package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// Editions returns the loaded list editions a bundle records (nil when none).
type Editions func(ctx context.Context) ([]model.Edition, error)

// Formats served.
const (
	CSV    = "csv"
	NDJSON = "ndjson"
	Bundle = "bundle"
)

// maxRows bounds the rows of one export (the GraphQL limits bound them
// already: pages of at most 100, paths of at most 25).
const maxRows = 100_000

type request struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables,omitempty"`
	OperationName string         `json:"operationName,omitempty"`
}

type gqlAnswer struct {
	Data   json.RawMessage `json:"data"`
	Errors []any           `json:"errors,omitempty"`
}

// Handler serves POST /export?format=csv|ndjson|bundle[&rows=a.b.c] with a
// GraphQL request as the body ({"query", "variables", "operationName"}).
// rows names the list whose items become rows, as a dotted path of field
// names (aliases) from data; nested lists on the way are flattened, each
// row keeping its parents' scalar fields. Without rows, the first list
// found (depth first) is used, and a connection's edges become their nodes.
// Only queries are exported; errors are GraphQL-shaped with
// extensions.code.
func Handler(gql http.Handler, editions Editions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			fail(w, http.StatusMethodNotAllowed, "BAD_USER_INPUT", "export takes a POST with a GraphQL request as its body")
			return
		}
		format := r.URL.Query().Get("format")
		if !slices.Contains([]string{CSV, NDJSON, Bundle}, format) {
			fail(w, http.StatusBadRequest, "BAD_USER_INPUT", "argument format: must be csv, ndjson or bundle")
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			fail(w, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "the request body could not be read (at most 1 MiB)")
			return
		}
		var req request
		if err := json.Unmarshal(body, &req); err != nil || strings.TrimSpace(req.Query) == "" {
			fail(w, http.StatusBadRequest, "BAD_USER_INPUT", "the body must be a GraphQL request: {\"query\": …, \"variables\": …}")
			return
		}
		if doc, perr := parser.ParseQuery(&ast.Source{Input: req.Query}); perr == nil {
			for _, op := range doc.Operations {
				if op.Operation != ast.Query {
					fail(w, http.StatusBadRequest, "BAD_USER_INPUT", "only queries can be exported")
					return
				}
			}
		}
		// Run it as /graphql would, with the caller's headers (keys).
		inner, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
		inner.Header = r.Header.Clone()
		inner.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		gql.ServeHTTP(rec, inner)
		var ans gqlAnswer
		if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil || len(ans.Errors) > 0 || len(ans.Data) == 0 || string(ans.Data) == "null" {
			// The GraphQL answer's own errors, as /graphql gave them.
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		var data any
		dec := json.NewDecoder(bytes.NewReader(ans.Data))
		dec.UseNumber()
		if err := dec.Decode(&data); err != nil {
			fail(w, http.StatusInternalServerError, "INTERNAL", "the answer could not be read")
			return
		}
		rows, err := Rows(data, r.URL.Query().Get("rows"))
		if err != nil {
			fail(w, http.StatusBadRequest, "BAD_USER_INPUT", "argument rows: "+err.Error())
			return
		}
		if pi := PageInfo(data, r.URL.Query().Get("rows")); pi != nil {
			w.Header().Set(PageInfoHeader, string(pi))
		}
		name := "sanctiongraph-" + time.Now().UTC().Format("20060102T150405Z")
		switch format {
		case CSV:
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
			_ = WriteCSV(w, rows)
		case NDJSON:
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.ndjson"`)
			_ = WriteNDJSON(w, rows)
		case Bundle:
			var eds []model.Edition
			if editions != nil {
				if eds, err = editions(r.Context()); err != nil {
					fail(w, http.StatusServiceUnavailable, "UNAVAILABLE", "the loaded list editions could not be read; try again")
					return
				}
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
			_ = WriteBundle(w, req, data, eds, time.Now().UTC())
		}
	})
}

func fail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}}, "data": nil})
}

// PageInfoHeader carries, on an export whose rows are one connection's
// edges, that connection's pageInfo as JSON ({"hasNextPage": …,
// "endCursor": …}, what the query selected of them), so a client exporting
// a whole list page by page needs no second query for the cursors.
const PageInfoHeader = "Sanctiongraph-Page-Info"

// PageInfo is the pageInfo the query selected on the connection whose edges
// are the rows (path as Rows takes it), as compact JSON; nil when the rows
// are not one connection's (a list on the way, no pageInfo selected).
func PageInfo(data any, path string) json.RawMessage {
	steps := strings.Split(path, ".")
	if path == "" {
		steps = firstList(data, nil)
	}
	if len(steps) < 2 {
		return nil
	}
	v := data
	for _, s := range steps[:len(steps)-1] {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[s]
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	pi, ok := obj["pageInfo"].(map[string]any)
	if !ok {
		return nil
	}
	b, err := json.Marshal(pi)
	if err != nil {
		return nil
	}
	return b
}

// Rows finds the rows of an answer: the items of the list at path (dotted
// field names from data), or of the first list found. Lists on the way are
// flattened; each row carries the scalar fields of the objects above it
// (prefixed with their path) and, for a connection, an edge's node fields.
func Rows(data any, path string) ([]map[string]any, error) {
	var steps []string
	if path != "" {
		steps = strings.Split(path, ".")
		for _, s := range steps {
			if s == "" {
				return nil, fmt.Errorf("%q is not a dotted path of field names", path)
			}
		}
	} else {
		steps = firstList(data, nil)
		if steps == nil {
			return nil, fmt.Errorf("the answer holds no list")
		}
	}
	var out []map[string]any
	var walk func(v any, i int, ctx map[string]any, prefix string) error
	walk = func(v any, i int, ctx map[string]any, prefix string) error {
		if len(out) > maxRows {
			return fmt.Errorf("more than %d rows", maxRows)
		}
		if list, ok := v.([]any); ok {
			for _, item := range list {
				if err := walk(item, i, ctx, prefix); err != nil {
					return err
				}
			}
			return nil
		}
		obj, ok := v.(map[string]any)
		if i == len(steps) {
			if !ok {
				out = append(out, withContext(ctx, map[string]any{"value": v}))
				return nil
			}
			out = append(out, withContext(ctx, unwrapEdge(obj)))
			return nil
		}
		if !ok {
			if v == nil {
				return nil
			}
			return fmt.Errorf("%s is not an object", strings.Join(steps[:i], "."))
		}
		next, found := obj[steps[i]]
		if !found {
			return fmt.Errorf("the answer has no field %q under %q", steps[i], strings.Join(steps[:i], "."))
		}
		// The scalars of this level describe every row below it.
		sub := make(map[string]any, len(ctx)+len(obj))
		for k, x := range ctx {
			sub[k] = x
		}
		if i > 0 {
			for k, x := range obj {
				if k != steps[i] && isScalar(x) {
					sub[prefix+k] = x
				}
			}
		}
		return walk(next, i+1, sub, prefix+steps[i]+".")
	}
	if err := walk(data, 0, map[string]any{}, ""); err != nil {
		return nil, err
	}
	return out, nil
}

// firstList is the path to the first list in v, depth first in field order
// as JSON objects decode (sorted, for a stable answer).
func firstList(v any, path []string) []string {
	switch x := v.(type) {
	case []any:
		return path
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p := firstList(x[k], append(slices.Clone(path), k)); p != nil {
				return p
			}
		}
	}
	return nil
}

// unwrapEdge turns a connection edge into its node (keeping the edge's other
// fields beside it); other objects are rows as they are.
func unwrapEdge(obj map[string]any) map[string]any {
	node, ok := obj["node"].(map[string]any)
	if !ok {
		return obj
	}
	out := make(map[string]any, len(node)+len(obj))
	for k, v := range obj {
		if k != "node" && k != "cursor" {
			out["edge."+k] = v
		}
	}
	for k, v := range node {
		out[k] = v
	}
	return out
}

func withContext(ctx, row map[string]any) map[string]any {
	if len(ctx) == 0 {
		return row
	}
	out := make(map[string]any, len(ctx)+len(row))
	for k, v := range ctx {
		out[k] = v
	}
	for k, v := range row {
		out[k] = v
	}
	return out
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

// flatten turns a row into dotted columns: objects nest with ".", lists of
// scalars join with " | ", lists of objects flatten each field across the
// items (hops.sentence = "a | b").
func flatten(prefix string, v any, out map[string][]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			flatten(join(prefix, k), y, out)
		}
	case []any:
		if len(x) == 0 {
			if _, ok := out[prefix]; !ok {
				out[prefix] = nil
			}
		}
		for _, y := range x {
			flatten(prefix, y, out)
		}
	case nil:
		if _, ok := out[prefix]; !ok {
			out[prefix] = nil
		}
	default:
		out[prefix] = append(out[prefix], scalar(x))
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// WriteCSV writes rows as CSV: one column per flattened field, sorted, with
// "id" first when there is one; values of nested lists joined by " | ".
// Cells that a spreadsheet would run as a formula are quoted with a
// leading apostrophe.
func WriteCSV(w io.Writer, rows []map[string]any) error {
	flat := make([]map[string][]string, len(rows))
	cols := map[string]bool{}
	for i, r := range rows {
		flat[i] = map[string][]string{}
		flatten("", r, flat[i])
		for k := range flat[i] {
			cols[k] = true
		}
	}
	header := make([]string, 0, len(cols))
	for k := range cols {
		header = append(header, k)
	}
	sort.Slice(header, func(i, j int) bool {
		if (header[i] == "id") != (header[j] == "id") {
			return header[i] == "id"
		}
		return header[i] < header[j]
	})
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for _, f := range flat {
		for i, k := range header {
			rec[i] = defuse(strings.Join(f[k], " | "))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from running a cell as a formula (CSV
// injection): a cell starting with = + - @ or a tab or carriage return
// gets a leading apostrophe.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteNDJSON writes one JSON object per row.
func WriteNDJSON(w io.Writer, rows []map[string]any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// WriteBundle writes the citable bundle: the query and its variables, when
// it ran, the list editions loaded then, the answer, and the citations and
// sources found in it (every "citation"/"citations" string and every
// SOURCE entity, each once, in answer order).
func WriteBundle(w io.Writer, req request, data any, editions []model.Edition, at time.Time) error {
	var citations []string
	var sources []map[string]any
	seenCite, seenSource := map[string]bool{}, map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["kind"] == "SOURCE" {
				if id, _ := x["id"].(string); id != "" && !seenSource[id] {
					seenSource[id] = true
					sources = append(sources, x)
				}
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				switch c := x[k].(type) {
				case string:
					if k == "citation" && !seenCite[c] {
						seenCite[c] = true
						citations = append(citations, c)
					}
				case []any:
					if k == "citations" {
						for _, e := range c {
							if s, ok := e.(string); ok && !seenCite[s] {
								seenCite[s] = true
								citations = append(citations, s)
							}
						}
						continue
					}
				}
				walk(x[k])
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(data)
	type edition struct {
		Dataset     string `json:"dataset"`
		Authority   string `json:"authority"`
		PublishedOn string `json:"publishedOn"`
		Checksum    string `json:"checksum,omitempty"`
		File        string `json:"file,omitempty"`
		LoadedAt    string `json:"loadedAt,omitempty"`
	}
	eds := []edition{}
	for _, e := range editions {
		eds = append(eds, edition{e.Dataset, e.Authority, e.PublishedOn, e.Checksum, e.File, e.LoadedAt})
	}
	if citations == nil {
		citations = []string{}
	}
	if sources == nil {
		sources = []map[string]any{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{
		"generatedAt": at.Format(time.RFC3339),
		"generator":   "sanctiongraph",
		"query":       req.Query,
		"variables":   req.Variables,
		"editions":    eds,
		"citations":   citations,
		"sources":     sources,
		"data":        data,
		"note":        "Facts carry their status (confirmed, reported, alleged, disputed) and evidence; findings are potential, derived from sources, not rulings.",
	})
}
