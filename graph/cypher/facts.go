package cypher

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// identifier is the form of the model's property names.
var identifier = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)

// maxPropertyFilters bounds the property conditions of one list request.
const maxPropertyFilters = 8

// propertyConditions builds the WHERE conditions of property filters on the
// variable v (a node or relationship), each starting with " AND ". Names
// and values go in as parameters; the form of a condition comes from the
// property's declared type (decl), never from the request: a list property
// matches when one of its values does, numbers compare as numbers, dates
// by overlap (stored dates may be partial: "2018-10" overlaps min
// "2018-10-15"), everything else as text.
func propertyConditions(v string, fs []model.PropertyFilter, decl func(name string) (schema.Prop, error), p map[string]any) (string, error) {
	if len(fs) > maxPropertyFilters {
		return "", fmt.Errorf("at most %d property filters, got %d", maxPropertyFilters, len(fs))
	}
	var b strings.Builder
	for i, f := range fs {
		d, err := decl(f.Name)
		if err != nil {
			return "", err
		}
		set := 0
		for _, x := range []*string{f.Equals, f.Prefix} {
			if x != nil {
				set++
			}
		}
		if f.Min != nil || f.Max != nil {
			set++
		}
		if set != 1 {
			return "", fmt.Errorf("property %s: give exactly one of equals, prefix, or min/max", f.Name)
		}
		// The property is named in the Cypher text, so the planner can use
		// an index on it: the name is the model's declared one (decl found
		// it in schema/model.yaml), checked once more as an identifier.
		if !identifier.MatchString(f.Name) {
			return "", fmt.Errorf("%q is not a property name", f.Name)
		}
		val := v + "." + f.Name
		x := val // the value compared: the property, or each of a list's values
		if d.Type.Multi() {
			x = "x"
		}
		var cond string
		param := func(suffix string, value any) string {
			k := fmt.Sprintf("p%s%d", suffix, i)
			p[k] = value
			return "$" + k
		}
		numeric := d.Type == schema.TInt || d.Type == schema.TNumber
		number := func(s *string) (any, error) {
			n, err := strconv.ParseFloat(strings.TrimSpace(*s), 64)
			if err != nil {
				return nil, fmt.Errorf("property %s is a number; %q is not", f.Name, *s)
			}
			return n, nil
		}
		switch {
		case f.Equals != nil && numeric:
			n, err := number(f.Equals)
			if err != nil {
				return "", err
			}
			cond = x + " = " + param("eq", n)
		case f.Equals != nil && d.Type == schema.TBool:
			bv, err := strconv.ParseBool(*f.Equals)
			if err != nil {
				return "", fmt.Errorf("property %s is true or false; %q is neither", f.Name, *f.Equals)
			}
			cond = x + " = " + param("eq", bv)
		case f.Equals != nil:
			cond = x + " = " + param("eq", *f.Equals)
		case f.Prefix != nil:
			if numeric || d.Type == schema.TBool {
				return "", fmt.Errorf("property %s is not text: prefix does not apply", f.Name)
			}
			if *f.Prefix == "" {
				return "", fmt.Errorf("property %s: prefix is empty", f.Name)
			}
			cond = x + " STARTS WITH " + param("pre", *f.Prefix)
		case d.Type == schema.TBool:
			return "", fmt.Errorf("property %s is true or false: a range does not apply", f.Name)
		default:
			var parts []string
			for _, end := range []struct {
				key, op string
				v       *string
			}{{"min", ">=", f.Min}, {"max", "<=", f.Max}} {
				if end.v == nil {
					continue
				}
				var value any = *end.v
				lhs := x
				switch {
				case numeric:
					n, err := number(end.v)
					if err != nil {
						return "", err
					}
					value = n
				case d.Type == schema.TDate:
					first, last, err := schema.DateBounds(*end.v)
					if err != nil {
						return "", fmt.Errorf("property %s: %s: %w", f.Name, end.key, err)
					}
					// Overlap: a value's last day on or after min's first,
					// its first day on or before max's last. "~" sorts after
					// "-" and digits, so "2018" + "~" is after every day of
					// 2018 (stored dates are text and may be partial).
					if end.key == "min" {
						value, lhs = first.Format(time.DateOnly), x+" + '~'"
					} else {
						value = last.Format(time.DateOnly)
					}
				}
				parts = append(parts, lhs+" "+end.op+" "+param(end.key, value))
			}
			cond = strings.Join(parts, " AND ")
		}
		if d.Type.Multi() {
			fmt.Fprintf(&b, "\n  AND any(x IN coalesce(%s, []) WHERE %s)", val, cond)
		} else {
			fmt.Fprintf(&b, "\n  AND (%s IS NOT NULL AND %s)", val, cond)
		}
	}
	return b.String(), nil
}

