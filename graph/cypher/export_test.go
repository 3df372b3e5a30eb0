package cypher

// HashProps exposes hashProps to the package's external tests.
var HashProps = hashProps
