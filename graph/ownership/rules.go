// Package ownership computes who is caught by ownership: the share of an
// entity held, directly and indirectly, by persons an authority designates
// on a date, and whether it meets that authority's ownership rule on the
// recorded data. The rules are data (rules.yaml); graph/cypher reads the
// facts (model.OwnershipFacts) and this package computes in Go, so every
// answer can be checked by hand against the stakes and listings it names.
package ownership

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

//go:embed rules.yaml
var rulesYAML []byte

// Rule is one authority's ownership rule (rules.yaml explains each field).
type Rule struct {
	ID           string  `yaml:"id"`
	Name         string  `yaml:"name"`
	Threshold    float64 `yaml:"threshold"`
	Comparison   string  `yaml:"comparison"`
	Aggregation  string  `yaml:"aggregation"`
	Together     string  `yaml:"together"`
	Cascade      bool    `yaml:"cascade"`
	Designations Matcher `yaml:"designations"`
	Text         string  `yaml:"text"`
}

// Matcher says which listings count as an authority's designations.
type Matcher struct {
	Datasets        []string `yaml:"datasets"`
	Authorities     []string `yaml:"authorities"`
	ExcludeDatasets []string `yaml:"excludeDatasets"`
}

// The values of Rule.Comparison, Rule.Aggregation and Rule.Together.
const (
	AtLeast     = "at_least"
	MoreThan    = "more_than"
	AllOwners   = "owners"
	SingleOwner = "single"
	Joint       = "joint"
)

var loadRules = sync.OnceValues(func() ([]Rule, error) { return ParseRules(rulesYAML) })

// ParseRules reads and checks a rules file.
func ParseRules(b []byte) ([]Rule, error) {
	var doc struct {
		Rules []Rule `yaml:"rules"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("ownership rules: %w", err)
	}
	seen := map[string]bool{}
	for _, r := range doc.Rules {
		switch {
		case r.ID == "" || seen[strings.ToUpper(r.ID)]:
			return nil, fmt.Errorf("ownership rules: rule %q: id empty or repeated", r.ID)
		case r.Threshold <= 0 || r.Threshold > 100:
			return nil, fmt.Errorf("ownership rules: %s: threshold %v is not in (0, 100]", r.ID, r.Threshold)
		case r.Comparison != AtLeast && r.Comparison != MoreThan:
			return nil, fmt.Errorf("ownership rules: %s: comparison %q is not at_least or more_than", r.ID, r.Comparison)
		case r.Aggregation != AllOwners && r.Aggregation != SingleOwner:
			return nil, fmt.Errorf("ownership rules: %s: aggregation %q is not owners or single", r.ID, r.Aggregation)
		case r.Together != "" && (r.Together != Joint || r.Aggregation != SingleOwner):
			return nil, fmt.Errorf("ownership rules: %s: together %q needs aggregation single and the value joint", r.ID, r.Together)
		case len(r.Designations.Datasets)+len(r.Designations.Authorities) == 0:
			return nil, fmt.Errorf("ownership rules: %s: no designations", r.ID)
		case r.Name == "" || r.Text == "":
			return nil, fmt.Errorf("ownership rules: %s: name and text are required", r.ID)
		}
		seen[strings.ToUpper(r.ID)] = true
	}
	if len(doc.Rules) == 0 {
		return nil, fmt.Errorf("ownership rules: none")
	}
	return doc.Rules, nil
}

// Rules returns the rules of rules.yaml, in file order. The file is part of
// the binary and checked by the package's tests, so a failure to read it is
// a programming error.
func Rules() []Rule {
	rs, err := loadRules()
	if err != nil {
		panic(err)
	}
	return rs
}

// RuleFor returns the rule of an authority id (any case).
func RuleFor(id string) (Rule, bool) {
	for _, r := range Rules() {
		if strings.EqualFold(r.ID, strings.TrimSpace(id)) {
			return r, true
		}
	}
	return Rule{}, false
}

// Authorities lists the rules' ids.
func Authorities() []string {
	var out []string
	for _, r := range Rules() {
		out = append(out, r.ID)
	}
	return out
}

// Matches reports whether a listing (a Sanction record) counts as one of
// the authority's designations.
func (m Matcher) Matches(s *model.Entity) bool {
	if s == nil {
		return false
	}
	for _, d := range m.ExcludeDatasets {
		if s.Dataset == d {
			return false
		}
	}
	for _, d := range m.Datasets {
		if s.Dataset == d {
			return true
		}
	}
	a := strings.TrimSpace(s.Properties.First("authority"))
	for _, want := range m.Authorities {
		if a != "" && strings.EqualFold(a, want) {
			return true
		}
	}
	return false
}

// Passes reports whether a share passes the rule's threshold.
func (r Rule) Passes(share float64) bool {
	if r.Comparison == MoreThan {
		return share > r.Threshold
	}
	return share >= r.Threshold
}

// Test states the threshold in words: "50 % or more" or "more than 50 %".
func (r Rule) Test() string {
	t := pct(r.Threshold)
	if r.Comparison == MoreThan {
		return "more than " + t
	}
	return t + " or more"
}

// Model returns the rule as the API shows it.
func (r Rule) Model() *model.OwnershipRule {
	return &model.OwnershipRule{
		Authority: r.ID, Name: r.Name, Threshold: r.Threshold, Comparison: r.Comparison,
		Aggregation: r.Aggregation, Together: r.Together, Cascade: r.Cascade, Text: strings.TrimSpace(r.Text),
	}
}
