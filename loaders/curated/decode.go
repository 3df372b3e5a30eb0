package curated

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

// This file turns YAML into documents: it checks the shape of every file
// (mappings, lists and scalars where expected, no unknown or repeated keys)
// and keeps each field's line. Whether the values make sense against
// model.yaml is checked afterwards, in validate.go.

// loc locates a node: file, line and field path.
type loc struct {
	file string
	line int
	path string
}

// propDoc is one property as written: a scalar or a list of scalars.
type propDoc struct {
	loc
	name   string
	values []string
	lines  []int
	list   bool
}

type evidenceDoc struct {
	loc
	source, status, basis, quote, claim, property, value, statedOn string
	at                                                             map[string]loc
}

// entityDoc is an entity, or a source (declared under `sources:`, whose
// kind is Source and whose Source properties sit at the top level).
type entityDoc struct {
	loc
	isSource                                                   bool
	id, kind, name, description, status, validFrom, validUntil string
	aliases                                                    []string
	props                                                      []*propDoc
	evidence                                                   []*evidenceDoc
	at                                                         map[string]loc
}

type relDoc struct {
	loc
	typ, from, to, key, status, validFrom, validUntil string
	props                                             []*propDoc
	evidence                                          []*evidenceDoc
	at                                                map[string]loc
}

type unverifiedDoc struct {
	loc
	id, claim, why string
	at             map[string]loc
}

type fileDoc struct {
	name       string
	sources    []*entityDoc
	entities   []*entityDoc
	rels       []*relDoc
	unverified []*unverifiedDoc
}

// decoder decodes the files of one dataset, collecting problems.
type decoder struct {
	model *schema.Model
	ps    *problems
	file  string
	// key and val are the key being decoded and its value node, so that a
	// field whose value is a block (a list or mapping starting on the next
	// line) is located at its key.
	key, val *yaml.Node
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// decodeFile parses one file. A file that is not YAML yields a problem and
// no document.
func (d *decoder) decodeFile(name string, data []byte) *fileDoc {
	d.file = name
	fd := &fileDoc{name: name}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return fd // an empty file declares nothing
		}
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		d.ps.add(name, line, "", "not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		d.ps.add(name, extra.Line, "", "more than one YAML document; put everything in one")
		return nil
	}
	if len(root.Content) == 0 {
		return fd
	}
	top := resolve(root.Content[0])
	d.mapping(top, "", func(key string, v *yaml.Node, path string) bool {
		switch key {
		case "sources":
			d.sequence(v, path, func(i int, n *yaml.Node, p string) { fd.sources = append(fd.sources, d.source(n, p)) })
		case "entities":
			d.sequence(v, path, func(i int, n *yaml.Node, p string) { fd.entities = append(fd.entities, d.entity(n, p)) })
		case "relationships":
			d.sequence(v, path, func(i int, n *yaml.Node, p string) { fd.rels = append(fd.rels, d.relationship(n, p)) })
		case "unverified":
			d.sequence(v, path, func(i int, n *yaml.Node, p string) { fd.unverified = append(fd.unverified, d.unverifiedItem(n, p)) })
		default:
			return false
		}
		return true
	}, "sources, entities, relationships, unverified")
	return fd
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) at(n *yaml.Node, path string) loc {
	line := n.Line
	if n == d.val && d.key != nil {
		line = d.key.Line
	}
	return loc{file: d.file, line: line, path: path}
}

// mapping walks the pairs of a mapping node; fn returns false for a key it
// does not know. Repeated and unknown keys are problems: a typo must never
// drop a field silently.
func (d *decoder) mapping(n *yaml.Node, path string, fn func(key string, v *yaml.Node, path string) bool, allowed string) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.ps.add(d.file, d.at(n, path).line, path, "must be a mapping (key: value)")
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.ps.add(d.file, k.Line, path, "keys must be plain names")
			continue
		}
		p := join(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			d.ps.add(d.file, k.Line, p, "key repeated (first at line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		d.key, d.val = k, v
		if !fn(k.Value, v, p) {
			d.ps.add(d.file, k.Line, p, "unknown key %q (allowed: %s)", k.Value, allowed)
		}
	}
}

