package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
)

// WriteJSON writes v as the response body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

type apiErrorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Code    errs.Code         `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// APIError writes err as {"error":{"code","message","fields"}}.
func (s *Server) APIError(w http.ResponseWriter, r *http.Request, err error) {
	s.LogErr(r, err)
	if errs.CodeOf(err) == errs.Unauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gongkai"`)
	}
	WriteJSON(w, StatusOf(err), apiErrorBody{apiError{Code: errs.CodeOf(err), Message: errs.MessageOf(err), Fields: errs.FieldsOf(err)}})
}

// APIAct answers an API call on the record named by the path's {id} with
// a JSON body (at most limit bytes): it decodes the body into In, calls act
// with the site, the id and In, and writes what act returns with status, or
// the error as APIError does. The caller has authorised the user already
// (act closes over it).
func APIAct[In, Out any](s *Server, w http.ResponseWriter, r *http.Request, limit int64, status int,
	act func(ctx context.Context, siteID, id int64, in In) (Out, error)) {
	id, err := PathID(r, "id")
	var in In
	if err == nil {
		err = DecodeJSON(w, r, &in, limit)
	}
	var out Out
	if err == nil {
		out, err = act(r.Context(), SiteOf(r).Site.ID, id, in)
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	WriteJSON(w, status, out)
}

// APIWriter is APIUser for endpoints that need a token (changes, internal
// records): no token is an Unauthorized error.
func (s *Server) APIWriter(r *http.Request) (*auth.User, error) {
	u, err := s.APIUser(r)
	if err == nil && u == nil {
		err = errs.E(errs.Unauthorized, "此操作需要令牌（Authorization: Bearer <token>）")
	}
	return u, err
}

// APIUser returns the token's user, nil for anonymous readers; a bad token is an error.
func (s *Server) APIUser(r *http.Request) (*auth.User, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, nil
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return nil, errs.E(errs.Unauthorized, "Authorization 头应为 Bearer <token>")
	}
	// Token use is audited with the client address, on reads too (the site
	// middleware adds it for state changes only).
	ctx := r.Context()
	if auth.ClientIP(ctx) == "" {
		ctx = auth.WithClientIP(ctx, s.ClientIP(r))
	}
	u, err := s.Auth.UserByToken(ctx, strings.TrimSpace(token))
	if err != nil {
		return nil, err
	}
	if !u.ServesSite(SiteOf(r).Site.ID) {
		return nil, errs.E(errs.Forbidden, "该令牌不能访问本站点")
	}
	return u, nil
}

// withAPI rate-limits by client address and sets API headers.
func (s *Server) withAPI(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.apiLimit.Allow(s.ClientIP(r)) {
			// The bucket refills at 50 requests a second: one second is enough.
			w.Header().Set("Retry-After", "1")
			s.APIError(w, r, errs.E(errs.TooMany, "请求过于频繁，请稍后再试"))
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "no-cache")
		h(w, r)
	}
}

// JSONError explains a request body that does not decode, in words for
// people, without Go type names.
func JSONError(err error) error {
	var mbe *http.MaxBytesError
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &mbe):
		return errs.E(errs.Invalid, "请求体过大（上限 4 MB）")
	case errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "请求体为空，应为 JSON 对象")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.E(errs.Invalid, "请求体不完整，JSON 提前结束")
	case errors.As(err, &te):
		want := map[string]string{"string": "字符串", "int64": "整数", "int": "整数", "bool": "布尔值（true 或 false）", "[]int64": "整数数组"}[te.Type.String()]
		if want == "" {
			want = "对象"
		}
		if te.Field == "" {
			return errs.E(errs.Invalid, "请求体应为 JSON 对象")
		}
		return &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("请求体 JSON 中字段“%s”的类型应为%s", te.Field, want), Fields: map[string]string{te.Field: "类型应为" + want}}
	case errors.As(err, &se):
		return errs.E(errs.Invalid, "JSON 语法错误（第 %d 字节）", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// The decoder quotes the name Go-style ("\x7f"): show it as sent.
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		if u, err := strconv.Unquote(name); err == nil {
			name = u
		}
		return &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("请求体 JSON 中有未知字段“%s”", name), Fields: map[string]string{name: "未知字段"}}
	}
	return errs.E(errs.Invalid, "请求体不是有效的 JSON")
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// apiFallback answers under /api/ when no route matched: CORS preflight
// for a known path, 405 with Allow for a known path and another method,
// and a JSON 404 otherwise.
func (s *Server) apiFallback(w http.ResponseWriter, r *http.Request) {
	methods := s.apiMethods(r.URL.Path)
	if len(methods) == 0 {
		s.APIError(w, r, errs.E(errs.NotFound, "没有这个接口：%s %s", r.Method, r.URL.Path))
		return
	}
	allow := strings.Join(append(methods, http.MethodOptions), ", ")
	if r.Method == http.MethodOptions {
		// Preflight: the API is public and uses bearer tokens, not cookies,
		// so any origin may call it; no credentials are allowed.
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", allow)
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		h.Set("Access-Control-Max-Age", "86400")
		h.Set("Allow", allow)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Allow", allow)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	s.APIError(w, r, errs.E(errs.BadMethod, "接口 %s 不支持 %s 方法，可用：%s", r.URL.Path, r.Method, strings.Join(methods, ", ")))
}
