package hostiletest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Response is a GraphQL response body.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Extensions map[string]any `json:"extensions"`
}

// Codes lists the errors' extensions.code values ("" for none).
func (r Response) Codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// HasData reports whether the response carries data other than null.
func (r Response) HasData() bool { return len(r.Data) > 0 && string(r.Data) != "null" }

// BadCodes are codes no hostile read may cause: a crash or a leak
// (INTERNAL), or a database made to fail (UNAVAILABLE) or to work past its
// limits (TIMEOUT).
var BadCodes = []string{"INTERNAL", "UNAVAILABLE", "TIMEOUT"}

// leaks are fragments of Cypher, driver, Lucene, Java and Go text that no
// message may carry, in lower case. One that is part of the request's own
// payload may come back as the payload's echo and is not checked then.
var leaks = []string{
	"neo.clienterror", "neo.transienterror", "neo.databaseerror", "neo4jerror", "neo4j", "cypher", "bolt",
	"match (", "match(", "detach", "union", "return ", "create (", "unwind", "merge (", "call {", "db.index", "fulltext",
	"connectivityerror", "transactionexecutionlimit", "org.apache", "lucene", "java.", "exception",
	"goroutine", "panic", ".go:", "runtime error", "nil pointer", "sanctiongraph/",
}

// Check returns what is wrong with an answer to a request carrying payload
// ("" for none): a 5xx, a body that is not a GraphQL response, an error
// without a code or with one of BadCodes, or a message with internal text.
func Check(status int, body []byte, payload string) (Response, []string) {
	var problems []string
	if status >= 500 {
		problems = append(problems, fmt.Sprintf("HTTP %d", status))
	}
	var r Response
	if err := json.Unmarshal(body, &r); err != nil || (len(r.Data) == 0 && len(r.Errors) == 0) {
		return r, append(problems, fmt.Sprintf("HTTP %d without a GraphQL response: %.300s", status, body))
	}
	p := strings.ToLower(payload)
	for _, e := range r.Errors {
		code, _ := e.Extensions["code"].(string)
		switch {
		case code == "":
			problems = append(problems, fmt.Sprintf("error without a code: %.300s", e.Message))
		case slices.Contains(BadCodes, code):
			problems = append(problems, fmt.Sprintf("code %s: %.300s", code, e.Message))
		}
		ext, _ := json.Marshal(e.Extensions)
		text := strings.ToLower(e.Message + " " + string(ext))
		for _, l := range leaks {
			if strings.Contains(text, l) && !strings.Contains(p, l) {
				problems = append(problems, fmt.Sprintf("message shows %q: %.300s", l, e.Message))
			}
		}
	}
	return r, problems
}

// CheckRefused is Check for requests that must be refused: besides Check's
// problems, an answer with data or without errors.
func CheckRefused(status int, body []byte) []string {
	r, problems := Check(status, body, "")
	if len(r.Errors) == 0 {
		problems = append(problems, fmt.Sprintf("HTTP %d, not refused: %.300s", status, body))
	}
	if r.HasData() {
		problems = append(problems, fmt.Sprintf("HTTP %d, answered with data: %.300s", status, r.Data))
	}
	return problems
}

// CheckStatusAndCode returns what is wrong with the answer's HTTP status
// and first error code, against r.Status and r.Code when they are set.
func (r Request) CheckStatusAndCode(status int, body []byte) []string {
	var problems []string
	if r.Status != 0 && status != r.Status {
		problems = append(problems, fmt.Sprintf("HTTP %d, want %d", status, r.Status))
	}
	if r.Code != "" {
		var resp Response
		_ = json.Unmarshal(body, &resp)
		if codes := resp.Codes(); len(codes) == 0 || codes[0] != r.Code {
			problems = append(problems, fmt.Sprintf("codes %v, want %s", codes, r.Code))
		}
	}
	return problems
}

// Request is a raw request to the GraphQL endpoint.
type Request struct {
	Name        string
	Method      string // GET or POST
	ContentType string
	// RawQuery is the URL query of a GET.
	RawQuery string
	Body     []byte
	// Server marks requests the HTTP server refuses before the GraphQL
	// handler sees them (the body limit); handler-only tests skip them.
	Server bool
	// Status, when set, is the status the answer must have.
	Status int
	// Code, when set, is the extensions.code the refusal must carry.
	Code string
	// MayAnswer marks requests that are harmless to answer (extra
	// variables, one field repeated): they must be answered quickly and
	// correctly or refused, not necessarily refused.
	MayAnswer bool
}

