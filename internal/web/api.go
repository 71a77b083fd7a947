package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// apiItem is an item as the API shows it. Detail-only fields are omitted
// from lists.
type apiItem struct {
	ID               int64             `json:"id"`
	IndexNo          string            `json:"index_no"`
	Title            string            `json:"title"`
	Publisher        string            `json:"publisher"`
	PublishedOn      string            `json:"published_on"`
	URL              string            `json:"url"`
	ColumnID         int64             `json:"column_id"`
	DocType          string            `json:"doc_type"`
	Department       string            `json:"department,omitempty"`
	DocNo            string            `json:"doc_no"`
	WrittenOn        string            `json:"written_on"`
	Validity         string            `json:"validity"`
	Disclosure       string            `json:"disclosure"`
	DisclosureReason string            `json:"disclosure_reason,omitempty"`
	Topic            string            `json:"topic"`
	Genre            string            `json:"genre"`
	Keywords         string            `json:"keywords,omitempty"`
	Author           string            `json:"author,omitempty"`
	Summary          string            `json:"summary"`
	Fields           map[string]string `json:"fields"`
	Status           string            `json:"status,omitempty"`
	SuccessorID      int64             `json:"successor_id,omitempty"`
	Clicks           int64             `json:"clicks"`
	Body             *string           `json:"body,omitempty"`
	Attachments      []apiAttachment   `json:"attachments,omitempty"`
	Related          []apiRelated      `json:"related,omitempty"`
	Revision         int               `json:"revision"`
}

type apiAttachment struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	MIME   string `json:"mime"`
	SHA256 string `json:"sha256"`
	URL    string `json:"url"`
}

type apiRelated struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	DocType string `json:"doc_type"`
	URL     string `json:"url"`
}

func toAPI(it *catalog.Item, staff bool) apiItem {
	a := apiItem{ID: it.ID, IndexNo: it.IndexNo, Title: it.Title, Publisher: it.Publisher, PublishedOn: it.PublishedOn, URL: itemURL(it),
		ColumnID: it.ColumnID, DocType: it.DocType, Department: it.Department, DocNo: it.DocNo, WrittenOn: it.WrittenOn, Validity: it.Validity,
		Disclosure: it.Disclosure, Topic: it.Topic, Genre: it.Genre, Keywords: it.Keywords, Author: it.Author, Summary: it.Summary,
		Fields: it.Fields, SuccessorID: it.SuccessorID, Clicks: it.Clicks, Revision: it.Revision}
	if staff {
		a.Status, a.DisclosureReason = it.Status, it.DisclosureReason
	}
	return a
}

func writeJSON(w http.ResponseWriter, status int, v any) {
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

func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	s.logErr(r, err)
	if errs.CodeOf(err) == errs.Unauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gongkai"`)
	}
	writeJSON(w, statusOf(err), apiErrorBody{apiError{Code: errs.CodeOf(err), Message: errs.MessageOf(err), Fields: errs.FieldsOf(err)}})
}

// apiUser returns the token's user, nil for anonymous readers; a bad token is an error.
func (s *Server) apiUser(r *http.Request) (*auth.User, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, nil
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return nil, errs.E(errs.Unauthorized, "Authorization 头应为 Bearer <token>")
	}
	u, err := s.Auth.UserByToken(r.Context(), strings.TrimSpace(token))
	if err != nil {
		return nil, err
	}
	if !u.ServesSite(siteOf(r).Site.ID) {
		return nil, errs.E(errs.Forbidden, "该令牌不能访问本站点")
	}
	return u, nil
}

// withAPI rate-limits by client address and sets API headers.
func (s *Server) withAPI(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.apiLimit.Allow(s.clientIP(r)) {
			s.apiError(w, r, errs.E(errs.TooMany, "请求过于频繁，请稍后再试"))
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "no-cache")
		h(w, r)
	}
}

func (s *Server) apiSite(w http.ResponseWriter, r *http.Request) {
	st := siteOf(r).Site
	writeJSON(w, http.StatusOK, map[string]any{"id": st.ID, "slug": st.Slug, "name": st.Name, "org_code": st.OrgCode, "settings": st.Settings})
}

type apiColumn struct {
	ID          int64       `json:"id"`
	ParentID    int64       `json:"parent_id,omitempty"`
	Slug        string      `json:"slug"`
	Name        string      `json:"name"`
	Kind        string      `json:"kind"`
	DocTypes    []string    `json:"doc_types"`
	URL         string      `json:"url"`
	Description string      `json:"description,omitempty"`
	Children    []apiColumn `json:"children,omitempty"`
}

