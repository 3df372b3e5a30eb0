package endpoint

import (
	"container/list"
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
)

// Automatic persisted queries (extension.AutomaticPersistedQuery): a client
// sends {"extensions":{"persistedQuery":{"version":1,"sha256Hash":H}}}
// without the query; an unknown H answers PERSISTED_QUERY_NOT_FOUND, and the
// client sends the query with H once, which stores it (after checking that
// H is its SHA-256). Works over GET too, so dashboards' queries fit a URL
// and can be cached by proxies.
const (
	// APQCacheSize is how many persisted queries the server remembers.
	APQCacheSize = 1000
	// APQProtected is how many of them are queries that a client other
	// than the one that stored them has used since: registrations alone
	// never evict those.
	APQProtected = 800
	// APQPerClient is how many new (unused by others) queries one client
	// (API key, or address without one) may have stored at once; past it
	// its own oldest goes.
	APQPerClient = 50
	// APQMaxQueryBytes is the largest query that is persisted; larger ones
	// run but are not stored, so the cache holds at most
	// APQCacheSize × APQMaxQueryBytes (32 MiB) whatever clients send.
	APQMaxQueryBytes = 32 << 10
)

// apqCache is the bounded cache of persisted queries, split so that one
// client cannot flush it (1,000 registrations used to evict every persisted
// query): a new query enters a probation segment (APQCacheSize −
// APQProtected entries) charged to the client that stored it, at most
// APQPerClient per client; when a different client uses it, it moves to the
// protected segment, from which only other used queries evict it (least
// recently used first, back into probation).
type apqCache struct {
	mu        sync.Mutex
	entries   map[string]*list.Element
	probation *list.List // of *apqEntry, most recent first
	protected *list.List
	byClient  map[string]int // probation entries per owner
}

type apqEntry struct {
	hash, query, owner string
	protected          bool
	charged            bool // counted in byClient[owner]
}

var _ graphql.Cache[string] = (*apqCache)(nil)

func newAPQCache() *apqCache {
	return &apqCache{entries: map[string]*list.Element{}, probation: list.New(), protected: list.New(), byClient: map[string]int{}}
}

// Get returns a stored query; a use by another client than the one that
// stored it protects it.
func (c *apqCache) Get(ctx context.Context, hash string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[hash]
	if !ok {
		return "", false
	}
	e := el.Value.(*apqEntry)
	switch {
	case e.protected:
		c.protected.MoveToFront(el)
	case !e.charged || e.owner != auth.Client(ctx):
		c.promote(el)
	default:
		c.probation.MoveToFront(el)
	}
	return e.query, true
}

// Add stores a query for the client of ctx.
func (c *apqCache) Add(ctx context.Context, hash, query string) {
	if len(query) > APQMaxQueryBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[hash]; ok {
		return
	}
	owner := auth.Client(ctx)
	if c.byClient[owner] >= APQPerClient {
		c.evictOldestOf(owner)
	} else if c.probation.Len() >= APQCacheSize-APQProtected {
		c.evict(c.probation.Back())
	}
	c.entries[hash] = c.probation.PushFront(&apqEntry{hash: hash, query: query, owner: owner, charged: true})
	c.byClient[owner]++
}

// promote moves a probation entry to the protected segment, demoting the
// least recently used protected entry to probation when it is full.
func (c *apqCache) promote(el *list.Element) {
	e := c.probation.Remove(el).(*apqEntry)
	c.uncharge(e)
	e.protected = true
	c.entries[e.hash] = c.protected.PushFront(e)
	if c.protected.Len() > APQProtected {
		old := c.protected.Remove(c.protected.Back()).(*apqEntry)
		old.protected = false
		if c.probation.Len() >= APQCacheSize-APQProtected {
			c.evict(c.probation.Back())
		}
		c.entries[old.hash] = c.probation.PushFront(old) // owned by no client
	}
}

func (c *apqCache) evictOldestOf(owner string) {
	for el := c.probation.Back(); el != nil; el = el.Prev() {
		if e := el.Value.(*apqEntry); e.charged && e.owner == owner {
			c.evict(el)
			return
		}
	}
}

func (c *apqCache) evict(el *list.Element) {
	if el == nil {
		return
	}
	e := c.probation.Remove(el).(*apqEntry)
	delete(c.entries, e.hash)
	c.uncharge(e)
}

func (c *apqCache) uncharge(e *apqEntry) {
	if !e.charged {
		return
	}
	e.charged = false
	if c.byClient[e.owner]--; c.byClient[e.owner] <= 0 {
		delete(c.byClient, e.owner)
	}
}

// len is the number of stored queries (tests).
func (c *apqCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
