package lists

import (
	"bufio"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
	"gongkai/internal/web"
)

// apiField is one declared field of a kind.
type apiField struct {
	Name     string           `json:"name"`
	Label    string           `json:"label"`
	Kind     string           `json:"kind"`
	Required bool             `json:"required"`
	Max      int              `json:"max,omitempty"`
	Options  []catalog.Option `json:"options,omitempty"`
	Facet    bool             `json:"facet"`
	Help     string           `json:"help,omitempty"`
}

// apiKind is one list kind with its current edition.
type apiKind struct {
	Code    string         `json:"code"`
	Name    string         `json:"name"`
	Intro   string         `json:"intro"`
	Basis   string         `json:"basis"`
	Key     []string       `json:"key"`
	Fields  []apiField     `json:"fields"`
	URL     string         `json:"url"`
	Current *lists.Edition `json:"current"`
}

type apiKinds struct {
	Kinds []apiKind `json:"kinds"`
}

// apiRow is one row: its canonical values by field name.
type apiRow struct {
	Key    string            `json:"key"`
	Seq    int               `json:"seq"`
	Title  string            `json:"title"`
	URL    string            `json:"url"`
	Fields map[string]string `json:"fields"`
}

type apiRows struct {
	Edition    *lists.Edition                `json:"edition"`
	Total      int                           `json:"total"`
	NextCursor *string                       `json:"next_cursor"`
	Rows       []apiRow                      `json:"rows"`
	Facets     map[string][]lists.FacetValue `json:"facets"`
}

type apiEditions struct {
	Editions []*lists.Edition `json:"editions"`
}

type apiChange struct {
	Key    string              `json:"key"`
	Title  string              `json:"title"`
	URL    string              `json:"url"`
	Fields []lists.FieldChange `json:"fields"`
}

type apiDiff struct {
	From    *lists.Edition `json:"from"`
	To      *lists.Edition `json:"to"`
	Added   []apiRow       `json:"added"`
	Removed []apiRow       `json:"removed"`
	Changed []apiChange    `json:"changed"`
}

// apiPublish is the body of POST /api/v1/lists/{kind}/editions/{id}/publish.
type apiPublish struct {
	EffectiveOn string `json:"effective_on"`
	Note        string `json:"note"`
}

type apiCellsBody struct {
	Error apiCellsError `json:"error"`
}

type apiCellsError struct {
	Code    errs.Code    `json:"code"`
	Message string       `json:"message"`
	Cells   []lists.Cell `json:"cells"`
	More    int          `json:"more,omitempty"`
}

// Schemas ties the API's types to their OpenAPI schemas.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(apiKinds{}), Schema: "#/components/schemas/ListKinds"},
		{Type: reflect.TypeOf(apiKind{}), Schema: "#/components/schemas/ListKind"},
		{Type: reflect.TypeOf(apiField{}), Schema: "#/components/schemas/ListField"},
		{Type: reflect.TypeOf(lists.Edition{}), Schema: "#/components/schemas/ListEdition"},
		{Type: reflect.TypeOf(apiRows{}), Schema: "#/components/schemas/ListRows"},
		{Type: reflect.TypeOf(apiRow{}), Schema: "#/components/schemas/ListRow"},
		{Type: reflect.TypeOf(lists.FacetValue{}), Schema: "#/components/schemas/ListFacetValue"},
		{Type: reflect.TypeOf(apiEditions{}), Schema: "#/components/schemas/ListEditions"},
		{Type: reflect.TypeOf(apiDiff{}), Schema: "#/components/schemas/ListDiff"},
		{Type: reflect.TypeOf(apiChange{}), Schema: "#/components/schemas/ListChange"},
		{Type: reflect.TypeOf(lists.FieldChange{}), Schema: "#/components/schemas/ListFieldChange"},
		{Type: reflect.TypeOf(apiCellsBody{}), Schema: "#/components/schemas/ListImportError"},
		{Type: reflect.TypeOf(apiCellsError{}), Schema: "#/components/schemas/ListImportErrorBody"},
		{Type: reflect.TypeOf(lists.Cell{}), Schema: "#/components/schemas/ListCell"},
		{Type: reflect.TypeOf(apiPublish{}), Schema: "#/components/schemas/ListPublish", Input: true},
	}
}

func toAPIRow(k *lists.Kind, r lists.Row) apiRow {
	return apiRow{Key: r.Key, Seq: r.Seq, Title: r.Title, URL: lists.RowURL(k.Code, r.Key), Fields: r.Values}
}

func kindJSON(k *lists.Kind, cur *lists.Edition) apiKind {
	out := apiKind{Code: k.Code, Name: k.Name, Intro: k.Intro, Basis: k.Basis, Key: k.Key, URL: "/lists/" + k.Code, Current: cur}
	for _, f := range k.Fields {
		out.Fields = append(out.Fields, apiField{Name: f.Name, Label: f.Label, Kind: string(f.Kind), Required: f.Required, Max: f.Max, Options: f.Options, Facet: f.Facet, Help: f.Help})
	}
	return out
}

