package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// S3Config names a bucket of an S3-compatible object store (MinIO,
// versitygw, Ceph RGW, a cloud provider's S3 API). Objects are addressed
// path-style (http://host/bucket/key), which every such server accepts.
type S3Config struct {
	// Endpoint is host or host:port.
	Endpoint string
	// TLS selects https (the default) or plain http.
	TLS bool
	// Bucket must exist; OpenS3 checks that it is reachable.
	Bucket string
	// Prefix is put before every object name ("gongkai/"), empty for none.
	Prefix string
	// Region is the signing region; us-east-1 when empty.
	Region string
	// AccessKey and SecretKey sign every request (AWS Signature V4).
	AccessKey, SecretKey string
}

// ParseS3URL reads s3://ACCESS:SECRET@host:port/bucket/prefix?region=R&tls=0.
// The credentials may be left out of the URL (and given by the caller from
// the environment); tls defaults to 1 and region to us-east-1.
func ParseS3URL(raw string) (S3Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return S3Config{}, fmt.Errorf("blob: s3 url: %w", err)
	}
	if u.Scheme != "s3" {
		return S3Config{}, fmt.Errorf("blob: s3 url: scheme %q is not s3", u.Scheme)
	}
	if u.Host == "" {
		return S3Config{}, errors.New("blob: s3 url: no host")
	}
	bucket, prefix, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if bucket == "" {
		return S3Config{}, errors.New("blob: s3 url: no bucket (s3://host/bucket)")
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	c := S3Config{Endpoint: u.Host, TLS: true, Bucket: bucket, Prefix: prefix, Region: "us-east-1"}
	q := u.Query()
	if r := q.Get("region"); r != "" {
		c.Region = r
	}
	switch q.Get("tls") {
	case "", "1", "true":
	case "0", "false":
		c.TLS = false
	default:
		return S3Config{}, fmt.Errorf("blob: s3 url: tls=%q is not 0 or 1", q.Get("tls"))
	}
	for k := range q {
		if k != "region" && k != "tls" {
			return S3Config{}, fmt.Errorf("blob: s3 url: unknown parameter %q", k)
		}
	}
	if u.User != nil {
		c.AccessKey = u.User.Username()
		c.SecretKey, _ = u.User.Password()
	}
	return c, nil
}

// OpenS3 opens a store that keeps files in the bucket of cfg. dir is a local
// directory for uploads being checked and downloads being read (created if
// needed); it holds no stored file. OpenS3 fails when the bucket cannot be
// reached with the credentials, so a misconfigured server does not start.
func OpenS3(ctx context.Context, cfg S3Config, dir string) (*Store, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("blob: s3: no access key or secret key")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	c := &s3Client{cfg: cfg, http: &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
	}}}
	resp, err := c.do(ctx, http.MethodHead, "", nil, 0, emptySHA256, nil)
	if err != nil {
		return nil, fmt.Errorf("blob: s3 bucket %s: %w", cfg.Bucket, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("blob: s3 bucket %s at %s: %s", cfg.Bucket, cfg.Endpoint, resp.Status)
	}
	s, err := openLocal(dir)
	if err != nil {
		return nil, err
	}
	s.s3 = c
	return s, nil
}

// emptySHA256 is the hex SHA-256 of no bytes, the payload hash of requests
// without a body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

type s3Client struct {
	cfg  S3Config
	http *http.Client
}

// do sends one signed request for the object name (the bucket itself when
// name is empty).
func (c *s3Client) do(ctx context.Context, method, name string, body io.Reader, size int64, payloadHash string, hdr http.Header) (*http.Response, error) {
	scheme := "https"
	if !c.cfg.TLS {
		scheme = "http"
	}
	p := "/" + c.cfg.Bucket
	if name != "" {
		p += "/" + c.cfg.Prefix + name
	}
	u := &url.URL{Scheme: scheme, Host: c.cfg.Endpoint, Path: p}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if body != nil {
		req.ContentLength = size
	}
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	signV4(req, payloadHash, c.cfg.AccessKey, c.cfg.SecretKey, c.cfg.Region, "s3", time.Now())
	return c.http.Do(req)
}

// failure turns an error response into an error carrying the S3 error code
// from its XML body ("AccessDenied", "NoSuchBucket").
func failure(op string, resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	code := ""
	if i := strings.Index(string(b), "<Code>"); i >= 0 {
		code = string(b[i+len("<Code>"):])
		if j := strings.Index(code, "</Code>"); j >= 0 {
			code = code[:j]
		}
	}
	if code != "" {
		return fmt.Errorf("s3 %s: %s (%s)", op, resp.Status, code)
	}
	return fmt.Errorf("s3 %s: %s", op, resp.Status)
}

// put uploads the size bytes of f (already checked, with the given hex
// SHA-256, which signs the payload).
func (c *s3Client) put(ctx context.Context, name string, f *os.File, size int64, sum, mime string) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	hdr := http.Header{"Content-Type": {mime}}
	resp, err := c.do(ctx, http.MethodPut, name, io.NopCloser(io.LimitReader(f, size)), size, sum, hdr)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return failure("put", resp)
	}
	return nil
}

