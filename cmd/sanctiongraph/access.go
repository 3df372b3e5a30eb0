package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/server"
)

// Defaults of the access flags.
const (
	defaultRateLimit = 20
	defaultRateBurst = 40
)

// accessFlags declares the flags that govern access to /graphql (rate
// limits, CORS, the trusted proxy header, the API key cache), defaulting to
// their environment variables. The returned check validates them once fs is
// parsed; a malformed environment value is an error unless its flag was
// given.
func (c *Config) accessFlags(fs *flag.FlagSet, getenv func(string) string) (check func() error) {
	envErrs := map[string]error{} // by flag name
	rate := float64(defaultRateLimit)
	if v := getenv("RATE_LIMIT"); v != "" {
		if f, err := strconv.ParseFloat(v, 64); err != nil {
			envErrs["rate-limit"] = fmt.Errorf("RATE_LIMIT=%q is not a number", v)
		} else {
			rate = f
		}
	}
	burst := defaultRateBurst
	if v := getenv("RATE_BURST"); v != "" {
		if n, err := strconv.Atoi(v); err != nil {
			envErrs["rate-burst"] = fmt.Errorf("RATE_BURST=%q is not a whole number", v)
		} else {
			burst = n
		}
	}
	fs.Float64Var(&c.RateLimit, "rate-limit", rate, "requests per second one anonymous client (IP address) may make to /graphql; API keys get 5× rate and burst; 0 disables rate limiting [RATE_LIMIT]")
	fs.IntVar(&c.RateBurst, "rate-burst", burst, "requests an anonymous client may make at once before -rate-limit paces it [RATE_BURST]")
	origins := fs.String("cors-origins", getenv("CORS_ORIGINS"), "comma-separated origins browsers may call /graphql from (https://dash.example.org, https://*.example.org, * for any); empty: none [CORS_ORIGINS]")
	fs.StringVar(&c.TrustedProxyHeader, "trusted-proxy-header", getenv("TRUSTED_PROXY_HEADER"), "header in which a trusted reverse proxy passes the client address, e.g. X-Forwarded-For (its last address counts) or X-Real-IP; empty: the connection's address [TRUSTED_PROXY_HEADER]")
	fs.IntVar(&c.MaxConns, "max-conns", server.DefaultMaxConns, "open connections the server accepts in total; -1: no cap")
	fs.IntVar(&c.MaxConnsPerAddr, "max-conns-per-addr", server.DefaultMaxConnsPerAddr, "open connections the server accepts from one client address (IPv6: its /64); behind a reverse proxy all come from the proxy, so raise it or pass -1 (no cap)")
	fs.DurationVar(&c.AuthCacheTTL, "auth-cache-ttl", 30*time.Second, "how long an accepted API key is trusted before it is checked again; a revoked key stops working within this time; 0 checks every request")
	return func() error {
		fs.Visit(func(f *flag.Flag) { delete(envErrs, f.Name) })
		var errs []error
		names := make([]string, 0, len(envErrs))
		for n := range envErrs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			errs = append(errs, envErrs[n])
		}
		if c.RateLimit < 0 || math.IsNaN(c.RateLimit) || math.IsInf(c.RateLimit, 0) {
			errs = append(errs, fmt.Errorf("rate-limit %v: want requests per second, or 0 for no limit", c.RateLimit))
		}
		if c.RateLimit > 0 && c.RateBurst < 1 {
			errs = append(errs, fmt.Errorf("rate-burst %d: want at least 1", c.RateBurst))
		}
		if c.AuthCacheTTL < 0 {
			errs = append(errs, fmt.Errorf("auth-cache-ttl %s: want 0 or more", c.AuthCacheTTL))
		} else if c.AuthCacheTTL == 0 {
			c.AuthCacheTTL = -1 // server.Config: negative disables the cache, 0 is its default
		}
		if c.MaxConns == 0 || c.MaxConns < -1 {
			errs = append(errs, fmt.Errorf("max-conns %d: want at least 1, or -1 for no cap", c.MaxConns))
		}
		if c.MaxConnsPerAddr == 0 || c.MaxConnsPerAddr < -1 {
			errs = append(errs, fmt.Errorf("max-conns-per-addr %d: want at least 1, or -1 for no cap", c.MaxConnsPerAddr))
		}
		if h := c.TrustedProxyHeader; h != "" && !validHeaderName(h) {
			errs = append(errs, fmt.Errorf("trusted-proxy-header %q is not a header name", h))
		}
		var err error
		if c.CORSOrigins, err = parseOrigins(*origins); err != nil {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	}
}

// parseOrigins splits a comma-separated list of CORS origins: "*", or
// scheme://host[:port] with http or https and at most one "*" in the host.
func parseOrigins(s string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(s, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o != "*" {
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
				u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.Count(o, "*") > 1 {
				return nil, fmt.Errorf("cors-origins: %q is not an origin like https://dash.example.org (no path, no trailing slash) or *", o)
			}
		}
		out = append(out, o)
	}
	return out, nil
}

func validHeaderName(h string) bool {
	for _, c := range h {
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return h != ""
}