// publicUser checks an optional token (a bad one is refused).
func (s *Feature) publicUser(w http.ResponseWriter, r *http.Request) bool {
	if _, err := s.APIUser(r); err != nil {
		s.APIError(w, r, err)
		return false
	}
	return true
}

func (s *Feature) apiKinds(w http.ResponseWriter, r *http.Request) {
	if !s.publicUser(w, r) {
		return
	}
	if s.Lists == nil {
		s.APIError(w, r, errNoService)
		return
	}
	out := apiKinds{Kinds: []apiKind{}}
	for _, k := range lists.Kinds() {
		cur, err := s.Lists.Current(r.Context(), web.SiteOf(r).Site.ID, k)
		if err != nil {
			s.APIError(w, r, err)
			return
		}
		out.Kinds = append(out.Kinds, kindJSON(k, cur))
	}
	web.WriteJSON(w, http.StatusOK, out)
}

// edition reads ?edition= (or, when absent, the current edition); a kind
// never published is a 404.
func (s *Feature) edition(r *http.Request, k *lists.Kind, param string) (*lists.Edition, error) {
	siteID := web.SiteOf(r).Site.ID
	if v := r.URL.Query().Get(param); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, &errs.Error{Code: errs.Invalid, Message: param + " 应为版本编号", Fields: map[string]string{param: "应为版本编号（正整数）"}}
		}
		ed, err := s.Lists.Edition(r.Context(), siteID, k, id, false)
		if err == nil {
			err = s.currentOnly(r, k, ed)
		}
		return ed, err
	}
	cur, err := s.Lists.Current(r.Context(), siteID, k)
	if err == nil && cur == nil {
		err = errs.E(errs.NotFound, "%s尚未发布", k.Name)
	}
	return cur, err
}

// errHistory answers a request for an earlier edition of a CurrentOnly kind.
func errHistory(k *lists.Kind) error {
	return errs.E(errs.NotFound, "%s只公开现行内容，不公开历史版本和版本比较", k.Name)
}

// currentOnly refuses, for a CurrentOnly kind, an edition that is not the
// current one.
func (s *Feature) currentOnly(r *http.Request, k *lists.Kind, ed *lists.Edition) error {
	if !k.CurrentOnly {
		return nil
	}
	cur, err := s.Lists.Current(r.Context(), web.SiteOf(r).Site.ID, k)
	if err != nil {
		return err
	}
	if cur == nil || cur.ID != ed.ID {
		return errHistory(k)
	}
	return nil
}

// readQuery reads the filters of a list request: q and each facet by name.
// The API is strict (an unknown parameter is an error naming it); pages read
// only the declared filters, as the render cache keys them, so a made-up
// parameter can neither change nor spoil a cached page.
func readQuery(k *lists.Kind, q url.Values, strict bool) (lists.Query, error) {
	in := lists.Query{Q: q.Get("q"), Facets: map[string]string{}}
	if !strict {
		for _, f := range k.Facets() {
			in.Facets[f.Name] = q.Get(f.Name)
		}
		return k.Normalize(in)
	}
	for name, vals := range q {
		switch name {
		case "q", "edition", "page", "cursor", "limit", "format":
			continue
		}
		if len(vals) > 0 {
			in.Facets[name] = vals[0]
		}
	}
	return k.Normalize(in)
}

const (
	defaultLimit = 50
	maxLimit     = 200
)

func (s *Feature) apiRows(w http.ResponseWriter, r *http.Request) {
	if !s.publicUser(w, r) {
		return
	}
	k, err := s.kindOf(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	q := r.URL.Query()
	v := errs.Validation{}
	limit := defaultLimit
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxLimit {
			v.Add("limit", fmt.Sprintf("应为 1 到 %d 之间的整数", maxLimit))
		}
		limit = n
	}
	after := 0
	if c := q.Get("cursor"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "s"))
		if !strings.HasPrefix(c, "s") || err != nil || n < 0 {
			v.Add("cursor", "无效，请使用上一页响应中的 next_cursor")
		}
		after = n
	}
	query, err := readQuery(k, q, true)
	for name, m := range errs.FieldsOf(err) {
		v.Add(name, m)
	}
	if err := v.Err(); err != nil {
		s.APIError(w, r, err)
		return
	}
	ed, err := s.edition(r, k, "edition")
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	// One row more than the page tells whether there is a next page.
	res, err := s.Lists.PublicRows(r.Context(), k, ed.ID, query, s.Today(), 0, after, limit+1)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := apiRows{Edition: ed, Total: res.Total, Rows: []apiRow{}, Facets: res.Facets}
	for _, row := range res.Rows {
		if len(out.Rows) == limit {
			c := "s" + strconv.Itoa(out.Rows[len(out.Rows)-1].Seq)
			out.NextCursor = &c
			break
		}
		out.Rows = append(out.Rows, toAPIRow(k, row))
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func readFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "", lists.CSV:
		return lists.CSV, nil
	case lists.XLSX:
		return lists.XLSX, nil
	default:
		return "", &errs.Error{Code: errs.Invalid, Message: "format 应为 csv 或 xlsx", Fields: map[string]string{"format": "应为 csv 或 xlsx"}}
	}
}

