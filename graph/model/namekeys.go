package model

import (
	"sort"
	"strings"
)

// Name keys are how records of different datasets are matched by name
// (cypher.Store.LinkSameAs). Each rule is written down in the README
// ("Identity rules") and tested on real records in namekeys_test.go.
//
//  1. Normalisation: NormalizeName (case, diacritics, apostrophes,
//     punctuation and hyphens), so "Kim Jong-un", "KIM, Jong Un" and
//     "Kim Cho’ng-sik" lose their spelling marks.
//  2. Transliteration: TranslitToken folds the romanisation variants of
//     Korean (McCune–Reischauer and Revised: ŏ/eo → o, ŭ/eu → u, ch → j at a
//     syllable start) and Russian (ye → e at a word start, kh → h, y → i,
//     doubled i once) names, on both sides, so "Cho'ng" and "Jong", "Yeo"
//     and "Yo", "Dmitriy" and "Dmitry" fold alike.
//  3. Name order: a person's key is one end word (a surname: lists write
//     "KIM, Yo Jong", stories "Kim Yo Jong"; Western lists "PUTIN, Vladimir
//     Vladimirovich", stories "Vladimir Vladimirovich Putin") and the other
//     words run together in order, so "Jong-un", "Jong Un" and "Jongun"
//     agree. A name of one word has no key.
//  4. Organisations: legal forms ("LIMITED LIABILITY COMPANY", "OOO",
//     "FSUE", "JSC" …) and the words "the", "of", "and" are dropped before
//     comparing (OrgWords).

// TranslitToken folds one normalised word's romanisation variants.
func TranslitToken(w string) string {
	w = strings.ReplaceAll(w, "eo", "o")
	w = strings.ReplaceAll(w, "eu", "u")
	if strings.HasPrefix(w, "ch") {
		w = "j" + w[2:]
	}
	if strings.HasPrefix(w, "ye") {
		w = w[1:]
	}
	w = strings.ReplaceAll(w, "kh", "h")
	w = strings.ReplaceAll(w, "y", "i")
	for strings.Contains(w, "ii") {
		w = strings.ReplaceAll(w, "ii", "i")
	}
	return w
}

// PersonNameKeys returns the keys of a person's name (rules 1–3): for each
// end word, that word and the rest run together. Two names share a key when
// they are the same name in either order and any spacing of its syllables.
func PersonNameKeys(name string) []string {
	words := strings.Fields(NormalizeName(name))
	if len(words) < 2 {
		return nil
	}
	for i, w := range words {
		words[i] = TranslitToken(w)
	}
	first := words[0] + "|" + strings.Join(words[1:], "")
	last := words[len(words)-1] + "|" + strings.Join(words[:len(words)-1], "")
	if first == last {
		return []string{first}
	}
	keys := []string{first, last}
	sort.Strings(keys)
	return keys
}

// legalForms are the words of legal forms and connectives dropped from
// organisation names before matching (rule 4).
var legalForms = map[string]bool{
	"limited": true, "liability": true, "company": true, "co": true, "llc": true, "ltd": true,
	"inc": true, "corp": true, "corporation": true, "plc": true, "gmbh": true, "ag": true, "sa": true,
	"jsc": true, "ojsc": true, "pjsc": true, "cjsc": true, "ooo": true, "oao": true, "zao": true, "pao": true, "ao": true,
	"joint": true, "stock": true, "public": true, "closed": true, "open": true,
	"fsue": true, "federal": true, "state": true, "unitary": true, "enterprise": true,
	"the": true, "of": true, "and": true,
}

// OrgWords returns an organisation name's words without legal forms and
// connectives, transliteration-folded (rules 1, 2 and 4).
func OrgWords(name string) []string {
	var out []string
	for _, w := range strings.Fields(NormalizeName(name)) {
		if !legalForms[w] {
			out = append(out, TranslitToken(w))
		}
	}
	return out
}

// MinOrgWordsInOrder is how many words a name must keep (OrgWords) to be
// found, in order, inside a longer name (rule 4b).
const MinOrgWordsInOrder = 4

// WordsInOrder reports whether every word of short appears in long in the
// same order (other words may lie between them).
func WordsInOrder(short, long []string) bool {
	if len(short) == 0 {
		return false
	}
	i := 0
	for _, w := range long {
		if i < len(short) && w == short[i] {
			i++
		}
	}
	return i == len(short)
}
