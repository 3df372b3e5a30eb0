package ofac

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/sanctiongraph/sanctiongraph/loaders"
)

// CSVFiles are the files of one OFAC legacy CSV set. Only SDN is required.
// The names are used in messages and default to OFAC's file names.
type CSVFiles struct {
	SDN      io.Reader // sdn.csv: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks
	Add      io.Reader // add.csv: ent_num, Add_num, Address, City/State/Postal, Country, Add_remarks
	Alt      io.Reader // alt.csv: ent_num, alt_num, alt_type, alt_name, alt_remarks
	Comments io.Reader // sdn_comments.csv: ent_num, Remarks continuation

	SDNName, AddName, AltName, CommentsName string
}

// The number of fields of each file.
const (
	sdnFields      = 12
	addFields      = 6
	altFields      = 5
	commentsFields = 2
)

// Reasons given to Sink.Skip.
const (
	ReasonOrphanAddress = "add.csv row whose ent_num is not in sdn.csv"
	ReasonOrphanAlias   = "alt.csv row whose ent_num is not in sdn.csv"
	ReasonOrphanComment = "sdn_comments.csv row whose ent_num is not in sdn.csv"
	ReasonDuplicate     = "duplicate ent_num"
)

// sideRows are the add, alt and comment rows of one ent_num.
type sideRows struct {
	addresses []sideRow
	aliases   []sideRow
	comments  []sideRow
}

// sideRow is one row of a side file, fields cleaned, with its line.
type sideRow struct {
	line   int
	fields []string
}

// LoadCSV reads an OFAC legacy CSV set and emits the source, then one
// record per sdn.csv row, then the link records (see the package
// documentation). opts.Published is required; opts.Dataset defaults to
// DatasetSDN.
//
// A malformed file (a row with the wrong number of fields, bad quoting)
// stops the load with an error naming the file, line and ent_num. Side-file
// rows whose ent_num is not in sdn.csv, and repeated ent_nums, are reported
// to Sink.Skip and counted in Summary.Skipped. ctx is checked before every
// record.
func LoadCSV(ctx context.Context, files CSVFiles, opts Options, sink loaders.Sink) (Summary, error) {
	if opts.Dataset == "" {
		opts.Dataset = DatasetSDN
	}
	l, err := newLoader(opts, "CSV", sink)
	if err != nil {
		return Summary{}, err
	}
	if opts.Published == "" {
		return l.sum, errors.New("ofac: the CSV states no publication date: set Options.Published")
	}
	if err := l.setPublished(opts.Published); err != nil {
		return l.sum, err
	}
	if files.SDN == nil {
		return l.sum, errors.New("ofac: CSVFiles.SDN is required")
	}
	names := map[*string]string{&files.SDNName: "sdn.csv", &files.AddName: "add.csv", &files.AltName: "alt.csv", &files.CommentsName: "sdn_comments.csv"}
	for p, def := range names {
		if *p == "" {
			*p = def
		}
	}

	// The side files are small: index them by ent_num.
	side := map[string]*sideRows{}
	for _, s := range []struct {
		r      io.Reader
		name   string
		fields int
		add    func(*sideRows, sideRow)
	}{
		{files.Add, files.AddName, addFields, func(s *sideRows, r sideRow) { s.addresses = append(s.addresses, r) }},
		{files.Alt, files.AltName, altFields, func(s *sideRows, r sideRow) { s.aliases = append(s.aliases, r) }},
		{files.Comments, files.CommentsName, commentsFields, func(s *sideRows, r sideRow) { s.comments = append(s.comments, r) }},
	} {
		if s.r == nil {
			continue
		}
		err := readCSV(ctx, s.r, s.name, s.fields, false, func(line int, raw []string) error {
			f := cleanFields(raw)
			rows := side[f[0]]
			if rows == nil {
				rows = &sideRows{}
				side[f[0]] = rows
			}
			s.add(rows, sideRow{line: line, fields: f})
			return nil
		})
		if err != nil {
			return l.sum, err
		}
	}

	if err := l.source(ctx); err != nil {
		return l.sum, err
	}
	err = readCSV(ctx, files.SDN, files.SDNName, sdnFields, true, func(line int, raw []string) error {
		f := cleanFields(raw)
		where := fmt.Sprintf("%s:%d", files.SDNName, line)
		if !l.seen.add(f[0]) {
			return l.skip(ctx, where+" ent_num "+f[0], ReasonDuplicate)
		}
		e := csvEntry(where, f)
		// Remarks cut at the limit, unless a comment row continues them.
		e.truncated = len(raw[11]) >= remarksLimit
		if rows := side[f[0]]; rows != nil {
			delete(side, f[0])
			l.join(e, rows)
		}
		rec, reason := l.record(e)
		if reason != "" {
			return l.skip(ctx, "ofac:"+e.uid+" ("+e.where+")", reason)
		}
		return l.emit(ctx, rec)
	})
	if err != nil {
		return l.sum, err
	}

	// What is left of the side index names entries that do not exist.
	keys := make([]string, 0, len(side))
	for k := range side {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		na, _ := strconv.Atoi(a)
		nb, _ := strconv.Atoi(b)
		return cmp.Or(cmp.Compare(na, nb), cmp.Compare(a, b))
	})
	for _, k := range keys {
		rows := side[k]
		for _, g := range []struct {
			rows   []sideRow
			name   string
			reason string
		}{
			{rows.addresses, files.AddName, ReasonOrphanAddress},
			{rows.aliases, files.AltName, ReasonOrphanAlias},
			{rows.comments, files.CommentsName, ReasonOrphanComment},
		} {
			for _, r := range g.rows {
				if err := l.skip(ctx, fmt.Sprintf("%s:%d ent_num %s", g.name, r.line, k), g.reason); err != nil {
					return l.sum, err
				}
			}
		}
	}
	if err := l.finish(ctx); err != nil {
		return l.sum, err
	}
	return l.sum, nil
}

