package cypher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// The change log is a hash chain. Each :Change carries seq (1, 2, 3 …),
// prevHash (the hash of change seq−1, "" for the first) and hash, the
// SHA-256 of its own fields and prevHash; the :ChangeLog head holds the
// last seq and hash. Editing, deleting or inserting a change in Neo4j
// breaks the chain at that change (its hash no longer matches its fields,
// or the next change's prevHash no longer matches it), and deleting the
// newest changes leaves the head pointing past the end. VerifyChangeLog
// finds the first broken link. Someone who can write Neo4j can still
// rebuild the whole chain after an edit; keep the head's hash elsewhere
// (it is in VerifyChangeLog's answer) to detect that too.

const (
	// cypherLockChainHead takes the head's write lock first, so concurrent
	// curator writes append one after the other, then reads it.
	cypherLockChainHead = `MERGE (h:` + schema.ChangeLogLabel + ` {id: 'head'})
ON CREATE SET h.seq = 0, h.hash = ''
SET h.locked = true
WITH h
RETURN h.seq AS seq, h.hash AS hash`
	cypherMoveChainHead = `MATCH (h:` + schema.ChangeLogLabel + ` {id: 'head'})
SET h.seq = $seq, h.hash = $hash
REMOVE h.locked`
	cypherChainHead = `OPTIONAL MATCH (h:` + schema.ChangeLogLabel + ` {id: 'head'})
RETURN coalesce(h.seq, 0) AS seq, coalesce(h.hash, '') AS hash`
	cypherChainPage = `MATCH (c:` + schema.ChangeLabel + `)
WHERE c.seq > $after
RETURN c AS n ORDER BY c.seq LIMIT $limit`
	cypherUnchained = `MATCH (c:` + schema.ChangeLabel + `) WHERE c.seq IS NULL RETURN count(c) AS n`
)

// chainLink is what a change's hash covers, in a fixed order.
type chainLink struct {
	Seq       int64  `json:"seq"`
	PrevHash  string `json:"prevHash"`
	ID        string `json:"id"`
	At        string `json:"at"`
	Actor     string `json:"actor"`
	Role      string `json:"role"`
	RequestID string `json:"requestId"`
	Action    string `json:"action"`
	Target    string `json:"target"`
	TargetID  string `json:"targetId"`
	FactID    string `json:"factId"`
	Reason    string `json:"reason"`
	Before    string `json:"before"`
	After     string `json:"after"`
}

func changeHash(seq int64, prev string, ch model.Change) string {
	b, _ := json.Marshal(chainLink{Seq: seq, PrevHash: prev, ID: ch.ID, At: ch.At.UTC().Format(time.RFC3339Nano),
		Actor: ch.Actor, Role: ch.Role, RequestID: ch.RequestID, Action: ch.Action, Target: ch.Target,
		TargetID: ch.TargetID, FactID: ch.FactID, Reason: ch.Reason, Before: ch.Before, After: ch.After})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// chainChange gives props, the properties of a new :Change, its place in
// the chain, and moves the head past it; run in the writing transaction.
func chainChange(ctx context.Context, tx neo4j.ManagedTransaction, ch *model.Change, props map[string]any) error {
	res, err := tx.Run(ctx, cypherLockChainHead, nil)
	if err != nil {
		return err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return err
	}
	seq, _, _ := neo4j.GetRecordValue[int64](rec, "seq")
	prev, _, _ := neo4j.GetRecordValue[string](rec, "hash")
	seq++
	hash := changeHash(seq, prev, *ch)
	props["seq"], props["prevHash"], props["hash"] = seq, prev, hash
	_, err = tx.Run(ctx, cypherMoveChainHead, map[string]any{"seq": seq, "hash": hash})
	return err
}

// chainPage is how many changes VerifyChangeLog reads per transaction.
const chainPage = 1000

// VerifyChangeLog walks the change log's hash chain from the first change
// to the head and reports the first broken link: a change whose hash does
// not match its fields, whose prevHash does not match the change before
// it, a gap in the sequence, or a head that does not match the last
// change. Changes written before the chain existed have no seq and are
// counted, not checked. Error codes: UNAVAILABLE, TIMEOUT.
func (s *Store) VerifyChangeLog(ctx context.Context) (model.ChangeLogCheck, error) {
	const op = "cypher.Store.VerifyChangeLog"
	var out model.ChangeLogCheck
	type head struct {
		seq       int64
		hash      string
		unchained int64
	}
	h, err := read(ctx, s, op, func(tx neo4j.ManagedTransaction) (head, error) {
		var h head
		res, err := tx.Run(ctx, cypherChainHead, nil)
		if err != nil {
			return h, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return h, err
		}
		h.seq, _, _ = neo4j.GetRecordValue[int64](rec, "seq")
		h.hash, _, _ = neo4j.GetRecordValue[string](rec, "hash")
		h.unchained, err = single[int64](ctx, tx, cypherUnchained, nil, "n")
		return h, err
	})
	if err != nil {
		return out, err
	}
	out.HeadSeq, out.HeadHash, out.Unchained = int(h.seq), h.hash, int(h.unchained)
	broken := func(seq int64, id, problem string) (model.ChangeLogCheck, error) {
		out.Broken = &model.BrokenLink{Seq: int(seq), ChangeID: id, Problem: problem}
		return out, nil
	}
	prevSeq, prevHash := int64(0), ""
	for {
		nodes, err := read(ctx, s, op, func(tx neo4j.ManagedTransaction) ([]neo4j.Node, error) {
			res, err := tx.Run(ctx, cypherChainPage, map[string]any{"after": prevSeq, "limit": int64(chainPage)})
			if err != nil {
				return nil, err
			}
			recs, err := res.Collect(ctx)
			if err != nil {
				return nil, err
			}
			out := make([]neo4j.Node, len(recs))
			for i, r := range recs {
				out[i], _, _ = neo4j.GetRecordValue[neo4j.Node](r, "n")
			}
			return out, nil
		})
		if err != nil {
			return out, err
		}
		for _, n := range nodes {
			ch := decodeChange(n.Props)
			seq, _ := n.Props["seq"].(int64)
			switch {
			case seq != prevSeq+1:
				return broken(prevSeq+1, "", fmt.Sprintf("change %d is missing (the next is %d, %s)", prevSeq+1, seq, ch.ID))
			case str(n.Props["prevHash"]) != prevHash:
				return broken(seq, ch.ID, fmt.Sprintf("its prevHash does not match change %d", prevSeq))
			case str(n.Props["hash"]) != changeHash(seq, prevHash, ch):
				return broken(seq, ch.ID, "its fields do not match its hash (the change was edited)")
			}
			prevSeq, prevHash = seq, str(n.Props["hash"])
			out.Checked++
		}
		if len(nodes) < chainPage {
			break
		}
	}
	switch {
	case prevSeq != h.seq:
		return broken(prevSeq+1, "", fmt.Sprintf("the head says %d changes, the chain ends at %d (changes were deleted)", h.seq, prevSeq))
	case prevHash != h.hash:
		return broken(prevSeq, "", "the head's hash does not match the last change")
	}
	return out, nil
}
