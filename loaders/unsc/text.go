package unsc

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sanctiongraph/sanctiongraph/loaders"
)

// clean trims a text node and collapses every run of white space (newlines,
// tabs, U+00A0, U+202F …) to one space. The UN does not trim its text nodes
// (" RI ", "KPe.023 "), so every value goes through here.
func clean(s string) string {
	if s == "" {
		return ""
	}
	return strings.Join(strings.Fields(s), " ")
}

// paragraphs cleans free text but keeps its paragraph breaks (blank lines):
// COMMENTS1 wraps lines mid-sentence, and separates notes by blank lines.
func paragraphs(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	if s == "" {
		return ""
	}
	var out []string
	for _, p := range blankLine.Split(s, -1) {
		if p = clean(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

var blankLine = regexp.MustCompile(`\n[ \t\p{Zs}]*\n\s*`)

// isoDate accepts YYYY-MM-DD, optionally followed by a zone as xsd:date
// allows ("2015-03-27-04:00", "1960-01-01-05:00" and "…Z" occur in the
// lists), and returns the date as written.
func isoDate(s string) (string, bool) {
	s = clean(s)
	if len(s) < 10 {
		return "", false
	}
	d, zone := s[:10], s[10:]
	if zone != "" && zone != "Z" && !zoneOffset.MatchString(zone) {
		return "", false
	}
	if _, err := time.Parse("2006-01-02", d); err != nil {
		return "", false
	}
	return d, true
}

var zoneOffset = regexp.MustCompile(`^[+-]\d{2}:\d{2}$`)

// year accepts a four-digit year.
func year(s string) (string, bool) {
	s = clean(s)
	if len(s) != 4 {
		return "", false
	}
	if n, err := strconv.Atoi(s); err != nil || n < 1000 {
		return "", false
	}
	return s, true
}

// monthYear reads the free-text dates of birth the lists give as a month
// and a year ("Nov. 1973", "August 1961") and returns YYYY-MM.
func monthYear(s string) (string, bool) {
	m := monthYearRE.FindStringSubmatch(clean(s))
	if m == nil {
		return "", false
	}
	month := strings.Index("janfebmaraprmayjunjulaugsepoctnovdec", strings.ToLower(m[1])) / 3
	return m[2] + "-" + twoDigits(month+1), true
}

var monthYearRE = regexp.MustCompile(`(?i)^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{4})$`)

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// birth is one date of birth as the list gives it.
type birth struct {
	// date is YYYY, YYYY-MM or YYYY-MM-DD, or "" for a range or free text.
	date string
	// text is the list's statement in words, for evidence: "1958",
	// "approximately 1958", "between 1967 and 1969", "30-35 years old".
	text string
	// uncertain is set for approximate dates, ranges and dates with a note.
	uncertain bool
}

// parseBirth reads one INDIVIDUAL_DATE_OF_BIRTH; ok is false for an empty
// placeholder.
func parseBirth(x xmlBirth) (b birth, ok bool) {
	typ := strings.ToUpper(clean(x.Type))
	note := clean(x.Note)
	from, okFrom := year(x.FromYear)
	to, okTo := year(x.ToYear)
	switch d, okDate := isoDate(x.Date); {
	case okDate:
		b.date = d
	case clean(x.Year) != "":
		if y, ok := year(x.Year); ok {
			b.date = y
		} else {
			b.text, b.uncertain = clean(x.Year), true
		}
	case okFrom && okTo && from == to:
		b.date = from
	case okFrom && okTo:
		b.text = "between " + from + " and " + to
		b.uncertain = true
	case okFrom || okTo:
		b.text = strings.TrimSpace("between " + from + " and " + to)
		b.uncertain = true
	case note != "":
		if my, ok := monthYear(note); ok {
			b.date, note = my, ""
		} else if y, ok := year(note); ok {
			b.date, note = y, ""
		} else {
			b.text, note = note, ""
			b.uncertain = true
		}
	default:
		return b, false
	}
	if b.date != "" {
		b.text = b.date
		if typ == "APPROXIMATELY" {
			b.text = "approximately " + b.date
			b.uncertain = true
		}
	}
	if note != "" {
		if b.text == "" {
			b.text = note
		} else {
			b.text += " (" + note + ")"
		}
		b.uncertain = true
	}
	return b, true
}

// splitAliases turns one ALIAS_NAME into the names it holds. The lists pack
// several names into one value: "A; B; C", "Arabic (Latin 1; Latin 2)",
// "A b) B", "Latin (original script: Кириллица)". Everything else (notes in
// brackets such as "(previously listed as)", acronyms like "(AQAP)") is kept
// as written: dropping it could lose part of a name.
func splitAliases(raw string) []string {
	s := strings.TrimRight(clean(raw), ",; ")
	if s == "" {
		return nil
	}
	var out []string
	if containsFold(s, "original script:") {
		if m := originalScriptRE.FindStringSubmatch(s); m != nil {
			return append(splitAliases(m[1]), splitAliases(m[2])...)
		}
	}
	if open := matchingOpen(s); open > 0 && strings.Contains(s[open:], ";") {
		out = append(out, splitAliases(s[:open])...)
		s = s[open+1 : len(s)-1]
	}
	for _, part := range splitTop(s) {
		names := []string{part}
		if strings.Contains(part, ")") {
			names = listMarker.Split(part, -1)
		}
		for _, name := range names {
			if name = tidyAlias(name); name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// containsFold reports whether s contains the lower-case ASCII substr,
// ignoring case; a cheap test before a case-insensitive regexp.
func containsFold(s, substr string) bool {
	for i := 0; i+len(substr) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(substr)], substr) {
			return true
		}
	}
	return false
}

var (
	originalScriptRE   = regexp.MustCompile(`(?i)^(.+?)\s*\(original script:\s*(.+)\)$`)
	originalScriptNote = regexp.MustCompile(`(?i)^(?:name in )?original script:\s*(.+)$`)
	originalScriptTag  = regexp.MustCompile(`(?i)\s*\(original script\)$`)
	listMarker         = regexp.MustCompile(`\s[b-z]\)\s`)
	leadingMarker      = regexp.MustCompile(`^(?:a\)\s+|[)\],;:]\s*)+`)
)

func tidyAlias(s string) string {
	s = clean(s)
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s[:1], "a),;:]") {
		s = leadingMarker.ReplaceAllString(s, "")
	}
	if strings.HasSuffix(s, ")") {
		s = originalScriptTag.ReplaceAllString(s, "")
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, "( ", "("), " )", ")")
	s = strings.TrimRight(s, ",;: ")
	// A stray closing bracket left by a split list: "Tahrir al-Sham Hay’at)".
	if strings.HasSuffix(s, ")") && strings.Count(s, ")") > strings.Count(s, "(") {
		s = strings.TrimSpace(strings.TrimSuffix(s, ")"))
	}
	// A stray opening bracket: "Name (Latin; …" split elsewhere.
	if i := strings.LastIndex(s, "("); i >= 0 && strings.Count(s, "(") > strings.Count(s, ")") {
		s = strings.TrimSpace(s[:i] + s[i+1:])
	}
	return s
}

// matchingOpen returns the index of the "(" that matches a final ")", or -1.
func matchingOpen(s string) int {
	if !strings.HasSuffix(s, ")") {
		return -1
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// splitTop splits on ";" outside brackets.
func splitTop(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ';':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// unCountryNames holds the names the UN uses (UN Terminology short names,
// and some older forms in the lists) that loaders.CountryCode does not
// resolve, plus the official names with brackets, which strict resolution
// otherwise refuses. These belong in loaders.countryAliases; they live here
// until they move.
var unCountryNames = map[string]string{
	"united kingdom of great britain and northern ireland": "GB",
	"state of palestine":                             "PS",
	"palestinian territories":                        "PS",
	"occupied palestinian territory":                 "PS",
	"united republic of tanzania":                    "TZ",
	"china, hong kong special administrative region": "HK",
	"hong kong special administrative region":        "HK",
	"china, macao special administrative region":     "MO",
	"macao special administrative region":            "MO",
	"union of the comoros":                           "KM",
	"the netherlands":                                "NL",
	"sultanate of oman":                              "OM",
	"iran (islamic republic of)":                     "IR",
	"bolivia (plurinational state of)":               "BO",
	"venezuela (bolivarian republic of)":             "VE",
	"micronesia (federated states of)":               "FM",
	"netherlands (kingdom of the)":                   "NL",
}

// countryCode resolves a country as the list writes it to an ISO 3166-1
// alpha-2 code that has a reference State. It refuses what would resolve
// by accident: placeholders and codes ("na" is not Namibia), values with
// digits or several countries ("Sudan/South Sudan", "Branch Office 11:
// Iran"), and, when strict, any bracketed qualifier not part of an official
// name ("Bahrain (citizenship revoked in Jan. 2015)", "USSR (until 1991)"):
// a NATIONAL_OF with status confirmed must not rest on a guess. Addresses
// are resolved leniently ("Libya (in custody)" is in Libya).
func countryCode(raw string, strict bool) (string, bool) {
	v := clean(strings.NewReplacer("’", "'", "‘", "'").Replace(raw))
	if v == "" {
		return "", false
	}
	if code, ok := unCountryNames[strings.ToLower(v)]; ok {
		return code, true
	}
	letters := 0
	for _, r := range v {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < 4 || strings.ContainsAny(v, "0123456789/:;") {
		return "", false
	}
	if strict && strings.ContainsAny(v, "()") {
		return "", false
	}
	code, ok := loaders.CountryCode(v)
	if !ok {
		return "", false
	}
	if _, _, ok := loaders.StateEntity(code); !ok {
		return "", false
	}
	return code, true
}

// mention is a resolution named in COMMENTS1.
type mention struct {
	number string // "1718"
	year   string // "2006", when the text gives it
	quote  string // the sentence that names it
}

// resolutionRE finds "resolution 1718 (2006)", "resolutions 1737 (2006)
// and 1747 (2007)", "Resolution 2371(2017)", and the year-less "resolution
// 1970 (Travel Ban)" of the Libya entries.
var (
	resolutionRE = regexp.MustCompile(`(?i)\bresolutions?\s+(?:no\.\s*)?(\d{3,4}(?:\s*\(\d{4}\))?(?:\s*(?:,\s*and|,|and)\s+\d{3,4}(?:\s*\(\d{4}\))?)*)`)
	resolutionNo = regexp.MustCompile(`(\d{3,4})(?:\s*\((\d{4})\))?`)
	reviewBefore = regexp.MustCompile(`(?i)review\s+pursuant\s+to\s+(?:the\s+)?(?:security\s+council\s+)?$`)
)

// resolutions returns the resolutions COMMENTS1 names, first mention first,
// each once. A resolution named only as the basis of a periodic review
// ("Review pursuant to Security Council resolution 1822 (2008) was
// concluded on …") is not what the listing rests on; those are counted in
// reviews instead.
func resolutions(text string) (found []mention, reviews int) {
	if !containsFold(text, "resolution") {
		return nil, 0
	}
	seen := map[string]bool{}
	for _, loc := range resolutionRE.FindAllStringSubmatchIndex(text, -1) {
		before := text[max(0, loc[0]-80):loc[0]]
		list := text[loc[2]:loc[3]]
		for _, m := range resolutionNo.FindAllStringSubmatch(list, -1) {
			n := strings.TrimLeft(m[1], "0")
			if reviewBefore.MatchString(before) {
				reviews++
				continue
			}
			if n == "" || seen[n] {
				continue
			}
			seen[n] = true
			found = append(found, mention{number: n, year: m[2], quote: sentence(text, loc[0], loc[1])})
		}
	}
	return found, reviews
}

// sentence returns the sentence of text around [start, end), cleaned. A
// sentence ends at ".", "!" or "?" followed by white space and a capital
// letter (so "Jan. 2015" does not end one), or at a blank line.
func sentence(text string, start, end int) string {
	from := 0
	for i := start - 1; i >= 0; i-- {
		if endsSentence(text, i) {
			from = i + 1
			break
		}
	}
	to := len(text)
	for i := end; i < len(text); i++ {
		if endsSentence(text, i) {
			to = i + 1
			break
		}
	}
	return clean(text[from:to])
}

func endsSentence(text string, i int) bool {
	switch text[i] {
	case '\n':
		return strings.HasPrefix(strings.TrimLeft(text[i+1:], " \t\r"), "\n")
	case '.', '!', '?':
	default:
		return false
	}
	rest := text[i+1:]
	if rest == "" {
		return true
	}
	if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsSpace(r) {
		return false
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return unicode.IsUpper(r) || !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// imoRE finds IMO numbers in COMMENTS1: "IMO number: 5571322",
// "International Maritime Organization (IMO) Number: 1790183", "Company
// Number IMO 5434358".
var imoRE = regexp.MustCompile(`(?i)\bIMO\)?\s*(?:number|no\.?)?\s*:?\s*(\d{7})\b`)

func imoNumbers(text string) []string {
	var out []string
	for _, m := range imoRE.FindAllStringSubmatch(text, -1) {
		out = appendNew(out, m[1])
	}
	return out
}

// genderRE reads "Gender: Male." from COMMENTS1, where many records give
// the gender instead of a GENDER element.
var genderRE = regexp.MustCompile(`(?i)\bgender:\s*(male|female)\b`)

// gender returns the GENDER element, or the gender stated in the comments;
// lower case, "" when unknown.
func gender(element, comments string) string {
	g := strings.ToLower(clean(element))
	if g == "unknown" {
		g = ""
	}
	if g == "" && containsFold(comments, "gender:") {
		if m := genderRE.FindStringSubmatch(comments); m != nil {
			g = strings.ToLower(m[1])
		}
	}
	return g
}

// place formats an address or place of birth: its parts from street to
// country, then its note in brackets.
func place(a xmlAddress, withCountry bool) string {
	var parts []string
	for _, p := range []string{a.Street, a.City, a.State, a.Zip} {
		parts = appendNew(parts, clean(p))
	}
	if withCountry {
		parts = appendNew(parts, clean(a.Country))
	}
	s := strings.Join(parts, ", ")
	if note := strings.Trim(clean(a.Note), "() "); note != "" {
		if s == "" {
			return note
		}
		s += " (" + note + ")"
	}
	return s
}

// appendNew appends the non-empty values not in list yet.
func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if v == "" {
			continue
		}
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}
