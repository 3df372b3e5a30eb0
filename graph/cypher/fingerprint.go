package cypher

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Fingerprint summarises everything stored, so that tests can tell whether
// an operation added, lost, duplicated or changed anything: nodes per label,
// relationships per type, how many ids there are and how many distinct, and
// a checksum over every node's labels, id and content hash and every
// relationship's type, ends, id and hash. The checksum is a sum of
// per-record hashes, so it ignores order but counts repeats.
type Fingerprint struct {
	Nodes         int64
	Relationships int64
	Labels        map[string]int64
	Types         map[string]int64
	// IDs and DistinctIDs count the id property of entity nodes (label
	// Node), evidence records and relationships, keyed "Node", "Evidence"
	// and "relationship".
	IDs         map[string]int64
	DistinctIDs map[string]int64
	Checksum    string
}

const (
	cypherFingerprintLabels = `MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n`
	cypherFingerprintTypes  = `MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n`
	cypherFingerprintIDs    = `CALL () { MATCH (n:` + schema.NodeLabel + `) RETURN '` + schema.NodeLabel + `' AS key, count(n.id) AS ids, count(DISTINCT n.id) AS distinct
  UNION ALL MATCH (e:` + schema.EvidenceLabel + `) RETURN '` + schema.EvidenceLabel + `' AS key, count(e.id) AS ids, count(DISTINCT e.id) AS distinct
  UNION ALL MATCH ()-[r]->() RETURN 'relationship' AS key, count(r.id) AS ids, count(DISTINCT r.id) AS distinct }
RETURN key, ids, distinct`
	cypherFingerprintNodes = `MATCH (n)
RETURN labels(n) AS labels, toString(n.id) AS id, toString(n.hash) AS hash`
	cypherFingerprintRels = `MATCH (a)-[r]->(b)
RETURN type(r) AS type, toString(a.id) AS from, toString(b.id) AS to, toString(r.id) AS id, toString(r.hash) AS hash`
)

// Fingerprint reads the fingerprint of the whole database. It reads every
// node and relationship: meant for tests, not for requests.
func (s *Store) Fingerprint(ctx context.Context) (Fingerprint, error) {
	return read(ctx, s, "cypher.Store.Fingerprint", func(tx neo4j.ManagedTransaction) (Fingerprint, error) {
		f := Fingerprint{Labels: map[string]int64{}, Types: map[string]int64{}, IDs: map[string]int64{}, DistinctIDs: map[string]int64{}}
		if err := fingerprintEach(ctx, tx, cypherFingerprintLabels, func(r *neo4j.Record) error {
			l, _, err := neo4j.GetRecordValue[string](r, "label")
			n, _, err2 := neo4j.GetRecordValue[int64](r, "n")
			f.Labels[l] = n
			return errors.Join(err, err2)
		}); err != nil {
			return f, err
		}
		if err := fingerprintEach(ctx, tx, cypherFingerprintTypes, func(r *neo4j.Record) error {
			t, _, err := neo4j.GetRecordValue[string](r, "type")
			n, _, err2 := neo4j.GetRecordValue[int64](r, "n")
			f.Types[t] = n
			f.Relationships += n
			return errors.Join(err, err2)
		}); err != nil {
			return f, err
		}
		if err := fingerprintEach(ctx, tx, cypherFingerprintIDs, func(r *neo4j.Record) error {
			k, _, err := neo4j.GetRecordValue[string](r, "key")
			ids, _, err2 := neo4j.GetRecordValue[int64](r, "ids")
			distinct, _, err3 := neo4j.GetRecordValue[int64](r, "distinct")
			f.IDs[k], f.DistinctIDs[k] = ids, distinct
			return errors.Join(err, err2, err3)
		}); err != nil {
			return f, err
		}
		var sum uint64
		add := func(parts ...string) {
			h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
			sum += binary.BigEndian.Uint64(h[:8])
		}
		if err := fingerprintEach(ctx, tx, cypherFingerprintNodes, func(r *neo4j.Record) error {
			ls, _, err := neo4j.GetRecordValue[[]any](r, "labels")
			labels := make([]string, len(ls))
			for i, l := range ls {
				labels[i] = fmt.Sprint(l)
			}
			slices.Sort(labels)
			id, _ := r.Get("id")
			hash, _ := r.Get("hash")
			add("node", strings.Join(labels, ":"), fmt.Sprint(id), fmt.Sprint(hash))
			f.Nodes++
			return err
		}); err != nil {
			return f, err
		}
		if err := fingerprintEach(ctx, tx, cypherFingerprintRels, func(r *neo4j.Record) error {
			var parts []string
			for _, k := range []string{"type", "from", "to", "id", "hash"} {
				v, _ := r.Get(k)
				parts = append(parts, fmt.Sprint(v))
			}
			add(append([]string{"rel"}, parts...)...)
			return nil
		}); err != nil {
			return f, err
		}
		f.Checksum = fmt.Sprintf("%016x", sum)
		return f, nil
	})
}

