package ofac

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/sanctiongraph/sanctiongraph/loaders"
)

// The sdnList elements read. Tags carry no namespace, so encoding/xml
// matches them on local names in either of OFAC's namespaces.
type xmlHeader struct {
	PublishDate string `xml:"Publish_Date"`
	RecordCount string `xml:"Record_Count"`
}

type xmlEntry struct {
	UID           string       `xml:"uid"`
	FirstName     string       `xml:"firstName"`
	LastName      string       `xml:"lastName"`
	Title         string       `xml:"title"`
	SDNType       string       `xml:"sdnType"`
	Remarks       string       `xml:"remarks"`
	Programs      []string     `xml:"programList>program"`
	IDs           []xmlID      `xml:"idList>id"`
	AKAs          []xmlAKA     `xml:"akaList>aka"`
	Addresses     []xmlAddress `xml:"addressList>address"`
	Nationalities []xmlCountry `xml:"nationalityList>nationality"`
	Citizenships  []xmlCountry `xml:"citizenshipList>citizenship"`
	DOBs          []xmlDOB     `xml:"dateOfBirthList>dateOfBirthItem"`
	POBs          []xmlPOB     `xml:"placeOfBirthList>placeOfBirthItem"`
	Vessel        xmlVessel    `xml:"vesselInfo"`
}

type xmlID struct {
	Type    string `xml:"idType"`
	Number  string `xml:"idNumber"`
	Country string `xml:"idCountry"`
}

type xmlAKA struct {
	Type      string `xml:"type"`
	Category  string `xml:"category"`
	LastName  string `xml:"lastName"`
	FirstName string `xml:"firstName"`
}

type xmlAddress struct {
	Address1 string `xml:"address1"`
	Address2 string `xml:"address2"`
	Address3 string `xml:"address3"`
	City     string `xml:"city"`
	State    string `xml:"stateOrProvince"`
	Postal   string `xml:"postalCode"`
	Country  string `xml:"country"`
}

type xmlCountry struct {
	Country   string `xml:"country"`
	MainEntry string `xml:"mainEntry"`
}

type xmlDOB struct {
	DateOfBirth string `xml:"dateOfBirth"`
	MainEntry   string `xml:"mainEntry"`
}

type xmlPOB struct {
	PlaceOfBirth string `xml:"placeOfBirth"`
	MainEntry    string `xml:"mainEntry"`
}

type xmlVessel struct {
	CallSign   string `xml:"callSign"`
	VesselType string `xml:"vesselType"`
	VesselFlag string `xml:"vesselFlag"`
	Owner      string `xml:"vesselOwner"`
	Tonnage    string `xml:"tonnage"`
	GRT        string `xml:"grossRegisteredTonnage"`
}

// LoadXML reads an OFAC sdnList XML file (sdn.xml or consolidated.xml) and
// emits the source, then one record per sdnEntry, then the link records
// (see the package documentation). opts.Dataset is required: the two lists
// look the same inside. The header's Publish_Date dates the source;
// opts.Published is used only when the file has none.
//
// Malformed XML stops the load with an error naming the file, line and the
// uid of the entry being read (or the last one read). ctx is checked before
// every record.
func LoadXML(ctx context.Context, r io.Reader, opts Options, sink loaders.Sink) (Summary, error) {
	if opts.Dataset == "" {
		return Summary{}, errors.New("ofac: set Options.Dataset: an SDN and a Consolidated sdnList look the same inside")
	}
	l, err := newLoader(opts, "XML", sink)
	if err != nil {
		return Summary{}, err
	}
	name := opts.Name
	if name == "" {
		name = map[string]string{DatasetSDN: "sdn.xml", DatasetConsolidated: "consolidated.xml"}[l.dataset]
	}

	d := xml.NewDecoder(r)
	d.CharsetReader = charsetReader
	started := false
	lastUID := ""
	fail := func(err error) error {
		line, _ := d.InputPos()
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			line = se.Line
		}
		if lastUID != "" {
			return fmt.Errorf("ofac: %s:%d: after uid %s: %w", name, line, lastUID, err)
		}
		return fmt.Errorf("ofac: %s:%d: %w", name, line, err)
	}
	start := func(published string) error {
		if published == "" {
			published = opts.Published
		}
		if published == "" {
			return fail(errors.New("no Publish_Date before the first sdnEntry; set Options.Published"))
		}
		if err := l.setPublished(published); err != nil {
			return fail(err)
		}
		started = true
		return l.source(ctx)
	}
	sawRoot := false
	for {
		if err := ctx.Err(); err != nil {
			return l.sum, fmt.Errorf("ofac: %s: %w", name, err)
		}
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return l.sum, fail(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !sawRoot {
			if se.Name.Local != "sdnList" {
				return l.sum, fail(fmt.Errorf("root element %s: not an OFAC sdnList file", se.Name.Local))
			}
			sawRoot = true
			continue
		}
		switch se.Name.Local {
		case "publshInformation", "publishInformation": // sic, as OFAC spells it
			var h xmlHeader
			if err := d.DecodeElement(&h, &se); err != nil {
				return l.sum, fail(err)
			}
			if started {
				continue
			}
			l.sum.Declared, _ = strconv.Atoi(strings.TrimSpace(h.RecordCount))
			published := ""
			if p := strings.TrimSpace(h.PublishDate); p != "" {
				t, err := time.Parse("01/02/2006", p)
				if err != nil {
					return l.sum, fail(fmt.Errorf("bad Publish_Date %q: want MM/DD/YYYY", p))
				}
				published = t.Format("2006-01-02")
			}
			if err := start(published); err != nil {
				return l.sum, err
			}
		case "sdnEntry":
			if !started {
				if err := start(""); err != nil {
					return l.sum, err
				}
			}
			line, _ := d.InputPos()
			var x xmlEntry
			if err := d.DecodeElement(&x, &se); err != nil {
				return l.sum, fail(err)
			}
			e := x.entry(fmt.Sprintf("%s:%d", name, line))
			if e.uid == "" {
				return l.sum, fail(errors.New("sdnEntry without uid"))
			}
			lastUID = e.uid
			if !l.seen.add(e.uid) {
				if err := l.skip(ctx, e.where+" uid "+e.uid, ReasonDuplicate); err != nil {
					return l.sum, err
				}
				continue
			}
			l.sum.Aliases += len(x.AKAs)
			l.sum.Addresses += len(x.Addresses)
			rec, reason := l.record(e)
			if reason != "" {
				if err := l.skip(ctx, "ofac:"+e.uid+" ("+e.where+")", reason); err != nil {
					return l.sum, err
				}
				continue
			}
			if err := l.emit(ctx, rec); err != nil {
				return l.sum, err
			}
		}
	}
	if !sawRoot {
		return l.sum, fail(errors.New("no sdnList element: not an OFAC sdnList file"))
	}
	if entries := l.seen.len(); l.sum.Declared > 0 && entries < l.sum.Declared {
		return l.sum, fail(fmt.Errorf("%w: %d sdnEntry elements, but Record_Count declares %d", ErrTruncated, entries, l.sum.Declared))
	}
	if entries := l.seen.len(); entries == 0 {
		return l.sum, fail(fmt.Errorf("%w: no sdnEntry", ErrEmpty))
	}
	if !started {
		if err := start(""); err != nil {
			return l.sum, err
		}
	}
	if err := l.finish(ctx); err != nil {
		return l.sum, err
	}
	return l.sum, nil
}

