// Lookup indexes: evidence by the fact it supports, nodes by dataset record,
// by status and by the date that places them on a timeline; typed lookups.
CREATE INDEX evidence_fact IF NOT EXISTS FOR (e:Evidence) ON (e.factId);
CREATE INDEX evidence_source IF NOT EXISTS FOR (e:Evidence) ON (e.sourceId);
CREATE INDEX node_record IF NOT EXISTS FOR (n:Node) ON (n.dataset, n.recordId);
CREATE INDEX node_status IF NOT EXISTS FOR (n:Node) ON (n.status);
CREATE INDEX node_kind IF NOT EXISTS FOR (n:Node) ON (n.kind);
CREATE INDEX node_when IF NOT EXISTS FOR (n:Node) ON (n.when);
CREATE INDEX node_name IF NOT EXISTS FOR (n:Node) ON (n.sortName);
CREATE INDEX state_iso IF NOT EXISTS FOR (n:State) ON (n.isoCode);
CREATE INDEX resolution_number IF NOT EXISTS FOR (n:Resolution) ON (n.number);
CREATE INDEX product_imo IF NOT EXISTS FOR (n:Product) ON (n.imoNumber);
CREATE INDEX organization_imo IF NOT EXISTS FOR (n:Organization) ON (n.imoNumber);
CREATE INDEX sanction_authority IF NOT EXISTS FOR (n:Sanction) ON (n.authorityId);
