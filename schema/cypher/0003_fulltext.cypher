// Full-text search over every name and alias. searchText holds the names
// already normalised by graph/model.NormalizeName (case, diacritics,
// punctuation and hyphens folded), one name per line; the analyzer folds
// what normalisation leaves and splits on white space.
CREATE FULLTEXT INDEX node_names IF NOT EXISTS FOR (n:Node) ON EACH [n.searchText]
  OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding', `fulltext.eventually_consistent`: false}};
