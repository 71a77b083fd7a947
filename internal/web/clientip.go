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