// head returns the size and modification time of an object, ErrNotFound
// when there is none.
func (c *s3Client) head(ctx context.Context, name string) (int64, time.Time, error) {
	resp, err := c.do(ctx, http.MethodHead, name, nil, 0, emptySHA256, nil)
	if err != nil {
		return 0, time.Time{}, err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return 0, time.Time{}, ErrNotFound
	default:
		return 0, time.Time{}, fmt.Errorf("s3 head: %s", resp.Status)
	}
	mod, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
	return resp.ContentLength, mod, nil
}

// remove deletes an object. S3 answers a DELETE of a missing object with
// success, so a HEAD first tells ErrNotFound apart.
func (c *s3Client) remove(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, _, err := c.head(ctx, name); err != nil {
		return err
	}
	resp, err := c.do(ctx, http.MethodDelete, name, nil, 0, emptySHA256, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusOK {
		return failure("delete", resp)
	}
	return nil
}

// open returns a File over the object name after a HEAD for its size.
func (c *s3Client) open(s *Store, name string) (*s3File, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	size, mod, err := c.head(ctx, name)
	if err != nil {
		return nil, err
	}
	return &s3File{c: c, s: s, name: name, size: size, mod: mod}, nil
}

// s3File reads an object. Read streams one GET from the current offset and
// starts another (with a Range) only after a Seek moves elsewhere, which is
// what http.ServeContent does: the whole file, or one range of it. ReadAt,
// which the text extractors call many times over small pieces, first
// downloads the object into a local temporary file and reads that.
type s3File struct {
	c    *s3Client
	s    *Store
	name string
	size int64
	mod  time.Time

	off     int64         // the position Read and Seek see
	body    io.ReadCloser // the GET in progress, positioned at bodyOff
	bodyOff int64
	local   *os.File // the whole object, once ReadAt needed it
}

func (f *s3File) Read(p []byte) (int, error) {
	if f.off >= f.size {
		return 0, io.EOF
	}
	if f.body != nil && f.bodyOff != f.off {
		f.body.Close()
		f.body = nil
	}
	if f.body == nil {
		hdr := http.Header{}
		if f.off > 0 {
			hdr.Set("Range", "bytes="+strconv.FormatInt(f.off, 10)+"-")
		}
		// No timeout over the whole body: a large file to a slow client
		// takes as long as it takes; the transport bounds the wait for
		// the answer.
		resp, err := f.c.do(context.Background(), http.MethodGet, f.name, nil, 0, emptySHA256, hdr)
		if err != nil {
			return 0, err
		}
		want := http.StatusOK
		if f.off > 0 {
			want = http.StatusPartialContent
		}
		if resp.StatusCode != want {
			defer resp.Body.Close()
			if resp.StatusCode == http.StatusNotFound {
				return 0, ErrNotFound
			}
			return 0, failure("get", resp)
		}
		f.body, f.bodyOff = resp.Body, f.off
	}
	n, err := f.body.Read(p)
	f.off += int64(n)
	f.bodyOff += int64(n)
	if err == io.EOF && f.off < f.size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (f *s3File) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += f.off
	case io.SeekEnd:
		offset += f.size
	default:
		return 0, errors.New("blob: seek: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("blob: seek: negative position")
	}
	f.off = offset
	return offset, nil
}

func (f *s3File) ReadAt(p []byte, off int64) (int, error) {
	if f.local == nil {
		if err := f.download(); err != nil {
			return 0, err
		}
	}
	return f.local.ReadAt(p, off)
}

// download copies the object into an unlinked temporary file.
func (f *s3File) download() error {
	tmp := path.Join(tmpDir, newKey()+".get")
	lf, err := f.s.root.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return err
	}
	f.s.root.Remove(tmp) // the open file stays readable
	r := &s3File{c: f.c, s: f.s, name: f.name, size: f.size}
	defer r.Close()
	n, err := io.Copy(lf, r)
	if err == nil && n != f.size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		lf.Close()
		return err
	}
	f.local = lf
	return nil
}

func (f *s3File) Stat() (fs.FileInfo, error) {
	return s3Info{name: path.Base(f.name), size: f.size, mod: f.mod}, nil
}

func (f *s3File) Close() error {
	if f.body != nil {
		f.body.Close()
		f.body = nil
	}
	if f.local != nil {
		f.local.Close()
		f.local = nil
	}
	return nil
}

type s3Info struct {
	name string
	size int64
	mod  time.Time
}

func (i s3Info) Name() string       { return i.name }
func (i s3Info) Size() int64        { return i.size }
func (i s3Info) Mode() fs.FileMode  { return 0o440 }
func (i s3Info) ModTime() time.Time { return i.mod }
func (i s3Info) IsDir() bool        { return false }
func (i s3Info) Sys() any           { return nil }