func toAPIColumns(cs []*catalog.Column) []apiColumn {
	var out []apiColumn
	for _, c := range cs {
		if c.Hidden {
			continue
		}
		types := c.DocTypes
		if types == nil {
			types = []string{}
		}
		out = append(out, apiColumn{ID: c.ID, ParentID: c.ParentID, Slug: c.Slug, Name: c.Name, Kind: c.Kind, DocTypes: types,
			URL: "/columns/" + c.Slug, Description: c.Description, Children: toAPIColumns(c.Children)})
	}
	return out
}

func (s *Server) apiColumns(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"columns": toAPIColumns(siteOf(r).Tree.Roots)})
}

func (s *Server) apiDocTypes(w http.ResponseWriter, r *http.Request) {
	type field struct {
		Name     string           `json:"name"`
		Label    string           `json:"label"`
		Kind     string           `json:"kind"`
		Required bool             `json:"required"`
		Max      int              `json:"max,omitempty"`
		Options  []catalog.Option `json:"options,omitempty"`
		Core     bool             `json:"core"`
	}
	type docType struct {
		Code   string  `json:"code"`
		Name   string  `json:"name"`
		Fields []field `json:"fields"`
	}
	var out []docType
	for _, t := range catalog.DocTypes() {
		dt := docType{Code: t.Code, Name: t.Name}
		for _, f := range t.Fields {
			dt.Fields = append(dt.Fields, field{f.Name, f.Label, string(f.Kind), f.Required, f.Max, f.Options, f.Core})
		}
		out = append(out, dt)
	}
	writeJSON(w, http.StatusOK, map[string]any{"doc_types": out})
}

