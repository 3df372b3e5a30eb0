package bookmark

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name   string
		values []string
		want   []string
		err    string
	}{
		{"One", []string{"FB:kcwQ6UbA1ztGRAWLm5ShhWwxRZAAkA=="}, []string{"FB:kcwQ6UbA1ztGRAWLm5ShhWwxRZAAkA=="}, ""},
		{"CommasAndSpaces", []string{" a:1 , b:2,,", "c:3"}, []string{"a:1", "b:2", "c:3"}, ""},
		{"Duplicates", []string{"a:1,a:1", "a:1"}, []string{"a:1"}, ""},
		{"Empty", []string{"", " , "}, nil, ""},
		{"TooLong", []string{strings.Repeat("a", MaxLen+1)}, nil, "characters long"},
		{"LongestAllowed", []string{strings.Repeat("a", MaxLen)}, []string{strings.Repeat("a", MaxLen)}, ""},
		{"Quote", []string{`a"b`}, nil, `'"'`},
		{"Newline", []string{"a\nb"}, nil, `'\n'`},
		{"NonASCII", []string{"Ä:1"}, nil, "'Ä'"},
		{"TooMany", []string{"a,b,c,d,e,f,g,h,i"}, nil, "more than 8"},
		{"Eight", []string{"a,b,c,d", "e,f,g,h"}, []string{"a", "b", "c", "d", "e", "f", "g", "h"}, ""},
		{"ManyDuplicatesAreOne", []string{strings.Repeat("x,", 50)}, []string{"x"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.values)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), Header) {
					t.Fatalf("Parse(%q) = %v, %v; want an error naming %s and %q", c.values, got, err, Header, c.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Fatalf("Parse(%q) = %q, %v; want %q", c.values, got, err, c.want)
			}
		})
	}
}

func TestContext(t *testing.T) {
	ctx := context.Background()
	if From(ctx) != nil || From(With(ctx, nil)) != nil {
		t.Fatal("a context without bookmarks carries some")
	}
	if got := From(With(ctx, []string{"a:1"})); !slices.Equal(got, []string{"a:1"}) {
		t.Fatalf("From(With(a:1)) = %q", got)
	}
}
