package cypher

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// API keys. A key reads "sgk_<id>_<secret>": the id is 16 hex digits, public
// (lists, logs and change records show it); the secret is 32 bytes from
// crypto/rand in unpadded base64url. Neo4j keeps one :ApiKey node per key
// with the SHA-256 of the secret, never the secret: a slow password hash
// buys nothing against 256 random bits, and a fast one keeps a key check to
// one indexed lookup. Hashes are compared in constant time.
const (
	// KeyPrefix starts every API key, so leaked keys are easy to recognise
	// (and to scan for).
	KeyPrefix = "sgk_"

	keyIDBytes     = 8
	keySecretBytes = 32
	maxKeyName     = 100
)

// KeyInfo describes an API key; it never carries the secret or its hash.
type KeyInfo struct {
	// ID is the key's public id, the part between "sgk_" and the secret.
	ID string
	// Name says whose key it is ("alice", "dashboard").
	Name string
	Role auth.Role
	// CreatedAt is when the key was created, UTC.
	CreatedAt time.Time
	// RevokedAt is when the key was revoked; zero while it is valid.
	RevokedAt time.Time
}

// Revoked reports whether the key was revoked.
func (k KeyInfo) Revoked() bool { return !k.RevokedAt.IsZero() }

const (
	cypherCreateKey = `CREATE (k:` + schema.APIKeyLabel + ` {id: $id, name: $name, role: $role, secretHash: $secretHash, createdAt: $createdAt})`
	cypherListKeys  = `MATCH (k:` + schema.APIKeyLabel + `)
RETURN k.id AS id, k.name AS name, k.role AS role, k.createdAt AS createdAt, k.revokedAt AS revokedAt
ORDER BY k.createdAt, k.id`
	cypherRevokeKey = `MATCH (k:` + schema.APIKeyLabel + ` {id: $id})
SET k.revokedAt = coalesce(k.revokedAt, $now)
RETURN k.id AS id`
	cypherKeyByID = `MATCH (k:` + schema.APIKeyLabel + ` {id: $id})
RETURN k.secretHash AS secretHash, k.name AS name, k.role AS role, k.revokedAt AS revokedAt`
)

// CreateKey creates an API key for name with role and returns it in
// plaintext, the only time it is available: only its hash is stored.
// Error codes: BAD_USER_INPUT (empty or overlong name, role not reader,
// editor or admin), CONFLICT (an id collision: retry), UNAVAILABLE.
func (s *Store) CreateKey(ctx context.Context, name string, role auth.Role) (string, KeyInfo, error) {
	const op = "cypher.Store.CreateKey"
	name = strings.TrimSpace(name)
	if err := validKeyName(name); err != nil {
		err.Op = op
		return "", KeyInfo{}, err
	}
	if role < auth.Reader || role > auth.Admin {
		return "", KeyInfo{}, &model.Error{Code: model.BadUserInput, Message: "role must be reader, editor or admin", Op: op}
	}
	var idb [keyIDBytes]byte
	var secret [keySecretBytes]byte
	_, _ = rand.Read(idb[:]) // crypto/rand.Read never fails (it crashes the program instead)
	_, _ = rand.Read(secret[:])
	info := KeyInfo{ID: hex.EncodeToString(idb[:]), Name: name, Role: role, CreatedAt: time.Now().UTC()}
	plain := KeyPrefix + info.ID + "_" + base64.RawURLEncoding.EncodeToString(secret[:])
	sum := sha256.Sum256(secret[:])
	_, err := write(ctx, s, op, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := tx.Run(ctx, cypherCreateKey, map[string]any{
			"id": info.ID, "name": info.Name, "role": role.String(),
			"secretHash": hex.EncodeToString(sum[:]), "createdAt": info.CreatedAt,
		})
		return struct{}{}, err
	})
	if err != nil {
		return "", KeyInfo{}, err
	}
	return plain, info, nil
}

func validKeyName(name string) *model.Error {
	switch {
	case name == "":
		return &model.Error{Code: model.BadUserInput, Message: "a key needs a name (whose key it is)"}
	case utf8.RuneCountInString(name) > maxKeyName:
		return &model.Error{Code: model.BadUserInput, Message: fmt.Sprintf("key name is longer than %d characters", maxKeyName)}
	case !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return &model.Error{Code: model.BadUserInput, Message: "key name must be printable text"}
	}
	return nil
}

