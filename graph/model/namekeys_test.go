package model

import (
	"slices"
	"testing"
)

func shareKey(a, b []string) bool {
	for _, k := range a {
		if slices.Contains(b, k) {
			return true
		}
	}
	return false
}

// TestPersonNameKeys checks each name rule on names as the real lists and
// the curated story write them (sources in the comments).
func TestPersonNameKeys(t *testing.T) {
	tests := []struct {
		name, a, b string
		same       bool
	}{
		// Rule 3, surname first: OFAC SDN 21444 and the curated person.
		{"SurnameFirstOFAC", "KIM, Yo Jong", "Kim Yo Jong", true},
		// Rule 3, Western order: OFAC SDN 35096 and the curated alias.
		{"SurnameFirstRussian", "PUTIN, Vladimir Vladimirovich", "Vladimir Vladimirovich Putin", true},
		// Rule 1, hyphens and case: curated alias and OFAC SDN 20157.
		{"HyphenatedGivenName", "Kim Jong-un", "KIM, Jong Un", true},
		// Rule 3, syllables run together.
		{"JoinedSyllables", "Kim Jongun", "Kim Jong Un", true},
		// Rule 2, McCune-Reischauer against Revised: UN KPi.066 and its alias.
		{"KoreanMR", "KIM JONG SIK", "Kim Cho’ng-sik", true},
		// Rule 2, ch/j: UN KPi.001 and its alias.
		{"KoreanChJ", "YUN HO-JIN", "Yun Ho-chin", true},
		// Rule 2, Russian y/i: OFAC SDN 37509 and the curated alias.
		{"RussianYI", "ZAKHAROVA, Mariya Vladimirovna", "Maria Vladimirovna Zakharova", true},
		// Different people stay apart.
		{"OtherGivenName", "Kim Jong Sik", "Kim Jong Un", false},
		{"SisterAndBrother", "Kim Yo Jong", "Kim Jong Un", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ka, kb := PersonNameKeys(tt.a), PersonNameKeys(tt.b)
			if got := shareKey(ka, kb); got != tt.same {
				t.Errorf("%q %v and %q %v share a key: %v, want %v", tt.a, ka, tt.b, kb, got, tt.same)
			}
		})
	}
	t.Run("OneWordHasNoKey", func(t *testing.T) {
		if k := PersonNameKeys("Putin"); k != nil {
			t.Errorf("PersonNameKeys(Putin) = %v, want none", k)
		}
	})
}

func TestOrgWords(t *testing.T) {
	// Rule 4a: OFAC SDN 47956 and the curated Aurus LLC.
	if a, b := OrgWords("LIMITED LIABILITY COMPANY AURUS"), OrgWords("Aurus LLC"); !slices.Equal(a, b) || len(a) != 1 {
		t.Errorf("legal forms: %v and %v", a, b)
	}
	// Rule 4b: the curated NAMI's alias inside OFAC SDN 47953's name.
	long := OrgWords("FEDERAL STATE UNITARY ENTERPRISE CENTRAL ORDER OF THE RED BANNER SCIENTIFIC RESEARCH AUTOMOBILE AND AUTOMOTIVE ENGINES INSTITUTE NAMI")
	short := OrgWords("Central Scientific Research Automobile and Automotive Engines Institute")
	if len(short) < MinOrgWordsInOrder || !WordsInOrder(short, long) {
		t.Errorf("words in order: %v in %v", short, long)
	}
	// Out of order or missing words do not match.
	if WordsInOrder(OrgWords("Automotive Engines Central Scientific Institute"), long) {
		t.Error("words out of order matched")
	}
	if WordsInOrder(OrgWords("Central Scientific Research Aircraft Engines Institute"), long) {
		t.Error("a name with another word matched")
	}
}