// sendFile writes a generated file as a download.
func (s *Feature) sendFile(w http.ResponseWriter, r *http.Request, k *lists.Kind, format, name string, rows []lists.Row) {
	s.streamFile(w, r, k, format, name, func(fw *lists.FileWriter) error {
		for _, x := range rows {
			if err := fw.Row(x); err != nil {
				return err
			}
		}
		return nil
	})
}

// streamFile answers with a file of the kind whose rows fill writes. The
// response starts with the first byte written (a CSV's as the rows come,
// an XLSX's once whole), so an error before it is still a JSON error; one
// after it aborts the response, which a client then sees cut short rather
// than as a complete file.
func (s *Feature) streamFile(w http.ResponseWriter, r *http.Request, k *lists.Kind, format, name string, fill func(*lists.FileWriter) error) {
	ct := "text/csv; charset=utf-8"
	if format == lists.XLSX {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	out := &lazyResponse{w: w, start: func() {
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + format}))
		w.WriteHeader(http.StatusOK)
	}}
	bw := bufio.NewWriterSize(out, 64<<10)
	fw, err := k.NewFileWriter(bw, format)
	if err == nil {
		if err = fill(fw); err != nil {
			fw.Close()
		} else {
			err = fw.Close()
		}
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		if out.started {
			panic(http.ErrAbortHandler)
		}
		s.APIError(w, r, errs.Wrap(err, "write list file"))
	}
}

// lazyResponse sends the status and headers with the first write.
type lazyResponse struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (l *lazyResponse) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.start()
	}
	return l.w.Write(p)
}

// fileRequest reads what the export and the template share: the caller
// (a token, if sent, must be valid), the kind and the format; false when
// it has answered with the error.
func (s *Feature) fileRequest(w http.ResponseWriter, r *http.Request) (*lists.Kind, string, bool) {
	if !s.publicUser(w, r) {
		return nil, "", false
	}
	k, err := s.kindOf(r)
	if err == nil {
		var format string
		if format, err = readFormat(r); err == nil {
			return k, format, true
		}
	}
	s.APIError(w, r, err)
	return nil, "", false
}

func (s *Feature) apiExport(w http.ResponseWriter, r *http.Request) {
	k, format, ok := s.fileRequest(w, r)
	if !ok {
		return
	}
	ed, err := s.edition(r, k, "edition")
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	today := s.Today()
	s.streamFile(w, r, k, format, fmt.Sprintf("%s（第%d版）", k.Name, ed.Number), func(fw *lists.FileWriter) error {
		return s.Lists.EachRow(r.Context(), ed.ID, func(x lists.Row) error {
			if x, ok := k.PublicRow(x, today); ok {
				return fw.Row(x)
			}
			return nil
		})
	})
}

func (s *Feature) apiTemplate(w http.ResponseWriter, r *http.Request) {
	k, format, ok := s.fileRequest(w, r)
	if !ok {
		return
	}
	s.sendFile(w, r, k, format, k.Name+"导入模板", nil)
}

// readUpload reads the multipart form's file, note, effective_on and publish.
func readUpload(w http.ResponseWriter, r *http.Request) (lists.Import, error) {
	var in lists.Import
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return in, errs.E(errs.Invalid, "请求应为 multipart/form-data，文件放在 file 字段")
	}
	r.Body = http.MaxBytesReader(w, r.Body, lists.MaxFileBytes+1<<20)
	if err := r.ParseMultipartForm(lists.MaxFileBytes + 1<<20); err != nil {
		return in, errs.E(errs.Invalid, "上传内容过大或格式错误（文件不超过 %d MB）", lists.MaxFileBytes>>20)
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return in, &errs.Error{Code: errs.Invalid, Message: "请选择要导入的文件（CSV 或 XLSX）", Fields: map[string]string{"file": "请选择文件"}}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, lists.MaxFileBytes+1))
	if err != nil {
		return in, errs.E(errs.Invalid, "文件读取失败")
	}
	in.File, in.FileName = data, hdr.Filename
	in.Note, in.EffectiveOn = r.FormValue("note"), r.FormValue("effective_on")
	switch p := r.FormValue("publish"); p {
	case "", "false", "0":
	case "true", "1", "on":
		in.Publish = true
	default:
		return in, &errs.Error{Code: errs.Invalid, Message: "publish 应为 true 或 false", Fields: map[string]string{"publish": "应为 true 或 false"}}
	}
	return in, nil
}

