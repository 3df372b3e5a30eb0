// Package schema holds the declarations the rest of the project is built on:
// the graph model (model.yaml), the GraphQL SDL (graphql/*.graphqls) and the
// Neo4j migrations (cypher/*.cypher), all embedded, plus typed constants for
// every label and relationship type. Cypher text elsewhere takes labels and
// relationship types only from these constants, never from request text.
package schema

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed model.yaml
var modelYAML []byte

//go:embed graphql/*.graphqls
var graphqlFS embed.FS

//go:embed cypher/*.cypher
var cypherFS embed.FS

// GraphQL returns the SDL files, by name.
func GraphQL() fs.FS { sub, _ := fs.Sub(graphqlFS, "graphql"); return sub }

// Migrations returns the numbered Cypher migration files, by name.
func Migrations() fs.FS { sub, _ := fs.Sub(cypherFS, "cypher"); return sub }

// ModelYAML returns the raw model declaration.
func ModelYAML() []byte { return slices.Clone(modelYAML) }

// Kind is a kind of node; its value is the node's Neo4j label.
type Kind string

// The node kinds declared in model.yaml.
const (
	State        Kind = "State"
	Person       Kind = "Person"
	Organization Kind = "Organization"
	Product      Kind = "Product"
	Transfer     Kind = "Transfer"
	Resolution   Kind = "Resolution"
	Measure      Kind = "Measure"
	Event        Kind = "Event"
	Source       Kind = "Source"
	Sanction     Kind = "Sanction"
)

// Kinds lists every node kind, in declaration order.
var Kinds = []Kind{State, Person, Organization, Product, Transfer, Resolution, Measure, Event, Source, Sanction}

// Labels that are not kinds.
const (
	// NodeLabel is carried by every node of every kind.
	NodeLabel = "Node"
	// EvidenceLabel marks evidence records; they are not part of the traversable graph.
	EvidenceLabel = "Evidence"
	// MigrationLabel marks applied schema migrations.
	MigrationLabel = "Migration"
	// ChangeLabel marks the change log: one node per curator write, with
	// who, when, why and the record before and after.
	ChangeLabel = "Change"
	// ResolvedLabel marks resolved entities: one node per real-world thing,
	// joined to each record that describes it by RECORD_OF (record to
	// resolved) and HAS_RECORD (resolved to record). Built from SAME_AS
	// clusters by cypher.Store.Resolve; never part of the records graph.
	ResolvedLabel = "Resolved"
	// ChangeLogLabel marks the head of the change log's hash chain: the
	// last change's sequence number and hash.
	ChangeLogLabel = "ChangeLog"
	// APIKeyLabel marks API keys (hashed secrets and roles); never part of
	// the traversable graph.
	APIKeyLabel = "ApiKey"
	// EditionLabel marks list editions: one node per loaded publication of
	// an authority's list (dataset, publication date, checksum, record
	// count, loaded at and by). System records written by the loaders only;
	// never part of the traversable graph, never writable by curators.
	EditionLabel = "Edition"
	// ListsRel connects an Edition to each Sanction it holds, with the
	// listing's reference, programs and compared fields as that edition
	// states them (graph/cypher/editions.go).
	ListsRel = "LISTS"
)

// RelType is a relationship type.
type RelType string

// The relationship types declared in model.yaml.
const (
	Leads             RelType = "LEADS"
	WorksFor          RelType = "WORKS_FOR"
	MemberOf          RelType = "MEMBER_OF"
	PermanentMemberOf RelType = "PERMANENT_MEMBER_OF"
	FamilyOf          RelType = "FAMILY_OF"
	AssociateOf       RelType = "ASSOCIATE_OF"
	NationalOf        RelType = "NATIONAL_OF"
	BasedIn           RelType = "BASED_IN"
	Owns              RelType = "OWNS"
	Directs           RelType = "DIRECTS"
	Manufactures      RelType = "MANUFACTURES"
	Developed         RelType = "DEVELOPED"
	Supplies          RelType = "SUPPLIES"
	Uses              RelType = "USES"
	Sent              RelType = "SENT"
	Received          RelType = "RECEIVED"
	Includes          RelType = "INCLUDES"
	Via               RelType = "VIA"
	ParticipatedIn    RelType = "PARTICIPATED_IN"
	HeldIn            RelType = "HELD_IN"
	Adopted           RelType = "ADOPTED"
	VotedOn           RelType = "VOTED_ON"
	Imposes           RelType = "IMPOSES"
	Extends           RelType = "EXTENDS"
	Targets           RelType = "TARGETS"
	ReactedTo         RelType = "REACTED_TO"
	Designates        RelType = "DESIGNATES"
	IssuedBy          RelType = "ISSUED_BY"
	PursuantTo        RelType = "PURSUANT_TO"
	SameAs            RelType = "SAME_AS"
)

