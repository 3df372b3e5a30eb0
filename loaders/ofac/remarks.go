package ofac

import (
	"regexp"
	"strings"
	"time"
)

// remarksLimit is the length at which OFAC cuts the Remarks field of
// sdn.csv; the rest, if any, is in sdn_comments.csv.
const remarksLimit = 1000

// alias is one alternate name.
type alias struct {
	name string // as the list writes it ("KIM, Jong-un" for an individual)
	typ  string // aka, fka, nka
}

// address is one address of an entry.
type address struct {
	parts   []string // street lines, city, state, postal code, in order
	country string   // as written
}

// text is the address as one line, country included ("None Identified"
// is no country).
func (a address) text() string {
	parts := append([]string(nil), a.parts...)
	switch strings.ToLower(a.country) {
	case "", "none identified", "unknown", "undetermined":
	default:
		parts = append(parts, a.country)
	}
	return strings.Join(parts, ", ")
}

// dob is one date of birth as the list writes it.
type dob struct {
	text string // "08 Jan 1984", "circa 1960", "1953 to 1954"
	alt  bool   // "alt. DOB", or not the XML mainEntry
}

// ident is one identifier: a tax or registration number, an IMO number …
type ident struct {
	class   identClass
	number  string
	country string
	text    string // as written, for evidence
}

type identClass int

const (
	identTax identClass = iota + 1
	identRegistration
	identIMO
)

// nameLink is a name the entry points at: "Linked To: NAME", "Aircraft
// Operator NAME", a vessel owner. It becomes a relationship when the name
// resolves to exactly one entry of the same file.
type nameLink struct {
	kind linkKind
	name string
	text string // as written, for evidence
}

// entry is one SDN entry, reduced to what the graph needs, whichever format
// it came from. The CSV reader fills it from sdn.csv and its side files, the
// XML reader from sdnEntry; both then parse the remarks into it.
type entry struct {
	uid      string
	where    string // "sdn.csv:12", for messages
	sdnType  string // individual, entity, vessel or aircraft
	rawType  string
	name     string // list spelling: "KIM, Jong Un" for an individual
	first    string // XML only: given names of an individual
	last     string // XML only: family name of an individual
	programs []string
	titles   []string

	callSign, vesselType, tonnage, flag, owner string

	remarks     string
	description string // the party's description when not just remarks (XML)
	truncated   bool   // remarks cut at the 1000-character limit, no continuation

	aliases       []alias
	remarkAliases int
	addresses     []address
	dobs          []dob
	pobs          []string
	nationalities []string // country names as written (nationality and citizenship)
	genders       []string
	idents        []ident
	links         []nameLink
	sanctionNotes []string
	models        []string // aircraft model
	established   []string // Organization Established Date, as written
	websites      []string
	regCountries  []string // Nationality of Registration
}

// sanctionPrefixes start remark facts (and XML id types) that describe the
// sanction rather than the party: they go to the Sanction's description.
var sanctionPrefixes = []string{
	"Secondary sanctions risk",
	"Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions",
	"Additional Sanctions Information",
	"Executive Order",
	"CAATSA",
	"IFCA Determination",
	"Effective Date",
	"Listing Date",
	"Purchase/Sales For Divestment Date",
	"For more information",
	"Subject to Directive",
}

// identPrefixes maps the identifier types OFAC writes ("Tax ID No. 123
// (Russia)") to the Organization property they fill. Other identifier types
// (passports, national IDs, SWIFT codes …) have no property in model.yaml
// and stay in the description.
var identPrefixes = []struct {
	prefix string
	class  identClass
}{
	{"Tax ID No.", identTax},
	{"NIT #", identTax},
	{"RUC #", identTax},
	{"R.F.C.", identTax},
	{"RFC", identTax},
	{"V.A.T. Number", identTax},
	{"US FEIN", identTax},
	{"C.U.I.T.", identTax},
	{"Registration Number", identRegistration},
	{"Registration ID", identRegistration},
	{"Business Registration Number", identRegistration},
	{"Business Registration Document #", identRegistration},
	{"Public Registration Number", identRegistration},
	{"Commercial Registry Number", identRegistration},
	{"Company Number", identRegistration},
	{"UK Company Number", identRegistration},
	{"Unified Social Credit Code (USCC)", identRegistration},
	{"United Social Credit Code Certificate (USCCC)", identRegistration},
	{"C.R. No.", identRegistration},
	{"Chamber of Commerce Number", identRegistration},
	{"Certificate of Incorporation Number", identRegistration},
	{"Trade License No.", identRegistration},
	{"Folio Mercantil No.", identRegistration},
	{"Matricula Mercantil No", identRegistration},
	{"Enterprise Number", identRegistration},
	{"Business Number", identRegistration},
	{"Central Registration System Number", identRegistration},
	{"Economic Register Number (CBLS)", identRegistration},
	{"Registered Charity No.", identRegistration},
}

