package unsc

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/loaders/loadertest"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

var update = flag.Bool("update", false, "rewrite the .golden files in testdata")

// load runs the loader over input and returns what the sink received.
func load(tb testing.TB, ctx context.Context, input []byte) (*collector, Summary, error) {
	tb.Helper()
	c := &collector{}
	sum, err := (&Loader{}).Load(ctx, bytes.NewReader(input), c)
	return c, sum, err
}

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestGolden loads each hand-made fixture and compares the normalised
// output with its golden file.
func TestGolden(t *testing.T) {
	for _, name := range []string{"list2026", "list2020"} {
		t.Run(name, func(t *testing.T) {
			c, sum, err := load(t, context.Background(), readFile(t, filepath.Join("testdata", name+".xml")))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			dump(&buf, c, sum)
			loadertest.Golden(t, filepath.Join("testdata", name+".golden"), buf.Bytes(), *update)
			checkModel(t, c)
		})
	}
}

// checkModel checks a whole load against model.yaml and against what
// cypher.Store.Write accepts: declared kinds, relationship types and
// properties; values of the declared types, single values for single-valued
// properties; each id once in the whole load (the writer batches records
// and refuses an id twice in a batch); relationship ends of the declared
// kinds, present in the same or an earlier record (resolutions excepted:
// they come from the curated data); ids in the agreed forms; and evidence,
// in the same record, for every fact but the Source.
func checkModel(tb testing.TB, c *collector) {
	tb.Helper()
	m := schema.MustModel()
	kinds := map[string]schema.Kind{} // every entity of the load so far
	ids := map[string]string{}        // every id of the load → record
	once := func(rec, id string) {
		if prev, dup := ids[id]; dup {
			tb.Errorf("%s: id %s already in %s", rec, id, prev)
		}
		ids[id] = rec
	}
	sourceID := ""
	for i, r := range c.records {
		facts := map[string]schema.Kind{}
		for _, e := range r.Entities {
			once(r.ID, e.ID)
			kinds[e.ID] = e.Kind
			facts[e.ID] = e.Kind
			if e.Kind == schema.Source {
				if i != 0 {
					tb.Errorf("%s: Source %s not in the first record", r.ID, e.ID)
				}
				sourceID = e.ID
			}
			if err := e.Validate(m); err != nil {
				tb.Errorf("%v", err)
			}
		}
		for _, rel := range r.Relationships {
			once(r.ID, rel.ID)
			facts[rel.ID] = ""
			decl, ok := m.Rel(rel.Type)
			if !ok {
				tb.Errorf("%s: undeclared type", rel.ID)
				continue
			}
			if want := string(rel.Type) + "|" + rel.FromID + "|" + rel.ToID; rel.ID != want {
				tb.Errorf("relationship id %s, want %s", rel.ID, want)
			}
			if k, ok := kinds[rel.FromID]; !ok || !slices.Contains(decl.From, k) {
				tb.Errorf("%s: from %s (%q) not in %v", rel.ID, rel.FromID, k, decl.From)
			}
			if k, ok := kinds[rel.ToID]; ok && !slices.Contains(decl.To, k) {
				tb.Errorf("%s: to %s (%s) not in %v", rel.ID, rel.ToID, k, decl.To)
			} else if !ok && !strings.HasPrefix(rel.ToID, "resolution:unsc-") {
				tb.Errorf("%s: target %s not in this or an earlier record", rel.ID, rel.ToID)
			}
			if err := rel.Validate(m); err != nil {
				tb.Errorf("%v", err)
			}
		}
		covered := map[string]bool{}
		for _, ev := range r.Evidence {
			once(r.ID, ev.ID)
			covered[ev.FactID] = true
			if _, ok := facts[ev.FactID]; !ok {
				tb.Errorf("%s: evidence %s for a fact not in the record: %s", r.ID, ev.ID, ev.FactID)
			}
			if ev.SourceID != sourceID && ev.SourceID != loaders.ISO3166SourceID {
				tb.Errorf("%s: evidence cites %s", ev.ID, ev.SourceID)
			}
			if err := ev.Validate(m); err != nil {
				tb.Errorf("%v", err)
			}
			if ev.Property != "" {
				p, ok := m.Kinds[facts[ev.FactID]].Properties[ev.Property]
				if !ok {
					tb.Errorf("%s: evidence on undeclared property %s.%s", ev.ID, facts[ev.FactID], ev.Property)
				} else if _, err := p.Check(ev.Value); ev.Value != "" && err != nil {
					tb.Errorf("%s: value: %v", ev.ID, err)
				}
			}
		}
		for id, k := range facts {
			if !covered[id] && k != schema.Source {
				tb.Errorf("%s: no evidence for %s", r.ID, id)
			}
		}
	}
}

