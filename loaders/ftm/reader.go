package ftm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
)

// readerSize is the read buffer; longer lines are assembled in a buffer
// that is reused, so memory follows the longest line, not the file.
const readerSize = 64 << 10

// lineReader yields the non-blank lines of an FtM file and their numbers.
type lineReader struct {
	br   *bufio.Reader
	n    int    // number of the last line read
	long []byte // reused for lines longer than the buffer
	done bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, readerSize)}
}

var bom = []byte("\xef\xbb\xbf")

// next returns the next non-blank line, without its line ending, valid
// until the following call; io.EOF after the last.
func (lr *lineReader) next() ([]byte, error) {
	for {
		if lr.done {
			return nil, io.EOF
		}
		line, err := lr.read()
		if err != nil && err != io.EOF {
			return nil, err
		}
		if err == io.EOF {
			lr.done = true
			if len(line) == 0 {
				return nil, io.EOF
			}
		}
		lr.n++
		if lr.n == 1 {
			line = bytes.TrimPrefix(line, bom)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		return line, nil
	}
}

func (lr *lineReader) read() ([]byte, error) {
	line, err := lr.br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return line, err
	}
	lr.long = append(lr.long[:0], line...)
	for {
		line, err = lr.br.ReadSlice('\n')
		lr.long = append(lr.long, line...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return lr.long, err
		}
	}
}

// entity is one FtM entity as exported by OpenSanctions.
type entity struct {
	ID         string              `json:"id"`
	Caption    string              `json:"caption"`
	Schema     string              `json:"schema"`
	Properties map[string][]string `json:"properties"`
	Datasets   []string            `json:"datasets"`
	Referents  []string            `json:"referents"`
	Target     bool                `json:"target"`
	FirstSeen  string              `json:"first_seen"`
	LastSeen   string              `json:"last_seen"`
	LastChange string              `json:"last_change"`
}

// decode parses one line, which must hold exactly one JSON object.
func decode(line []byte, e *entity) error {
	if len(line) == 0 || line[0] != '{' {
		return errors.New("not a JSON object")
	}
	if err := json.Unmarshal(line, e); err != nil {
		return err
	}
	e.ID = strings.TrimSpace(e.ID)
	e.Schema = strings.TrimSpace(e.Schema)
	if e.Properties == nil {
		e.Properties = map[string][]string{}
	}
	return nil
}

// take removes a property from e and returns its values, trimmed, without
// empty values and exact duplicates. What is left in e.Properties after the
// mapping has taken what it uses is kept as text or counted as dropped.
func (e *entity) take(name string) []string {
	v, ok := e.Properties[name]
	if !ok {
		return nil
	}
	delete(e.Properties, name)
	return clean(v)
}

// takeAll takes several properties and concatenates their values, without
// duplicates.
func (e *entity) takeAll(names ...string) []string {
	var out []string
	for _, n := range names {
		for _, v := range e.take(n) {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// rest returns the names of the properties not taken, sorted.
func (e *entity) rest() []string {
	names := make([]string, 0, len(e.Properties))
	for n, v := range e.Properties {
		if len(clean(v)) > 0 {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

func clean(in []string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
