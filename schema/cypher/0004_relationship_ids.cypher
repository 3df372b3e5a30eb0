// Relationship ids, one index per type (Neo4j indexes relationships by type).
// Relationship ids start with their type ("USES|from|to"), so a lookup by id
// knows which index to use. schema_test.go checks every type has one.
CREATE INDEX rel_leads_id IF NOT EXISTS FOR ()-[r:LEADS]-() ON (r.id);
CREATE INDEX rel_works_for_id IF NOT EXISTS FOR ()-[r:WORKS_FOR]-() ON (r.id);
CREATE INDEX rel_member_of_id IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() ON (r.id);
CREATE INDEX rel_permanent_member_of_id IF NOT EXISTS FOR ()-[r:PERMANENT_MEMBER_OF]-() ON (r.id);
CREATE INDEX rel_family_of_id IF NOT EXISTS FOR ()-[r:FAMILY_OF]-() ON (r.id);
CREATE INDEX rel_associate_of_id IF NOT EXISTS FOR ()-[r:ASSOCIATE_OF]-() ON (r.id);
CREATE INDEX rel_national_of_id IF NOT EXISTS FOR ()-[r:NATIONAL_OF]-() ON (r.id);
CREATE INDEX rel_based_in_id IF NOT EXISTS FOR ()-[r:BASED_IN]-() ON (r.id);
CREATE INDEX rel_owns_id IF NOT EXISTS FOR ()-[r:OWNS]-() ON (r.id);
CREATE INDEX rel_directs_id IF NOT EXISTS FOR ()-[r:DIRECTS]-() ON (r.id);
CREATE INDEX rel_manufactures_id IF NOT EXISTS FOR ()-[r:MANUFACTURES]-() ON (r.id);
CREATE INDEX rel_developed_id IF NOT EXISTS FOR ()-[r:DEVELOPED]-() ON (r.id);
CREATE INDEX rel_supplies_id IF NOT EXISTS FOR ()-[r:SUPPLIES]-() ON (r.id);
CREATE INDEX rel_uses_id IF NOT EXISTS FOR ()-[r:USES]-() ON (r.id);
CREATE INDEX rel_sent_id IF NOT EXISTS FOR ()-[r:SENT]-() ON (r.id);
CREATE INDEX rel_received_id IF NOT EXISTS FOR ()-[r:RECEIVED]-() ON (r.id);
CREATE INDEX rel_includes_id IF NOT EXISTS FOR ()-[r:INCLUDES]-() ON (r.id);
CREATE INDEX rel_via_id IF NOT EXISTS FOR ()-[r:VIA]-() ON (r.id);
CREATE INDEX rel_participated_in_id IF NOT EXISTS FOR ()-[r:PARTICIPATED_IN]-() ON (r.id);
CREATE INDEX rel_held_in_id IF NOT EXISTS FOR ()-[r:HELD_IN]-() ON (r.id);
CREATE INDEX rel_adopted_id IF NOT EXISTS FOR ()-[r:ADOPTED]-() ON (r.id);
CREATE INDEX rel_voted_on_id IF NOT EXISTS FOR ()-[r:VOTED_ON]-() ON (r.id);
CREATE INDEX rel_imposes_id IF NOT EXISTS FOR ()-[r:IMPOSES]-() ON (r.id);
CREATE INDEX rel_extends_id IF NOT EXISTS FOR ()-[r:EXTENDS]-() ON (r.id);
CREATE INDEX rel_targets_id IF NOT EXISTS FOR ()-[r:TARGETS]-() ON (r.id);
CREATE INDEX rel_reacted_to_id IF NOT EXISTS FOR ()-[r:REACTED_TO]-() ON (r.id);
CREATE INDEX rel_designates_id IF NOT EXISTS FOR ()-[r:DESIGNATES]-() ON (r.id);
CREATE INDEX rel_issued_by_id IF NOT EXISTS FOR ()-[r:ISSUED_BY]-() ON (r.id);
CREATE INDEX rel_pursuant_to_id IF NOT EXISTS FOR ()-[r:PURSUANT_TO]-() ON (r.id);
CREATE INDEX rel_same_as_id IF NOT EXISTS FOR ()-[r:SAME_AS]-() ON (r.id);