// relPropertyDecl finds the declaration of a relationship property among
// the types asked (every type when none).
func (s *Store) relPropertyDecl(types []schema.RelType) func(string) (schema.Prop, error) {
	if len(types) == 0 {
		types = schema.RelTypes
	}
	return propertyDecl("relationship type", types, func(t schema.RelType) map[string]schema.Prop {
		if d, ok := s.model.Rel(t); ok {
			return d.Properties
		}
		return nil
	})
}

// kindPropertyDecl finds the declaration of an entity property among the
// kinds asked (every kind when none).
func (s *Store) kindPropertyDecl(kinds []schema.Kind) func(string) (schema.Prop, error) {
	if len(kinds) == 0 {
		kinds = schema.Kinds
	}
	return propertyDecl("kind", kinds, func(k schema.Kind) map[string]schema.Prop {
		if d, ok := s.model.Kind(k); ok {
			return d.Properties
		}
		return nil
	})
}

// propertyDecl looks a property up in the declarations of keys: declared
// by at least one, with one type wherever declared. Errors name the
// property, so the client learns which filter is wrong.
func propertyDecl[K any](what string, keys []K, props func(K) map[string]schema.Prop) func(string) (schema.Prop, error) {
	return func(name string) (schema.Prop, error) {
		var found *schema.Prop
		for _, k := range keys {
			pd, ok := props(k)[name]
			if !ok {
				continue
			}
			if found != nil && found.Type != pd.Type {
				return schema.Prop{}, fmt.Errorf("property %s has different types on the %ss asked; ask one %s", name, what, what)
			}
			found = &pd
		}
		if found == nil {
			return schema.Prop{}, fmt.Errorf("no %s asked declares the property %q (schema/model.yaml)", what, name)
		}
		return *found, nil
	}
}

// relTypePattern is the relationship-type expression of a pattern
// (":OWNS|SAME_AS"), from the project's own constants; every type when ts
// is empty.
func relTypePattern(ts []schema.RelType) (string, error) {
	if len(ts) == 0 {
		return "", nil
	}
	parts := make([]string, 0, len(ts))
	for _, t := range ts {
		i := indexOfRelType(t)
		if i < 0 {
			return "", fmt.Errorf("%q is not a relationship type", t)
		}
		parts = append(parts, string(schema.RelTypes[i]))
	}
	return ":" + strings.Join(parts, "|"), nil
}

func indexOfRelType(t schema.RelType) int {
	for i, x := range schema.RelTypes {
		if x == t {
			return i
		}
	}
	return -1
}

var relationshipOrders = map[model.RelationshipOrder]string{
	model.RelByType:     `ORDER BY type(r), a.sortName, b.sortName, r.id`,
	model.RelByDateAsc:  `ORDER BY r.validFrom IS NULL, r.validFrom, type(r), r.id`,
	model.RelByDateDesc: `ORDER BY r.validFrom IS NULL, r.validFrom DESC, type(r), r.id`,
}