// Duplicates lists the id counts that break uniqueness: more ids than
// distinct ids among entities, evidence or relationships.
func (f Fingerprint) Duplicates() []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(f.IDs)) {
		if f.IDs[k] != f.DistinctIDs[k] {
			out = append(out, fmt.Sprintf("%s: %d ids, %d distinct", k, f.IDs[k], f.DistinctIDs[k]))
		}
	}
	return out
}

// Diff lists how o differs from f, empty when they are equal.
func (f Fingerprint) Diff(o Fingerprint) []string {
	var out []string
	if f.Nodes != o.Nodes {
		out = append(out, fmt.Sprintf("nodes: %d, then %d", f.Nodes, o.Nodes))
	}
	if f.Relationships != o.Relationships {
		out = append(out, fmt.Sprintf("relationships: %d, then %d", f.Relationships, o.Relationships))
	}
	diffCounts := func(what string, a, b map[string]int64) {
		all := maps.Clone(a)
		maps.Copy(all, b)
		for _, k := range slices.Sorted(maps.Keys(all)) {
			if a[k] != b[k] {
				out = append(out, fmt.Sprintf("%s %s: %d, then %d", what, k, a[k], b[k]))
			}
		}
	}
	diffCounts("label", f.Labels, o.Labels)
	diffCounts("type", f.Types, o.Types)
	diffCounts("ids of", f.IDs, o.IDs)
	diffCounts("distinct ids of", f.DistinctIDs, o.DistinctIDs)
	if f.Checksum != o.Checksum {
		out = append(out, fmt.Sprintf("checksum of ids and hashes: %s, then %s", f.Checksum, o.Checksum))
	}
	return out
}

func fingerprintEach(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, fn func(*neo4j.Record) error) error {
	res, err := tx.Run(ctx, cypher, nil)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		if err := fn(res.Record()); err != nil {
			return err
		}
	}
	return res.Err()
}

// Contents maps every node and relationship to its properties, for tests
// that must show two graphs hold the same data, not only the same ids and
// hashes: keys are "node <labels> <id>" and "rel <type> <from> <to> <id>"
// (a node without an id is keyed by its name), values the properties as
// canonical JSON. A repeated key gets " #2", " #3" … appended.
type Contents map[string]string

const (
	cypherContentNodes = `MATCH (n) RETURN labels(n) AS labels, properties(n) AS props`
	cypherContentRels  = `MATCH (a)-[r]->(b) RETURN type(r) AS type, coalesce(a.id, a.name) AS from, coalesce(b.id, b.name) AS to, properties(r) AS props`
)

// Contents reads every node's and relationship's properties except those
// named in skip (timestamps of when something was loaded or applied). It
// reads the whole database: meant for tests.
func (s *Store) Contents(ctx context.Context, skip ...string) (Contents, error) {
	return read(ctx, s, "cypher.Store.Contents", func(tx neo4j.ManagedTransaction) (Contents, error) {
		out := Contents{}
		put := func(key string, props map[string]any) error {
			for _, k := range skip {
				delete(props, k)
			}
			b, err := json.Marshal(props)
			if err != nil {
				return err
			}
			k := key
			for n := 2; ; n++ {
				if _, dup := out[k]; !dup {
					break
				}
				k = fmt.Sprintf("%s #%d", key, n)
			}
			out[k] = string(b)
			return nil
		}
		if err := fingerprintEach(ctx, tx, cypherContentNodes, func(r *neo4j.Record) error {
			ls, _, _ := neo4j.GetRecordValue[[]any](r, "labels")
			labels := make([]string, len(ls))
			for i, l := range ls {
				labels[i] = fmt.Sprint(l)
			}
			slices.Sort(labels)
			props, _, err := neo4j.GetRecordValue[map[string]any](r, "props")
			if err != nil {
				return err
			}
			id := props["id"]
			if id == nil {
				id = props["name"]
			}
			return put(fmt.Sprintf("node %s %v", strings.Join(labels, ":"), id), props)
		}); err != nil {
			return nil, err
		}
		if err := fingerprintEach(ctx, tx, cypherContentRels, func(r *neo4j.Record) error {
			t, _ := r.Get("type")
			from, _ := r.Get("from")
			to, _ := r.Get("to")
			props, _, err := neo4j.GetRecordValue[map[string]any](r, "props")
			if err != nil {
				return err
			}
			return put(fmt.Sprintf("rel %v %v %v %v", t, from, to, props["id"]), props)
		}); err != nil {
			return nil, err
		}
		return out, nil
	})
}

// Diff lists up to max differences between c and o: keys only one holds,
// and keys whose properties differ (both values shown).
func (c Contents) Diff(o Contents, max int) []string {
	var out []string
	keys := slices.Sorted(maps.Keys(c))
	for _, k := range keys {
		if len(out) >= max {
			return out
		}
		v, ok := o[k]
		switch {
		case !ok:
			out = append(out, "only in the first: "+k+" "+c[k])
		case v != c[k]:
			out = append(out, "differs: "+k+"\n  first:  "+c[k]+"\n  second: "+v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(o)) {
		if len(out) >= max {
			return out
		}
		if _, ok := c[k]; !ok {
			out = append(out, "only in the second: "+k+" "+o[k])
		}
	}
	return out
}
