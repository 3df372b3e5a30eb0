package graph

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

func source(id, name string, props map[string]string) *model.Entity {
	p := model.Properties{}
	for k, v := range props {
		p.Set(k, v)
	}
	return &model.Entity{ID: id, Kind: schema.Source, Name: name, Properties: p}
}

// TestCitations: the original publisher with the copy read, the date at
// its precision, the URL or an explicit "No URL."; CSL-JSON and BibTeX of
// the same; an identity link cites its rule and records.
func TestCitations(t *testing.T) {
	reuters := source("source:hindu", "North Korea's Kim Jong Un receives car as gift from Putin", map[string]string{
		"publisher": "Reuters", "via": "copy in The Hindu", "url": "https://www.thehindu.com/x.ece", "publishedOn": "2024-02-20", "sourceKind": "news", "language": "en"})
	ev := &model.Evidence{ID: "ev:1", SourceID: "source:hindu", Status: schema.Confirmed, SourcePublishedOn: "2024-02-20"}
	plain, err := cite(ev, reuters, model.CitationStylePlain)
	if err != nil {
		t.Fatal(err)
	}
	if want := `Reuters, "North Korea's Kim Jong Un receives car as gift from Putin", 2024-02-20 (read in: copy in The Hindu). https://www.thehindu.com/x.ece`; plain != want {
		t.Errorf("plain = %s\nwant    %s", plain, want)
	}
	noURL := source("source:kcna", "KCNA on the gift", map[string]string{"publisher": "KCNA"})
	if got, _ := cite(&model.Evidence{SourceID: "source:kcna", StatedOn: "2024-02"}, noURL, model.CitationStylePlain); got != `KCNA, "KCNA on the gift", 2024-02. No URL.` {
		t.Errorf("plain without URL = %s", got)
	}
	csl, err := cite(ev, reuters, model.CitationStyleCslJSON)
	if err != nil {
		t.Fatal(err)
	}
	var item struct {
		Type, Title, Publisher, URL, Note string
		Issued                            struct {
			DateParts [][]int `json:"date-parts"`
		}
	}
	if err := json.Unmarshal([]byte(csl), &item); err != nil {
		t.Fatalf("CSL-JSON %s: %v", csl, err)
	}
	if item.Type != "article-newspaper" || item.Publisher != "Reuters" || item.URL == "" || len(item.Issued.DateParts) != 1 || len(item.Issued.DateParts[0]) != 3 || !strings.Contains(item.Note, "The Hindu") {
		t.Errorf("CSL-JSON = %s", csl)
	}
	month, _ := cite(&model.Evidence{SourceID: "source:kcna", StatedOn: "2024-02"}, noURL, model.CitationStyleCslJSON)
	if !strings.Contains(month, `"date-parts":[[2024,2]]`) {
		t.Errorf("a month stays a month: %s", month)
	}
	bib, _ := cite(ev, source("source:x", "Braces {and} back\\slash", map[string]string{"publisher": "P"}), model.CitationStyleBibtex)
	if !strings.HasPrefix(bib, "@misc{hindu,") || !strings.Contains(bib, `title = {Braces \{and\} back\textbackslash{}slash}`) || !strings.Contains(bib, "year = {2024}") {
		t.Errorf("BibTeX = %s", bib)
	}
	derived := &model.Evidence{ID: "ev:SAME_AS|ofac:1|unsc:2:match", FactID: "SAME_AS|ofac:1|unsc:2", SourceID: derivedSourceID, Claim: "same IMO number 9123456 (rule imo)"}
	d, _ := cite(derived, source(derivedSourceID, "sanctiongraph matching rules", map[string]string{"publisher": "sanctiongraph"}), model.CitationStylePlain)
	if !strings.Contains(d, "rule imo") || !strings.Contains(d, "ofac:1 and unsc:2") || strings.HasPrefix(d, "sanctiongraph,") {
		t.Errorf("derived = %s", d)
	}
	if _, err := cite(ev, reuters, model.CitationStyle("APA")); model.ErrorCode(err) != model.BadUserInput {
		t.Errorf("unknown style: %v", err)
	}
}

// TestHopSentenceLeadsWithTheStrongestFirstHandSource: an anonymous report
// stored first does not lead where a party's own statement backs the hop.
func TestHopSentenceLeadsWithTheStrongestFirstHandSource(t *testing.T) {
	anon := source("source:anon", "Unattributed report", nil)
	tass := source("source:tass", "Kremlin confirms the gift", map[string]string{"publisher": "TASS", "publishedOn": "2024-02-20"})
	later := source("source:later", "Later party statement", map[string]string{"publisher": "Kremlin", "publishedOn": "2024-03-01"})
	evs := []*model.Evidence{
		{SourceID: "source:anon", Status: schema.Confirmed, Basis: "news"},
		{SourceID: "source:later", Status: schema.Confirmed, Basis: "party", SourcePublishedOn: "2024-03-01"},
		{SourceID: "source:tass", Status: schema.Confirmed, Basis: "party", SourcePublishedOn: "2024-02-20"},
	}
	h := &model.Hop{Forward: true, From: &model.Entity{Name: "Putin"}, To: &model.Entity{Name: "the gift"},
		Relationship: &model.Relationship{Type: schema.Sent, Provenance: model.Provenance{Status: schema.Confirmed}}}
	if got, want := hopSentence(h, evs, []*model.Entity{anon, later, tass}), "Putin — sent → the gift, per TASS 2024-02-20 and 2 more sources"; got != want {
		t.Errorf("sentence = %q, want %q", got, want)
	}
	cites, err := citeAll(evs, []*model.Entity{anon, later, tass}, nil)
	if err != nil || len(cites) != 3 || !strings.HasPrefix(cites[0], "TASS") || !strings.HasPrefix(cites[1], "Kremlin") || !strings.HasPrefix(cites[2], "publisher unknown") {
		t.Errorf("citations = %q, %v", cites, err)
	}
}
