package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/neo4jlocal"
	"github.com/sanctiongraph/sanctiongraph/loaders/importer"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
)

// TestImportCommand runs `sanctiongraph import` as a user would: the
// curated dataset and one UN list into a new local store, which then holds
// what `load` would have written (a load of the same data changes nothing)
// and keeps loading incrementally; and the refusals a user can hit.
func TestImportCommand(t *testing.T) {
	un := sharedtest.Path(t, "un-sc-consolidated/un_sanctions.xml")
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	getenv := func(k string) string {
		if k == "USER" {
			return "tester"
		}
		return ""
	}
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"import", "-neo4j-dir", store, "-progress", "none", "curated", "un:" + un}, getenv, &out, &errOut); code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"curated: entities 319 created", "un un_sanctions.xml:", "neo4j importer:", "SAME_AS", "sanctiongraph dev -neo4j-dir " + store} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("import output lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := os.Stat(store + ".import"); !os.IsNotExist(err) {
		t.Errorf("the importer's files were left in %s.import", store)
	}

	// Refusals, each before anything is written.
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"store exists", []string{"import", "-neo4j-dir", store, "curated"}, "already holds a database"},
		{"bad spec", []string{"import", "-neo4j-dir", filepath.Join(dir, "other"), "xml:foo"}, `unknown format "xml"`},
		{"nothing to load", []string{"import", "-neo4j-dir", filepath.Join(dir, "other")}, "name what to load"},
		{"finish without a server", []string{"import", "-finish", dir}, "set NEO4J_URI"},
		{"csv-only without a directory", []string{"import", "-csv-only", "curated"}, "-csv"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var o, e bytes.Buffer
			if code := run(t.Context(), c.args, getenv, &o, &e); code == 0 || !strings.Contains(e.String(), c.want) {
				t.Errorf("exit %d, stderr %q; want a failure naming %q", code, e.String(), c.want)
			}
		})
	}

	// For Docker and servers: the files and the neo4j-admin command.
	out.Reset()
	csv := filepath.Join(dir, "csv")
	if code := run(t.Context(), []string{"import", "-csv-only", "-csv", csv, "-progress", "none", "curated"}, getenv, &out, &errOut); code != 0 {
		t.Fatalf("import -csv-only: exit %d\n%s", code, errOut.String())
	}
	for _, want := range []string{"neo4j-admin database import full neo4j", "--nodes=/import/nodes-Person.csv", "--relationships=/import/rels-SUPPLIES.csv",
		"--array-delimiter=U+001F", "sanctiongraph import -finish " + csv} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("import -csv-only output lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(csv, "editions.json")); err != nil {
		t.Errorf("import -csv-only: %v", err)
	}

	// The imported store is what the loads make: loading the same data
	// again changes nothing.
	ctx, cancel := context.WithTimeout(t.Context(), sharedtest.Timeout(5*time.Minute))
	defer cancel()
	inst, err := neo4jlocal.Start(ctx, neo4jlocal.Config{Dir: store, HeapMB: 512, PageCacheMB: 64})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Stop(context.Background())
	st, err := cypher.Open(cypher.Config{URI: inst.RoutingURI(), QueryTimeout: sharedtest.Timeout(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	res, _, err := importer.LoadAll(ctx, st, []importer.Spec{{Format: importer.Curated}, {Format: importer.UN, Path: un}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if s := r.Summary; s.Entities.Created+s.Entities.Updated+s.Relationships.Created+s.Relationships.Updated+s.Evidence.Created+s.Evidence.Updated > 0 {
			t.Errorf("%s loaded onto the imported store changed records: %+v", r.What, s)
		}
	}
	if len(res) == 2 && res[1].EditionCreated {
		t.Errorf("the UN edition was recorded again: the import should have recorded it")
	}
}

// TestImportWorkDirInANewClone: `dev -shared` on a fresh clone names a store
// under .neo4j, which does not exist yet; the importer's work directory is
// made beside it all the same (it failed with "stat …/.neo4j").
func TestImportWorkDirInANewClone(t *testing.T) {
	store := filepath.Join(t.TempDir(), ".neo4j", "dev")
	tmp, err := importWorkDir(store)
	if err != nil {
		t.Fatalf("importWorkDir(%s): %v", store, err)
	}
	if filepath.Dir(tmp) != filepath.Dir(store) {
		t.Errorf("work directory %s is not beside the store %s", tmp, store)
	}
	if st, err := os.Stat(tmp); err != nil || !st.IsDir() {
		t.Errorf("work directory %s: %v", tmp, err)
	}
	if _, err := os.Stat(store); !os.IsNotExist(err) {
		t.Errorf("the store directory itself was made (%v): the importer writes it", err)
	}
}
