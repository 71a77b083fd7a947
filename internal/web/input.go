package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// Bounds of a URL-encoded form body read (and kept in memory) by
// cleanInput: back-office forms get the 10 MB net/http's ParseForm applies
// anyway; every other form (the login form, the public ones) is small, as
// the login handler's own limit says. The bound goes by the path, not by a
// cookie a client could send without a session. Handlers keep their
// limits: they read the body again.
const (
	maxFormBytes     = 10 << 20
	maxAnonFormBytes = 64 << 10
)

// errBadText is the refusal of text the databases cannot store alike:
// PostgreSQL refuses NUL in text (SQLSTATE 22021, a 500 before this
// check) and SQLite stores NUL and invalid UTF-8 as sent (issue 16 #9).
func errBadText(name string) error {
	msg := "请求中含有无效字符（空字符或非 UTF-8 编码），请删除后重试"
	if name == "" {
		return errs.E(errs.Invalid, "%s", msg)
	}
	return &errs.Error{Code: errs.Invalid, Message: msg, Fields: map[string]string{name: "含有无效字符（空字符或非 UTF-8 编码）"}}
}

// cleanInput refuses, with 422, a request whose path, query string or
// URL-encoded form carries a NUL byte or invalid UTF-8, before any handler
// reads it: the same answer on both databases, for every route, present
// and future. JSON bodies are checked by DecodeJSON; multipart forms (file
// uploads) by the domain's own checks of the text they carry.
func (s *Server) cleanInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkRequestText(w, r); err != nil {
			if isAPI(r) {
				s.APIError(w, r, err)
			} else {
				s.ErrorPage(w, r, err)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

func checkRequestText(w http.ResponseWriter, r *http.Request) error {
	if !catalog.CleanText(r.URL.Path) {
		return errBadText("")
	}
	if err := checkValues(r.URL.RawQuery); err != nil {
		return err
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return nil
	}
	limit := maxAnonFormBytes
	if strings.HasPrefix(r.URL.Path, "/admin/") && r.URL.Path != "/admin/login" {
		limit = maxFormBytes
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		return errs.E(errs.Invalid, "请求体读取失败")
	}
	if len(body) > limit {
		return errs.E(errs.Invalid, "表单内容过大（上限 %s）", HumanSize(int64(limit)))
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return checkValues(string(body))
}

// checkValues checks every name and value of a query string or form body.
func checkValues(raw string) error {
	if raw == "" {
		return nil
	}
	vals, _ := url.ParseQuery(raw) // malformed pairs are skipped here as by handlers
	for k, vs := range vals {
		if !catalog.CleanText(k) {
			return errBadText("")
		}
		for _, v := range vs {
			if !catalog.CleanText(v) {
				return errBadText(k)
			}
		}
	}
	return nil
}

// jsonNUL reports whether a JSON text escapes a NUL (\u0000) in a string:
// a backslash-u escape is one preceded by an even number of backslashes.
func jsonNUL(b []byte) bool {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(`u0000`))
		if j < 0 {
			return false
		}
		j += i
		n := 0
		for k := j - 1; k >= 0 && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 1 {
			return true
		}
		i = j + 1
	}
}

// DecodeJSON reads one JSON object of at most limit bytes from the request
// body into v, refusing unknown fields, trailing data, invalid UTF-8 and
// NUL characters (issue 16 #9: the decoder would turn the first into
// U+FFFD silently and pass the second to the database). Its errors are
// Invalid, in words for people.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return JSONError(err)
	}
	if !utf8.Valid(body) || jsonNUL(body) {
		return errBadText("")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return JSONError(err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return errs.E(errs.Invalid, "请求体只能包含一个 JSON 对象")
	}
	return nil
}
