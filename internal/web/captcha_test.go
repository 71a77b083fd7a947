package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/captcha"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
	"gongkai/internal/web/formtest"
)

type formEnv struct {
	kit *web.Server
	g   *formtest.Guestbook
	ts  *httptest.Server
	c   *http.Client
}

func newFormEnv(t *testing.T, d store.Dialect, opts web.Options) *formEnv {
	t.Helper()
	db := storetest.Open(t, d)
	cat := &catalog.Service{DB: db}
	if _, err := demo.Load(context.Background(), cat, auth.NewService(db), "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	kit, err := web.New(cat, auth.NewService(db), slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	if err != nil {
		t.Fatal(err)
	}
	g := &formtest.Guestbook{}
	if err := kit.Mount(g); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(kit.Handler())
	t.Cleanup(ts.Close)
	return &formEnv{kit: kit, g: g, ts: ts, c: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (e *formEnv) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	resp, err := e.c.Get(e.ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func (e *formEnv) post(t *testing.T, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := e.c.PostForm(e.ts.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

var (
	tokenRE    = regexp.MustCompile(`name="captcha_token" value="([^"]+)"`)
	imageRE    = regexp.MustCompile(`<img class="captcha-img" src="([^"]+)"`)
	questionRE = regexp.MustCompile(`<label for="captcha-answer">问题：([^<]+)</label>`)
)

func tokenOf(t *testing.T, page string) string {
	t.Helper()
	m := tokenRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no captcha token in page:\n%s", page)
	}
	return m[1]
}

// checkA11y checks the partial's accessibility basics in a page: the
// answer has a label, every id it is described by exists, and an error is
// linked to the field.
func checkA11y(t *testing.T, page string, wantError bool) {
	t.Helper()
	if !strings.Contains(page, `<label for="captcha-answer">`) || !strings.Contains(page, `id="captcha-answer"`) {
		t.Error("the answer field has no label")
	}
	m := regexp.MustCompile(`id="captcha-answer"[^>]*aria-describedby="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the answer field is described by nothing")
	}
	for _, id := range strings.Fields(m[1]) {
		if !strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("aria-describedby names %q, which is not in the page", id)
		}
	}
	if hasErr := strings.Contains(m[1], "captcha-error"); hasErr != wantError {
		t.Errorf("error linked to the field: %v, want %v", hasErr, wantError)
	}
	if wantError && !strings.Contains(page, `aria-invalid="true"`) {
		t.Error("the field is not marked invalid")
	}
	if !strings.Contains(page, "分钟内有效") {
		t.Error("the expiry is not stated (WCAG 2.2.1)")
	}
}

func TestCaptchaFormEndToEnd(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newFormEnv(t, d, web.Options{FormLimits: web.FormLimits{PerAddress: web.Rate{Burst: 100, Every: time.Second}}})
			resp, page := e.get(t, "/guestbook")
			if resp.StatusCode != 200 {
				t.Fatalf("form page: %d", resp.StatusCode)
			}
			checkA11y(t, page, false)
			tok := tokenOf(t, page)
			img := imageRE.FindStringSubmatch(page)
			if img == nil {
				t.Fatal("no captcha image")
			}
			resp, body := e.get(t, img[1])
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(body, "\x89PNG") {
				t.Fatalf("image: %d %v", resp.StatusCode, resp.Header)
			}
			// Another form's name does not draw this form's token.
			if resp, _ := e.get(t, strings.Replace(img[1], "/guestbook/", "/other/", 1)); resp.StatusCode != 404 {
				t.Errorf("image under another form: %d", resp.StatusCode)
			}

			// A wrong answer: 422, a clear message, the text kept, a new challenge.
			text := "我想咨询办理流程 <b>谢谢</b>"
			resp, page = e.post(t, "/guestbook", url.Values{"body": {text}, captcha.FieldToken: {tok}, captcha.FieldAnswer: {"wrong"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "验证码不正确") {
				t.Fatalf("wrong answer: %d\n%s", resp.StatusCode, page)
			}
			if !strings.Contains(page, "我想咨询办理流程 &lt;b&gt;谢谢&lt;/b&gt;</textarea>") {
				t.Error("the typed text was not kept")
			}
			checkA11y(t, page, true)
			tok2 := tokenOf(t, page)
			if tok2 == tok {
				t.Error("a wrong answer kept the same challenge")
			}

			// The right answer, typed in full width upper case, passes.
			ans, _ := e.kit.Captcha.Answer("guestbook", tok2)
			resp, _ = e.post(t, "/guestbook", url.Values{"body": {text}, captcha.FieldToken: {tok2}, captcha.FieldAnswer: {fullWidth(strings.ToUpper(ans))}})
			if resp.StatusCode != http.StatusSeeOther || len(e.g.Saved()) != 1 || e.g.Saved()[0] != text {
				t.Fatalf("right answer: %d, saved %q", resp.StatusCode, e.g.Saved())
			}
			// Replayed: refused, nothing saved twice.
			resp, page = e.post(t, "/guestbook", url.Values{"body": {text}, captcha.FieldToken: {tok2}, captcha.FieldAnswer: {ans}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "已使用过") || len(e.g.Saved()) != 1 {
				t.Fatalf("replay: %d, saved %d\n%s", resp.StatusCode, len(e.g.Saved()), page)
			}

			// The blind visitor's way, without JavaScript: the button
			// switches to a text question and keeps the text.
			resp, page = e.post(t, "/guestbook", url.Values{"body": {"第二条"}, captcha.FieldToken: {tokenOf(t, page)}, "captcha_op": {"question"}})
			q := questionRE.FindStringSubmatch(page)
			if resp.StatusCode != 200 || q == nil || !strings.Contains(page, "已改为文字问题") || !strings.Contains(page, "第二条</textarea>") || len(e.g.Saved()) != 1 {
				t.Fatalf("switch to a question: %d %v\n%s", resp.StatusCode, q, page)
			}
			if strings.Contains(page, "captcha-img") {
				t.Error("the question page still shows the image")
			}
			checkA11y(t, page, false)
			qtok := tokenOf(t, page)
			// "换一题" gives another question of the same kind.
			resp, page = e.post(t, "/guestbook", url.Values{"body": {"第二条"}, captcha.FieldToken: {qtok}, "captcha_op": {"new"}})
			if resp.StatusCode != 200 || questionRE.FindStringSubmatch(page) == nil || tokenOf(t, page) == qtok {
				t.Fatalf("new question: %d", resp.StatusCode)
			}
			qtok = tokenOf(t, page)
			want, _ := e.kit.Captcha.Answer("guestbook", qtok)
			resp, _ = e.post(t, "/guestbook", url.Values{"body": {"第二条"}, captcha.FieldToken: {qtok}, captcha.FieldAnswer: {want}})
			if resp.StatusCode != http.StatusSeeOther || len(e.g.Saved()) != 2 {
				t.Fatalf("question answered: %d, saved %d", resp.StatusCode, len(e.g.Saved()))
			}

			// An empty answer keeps the same challenge and says what is missing.
			_, page = e.get(t, "/guestbook")
			tok = tokenOf(t, page)
			resp, page = e.post(t, "/guestbook", url.Values{"body": {"x"}, captcha.FieldToken: {tok}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "请输入验证码") || tokenOf(t, page) != tok {
				t.Errorf("empty answer: %d, same token %v", resp.StatusCode, tokenOf(t, page) == tok)
			}

			// The JavaScript 换一张: a fresh image challenge as JSON.
			resp, body = e.get(t, "/captcha/guestbook/new")
			var fresh struct {
				Token, Image string
				Minutes      int
			}
			if err := json.Unmarshal([]byte(body), &fresh); err != nil || resp.StatusCode != 200 || fresh.Token == "" || fresh.Minutes != 30 || resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("new challenge: %d %s", resp.StatusCode, body)
			}
			// An API client asks for a text question, and the answer to it
			// passes Verify (what an API handler calls).
			resp, body = e.get(t, "/captcha/guestbook/new?kind=question")
			var q2 struct{ Token, Question, Image string }
			if err := json.Unmarshal([]byte(body), &q2); err != nil || !strings.Contains(q2.Question, "？") || q2.Image != "" {
				t.Fatalf("question for an API client: %s", body)
			}
			a2, _ := e.kit.Captcha.Answer("guestbook", q2.Token)
			if err := e.kit.Captcha.Verify(context.Background(), "guestbook", q2.Token, a2); err != nil {
				t.Errorf("API client's answer: %v", err)
			}
		})
	}
}

func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r - 0x21 + 0xFF01
		}
		return r
	}, s)
}

func TestLimitForm(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newFormEnv(t, d, web.Options{TrustedProxies: web.LoopbackProxies,
				FormLimits: web.FormLimits{PerAddress: web.Rate{Burst: 2, Every: 10 * time.Minute}, PerForm: web.Rate{Burst: 3, Every: 30 * time.Second}}})
			for i := range 2 {
				if resp, _ := e.post(t, "/guestbook", url.Values{"body": {"x"}}); resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("post %d: %d", i+1, resp.StatusCode)
				}
			}
			resp, page := e.post(t, "/guestbook", url.Values{"body": {"x"}})
			if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "600" || !strings.Contains(page, "提交过于频繁，请在 10 分钟后再试") {
				t.Fatalf("over the limit: %d %q\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), page)
			}
			// The API shares the form's allowance and answers in JSON.
			resp, body := e.post(t, "/api/v1/guestbook", url.Values{})
			var apiErr struct {
				Error struct{ Code, Message string }
			}
			json.Unmarshal([]byte(body), &apiErr)
			if resp.StatusCode != http.StatusTooManyRequests || apiErr.Error.Code != string(errs.TooMany) || resp.Header.Get("Retry-After") != "600" {
				t.Fatalf("API over the limit: %d %s", resp.StatusCode, body)
			}
			// Another address has its own allowance, until the whole form's
			// ceiling is reached: 3 posts allowed in all (the refused ones
			// above were given back to it).
			from := func(ip string) int {
				req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/guestbook", nil)
				req.Header.Set("X-Forwarded-For", ip)
				resp, err := e.c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if got := from("203.0.113.7"); got != http.StatusCreated {
				t.Errorf("another address: %d", got)
			}
			if got := from("203.0.113.8"); got != http.StatusTooManyRequests {
				t.Errorf("past the form's ceiling: %d", got)
			}
		})
	}
}