// imoRE finds an IMO number ("IMO 8660313") in an identifier; the IMO
// number of a ship or of a shipping company always has seven digits.
var imoRE = regexp.MustCompile(`(?:^|[^A-Za-z0-9])IMO (\d{7})(?:[^0-9]|$)`)

// cutPrefix is strings.CutPrefix that also requires the prefix to end at a
// word boundary, and drops the separator (" ", ":", " -") after it.
func cutPrefix(s, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return "", false
	}
	if rest != "" && !strings.ContainsRune(" :-", rune(rest[0])) && !strings.HasSuffix(prefix, ".") && !strings.HasSuffix(prefix, "#") {
		return "", false
	}
	return strings.TrimLeft(rest, " :-"), true
}

// splitFacts splits a remarks field into its ';'-separated facts, trimmed,
// with the parentheses of "(Linked To: …)" removed.
func splitFacts(remarks string) []string {
	var out []string
	for f := range strings.SplitSeq(remarks, ";") {
		f = strings.TrimSpace(f)
		if strings.HasPrefix(f, "(") && strings.HasSuffix(f, ")") {
			f = strings.TrimSpace(f[1 : len(f)-1])
		}
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// parseRemarks reads the facts packed into e.remarks into e. A fact it does
// not know stays only in the description. When the remarks were truncated
// at OFAC's limit and no continuation was found, the last fact was cut
// short, unless the cut fell on a separator, and is not parsed.
func (e *entry) parseRemarks() {
	facts := splitFacts(e.remarks)
	if e.truncated && len(facts) > 0 && !strings.HasSuffix(strings.TrimSpace(e.remarks), ";") {
		facts = facts[:len(facts)-1]
	}
	for _, f := range facts {
		e.parseFact(f)
	}
}

func (e *entry) parseFact(f string) {
	// Names first: an alias may contain any word.
	if a, ok := parseAKA(f); ok {
		if a.name != "" {
			e.aliases = append(e.aliases, a)
			e.remarkAliases++
		}
		return
	}
	if name, ok := cutPrefix(f, "Linked To"); ok {
		e.links = append(e.links, nameLink{kind: linkedTo, name: name, text: f})
		return
	}
	body, alt := strings.CutPrefix(f, "alt. ")
	clean := strings.TrimSpace(strings.TrimSuffix(body, "."))
	for _, p := range sanctionPrefixes {
		if strings.HasPrefix(body, p) {
			e.sanctionNotes = append(e.sanctionNotes, f)
			return
		}
	}
	if v, ok := cutPrefix(clean, "DOB"); ok {
		e.dobs = append(e.dobs, dob{text: v, alt: alt})
		return
	}
	if v, ok := cutPrefix(clean, "POB"); ok {
		if alt {
			e.pobs = append(e.pobs, v) // keep the main one first
		} else {
			e.pobs = append([]string{v}, e.pobs...)
		}
		return
	}
	for _, p := range []string{"nationality", "citizen"} {
		if v, ok := cutPrefix(clean, p); ok {
			e.nationalities = append(e.nationalities, v)
			return
		}
	}
	if v, ok := cutPrefix(clean, "Gender"); ok {
		e.genders = append(e.genders, strings.ToLower(v))
		return
	}
	if v, ok := cutPrefix(clean, "Title"); ok {
		e.titles = append(e.titles, v)
		return
	}
	if v, ok := cutPrefix(body, "Aircraft Operator"); ok {
		e.links = append(e.links, nameLink{kind: aircraftOperator, name: v, text: f})
		return
	}
	if v, ok := cutPrefix(clean, "Aircraft Model"); ok {
		e.models = append(e.models, v)
		return
	}
	if v, ok := cutPrefix(clean, "Organization Established Date"); ok {
		e.established = append(e.established, v)
		return
	}
	if v, ok := cutPrefix(clean, "Website"); ok {
		e.websites = append(e.websites, v)
		return
	}
	if v, ok := cutPrefix(clean, "Nationality of Registration"); ok {
		e.regCountries = append(e.regCountries, v)
		return
	}
	e.parseIdent(clean, f)
}

// parseIdent reads "TYPE NUMBER (COUNTRY) …" when TYPE is one the model
// has a property for, and an IMO number wherever it appears.
func (e *entry) parseIdent(clean, raw string) {
	if strings.Contains(clean, "IMO ") { // cheap test before the regexp
		if m := imoRE.FindStringSubmatch(clean); m != nil {
			e.idents = append(e.idents, ident{class: identIMO, number: m[1], text: raw})
			return
		}
	}
	for _, ip := range identPrefixes {
		if v, ok := cutPrefix(clean, ip.prefix); ok {
			num, country := splitCountry(v)
			if num != "" {
				e.idents = append(e.idents, ident{class: ip.class, number: num, country: country, text: raw})
			}
			return
		}
	}
}

// splitCountry splits "7743237789 (Russia) issued 2010" into the number and
// the country in parentheses.
func splitCountry(v string) (number, country string) {
	i := strings.Index(v, " (")
	if i < 0 {
		return strings.TrimSpace(v), ""
	}
	number = strings.TrimSpace(v[:i])
	rest := v[i+2:]
	if j := strings.IndexByte(rest, ')'); j >= 0 {
		country = strings.TrimSpace(rest[:j])
	}
	return number, country
}

// parseAKA reads "a.k.a. 'NAME'" (also f.k.a., n.k.a.). The name runs to
// the last quote of the fact, as names contain quotes ("ABU-'UMAR"). A fact
// that opens a quote and never closes it was cut short: ok is true, name
// empty, so the caller drops it.
func parseAKA(f string) (alias, bool) {
	if len(f) < 7 || f[1:6] != ".k.a." {
		return alias{}, false
	}
	var typ string
	switch f[0] {
	case 'a':
		typ = "aka"
	case 'f':
		typ = "fka"
	case 'n':
		typ = "nka"
	default:
		return alias{}, false
	}
	rest := strings.TrimLeft(f[6:], " ,")
	if !strings.HasPrefix(rest, "'") {
		return alias{}, true
	}
	end := strings.LastIndexByte(rest, '\'')
	if end == 0 {
		return alias{}, true // unterminated: cut short
	}
	return alias{name: strings.TrimSpace(rest[1:end]), typ: typ}, true
}

// parseDate reads a date as OFAC writes it: "08 Jan 1984", "Jan 1984",
// "1984", or ISO "1984-01-08", and returns it in the model's form at the
// precision given (YYYY-MM-DD, YYYY-MM or YYYY).
func parseDate(s string) (string, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	f := strings.Fields(s)
	for i, w := range f { // "JAN" and "jan" as "Jan", which time.Parse wants
		if len(w) == 3 {
			f[i] = strings.ToUpper(w[:1]) + strings.ToLower(w[1:])
		}
	}
	layouts := map[int][]struct{ in, out string }{
		1: {{"2006", "2006"}, {"2006-01-02", "2006-01-02"}},
		2: {{"Jan 2006", "2006-01"}},
		3: {{"2 Jan 2006", "2006-01-02"}},
	}
	for _, l := range layouts[len(f)] {
		if t, err := time.Parse(l.in, strings.Join(f, " ")); err == nil && t.Year() >= 1000 {
			return t.Format(l.out), true
		}
	}
	return "", false
}

// parseDOB reads a date of birth. "circa 1960" and ranges ("1953 to 1954",
// "01 Jan 1953 to 31 Dec 1954", "circa 1960-1962") are uncertain; a range
// yields its first value, reduced to the year when it spans whole years
// (01 Jan Y1 to 31 Dec Y2), so "01 Jan 1953 to 31 Dec 1954" gives 1953 and
// not 1953-01-01, which would claim a precision the list does not have.
func parseDOB(s string) (date string, uncertain, ok bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if rest, found := strings.CutPrefix(s, "circa "); found {
		s, uncertain = rest, true
	}
	from, to, isRange := strings.Cut(s, " to ")
	if !isRange && len(s) == 9 && s[4] == '-' { // circa 1960-1962
		from, to, isRange = s[:4], s[5:], true
	}
	if !isRange {
		d, ok := parseDate(s)
		return d, uncertain, ok
	}
	df, ok1 := parseDate(from)
	dt, ok2 := parseDate(to)
	if !ok1 || !ok2 {
		return "", false, false
	}
	if strings.HasSuffix(df, "-01-01") && strings.HasSuffix(dt, "-12-31") {
		df = df[:4]
	}
	return df, true, true
}