// Target names the parts of a schema the abuses need.
type Target struct {
	// Field is a composite Query field with its arguments, e.g.
	// `entity(id: "person:kim-jong-un")`.
	Field string
	// Type is the type of Field, e.g. Entity.
	Type string
	// Nesting leads from a Type back to a Type, e.g. "neighbours { edges {
	// node", closed by as many braces, so depth can grow without limit.
	Nesting string
	// List is an operation with a list variable $list that the API caps,
	// e.g. `query($list: [String!]) { paths(from: "a", to: "b", via: $list) { explanation } }`.
	List string
	// Expensive is a root field with its arguments and selection that makes
	// the database work (a path search), e.g. `paths(from: "a", to: "b") {
	// explanation }`; 150 aliases of it must be refused.
	Expensive string
}

// Abuses are requests that abuse the protocol rather than an argument. Each
// must be refused with a GraphQL error carrying a code (or, if MayAnswer,
// answered), quickly, and change nothing.
func Abuses(s *Schema, t Target) []Request {
	post := func(name string, body any) Request {
		b, _ := json.Marshal(body)
		return Request{Name: name, Method: "POST", ContentType: "application/json", Body: b}
	}
	q := func(name, query string, vars map[string]any) Request {
		return post(name, map[string]any{"query": query, "variables": vars})
	}
	deep, nesting, resultType := t.Field, t.Nesting, t.Type
	open := strings.Count(nesting, "{")
	var out []Request

	// Depth 1000, plainly and through fragments; and 15 and 50, under any
	// token limit, whose complexity (20 per level) is past any int64.
	var b strings.Builder
	for _, depth := range []int{15, 50, 1000} {
		b.Reset()
		b.WriteString("{ " + deep + " { ")
		for range depth {
			b.WriteString(nesting + " { ")
		}
		b.WriteString("id")
		b.WriteString(strings.Repeat(" }", depth*(open+1)+1) + " }")
		out = append(out, q(fmt.Sprintf("Depth%d", depth), b.String(), nil))
	}
	closing := strings.Repeat(" }", open+2)
	for _, depth := range []int{50, 1000} {
		b.Reset()
		b.WriteString("{ " + deep + " { ...F0 } }\n")
		for i := range depth {
			fmt.Fprintf(&b, "fragment F%d on %s { %s { ...F%d%s\n", i, resultType, nesting, i+1, closing)
		}
		fmt.Fprintf(&b, "fragment F%d on %s { id }\n", depth, resultType)
		out = append(out, q(fmt.Sprintf("Depth%dFragments", depth), b.String(), nil))
	}
	// Fan-out: 40 fragments, each spreading the next twice, expand to 2^40
	// selections in 1.6 KB (a walk that expands spreads never ends).
	b.Reset()
	b.WriteString("{ " + deep + " { ...F0 } }\n")
	for i := range 40 {
		fmt.Fprintf(&b, "fragment F%d on %s { id ...F%d ...F%d }\n", i, resultType, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F40 on %s { id name }\n", resultType)
	fanOut := q("FragmentFanOut40", b.String(), nil)
	fanOut.Code = "COMPLEXITY_LIMIT_EXCEEDED"
	out = append(out, fanOut)

	// Introspection aliases: 12 KB of aliased __schema fields (each reads
	// every type and field), and one __schema with 12 KB of aliased lists.
	b.Reset()
	b.WriteString("{")
	for i := 0; b.Len() < 12<<10; i++ {
		fmt.Fprintf(&b, " s%d: __schema { types { name fields { name } } }", i)
	}
	b.WriteString(" }")
	intro := q("IntrospectionAliases12KB", b.String(), nil)
	intro.Code = "COMPLEXITY_LIMIT_EXCEEDED"
	out = append(out, intro)
	b.Reset()
	b.WriteString("{ __schema {")
	for i := 0; b.Len() < 12<<10; i++ {
		fmt.Fprintf(&b, " t%d: types { fields { name type { name } } }", i)
	}
	b.WriteString(" } }")
	introLists := q("IntrospectionListAliases12KB", b.String(), nil)
	introLists.Code = "COMPLEXITY_LIMIT_EXCEEDED"
	out = append(out, introLists)

	// 150 aliases of a resolver that makes the database search.
	if t.Expensive != "" {
		b.Reset()
		b.WriteString("{")
		for i := range 150 {
			fmt.Fprintf(&b, " p%d: %s", i, t.Expensive)
		}
		b.WriteString(" }")
		expensive := q("ExpensiveAliases150", b.String(), nil)
		expensive.Code = "COMPLEXITY_LIMIT_EXCEEDED"
		out = append(out, expensive)
	}

	out = append(out, q("FragmentCycle", fmt.Sprintf("{ %s { ...A } }\nfragment A on %s { %s { ...B%s\nfragment B on %s { %s { ...A%s",
		deep, resultType, nesting, closing, resultType, nesting, closing), nil))

	// Width: 10,000 aliases of one field, and one field 10,000 times.
	b.Reset()
	b.WriteString("{")
	for i := range 10_000 {
		fmt.Fprintf(&b, " a%d: %s { id }", i, deep)
	}
	b.WriteString(" }")
	out = append(out, q("Aliases10000", b.String(), nil))
	b.Reset()
	b.WriteString("{")
	for range 10_000 {
		fmt.Fprintf(&b, " %s { id }", deep)
	}
	b.WriteString(" }")
	same := q("SameField10000", b.String(), nil)
	same.MayAnswer = true
	out = append(out, same)

	// Huge lists of variables: declared, sent but undeclared, one huge list.
	b.Reset()
	b.WriteString("query Many(")
	for i := range 10_000 {
		fmt.Fprintf(&b, "$v%d: String ", i)
	}
	b.WriteString(") { __typename }")
	out = append(out, q("Declared10000Variables", b.String(), nil))
	vars := map[string]any{}
	for i := range 40_000 {
		vars[fmt.Sprintf("v%d", i)] = "x"
	}
	extra := q("Undeclared40000Variables", "query Few($v0: String) { __typename v: __typename }", vars)
	extra.MayAnswer = true
	out = append(out, extra)
	list := make([]string, 50_000)
	for i := range list {
		list[i] = fmt.Sprintf("x%d", i)
	}
	out = append(out, q("ListVariable50000", t.List, map[string]any{"list": list}))

	// Bodies that are not one GraphQL request.
	out = append(out, Request{Name: "Body2MB", Method: "POST", ContentType: "application/json",
		Body: []byte(`{"query": "{ __typename }", "variables": {"x": "` + strings.Repeat("x", 2<<20) + `"}}`), Server: true, Status: 413})
	out = append(out, Request{Name: "MalformedJSON", Method: "POST", ContentType: "application/json", Body: []byte(`{"query": "{ __typename }"`)})
	out = append(out, Request{Name: "NotJSON", Method: "POST", ContentType: "application/json", Body: []byte(`query { __typename }`)})
	out = append(out, Request{Name: "EmptyBody", Method: "POST", ContentType: "application/json"})
	out = append(out, Request{Name: "QueryNotString", Method: "POST", ContentType: "application/json", Body: []byte(`{"query": 1}`)})
	out = append(out, Request{Name: "VariablesNotObject", Method: "POST", ContentType: "application/json", Body: []byte(`{"query": "{ __typename }", "variables": [1, 2]}`)})
	out = append(out, Request{Name: "NoQuery", Method: "POST", ContentType: "application/json", Body: []byte(`{}`)})
	out = append(out, Request{Name: "TextPlain", Method: "POST", ContentType: "text/plain", Body: []byte(`{"query": "{ __typename }"}`)})
	out = append(out, Request{Name: "FormEncoded", Method: "POST", ContentType: "application/x-www-form-urlencoded", Body: []byte(`query=%7B__typename%7D`)})
	out = append(out, Request{Name: "NoContentType", Method: "POST", Body: []byte(`{"query": "{ __typename }"}`)})
	out = append(out, Request{Name: "Batched", Method: "POST", ContentType: "application/json", Body: []byte(`[{"query": "{ __typename }"}, {"query": "{ __typename }"}]`)})
	out = append(out, Request{Name: "BatchedEmpty", Method: "POST", ContentType: "application/json", Body: []byte(`[]`)})
	out = append(out, q("TwoOperationsNoName", "query A { __typename } query B { __typename }", nil))
	out = append(out, post("UnknownOperationName", map[string]any{"query": "query A { __typename }", "operationName": "B"}))
	out = append(out, post("PersistedQueryGarbage", map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": `') MATCH (n) DETACH DELETE n //`}}}))
	out = append(out, post("PersistedQueryWrongHash", map[string]any{"query": "{ __typename }", "extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("0", 64)}}}))

	// Mutations over GET, and subscriptions anywhere.
	mutation := "mutation { __typename }"
	if s.MutationType != "" {
		for _, f := range s.Types[s.MutationType].Fields {
			mutation = "mutation { " + f.Name + " { __typename } }" // arguments missing: refused either way
			break
		}
	}
	out = append(out, Request{Name: "GETMutation", Method: "GET", RawQuery: "query=" + url.QueryEscape("mutation { __typename }")})
	out = append(out, Request{Name: "GETMutationField", Method: "GET", RawQuery: "query=" + url.QueryEscape(mutation)})
	out = append(out, Request{Name: "GETMutationNamed", Method: "GET", RawQuery: "query=" + url.QueryEscape("query Q { __typename } mutation M { __typename }") + "&operationName=M"})
	out = append(out, q("Subscription", "subscription { __typename }", nil))
	return out
}
