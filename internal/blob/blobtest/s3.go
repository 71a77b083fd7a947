// Package blobtest starts a real S3-compatible server for tests of the
// object-storage back end: versitygw (github.com/versity/versitygw, Apache
// 2.0, pure Go) over a temporary directory.
//
// The server is built once per machine with `go install` at a pinned
// version into the user cache directory (scripts/test.sh does it before the
// tests, so their time does not include the build). A server that cannot be
// built or started fails the test; GONGKAI_SKIP_S3=1, which CI never sets,
// skips the object-storage tests instead.
package blobtest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Module and Version name the server that Binary builds.
const (
	Module  = "github.com/versity/versitygw/cmd/versitygw"
	Version = "v1.8.0"
)

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// Binary returns the path of the versitygw executable: $GONGKAI_VERSITYGW
// when set, else the cached build, built now when missing.
func Binary() (string, error) {
	if p := os.Getenv("GONGKAI_VERSITYGW"); p != "" {
		return p, nil
	}
	buildOnce.Do(func() { buildPath, buildErr = build() })
	return buildPath, buildErr
}

// CacheDir is where the build is kept.
func CacheDir() (string, error) {
	c, err := os.UserCacheDir()
	if err != nil { // no HOME: a shared temporary directory still caches
		c = os.TempDir()
	}
	return filepath.Join(c, "gongkai", "versitygw-"+Version), nil
}

func build() (string, error) {
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "versitygw")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// Test binaries of several packages may get here at once: one builds.
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	cmd := exec.Command("go", "install", Module+"@"+Version)
	cmd.Dir = dir // outside any module: go install pkg@version needs none
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s@%s: %v\n%s", Module, Version, err, out)
	}
	return bin, nil
}

// Server is a running versitygw over a temporary directory.
type Server struct {
	Endpoint             string // 127.0.0.1:port, plain http
	Region               string
	AccessKey, SecretKey string
	// Data holds one directory per bucket; the posix back end keeps each
	// object as a file under its bucket's directory, at its name.
	Data, meta string
	n          int
}

// Bucket creates an empty bucket and returns its name and directory.
func (s *Server) Bucket(t testing.TB) (name, dir string) {
	t.Helper()
	s.n++
	name = "gongkai-test-" + strconv.Itoa(s.n)
	dir = filepath.Join(s.Data, name)
	for _, d := range []string{dir, filepath.Join(s.meta, name)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return name, dir
}

// URL is the --blob value for a bucket of s, credentials included.
func (s *Server) URL(bucket string) string {
	return "s3://" + s.AccessKey + ":" + s.SecretKey + "@" + s.Endpoint + "/" + bucket + "?tls=0&region=" + s.Region
}

// Start starts a server for the test; it stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	if os.Getenv("GONGKAI_SKIP_S3") == "1" {
		t.Skip("GONGKAI_SKIP_S3=1: object-storage tests opted out")
	}
	bin, err := Binary()
	if err != nil {
		t.Fatalf("S3 server: %v", err)
	}
	root := t.TempDir()
	srv := &Server{Region: "us-east-1", AccessKey: "gongkai-test", SecretKey: "gongkai-test-secret-key",
		Data: filepath.Join(root, "data"), meta: filepath.Join(root, "meta")}
	for _, d := range []string{srv.Data, srv.meta} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var lastErr error
	for try := 0; try < 3; try++ {
		addr, err := freeAddr()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--access", srv.AccessKey, "--secret", srv.SecretKey, "--region", srv.Region,
			"--port", addr, "--quiet", "--health", "/healthz", "posix", "--sidecar", srv.meta, srv.Data)
		cmd.Stdout, cmd.Stderr = t.Output(), t.Output()
		if err := cmd.Start(); err != nil {
			t.Fatalf("S3 server: start %s: %v", bin, err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		if lastErr = waitReady(addr, exited); lastErr == nil {
			t.Cleanup(func() {
				cmd.Process.Signal(os.Interrupt)
				select {
				case <-exited:
				case <-time.After(5 * time.Second):
					cmd.Process.Kill()
					<-exited
				}
			})
			srv.Endpoint = addr
			return srv
		}
		cmd.Process.Kill()
		<-exited
	}
	t.Fatalf("S3 server did not start: %v", lastErr)
	return nil
}

// waitReady polls the health endpoint until the server answers, it exits,
// or 30 seconds pass (a guard against a server that never starts, not a
// timing assertion).
func waitReady(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("exited early (its output is in the test log)")
		default:
		}
		r, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no answer on %s", addr)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}
