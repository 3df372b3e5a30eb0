package loaders

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// Input limits. Loaders used to trust their input's size: a 2 MB .gz
// expanded past 8 GB of loader memory, and a 100 MB remarks field was
// stored as a 100 MB description that no query could read back in time.
const (
	// DefaultMaxDecompressed caps what a compressed file may expand to.
	// The largest published list (OpenSanctions' default export) is a few
	// GB; raise it with -max-decompressed-mb.
	DefaultMaxDecompressed = 8 << 30
	// DefaultMaxRatio caps how many times larger than its compressed size
	// a file may expand, once it is past RatioFloor: XML, CSV and JSON
	// lists compress 5–20 times, zip bombs a thousand times.
	DefaultMaxRatio = 100
	// RatioFloor is the expanded size below which the ratio is not
	// checked (a small, very repetitive file is harmless).
	RatioFloor = 64 << 20
	// DefaultMaxRecordBytes caps one source record: a line of CSV or JSON
	// lines, or a run of XML text between tags. It is the API's request
	// body limit, the largest record a curator can send.
	DefaultMaxRecordBytes = 1 << 20
	// MaxTextBytes caps every text field a loader stores (a description,
	// remark, property value, alias, quote or claim): the curators' cap.
	// Longer text is cut there, with a note (see TruncateText).
	MaxTextBytes = 20_000
	// MaxNameBytes caps names and aliases, as for curators.
	MaxNameBytes = 500
)

// Limits bound what a loader reads; a zero field takes its default.
type Limits struct {
	// MaxDecompressed caps the bytes a compressed file expands to.
	MaxDecompressed int64
	// MaxRatio caps expanded ÷ compressed bytes past RatioFloor.
	MaxRatio int64
	// MaxRecordBytes caps one record (Check).
	MaxRecordBytes int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxDecompressed <= 0 {
		l.MaxDecompressed = DefaultMaxDecompressed
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	if l.MaxRecordBytes <= 0 {
		l.MaxRecordBytes = DefaultMaxRecordBytes
	}
	return l
}

// ErrTooLarge is wrapped by every error about input past a limit.
var ErrTooLarge = errors.New("input exceeds a loader limit")

// OpenLimited is Open with limits on decompression: a gzip file is first
// expanded once without keeping anything, and refused if it expands past
// l.MaxDecompressed or l.MaxRatio times its size, before a loader reads a
// record (so nothing is written); the reader returned stops at the same
// cap should the file change in between.
func OpenLimited(path string, l Limits) (io.ReadCloser, error) {
	l = l.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return &readCloser{Reader: br, closers: []io.Closer{f}}, nil
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	max := expandCap(st.Size(), l)
	zr, err := gzip.NewReader(br)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	n, err := io.Copy(io.Discard, io.LimitReader(zr, max+1))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if n > max {
		f.Close()
		return nil, tooMuchExpansion(path, st.Size(), max, l)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	br.Reset(f)
	if err := zr.Reset(br); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	capped := &capReader{r: zr, left: max, err: tooMuchExpansion(path, st.Size(), max, l)}
	return &readCloser{Reader: capped, closers: []io.Closer{zr, f}}, nil
}

// expandCap is what a compressed file of size bytes may expand to.
func expandCap(size int64, l Limits) int64 {
	max := l.MaxDecompressed
	if byRatio := size * l.MaxRatio; byRatio < max {
		max = byRatio
	}
	return min(l.MaxDecompressed, maxInt64(max, RatioFloor))
}

func maxInt64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func tooMuchExpansion(path string, size, max int64, l Limits) error {
	return fmt.Errorf("%s: %w: the %d compressed bytes expand to more than %d bytes (at most %d times the compressed size past %d MiB, and at most %d MiB; raise -max-decompressed-mb or -max-ratio if the file is genuine)",
		path, ErrTooLarge, size, max, l.MaxRatio, RatioFloor>>20, l.MaxDecompressed>>20)
}

// capReader fails with err once more than left bytes are read.
type capReader struct {
	r    io.Reader
	left int64
	err  error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, c.err
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, c.err
	}
	return n, err
}

// Record separators for Check.
const (
	Lines  = '\n' // CSV, JSON lines: a record is a line
	Markup = '<'  // XML: text runs between tags
)

// Check reads the file at path through OpenLimited and refuses it if a
// record (a run of bytes without sep) is longer than l.MaxRecordBytes; the
// error names the file and the line. Importers call it before loading, so
// an oversized or hostile file is refused before anything is written.
func Check(path string, sep byte, l Limits) error {
	l = l.withDefaults()
	rc, err := OpenLimited(path, l)
	if err != nil {
		return err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	line, run := int64(1), int64(0)
	for {
		chunk, err := br.ReadSlice(sep)
		run += int64(len(chunk))
		if run > l.MaxRecordBytes+1 {
			return fmt.Errorf("%s: line %d: %w: a record (a line, or XML text between tags) is longer than %d bytes; raise -max-record-bytes if the file is genuine",
				path, line, ErrTooLarge, l.MaxRecordBytes)
		}
		if sep == '\n' {
			if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
				line++
			}
		} else {
			line += int64(countNewlines(chunk))
		}
		switch {
		case err == nil:
			run = 0
		case errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF):
			return nil
		default:
			return err
		}
	}
}

