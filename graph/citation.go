package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/dataloader"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// derivedSourceID is the source of the identity links the service makes
// (cypher.MatchingSourceID): not a publication, so its evidence is cited as
// the rule and the records it matched.
const derivedSourceID = "source:sanctiongraph-matching"

// cite writes the citation of one piece of evidence from its source. An
// identity link the service derived cites the rule and the records it
// joined, never the service as a publisher.
func cite(ev *model.Evidence, src *model.Entity, style model.CitationStyle) (string, error) {
	if ev.SourceID == derivedSourceID {
		return citeDerived(ev, style)
	}
	c := sourceCitation(ev, src)
	switch style {
	case model.CitationStylePlain:
		return c.plain(), nil
	case model.CitationStyleCslJSON:
		return c.csl()
	case model.CitationStyleBibtex:
		return c.bibtex(), nil
	}
	return "", badInput("style", fmt.Sprintf("%q is not a citation style", style))
}

// citeAll cites evs (sources[i] is evs[i]'s source) in citation order.
func citeAll(evs []*model.Evidence, sources []*model.Entity, style *model.CitationStyle) ([]string, error) {
	out := make([]string, 0, len(evs))
	for _, i := range citationOrder(evs, sources) {
		c, err := cite(evs[i], sources[i], styleOf(style))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func styleOf(s *model.CitationStyle) model.CitationStyle {
	if s == nil {
		return model.CitationStylePlain
	}
	return *s
}

// sourcesOf loads the source of each piece of evidence (nil when gone), in
// one batch of the request's loader (one query without a loader).
func (r *Resolver) sourcesOf(ctx context.Context, evs []*model.Evidence) ([]*model.Entity, error) {
	out := make([]*model.Entity, len(evs))
	l := dataloader.For(ctx)
	if l == nil {
		ids := make([]string, len(evs))
		for i, ev := range evs {
			ids[i] = ev.SourceID
		}
		m, err := r.Store.EntitiesByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		for i, id := range ids {
			out[i] = m[id]
		}
		return out, nil
	}
	thunks := make([]func() (*model.Entity, error), len(evs))
	for i, ev := range evs {
		thunks[i] = l.Entities.LoadThunk(ctx, ev.SourceID)
	}
	for i, load := range thunks {
		src, err := load()
		if err != nil && !dataloader.IsNotFound(err) {
			return nil, err
		}
		out[i] = src
	}
	return out, nil
}

// primaryBasis are the bases of a first-hand statement: a party's own, a
// record, a list, an official body's; news, research and reference works
// report others.
var primaryBasis = map[string]bool{"party": true, "record": true, "list": true, "government": true, "expert": true}

// citationOrder returns the indexes of evs (sources[i] is evs[i]'s source,
// nil when unknown) in the order a writer cites them: strongest status
// first; then first-hand before reports of others; then attributed (a
// publisher known) before anonymous; then earliest (ReportedOn, undated
// last); then as stored.
func citationOrder(evs []*model.Evidence, sources []*model.Entity) []int {
	idx := make([]int, len(evs))
	for i := range idx {
		idx[i] = i
	}
	attributed := func(i int) bool {
		return i < len(sources) && sources[i] != nil && sources[i].Properties.First("publisher") != ""
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := evs[i], evs[j]
		if c := b.Status.Rank() - a.Status.Rank(); c != 0 {
			return c
		}
		if c := cmpBool(!primaryBasis[a.Basis], !primaryBasis[b.Basis]); c != 0 {
			return c
		}
		if c := cmpBool(!attributed(i), !attributed(j)); c != 0 {
			return c
		}
		af, _, aok := statedBounds(a)
		bf, _, bok := statedBounds(b)
		switch {
		case aok != bok:
			return cmpBool(!aok, !bok)
		case aok:
			return af.Compare(bf)
		}
		return 0
	})
	return idx
}

// citation is what a citation says about a source.
type citation struct {
	id, title, publisher, date, via, url, language, kind, quote string
}

func sourceCitation(ev *model.Evidence, src *model.Entity) citation {
	c := citation{id: ev.SourceID, date: ev.ReportedOn(), quote: ev.Quote}
	if src == nil {
		return c
	}
	p := src.Properties
	c.title, c.publisher, c.via, c.url = src.Name, p.First("publisher"), p.First("via"), p.First("url")
	c.language, c.kind = p.First("language"), p.First("sourceKind")
	if c.date == "" {
		c.date = p.First("publishedOn")
	}
	return c
}

func orUnknown(s, what string) string {
	if s == "" {
		return what
	}
	return s
}

// plain: Reuters, "Kim receives car", 2024-02-20 (read in: copy in The
// Hindu). https://… — each part named when unknown, so a writer sees what
// is missing.
func (c citation) plain() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %q, %s", orUnknown(c.publisher, "publisher unknown"), orUnknown(c.title, c.id), orUnknown(c.date, "undated"))
	if c.via != "" {
		fmt.Fprintf(&b, " (read in: %s)", c.via)
	}
	b.WriteString(". ")
	b.WriteString(orUnknown(c.url, "No URL."))
	return b.String()
}