// charsetReader reads the single-byte encodings an older or re-saved list
// may declare; OFAC publishes UTF-8.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(input), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

// entry turns an sdnEntry into the common entry. Every text is trimmed.
func (x *xmlEntry) entry(where string) *entry {
	t := strings.TrimSpace
	e := &entry{
		uid:        t(x.UID),
		where:      where,
		rawType:    t(x.SDNType),
		first:      t(x.FirstName),
		last:       t(x.LastName),
		remarks:    t(x.Remarks),
		callSign:   t(x.Vessel.CallSign),
		vesselType: t(x.Vessel.VesselType),
		tonnage:    t(x.Vessel.Tonnage),
		flag:       t(x.Vessel.VesselFlag),
		owner:      t(x.Vessel.Owner),
	}
	// The list spelling is "LAST, First" for an individual, as in the CSV.
	e.name = listName(e.last, e.first)
	for _, p := range x.Programs {
		if p = t(p); p != "" {
			e.programs = append(e.programs, p)
		}
	}
	if s := t(x.Title); s != "" {
		e.titles = append(e.titles, s)
	}
	for _, a := range x.AKAs {
		typ := strings.ToLower(strings.ReplaceAll(t(a.Type), ".", ""))
		// "weak" aliases (Category) are kept: they are names the list gives.
		e.aliases = append(e.aliases, alias{name: listName(t(a.LastName), t(a.FirstName)), typ: typ})
	}
	for _, a := range x.Addresses {
		e.addresses = append(e.addresses, address{
			parts:   dedupe([]string{t(a.Address1), t(a.Address2), t(a.Address3), t(a.City), t(a.State), t(a.Postal)}, ""),
			country: t(a.Country),
		})
	}
	for _, c := range append(append([]xmlCountry(nil), x.Nationalities...), x.Citizenships...) {
		if s := t(c.Country); s != "" {
			e.nationalities = append(e.nationalities, s)
		}
	}
	// mainEntry first; the rest are alternates.
	for _, main := range []bool{true, false} {
		for _, d := range x.DOBs {
			if (t(d.MainEntry) == "true") == main && t(d.DateOfBirth) != "" {
				e.dobs = append(e.dobs, dob{text: t(d.DateOfBirth), alt: !main})
			}
		}
		for _, p := range x.POBs {
			if (t(p.MainEntry) == "true") == main && t(p.PlaceOfBirth) != "" {
				e.pobs = append(e.pobs, t(p.PlaceOfBirth))
			}
		}
	}
	// The identifiers are read into the entry and, as the CSV carries them
	// in its remarks, added to the description ("Passport A123 (Iran)").
	var facts []string
	for _, id := range x.IDs {
		if f := e.xmlID(t(id.Type), t(id.Number), t(id.Country)); f != "" {
			facts = append(facts, f)
		}
	}
	if len(facts) > 0 {
		e.description = strings.Join(append(dedupe([]string{e.remarks}, ""), facts...), "; ")
	}
	return e
}

// xmlID reads one idList/id: the id types are the prefixes the CSV remarks
// use ("Tax ID No.", "Vessel Registration Identification" …), so the
// remarks parser reads "TYPE NUMBER (COUNTRY)". It returns that fact, or
// "" for a fact about the sanction, which goes to the Sanction.
func (e *entry) xmlID(typ, number, country string) string {
	if typ == "" || number == "" {
		return ""
	}
	for _, p := range sanctionPrefixes {
		if strings.HasPrefix(typ, p) {
			e.sanctionNotes = append(e.sanctionNotes, typ+" "+number)
			return ""
		}
	}
	f := strings.TrimRight(typ, " :-") + " " + number
	if country != "" {
		f += " (" + country + ")"
	}
	e.parseFact(f)
	return f
}

// listName is "LAST, First", or LAST alone (entities, vessels).
func listName(last, first string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return last + ", " + first
}
