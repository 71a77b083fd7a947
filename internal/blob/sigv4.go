package blob

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// AWS Signature Version 4, header form, as S3-compatible servers check it:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
// sigv4_test.go checks it against the published test suite's vectors and
// the S3 documentation's examples.

const sigAlgorithm = "AWS4-HMAC-SHA256"

// signV4 sets X-Amz-Date and Authorization on req. Every header already in
// req.Header is signed, and Host; payloadHash is the hex SHA-256 of the body
// (S3 also wants it in X-Amz-Content-Sha256, which the caller sets).
func signV4(req *http.Request, payloadHash, accessKey, secretKey, region, service string, t time.Time) {
	req.Header.Set("X-Amz-Date", t.UTC().Format("20060102T150405Z"))
	_, _, auth := sigV4Parts(req, payloadHash, accessKey, secretKey, region, service, t)
	req.Header.Set("Authorization", auth)
}

// sigV4Parts returns the canonical request, the string to sign and the
// Authorization value, separately so that a test can tell which step is
// wrong.
func sigV4Parts(req *http.Request, payloadHash, accessKey, secretKey, region, service string, t time.Time) (canonical, toSign, auth string) {
	t = t.UTC()
	date := t.Format("20060102")
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}

	// Canonical headers: lower-case names, sorted; values trimmed, inner
	// runs of spaces collapsed, repeated headers joined with commas.
	values := map[string]string{"host": host}
	for k, vs := range req.Header {
		name := strings.ToLower(k)
		if name == "authorization" {
			continue
		}
		clean := make([]string, len(vs))
		for i, v := range vs {
			clean[i] = strings.Join(strings.Fields(v), " ")
		}
		values[name] = strings.Join(clean, ",")
	}
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	var ch strings.Builder
	for _, n := range names {
		ch.WriteString(n + ":" + values[n] + "\n")
	}
	signed := strings.Join(names, ";")

	canonical = strings.Join([]string{
		req.Method,
		canonicalURI(req.URL),
		canonicalQuery(req.URL),
		ch.String(),
		signed,
		payloadHash,
	}, "\n")
	scope := date + "/" + region + "/" + service + "/aws4_request"
	toSign = strings.Join([]string{sigAlgorithm, t.Format("20060102T150405Z"), scope, sha256Hex(canonical)}, "\n")

	key := hmacSHA256([]byte("AWS4"+secretKey), date)
	key = hmacSHA256(key, region)
	key = hmacSHA256(key, service)
	key = hmacSHA256(key, "aws4_request")
	sig := hex.EncodeToString(hmacSHA256(key, toSign))
	auth = sigAlgorithm + " Credential=" + accessKey + "/" + scope + ", SignedHeaders=" + signed + ", Signature=" + sig
	return canonical, toSign, auth
}

// canonicalURI encodes each path segment once, as S3 wants (no
// normalisation of "." or "//": object names are taken as they are).
func canonicalURI(u *url.URL) string {
	p := u.Path
	if p == "" {
		return "/"
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = uriEncode(s)
	}
	return strings.Join(segs, "/")
}

// canonicalQuery sorts the parameters by encoded name, then value.
func canonicalQuery(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	q, _ := url.ParseQuery(u.RawQuery)
	var pairs [][2]string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, [2]string{uriEncode(k), uriEncode(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p[0] + "=" + p[1]
	}
	return strings.Join(out, "&")
}

// uriEncode percent-encodes every byte but the unreserved ones
// (A–Z a–z 0–9 - . _ ~), with upper-case hex.
func uriEncode(s string) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
