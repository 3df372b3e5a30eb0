package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Spec is one input of a load of several files: a format, its file (none
// for the curated dataset) and the options of its load. Specs load in
// order; a list's editions must come oldest first.
type Spec struct {
	Format  Format
	Path    string
	Options Options
}

// String is the spec as the import command takes it.
func (s Spec) String() string {
	if s.Format == Curated {
		return string(Curated)
	}
	return string(s.Format) + ":" + s.Path
}

// ParseSpec reads FORMAT:PATH (or "curated"); a publication date may
// follow the path as @YYYY-MM-DD (OFAC CSV states none).
func ParseSpec(arg string, base Options) (Spec, error) {
	if arg == string(Curated) {
		return Spec{Format: Curated, Options: base}, nil
	}
	f, path, ok := strings.Cut(arg, ":")
	if !ok || path == "" {
		return Spec{}, fmt.Errorf("%q: want FORMAT:PATH (formats un, ofac, ftm) or curated", arg)
	}
	switch Format(f) {
	case UN, OFAC, FtM:
	default:
		return Spec{}, fmt.Errorf("%q: unknown format %q (un, ofac, ftm, curated)", arg, f)
	}
	s := Spec{Format: Format(f), Path: path, Options: base}
	if p, date, ok := strings.Cut(path, "@"); ok {
		s.Path, s.Options.Published = p, date
	}
	return s, nil
}

// SharedData is every file of the project's shared folder of published
// lists (../shared/data, see its README) with the curated dataset first, in
// the order a researcher would have loaded them: the older editions, then
// the newer ones (the UN list of 2026 last), the publication dates the CSV files do not state taken from
// the README, and the removals between editions years apart allowed (the
// UN list of 2026 no longer holds 10 % of the 2020 listings). It is the
// data set the tests, the benchmarks and `sanctiongraph import -shared`
// treat as the normal case.
func SharedData(dir string, base Options) []Spec {
	at := func(f Format, rel, published string, massRemoval bool) Spec {
		o := base
		o.Published, o.AllowMassRemoval = published, massRemoval || base.AllowMassRemoval
		return Spec{Format: f, Path: filepath.Join(dir, rel), Options: o}
	}
	cons := func(s Spec) Spec { s.Options.Dataset = "ofac-cons"; return s } // ofac.xml does not say which list it is
	return []Spec{
		{Format: Curated, Options: base},
		at(UN, "un-sc-consolidated-2020/consolidated.xml", "", false),
		at(OFAC, "ofac-sdn-csv-2021", "2021-07-07", false),
		cons(at(OFAC, "ofac-consolidated-xml-2018/consolidated.xml", "", false)),
		at(FtM, "opensanctions-ftm/zala/entities.ftm.json", "", false),
		at(FtM, "opensanctions-ftm/t1/entities.ftm.json", "", false),
		at(OFAC, "ofac-sdn-csv-2024/sdn.csv", "2024-05-03", true),
		cons(at(OFAC, "ofac-consolidated-xml/ofac.xml", "", true)),
		at(UN, "un-sc-consolidated/un_sanctions.xml", "", true),
	}
}

// AllStore is what LoadAll needs of the store.
type AllStore interface {
	ListStore
	LinkStore
}

// LoadAll loads specs in order through the transactional path, linking
// records across datasets after each, as `sanctiongraph load` run once per
// spec does.
func LoadAll(ctx context.Context, st AllStore, specs []Spec) ([]Result, LinkResult, error) {
	var lr LinkResult
	res, err := loadSpecs(ctx, st, specs, func() error {
		var err error
		lr, err = Link(ctx, st)
		return err
	})
	return res, lr, err
}

// loadSpecs loads specs in order, calling after (if set) after each.
func loadSpecs(ctx context.Context, st ListStore, specs []Spec, after func() error) ([]Result, error) {
	var out []Result
	for _, s := range specs {
		if err := loadSpec(ctx, st, s, &out); err != nil {
			return out, err
		}
		if after != nil {
			if err := after(); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

func loadSpec(ctx context.Context, st ListStore, s Spec, out *[]Result) error {
	{
		if s.Format == Curated {
			sum, err := LoadCurated(ctx, st)
			if err != nil {
				return fmt.Errorf("curated: %w", err)
			}
			*out = append(*out, Result{What: string(Curated), Summary: sum})
			return nil
		}
		r, err := LoadFile(ctx, st, s.Format, s.Path, s.Options)
		*out = append(*out, r)
		return err
	}
}

// Capture runs the loaders of specs into a bulk load — every check and
// guard of a transactional load, nothing sent to Neo4j — and writes it to
// dir as the files of Neo4j's importer (cypher.Bulk.WriteCSV).
func Capture(ctx context.Context, m *schema.Model, specs []Spec, dir string) (cypher.BulkFiles, []Result, error) {
	b := cypher.NewBulk(m)
	res, err := loadSpecs(ctx, b, specs, nil)
	if err != nil {
		return cypher.BulkFiles{}, res, err
	}
	files, err := b.WriteCSV(ctx, dir)
	if err != nil {
		return files, res, fmt.Errorf("writing the importer's files to %s: %w", dir, err)
	}
	return files, res, nil
}

// BulkStore is what finishing a bulk import needs of the store.
type BulkStore interface {
	LinkStore
	MigrateBulk(ctx context.Context) ([]string, error)
	FinishBulk(ctx context.Context, eds []cypher.BulkEdition) error
}

// Finish runs on the database Neo4j's importer wrote from Capture's files:
// it creates the schema (skipping backfills, which convert older data),
// records the lists' editions in load order (deriving listing periods) and
// links records across datasets — after which the graph is what the
// transactional loads of the same specs make, and later editions load
// incrementally with `load`.
func Finish(ctx context.Context, st BulkStore, editionsFile string) (LinkResult, error) {
	if _, err := st.MigrateBulk(ctx); err != nil {
		return LinkResult{}, fmt.Errorf("schema: %w", err)
	}
	eds, err := cypher.ReadBulkEditions(editionsFile)
	if err != nil {
		return LinkResult{}, fmt.Errorf("editions: %w", err)
	}
	if err := st.FinishBulk(ctx, eds); err != nil {
		return LinkResult{}, err
	}
	return Link(ctx, st)
}
