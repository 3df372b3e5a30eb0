// Indexes for linking records across datasets (cypher.Store.LinkSameAs) and
// for the list bookkeeping of loads (latest publication, delisting).
CREATE INDEX person_birth IF NOT EXISTS FOR (n:Person) ON (n.birthDate);
CREATE INDEX source_dataset IF NOT EXISTS FOR (n:Source) ON (n.dataset, n.publishedOn);
CREATE INDEX sanction_dataset IF NOT EXISTS FOR (n:Sanction) ON (n.dataset);
