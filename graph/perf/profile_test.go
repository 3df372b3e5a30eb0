package perf

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/server"
)

// PROFILE of both sides. The API's statements are built inside graph/cypher
// (unexported, some per request), so a second API instance talks to Neo4j
// through a Bolt proxy that forwards every byte and decodes the RUN
// messages (statement and parameters) it sees; each statement is then run
// again with PROFILE and the db hits of its plan summed. Bolt and
// PackStream as in the Bolt protocol documentation: chunked messages, RUN
// is a structure of signature 0x10 whose first two fields are the
// statement and its parameters.

// statement is one statement the API sent.
type statement struct {
	query  string
	params map[string]any
}

// capture is an API instance whose statements are recorded.
type capture struct {
	url    string
	target string
	ln     net.Listener
	mu     sync.Mutex
	on     bool
	stmts  []statement
	errs   []error
}

func startCapture(cfg cypher.Config) (*capture, error) {
	u, err := url.Parse(cfg.URI)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "bolt" && u.Scheme != "neo4j" {
		return nil, fmt.Errorf("scheme %s: the proxy reads plain Bolt only", u.Scheme)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &capture{target: u.Host, ln: ln}
	go c.accept(ln)
	pcfg := cfg
	pcfg.URI = "bolt://" + ln.Addr().String() // direct: a routing table would point past the proxy
	st, err := cypher.Open(pcfg)
	if err != nil {
		return nil, err
	}
	srv := server.New(server.Config{Addr: "127.0.0.1:0", Store: st, Logger: slog.New(slog.DiscardHandler), RequestTimeout: time.Minute})
	if err := srv.Open(); err != nil {
		return nil, err
	}
	c.url = srv.URL() + "/graphql"
	return c, nil
}

func (c *capture) accept(ln net.Listener) {
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		go c.serve(client)
	}
}

func (c *capture) serve(client net.Conn) {
	defer client.Close()
	srv, err := net.Dial("tcp", c.target)
	if err != nil {
		return
	}
	defer srv.Close()
	if err := handshake(client, srv); err != nil {
		return
	}
	go func() { _, _ = io.Copy(client, srv) }()
	var msg []byte
	head := make([]byte, 2)
	for {
		if _, err := io.ReadFull(client, head); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint16(head))
		chunk := make([]byte, n)
		if _, err := io.ReadFull(client, chunk); err != nil {
			return
		}
		if _, err := srv.Write(append(head, chunk...)); err != nil {
			return
		}
		if n > 0 {
			msg = append(msg, chunk...)
			continue
		}
		if len(msg) > 2 && msg[0]&0xF0 == 0xB0 && msg[1] == 0x10 { // RUN
			c.record(msg[2:])
		}
		msg = msg[:0]
	}
}

// handshake relays the Bolt handshake: the client's magic and four
// proposed versions, the server's choice and, when it chose the manifest
// handshake (0x1FF), the server's versions and capabilities and the
// client's pick, none of which is chunked.
func handshake(client, srv net.Conn) error {
	if err := relay(client, srv, 20); err != nil {
		return err
	}
	choice := make([]byte, 4)
	if _, err := io.ReadFull(srv, choice); err != nil {
		return err
	}
	if _, err := client.Write(choice); err != nil {
		return err
	}
	if binary.BigEndian.Uint32(choice)&0xFFFF != 0x01FF {
		return nil
	}
	n, err := relayVarint(srv, client)
	if err != nil {
		return err
	}
	if err := relay(srv, client, 4*int(n)); err != nil {
		return err
	}
	if _, err := relayVarint(srv, client); err != nil {
		return err
	}
	if err := relay(client, srv, 4); err != nil {
		return err
	}
	_, err = relayVarint(client, srv)
	return err
}

func relay(from, to net.Conn, n int) error {
	b := make([]byte, n)
	if _, err := io.ReadFull(from, b); err != nil {
		return err
	}
	_, err := to.Write(b)
	return err
}

