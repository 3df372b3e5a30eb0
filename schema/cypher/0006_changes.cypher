// The change log: one :Change node per curator write (graph/cypher/curate.go).
// History is read by fact (its own changes and its evidence's), by actor and
// by time, newest first.
CREATE CONSTRAINT change_id IF NOT EXISTS FOR (c:Change) REQUIRE c.id IS UNIQUE;
CREATE INDEX change_fact_at IF NOT EXISTS FOR (c:Change) ON (c.factId, c.at);
CREATE INDEX change_actor_at IF NOT EXISTS FOR (c:Change) ON (c.actor, c.at);
CREATE INDEX change_at IF NOT EXISTS FOR (c:Change) ON (c.at);