// cslTypes maps the model's source kinds to CSL item types.
var cslTypes = map[string]string{
	"news": "article-newspaper", "article": "article", "official_record": "document",
	"party_statement": "document", "research_report": "report", "sanctions_list": "dataset", "reference": "entry-encyclopedia",
}

func (c citation) csl() (string, error) {
	item := map[string]any{"id": c.id, "type": orUnknown(cslTypes[c.kind], "document"), "title": orUnknown(c.title, c.id)}
	if c.publisher != "" {
		item["publisher"] = c.publisher
		item["container-title"] = c.publisher
	}
	if c.url != "" {
		item["URL"] = c.url
	}
	if c.language != "" {
		item["language"] = c.language
	}
	if parts := dateParts(c.date); parts != nil {
		item["issued"] = map[string]any{"date-parts": [][]int{parts}}
	}
	if c.via != "" {
		item["note"] = "Read in: " + c.via
	}
	b, err := json.Marshal(item)
	if err != nil {
		return "", fmt.Errorf("citation of %s: %w", c.id, err)
	}
	return string(b), nil
}

// dateParts is a date at its own precision: [2024], [2024, 2], [2024, 2, 20].
func dateParts(d string) []int {
	if !schema.ValidDate(d) {
		return nil
	}
	var out []int
	for _, p := range strings.Split(d, "-") {
		n, _ := strconv.Atoi(p)
		out = append(out, n)
	}
	return out
}

func (c citation) bibtex() string {
	key := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, strings.TrimPrefix(c.id, "source:"))
	esc := strings.NewReplacer("{", `\{`, "}", `\}`, `\`, `\textbackslash{}`)
	var b strings.Builder
	fmt.Fprintf(&b, "@misc{%s,\n  title = {%s}", key, esc.Replace(orUnknown(c.title, c.id)))
	if c.publisher != "" {
		fmt.Fprintf(&b, ",\n  organization = {%s}", esc.Replace(c.publisher))
	}
	if parts := dateParts(c.date); parts != nil {
		fmt.Fprintf(&b, ",\n  year = {%d}", parts[0])
		if len(parts) > 1 {
			fmt.Fprintf(&b, ",\n  month = {%d}", parts[1])
		}
		fmt.Fprintf(&b, ",\n  date = {%s}", c.date)
	}
	if c.url != "" {
		fmt.Fprintf(&b, ",\n  url = {%s}", esc.Replace(c.url))
	}
	if c.via != "" {
		fmt.Fprintf(&b, ",\n  note = {Read in: %s}", esc.Replace(c.via))
	}
	b.WriteString("\n}")
	return b.String()
}

// citeDerived cites an identity link the service made: the rule (from the
// evidence's claim, "same IMO number 123 (rule imo)") and the two records
// the link joins (from the fact's id, SAME_AS|a|b).
func citeDerived(ev *model.Evidence, style model.CitationStyle) (string, error) {
	parts := strings.Split(ev.FactID, "|")
	records := "the records linked"
	if len(parts) == 3 {
		records = "records " + parts[1] + " and " + parts[2]
	}
	text := "Identity rule of sanctiongraph (derived, not a publication): " + orUnknown(ev.Claim, "rule not recorded") + "; " + records + "."
	switch style {
	case model.CitationStylePlain:
		return text, nil
	case model.CitationStyleCslJSON:
		b, err := json.Marshal(map[string]any{"id": ev.ID, "type": "dataset", "title": text, "note": "Derived by matching rules over the loaded lists; cite the records' own lists."})
		if err != nil {
			return "", fmt.Errorf("citation of %s: %w", ev.ID, err)
		}
		return string(b), nil
	case model.CitationStyleBibtex:
		return "@misc{derived,\n  title = {" + strings.NewReplacer("{", `\{`, "}", `\}`).Replace(text) + "}\n}", nil
	}
	return "", badInput("style", fmt.Sprintf("%q is not a citation style", style))
}
