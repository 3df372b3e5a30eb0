// The change log is a hash chain (graph/cypher/changelog.go): each :Change
// has a sequence number and the hash of the one before it, and the
// :ChangeLog head holds the last sequence number and hash. Every curator
// write locks the head, so changes are numbered one after another.
CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:Change) REQUIRE c.seq IS UNIQUE;
CREATE CONSTRAINT change_log_id IF NOT EXISTS FOR (h:ChangeLog) REQUIRE h.id IS UNIQUE;
MERGE (h:ChangeLog {id: 'head'}) ON CREATE SET h.seq = 0, h.hash = '';
