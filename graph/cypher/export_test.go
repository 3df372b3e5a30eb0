package cypher

import (
	"context"

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
