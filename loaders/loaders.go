// Package loaders holds the small contract every importer follows: read one
// source format from an io.Reader and emit the project's own records
// (graph/model) to a Sink, one source record at a time. Loaders know nothing
// about Neo4j; cmd/sanctiongraph connects them to graph/cypher.
//
// One package per format lives below this one: curated (the project's own
// reviewed YAML), unsc (UN Security Council consolidated list XML), ofac
// (OFAC SDN CSV set and sdnList XML) and ftm (OpenSanctions FollowTheMoney
// JSON lines).
package loaders

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/biter777/countries"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Record is everything one source record yields: the entity, its sanction,
// aliases' evidence, links to states … The writer stores a Record whole or
// not at all, so a failure never leaves half of a record in the graph.
type Record struct {
	// ID names the source record for messages ("unsc:6908555", "ofac:47956",
	// "sdn.csv line 12").
	ID string
	model.Batch
}

// Skipped is a source record that was not imported, with the reason.
type Skipped struct {
	RecordID string
	Reason   string
}

// Sink receives what a loader reads. Implementations batch records and write
// them; a returned error stops the loader, which returns it wrapped.
type Sink interface {
	Record(ctx context.Context, r Record) error
	Skip(ctx context.Context, s Skipped) error
}

// Open opens a file for a loader, transparently decompressing .gz files
// (detected by their magic bytes, not their name), with the default
// Limits (OpenLimited). The caller closes it.
func Open(path string) (io.ReadCloser, error) { return OpenLimited(path, Limits{}) }

type readCloser struct {
	io.Reader
	closers []io.Closer
}

func (r *readCloser) Close() error {
	var first error
	for _, c := range r.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// ReferenceDataset is the dataset of reference entities (states) that any
// loader may emit. The writer creates them when missing and never
// overwrites an existing node with them, so curated states keep their
// curated properties and evidence.
const ReferenceDataset = "reference"

// ISO3166SourceID is the Source that reference states cite.
const ISO3166SourceID = "source:iso-3166-1"

// StateID is the id of the State node for an ISO 3166-1 alpha-2 code.
func StateID(iso2 string) string { return "state:" + strings.ToUpper(iso2) }

// countryAliases covers names the sanctions lists use that the ISO tables
// do not know.
var countryAliases = map[string]string{
	"korea, north":                          "KP",
	"north korea":                           "KP",
	"dprk":                                  "KP",
	"democratic people's republic of korea": "KP",
	"korea, south":                          "KR",
	"south korea":                           "KR",
	"republic of korea":                     "KR",
	"russia":                                "RU",
	"russian federation":                    "RU",
	"iran":                                  "IR",
	"iran (islamic republic of)":            "IR",
	"syria":                                 "SY",
	"syrian arab republic":                  "SY",
	"burma":                                 "MM",
	"united kingdom":                        "GB",
	"united states":                         "US",
	"united states of america":              "US",
	"venezuela":                             "VE",
	"bolivia":                               "BO",
	"tanzania":                              "TZ",
	"laos":                                  "LA",
	"vietnam":                               "VN",
	"viet nam":                              "VN",
	"moldova":                               "MD",
	"czech republic":                        "CZ",
	"congo, democratic republic of the":     "CD",
	"democratic republic of the congo":      "CD",
	"congo, republic of the":                "CG",
	"turkey":                                "TR",
	"türkiye":                               "TR",
	"palestinian":                           "PS",
	"west bank":                             "PS",
	"gaza":                                  "PS",
	"kosovo":                                "XK",
	"macau":                                 "MO",
	"hong kong":                             "HK",
	"taiwan":                                "TW",
	"ivory coast":                           "CI",
	"cote d'ivoire":                         "CI",
	"côte d'ivoire":                         "CI",
	"brunei":                                "BN",
}

// CountryCode resolves a country name or code as the lists write it to an
// ISO 3166-1 alpha-2 code.
func CountryCode(name string) (string, bool) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", false
	}
	if code, ok := countryAliases[strings.ToLower(n)]; ok {
		return code, true
	}
	c := countries.ByName(n)
	if c == countries.Unknown {
		return "", false
	}
	if c == countries.XK {
		return "XK", true
	}
	return c.Alpha2(), true
}

// StateEntity returns the reference State entity for an alpha-2 code, with
// the evidence tying it to ISO 3166-1. ok is false for an unknown code.
func StateEntity(iso2 string) (model.Entity, model.Evidence, bool) {
	iso2 = strings.ToUpper(strings.TrimSpace(iso2))
	c := countries.ByName(iso2)
	if c == countries.Unknown || iso2 == "" {
		return model.Entity{}, model.Evidence{}, false
	}
	id := StateID(iso2)
	props := model.Properties{}
	props.Set("isoCode", iso2)
	props.Set("iso3", c.Alpha3())
	props.Set("numericCode", fmt.Sprintf("%03d", int(c)))
	e := model.Entity{
		ID:         id,
		Kind:       schema.State,
		Name:       c.String(),
		Properties: props,
		Provenance: model.Provenance{Status: schema.Confirmed, Dataset: ReferenceDataset, RecordID: iso2},
	}
	ev := model.Evidence{
		ID:       "ev:" + id + ":iso",
		FactID:   id,
		SourceID: ISO3166SourceID,
		Status:   schema.Confirmed,
		Basis:    "record",
	}
	return e, ev, true
}

// ISO3166Source is the Source reference states cite. Writers add it to any
// batch whose evidence cites it; as a reference entity it never overwrites a
// curated copy.
func ISO3166Source() model.Entity {
	props := model.Properties{}
	props.Set("publisher", "International Organization for Standardization")
	props.Set("sourceKind", "reference")
	props.Set("url", "https://www.iso.org/iso-3166-country-codes.html")
	return model.Entity{
		ID:          ISO3166SourceID,
		Kind:        schema.Source,
		Name:        "ISO 3166-1 country codes",
		Description: "Country names and alpha-2, alpha-3 and numeric codes, as tabulated by github.com/biter777/countries.",
		Properties:  props,
		Provenance:  model.Provenance{Status: schema.Confirmed, Dataset: ReferenceDataset, RecordID: "ISO 3166-1"},
	}
}
