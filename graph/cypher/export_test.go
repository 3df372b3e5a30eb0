package cypher

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// HashProps exposes hashProps to the package's external tests.
var HashProps = hashProps

// ExecForTest runs one statement in its own write transaction, bypassing
// every check: tests use it to tamper with records as someone with direct
// database access could.
func (s *Store) ExecForTest(ctx context.Context, cypher string, params map[string]any) error {
	_, err := neo4j.ExecuteQuery(ctx, s.driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
	return err
}

// RerunMigration applies the statements of one migration file again, for
// tests of data migrations on graphs built the old way.
func (s *Store) RerunMigration(ctx context.Context, name string) error {
	migs, err := Migrations()
	if err != nil {
		return err
	}
	for _, m := range migs {
		if m.Name != name {
			continue
		}
		for _, stmt := range m.Statements {
			if _, err := write(ctx, s, "test.RerunMigration", func(tx neo4j.ManagedTransaction) (struct{}, error) {
				_, err := tx.Run(ctx, stmt, nil)
				return struct{}{}, err
			}); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	}
	return fmt.Errorf("no migration %s", name)
}

// ForceListPlan makes resolved lists sorted by name read every page by the
// index walk ("walk", falling back to the sort only when the walk comes up
// short) or by the sort ("sort"); "" lets each page choose.
func (s *Store) ForceListPlan(plan string) { s.listPlan = plan }
