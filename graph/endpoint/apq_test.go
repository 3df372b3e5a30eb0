package endpoint

import (
	"context"
	"fmt"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
)

// TestAPQCacheResistsFlushing registers 1,000 queries from one client,
// then 1,500 from 30: a query another client has used, and one client's
// own query, are still there; the flooding client holds at most
// APQPerClient.
func TestAPQCacheResistsFlushing(t *testing.T) {
	c := newAPQCache()
	as := func(client string) context.Context { return auth.WithClient(context.Background(), client) }
	c.Add(as("ip:dash"), "popular", "{ counts { entities } }")
	if _, ok := c.Get(as("ip:reader"), "popular"); !ok {
		t.Fatal("stored query not found")
	}
	c.Add(as("ip:quiet"), "own", "{ __typename }")

	for i := range 1000 {
		c.Add(as("ip:flood"), fmt.Sprint("f", i), "{ x }")
	}
	if n := c.byClient["ip:flood"]; n != APQPerClient {
		t.Errorf("one client holds %d queries, want %d", n, APQPerClient)
	}
	if _, ok := c.Get(as("ip:quiet"), "own"); !ok {
		t.Error("1,000 registrations from one client evicted another client's query")
	}
	for i := range 1500 {
		c.Add(as(fmt.Sprint("ip:many", i%30)), fmt.Sprint("m", i), "{ x }")
	}
	if _, ok := c.Get(as("ip:dash"), "popular"); !ok {
		t.Error("1,500 registrations from 30 clients evicted a query other clients use")
	}
	if n := c.len(); n > APQCacheSize {
		t.Errorf("%d queries stored, more than %d", n, APQCacheSize)
	}
	// Used queries fill the protected segment up to its size, no further.
	for i := range APQProtected + 100 {
		h := fmt.Sprint("u", i)
		c.Add(as("ip:a"+fmt.Sprint(i%40)), h, "{ y }")
		c.Get(as("ip:b"), h)
	}
	if c.protected.Len() != APQProtected || c.len() > APQCacheSize {
		t.Errorf("protected %d, stored %d", c.protected.Len(), c.len())
	}
	total := 0
	for _, n := range c.byClient {
		total += n
	}
	charged := 0
	for el := c.probation.Front(); el != nil; el = el.Next() {
		if el.Value.(*apqEntry).charged {
			charged++
		}
	}
	if total != charged {
		t.Errorf("per-client counts add up to %d, %d entries charged", total, charged)
	}
}
