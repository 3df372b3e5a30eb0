// List editions (issue 12): one :Edition node per loaded publication of an
// authority's list, with (:Edition)-[:LISTS]->(:Sanction) for every listing
// it holds. Editions are system records (graph/cypher/editions.go); curator
// mutations reach only :Node and :Evidence.
CREATE CONSTRAINT edition_id IF NOT EXISTS FOR (e:Edition) REQUIRE e.id IS UNIQUE;
CREATE INDEX edition_dataset IF NOT EXISTS FOR (e:Edition) ON (e.dataset, e.publishedOn);
CREATE INDEX rel_lists_id IF NOT EXISTS FOR ()-[r:LISTS]-() ON (r.id);
CREATE INDEX sanction_authority_id IF NOT EXISTS FOR (s:Sanction) ON (s.authorityId);

// UN listings were keyed on the file's DATAID ("unsc:6908046"), which the UN
// changes when it re-issues a record; they are now keyed on the reference
// number ("unsc:KPe.020"). Graphs loaded before are re-keyed in place:
// 1. Per reference, the listing still on the newest list (else the one
//    last delisted) keeps the data and is given the new id (_rekey on the
//    sanction and the party it designates). Where one reference was loaded
//    under several DATAIDs, the others are kept, marked supersededBy the
//    new id, and ranked like retracted facts so lists skip them. Nothing
//    is deleted. A reference already stored under its new id is left alone.
// backfill: converts graphs of older versions (MigrateBulk skips it)
MATCH (s:Node:Sanction)
WHERE s.dataset = 'unsc' AND s.authorityId IS NOT NULL AND s.id STARTS WITH 'unsc-sanction:'
  AND s.id <> 'unsc-sanction:' + s.authorityId
WITH s ORDER BY s.authorityId, s.delistedOn IS NULL DESC, s.delistedOn DESC, s.id
WITH s.authorityId AS ref, collect(s) AS ss
OPTIONAL MATCH (existing:Node {id: 'unsc-sanction:' + ref})
WITH ref, ss, existing IS NULL AS free
UNWIND range(0, size(ss) - 1) AS i
WITH ref, ss[i] AS s, (i = 0 AND free) AS keep
OPTIONAL MATCH (s)-[:DESIGNATES]->(p:Node)
WHERE p.dataset = 'unsc' AND p.id = 'unsc:' + s.recordId
SET s._rekey = CASE WHEN keep THEN 'unsc-sanction:' + ref END,
    s.supersededBy = CASE WHEN keep THEN null ELSE 'unsc-sanction:' + ref END,
    s.statusRank = CASE WHEN keep THEN s.statusRank ELSE -1 END
FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END |
  SET p._rekey = CASE WHEN keep THEN 'unsc:' + ref END,
      p.supersededBy = CASE WHEN keep THEN null ELSE 'unsc:' + ref END,
      p.statusRank = CASE WHEN keep THEN p.statusRank ELSE -1 END);

// 2. Relationships touching a re-keyed node get ids from the new ends
//    (ids are TYPE|from|to); their evidence and change records follow.
// backfill: converts graphs of older versions (MigrateBulk skips it)
MATCH (n:Node)-[r]-()
WHERE n._rekey IS NOT NULL AND r._oldId IS NULL
WITH DISTINCT r
WITH r, startNode(r) AS a, endNode(r) AS b, split(r.id, '|') AS parts
WHERE size(parts) = 3 AND parts[1] = a.id AND parts[2] = b.id
SET r._oldId = r.id,
    r.id = parts[0] + '|' + coalesce(a._rekey, a.id) + '|' + coalesce(b._rekey, b.id),
    r.hash = null;

// backfill: converts graphs of older versions (MigrateBulk skips it)
MATCH ()-[r]->() WHERE r._oldId IS NOT NULL
MATCH (e:Evidence {factId: r._oldId})
SET e.id = CASE WHEN e.id STARTS WITH 'ev:' + r._oldId + ':' THEN 'ev:' + r.id + substring(e.id, size('ev:' + r._oldId)) ELSE e.id END,
    e.factId = r.id, e.hash = null;

// backfill: converts graphs of older versions (MigrateBulk skips it)
MATCH ()-[r]->() WHERE r._oldId IS NOT NULL
MATCH (c:Change {factId: r._oldId})
SET c.factId = r.id;

// 3. The nodes themselves, with their evidence and change records. The
//    hash is cleared so the next load rewrites them whole.
// backfill: converts graphs of older versions (MigrateBulk skips it)
MATCH (n:Node) WHERE n._rekey IS NOT NULL
OPTIONAL MATCH (e:Evidence {factId: n.id})
SET e.id = CASE WHEN e.id STARTS WITH 'ev:' + n.id + ':' THEN 'ev:' + n._rekey + substring(e.id, size('ev:' + n.id)) ELSE e.id END,
    e.factId = n._rekey, e.hash = null;

// backfill: converts graphs of older versions (MigrateBulk skips it)
MATCH (n:Node) WHERE n._rekey IS NOT NULL
MATCH (c:Change {factId: n.id})
SET c.factId = n._rekey;

// backfill: converts graphs of older versions (MigrateBulk skips it)
MATCH (n:Node) WHERE n._rekey IS NOT NULL
SET n.id = n._rekey, n.hash = null
REMOVE n._rekey;

// backfill: converts graphs of older versions (MigrateBulk skips it)
MATCH ()-[r]->() WHERE r._oldId IS NOT NULL
REMOVE r._oldId;

// 4. Graphs loaded before editions existed get one reconstructed edition per
//    list: its newest loaded publication, holding the listings whose
//    evidence cites it (every load rewrites a listing's evidence to cite
//    the list that last named it). Older publications are not
//    reconstructed: which listings they held is no longer known. The
//    compared fields are unknown too, so listChanges reports no amendments
//    against a reconstructed edition.
// backfill: converts graphs of older versions (MigrateBulk skips it)
MATCH (src:Node:Source)
WHERE src.sourceKind = 'sanctions_list' AND src.publishedOn IS NOT NULL
  AND EXISTS { MATCH (s:Node:Sanction {dataset: src.dataset}) WHERE s.authorityId IS NOT NULL }
  AND NOT EXISTS { MATCH (e:Edition) WHERE e.dataset = src.dataset }
WITH src.dataset AS dataset, src ORDER BY src.publishedOn DESC, src.id DESC
WITH dataset, collect(src)[0] AS src
CREATE (e:Edition {id: 'edition:' + dataset + ':' + src.publishedOn + ':reconstructed'})
SET e.dataset = dataset, e.authority = src.publisher, e.list = src.name, e.publishedOn = src.publishedOn,
    e.sourceId = src.id, e.loadedAt = datetime(), e.loadedBy = 'migration 0009_editions', e.reconstructed = true
WITH e, src
MATCH (s:Node:Sanction {dataset: e.dataset})
WHERE s.authorityId IS NOT NULL AND s.supersededBy IS NULL
  AND EXISTS { MATCH (x:Evidence {factId: s.id}) WHERE x.sourceId = src.id }
CREATE (e)-[l:LISTS]->(s)
SET l.id = e.id + '|' + s.id, l.reference = s.authorityId, l.programs = coalesce(s.program, []), l.name = s.name;

// backfill: converts graphs of older versions (MigrateBulk skips it)
MATCH (e:Edition) WHERE e.reconstructed AND e.recordCount IS NULL
SET e.recordCount = COUNT { (e)-[:LISTS]->() };
