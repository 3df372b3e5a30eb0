// Package bookmark carries Neo4j bookmarks from a client to the store, so
// that a curator's next request sees its own write on whichever API replica
// and whichever cluster member serve it.
//
// Within one process the store shares the driver's bookmark manager: every
// read waits for every write the process committed. Across replicas behind
// a load balancer that is not enough: the write may commit through replica A
// and the next read arrive at replica B, whose reads go to a secondary that
// has not caught up. So a mutation's answer carries the bookmarks of the
// writes its replica committed (extensions.bookmarks), and the client sends
// them back in the Sanctiongraph-Bookmarks header (comma-separated); the
// store starts its transactions with them, and Neo4j runs the read once the
// member it lands on has applied those writes.
//
// A bookmark that names a transaction the cluster has not reached makes a
// read wait (up to the request's deadline), so an anonymous client could
// hold database connections with forged ones; the header is honoured for
// API keys only (graph/server).
package bookmark

import (
	"context"
	"fmt"
	"strings"
)

// Header is the request header that carries bookmarks back to the service.
const Header = "Sanctiongraph-Bookmarks"

// Bounds on what a client may send: Neo4j issues one bookmark per database
// (a cluster keeps one per database), each a few dozen characters.
const (
	MaxCount = 8
	MaxLen   = 256
)

type ctxKey struct{}

// With returns ctx whose transactions start only once the database has
// applied the writes bms name.
func With(ctx context.Context, bms []string) context.Context {
	if len(bms) == 0 {
		return ctx
	}
	return context.WithValue(ctx, ctxKey{}, bms)
}

// From returns the bookmarks ctx carries; nil when none.
func From(ctx context.Context) []string {
	bms, _ := ctx.Value(ctxKey{}).([]string)
	return bms
}

// Parse reads the values of Header: bookmarks separated by commas, each
// 1–MaxLen printable characters of the ones Neo4j uses (letters, digits and
// ":+/=_.-"), at most MaxCount in all. Duplicates are dropped. The error
// names what is wrong and is safe to show to clients.
func Parse(values []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, b := range strings.Split(v, ",") {
			b = strings.TrimSpace(b)
			if b == "" {
				continue
			}
			if len(b) > MaxLen {
				return nil, fmt.Errorf("a bookmark in the %s header is %d characters long; the service issues none longer than %d", Header, len(b), MaxLen)
			}
			for _, r := range b {
				if !validRune(r) {
					return nil, fmt.Errorf("a bookmark in the %s header holds %q; bookmarks are the values of a mutation's extensions.bookmarks, separated by commas", Header, r)
				}
			}
			if seen[b] {
				continue
			}
			seen[b] = true
			out = append(out, b)
			if len(out) > MaxCount {
				return nil, fmt.Errorf("the %s header holds more than %d bookmarks; send the ones of the latest mutation's answer", Header, MaxCount)
			}
		}
	}
	return out, nil
}

func validRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune(":+/=_.-", r)
}
