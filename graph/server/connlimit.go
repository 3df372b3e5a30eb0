package server

import (
	"net"
	"net/netip"
	"sync"
)

// Connection limits. Without them 1,000 connections each sending an
// unfinished 1 MB header held 2.4 GiB: every connection's header buffer
// grows to MaxHeaderBytes, and nothing capped how many there were.
const (
	// DefaultMaxHeaderBytes caps a request's header block (net/http's
	// default is 1 MiB); an API key, a traceparent and a cookie-less
	// browser's headers take a few KiB.
	DefaultMaxHeaderBytes = 32 << 10
	// DefaultMaxConns caps open connections in total.
	DefaultMaxConns = 2048
	// DefaultMaxConnsPerAddr caps open connections from one client
	// address (an IPv6 client's /64). Behind a reverse proxy every
	// connection comes from the proxy: raise it or set it to -1 there.
	DefaultMaxConnsPerAddr = 128
)

// limitListener closes connections past the caps as soon as they are
// accepted, before any byte is read: a refused client sees its connection
// closed (or reset) and can retry. Connections are counted until closed.
type limitListener struct {
	net.Listener
	max, perAddr int // -1: no cap

	mu     sync.Mutex
	total  int
	byAddr map[string]int
	refuse func(reason string)
}

func newLimitListener(ln net.Listener, max, perAddr int, refuse func(string)) net.Listener {
	if max < 0 && perAddr < 0 {
		return ln
	}
	return &limitListener{Listener: ln, max: max, perAddr: perAddr, byAddr: map[string]int{}, refuse: refuse}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := connAddr(c)
		if reason := l.admit(addr); reason != "" {
			_ = c.Close()
			if l.refuse != nil {
				l.refuse(reason)
			}
			continue
		}
		return &limitConn{Conn: c, l: l, addr: addr}, nil
	}
}

// admit counts a new connection from addr, or says which cap refuses it.
func (l *limitListener) admit(addr string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.max >= 0 && l.total >= l.max:
		return "total"
	case l.perAddr >= 0 && l.byAddr[addr] >= l.perAddr:
		return "address"
	}
	l.total++
	l.byAddr[addr]++
	return ""
}

func (l *limitListener) release(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.byAddr[addr]--; l.byAddr[addr] <= 0 {
		delete(l.byAddr, addr)
	}
}

// open reports the connections counted now, in total and from addr.
func (l *limitListener) open(addr string) (total, fromAddr int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total, l.byAddr[addr]
}

// connAddr is the client key of a connection: its IP address, an IPv6
// client's /64, as the rate limiter counts them.
func connAddr(c net.Conn) string {
	ap, err := netip.ParseAddrPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String()
	}
	return addrKey(ap.Addr())
}

type limitConn struct {
	net.Conn
	l    *limitListener
	addr string
	once sync.Once
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.addr) })
	return err
}
