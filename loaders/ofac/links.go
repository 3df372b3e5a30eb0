package ofac

import (
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// linkKind says what a name an entry points at means.
type linkKind int

const (
	// linkedTo is "Linked To: NAME" in the remarks.
	linkedTo linkKind = iota + 1
	// aircraftOperator is "Aircraft Operator NAME" in an aircraft's remarks.
	aircraftOperator
	// vesselOwner is the Vess_owner field (vesselOwner in XML).
	vesselOwner
)

// token names the kind in evidence ids.
func (k linkKind) token() string {
	switch k {
	case linkedTo:
		return "linked"
	case aircraftOperator:
		return "operator"
	case vesselOwner:
		return "owner"
	}
	return "link"
}

func (k linkKind) String() string {
	switch k {
	case linkedTo:
		return "Linked To"
	case aircraftOperator:
		return "Aircraft Operator"
	case vesselOwner:
		return "Vessel Owner"
	}
	return "link"
}

// Link is a name an entry points at ("Linked To: KOREA ACHIM SHIPPING
// CO.") that did not become a relationship, because it matched no entry of
// the same file, more than one, or a pair of kinds the model has no
// relationship for. The caller may resolve these against the graph after
// loading (see the package documentation).
type Link struct {
	// FromID is the id of the entry that names the other ("ofac:23729").
	FromID string
	// Kind is "Linked To", "Aircraft Operator" or "Vessel Owner".
	Kind string
	// Name is the name as the list writes it.
	Name string
	// Reason is "no entry", "ambiguous" or "not modelled".
	Reason string
}

// target is an entry a name resolves to.
type target struct {
	id   string
	kind schema.Kind
	// ambiguous is set when two entries share the name.
	ambiguous bool
}

// nameIndex finds entries by normalised name: primary names first, then
// aliases. It holds one small value per name of the file, so it grows with
// the file; Options.NoLinks turns it off.
type nameIndex struct {
	primary map[string]target
	alias   map[string]target
}

func newNameIndex() *nameIndex {
	return &nameIndex{primary: map[string]target{}, alias: map[string]target{}}
}

// normalizeKey is model.NormalizeName, with a fast path for the ASCII names
// that make up almost all of OFAC's lists: NormalizeName's Unicode
// transforms allocate several kilobytes a call, which dominated a load.
// For ASCII the result is the same (TestNormalizeKey checks).
func normalizeKey(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return model.NormalizeName(s)
		}
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'' || c == '`':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = append(b, c)
		default:
			space = true
		}
	}
	return string(b)
}

func addName(m map[string]target, name string, t target) {
	k := normalizeKey(name)
	if k == "" {
		return
	}
	if have, ok := m[k]; ok {
		if have.id != t.id {
			have.ambiguous = true
			m[k] = have
		}
		return
	}
	m[k] = t
}

func (ix *nameIndex) add(id string, kind schema.Kind, primary string, aliases []string) {
	t := target{id: id, kind: kind}
	addName(ix.primary, primary, t)
	for _, a := range aliases {
		addName(ix.alias, a, t)
	}
}

// lookup resolves a name; reason says why it did not.
func (ix *nameIndex) lookup(name string) (t target, reason string) {
	k := normalizeKey(name)
	if t, ok := ix.primary[k]; ok {
		if t.ambiguous {
			return target{}, "ambiguous"
		}
		return t, ""
	}
	if t, ok := ix.alias[k]; ok {
		if t.ambiguous {
			return target{}, "ambiguous"
		}
		return t, ""
	}
	return target{}, "no entry"
}

// pendingLink is a link waiting for the end of the file, when every name is
// known.
type pendingLink struct {
	fromID   string
	fromKind schema.Kind
	nameLink
}

// linkRel turns a resolved link into a relationship type and direction.
// "Linked To" between people and organisations is ASSOCIATE_OF as OFAC
// states it (from the entry to the name). A vessel or aircraft "Linked To"
// a party is property in which that party has an interest: the model's
// nearest relationship is USES from the party to the product (context
// "Linked To"). An aircraft operator USES the aircraft; a vessel owner OWNS
// the vessel. ok is false for pairs the model has no relationship for
// (product to product).
func linkRel(l pendingLink, to target) (typ schema.RelType, fromID, toID string, props model.Properties, ok bool) {
	party := func(k schema.Kind) bool { return k == schema.Person || k == schema.Organization }
	props = model.Properties{}
	switch l.kind {
	case linkedTo:
		switch {
		case party(l.fromKind) && party(to.kind):
			props.Set("relationship", "Linked To")
			return schema.AssociateOf, l.fromID, to.id, props, true
		case l.fromKind == schema.Product && party(to.kind):
			props.Set("context", "Linked To")
			return schema.Uses, to.id, l.fromID, props, true
		case party(l.fromKind) && to.kind == schema.Product:
			props.Set("context", "Linked To")
			return schema.Uses, l.fromID, to.id, props, true
		}
	case aircraftOperator:
		if l.fromKind == schema.Product && party(to.kind) {
			props.Set("context", "operator")
			return schema.Uses, to.id, l.fromID, props, true
		}
	case vesselOwner:
		if l.fromKind == schema.Product && party(to.kind) {
			return schema.Owns, to.id, l.fromID, nil, true
		}
	}
	return "", "", "", nil, false
}

// relID is the id of a relationship: "TYPE|fromId|toId".
func relID(typ schema.RelType, from, to string) string {
	return strings.Join([]string{string(typ), from, to}, "|")
}
