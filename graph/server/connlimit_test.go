package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// openTestServer starts a Server on 127.0.0.1:0 over the fake store.
func openTestServer(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	st := &testStore{}
	st.CountsFn = func(ctx context.Context, q model.CountQuery) (*model.Counts, error) {
		return &model.Counts{Entities: 7}, nil
	}
	cfg.Addr, cfg.Store, cfg.Logger = "127.0.0.1:0", st, quietLogger()
	s := New(cfg)
	if err := s.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Close(ctx)
	})
	return s
}

// served reports whether a connection gets an answer to a request: a
// refused connection is closed before it is read.
func served(tb testing.TB, c net.Conn) bool {
	tb.Helper()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return false
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func dial(tb testing.TB, addr string) net.Conn {
	tb.Helper()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// TestConnectionCaps opens connections up to each cap: the next one is
// closed unread, and closing one lets a new one in.
func TestConnectionCaps(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"PerAddress", Config{MaxConnsPerAddr: 3, MaxConns: 100}},
		{"Total", Config{MaxConnsPerAddr: 100, MaxConns: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTestServer(t, tc.cfg)
			var held []net.Conn
			for i := range 3 {
				c := dial(t, s.Addr())
				if !served(t, c) {
					t.Fatalf("connection %d of 3 not served", i+1)
				}
				held = append(held, c)
			}
			if c := dial(t, s.Addr()); served(t, c) {
				t.Fatal("a 4th connection was served past a cap of 3")
			}
			held[0].Close()
			// The server counts the connection until it has seen it close.
			deadline := time.Now().Add(30 * time.Second)
			for {
				total, _ := s.ln.(*limitListener).open("127.0.0.1")
				if total < 3 || time.Now().After(deadline) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if c := dial(t, s.Addr()); !served(t, c) {
				t.Fatal("a connection was refused after one of 3 closed")
			}
		})
	}
}

// TestHeaderLimit sends a header block past MaxHeaderBytes: 431, the
// connection's buffer never grows to what the client sends.
func TestHeaderLimit(t *testing.T) {
	s := openTestServer(t, Config{})
	c := dial(t, s.Addr())
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	go func() {
		_, _ = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 1<<20)+"\r\n\r\n")
	}()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("1 MiB header: HTTP %d, want 431", resp.StatusCode)
	}
}

// TestChunkedBodyLimit posts bodies without a length: one over the limit
// gets 413 like a body that declares its length, one under it is served.
func TestChunkedBodyLimit(t *testing.T) {
	s := openTestServer(t, Config{MaxBodyBytes: 64 << 10})
	post := func(body string) (int, []byte) {
		t.Helper()
		// An io.Reader of unknown length makes the client send it chunked.
		req, _ := http.NewRequest("POST", s.URL()+"/graphql", io.MultiReader(strings.NewReader(body)))
		req.Header.Set("Content-Type", "application/json")
		if req.ContentLength != 0 {
			req.ContentLength = -1
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if len(resp.TransferEncoding) > 0 {
			t.Logf("response transfer encoding %v", resp.TransferEncoding)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	big := `{"query": "{ __typename }", "variables": {"x": "` + strings.Repeat("x", 200<<10) + `"}}`
	if code, body := post(big); code != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), model.BadUserInput) {
		t.Errorf("chunked 200 KiB body: HTTP %d %.200s, want 413", code, body)
	}
	if code, body := post(`{"query": "{ counts { entities } }"}`); code != http.StatusOK || !strings.Contains(string(body), `"entities":7`) {
		t.Errorf("chunked small body: HTTP %d %.200s", code, body)
	}
}

// TestErrorsEchoAnExcerpt sends malformed bodies and queries carrying a
// large payload: no error message quotes more than an excerpt of it.
func TestErrorsEchoAnExcerpt(t *testing.T) {
	s := openTestServer(t, Config{})
	payload := strings.Repeat("Z", 900<<10)
	for name, body := range map[string]string{
		"MalformedJSON": `{"query": "{ __typename }", "x": "` + payload + `"`,
		"UnknownField":  `{"query": "{ ` + payload[:200<<10] + ` }"}`,
	} {
		t.Run(name, func(t *testing.T) {
			resp, err := http.Post(s.URL()+"/graphql", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var r struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) == 0 {
				t.Fatalf("HTTP %d, not a GraphQL error: %v %.300s", resp.StatusCode, err, raw)
			}
			if r.Errors[0].Extensions["code"] == nil {
				t.Errorf("no code: %.300s", raw)
			}
			if len(raw) > 2<<10 {
				t.Errorf("answer of %d bytes to a %d-byte body: %.300s", len(raw), len(body), raw)
			}
			t.Logf("HTTP %d, %d bytes: %.200s", resp.StatusCode, len(raw), raw)
		})
	}
}