func relayVarint(from, to net.Conn) (uint64, error) {
	var v uint64
	b := make([]byte, 1)
	for shift := 0; ; shift += 7 {
		if _, err := io.ReadFull(from, b); err != nil {
			return 0, err
		}
		if _, err := to.Write(b); err != nil {
			return 0, err
		}
		v |= uint64(b[0]&0x7F) << shift
		if b[0]&0x80 == 0 {
			return v, nil
		}
	}
}

func (c *capture) record(body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.on {
		return
	}
	d := &decoder{b: body}
	q, err1 := d.value()
	p, err2 := d.value()
	query, _ := q.(string)
	params, _ := p.(map[string]any)
	if err := errors.Join(err1, err2); err != nil || query == "" {
		c.errs = append(c.errs, fmt.Errorf("undecodable RUN: %v", err))
		return
	}
	c.stmts = append(c.stmts, statement{query, params})
}

// decoder reads PackStream values.
type decoder struct {
	b []byte
	i int
}

var errShort = errors.New("packstream: short message")

func (d *decoder) take(n int) ([]byte, error) {
	if d.i+n > len(d.b) {
		return nil, errShort
	}
	v := d.b[d.i : d.i+n]
	d.i += n
	return v, nil
}

func (d *decoder) size(marker byte) (int, error) {
	switch marker & 0x03 {
	case 0:
		b, err := d.take(1)
		if err != nil {
			return 0, err
		}
		return int(b[0]), nil
	case 1:
		b, err := d.take(2)
		if err != nil {
			return 0, err
		}
		return int(binary.BigEndian.Uint16(b)), nil
	default:
		b, err := d.take(4)
		if err != nil {
			return 0, err
		}
		return int(binary.BigEndian.Uint32(b)), nil
	}
}