func (s *Server) apiItems(w http.ResponseWriter, r *http.Request) {
	u, err := s.apiUser(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	st := siteOf(r)
	q := r.URL.Query()
	f := catalog.Filter{SiteID: st.Site.ID, IndexNo: q.Get("index_no"), DocType: q.Get("doc_type"), Publisher: q.Get("publisher"),
		Validity: q.Get("validity"), Query: q.Get("q"), Cursor: q.Get("cursor"), Facets: map[string]string{}}
	v := errs.Validation{}
	if c := q.Get("column_id"); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		col := st.Tree.ByID[id]
		if err != nil || col == nil {
			v.Add("column_id", "栏目不存在")
		} else {
			f.ColumnIDs = subtree(col)
		}
	}
	if y := q.Get("year"); y != "" {
		if f.Year, err = strconv.Atoi(y); err != nil || f.Year < 1900 || f.Year > 2200 {
			v.Add("year", "year 应为四位年份")
		}
	}
	if l := q.Get("limit"); l != "" {
		if f.Limit, err = strconv.Atoi(l); err != nil || f.Limit < 1 || f.Limit > 100 {
			v.Add("limit", "limit 应在 1 到 100 之间")
		}
	}
	if st := q.Get("status"); st != "" {
		if u == nil {
			v.Add("status", "按状态筛选需要访问令牌")
		} else if _, ok := catalog.StatusLabels[st]; !ok && st != "*" {
			v.Add("status", "未知状态")
		} else {
			f.Status = st
		}
	}
	for k, vals := range q {
		if name, ok := strings.CutPrefix(k, "fields."); ok && len(vals) > 0 {
			f.Facets[name] = vals[0]
		}
	}
	if err := v.Err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	f.Viewer = u
	res, err := s.Catalog.List(r.Context(), f, false)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	items := make([]apiItem, 0, len(res.Items))
	for _, it := range res.Items {
		items = append(items, toAPI(it, u != nil))
	}
	var next any
	if res.NextCursor != "" {
		next = res.NextCursor
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

func (s *Server) apiItem(w http.ResponseWriter, r *http.Request) {
	u, err := s.apiUser(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	st := siteOf(r)
	id, err := pathID(r, "id")
	if err != nil {
		s.apiError(w, r, catalog.ErrNoItem)
		return
	}
	it, err := s.Catalog.Item(r.Context(), st.Site.ID, id)
	if err == nil && !catalog.CanView(u, it) {
		err = catalog.ErrNoItem
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.writeItem(w, r, it, u != nil, http.StatusOK)
}

func (s *Server) writeItem(w http.ResponseWriter, r *http.Request, it *catalog.Item, staff bool, status int) {
	a := toAPI(it, staff)
	a.Body = &it.Body
	atts, err := s.Catalog.Attachments(r.Context(), it.SiteID, it.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	for _, x := range atts {
		a.Attachments = append(a.Attachments, apiAttachment{ID: x.ID, Name: x.Name, Size: x.Size, MIME: x.MIME, SHA256: x.SHA256,
			URL: "/attachments/" + strconv.FormatInt(x.ID, 10)})
	}
	rel, err := s.Catalog.Related(r.Context(), it, !staff)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	for _, x := range rel {
		a.Related = append(a.Related, apiRelated{ID: x.ID, Title: x.Title, DocType: x.DocType, URL: itemURL(x)})
	}
	writeJSON(w, status, a)
}

// apiItemInput is the body of POST /api/v1/items: the read side's fields
// plus column_id, body, disclosure and publish.
type apiItemInput struct {
	ColumnID         int64             `json:"column_id"`
	DocType          string            `json:"doc_type"`
	Department       string            `json:"department"`
	IndexNo          string            `json:"index_no"`
	Title            string            `json:"title"`
	Summary          string            `json:"summary"`
	Body             string            `json:"body"`
	DocNo            string            `json:"doc_no"`
	Publisher        string            `json:"publisher"`
	Author           string            `json:"author"`
	WrittenOn        string            `json:"written_on"`
	PublishedOn      string            `json:"published_on"`
	Disclosure       string            `json:"disclosure"`
	DisclosureReason string            `json:"disclosure_reason"`
	Validity         string            `json:"validity"`
	SuccessorID      int64             `json:"successor_id"`
	Topic            string            `json:"topic"`
	Genre            string            `json:"genre"`
	Keywords         string            `json:"keywords"`
	Fields           map[string]string `json:"fields"`
	Interprets       []int64           `json:"interprets"`
	Publish          bool              `json:"publish"`
}

func (s *Server) apiCreateItem(w http.ResponseWriter, r *http.Request) {
	u, err := s.apiUser(r)
	if err == nil && u == nil {
		err = errs.E(errs.Unauthorized, "写入需要访问令牌（Authorization: Bearer <token>）")
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	st := siteOf(r)
	var in apiItemInput
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		s.apiError(w, r, jsonError(err))
		return
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		s.apiError(w, r, errs.E(errs.Invalid, "请求体只能包含一个 JSON 对象"))
		return
	}
	ci := catalog.Input{ColumnID: in.ColumnID, DocType: in.DocType, IndexNo: in.IndexNo, Title: in.Title, Summary: in.Summary, Body: in.Body,
		DocNo: in.DocNo, Publisher: in.Publisher, Author: in.Author, WrittenOn: in.WrittenOn, PublishedOn: in.PublishedOn, Disclosure: in.Disclosure,
		DisclosureReason: in.DisclosureReason, Validity: in.Validity, SuccessorID: in.SuccessorID, Topic: in.Topic, Genre: in.Genre,
		Keywords: in.Keywords, Fields: in.Fields, Interprets: in.Interprets}
	it, err := s.Catalog.CreateItem(r.Context(), u, st.Site.ID, catalog.NewItem{Input: ci, Department: in.Department, Publish: in.Publish})
	if err != nil {
		// The API names the department "department", not by id.
		if f := errs.FieldsOf(err); f != nil {
			if m, ok := f["department_id"]; ok {
				delete(f, "department_id")
				f["department"] = m
			}
		}
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/items/"+strconv.FormatInt(it.ID, 10))
	s.writeItem(w, r, it, true, http.StatusCreated)
}

var zeroTime time.Time

// jsonError explains a request body that does not decode, in words for
// people, without Go type names.
func jsonError(err error) error {
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
		return &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("请求体 JSON 中字段 %s 的类型应为%s", te.Field, want), Fields: map[string]string{te.Field: "类型应为" + want}}
	case errors.As(err, &se):
		return errs.E(errs.Invalid, "JSON 语法错误（第 %d 字节）", se.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("请求体 JSON 中有未知字段 %s", name), Fields: map[string]string{name: "未知字段"}}
	}
	return errs.E(errs.Invalid, "请求体不是有效的 JSON")
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.apiError(w, r, errs.E(errs.NotFound, "没有这个接口：%s %s", r.Method, r.URL.Path))
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("templates/openapi.json")
	if err != nil {
		s.apiError(w, r, errs.Wrap(err, "openapi"))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b)
}