// Relationships lists facts with filters, one page at a time. An end given
// by id anchors the match on the id index; the types asked are the
// pattern's types. Errors: BAD_USER_INPUT for a bad date, basis, sort or
// property filter (naming it).
func (s *Store) Relationships(ctx context.Context, q model.RelationshipQuery) (model.RelationshipPage, error) {
	const op = "cypher.Store.Relationships"
	bad := func(msg string) (model.RelationshipPage, error) {
		return model.RelationshipPage{}, &model.Error{Code: model.BadUserInput, Message: msg, Op: op}
	}
	atFirst, atLast, err := optPeriod(q.At)
	if err != nil {
		return bad("at: " + err.Error())
	}
	if q.DuringFrom != "" || q.DuringTo != "" {
		if q.At != "" {
			return bad("give at or during, not both")
		}
		if atFirst, atLast, err = duringBounds(q.DuringFrom, q.DuringTo); err != nil {
			return bad("during: " + err.Error())
		}
	}
	order, ok := relationshipOrders[q.Sort]
	if !ok {
		return bad("sort is not a known order")
	}
	types, err := relTypePattern(q.Types)
	if err != nil {
		return bad("types: " + err.Error())
	}
	basisDecl := s.model.EvidenceProps()["basis"]
	for _, b := range q.Basis {
		if _, err := basisDecl.Check(b); err != nil {
			return bad("basis: " + err.Error())
		}
	}
	p := map[string]any{
		"datasets": optList(q.Datasets), "basis": optList(q.Basis), "statuses": statusList(q.Statuses),
		"minRank": int64(q.MinStatus.Rank()), "atFirst": atFirst, "atLast": atLast,
		"skip": int64(q.Offset), "limit": int64(q.Limit),
	}
	props, err := propertyConditions("r", q.Properties, s.relPropertyDecl(q.Types), p)
	if err != nil {
		return bad("properties: " + err.Error())
	}
	a, b := `(a:`+schema.NodeLabel+`)`, `(b:`+schema.NodeLabel+`)`
	if q.From != "" {
		a, p["from"] = `(a:`+schema.NodeLabel+` {id: $from})`, q.From
	}
	if q.To != "" {
		b, p["to"] = `(b:`+schema.NodeLabel+` {id: $to})`, q.To
	}
	where := `
WHERE r.statusRank >= $minRank AND a.statusRank >= 0 AND b.statusRank >= 0
  AND ($datasets IS NULL OR r.dataset IN $datasets)
  AND ($statuses IS NULL OR r.status IN $statuses)
  AND ($atFirst IS NULL OR ((r.validFrom IS NULL OR r.validFrom <= $atLast) AND (r.validUntil IS NULL OR r.validUntil >= $atFirst) AND ` + overlapClause("r", "$atFirst", "$atLast") + `))
  AND ($basis IS NULL OR EXISTS { MATCH (e:` + schema.EvidenceLabel + ` {factId: r.id}) WHERE e.basis IN $basis })` + props
	match := `MATCH ` + a + `-[r` + types + `]->` + b
	countQuery := match + where + `
RETURN count(r) AS total`
	pageQuery := match + where + `
WITH r, a, b ` + order + `
SKIP $skip LIMIT $limit
RETURN r, a.id AS from, b.id AS to`
	if q.WithoutTotal {
		p["limit"] = int64(q.Limit + 1) // the row past the page says more follow
	}
	return read(ctx, s, op, func(tx neo4j.ManagedTransaction) (model.RelationshipPage, error) {
		out := model.RelationshipPage{Total: -1}
		if !q.WithoutTotal {
			total, err := single[int64](ctx, tx, countQuery, p, "total")
			if err != nil {
				return model.RelationshipPage{}, err
			}
			out.Total = int(total)
		}
		res, err := tx.Run(ctx, pageQuery, p)
		if err != nil {
			return out, err
		}
		for res.Next(ctx) {
			rec := res.Record()
			r, _, _ := neo4j.GetRecordValue[neo4j.Relationship](rec, "r")
			from, _, _ := neo4j.GetRecordValue[string](rec, "from")
			to, _, _ := neo4j.GetRecordValue[string](rec, "to")
			out.Relationships = append(out.Relationships, s.decodeRel(r, from, to))
		}
		if q.WithoutTotal && len(out.Relationships) > q.Limit {
			out.Relationships, out.More = out.Relationships[:q.Limit], true
		}
		return out, res.Err()
	})
}

