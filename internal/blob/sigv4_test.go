package blob

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The vectors of the AWS Signature Version 4 test suite
// (aws-sig-v4-test-suite: credentials AKIDEXAMPLE, service "service",
// 2015-08-30T12:36:00Z) and of the S3 documentation's GET Object example.
func TestSignV4Vectors(t *testing.T) {
	const (
		suiteKey    = "AKIDEXAMPLE"
		suiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	)
	suiteTime := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	cases := []struct {
		name, method, url, body   string
		header                    map[string]string
		key, secret, region, svc  string
		at                        time.Time
		payload                   string // hex SHA-256 of body
		wantSigned, wantSignature string
		wantCanonical             string // "" skips
	}{
		{name: "get-vanilla", method: "GET", url: "https://example.amazonaws.com/",
			wantSigned: "host;x-amz-date", wantSignature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
			wantCanonical: "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + emptySHA256},
		{name: "get-vanilla-query-order-key-case", method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1",
			wantSigned: "host;x-amz-date", wantSignature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
			wantCanonical: "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + emptySHA256},
		{name: "get-vanilla-query-order-value", method: "GET", url: "https://example.amazonaws.com/?Param1=value2&Param1=value1",
			wantSigned: "host;x-amz-date", wantSignature: "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"},
		{name: "get-unreserved", method: "GET", url: "https://example.amazonaws.com/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
			wantSigned: "host;x-amz-date", wantSignature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
		{name: "post-x-www-form-urlencoded", method: "POST", url: "https://example.amazonaws.com/", body: "Param1=value1",
			header:     map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			wantSigned: "content-type;host;x-amz-date", wantSignature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
		{name: "s3-get-object", method: "GET", url: "https://examplebucket.s3.amazonaws.com/test.txt",
			header: map[string]string{"Range": "bytes=0-9", "X-Amz-Content-Sha256": emptySHA256},
			key:    "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1", svc: "s3",
			at:         time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC),
			wantSigned: "host;range;x-amz-content-sha256;x-amz-date", wantSignature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
			wantCanonical: "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:" + emptySHA256 +
				"\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n" + emptySHA256},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.key == "" {
				c.key, c.secret, c.region, c.svc, c.at = suiteKey, suiteSecret, "us-east-1", "service", suiteTime
			}
			req, err := http.NewRequest(c.method, c.url, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			signV4(req, sha256Hex(c.body), c.key, c.secret, c.region, c.svc, c.at)
			canonical, _, _ := sigV4Parts(req, sha256Hex(c.body), c.key, c.secret, c.region, c.svc, c.at)
			if c.wantCanonical != "" && canonical != c.wantCanonical {
				t.Errorf("canonical request\n%s\nwant\n%s", canonical, c.wantCanonical)
			}
			scope := c.at.Format("20060102") + "/" + c.region + "/" + c.svc + "/aws4_request"
			want := "AWS4-HMAC-SHA256 Credential=" + c.key + "/" + scope + ", SignedHeaders=" + c.wantSigned + ", Signature=" + c.wantSignature
			if got := req.Header.Get("Authorization"); got != want {
				t.Errorf("Authorization\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestParseS3URL(t *testing.T) {
	c, err := ParseS3URL("s3://AK:S%2Fx@127.0.0.1:9000/att/site1?region=cn-north-1&tls=0")
	if err != nil {
		t.Fatal(err)
	}
	want := S3Config{Endpoint: "127.0.0.1:9000", Bucket: "att", Prefix: "site1/", Region: "cn-north-1", AccessKey: "AK", SecretKey: "S/x"}
	if c != want {
		t.Errorf("got %+v, want %+v", c, want)
	}
	c, err = ParseS3URL("s3://minio.internal/att")
	if err != nil || !c.TLS || c.Region != "us-east-1" || c.Prefix != "" || c.AccessKey != "" {
		t.Errorf("defaults: %+v, %v", c, err)
	}
	for _, bad := range []string{"http://h/b", "s3:///b", "s3://h", "s3://h/", "s3://h/b?tls=2", "s3://h/b?acl=public"} {
		if _, err := ParseS3URL(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