func (d *decoder) sequence(n *yaml.Node, path string, fn func(i int, n *yaml.Node, path string)) {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.ps.add(d.file, d.at(n, path).line, path, "must be a list")
		return
	}
	for i, c := range n.Content {
		fn(i, resolve(c), fmt.Sprintf("%s[%d]", path, i))
	}
}

// scalar returns the text of a scalar node as written (dates stay strings).
func (d *decoder) scalar(n *yaml.Node, path string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		d.ps.add(d.file, d.at(n, path).line, path, "must be a single value")
		return "", false
	}
	if n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
		d.ps.add(d.file, d.at(n, path).line, path, "is empty; give a value or leave the key out")
		return "", false
	}
	return n.Value, true
}

func (d *decoder) scalars(n *yaml.Node, path string) (vals []string, lines []int) {
	d.sequence(n, path, func(i int, c *yaml.Node, p string) {
		if v, ok := d.scalar(c, p); ok {
			vals = append(vals, v)
			lines = append(lines, c.Line)
		}
	})
	return vals, lines
}

// str stores a scalar field and its location.
func (d *decoder) str(dst *string, at map[string]loc, key string, v *yaml.Node, path string) {
	if s, ok := d.scalar(v, path); ok {
		*dst = s
	}
	at[key] = d.at(v, path)
}

var entityKeys = []string{"id", "kind", "name", "aliases", "description", "status", "validFrom", "validUntil", "properties", "evidence"}

func (d *decoder) entity(n *yaml.Node, path string) *entityDoc {
	e := &entityDoc{loc: d.at(n, path), at: map[string]loc{}}
	d.mapping(n, path, func(key string, v *yaml.Node, p string) bool {
		switch key {
		case "properties":
			e.at[key] = d.at(v, p)
			e.props = d.properties(v, p)
		case "evidence":
			e.at[key] = d.at(v, p)
			e.evidence = d.evidenceList(v, p)
		default:
			return d.commonEntityField(e, key, v, p)
		}
		return true
	}, strings.Join(entityKeys, ", "))
	return e
}

func (d *decoder) commonEntityField(e *entityDoc, key string, v *yaml.Node, p string) bool {
	switch key {
	case "id":
		d.str(&e.id, e.at, key, v, p)
	case "kind":
		d.str(&e.kind, e.at, key, v, p)
	case "name":
		d.str(&e.name, e.at, key, v, p)
	case "description":
		d.str(&e.description, e.at, key, v, p)
	case "status":
		d.str(&e.status, e.at, key, v, p)
	case "validFrom":
		d.str(&e.validFrom, e.at, key, v, p)
	case "validUntil":
		d.str(&e.validUntil, e.at, key, v, p)
	case "aliases":
		e.at[key] = d.at(v, p)
		e.aliases, _ = d.scalars(v, p)
	default:
		return false
	}
	return true
}

// source decodes a `sources:` item: the common entity fields plus the
// properties model.yaml declares for Source, at the top level.
func (d *decoder) source(n *yaml.Node, path string) *entityDoc {
	e := &entityDoc{loc: d.at(n, path), isSource: true, kind: string(schema.Source), at: map[string]loc{}}
	decl, _ := d.model.Kind(schema.Source)
	propNames := schema.PropNames(decl.Properties)
	allowed := append([]string{"id", "name", "aliases", "description", "status", "validFrom", "validUntil"}, propNames...)
	d.mapping(n, path, func(key string, v *yaml.Node, p string) bool {
		if slices.Contains(propNames, key) {
			if pd := d.property(key, v, p); pd != nil {
				e.props = append(e.props, pd)
			}
			return true
		}
		if key == "kind" || key == "properties" || key == "evidence" {
			return false // sources are Sources, with flat fields and no evidence
		}
		return d.commonEntityField(e, key, v, p)
	}, strings.Join(allowed, ", "))
	return e
}

