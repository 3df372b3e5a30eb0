package model

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

var (
	stripMarks = runes.Remove(runes.In(unicode.Mn))
	folder     = cases.Fold()
)

// NormalizeName folds a name for matching: compatibility forms (Arabic
// presentation forms, full-width letters, ligatures) to their plain letters,
// diacritics removed, case folded, apostrophes dropped ("Cho’ng" → "chong"),
// every other run of punctuation, hyphens and spaces turned into one space
// ("Kim Jong-un" → "kim jong un"). Loaders store names normalised this way
// and the search API normalises queries the same way, so both sides agree.
func NormalizeName(s string) string {
	t := transform.Chain(norm.NFKD, stripMarks, norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	folded = folder.String(folded)
	var b strings.Builder
	b.Grow(len(folded))
	space := false
	for _, r := range folded {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == 'ʼ' || r == '`' || r == '´':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// SearchText is the text indexed for full-text search: every distinct
// normalised name, one per line.
func SearchText(names ...string) string {
	seen := make(map[string]bool, len(names))
	out := make([]string, 0, len(names))
	for _, n := range names {
		k := NormalizeName(n)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, k)
	}
	return strings.Join(out, "\n")
}
