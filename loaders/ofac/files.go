package ofac

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/loaders"
)

// CSVSet is an OFAC CSV set found on disk: the primary file and whichever
// side files lie beside it.
type CSVSet struct {
	// Dataset is DatasetSDN for sdn.csv, DatasetConsolidated for
	// cons_prim.csv.
	Dataset string
	// Paths of the files; "" when absent (only SDN is required).
	SDN, Add, Alt, Comments string
	// Modified is the modification time of the primary file.
	Modified time.Time
}

// The file names of the two sets OFAC publishes, primary file first.
var csvSetNames = []struct {
	dataset                 string
	sdn, add, alt, comments string
}{
	{DatasetSDN, "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"},
	{DatasetConsolidated, "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"},
}

// FindCSV finds a CSV set from a directory or from the path of its primary
// file (sdn.csv or cons_prim.csv; names match case-insensitively, with or
// without .gz). A primary file of another name is taken as sdn.csv, with
// the side files looked up under OFAC's names beside it.
func FindCSV(path string) (CSVSet, error) {
	st, err := os.Stat(path)
	if err != nil {
		return CSVSet{}, fmt.Errorf("ofac: %w", err)
	}
	dir, primary := path, ""
	if !st.IsDir() {
		dir, primary = filepath.Dir(path), path
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return CSVSet{}, fmt.Errorf("ofac: %w", err)
	}
	find := func(name string) string {
		for _, e := range entries {
			n := strings.ToLower(e.Name())
			if !e.IsDir() && (n == name || n == name+".gz") {
				return filepath.Join(dir, e.Name())
			}
		}
		return ""
	}
	for _, names := range csvSetNames {
		p := find(names.sdn)
		if primary != "" {
			base := strings.TrimSuffix(strings.ToLower(filepath.Base(primary)), ".gz")
			if strings.HasPrefix(base, "cons") != (names.dataset == DatasetConsolidated) {
				continue
			}
			p = primary
		}
		if p == "" {
			continue
		}
		set := CSVSet{Dataset: names.dataset, SDN: p, Add: find(names.add), Alt: find(names.alt), Comments: find(names.comments)}
		if fi, err := os.Stat(p); err == nil {
			set.Modified = fi.ModTime()
		}
		return set, nil
	}
	return CSVSet{}, fmt.Errorf("ofac: no sdn.csv or cons_prim.csv in %s", dir)
}

// LoadCSVSet opens the files of a set and loads them with LoadCSV. When
// opts.Published is empty it is the modification date (UTC) of the primary
// file: OFAC's CSV states no date, and a freshly downloaded file is dated
// by its download. opts.Dataset defaults to the set's.
func LoadCSVSet(ctx context.Context, set CSVSet, opts Options, sink loaders.Sink) (Summary, error) {
	if opts.Published == "" {
		if set.Modified.IsZero() {
			return Summary{}, errors.New("ofac: no publication date: set Options.Published")
		}
		opts.Published = set.Modified.UTC().Format("2006-01-02")
	}
	if opts.Dataset == "" {
		opts.Dataset = set.Dataset
	}
	var files CSVFiles
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	for _, f := range []struct {
		path string
		r    *io.Reader
		name *string
	}{
		{set.SDN, &files.SDN, &files.SDNName},
		{set.Add, &files.Add, &files.AddName},
		{set.Alt, &files.Alt, &files.AltName},
		{set.Comments, &files.Comments, &files.CommentsName},
	} {
		if f.path == "" {
			continue
		}
		rc, err := loaders.OpenLimited(f.path, opts.Limits)
		if err != nil {
			return Summary{}, fmt.Errorf("ofac: %w", err)
		}
		closers = append(closers, rc)
		*f.r, *f.name = rc, filepath.Base(f.path)
	}
	return LoadCSV(ctx, files, opts, sink)
}

// DatasetFromName guesses the dataset of an OFAC file from its name:
// "sdn.xml", "sdn.csv" are the SDN list; "consolidated.xml",
// "cons_prim.csv" the Consolidated list. It returns "" when the name does
// not tell (OFAC's files are often saved under other names).
func DatasetFromName(path string) string {
	base := strings.ToLower(filepath.Base(path))
	switch {
	case strings.HasPrefix(base, "cons"):
		return DatasetConsolidated
	case strings.HasPrefix(base, "sdn"):
		return DatasetSDN
	}
	return ""
}

// LoadXMLFile opens an sdnList XML file (plain or gzip) and loads it with
// LoadXML. opts.Dataset defaults to DatasetFromName; when the name does not
// tell either, it is an error.
func LoadXMLFile(ctx context.Context, path string, opts Options, sink loaders.Sink) (Summary, error) {
	if opts.Dataset == "" {
		opts.Dataset = DatasetFromName(path)
	}
	if opts.Dataset == "" {
		return Summary{}, fmt.Errorf("ofac: %s: cannot tell the SDN list from the Consolidated list by the name: set Options.Dataset", path)
	}
	if opts.Name == "" {
		opts.Name = filepath.Base(path)
	}
	rc, err := loaders.OpenLimited(path, opts.Limits)
	if err != nil {
		return Summary{}, fmt.Errorf("ofac: %w", err)
	}
	defer rc.Close()
	return LoadXML(ctx, rc, opts, sink)
}
