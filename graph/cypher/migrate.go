package cypher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Migration is one numbered schema file.
type Migration struct {
	Name       string
	Checksum   string
	Statements []string
	// Backfill marks the statements that bring data written by an older
	// version up to this one (a `// backfill` comment line before them).
	// A database the bulk importer just wrote holds data of this version
	// only, so MigrateBulk skips them.
	Backfill []bool
}

// backfillMarker is the comment line that marks the next statement of a
// migration as a backfill.
const backfillMarker = "// backfill"

// Migrations parses schema/cypher: files in name order, statements split on
// semicolons that end a line, `//` comment lines dropped (a `// backfill`
// line marks the statement after it).
func Migrations() ([]Migration, error) {
	fsys := schema.Migrations()
	names, err := fs.Glob(fsys, "*.cypher")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Migration, 0, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		m := Migration{Name: n, Checksum: hex.EncodeToString(sum[:8])}
		var cur strings.Builder
		backfill := false
		for _, line := range strings.Split(string(b), "\n") {
			t := strings.TrimSpace(line)
			if cur.Len() == 0 && (t == backfillMarker || strings.HasPrefix(t, backfillMarker+":")) {
				backfill = true
			}
			if t == "" || strings.HasPrefix(t, "//") {
				continue
			}
			cur.WriteString(line)
			cur.WriteByte('\n')
			if strings.HasSuffix(t, ";") {
				m.Statements = append(m.Statements, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
				m.Backfill = append(m.Backfill, backfill)
				cur.Reset()
				backfill = false
			}
		}
		if strings.TrimSpace(cur.String()) != "" {
			return nil, fmt.Errorf("%s: last statement does not end with ';'", n)
		}
		out = append(out, m)
	}
	return out, nil
}

const (
	cypherAppliedMigrations = `MATCH (m:` + schema.MigrationLabel + `) RETURN m.name AS name, m.checksum AS checksum`
	cypherRecordMigration   = `MERGE (m:` + schema.MigrationLabel + ` {name: $name})
SET m.checksum = $checksum, m.appliedAt = datetime()`
	cypherAwaitIndexes = `CALL db.awaitIndexes($seconds)`
)

// Migrate applies the schema migrations that are not applied yet (or whose
// file changed; every statement is idempotent), records each as a
// :Migration node, and waits until every index is online. It returns the
// names applied by this call.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	return s.migrate(ctx, "cypher.Store.Migrate", false)
}

// MigrateBulk is Migrate for a database Neo4j's importer has just written
// from a Bulk load: it creates the constraints and indexes and runs the
// statements that set up data every graph has, but skips the backfills,
// which convert data of older versions (one of them rebuilds editions for
// lists loaded before editions existed, which an imported graph gets from
// FinishBulk instead).
func (s *Store) MigrateBulk(ctx context.Context) ([]string, error) {
	return s.migrate(ctx, "cypher.Store.MigrateBulk", true)
}

func (s *Store) migrate(ctx context.Context, op string, skipBackfill bool) ([]string, error) {
	migs, err := Migrations()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	applied, err := read(ctx, s, op, func(tx neo4j.ManagedTransaction) (map[string]string, error) {
		res, err := tx.Run(ctx, cypherAppliedMigrations, nil)
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		out := make(map[string]string, len(recs))
		for _, r := range recs {
			name, _, _ := neo4j.GetRecordValue[string](r, "name")
			sum, _, _ := neo4j.GetRecordValue[string](r, "checksum")
			out[name] = sum
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	var done []string
	for _, m := range migs {
		if applied[m.Name] == m.Checksum {
			continue
		}
		// Schema statements cannot share a transaction with data writes, so
		// each runs on its own; IF NOT EXISTS makes a retry harmless.
		for i, stmt := range m.Statements {
			if skipBackfill && m.Backfill[i] {
				continue
			}
			if _, err := write(ctx, s, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
				_, err := tx.Run(ctx, stmt, nil)
				return struct{}{}, err
			}); err != nil {
				return done, fmt.Errorf("%s: %s: %w", op, m.Name, err)
			}
		}
		if _, err := write(ctx, s, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
			_, err := tx.Run(ctx, cypherRecordMigration, map[string]any{"name": m.Name, "checksum": m.Checksum})
			return struct{}{}, err
		}); err != nil {
			return done, err
		}
		done = append(done, m.Name)
	}
	if _, err := read(ctx, s, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := tx.Run(ctx, cypherAwaitIndexes, map[string]any{"seconds": 300})
		return struct{}{}, err
	}); err != nil {
		return done, err
	}
	return done, nil
}
