package cypher_test

import (
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
)

// TestMigrationsMarkBackfills: MigrateBulk skips exactly the statements
// marked `// backfill`: the conversions of older data, never a constraint,
// an index or the set-up every graph needs.
func TestMigrationsMarkBackfills(t *testing.T) {
	migs, err := cypher.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	backfills := map[string]int{}
	for _, m := range migs {
		if len(m.Backfill) != len(m.Statements) {
			t.Fatalf("%s: %d statements, %d backfill marks", m.Name, len(m.Statements), len(m.Backfill))
		}
		for i, stmt := range m.Statements {
			up := strings.ToUpper(strings.TrimSpace(stmt))
			schemaStmt := strings.HasPrefix(up, "CREATE CONSTRAINT") || strings.HasPrefix(up, "CREATE INDEX") ||
				strings.HasPrefix(up, "CREATE FULLTEXT") || strings.HasPrefix(up, "CREATE RANGE") || strings.HasPrefix(up, "DROP ")
			if m.Backfill[i] && schemaStmt {
				t.Errorf("%s: schema statement marked as a backfill: %s", m.Name, stmt)
			}
			if m.Backfill[i] {
				backfills[m.Name]++
			}
			if strings.Contains(stmt, "ChangeLog") && m.Backfill[i] {
				t.Errorf("%s: the change log's head is set-up every graph needs, not a backfill", m.Name)
			}
		}
	}
	if backfills["0009_editions.cypher"] != 10 || backfills["0010_resolved.cypher"] != 1 {
		t.Errorf("backfills per migration: %v, want 10 in 0009_editions.cypher and 1 in 0010_resolved.cypher", backfills)
	}
}
