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
}

// Migrations parses schema/cypher: files in name order, statements split on
// semicolons that end a line, `//` comment lines dropped.
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
		for _, line := range strings.Split(string(b), "\n") {
			t := strings.TrimSpace(line)
			if t == "" || strings.HasPrefix(t, "//") {
				continue
			}
			cur.WriteString(line)
			cur.WriteByte('\n')
			if strings.HasSuffix(t, ";") {
				m.Statements = append(m.Statements, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
				cur.Reset()
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
	const op = "cypher.Store.Migrate"
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
		for _, stmt := range m.Statements {
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