// RelTypes lists every relationship type, in declaration order.
var RelTypes = []RelType{
	Leads, WorksFor, MemberOf, PermanentMemberOf, FamilyOf, AssociateOf, NationalOf, BasedIn,
	Owns, Directs, Manufactures, Developed, Supplies, Uses, Sent, Received, Includes, Via,
	ParticipatedIn, HeldIn, Adopted, VotedOn, Imposes, Extends, Targets, ReactedTo,
	Designates, IssuedBy, PursuantTo, SameAs,
}

// Cites is the relationship type from an Evidence record to its Source.
const Cites RelType = "CITES"

// RecordOf and HasRecord join a record (label Node) and its resolved entity
// (label Resolved), one each way: a path through the resolved graph enters a
// resolved entity by one record's RECORD_OF and leaves by another's (or the
// same one's) HAS_RECORD, which a path may use only once each.
const (
	RecordOf  RelType = "RECORD_OF"
	HasRecord RelType = "HAS_RECORD"
)

// Status is how well a fact is established.
type Status string

// The statuses, strongest first.
const (
	Confirmed Status = "confirmed"
	Reported  Status = "reported"
	Alleged   Status = "alleged"
	Disputed  Status = "disputed"
)

// Statuses lists the statuses, strongest first.
var Statuses = []Status{Confirmed, Reported, Alleged, Disputed}

// Rank orders statuses: confirmed 4 … disputed 1; 0 for an unknown status.
func (s Status) Rank() int {
	switch s {
	case Confirmed:
		return 4
	case Reported:
		return 3
	case Alleged:
		return 2
	case Disputed:
		return 1
	}
	return 0
}

// Valid reports whether s is a declared status.
func (s Status) Valid() bool { return s.Rank() > 0 }

// ValidKind reports whether k is a declared node kind.
func ValidKind(k Kind) bool { return slices.Contains(Kinds, k) }

// ValidRelType reports whether t is a declared relationship type.
func ValidRelType(t RelType) bool { return slices.Contains(RelTypes, t) }

// PropType is the type of a declared property.
type PropType string

// The property types of model.yaml.
const (
	TString    PropType = "string"
	TText      PropType = "text"
	TStrings   PropType = "strings"
	TDate      PropType = "date"
	TInt       PropType = "int"
	TNumber    PropType = "number"
	TBool      PropType = "bool"
	TURL       PropType = "url"
	TCountry   PropType = "country"
	TCountries PropType = "countries"
	THSCode    PropType = "hscode"
	THSCodes   PropType = "hscodes"
	TEnum      PropType = "enum"
	TEnums     PropType = "enums"
)

// Multi reports whether a property of this type holds a list.
func (t PropType) Multi() bool {
	switch t {
	case TStrings, TCountries, THSCodes, TEnums:
		return true
	}
	return false
}

// Prop declares one property.
type Prop struct {
	Name        string   `yaml:"-"`
	Type        PropType `yaml:"type"`
	Required    bool     `yaml:"required"`
	Values      []string `yaml:"values"`
	Description string   `yaml:"description"`
}

// KindDecl declares a node kind.
type KindDecl struct {
	Name        Kind            `yaml:"-"`
	Description string          `yaml:"description"`
	Properties  map[string]Prop `yaml:"properties"`
}

// RelDecl declares a relationship type.
type RelDecl struct {
	Name        RelType         `yaml:"-"`
	Description string          `yaml:"description"`
	From        []Kind          `yaml:"from"`
	To          []Kind          `yaml:"to"`
	Properties  map[string]Prop `yaml:"properties"`
}

// StatusDecl declares a status.
type StatusDecl struct {
	Name        Status `yaml:"name"`
	Rank        int    `yaml:"rank"`
	Description string `yaml:"description"`
}

// CategoryDecl declares a goods category (a value of Product.category) and
// the broader categories it belongs to.
type CategoryDecl struct {
	Name        string   `yaml:"-"`
	Description string   `yaml:"description"`
	Broader     []string `yaml:"broader"`
}

