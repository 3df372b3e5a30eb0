package model

import "testing"

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Kim Jong-un", "kim jong un"},
		{"KIM, Jong Un", "kim jong un"},
		{"kim jong un", "kim jong un"},
		{"Ким Чен Ын", "ким чен ын"},
		{"Kim Cho’ng-sik", "kim chong sik"},
		{"Côte d’Ivoire", "cote divoire"},
		{"  RI  ", "ri"},
		{"OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)", "ocean maritime management company limited omm"},
		{"Straße", "strasse"},
		{"ﻣﺤﻤﺪ", "محمد"}, // Arabic presentation forms fold to the plain letters
		{"김정은", "김정은"},
		{"", ""},
		{"---", ""},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSearchTextDeduplicates(t *testing.T) {
	got := SearchText("Kim Jong Un", "Kim Jong-un", "KIM, Jong Un", "Ким Чен Ын", "")
	want := "kim jong un\nким чен ын"
	if got != want {
		t.Errorf("SearchText = %q, want %q", got, want)
	}
}
