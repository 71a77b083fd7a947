package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/internal/blob/blobtest"
)

// TestS3 runs the store's tests against a real S3-compatible server
// (versitygw), then what only object storage has: ranged reads, the
// bucket check at start, and the object layout.
func TestS3(t *testing.T) {
	srv := blobtest.Start(t)
	open := func(t *testing.T) (*Store, string) {
		t.Helper()
		bucket, dir := srv.Bucket(t)
		cfg := S3Config{Endpoint: srv.Endpoint, Bucket: bucket, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
		// The local directory (uploads being checked) inside the bucket's
		// directory, so that files() sees both what was stored and what
		// was left behind.
		s, err := OpenS3(context.Background(), cfg, filepath.Join(dir, "local"))
		if err != nil {
			t.Fatalf("OpenS3: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s, dir
	}
	for name, fn := range map[string]func(*testing.T, opener){
		"PutAccepts": testPutAccepts, "PutRefuses": testPutRefuses, "PutMessages": testPutMessages,
		"PutSizeLimit": testPutSizeLimit, "PutFailureLeavesNothing": testPutFailureLeavesNothing,
		"OpenRejectsBadKeys": testOpenRejectsBadKeys, "Delete": testDelete, "ConcurrentPut": testConcurrentPut,
	} {
		t.Run(name, func(t *testing.T) { fn(t, open) })
	}

	t.Run("Layout", func(t *testing.T) {
		// Objects are named as the local directory names its files, so a
		// directory copied into a bucket (or back) serves as it is.
		s, dir := open(t)
		pdf := samplePDF()
		b, err := s.Put(context.Background(), bytes.NewReader(pdf), "a.pdf", 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(filepath.Join(dir, keyPath(b.Key))); err != nil || !bytes.Equal(got, pdf) {
			t.Errorf("object %s: %v, %q", keyPath(b.Key), err, got)
		}
		if left := files(t, filepath.Join(dir, "local")); len(left) != 0 {
			t.Errorf("local files left after an upload: %v", left)
		}
	})

	t.Run("Reads", func(t *testing.T) {
		s, dir := open(t)
		pdf := append(samplePDF(), bytes.Repeat([]byte("0123456789"), 1000)...)
		b, err := s.Put(context.Background(), bytes.NewReader(pdf), "a.pdf", 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		f, err := s.Open(b.Key)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil || info.Size() != int64(len(pdf)) || info.ModTime().IsZero() {
			t.Fatalf("Stat = %v, %v; want size %d and a time", info, err, len(pdf))
		}
		// Seek then Read: a ranged GET from there.
		if _, err := f.Seek(-10, io.SeekEnd); err != nil {
			t.Fatal(err)
		}
		tail, err := io.ReadAll(f)
		if err != nil || string(tail) != "0123456789" {
			t.Errorf("tail = %q, %v", tail, err)
		}
		// ReadAt anywhere, as the text extractors read.
		p := make([]byte, 8)
		if n, err := f.ReadAt(p, 0); n != 8 || err != nil || string(p) != "%PDF-1.7" {
			t.Errorf("ReadAt(0) = %d %v %q", n, err, p)
		}
		if n, err := f.ReadAt(p, int64(len(pdf)-4)); n != 4 || err != io.EOF {
			t.Errorf("ReadAt past the end = %d, %v; want 4, EOF", n, err)
		}
		// The download for ReadAt is not left on disk.
		if left := files(t, filepath.Join(dir, "local")); len(left) != 0 {
			t.Errorf("local files while open: %v", left)
		}
		// What the download handlers do: http.ServeContent, whole and ranged.
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f, err := s.Open(b.Key)
			if err != nil {
				http.Error(w, err.Error(), 404)
				return
			}
			defer f.Close()
			w.Header().Set("Content-Type", "application/pdf")
			http.ServeContent(w, r, "", time.Time{}, f)
		})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), pdf) {
			t.Errorf("whole: %d, %d bytes", rec.Code, rec.Body.Len())
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Range", "bytes=2-6")
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusPartialContent || rec.Body.String() != "DF-1." {
			t.Errorf("range: %d %q", rec.Code, rec.Body.String())
		}
		// A file removed behind the store's back is not found.
		os.Remove(filepath.Join(dir, keyPath(b.Key)))
		if _, err := s.Open(b.Key); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open of a vanished object: %v", err)
		}
	})

	t.Run("OpenChecksBucket", func(t *testing.T) {
		bucket, dir := srv.Bucket(t)
		good := S3Config{Endpoint: srv.Endpoint, Bucket: bucket, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
		for name, cfg := range map[string]S3Config{
			"wrong secret":   {Endpoint: good.Endpoint, Bucket: bucket, Region: good.Region, AccessKey: good.AccessKey, SecretKey: "wrong-secret"},
			"missing bucket": {Endpoint: good.Endpoint, Bucket: "no-such-bucket", Region: good.Region, AccessKey: good.AccessKey, SecretKey: good.SecretKey},
			"no keys":        {Endpoint: good.Endpoint, Bucket: bucket},
		} {
			if s, err := OpenS3(context.Background(), cfg, filepath.Join(dir, "local")); err == nil {
				s.Close()
				t.Errorf("%s: opened", name)
			} else if !strings.Contains(err.Error(), "blob: s3") {
				t.Errorf("%s: error %v", name, err)
			}
		}
		// The URL form a deployer writes opens the same bucket.
		cfg, err := ParseS3URL(srv.URL(bucket))
		if err != nil || cfg != good {
			t.Fatalf("ParseS3URL(%s) = %+v, %v; want %+v", srv.URL(bucket), cfg, err, good)
		}
	})
}