func countNewlines(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}

// TruncateText cuts s to at most max bytes at a character boundary and
// says so at the end, so a reader of the stored text knows it is not the
// whole source; ok is false when s fits.
//
// Loaders truncate rather than refuse: a published list is the authority
// on what it lists, and refusing an entry over one overlong remark would
// drop a sanctioned party from the graph. The entry keeps its names, ids
// and sanctions whole (those are short in every real list); the summary
// counts what was cut, and the source record is named in the record's
// provenance for the full text. Names past MaxNameBytes are cut the same
// way. A record past MaxRecordBytes is refused instead (Check): no real
// list has one, so it is a broken or hostile file for a person to look at.
func TruncateText(s string, limit int) (cut string, ok bool) {
	if len(s) <= limit {
		return s, false
	}
	// The kept count has at most as many digits as the whole length.
	note := fmt.Sprintf(" … [cut by sanctiongraph: %d of %d bytes kept; see the source record]", len(s), len(s))
	keep := max(0, limit-len(note))
	for keep > 0 && keep < len(s) && (s[keep]&0xC0) == 0x80 {
		keep--
	}
	note = fmt.Sprintf(" … [cut by sanctiongraph: %d of %d bytes kept; see the source record]", keep, len(s))
	return s[:keep] + note, true
}

// CapText truncates every text field of r to the curators' caps
// (MaxNameBytes for names and aliases, MaxTextBytes for the rest) and
// returns the names of the fields it cut ("description", "property
// remarks", "evidence quote" …), for the load's summary.
func CapText(r *Record) []string {
	var cut []string
	text := func(field string, s *string, max int) {
		if t, ok := TruncateText(*s, max); ok {
			*s = t
			cut = append(cut, field)
		}
	}
	props := func(p model.Properties) {
		for name, vals := range p {
			for i := range vals {
				text("property "+name, &vals[i], MaxTextBytes)
			}
		}
	}
	for i := range r.Entities {
		e := &r.Entities[i]
		text("name", &e.Name, MaxNameBytes)
		for j := range e.Aliases {
			text("alias", &e.Aliases[j], MaxNameBytes)
		}
		text("description", &e.Description, MaxTextBytes)
		props(e.Properties)
	}
	for i := range r.Relationships {
		props(r.Relationships[i].Properties)
	}
	for i := range r.Evidence {
		ev := &r.Evidence[i]
		text("evidence basis", &ev.Basis, MaxTextBytes)
		text("evidence quote", &ev.Quote, MaxTextBytes)
		text("evidence claim", &ev.Claim, MaxTextBytes)
		text("evidence value", &ev.Value, MaxTextBytes)
	}
	return cut
}