// ListKeys returns every API key, revoked ones included, oldest first.
// Error codes: UNAVAILABLE, INTERNAL.
func (s *Store) ListKeys(ctx context.Context) ([]KeyInfo, error) {
	const op = "cypher.Store.ListKeys"
	return read(ctx, s, op, func(tx neo4j.ManagedTransaction) ([]KeyInfo, error) {
		res, err := tx.Run(ctx, cypherListKeys, nil)
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]KeyInfo, 0, len(recs))
		for _, r := range recs {
			var k KeyInfo
			var err error
			k.ID, _, _ = neo4j.GetRecordValue[string](r, "id")
			k.Name, _, _ = neo4j.GetRecordValue[string](r, "name")
			role, _, _ := neo4j.GetRecordValue[string](r, "role")
			if k.Role, err = auth.ParseRole(role); err != nil {
				return nil, fmt.Errorf("key %s: %w", k.ID, err)
			}
			created, _, _ := neo4j.GetRecordValue[time.Time](r, "createdAt")
			k.CreatedAt = created.UTC()
			if revoked, isNil, err := neo4j.GetRecordValue[time.Time](r, "revokedAt"); err == nil && !isNil {
				k.RevokedAt = revoked.UTC()
			}
			out = append(out, k)
		}
		return out, nil
	})
}

// RevokeKey revokes the key with this id; from then on Authenticate refuses
// it (servers that cached the key stop accepting it within their cache TTL).
// Revoking a revoked key keeps its first revocation time. Error codes:
// NOT_FOUND (no key with that id), UNAVAILABLE.
func (s *Store) RevokeKey(ctx context.Context, id string) error {
	const op = "cypher.Store.RevokeKey"
	found, err := write(ctx, s, op, func(tx neo4j.ManagedTransaction) (bool, error) {
		res, err := tx.Run(ctx, cypherRevokeKey, map[string]any{"id": id, "now": time.Now().UTC()})
		if err != nil {
			return false, err
		}
		recs, err := res.Collect(ctx)
		return len(recs) > 0, err
	})
	if err != nil {
		return err
	}
	if !found {
		return &model.Error{Code: model.NotFound, Message: fmt.Sprintf("no API key with id %q", id), Op: op}
	}
	return nil
}

// parseKey splits "sgk_<id>_<secret>" and decodes the secret; ok is false
// for anything else.
func parseKey(key string) (id string, secret []byte, ok bool) {
	rest, ok := strings.CutPrefix(key, KeyPrefix)
	if !ok {
		return "", nil, false
	}
	id, enc, ok := strings.Cut(rest, "_")
	if !ok || len(id) != 2*keyIDBytes || strings.ToLower(id) != id || len(enc) != base64.RawURLEncoding.EncodedLen(keySecretBytes) {
		return "", nil, false
	}
	if _, err := hex.DecodeString(id); err != nil {
		return "", nil, false
	}
	secret, err := base64.RawURLEncoding.Strict().DecodeString(enc)
	if err != nil || len(secret) != keySecretBytes {
		return "", nil, false
	}
	return id, secret, true
}

type storedKey struct {
	found   bool
	hash    string
	name    string
	role    string
	revoked bool
}

// Authenticate checks an API key and returns the principal it stands for.
// Error codes: UNAUTHENTICATED (malformed, unknown, wrong secret or
// revoked: the message does not say which, except that a key with the right
// secret is told it was revoked), UNAVAILABLE and TIMEOUT (Neo4j did not
// answer), INTERNAL (a stored key with an unknown role).
func (s *Store) Authenticate(ctx context.Context, key string) (auth.Principal, error) {
	const op = "cypher.Store.Authenticate"
	invalid := &model.Error{Code: model.Unauthenticated, Message: "the API key is not valid", Op: op}
	id, secret, ok := parseKey(key)
	if !ok {
		return auth.Principal{}, invalid
	}
	k, err := read(ctx, s, op, func(tx neo4j.ManagedTransaction) (storedKey, error) {
		res, err := tx.Run(ctx, cypherKeyByID, map[string]any{"id": id})
		if err != nil {
			return storedKey{}, err
		}
		recs, err := res.Collect(ctx)
		if err != nil || len(recs) == 0 {
			return storedKey{}, err
		}
		var k storedKey
		k.found = true
		k.hash, _, _ = neo4j.GetRecordValue[string](recs[0], "secretHash")
		k.name, _, _ = neo4j.GetRecordValue[string](recs[0], "name")
		k.role, _, _ = neo4j.GetRecordValue[string](recs[0], "role")
		v, _ := recs[0].Get("revokedAt")
		k.revoked = v != nil
		return k, nil
	})
	if err != nil {
		return auth.Principal{}, err
	}
	sum := sha256.Sum256(secret)
	want, herr := hex.DecodeString(k.hash)
	if !k.found || herr != nil || subtle.ConstantTimeCompare(want, sum[:]) != 1 {
		return auth.Principal{}, invalid
	}
	if k.revoked {
		return auth.Principal{}, &model.Error{Code: model.Unauthenticated, Message: "the API key was revoked", Op: op}
	}
	role, err := auth.ParseRole(k.role)
	if err != nil {
		return auth.Principal{}, &model.Error{Code: model.Internal, Message: "internal error", Op: op, Err: fmt.Errorf("key %s: %w", id, err)}
	}
	return auth.Principal{KeyID: id, Name: k.name, Role: role}, nil
}