// duringBounds are the first and last day of a period given by its ends
// (partial dates cover their month or year); an open end reaches the
// earliest or latest day Neo4j dates hold.
func duringBounds(from, to string) (first, last any, err error) {
	lo, hi := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	if from != "" {
		if lo, _, err = schema.DateBounds(from); err != nil {
			return nil, nil, fmt.Errorf("from: %w", err)
		}
	}
	if to != "" {
		if _, hi, err = schema.DateBounds(to); err != nil {
			return nil, nil, fmt.Errorf("to: %w", err)
		}
	}
	if hi.Before(lo) {
		return nil, nil, fmt.Errorf("to (%s) is before from (%s)", to, from)
	}
	return dbtype.Date(lo), dbtype.Date(hi), nil
}

// optList is a list parameter that is null when empty (no filter).
func optList(xs []string) any {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

// Supports lists the facts a source backs, one piece of evidence each, by
// when the source said it (statedOn, else its publication date; undated
// last), then by fact id. A relationship
// fact is known by its id ("TYPE|from|to"), so the page is chosen from the
// evidence alone and only its facts are fetched (by id, index-backed).
// Retracted facts are listed with their retraction. Kinds keep entity
// facts of those kinds, types relationship facts of those types; with
// neither, both.
func (s *Store) Supports(ctx context.Context, q model.SupportQuery) (model.SupportPage, error) {
	const op = "cypher.Store.Supports"
	var types []string
	for _, t := range q.Types {
		if indexOfRelType(t) < 0 {
			return model.SupportPage{}, &model.Error{Code: model.BadUserInput, Message: fmt.Sprintf("types: %q is not a relationship type", t), Op: op}
		}
		types = append(types, string(t))
	}
	p := map[string]any{
		"source": q.SourceID, "kinds": kindList(q.Kinds), "types": optList(types), "relTypes": relTypeList(nil),
		"any": len(q.Kinds) == 0 && len(q.Types) == 0, "skip": int64(q.Offset), "limit": int64(q.Limit),
	}
	const query = `OPTIONAL MATCH (src:` + schema.NodeLabel + ` {id: $source})
WITH src.publishedOn AS published
MATCH (e:` + schema.EvidenceLabel + ` {sourceId: $source})
WITH published, e, split(e.factId, '|') AS parts
WITH published, e, CASE WHEN size(parts) >= 3 AND parts[0] IN $relTypes THEN parts[0] END AS t
WHERE $any OR (t IS NOT NULL AND $types IS NOT NULL AND t IN $types)
   OR (t IS NULL AND $kinds IS NOT NULL AND EXISTS { MATCH (n:` + schema.NodeLabel + ` {id: e.factId}) WHERE n.kind IN $kinds })
WITH published, e, coalesce(e.statedOn, published) AS said
ORDER BY said IS NULL, said, e.factId, e.id
WITH collect(e) AS hits, min(published) AS published
RETURN size(hits) AS total, hits[$skip..$skip + $limit] AS page, published`
	return read(ctx, s, op, func(tx neo4j.ManagedTransaction) (model.SupportPage, error) {
		res, err := tx.Run(ctx, query, p)
		if err != nil {
			return model.SupportPage{}, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return model.SupportPage{}, err
		}
		total, _, _ := neo4j.GetRecordValue[int64](rec, "total")
		items, _, _ := neo4j.GetRecordValue[[]any](rec, "page")
		published, _, _ := neo4j.GetRecordValue[string](rec, "published")
		out := model.SupportPage{Total: int(total)}
		var nodeIDs, relIDs []string
		for _, it := range items {
			n, _ := it.(neo4j.Node)
			ev := decodeEvidence(n)
			ev.SourcePublishedOn = published
			out.Supports = append(out.Supports, model.Support{Evidence: ev})
			if _, ok := RelType(ev.FactID); ok && strings.Count(ev.FactID, "|") >= 2 {
				relIDs = append(relIDs, ev.FactID)
			} else {
				nodeIDs = append(nodeIDs, ev.FactID)
			}
		}
		ents, err := s.entitiesByID(ctx, tx, nodeIDs)
		if err != nil {
			return out, err
		}
		rels, err := s.relationshipsByID(ctx, tx, relIDs)
		if err != nil {
			return out, err
		}
		for i := range out.Supports {
			id := out.Supports[i].Evidence.FactID
			out.Supports[i].Entity, out.Supports[i].Relationship = ents[id], rels[id]
		}
		return out, nil
	})
}
