package cypher

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

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