func (d *decoder) properties(n *yaml.Node, path string) []*propDoc {
	var out []*propDoc
	d.mapping(n, path, func(key string, v *yaml.Node, p string) bool {
		if pd := d.property(key, v, p); pd != nil {
			out = append(out, pd)
		}
		return true
	}, "")
	return out
}

func (d *decoder) property(name string, v *yaml.Node, path string) *propDoc {
	v = resolve(v)
	pd := &propDoc{loc: d.at(v, path), name: name}
	if v.Kind == yaml.SequenceNode {
		pd.list = true
		if len(v.Content) == 0 {
			d.ps.add(d.file, d.at(v, path).line, path, "is an empty list; leave the key out")
			return nil
		}
		pd.values, pd.lines = d.scalars(v, path)
		if len(pd.values) == 0 {
			return nil // every element was reported
		}
		return pd
	}
	s, ok := d.scalar(v, path)
	if !ok {
		return nil
	}
	pd.values, pd.lines = []string{s}, []int{v.Line}
	return pd
}

var relKeys = []string{"type", "from", "to", "key", "status", "validFrom", "validUntil", "properties", "evidence"}

func (d *decoder) relationship(n *yaml.Node, path string) *relDoc {
	r := &relDoc{loc: d.at(n, path), at: map[string]loc{}}
	d.mapping(n, path, func(key string, v *yaml.Node, p string) bool {
		switch key {
		case "type":
			d.str(&r.typ, r.at, key, v, p)
		case "from":
			d.str(&r.from, r.at, key, v, p)
		case "to":
			d.str(&r.to, r.at, key, v, p)
		case "key":
			d.str(&r.key, r.at, key, v, p)
		case "status":
			d.str(&r.status, r.at, key, v, p)
		case "validFrom":
			d.str(&r.validFrom, r.at, key, v, p)
		case "validUntil":
			d.str(&r.validUntil, r.at, key, v, p)
		case "properties":
			r.at[key] = d.at(v, p)
			r.props = d.properties(v, p)
		case "evidence":
			r.at[key] = d.at(v, p)
			r.evidence = d.evidenceList(v, p)
		default:
			return false
		}
		return true
	}, strings.Join(relKeys, ", "))
	return r
}

var evidenceKeys = []string{"source", "status", "basis", "quote", "claim", "property", "value", "statedOn"}

func (d *decoder) evidenceList(n *yaml.Node, path string) []*evidenceDoc {
	var out []*evidenceDoc
	d.sequence(n, path, func(i int, c *yaml.Node, p string) {
		ev := &evidenceDoc{loc: d.at(c, p), at: map[string]loc{}}
		d.mapping(c, p, func(key string, v *yaml.Node, fp string) bool {
			var dst *string
			switch key {
			case "source":
				dst = &ev.source
			case "status":
				dst = &ev.status
			case "basis":
				dst = &ev.basis
			case "quote":
				dst = &ev.quote
			case "claim":
				dst = &ev.claim
			case "property":
				dst = &ev.property
			case "value":
				dst = &ev.value
			case "statedOn":
				dst = &ev.statedOn
			default:
				return false
			}
			d.str(dst, ev.at, key, v, fp)
			return true
		}, strings.Join(evidenceKeys, ", "))
		out = append(out, ev)
	})
	return out
}

func (d *decoder) unverifiedItem(n *yaml.Node, path string) *unverifiedDoc {
	u := &unverifiedDoc{loc: d.at(n, path), at: map[string]loc{}}
	d.mapping(n, path, func(key string, v *yaml.Node, p string) bool {
		switch key {
		case "id":
			d.str(&u.id, u.at, key, v, p)
		case "claim":
			d.str(&u.claim, u.at, key, v, p)
		case "why":
			d.str(&u.why, u.at, key, v, p)
		default:
			return false
		}
		return true
	}, "id, claim, why")
	return u
}
