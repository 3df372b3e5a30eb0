package cypher

import (
	"fmt"
	"strconv"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// decodeEntity turns a stored node into an Entity.
func (s *Store) decodeEntity(n neo4j.Node) *model.Entity {
	p := n.Props
	e := &model.Entity{
		ID:          str(p["id"]),
		Kind:        schema.Kind(str(p["kind"])),
		Name:        str(p["name"]),
		Aliases:     strs(p["aliases"]),
		Description: str(p["description"]),
		Provenance:  decodeProvenance(p),
		Properties:  model.Properties{},
	}
	if decl, ok := s.model.Kind(e.Kind); ok {
		decodeProps(decl.Properties, p, e.Properties)
	}
	return e
}

// decodeRel turns a stored relationship and its end ids into a Relationship.
func (s *Store) decodeRel(r neo4j.Relationship, from, to string) *model.Relationship {
	rel := &model.Relationship{
		ID:         str(r.Props["id"]),
		Type:       schema.RelType(r.Type),
		FromID:     from,
		ToID:       to,
		Provenance: decodeProvenance(r.Props),
		Properties: model.Properties{},
	}
	if decl, ok := s.model.Rel(rel.Type); ok {
		decodeProps(decl.Properties, r.Props, rel.Properties)
	}
	return rel
}

func decodeEvidence(n neo4j.Node) model.Evidence {
	p := n.Props
	return model.Evidence{
		ID:       str(p["id"]),
		FactID:   str(p["factId"]),
		SourceID: str(p["sourceId"]),
		Status:   schema.Status(str(p["status"])),
		Basis:    str(p["basis"]),
		Quote:    str(p["quote"]),
		Claim:    str(p["claim"]),
		Property: str(p["property"]),
		Value:    str(p["value"]),
		StatedOn: str(p["statedOn"]),
	}
}

func decodeProvenance(p map[string]any) model.Provenance {
	pv := model.Provenance{
		Status:     schema.Status(str(p["status"])),
		ValidFrom:  dateText(p, "validFrom"),
		ValidUntil: dateText(p, "validUntil"),
		Dataset:    str(p["dataset"]),
		RecordID:   str(p["recordId"]),
	}
	if at, ok := p["retractedAt"].(time.Time); ok {
		pv.Retracted = &model.Retraction{At: at.UTC(), By: str(p["retractedBy"]), Reason: str(p["retractionReason"])}
	}
	return pv
}

func decodeProps(decl map[string]schema.Prop, stored map[string]any, out model.Properties) {
	for name := range decl {
		switch v := stored[name].(type) {
		case nil:
		case string:
			out[name] = []string{v}
		case int64:
			out[name] = []string{strconv.FormatInt(v, 10)}
		case float64:
			out[name] = []string{strconv.FormatFloat(v, 'f', -1, 64)}
		case bool:
			out[name] = []string{strconv.FormatBool(v)}
		case []any:
			out[name] = strs(v)
		default:
			out[name] = []string{fmt.Sprint(v)}
		}
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// dateText reads a validity end at the precision it was given: the text
// stored beside the date (validFromText), else the date itself (records
// written before the text was stored).
func dateText(p map[string]any, key string) string {
	if t := str(p[key+"Text"]); t != "" {
		return t
	}
	return dateStr(p[key])
}

func dateStr(v any) string {
	switch d := v.(type) {
	case dbtype.Date:
		return d.Time().Format(time.DateOnly)
	case time.Time:
		return d.Format(time.DateOnly)
	}
	return ""
}

func kindList(ks []schema.Kind) any {
	if len(ks) == 0 {
		return nil
	}
	return kindStrings(ks)
}

func statusList(ss []schema.Status) any {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

func optDate(s string) (any, error) {
	if s == "" {
		return nil, nil
	}
	t, err := model.ParseDay(s)
	if err != nil {
		return nil, err
	}
	return dbtype.Date(t), nil
}

// optPeriod is optDate for a model date of any precision (YYYY, YYYY-MM or
// YYYY-MM-DD): the first and last day of the period it names, or nils for
// "". A fact holds "at" a partial date when it held at some time in it.
func optPeriod(s string) (first, last any, err error) {
	if s == "" {
		return nil, nil, nil
	}
	f, l, err := schema.DateBounds(s)
	if err != nil {
		return nil, nil, err
	}
	return dbtype.Date(f), dbtype.Date(l), nil
}
