package ftm

import (
	"context"
	"encoding/json"
	"io"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/loaders"
)

// Index is what a first pass over an FtM file learns, so that later passes
// can resolve references without holding entities in memory:
//
//   - the schema of every entity that can be the endpoint of a link (one
//     byte per id, plus the id and the map's overhead);
//   - the text and country of every Address;
//   - the identity documents (Passport, Identification) by holder;
//   - the latest last_change, the file's publication date.
//
// It holds no entity otherwise, and it is read-only once built, so one
// Index can serve several loads of the same file.
type Index struct {
	schemas []string         // schema names by code
	codes   map[string]uint8 // schema name → code
	ids     map[string]uint8 // entity id → schema code
	addrs   map[string]address
	docs    map[string][]string // holder id → document descriptions
	latest  string
	lines   int
}

// address is an Address entity reduced to what is attached to others.
type address struct {
	text    string
	country string // ISO 3166-1 alpha-2, or ""
}

// notEndpoints are schemata whose entities are never the endpoint of a
// link this package emits: intervals and the schemata folded elsewhere.
var notEndpoints = map[string]bool{
	"Sanction": true, "Passport": true, "Identification": true, "Address": true,
	"Ownership": true, "Directorship": true, "Family": true, "Associate": true,
	"Representation": true, "Membership": true, "Employment": true, "UnknownLink": true,
	"Occupancy": true, "Succession": true, "Payment": true, "Debt": true,
	"ContractAward": true, "CourtCaseParty": true, "ProjectParticipant": true, "Similar": true,
}

// BuildIndex reads r once and returns its Index. Malformed JSON is an error
// naming the line (*LineError).
func BuildIndex(ctx context.Context, r io.Reader) (*Index, error) {
	x := &Index{codes: map[string]uint8{}, ids: map[string]uint8{}, addrs: map[string]address{}, docs: map[string][]string{}}
	lr := newLineReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return nil, &LineError{Line: lr.n, Err: err}
		}
		raw, err := lr.next()
		if err == io.EOF {
			return x, nil
		}
		if err != nil {
			return nil, &LineError{Line: lr.n, Err: err}
		}
		var e struct {
			ID         string          `json:"id"`
			Schema     string          `json:"schema"`
			LastChange string          `json:"last_change"`
			Properties json.RawMessage `json:"properties"`
		}
		if len(raw) == 0 || raw[0] != '{' {
			return nil, &LineError{Line: lr.n, Err: errNotObject}
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, &LineError{Line: lr.n, Err: err}
		}
		x.lines++
		if e.LastChange > x.latest {
			x.latest = e.LastChange
		}
		e.ID, e.Schema = strings.TrimSpace(e.ID), strings.TrimSpace(e.Schema)
		if e.ID == "" || e.Schema == "" {
			continue
		}
		switch e.Schema {
		case "Address", "Passport", "Identification":
			full := entity{ID: e.ID, Schema: e.Schema}
			if len(e.Properties) > 0 {
				if err := json.Unmarshal(e.Properties, &full.Properties); err != nil {
					return nil, &LineError{Line: lr.n, Err: err}
				}
			}
			if full.Properties == nil {
				full.Properties = map[string][]string{}
			}
			if e.Schema == "Address" {
				x.addrs[e.ID] = addressOf(&full)
			} else if holders, doc := document(&full); doc != "" {
				for _, h := range holders {
					x.docs[h] = append(x.docs[h], doc)
				}
			}
			continue
		}
		if notEndpoints[e.Schema] {
			continue
		}
		x.ids[e.ID] = x.code(e.Schema)
	}
}

func (x *Index) code(schemaName string) uint8 {
	if c, ok := x.codes[schemaName]; ok {
		return c
	}
	if len(x.schemas) == 255 {
		return 255 // "other": more schemata than FtM has
	}
	c := uint8(len(x.schemas))
	x.schemas = append(x.schemas, schemaName)
	x.codes[schemaName] = c
	return c
}

// Schema returns the FtM schema of an entity that can be a link endpoint.
func (x *Index) Schema(id string) (string, bool) {
	c, ok := x.ids[id]
	if !ok {
		return "", false
	}
	if int(c) >= len(x.schemas) {
		return "other", true
	}
	return x.schemas[c], true
}

// Len is the number of endpoint entities and addresses indexed.
func (x *Index) Len() int { return len(x.ids) + len(x.addrs) }

// Lines is the number of non-blank lines read.
func (x *Index) Lines() int { return x.lines }

// LatestChange is the date of the latest last_change, YYYY-MM-DD, or "".
func (x *Index) LatestChange() string {
	d, _ := datePart(x.latest)
	return d
}

func (x *Index) address(id string) (address, bool) {
	a, ok := x.addrs[id]
	return a, ok
}

func (x *Index) documents(holder string) []string { return x.docs[holder] }

// addressOf reduces an Address entity to its text and country: the first
// full address, or the parts joined; the country property, or the last
// part of the text naming a country ("…, Moscow, 127055, Russia").
func addressOf(e *entity) address {
	a := address{}
	if full := e.take("full"); len(full) > 0 {
		a.text = full[0]
	} else {
		var parts []string
		for _, p := range []string{"remarks", "postOfficeBox", "street", "street2", "city", "postalCode", "region", "state"} {
			if v := e.take(p); len(v) > 0 {
				parts = append(parts, v[0])
			}
		}
		a.text = strings.Join(parts, ", ")
	}
	for _, c := range e.take("country") {
		if code, ok := countryCode(c); ok {
			a.country = code
			break
		}
	}
	if a.country == "" {
		a.country = countryInText(a.text)
	}
	return a
}

// countryInText finds the country an address names last: the last part
// after a comma that is not a postal code, if loaders.CountryCode knows it.
func countryInText(text string) string {
	parts := strings.Split(text, ",")
	for i := len(parts) - 1; i >= 0; i-- {
		p := strings.TrimSpace(parts[i])
		if p == "" || strings.IndexFunc(p, isLetter) < 0 {
			continue // a postal code or an empty part
		}
		code, ok := loaders.CountryCode(p)
		if !ok {
			return ""
		}
		if c, ok := countryCode(code); ok {
			return c
		}
		return ""
	}
	return ""
}

// document describes a Passport or Identification for its holders:
// "Passport 089132114 (RU), 2015-01-01 to 2025-01-01". It returns no
// description when the document has no number.
func document(e *entity) (holders []string, doc string) {
	holders = e.take("holder")
	number := e.takeAll("number", "passportNumber")
	if len(holders) == 0 || len(number) == 0 {
		return holders, ""
	}
	kind := e.Schema
	if t := e.take("type"); len(t) > 0 {
		kind = t[0]
	}
	doc = kind + " " + strings.Join(number, " / ")
	var codes []string
	for _, c := range e.take("country") {
		if code, ok := countryCode(c); ok {
			codes = append(codes, code)
		} else {
			codes = append(codes, c)
		}
	}
	if len(codes) > 0 {
		doc += " (" + strings.Join(codes, ", ") + ")"
	}
	start, end := e.take("startDate"), e.take("endDate")
	switch {
	case len(start) > 0 && len(end) > 0:
		doc += ", " + start[0] + " to " + end[0]
	case len(start) > 0:
		doc += ", from " + start[0]
	case len(end) > 0:
		doc += ", until " + end[0]
	}
	if a := e.take("authority"); len(a) > 0 {
		doc += ", issued by " + a[0]
	}
	return holders, doc
}
