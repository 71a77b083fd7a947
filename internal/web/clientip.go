package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// LoopbackProxies are the proxies trusted by the deprecated --trust-proxy:
// a reverse proxy on the same machine.
var LoopbackProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// ParseProxies reads a comma-separated list of CIDR prefixes or single
// addresses (--trusted-proxies 10.0.0.0/8,192.0.2.7).
func ParseProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// trusted reports whether addr is one of the configured proxies.
func (s *Server) trusted(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range s.Opts.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// peerAddr is the address of the direct peer of the connection.
func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// fromTrustedProxy reports whether the request came straight from a
// configured proxy, whose forwarding headers may then be believed.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	if len(s.Opts.TrustedProxies) == 0 {
		return false
	}
	a, err := netip.ParseAddr(peerAddr(r))
	return err == nil && s.trusted(a)
}

// ClientIP returns the address used for rate limits and the audit log: the
// direct peer, unless that is a trusted proxy. Then X-Forwarded-For is read
// from the right, where each proxy appended the address it saw: the
// right-most entry that is not itself a trusted proxy is the client. Entries
// further left were written by the client and prove nothing, so rotating
// them gains nothing. A malformed entry ends the walk (it is not trusted
// to speak for anything left of it).
func (s *Server) ClientIP(r *http.Request) string {
	peer := peerAddr(r)
	if !s.fromTrustedProxy(r) {
		return peer
	}
	client := peer
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return client
			}
			client = a.Unmap().String()
			if !s.trusted(a) {
				return client
			}
		}
	}
	return client
}

// BaseURL is the site's own address for absolute links (feeds, sitemap,
// robots.txt): its first declared host, not the request's Host header,
// which any client sets and a shared cache would pass on to everyone. The
// request's port is kept only when it asked for a host the site declares
// (a server on a non-standard port, the demo on 127.0.0.1:8080). A site
// that declares no host has no configured name: then the request's host
// is all there is. The scheme is https over TLS, with --secure-cookies, or
// when a trusted proxy says so (X-Forwarded-Proto).
func (s *Server) BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || s.Opts.Secure || (r.Header.Get("X-Forwarded-Proto") == "https" && s.fromTrustedProxy(r)) {
		scheme = "https"
	}
	st := SiteOf(r)
	if st == nil || len(st.Site.Hosts) == 0 {
		return scheme + "://" + r.Host
	}
	host := st.Site.Hosts[0]
	asked := normHost(r.Host)
	for _, h := range st.Site.Hosts {
		if h == asked {
			host = h
			if _, port, err := net.SplitHostPort(r.Host); err == nil && port != "" && isDigits(port) {
				host = net.JoinHostPort(h, port)
			}
			break
		}
	}
	return scheme + "://" + host
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(s) <= 5
}
