package ftm

import (
	"context"
	"slices"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// builder collects the record one line yields.
type builder struct {
	l      *loader
	e      *entity
	line   int
	prov   model.Provenance // of the line's facts, without validity
	stated string           // the line's last_change, as evidence statedOn
	rec    loaders.Record
	ids    map[string]bool // entity and relationship ids in the record
	desc   description     // the main entity's description
	places places          // BASED_IN targets of the main entity
	reject []string        // reasons of facts not emitted
}

func (l *loader) newBuilder(e *entity, line int, recordID string) *builder {
	b := &builder{l: l, e: e, line: line, ids: map[string]bool{}}
	b.rec.ID = recordID
	b.prov = model.Provenance{Status: l.status(e.Datasets), Dataset: Dataset, RecordID: e.ID}
	b.stated, _ = datePart(e.LastChange)
	return b
}

// status is confirmed when one of the datasets is official.
func (l *loader) status(datasets []string) schema.Status {
	for _, d := range datasets {
		if l.official(d) {
			return schema.Confirmed
		}
	}
	return schema.Reported
}

// flush emits the record, after the Sources of the line's datasets when
// they are wanted. It reports whether there was anything to emit.
func (b *builder) flush(ctx context.Context) (bool, error) {
	for _, r := range b.reject {
		b.l.sum.Rejected[r]++
	}
	if len(b.rec.Entities) == 0 && len(b.rec.Relationships) == 0 {
		return false, nil
	}
	if b.l.opts.DatasetSources {
		for _, d := range clean(b.e.Datasets) {
			if err := b.l.datasetSource(ctx, b.line, d); err != nil {
				return false, err
			}
		}
	}
	return true, b.l.emit(ctx, b.line, b.rec)
}

// entity adds an entity and its evidence; main entities go first.
func (b *builder) entity(ent model.Entity, first bool) {
	if b.ids[ent.ID] {
		return
	}
	b.ids[ent.ID] = true
	if first {
		b.rec.Entities = slices.Insert(b.rec.Entities, 0, ent)
	} else {
		b.rec.Entities = append(b.rec.Entities, ent)
	}
	b.evidence(ent.ID, "", ent.Provenance.Status)
}

// rel adds a relationship, "TYPE|from|to" plus "|key" when the line is a
// link entity of its own, and its evidence.
func (b *builder) rel(typ schema.RelType, from, to, key string, props model.Properties, prov model.Provenance, claim string) {
	id := string(typ) + "|" + from + "|" + to
	if key != "" {
		id += "|" + key
	}
	if b.ids[id] {
		return
	}
	b.ids[id] = true
	if props == nil {
		props = model.Properties{}
	}
	b.rec.Relationships = append(b.rec.Relationships, model.Relationship{
		ID: id, Type: typ, FromID: from, ToID: to, Properties: props, Provenance: prov,
	})
	b.evidence(id, claim, prov.Status)
}

// evidence is the file's support for a fact and, with DatasetSources, each
// upstream dataset's.
func (b *builder) evidence(factID, claim string, status schema.Status) {
	b.rec.Evidence = append(b.rec.Evidence, model.Evidence{
		ID: "ev:" + factID + ":" + Dataset, FactID: factID, SourceID: b.l.sourceID,
		Status: status, Basis: "list", Claim: claim, StatedOn: b.stated,
	})
	if !b.l.opts.DatasetSources {
		return
	}
	for _, d := range clean(b.e.Datasets) {
		st := schema.Reported
		if b.l.official(d) {
			st = schema.Confirmed
		}
		b.rec.Evidence = append(b.rec.Evidence, model.Evidence{
			ID: "ev:" + factID + ":opensanctions-" + d, FactID: factID, SourceID: DatasetSourceID(d),
			Status: st, Basis: "list", StatedOn: b.stated,
		})
	}
}

// propEvidence keeps every value the line gives for a single-valued
// property side by side, one Evidence each.
func (b *builder) propEvidence(factID, prop string, values []string) {
	for _, v := range values {
		b.rec.Evidence = append(b.rec.Evidence, model.Evidence{
			ID: "ev:" + factID + ":" + Dataset + ":" + prop + ":" + v, FactID: factID, SourceID: b.l.sourceID,
			Status: b.prov.Status, Basis: "list", Property: prop, Value: v, StatedOn: b.stated,
		})
	}
}

// state adds the reference State for an alpha-2 code, once per record, and
// returns its id.
func (b *builder) state(code string) (string, bool) {
	id := loaders.StateID(code)
	if b.ids[id] {
		return id, true
	}
	st, ev, ok := loaders.StateEntity(code)
	if !ok {
		return "", false
	}
	b.ids[id] = true
	b.rec.Entities = append(b.rec.Entities, st)
	b.rec.Evidence = append(b.rec.Evidence, ev)
	return id, true
}

// setProp fills a declared property from FtM properties, in order of
// preference, and returns the values stored. Values the model type rejects
// go to the description under their FtM name. A single-valued property
// keeps the first value and, when the line gives several, every value as
// property evidence; text is joined.
func (b *builder) setProp(decl map[string]schema.Prop, props model.Properties, factID, to string, from ...string) []string {
	var vals []string
	for _, f := range from {
		vals = b.addValues(decl[to], vals, f, b.e.take(f))
	}
	b.store(decl[to], props, factID, to, vals)
	return vals
}

// addValues converts values of FtM property f for p, appending the new
// ones to vals; invalid values go to the description.
func (b *builder) addValues(p schema.Prop, vals []string, f string, values []string) []string {
	for _, v := range values {
		c, ok := convert(p, v)
		if !ok {
			b.desc.add(f, v)
			b.l.sum.Unmapped[b.e.Schema+"."+f+" (invalid for "+string(p.Type)+")"]++
			continue
		}
		if !slices.Contains(vals, c) {
			vals = append(vals, c)
		}
	}
	return vals
}

func (b *builder) store(p schema.Prop, props model.Properties, factID, to string, vals []string) {
	switch {
	case len(vals) == 0:
	case p.Type == schema.TText:
		props.Set(to, strings.Join(vals, "\n\n"))
	case p.Type.Multi():
		props.Set(to, vals...)
	default:
		props.Set(to, vals[0])
		if len(vals) > 1 {
			b.propEvidence(factID, to, vals)
		}
	}
}

// bookkeeping are FtM properties about the record rather than the entity;
// they are dropped, counted.
var bookkeeping = map[string]bool{
	"createdAt": true, "modifiedAt": true, "retrievedAt": true, "indexText": true,
	"alephUrl": true, "namesMentioned": true, "proof": true,
}

// leftovers keeps the properties the mapping did not take: bookkeeping is
// dropped, everything else is written to d ("innCode: 1841015504").
func (b *builder) leftovers(d *description) {
	for _, name := range b.e.rest() {
		vals := b.e.take(name)
		key := b.e.Schema + "." + name
		if bookkeeping[name] {
			b.l.sum.Dropped[key+": bookkeeping"] += len(vals)
			continue
		}
		d.add(name, vals...)
		b.l.sum.Unmapped[key] += len(vals)
	}
	if n := len(clean(b.e.Referents)); n > 0 {
		b.l.sum.Dropped[b.e.Schema+".referents: ids of merged source records"] += n
	}
}

// description is free text assembled from prose (notes, summaries) and
// "name: value; value" lines, sorted by name.
type description struct {
	prose []string
	keys  []string
	vals  map[string][]string
}

func (d *description) note(texts ...string) {
	for _, t := range texts {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(d.prose, t) {
			d.prose = append(d.prose, t)
		}
	}
}

func (d *description) add(key string, values ...string) {
	if d.vals == nil {
		d.vals = map[string][]string{}
	}
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" || slices.Contains(d.vals[key], v) {
			continue
		}
		if _, ok := d.vals[key]; !ok {
			d.keys = append(d.keys, key)
		}
		d.vals[key] = append(d.vals[key], v)
	}
}

func (d *description) String() string {
	var sb strings.Builder
	sb.WriteString(strings.Join(d.prose, "\n\n"))
	keys := slices.Clone(d.keys)
	slices.Sort(keys)
	for i, k := range keys {
		if i == 0 && sb.Len() > 0 {
			sb.WriteString("\n\n")
		} else if i > 0 {
			sb.WriteString("\n")
		}
		sb.WriteString(k + ": " + strings.Join(d.vals[k], "; "))
	}
	return sb.String()
}
