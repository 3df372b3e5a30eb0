package server

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Bounds of the limiter table.
const (
	// maxClients caps the clients tracked at once; past it, arbitrary
	// entries are dropped (which resets their budgets) to keep memory
	// bounded under a flood from many addresses.
	maxClients = 100_000
	// sweepEvery is how often idle clients are dropped.
	sweepEvery = time.Minute
)

// limiter keeps one token bucket per client: "ip:<address>" for anonymous
// requests and key checks, "key:<id>" for requests with an accepted key.
// Keyed clients get factor times the rate and burst. A client idle long
// enough for its bucket to refill is dropped: a full bucket is the same as
// a new one, so this loses nothing.
type limiter struct {
	rate   rate.Limit
	burst  int
	factor float64
	idle   time.Duration
	now    func() time.Time

	mu        sync.Mutex
	clients   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newLimiter returns nil (no limits) when perSecond is 0 or less. burst
// defaults to twice the rate (at least 1), factor to DefaultKeyRateFactor.
func newLimiter(perSecond float64, burst int, factor float64) *limiter {
	if perSecond <= 0 {
		return nil
	}
	if burst <= 0 {
		burst = max(1, int(math.Ceil(2*perSecond)))
	}
	if factor <= 0 {
		factor = DefaultKeyRateFactor
	}
	refill := time.Duration(float64(burst) / perSecond * float64(time.Second))
	return &limiter{
		rate: rate.Limit(perSecond), burst: burst, factor: factor,
		idle: max(refill, time.Second), now: time.Now,
		clients: map[string]*bucket{},
	}
}

// allow takes one token from client's bucket. When there is none it takes
// nothing and returns how long until there will be one.
func (l *limiter) allow(client string, keyed bool) (time.Duration, bool) {
	if l == nil {
		return 0, true
	}
	now := l.now()
	l.mu.Lock()
	b := l.clients[client]
	if b == nil {
		l.sweep(now)
		r, n := l.rate, l.burst
		if keyed {
			r, n = rate.Limit(float64(r)*l.factor), int(math.Ceil(float64(n)*l.factor))
		}
		b = &bucket{lim: rate.NewLimiter(r, n)}
		l.clients[client] = b
	}
	b.seen = now
	l.mu.Unlock()

	res := b.lim.ReserveN(now, 1)
	if !res.OK() {
		return time.Second, false
	}
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return wait, false
	}
	return 0, true
}

// sweep drops idle clients, at most every sweepEvery, and makes room for
// one more when the table is full. l.mu is held.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) >= sweepEvery {
		l.lastSweep = now
		for id, b := range l.clients {
			if now.Sub(b.seen) > l.idle {
				delete(l.clients, id)
			}
		}
	}
	for id := range l.clients {
		if len(l.clients) < maxClients {
			break
		}
		delete(l.clients, id)
	}
}

// size returns how many clients are tracked (tests).
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// clientAddr names the client of an anonymous request: its IP address, or
// for IPv6 its /64 network (one host commonly holds a whole /64). The
// address is r.RemoteAddr unless header names a header set by a trusted
// reverse proxy (X-Forwarded-For, X-Real-IP): then it is the last address
// in that header, the one the proxy added, when it parses.
func clientAddr(r *http.Request, header string) string {
	if header != "" {
		if vals := r.Header.Values(header); len(vals) > 0 {
			last := vals[len(vals)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if a, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				return addrKey(a)
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return addrKey(a)
	}
	return host
}

func addrKey(a netip.Addr) string {
	a = a.WithZone("").Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
