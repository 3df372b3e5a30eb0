package curated

import (
	"fmt"
	"strings"
)

// MaxProblems bounds how many problems one validation collects before it
// stops looking; a file broken everywhere needs fixing, not a full list.
const MaxProblems = 100

// Problem is one thing wrong with the curated data, located by file, line
// and field path, e.g. `data/people.yaml:42: entities[3].properties.birthDate:
// "1984-13-01" is not a date`.
type Problem struct {
	// File is the path of the file inside the dataset FS ("data/people.yaml").
	File string
	// Line is the 1-based line of the offending node, 0 when unknown.
	Line int
	// Field is the path of the field ("entities[3].properties.birthDate"),
	// empty for a problem with the whole file.
	Field string
	// Message says what is wrong.
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError is returned when the curated data is invalid. Nothing has
// been emitted when it is returned: a dataset is loaded whole or not at all.
type ValidationError struct {
	Problems []Problem
	// Truncated is set when validation stopped after MaxProblems problems.
	Truncated bool
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "curated: %d problem(s) in the dataset", len(e.Problems))
	if e.Truncated {
		fmt.Fprintf(&b, " (stopped after %d)", MaxProblems)
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// problems collects Problems up to MaxProblems.
type problems struct {
	list      []Problem
	truncated bool
}

func (ps *problems) add(file string, line int, field, format string, args ...any) {
	if len(ps.list) >= MaxProblems {
		ps.truncated = true
		return
	}
	ps.list = append(ps.list, Problem{File: file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (ps *problems) full() bool { return len(ps.list) >= MaxProblems }

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps.list, Truncated: ps.truncated}
}