// Model is model.yaml, parsed.
type Model struct {
	Statuses      []StatusDecl             `yaml:"statuses"`
	Categories    map[string]*CategoryDecl `yaml:"categories"`
	Provenance    map[string]Prop          `yaml:"provenance"`
	Evidence      evidenceDecl             `yaml:"evidence"`
	Kinds         map[Kind]*KindDecl       `yaml:"kinds"`
	Relationships map[RelType]*RelDecl     `yaml:"relationships"`

	// broader is the transitive closure of Categories' broader lists.
	broader map[string][]string
}

type evidenceDecl struct {
	Label      string          `yaml:"label"`
	Properties map[string]Prop `yaml:"properties"`
}

// EvidenceProps returns the declared evidence properties.
func (m *Model) EvidenceProps() map[string]Prop { return m.Evidence.Properties }

// LoadModel parses the embedded model.yaml.
func LoadModel() (*Model, error) { return ParseModel(modelYAML) }

// ParseModel parses a model declaration in the form of model.yaml. Errors:
// YAML that does not parse, and a category hierarchy that names undeclared
// categories or goes round in a circle.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("schema: parse model.yaml: %w", err)
	}
	for name, k := range m.Kinds {
		k.Name = name
		for pn, p := range k.Properties {
			p.Name = pn
			k.Properties[pn] = p
		}
	}
	for name, r := range m.Relationships {
		r.Name = name
		for pn, p := range r.Properties {
			p.Name = pn
			r.Properties[pn] = p
		}
	}
	for pn, p := range m.Provenance {
		p.Name = pn
		m.Provenance[pn] = p
	}
	if err := m.closeCategories(); err != nil {
		return nil, fmt.Errorf("schema: model.yaml: %w", err)
	}
	return &m, nil
}

// closeCategories names the category declarations and computes, for each,
// every broader category it belongs to, directly or through others. A
// broader name that is not declared, or a category that ends up broader
// than itself, is an error.
func (m *Model) closeCategories() error {
	m.broader = make(map[string][]string, len(m.Categories))
	for name, c := range m.Categories {
		if c == nil {
			c = &CategoryDecl{}
			m.Categories[name] = c
		}
		c.Name = name
		for _, b := range c.Broader {
			if _, ok := m.Categories[b]; !ok {
				return fmt.Errorf("category %s: broader category %q is not declared", name, b)
			}
		}
	}
	for name := range m.Categories {
		seen := map[string]bool{}
		queue := slices.Clone(m.Categories[name].Broader)
		for len(queue) > 0 {
			b := queue[0]
			queue = queue[1:]
			if b == name {
				return fmt.Errorf("category %s is broader than itself", name)
			}
			if seen[b] {
				continue
			}
			seen[b] = true
			queue = append(queue, m.Categories[b].Broader...)
		}
		out := make([]string, 0, len(seen))
		for b := range seen {
			out = append(out, b)
		}
		sort.Strings(out)
		m.broader[name] = out
	}
	return nil
}

// Category returns the declaration of a goods category.
func (m *Model) Category(name string) (*CategoryDecl, bool) {
	c, ok := m.Categories[name]
	return c, ok
}

// BroaderCategories returns every category that name belongs to, directly
// or through others, sorted, without name itself: for "luxury_vehicle",
// luxury_goods and motor_vehicle. Nil for an undeclared category.
func (m *Model) BroaderCategories(name string) []string { return slices.Clone(m.broader[name]) }

// CategoryNames returns the declared goods categories, sorted.
func (m *Model) CategoryNames() []string {
	out := make([]string, 0, len(m.Categories))
	for n := range m.Categories {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// MustModel is LoadModel for the embedded file, which tests keep valid.
func MustModel() *Model {
	m, err := LoadModel()
	if err != nil {
		panic(err)
	}
	return m
}

// Kind returns the declaration of k.
func (m *Model) Kind(k Kind) (*KindDecl, bool) { d, ok := m.Kinds[k]; return d, ok }

// Rel returns the declaration of t.
func (m *Model) Rel(t RelType) (*RelDecl, bool) { d, ok := m.Relationships[t]; return d, ok }

// PropNames returns the sorted property names of a declaration.
func PropNames(props map[string]Prop) []string {
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TimelineProp names, per kind, the date property that places a node of that
// kind on a timeline; kinds without one never appear on timelines.
var TimelineProp = map[Kind]string{
	Event:      "date",
	Transfer:   "date",
	Resolution: "adoptedOn",
	Sanction:   "listingDate",
	Source:     "publishedOn",
}

// EnumName turns a model name (a kind, status or enum value) into the
// GraphQL enum value that stands for it: "luxury_vehicle" → "LUXURY_VEHICLE",
// "Organization" → "ORGANIZATION".
func EnumName(s string) string { return strings.ToUpper(s) }
