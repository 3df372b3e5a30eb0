// API keys (cypher.Store keys): one :ApiKey node per key, found by its public
// id when a request presents the key. The constraint keeps ids unique and
// backs that lookup with an index. Keys carry no :Node label, so they are
// never part of the traversable graph.
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE;