// TestLoadErrors covers input the loader must refuse, with the line of the
// problem and the last record read.
func TestLoadErrors(t *testing.T) {
	fixture := readFile(t, filepath.Join("testdata", "list2026.xml"))
	cut := bytes.Index(fixture, []byte("Fictional financier")) + 10 // inside COMMENTS1 of the second record
	const head = `<?xml version="1.0"?>` + "\n" + `<CONSOLIDATED_LIST dateGenerated="2026-05-08T23:00:06.922Z">` + "\n<INDIVIDUALS>\n"
	const good = "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.1</REFERENCE_NUMBER><LISTED_ON>2020-01-01</LISTED_ON></INDIVIDUAL>\n"
	tests := []struct {
		name    string
		input   string
		line    int    // 0: any
		dataID  string // of the failing record
		after   string // last good DATAID
		is      error
		records int // records sent before the error
	}{
		{name: "Truncated", input: string(fixture[:cut]), line: bytes.Count(fixture[:cut], []byte("\n")) + 1, dataID: "9900002", after: "9900001", records: 2},
		{name: "TruncatedBetweenRecords", input: head + good, line: 5, after: "1", records: 2},
		{name: "BadTag", input: head + good + "<INDIVIDUAL><DATAID>2</DATA>\n", line: 5, after: "1", records: 2},
		{name: "BadEntity", input: head + good + good + "<INDIVIDUAL><DATAID>3 &bogus;</DATAID>\n", line: 6, after: "1", records: 3},
		{name: "MissingDataID", input: head + good + strings.Replace(good, "<DATAID>1</DATAID>", "<DATAID> </DATAID>", 1), line: 5, after: "1", is: ErrMissingField, records: 2},
		{name: "MissingName", input: head + strings.Replace(good, "<FIRST_NAME>A</FIRST_NAME>", "<FIRST_NAME> </FIRST_NAME><SECOND_NAME/>", 1), line: 4, dataID: "1", is: ErrMissingField, records: 1},
		{name: "MissingListedOn", input: head + strings.Replace(good, "2020-01-01", "", 1), line: 4, dataID: "1", is: ErrMissingField, records: 1},
		{name: "BadListedOn", input: head + strings.Replace(good, "2020-01-01", "1 Jan. 2020", 1), line: 4, dataID: "1", is: ErrMissingField, records: 1},
		{name: "MissingReference", input: head + strings.Replace(good, "KPi.1", " ", 1), line: 4, dataID: "1", is: ErrMissingField, records: 1},
		{name: "InvalidUTF8", input: head + strings.Replace(good, "<FIRST_NAME>A", "<FIRST_NAME>A\xe9", 1), line: 4, dataID: "1", records: 1},
		{name: "Latin1", input: `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n<CONSOLIDATED_LIST/>", line: 1},
		{name: "NoDateGenerated", input: `<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>`, line: 1, is: ErrMissingField},
		{name: "WrongRoot", input: `<sdnList><sdnEntry/></sdnList>`, line: 1, is: ErrNotConsolidatedList},
		{name: "Empty", input: "", is: ErrNotConsolidatedList},
		{name: "NotXML", input: "ent_num,SDN_Name\n1,A\n", is: ErrNotConsolidatedList},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := load(t, context.Background(), []byte(tt.input))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *ParseError", err)
			}
			if tt.line != 0 && pe.Line != tt.line {
				t.Errorf("Line = %d, want %d (%v)", pe.Line, tt.line, err)
			}
			if pe.DataID != tt.dataID {
				t.Errorf("DataID = %q, want %q (%v)", pe.DataID, tt.dataID, err)
			}
			if pe.After != tt.after {
				t.Errorf("After = %q, want %q (%v)", pe.After, tt.after, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
			if len(c.records) != tt.records {
				t.Errorf("%d records sent, want %d", len(c.records), tt.records)
			}
		})
	}
}

// TestLoadStops covers the two ways a load stops early: a cancelled
// context and a failing sink.
func TestLoadStops(t *testing.T) {
	fixture := readFile(t, filepath.Join("testdata", "list2026.xml"))
	errSink := errors.New("sink failed")
	tests := []struct {
		name    string
		cancel  int // cancel after this many records; -1 before loading
		failAt  int // sink fails on this record (1-based); 0 never
		is      error
		records int
	}{
		{name: "CancelledBefore", cancel: -1, is: context.Canceled, records: 0},
		{name: "CancelledAfterSource", cancel: 1, is: context.Canceled, records: 1},
		{name: "CancelledAfterFirstParty", cancel: 2, is: context.Canceled, records: 2},
		{name: "SinkFails", cancel: 0, failAt: 3, is: errSink, records: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel < 0 {
				cancel()
			}
			c := &collector{}
			c.onRecord = func(context.Context, loaders.Record) error {
				if len(c.records) == tt.cancel {
					cancel()
				}
				if len(c.records) == tt.failAt {
					return errSink
				}
				return nil
			}
			sum, err := (&Loader{}).Load(ctx, bytes.NewReader(fixture), c)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			if len(c.records) != tt.records {
				t.Errorf("%d records sent, want %d", len(c.records), tt.records)
			}
			if tt.failAt == 0 && sum.Records != tt.records {
				t.Errorf("Summary.Records = %d, want %d", sum.Records, tt.records)
			}
		})
	}
}

func TestLoaderOptions(t *testing.T) {
	fixture := readFile(t, filepath.Join("testdata", "list2020.xml"))
	c := &collector{}
	l := &Loader{SourceURL: "https://example.org/consolidated.xml", Via: "https://example.org/mirror/consolidated.xml"}
	if _, err := l.Load(context.Background(), bytes.NewReader(append([]byte("\xEF\xBB\xBF"), fixture...)), c); err != nil {
		t.Fatal(err)
	}
	src := c.entity(t, "source:unsc-consolidated-2020-11-24")
	if got := src.Properties.First("url"); got != l.SourceURL {
		t.Errorf("url = %q", got)
	}
	if got := src.Properties.First("via"); got != l.Via {
		t.Errorf("via = %q", got)
	}
}

func TestPublicationDate(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"UTC", "2026-05-08T23:00:06.922Z", "2026-05-08"},
		{"Offset", "2020-11-24T20:23:07.617-05:00", "2020-11-24"},
		{"NoFraction", "2021-01-02T03:04:05+01:00", "2021-01-02"},
		{"NoZone", "2021-01-02T03:04:05", "2021-01-02"},
		{"DateOnly", "2021-01-02", "2021-01-02"},
		{"Padded", " 2021-01-02T03:04:05Z ", "2021-01-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := publicationDate(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("publicationDate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "yesterday", "2021-13-01T00:00:00Z"} {
		if _, err := publicationDate(bad); !errors.Is(err, ErrMissingField) {
			t.Errorf("publicationDate(%q) err = %v", bad, err)
		}
	}
}

func TestSplitAliases(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"Empty", "  ", nil},
		{"One", " Yun Ho-chin ", []string{"Yun Ho-chin"}},
		{"Semicolons", "Abas Rashidi; Abbas Rashedi;  Abas Rashedi;", []string{"Abas Rashidi", "Abbas Rashedi", "Abas Rashedi"}},
		{"Newlines", "Mortaza Safari; Murtaza\nSafari", []string{"Mortaza Safari", "Murtaza Safari"}},
		{"ScriptThenList", "حسن غول (Hassan Ghul; Hassan Gul; Hasan Gul)", []string{"حسن غول", "Hassan Ghul", "Hassan Gul", "Hasan Gul"}},
		{"NestedList", "Hay’at Tahrir al-Sham (HTS) (هيئة تحرير الشام\n(original script); Hay’at Tahrir al-Sham; Tahrir al-Sham Hay’at) ",
			[]string{"Hay’at Tahrir al-Sham (HTS)", "هيئة تحرير الشام", "Hay’at Tahrir al-Sham", "Tahrir al-Sham Hay’at"}},
		{"OriginalScript", "Amir Khazmat (original script: Амир Хазмат) ", []string{"Amir Khazmat", "Амир Хазмат"}},
		{"ListMarker", "Mohammed Sabet; Mohammad Sabet b) M. Javad Kareemi Sabet", []string{"Mohammed Sabet", "Mohammad Sabet", "M. Javad Kareemi Sabet"}},
		{"StrayBracket", ") Abdelrahman Juhan", []string{"Abdelrahman Juhan"}},
		{"TrailingComma", "Akhter Mohmad (اختر محمد ),", []string{"Akhter Mohmad (اختر محمد)"}},
		{"Acronym", "Al-Qaida in Yemen (AQY)", []string{"Al-Qaida in Yemen (AQY)"}},
		{"BracketsInName", "Leader (Hong Kong) International Trading Limited", []string{"Leader (Hong Kong) International Trading Limited"}},
		{"Apostrophe", "Kim Cho’ng-sik", []string{"Kim Cho’ng-sik"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := splitAliases(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("splitAliases(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseBirth(t *testing.T) {
	tests := []struct {
		name string
		in   xmlBirth
		want birth
		ok   bool
	}{
		{"Empty", xmlBirth{Type: " "}, birth{}, false},
		{"ExactDate", xmlBirth{Type: "EXACT", Date: "1944-10-13"}, birth{date: "1944-10-13", text: "1944-10-13"}, true},
		{"DateWithZone", xmlBirth{Type: "EXACT", Date: "1960-01-01-05:00"}, birth{date: "1960-01-01", text: "1960-01-01"}, true},
		{"ExactYear", xmlBirth{Type: "EXACT", Year: "1958"}, birth{date: "1958", text: "1958"}, true},
		{"Approximately", xmlBirth{Type: "APPROXIMATELY", Year: "1958"}, birth{date: "1958", text: "approximately 1958", uncertain: true}, true},
		{"Between", xmlBirth{Type: "BETWEEN", FromYear: "1967", ToYear: "1969"}, birth{text: "between 1967 and 1969", uncertain: true}, true},
		{"BetweenNote", xmlBirth{Type: "BETWEEN", FromYear: "1967", ToYear: "1969", Note: "Approximately "}, birth{text: "between 1967 and 1969 (Approximately)", uncertain: true}, true},
		{"BetweenSameYear", xmlBirth{Type: "BETWEEN", FromYear: "1967", ToYear: "1967"}, birth{date: "1967", text: "1967"}, true},
		{"MonthYearNote", xmlBirth{Type: "EXACT", Note: "Nov. 1973 "}, birth{date: "1973-11", text: "1973-11"}, true},
		{"MonthYearLong", xmlBirth{Type: "EXACT", Note: "August 1961"}, birth{date: "1961-08", text: "1961-08"}, true},
		{"YearWithNote", xmlBirth{Type: "EXACT", Year: "1958", Note: "Sep."}, birth{date: "1958", text: "1958 (Sep.)", uncertain: true}, true},
		{"DateWithNote", xmlBirth{Type: "EXACT", Date: "1979-03-03", Note: "from false passport"}, birth{date: "1979-03-03", text: "1979-03-03 (from false passport)", uncertain: true}, true},
		{"TextOnly", xmlBirth{Type: "APPROXIMATELY", Note: "30-35 years old"}, birth{text: "30-35 years old", uncertain: true}, true},
		{"Hijri", xmlBirth{Type: "EXACT", Note: "24/06/1402 (Hijri Calendar)"}, birth{text: "24/06/1402 (Hijri Calendar)", uncertain: true}, true},
		{"BadYear", xmlBirth{Type: "EXACT", Year: "19xx"}, birth{text: "19xx", uncertain: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseBirth(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseBirth(%+v) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCountryCode(t *testing.T) {
	tests := []struct {
		in     string
		strict bool
		want   string
	}{
		{"Democratic People's Republic of Korea", true, "KP"},
		{"Democratic People’s Republic of Korea", true, "KP"},
		{"United Kingdom of Great Britain and Northern Ireland", true, "GB"},
		{"State of Palestine", true, "PS"},
		{"United Republic of Tanzania", true, "TZ"},
		{"Iran (Islamic Republic of)", true, "IR"},
		{"China, Hong Kong Special Administrative Region", false, "HK"},
		{"Türkiye", true, "TR"},
		{" Russian Federation ", true, "RU"},
		{"na", true, ""},
		{"NA", false, ""},
		{"former Soviet Union", true, ""},
		{"USSR (until 1991)", true, ""},
		{"Bahrain (citizenship revoked in Jan. 2015)", true, ""},
		{"Indonesia (as at Dec. 2003)", true, ""},
		{"Libya (in custody)", false, "LY"},
		{"Libya (in custody)", true, ""},
		{"Sudan/South Sudan", false, ""},
		{"Branch Office 11: Iran", false, ""},
		{"Possibly Ethiopian", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := countryCode(tt.in, tt.strict)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("countryCode(%q, %v) = %q, %v; want %q", tt.in, tt.strict, got, ok, tt.want)
			}
		})
	}
}

func TestResolutions(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		reviews int
	}{
		{"One", "imposed by resolution 1718 (2006).", []string{"1718"}, 0},
		{"Two", "imposed by resolution 1718 (2006), as modified by resolution 1874 (2009), and", []string{"1718", "1874"}, 0},
		{"List", "imposed by resolutions 1737 (2006) and 1747 (2007)", []string{"1737", "1747"}, 0},
		{"LongList", "resolutions 2270 (2016), 2321 (2016) and 2371(2017)", []string{"2270", "2321", "2371"}, 0},
		{"NoSpace", "Pursuant to Resolution 2371(2017) the Security Council added", []string{"2371"}, 0},
		{"NoYear", "Listed pursuant to paragraph 15 of resolution 1970 (Travel Ban).", []string{"1970"}, 0},
		{"Repeated", "resolution 1747 (2007) … in violating paragraph 5 of resolution 1747 (2007)", []string{"1747"}, 0},
		{"Review", "Review pursuant to Security Council resolution 1822 (2008) was concluded on 21 Jun. 2010.", nil, 1},
		{"ReviewAndBasis", "Listed pursuant to resolution 2253 (2015). Review pursuant to Security Council resolution 2368 (2017) was concluded.", []string{"2253"}, 1},
		{"NotAResolution", "breaches of the 2015 Agreement on the Resolution of the Conflict in South Sudan", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reviews := resolutions(tt.in)
			var nums []string
			for _, m := range got {
				nums = append(nums, m.number)
				if !strings.Contains(m.quote, m.number) {
					t.Errorf("quote %q does not name %s", m.quote, m.number)
				}
			}
			if !slices.Equal(nums, tt.want) || reviews != tt.reviews {
				t.Errorf("resolutions(%q) = %v, %d reviews; want %v, %d", tt.in, nums, reviews, tt.want, tt.reviews)
			}
		})
	}
}

func TestSentence(t *testing.T) {
	text := "First one. It left on 4 Dec. 2020 under resolution 1718 (2006). Last one."
	i := strings.Index(text, "resolution")
	if got, want := sentence(text, i, i+10), "It left on 4 Dec. 2020 under resolution 1718 (2006)."; got != want {
		t.Errorf("sentence = %q, want %q", got, want)
	}
}

func TestIMONumbers(t *testing.T) {
	tests := []struct{ in, want string }{
		{"International Maritime Organization (IMO) Number: 1790183.", "1790183"},
		{"IMO number: 5571322.", "5571322"},
		{"Company Number IMO 5434358.", "5434358"},
		{"IMO Number: 5342883. The Chongchongang Shipping", "5342883"},
		{"IMO number: 5676084", "5676084"},
		{"no number here, IMO 12345", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := strings.Join(imoNumbers(tt.in), ",")
			if got != tt.want {
				t.Errorf("imoNumbers(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// errRecorder counts Errorf calls, to test the checkers themselves.
type errRecorder struct {
	testing.TB
	errors []string
}

func (r *errRecorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// TestCheckModelCatches makes sure checkModel is not vacuous: each broken
// load must be reported.
func TestCheckModelCatches(t *testing.T) {
	fixture := readFile(t, filepath.Join("testdata", "list2026.xml"))
	tests := []struct {
		name   string
		mutate func(c *collector)
	}{
		{"StateTwice", func(c *collector) {
			st, ev, _ := loaders.StateEntity("KP")
			c.records[3].Entities = append(c.records[3].Entities, st)
			c.records[3].Evidence = append(c.records[3].Evidence, ev)
		}},
		{"BadDate", func(c *collector) { c.records[1].Entities[0].Properties.Set("birthDate", "Nov. 1973") }},
		{"TwoValues", func(c *collector) { c.records[1].Entities[0].Properties.Set("gender", "male", "female") }},
		{"Undeclared", func(c *collector) { c.records[1].Entities[0].Properties.Set("title", "Colonel") }},
		{"NoEvidence", func(c *collector) {
			c.records[2].Evidence = slices.DeleteFunc(c.records[2].Evidence, func(ev model.Evidence) bool {
				return ev.FactID == SanctionID("QDi.901")
			})
		}},
		{"MissingTarget", func(c *collector) { c.records[4].Relationships[1].ToID = "state:ZZ" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := load(t, context.Background(), fixture)
			if err != nil {
				t.Fatal(err)
			}
			tt.mutate(c)
			rec := &errRecorder{TB: t}
			checkModel(rec, c)
			if len(rec.errors) == 0 {
				t.Errorf("checkModel reported nothing")
			}
		})
	}
}
