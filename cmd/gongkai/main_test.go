package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongkai/internal/blob/blobtest"
	"gongkai/internal/captcha"
	"gongkai/internal/store"
)

var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gongkai-cli-")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "gongkai")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func run(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestUsersBeforeDemo: users and tokens created with the CLI before the
// first start do not count as a site, so --demo still loads; the token works.
func TestUsersBeforeDemo(t *testing.T) {
	data := t.TempDir()
	pw := filepath.Join(data, "pw")
	os.WriteFile(pw, []byte("a-long-enough-password\n"), 0o600)

	if out, code := run(t, "", "user", "add", "--data", data, "--name", "ops", "--role", "office", "--password-file", pw); code != 0 {
		t.Fatalf("user add: %d %s", code, out)
	}
	if out, code := run(t, "", "user", "add", "--data", data, "--name", "ops", "--role", "office", "--password-file", pw); code == 0 || !strings.Contains(out, "登录名已被使用") {
		t.Errorf("duplicate user: %d %s", code, out)
	}
	if out, code := run(t, "", "user", "add", "--data", data, "--name", "x", "--role", "king", "--password-file", pw); code == 0 || !strings.Contains(out, "未知角色") {
		t.Errorf("bad role: %d %s", code, out)
	}
	if out, code := run(t, "short", "user", "add", "--data", data, "--name", "y", "--role", "office", "--password-file", "-"); code == 0 || !strings.Contains(out, "密码") {
		t.Errorf("short password: %d %s", code, out)
	}
	token, code := run(t, "", "token", "create", "--data", data, "--user", "ops")
	// The secret is the first line (stdout); the warning follows on stderr.
	token, _, _ = strings.Cut(token, "\n")
	if code != 0 || !strings.HasPrefix(token, "gk_") {
		t.Fatalf("token create: %d %q", code, token)
	}
	if out, code := run(t, "", "token", "create", "--data", data, "--user", "nobody"); code == 0 {
		t.Errorf("token for unknown user: %s", out)
	}

	addr := freeAddr(t)
	start := time.Now()
	cmd := exec.Command(bin, "serve", "--demo", "--data", data, "--addr", addr, "--log", "warn")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	base := "http://" + addr
	for {
		r, err := http.Get(base + "/healthz")
		if err == nil {
			r.Body.Close()
			break
		}
		// Loading the whole demo takes a while, longer under -race on a
		// busy machine: this only guards against a server that never
		// starts.
		if time.Since(start) > 3*time.Minute {
			t.Fatal("server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	r, err := http.Get(base + "/api/v1/items?index_no=1438332193/sfj/2021-0000192")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Items []struct {
			URL         string `json:"url"`
			PublishedOn string `json:"published_on"`
		} `json:"items"`
	}
	json.NewDecoder(r.Body).Decode(&list)
	r.Body.Close()
	if len(list.Items) != 1 || list.Items[0].PublishedOn != "2021-06-14" {
		t.Fatalf("demo not loaded: %+v", list)
	}
	// The CLI-made office token can write and publish.
	body := `{"column_id": 0, "title": "x"}`
	req, _ := http.NewRequest("POST", base+"/api/v1/items", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("token write with a bad column: %d, want 422", resp.StatusCode)
	}

	// A backup while serving, then a restore into a fresh directory.
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	if msg, code := run(t, "", "backup", "--data", data, "--out", out); code != 0 {
		t.Fatalf("backup: %s", msg)
	}
	restored := t.TempDir()
	if msg, code := run(t, "", "restore", "--data", restored, out); code != 0 || !strings.Contains(msg, "已从") {
		t.Fatalf("restore: %d %s", code, msg)
	}
	// The restored copy serves the seed page; a second --demo does not reload.
	addr2 := freeAddr(t)
	cmd2 := exec.Command(bin, "serve", "--demo", "--data", restored, "--addr", addr2, "--log", "warn")
	if err := cmd2.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd2.Process.Signal(os.Interrupt); cmd2.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, err := http.Get("http://" + addr2 + list.Items[0].URL)
		if err == nil {
			r.Body.Close()
			if r.StatusCode != 200 {
				t.Fatalf("restored seed page: %d", r.StatusCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("restored server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTokenCommands: token create with an expiry, list, revoke; a revoked
// token stays listed as revoked, and bad input is refused with a message.
func TestTokenCommands(t *testing.T) {
	data := t.TempDir()
	pw := filepath.Join(data, "pw")
	os.WriteFile(pw, []byte("a-long-enough-password\n"), 0o600)
	for _, name := range []string{"ops", "feed"} {
		if out, code := run(t, "", "user", "add", "--data", data, "--name", name, "--role", "office", "--password-file", pw); code != 0 {
			t.Fatalf("user add: %d %s", code, out)
		}
	}
	out, code := run(t, "", "token", "create", "--data", data, "--user", "ops", "--name", "省平台", "--expires", "30d")
	if code != 0 || !strings.HasPrefix(out, "gk_") || !strings.Contains(out, "只显示这一次") || !strings.Contains(out, "令牌 1 已创建") {
		t.Fatalf("token create: %d %q", code, out)
	}
	if out, code := run(t, "", "token", "create", "--data", data, "--user", "feed", "--expires", "2099-01-01"); code == 0 || !strings.Contains(out, "最长一年") {
		t.Errorf("expiry beyond a year: %d %s", code, out)
	}
	if out, code := run(t, "", "token", "create", "--data", data, "--user", "feed", "--expires", "soon"); code == 0 || !strings.Contains(out, "有效期格式") {
		t.Errorf("bad expiry: %d %s", code, out)
	}
	if out, code := run(t, "", "token", "create", "--data", data, "--user", "feed"); code != 0 {
		t.Fatalf("token create: %d %s", code, out)
	}
	out, code = run(t, "", "token", "list", "--data", data)
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, "1\tops\t省平台\t") || !strings.Contains(out, "2\tfeed\t-\t") || strings.Count(out, "\t有效\n") != 2 {
		t.Fatalf("token list: %d\n%s", code, out)
	}
	if out, code := run(t, "", "token", "revoke", "--data", data, "1"); code != 0 || !strings.Contains(out, "令牌 1 已撤销") {
		t.Fatalf("token revoke: %d %s", code, out)
	}
	if out, code := run(t, "", "token", "revoke", "--data", data, "1"); code == 0 || !strings.Contains(out, "令牌已撤销") {
		t.Errorf("second revoke: %d %s", code, out)
	}
	if out, code := run(t, "", "token", "revoke", "--data", data, "99"); code == 0 || !strings.Contains(out, "令牌不存在") {
		t.Errorf("revoke unknown: %d %s", code, out)
	}
	if out, code := run(t, "", "token", "revoke", "--data", data, "x"); code == 0 || !strings.Contains(out, "正整数") {
		t.Errorf("revoke x: %d %s", code, out)
	}
	out, code = run(t, "", "token", "list", "--data", data, "--user", "ops")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, "已撤销（手动撤销，命令行/系统）") {
		t.Errorf("token list --user ops: %d\n%s", code, out)
	}
	if out, code := run(t, "", "token", "list", "--data", data, "--user", "nobody"); code == 0 || !strings.Contains(out, "用户不存在") {
		t.Errorf("list of an unknown user: %d %s", code, out)
	}
	if out, code := run(t, "", "token", "frob", "--data", data); code == 0 || !strings.Contains(out, "token revoke ID") {
		t.Errorf("unknown token command: %d %s", code, out)
	}
}

func TestWorkdaysAndMigrate(t *testing.T) {
	if out, code := run(t, "", "workdays", "add", "2021-09-28", "20"); code != 0 || strings.TrimSpace(out) != "2021-11-01" {
		t.Errorf("workdays add: %d %q", code, out)
	}
	if _, code := run(t, "", "workdays", "is", "2021-10-09"); code != 0 {
		t.Errorf("2021-10-09 is a make-up working day; exit %d", code)
	}
	if _, code := run(t, "", "workdays", "is", "2021-10-01"); code != 1 {
		t.Errorf("2021-10-01 is a holiday; exit %d", code)
	}
	data := t.TempDir()
	if out, code := run(t, "", "migrate", "--data", data); code != 0 || !strings.Contains(out, "applied 0001_catalog.sql") {
		t.Errorf("migrate: %d %s", code, out)
	}
	if out, code := run(t, "", "migrate", "--data", data); code != 0 || !strings.Contains(out, "up to date") {
		t.Errorf("second migrate: %d %s", code, out)
	}
	if dsn := os.Getenv("GONGKAI_TEST_POSTGRES"); dsn != "" {
		if out, code := run(t, "", "migrate", "--db", dsn); code != 0 {
			t.Errorf("migrate postgres: %d %s", code, out)
		}
	}
	if out, code := run(t, "", "frobnicate"); code != 2 || !strings.Contains(out, "未知命令") {
		t.Errorf("unknown command: %d %s", code, out)
	}
}

func TestSiteAdd(t *testing.T) {
	data := t.TempDir()
	pw := filepath.Join(data, "pw")
	os.WriteFile(pw, []byte("a-long-enough-password"), 0o600)
	if out, code := run(t, "", "site", "add", "--data", data, "--slug", "lysj", "--name", "临沂市审计局", "--org-code", "1111111111", "--host", "sjj.example, b.example"); code != 0 {
		t.Fatalf("site add: %d %s", code, out)
	}
	if out, code := run(t, "", "site", "add", "--data", data, "--slug", "lysj", "--name", "x", "--org-code", "2"); code == 0 || !strings.Contains(out, "已存在") {
		t.Errorf("duplicate site: %d %s", code, out)
	}
	if out, code := run(t, "", "site", "add", "--data", data, "--slug", "Bad Slug", "--name", "", "--org-code", "a/b"); code == 0 || !strings.Contains(out, "站点代码") {
		t.Errorf("invalid site: %d %s", code, out)
	}
	out, _ := run(t, "", "site", "list", "--data", data)
	if !strings.Contains(out, "lysj\t临沂市审计局\t1111111111\tb.example,sjj.example") {
		t.Errorf("site list: %q", out)
	}
	if out, code := run(t, "", "user", "add", "--data", data, "--name", "sj", "--role", "admin", "--site", "lysj", "--password-file", pw); code != 0 {
		t.Errorf("user for site: %d %s", code, out)
	}
	if out, code := run(t, "", "user", "add", "--data", data, "--name", "sj2", "--role", "admin", "--site", "nope", "--password-file", pw); code == 0 || !strings.Contains(out, "不存在") {
		t.Errorf("user for unknown site: %d %s", code, out)
	}
}

// TestSeedSynthetic: `seed --synthetic N` fills an empty database, draws its
// progress bar on stderr with carriage returns, and refuses a database that
// already holds a site.
func TestSeedSynthetic(t *testing.T) {
	data := t.TempDir()
	if out, code := run(t, "", "seed", "--data", data); code == 0 || !strings.Contains(out, "用法") {
		t.Errorf("seed without --synthetic: %d %s", code, out)
	}
	out, code := run(t, "", "seed", "--synthetic", "300", "--seed", "3", "--data", data)
	if code != 0 || !strings.Contains(out, "300 条信息") || !strings.Contains(out, "\r信息 [") || !strings.Contains(out, "300/300 100.0%") {
		t.Fatalf("seed: %d %q", code, out)
	}
	// The search index is built, and its subscription is past every event
	// of the build, so the first serve has nothing left to index.
	db, err := store.Open(context.Background(), filepath.Join(data, "gongkai.db"))
	if err != nil {
		t.Fatal(err)
	}
	var docs int
	var cursor, last int64
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM search_docs`).Scan(&docs); err != nil {
		t.Fatal(err)
	}
	if err := db.R.QueryRow(`SELECT COALESCE((SELECT last_id FROM event_cursors WHERE subscriber = 'search'), 0), COALESCE((SELECT MAX(id) FROM change_events), 0)`).Scan(&cursor, &last); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// More documents than items: the answered messages, list rows … too.
	if docs <= 300 || cursor != last || !strings.Contains(out, "检索索引已重建") {
		t.Errorf("after seed: %d search documents, search cursor %d of %d events; output %q", docs, cursor, last, out)
	}
	if out, code := run(t, "", "seed", "--synthetic", "10", "--data", data); code == 0 || !strings.Contains(out, "已有站点") {
		t.Errorf("second seed: %d %s", code, out)
	}
}

// TestCheckWhatIf: `check --today` on another day is a what-if run that
// leaves the live history alone (issue 15); a run as of today is recorded.
func TestCheckWhatIf(t *testing.T) {
	data := t.TempDir()
	if out, code := run(t, "", "site", "add", "--data", data, "--slug", "lysj", "--name", "临沂市审计局", "--org-code", "1111111111"); code != 0 {
		t.Fatalf("site add: %d %s", code, out)
	}
	runs := func() int {
		t.Helper()
		db, err := store.Open(context.Background(), filepath.Join(data, "gongkai.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.R.QueryRow(`SELECT COUNT(*) FROM compliance_runs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if out, code := run(t, "", "check", "--data", data, "--today", "2021-06-01"); code > 1 || !strings.Contains(out, "2021-06-01") {
		t.Fatalf("what-if check: %d %s", code, out)
	}
	if n := runs(); n != 0 {
		t.Errorf("a what-if run was recorded: %d runs", n)
	}
	if out, code := run(t, "", "check", "--data", data, "--today", "2021-06-01", "--save"); code != 1 || !strings.Contains(out, "试算") {
		t.Errorf("what-if with --save: %d %s", code, out)
	}
	if out, code := run(t, "", "check", "--data", data); code > 1 {
		t.Fatalf("check: %d %s", code, out)
	}
	if n := runs(); n != 1 {
		t.Errorf("today's run: %d runs recorded, want 1", n)
	}
}

// TestCaptchaAnswer: `gongkai captcha answer` gives a challenge's answer
// under GONGKAI_CAPTCHA_KEY, and refuses without the key or for another form.
func TestCaptchaAnswer(t *testing.T) {
	key := strings.Repeat("k", 40)
	sum := sha256.Sum256([]byte(key))
	svc := captcha.New(nil, sum[:])
	tok := svc.New("request", captcha.Question).Token
	want, _ := svc.Answer("request", tok)
	cmd := exec.Command(bin, "captcha", "answer", "request", tok)
	cmd.Env = append(os.Environ(), "GONGKAI_CAPTCHA_KEY="+key)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != want {
		t.Errorf("answer: %q %v, want %q", out, err, want)
	}
	cmd = exec.Command(bin, "captcha", "answer", "message", tok)
	cmd.Env = append(os.Environ(), "GONGKAI_CAPTCHA_KEY="+key)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "令牌无效") {
		t.Errorf("another form: %q %v", out, err)
	}
	if out, code := run(t, "", "captcha", "answer", "request", tok); code == 0 || !strings.Contains(out, "GONGKAI_CAPTCHA_KEY") {
		t.Errorf("without the key: %d %q", code, out)
	}
}

// TestServeBlobS3: `serve --blob s3://…` keeps attachments in an
// S3-compatible server (a real one, versitygw): the demo's images are
// stored as objects and served from there; a wrong secret stops the server
// at start with a message naming the flag.
func TestServeBlobS3(t *testing.T) {
	s3 := blobtest.Start(t)
	bucket, dir := s3.Bucket(t)

	bad := strings.Replace(s3.URL(bucket), ":"+s3.SecretKey+"@", ":wrong-secret@", 1)
	if out, code := run(t, "", "serve", "--data", t.TempDir(), "--addr", freeAddr(t), "--blob", bad); code == 0 || !strings.Contains(out, "--blob") {
		t.Fatalf("serve with a wrong secret: %d %s", code, out)
	}

	data, addr := t.TempDir(), freeAddr(t)
	// The secret from the environment, as a deployer keeps it out of the
	// command line.
	url := "s3://" + s3.AccessKey + "@" + s3.Endpoint + "/" + bucket + "?tls=0"
	cmd := exec.Command(bin, "serve", "--demo", "--data", data, "--addr", addr, "--log", "warn", "--blob", url)
	cmd.Env = append(os.Environ(), "GONGKAI_S3_SECRET_KEY="+s3.SecretKey)
	cmd.Stderr = t.Output()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	base := "http://" + addr
	start := time.Now()
	for {
		r, err := http.Get(base + "/healthz")
		if err == nil {
			r.Body.Close()
			break
		}
		if time.Since(start) > 3*time.Minute { // a guard, not a timing assertion
			t.Fatal("server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	r, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	home, _ := io.ReadAll(r.Body)
	r.Body.Close()
	m := regexp.MustCompile(`src="(/site-images/emblem\?v=([0-9a-f]{32}))"`).FindSubmatch(home)
	if m == nil {
		t.Fatalf("home page links no emblem: %d", r.StatusCode)
	}
	key := string(m[2])
	stored, err := os.ReadFile(filepath.Join(dir, key[:2], key[2:4], key))
	if err != nil {
		t.Fatalf("the emblem is not an object in the bucket: %v", err)
	}
	r, err = http.Get(base + string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" || !bytes.Equal(got, stored) {
		t.Errorf("emblem: %d %s, %d bytes (object %d)", r.StatusCode, r.Header.Get("Content-Type"), len(got), len(stored))
	}
	// Nothing is kept locally but the (empty) directory of uploads in progress.
	filepath.WalkDir(filepath.Join(data, "attachments"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			t.Errorf("local attachment file %s", p)
		}
		return nil
	})
}

// TestServeReplicaNeedsPostgres: --db-replica over SQLite is refused with a
// message saying why, before anything starts.
func TestServeReplicaNeedsPostgres(t *testing.T) {
	out, code := run(t, "", "serve", "--data", t.TempDir(), "--addr", freeAddr(t), "--db-replica", "postgres://postgres@127.0.0.1:1/x")
	if code == 0 || !strings.Contains(out, "--db-replica") || !strings.Contains(out, "PostgreSQL") {
		t.Fatalf("serve --db-replica on SQLite: %d %s", code, out)
	}
}