func (s *Feature) apiImport(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err == nil && u == nil {
		err = errs.E(errs.Unauthorized, "导入清单需要令牌（Authorization: Bearer <token>）")
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	k, err := s.kindOf(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	in, err := readUpload(w, r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	ed, err := s.Lists.Import(r.Context(), web.SiteOf(r).Site.ID, k, u, in)
	if ce, ok := lists.CellsOf(err); ok {
		web.WriteJSON(w, http.StatusUnprocessableEntity, apiCellsBody{apiCellsError{Code: errs.Invalid, Message: errs.MessageOf(err), Cells: ce.Cells, More: ce.More}})
		return
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, ed)
}

func (s *Feature) apiEditions(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	k, err := s.kindOf(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	siteID := web.SiteOf(r).Site.ID
	drafts := false
	switch r.URL.Query().Get("drafts") {
	case "", "false":
	case "true":
		// Drafts are the keeping department's and the office's.
		why, err := s.Lists.MayImport(r.Context(), u, siteID, k, false)
		if err == nil && why != "" {
			err = errs.E(errs.Forbidden, "%s", why)
			if u == nil {
				err = errs.E(errs.Unauthorized, "查看草稿需要令牌（Authorization: Bearer <token>）")
			}
		}
		if err != nil {
			s.APIError(w, r, err)
			return
		}
		drafts = true
	default:
		s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "drafts 应为 true 或 false", Fields: map[string]string{"drafts": "应为 true 或 false"}})
		return
	}
	eds, err := s.Lists.Editions(r.Context(), siteID, k, drafts)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if eds == nil {
		eds = []*lists.Edition{}
	}
	web.WriteJSON(w, http.StatusOK, apiEditions{eds})
}

// apiPublishEdition publishes a draft (the office: 政务公开办公室).
func (s *Feature) apiPublishEdition(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err == nil && u == nil {
		err = errs.E(errs.Unauthorized, "发布清单需要令牌（Authorization: Bearer <token>）")
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	k, err := s.kindOf(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		s.APIError(w, r, errs.E(errs.NotFound, "%s没有这个版本", k.Name))
		return
	}
	var in apiPublish
	if err := web.DecodeJSON(w, r, &in, 64<<10); err != nil {
		s.APIError(w, r, err)
		return
	}
	ed, err := s.Lists.Publish(r.Context(), web.SiteOf(r).Site.ID, k, u, id, in.EffectiveOn, in.Note)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, ed)
}

// diffOf reads from and to (edition ids; to defaults to the current one,
// from to the edition before to).
func (s *Feature) diffOf(r *http.Request, k *lists.Kind) (*lists.Edition, *lists.Edition, lists.Diff, error) {
	if k.CurrentOnly {
		return nil, nil, lists.Diff{}, errHistory(k)
	}
	siteID := web.SiteOf(r).Site.ID
	to, err := s.edition(r, k, "to")
	if err != nil {
		return nil, nil, lists.Diff{}, err
	}
	var from *lists.Edition
	if r.URL.Query().Get("from") != "" {
		from, err = s.edition(r, k, "from")
	} else if to.BaseID != 0 {
		from, err = s.Lists.Edition(r.Context(), siteID, k, to.BaseID, false)
	} else {
		err = &errs.Error{Code: errs.Invalid, Message: "请用 from 指定比较的版本", Fields: map[string]string{"from": "请指定版本编号"}}
	}
	if err != nil {
		return nil, nil, lists.Diff{}, err
	}
	// Both sides as the public sees them (persons masked, rows past their
	// publicity period left out): a diff discloses nothing a page does not.
	d, err := s.Lists.DiffEditions(r.Context(), k, from.ID, to.ID, true, s.Today())
	return from, to, d, err
}

func (s *Feature) apiDiff(w http.ResponseWriter, r *http.Request) {
	if !s.publicUser(w, r) {
		return
	}
	k, err := s.kindOf(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	from, to, d, err := s.diffOf(r, k)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := apiDiff{From: from, To: to, Added: []apiRow{}, Removed: []apiRow{}, Changed: []apiChange{}}
	for _, x := range d.Added {
		out.Added = append(out.Added, toAPIRow(k, x))
	}
	for _, x := range d.Removed {
		out.Removed = append(out.Removed, toAPIRow(k, x))
	}
	for _, c := range d.Changed {
		out.Changed = append(out.Changed, apiChange{Key: c.Key, Title: c.Title, URL: lists.RowURL(k.Code, c.Key), Fields: c.Fields})
	}
	web.WriteJSON(w, http.StatusOK, out)
}
