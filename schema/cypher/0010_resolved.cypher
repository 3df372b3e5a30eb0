// Resolved entities (cypher.Store.Resolve): one :Resolved node per
// real-world thing, with the id of its preferred record, joined to its
// records by (record)-[:RECORD_OF]->(resolved) and
// (resolved)-[:HAS_RECORD]->(record). Every record starts as its own
// resolved entity; SAME_AS clusters are merged after each load.
CREATE CONSTRAINT resolved_id IF NOT EXISTS FOR (r:Resolved) REQUIRE r.id IS UNIQUE;
CREATE INDEX resolved_kind IF NOT EXISTS FOR (r:Resolved) ON (r.kind);
// backfill: converts graphs of older versions (MigrateBulk skips it)
MATCH (n:Node) WHERE NOT EXISTS { (n)-[:RECORD_OF]->(:Resolved) }
MERGE (r:Resolved {id: n.id}) ON CREATE SET r.kind = n.kind
CREATE (n)-[:RECORD_OF]->(r), (r)-[:HAS_RECORD]->(n);
