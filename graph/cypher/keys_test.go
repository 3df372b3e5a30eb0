package cypher_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

func wantCode(tb testing.TB, what string, err error, code string) {
	tb.Helper()
	if got := model.ErrorCode(err); got != code {
		tb.Errorf("%s: code %q (%v), want %s", what, got, err, code)
	}
}

func TestAPIKeys(t *testing.T) {
	ctx := env.Reset(t)
	st := env.Store

	alice, aliceInfo, err := st.CreateKey(ctx, " alice ", auth.Editor)
	if err != nil {
		t.Fatal(err)
	}
	bob, _, err := st.CreateKey(ctx, "bob", auth.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(alice, cypher.KeyPrefix+aliceInfo.ID+"_") || aliceInfo.Name != "alice" || aliceInfo.Role != auth.Editor || aliceInfo.Revoked() {
		t.Fatalf("CreateKey = %q, %+v", alice, aliceInfo)
	}
	secret := strings.TrimPrefix(alice, cypher.KeyPrefix+aliceInfo.ID+"_")
	if b, err := base64.RawURLEncoding.DecodeString(secret); err != nil || len(b) < 16 {
		t.Fatalf("secret %q: %d bytes, %v; want at least 128 bits", secret, len(b), err)
	}
	if alice == bob {
		t.Fatal("two keys are equal")
	}

	t.Run("Authenticate", func(t *testing.T) {
		p, err := st.Authenticate(ctx, alice)
		if err != nil {
			t.Fatal(err)
		}
		if p != (auth.Principal{KeyID: aliceInfo.ID, Name: "alice", Role: auth.Editor}) {
			t.Errorf("principal = %+v", p)
		}
		if p, err := st.Authenticate(ctx, bob); err != nil || p.Role != auth.Reader || p.Name != "bob" {
			t.Errorf("bob: %+v %v", p, err)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		// Alice's id with another secret: a forgery that passes the format.
		forged := cypher.KeyPrefix + aliceInfo.ID + "_" + base64.RawURLEncoding.EncodeToString(make([]byte, 32))
		unknownID := cypher.KeyPrefix + "0123456789abcdef_" + secret
		for name, key := range map[string]string{
			"Empty":         "",
			"Forged":        forged,
			"UnknownID":     unknownID,
			"NoPrefix":      strings.TrimPrefix(alice, cypher.KeyPrefix),
			"Truncated":     alice[:len(alice)-1],
			"Extended":      alice + "A",
			"UpperID":       cypher.KeyPrefix + strings.ToUpper(aliceInfo.ID) + "_" + secret,
			"OtherKeysHash": cypher.KeyPrefix + aliceInfo.ID + "_" + strings.TrimPrefix(bob, bob[:len(cypher.KeyPrefix)+17]),
			"Injection":     cypher.KeyPrefix + `x"}) MATCH (n) DETACH DELETE n //_` + secret,
		} {
			t.Run(name, func(t *testing.T) {
				p, err := st.Authenticate(ctx, key)
				wantCode(t, name, err, model.Unauthenticated)
				if p != (auth.Principal{}) {
					t.Errorf("refused key yields principal %+v", p)
				}
			})
		}
	})

	t.Run("List", func(t *testing.T) {
		keys, err := st.ListKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 2 || keys[0].ID != aliceInfo.ID || keys[0].Name != "alice" || keys[0].Role != auth.Editor || keys[1].Name != "bob" {
			t.Fatalf("ListKeys = %+v", keys)
		}
		if d := keys[0].CreatedAt.Sub(aliceInfo.CreatedAt); d < -time.Millisecond || d > time.Millisecond || keys[0].Revoked() {
			t.Errorf("listed %+v, created %+v", keys[0], aliceInfo)
		}
	})

	t.Run("Revoke", func(t *testing.T) {
		before := time.Now()
		if err := st.RevokeKey(ctx, aliceInfo.ID); err != nil {
			t.Fatal(err)
		}
		_, err := st.Authenticate(ctx, alice)
		wantCode(t, "revoked key", err, model.Unauthenticated)
		if _, err := st.Authenticate(ctx, bob); err != nil {
			t.Errorf("revoking alice's key refused bob's: %v", err)
		}
		keys, err := st.ListKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		first := keys[0].RevokedAt
		if !keys[0].Revoked() || first.Before(before.Add(-time.Second)) || keys[1].Revoked() {
			t.Fatalf("after revoke: %+v", keys)
		}
		if err := st.RevokeKey(ctx, aliceInfo.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		keys, _ = st.ListKeys(ctx)
		if !keys[0].RevokedAt.Equal(first) {
			t.Errorf("revoking again moved revokedAt from %s to %s", first, keys[0].RevokedAt)
		}
		wantCode(t, "revoke unknown id", st.RevokeKey(ctx, "0123456789abcdef"), model.NotFound)
	})

	t.Run("BadInput", func(t *testing.T) {
		for name, c := range map[string]struct {
			name string
			role auth.Role
		}{
			"EmptyName":     {"  ", auth.Reader},
			"LongName":      {strings.Repeat("x", 101), auth.Reader},
			"ControlChar":   {"al\nice", auth.Reader},
			"AnonymousRole": {"carol", auth.Anonymous},
			"UnknownRole":   {"carol", auth.Admin + 1},
		} {
			_, _, err := st.CreateKey(ctx, c.name, c.role)
			wantCode(t, name, err, model.BadUserInput)
		}
		if keys, _ := st.ListKeys(ctx); len(keys) != 2 {
			t.Errorf("refused keys were stored: %+v", keys)
		}
	})
}

// TestAPIKeyStoresOnlyHash reads the stored key back with the driver: the
// node holds the SHA-256 of the secret, and neither the key nor its secret
// (in any encoding) appears in any property of any node.
func TestAPIKeyStoresOnlyHash(t *testing.T) {
	ctx := env.Reset(t)
	key, info, err := env.Store.CreateKey(ctx, "dashboard", auth.Reader)
	if err != nil {
		t.Fatal(err)
	}
	enc := strings.TrimPrefix(key, cypher.KeyPrefix+info.ID+"_")
	secret, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(secret)

	drv, err := neo4j.NewDriverWithContext(env.Config.URI, neo4j.NoAuth())
	if env.Config.User != "" {
		drv, err = neo4j.NewDriverWithContext(env.Config.URI, neo4j.BasicAuth(env.Config.User, env.Config.Password, ""))
	}
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, drv, `MATCH (n) RETURN labels(n) AS labels, properties(n) AS props`, nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(env.Store.Database()))
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []string{key, enc, hex.EncodeToString(secret), base64.StdEncoding.EncodeToString(secret), base64.RawStdEncoding.EncodeToString(secret)}
	var stored map[string]any
	for _, r := range res.Records {
		labels, _, _ := neo4j.GetRecordValue[[]any](r, "labels")
		props, _, _ := neo4j.GetRecordValue[map[string]any](r, "props")
		if fmt.Sprint(labels) == "["+schema.APIKeyLabel+"]" && props["id"] == info.ID {
			stored = props
		}
		for k, v := range props {
			s := fmt.Sprint(v)
			for _, f := range forbidden {
				if strings.Contains(s, f) {
					t.Errorf("%v.%s holds the secret: %q", labels, k, s)
				}
			}
		}
	}
	if stored == nil {
		t.Fatalf("no :%s node with id %s", schema.APIKeyLabel, info.ID)
	}
	if stored["secretHash"] != hex.EncodeToString(sum[:]) {
		t.Errorf("secretHash = %v, want the SHA-256 of the secret", stored["secretHash"])
	}
	if stored["name"] != "dashboard" || stored["role"] != "reader" || stored["createdAt"] == nil || stored["revokedAt"] != nil {
		t.Errorf("stored key = %v", stored)
	}
	// Migration 0007 made key ids unique (and indexed).
	cons, err := neo4j.ExecuteQuery(ctx, drv, `SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties, type
WHERE name = 'api_key_id' RETURN labelsOrTypes, properties, type`, nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(env.Store.Database()))
	if err != nil {
		t.Fatal(err)
	}
	if len(cons.Records) != 1 || fmt.Sprint(cons.Records[0].Values) != "[["+schema.APIKeyLabel+"] [id] UNIQUENESS]" {
		t.Errorf("constraint api_key_id: %v", cons.Records)
	}
}

// TestAuthenticateUnavailable checks that a key check against an unreachable
// Neo4j fails with UNAVAILABLE, not UNAUTHENTICATED: a client must not be
// told its valid key is wrong because the database is down.
func TestAuthenticateUnavailable(t *testing.T) {
	st, err := cypher.Open(cypher.Config{URI: "bolt://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(30*time.Second))
	defer cancel()
	defer st.Close(ctx)
	_, err = st.Authenticate(ctx, cypher.KeyPrefix+"0123456789abcdef_"+base64.RawURLEncoding.EncodeToString(make([]byte, 32)))
	wantCode(t, "Authenticate with Neo4j down", err, model.Unavailable)
	_, err = st.ListKeys(ctx)
	wantCode(t, "ListKeys with Neo4j down", err, model.Unavailable)
}
