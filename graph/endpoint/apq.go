package endpoint

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
)

// Automatic persisted queries (extension.AutomaticPersistedQuery): a client
// sends {"extensions":{"persistedQuery":{"version":1,"sha256Hash":H}}}
// without the query; an unknown H answers PERSISTED_QUERY_NOT_FOUND, and the
// client sends the query with H once, which stores it (after checking that
// H is its SHA-256). Works over GET too, so dashboards' queries fit a URL
// and can be cached by proxies.
const (
	// APQCacheSize is how many persisted queries the server remembers (least
	// recently used go first).
	APQCacheSize = 1000
	// APQMaxQueryBytes is the largest query that is persisted; larger ones
	// run but are not stored, so the cache holds at most
	// APQCacheSize × APQMaxQueryBytes (32 MiB) whatever clients send.
	APQMaxQueryBytes = 32 << 10
)

// apqCache is the bounded cache of persisted queries.
type apqCache struct{ lru *lru.LRU[string] }

var _ graphql.Cache[string] = apqCache{}

func newAPQCache() apqCache { return apqCache{lru: lru.New[string](APQCacheSize)} }

func (c apqCache) Get(ctx context.Context, hash string) (string, bool) { return c.lru.Get(ctx, hash) }

func (c apqCache) Add(ctx context.Context, hash, query string) {
	if len(query) <= APQMaxQueryBytes {
		c.lru.Add(ctx, hash, query)
	}
}