// csvEntry reads one sdn.csv row.
func csvEntry(where string, f []string) *entry {
	e := &entry{
		uid:        f[0],
		where:      where,
		name:       f[1],
		rawType:    f[2],
		programs:   splitPrograms(f[3]),
		callSign:   f[5],
		vesselType: f[6],
		tonnage:    f[7],
		flag:       f[9],
		owner:      f[10],
		remarks:    f[11],
	}
	if f[4] != "" {
		e.titles = append(e.titles, f[4])
	}
	return e
}

// join attaches the side rows of an entry: comments continue the remarks
// (which stop mid-word at 1000 characters, so they are appended as they
// are), addresses and aliases are added.
func (l *loader) join(e *entry, rows *sideRows) {
	for _, c := range rows.comments {
		e.remarks += c.fields[1]
		l.sum.Comments++
	}
	for _, a := range rows.addresses {
		e.addresses = append(e.addresses, address{parts: dedupe(a.fields[2:4], ""), country: a.fields[4]})
		l.sum.Addresses++
	}
	for _, a := range rows.aliases {
		if a.fields[3] == "" {
			continue
		}
		typ := strings.ToLower(strings.ReplaceAll(a.fields[2], ".", ""))
		e.aliases = append(e.aliases, alias{name: a.fields[3], typ: typ})
		l.sum.Aliases++
	}
	if len(rows.comments) > 0 {
		e.truncated = false
	}
}

// splitPrograms splits OFAC's "NPWMD] [DPRK2" into NPWMD and DPRK2.
func splitPrograms(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, "] [") {
		p = strings.TrimSpace(strings.Trim(strings.TrimSpace(p), "[]"))
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// readCSV reads an OFAC CSV file: no header, CRLF, fields padded with a
// trailing space, "-0- " for null, a final line holding a single Ctrl-Z.
// Every row must have n fields, and the first (ent_num) must be a number.
// fn gets the line and the raw fields of each row, in a slice reused for
// the next row (see cleanFields).
//
// A primary file (sdn.csv) must hold at least one row and end with the
// Ctrl-Z marker: the CSV states no record count, so the marker is how a
// file cut short (at a row boundary or inside a record) is told from a
// complete one. Errors wrap ErrEmpty and ErrTruncated and name the line.
// Side files are not held to it (OFAC's sdn_comments.csv of 2021 ends
// without one).
func readCSV(ctx context.Context, r io.Reader, name string, n int, primary bool, fn func(line int, fields []string) error) error {
	tail := &tailReader{r: r}
	if primary {
		r = tail
	}
	rows, lastLine := 0, 0
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked here, to name the ent_num
	cr.ReuseRecord = true
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("ofac: %s: %w", name, err)
		}
		rec, err := cr.Read()
		if err == io.EOF {
			switch {
			case !primary:
				return nil
			case rows == 0:
				return fmt.Errorf("ofac: %s:%d: %w: no rows", name, lastLine+1, ErrEmpty)
			case tail.last != 0x1a:
				return fmt.Errorf("ofac: %s:%d: %w: the file ends without OFAC's end-of-file marker (Ctrl-Z); the last row read, line %d, may be cut short", name, lastLine, ErrTruncated, lastLine)
			}
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("ofac: %s:%d: %w", name, pe.StartLine, pe.Err)
			}
			return fmt.Errorf("ofac: %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.Trim(rec[0], "\x1a \t") == "" {
			continue // the Ctrl-Z end-of-file marker, or a blank line
		}
		entNum := strings.TrimSpace(rec[0])
		if len(rec) != n {
			return fmt.Errorf("ofac: %s:%d: ent_num %s: %d fields, want %d", name, line, entNum, len(rec), n)
		}
		if _, err := strconv.Atoi(entNum); err != nil {
			return fmt.Errorf("ofac: %s:%d: ent_num %q is not a number", name, line, entNum)
		}
		rows, lastLine = rows+1, line
		if err := fn(line, rec); err != nil {
			return err
		}
	}
}

// Errors for a primary file that is empty or cut short.
var (
	ErrEmpty     = errors.New("empty list")
	ErrTruncated = errors.New("list truncated")
)

// tailReader remembers the last byte read that is not white space.
type tailReader struct {
	r    io.Reader
	last byte
}

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	for i := n - 1; i >= 0; i-- {
		if c := p[i]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			t.last = c
			break
		}
	}
	return n, err
}

// cleanFields returns the fields cleaned (see cleanField), in a new slice.
func cleanFields(raw []string) []string {
	out := make([]string, len(raw))
	for i, f := range raw {
		out[i] = cleanField(f)
	}
	return out
}

// cleanField trims a field, makes the null "-0-" empty and repairs bytes
// that are not UTF-8.
func cleanField(f string) string {
	f = strings.TrimSpace(f)
	if f == "-0-" {
		return ""
	}
	if !utf8.ValidString(f) {
		if s, err := charmap.Windows1252.NewDecoder().String(f); err == nil {
			f = s
		}
	}
	return f
}