func (d *decoder) value() (any, error) {
	mb, err := d.take(1)
	if err != nil {
		return nil, err
	}
	m := mb[0]
	switch {
	case m < 0x80: // tiny int
		return int64(m), nil
	case m >= 0xF0:
		return int64(int8(m)), nil
	case m&0xF0 == 0x80:
		return d.str(int(m & 0x0F))
	case m&0xF0 == 0x90:
		return d.list(int(m & 0x0F))
	case m&0xF0 == 0xA0:
		return d.dict(int(m & 0x0F))
	case m&0xF0 == 0xB0:
		return d.structure(int(m & 0x0F))
	}
	switch m {
	case 0xC0:
		return nil, nil
	case 0xC2:
		return false, nil
	case 0xC3:
		return true, nil
	case 0xC1:
		b, err := d.take(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	case 0xC8, 0xC9, 0xCA, 0xCB:
		n := 1 << (m - 0xC8)
		b, err := d.take(n)
		if err != nil {
			return nil, err
		}
		switch n {
		case 1:
			return int64(int8(b[0])), nil
		case 2:
			return int64(int16(binary.BigEndian.Uint16(b))), nil
		case 4:
			return int64(int32(binary.BigEndian.Uint32(b))), nil
		}
		return int64(binary.BigEndian.Uint64(b)), nil
	case 0xD0, 0xD1, 0xD2:
		n, err := d.size(m - 0xD0)
		if err != nil {
			return nil, err
		}
		return d.str(n)
	case 0xD4, 0xD5, 0xD6:
		n, err := d.size(m - 0xD4)
		if err != nil {
			return nil, err
		}
		return d.list(n)
	case 0xD8, 0xD9, 0xDA:
		n, err := d.size(m - 0xD8)
		if err != nil {
			return nil, err
		}
		return d.dict(n)
	case 0xCC, 0xCD, 0xCE:
		n, err := d.size(m - 0xCC)
		if err != nil {
			return nil, err
		}
		b, err := d.take(n)
		return append([]byte(nil), b...), err
	}
	return nil, fmt.Errorf("packstream: marker %#x", m)
}

func (d *decoder) str(n int) (any, error) {
	b, err := d.take(n)
	return string(b), err
}

func (d *decoder) list(n int) (any, error) {
	out := make([]any, n)
	for i := range out {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (d *decoder) dict(n int) (any, error) {
	out := make(map[string]any, n)
	for range n {
		k, err := d.value()
		if err != nil {
			return nil, err
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		ks, _ := k.(string)
		out[ks] = v
	}
	return out, nil
}

// structure decodes the one structure the API's parameters carry, a Date
// (signature 'D': days since the epoch).
func (d *decoder) structure(fields int) (any, error) {
	sig, err := d.take(1)
	if err != nil {
		return nil, err
	}
	if sig[0] != 'D' || fields != 1 {
		return nil, fmt.Errorf("packstream: structure %#x", sig[0])
	}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	days, _ := v.(int64)
	return dbtype.Date(time.Unix(days*86400, 0).UTC()), nil
}

// profile runs one statement with PROFILE and sums its plan's db hits.
func (bn *bench) profile(ctx context.Context, query string, params map[string]any) (int64, error) {
	res, err := neo4j.ExecuteQuery(ctx, bn.drv, "PROFILE "+query, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(bn.db), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return 0, err
	}
	p := res.Summary.Profile()
	if p == nil {
		return 0, errors.New("no profile in the summary")
	}
	if os.Getenv("SANCTIONGRAPH_PERF_PLANS") != "" {
		var b strings.Builder
		fmt.Fprintf(&b, "PROFILE %s\n", oneLine(query))
		writePlan(&b, p, 1)
		fmt.Fprint(os.Stderr, b.String())
	}
	return dbHits(p), nil
}

// writePlan writes a profiled plan as an indented operator tree with each
// operator's rows and db hits (SANCTIONGRAPH_PERF_PLANS=1).
func writePlan(b *strings.Builder, p neo4j.ProfiledPlan, depth int) {
	detail, _ := p.Arguments()["Details"].(string)
	if len(detail) > 110 {
		detail = detail[:110] + "…"
	}
	fmt.Fprintf(b, "%s%-28s rows %7d  db hits %7d  %s\n", strings.Repeat("  ", depth), p.Operator(), p.Records(), p.DbHits(), detail)
	for _, c := range p.Children() {
		writePlan(b, c, depth+1)
	}
}

func dbHits(p neo4j.ProfiledPlan) int64 {
	n := p.DbHits()
	for _, c := range p.Children() {
		n += dbHits(c)
	}
	return n
}

// profileAPI sends the workload's request once through the capturing
// instance and returns how many statements it ran and their db hits.
//
// logf, when set, gets one line per statement with its db hits.
func (bn *bench) profileAPI(ctx context.Context, w workload, logf func(string, ...any)) (int, int64, error) {
	c := bn.capture
	c.mu.Lock()
	c.on, c.stmts, c.errs = true, nil, nil
	c.mu.Unlock()
	_, err := bn.post(ctx, c.url, w.gql, w.vars)
	c.mu.Lock()
	c.on = false
	stmts, errs := c.stmts, c.errs
	c.mu.Unlock()
	if err != nil {
		return 0, 0, err
	}
	if len(errs) > 0 {
		return len(stmts), 0, errors.Join(errs...)
	}
	var total int64
	for _, s := range stmts {
		n, err := bn.profile(ctx, s.query, s.params)
		if err != nil {
			return len(stmts), 0, fmt.Errorf("%w\n%s", err, s.query)
		}
		total += n
		if logf != nil {
			logf("%7d db hits  %s", n, oneLine(s.query))
		}
	}
	return len(stmts), total, nil
}

// oneLine shortens a statement for the log.
func oneLine(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 160 {
		q = q[:160] + "…"
	}
	return q
}
