package catalogue

import (
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// apiItem is an item as the API shows it. Detail-only fields are omitted
// from lists.
type apiItem struct {
	ID               int64               `json:"id"`
	IndexNo          string              `json:"index_no"`
	Title            string              `json:"title"`
	Publisher        string              `json:"publisher"`
	PublishedOn      string              `json:"published_on"`
	URL              string              `json:"url"`
	ColumnID         int64               `json:"column_id"`
	DocType          string              `json:"doc_type"`
	Department       string              `json:"department,omitempty"`
	DocNo            string              `json:"doc_no"`
	WrittenOn        string              `json:"written_on"`
	Validity         string              `json:"validity"`
	Disclosure       string              `json:"disclosure"`
	DisclosureReason string              `json:"disclosure_reason,omitempty"`
	Topic            string              `json:"topic"`
	Genre            string              `json:"genre"`
	Keywords         string              `json:"keywords,omitempty"`
	Author           string              `json:"author,omitempty"`
	Summary          string              `json:"summary"`
	Fields           catalog.FieldValues `json:"fields"`
	Status           string              `json:"status,omitempty"`
	SuccessorID      int64               `json:"successor_id,omitempty"`
	Clicks           int64               `json:"clicks"`
	Body             *string             `json:"body,omitempty"`
	Attachments      []apiAttachment     `json:"attachments,omitempty"`
	Related          []apiRelated        `json:"related,omitempty"`
	Revision         int                 `json:"revision"`
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
		Fields: it.Values(), SuccessorID: it.SuccessorID, Clicks: it.Clicks, Revision: it.Revision}
	if staff {
		a.Status, a.DisclosureReason = it.Status, it.DisclosureReason
	}
	return a
}

func (s *Feature) apiSite(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r).Site
	web.WriteJSON(w, http.StatusOK, map[string]any{"id": st.ID, "slug": st.Slug, "name": st.Name, "org_code": st.OrgCode, "settings": st.Settings})
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

func (s *Feature) apiColumns(w http.ResponseWriter, r *http.Request) {
	web.WriteJSON(w, http.StatusOK, map[string]any{"columns": toAPIColumns(web.SiteOf(r).Tree.Roots)})
}

func (s *Feature) apiDocTypes(w http.ResponseWriter, r *http.Request) {
	type field struct {
		Name     string           `json:"name"`
		Label    string           `json:"label"`
		Kind     string           `json:"kind"`
		Required bool             `json:"required"`
		Max      int              `json:"max,omitempty"`
		Options  []catalog.Option `json:"options,omitempty"`
		Core     bool             `json:"core"`
		Scale    int              `json:"scale,omitempty"`
		Unit     string           `json:"unit,omitempty"`
		MaxItems int              `json:"max_items,omitempty"`
		Targets  []string         `json:"targets,omitempty"`
		Facet    bool             `json:"facet,omitempty"`
		Sortable bool             `json:"sortable,omitempty"`
		Sub      []field          `json:"sub,omitempty"`
	}
	type docType struct {
		Code   string  `json:"code"`
		Name   string  `json:"name"`
		Fields []field `json:"fields"`
	}
	var out []docType
	for _, t := range catalog.DocTypes() {
		dt := docType{Code: t.Code, Name: t.Name}
		var conv func(f catalog.Field) field
		conv = func(f catalog.Field) field {
			out := field{Name: f.Name, Label: f.Label, Kind: string(f.Kind), Required: f.Required, Max: f.Max, Options: f.Options, Core: f.Core,
				Scale: f.Scale, Unit: f.Unit, Targets: f.Targets, Facet: f.Facet, Sortable: f.Sortable}
			if f.Kind == catalog.MultiSelect || f.Kind == catalog.Group {
				out.MaxItems = f.MaxItems
				if out.MaxItems == 0 {
					out.MaxItems = catalog.DefaultMaxItems
				}
			}
			for _, sf := range f.Sub {
				out.Sub = append(out.Sub, conv(sf))
			}
			return out
		}
		for _, f := range t.Fields {
			dt.Fields = append(dt.Fields, conv(f))
		}
		out = append(out, dt)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"doc_types": out})
}

func (s *Feature) apiItems(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	f, err := itemsFilter(r.URL.Query(), web.SiteOf(r), u != nil)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	f.Viewer = u
	res, err := s.Catalog.List(r.Context(), f, false)
	if err != nil {
		s.APIError(w, r, err)
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
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// itemsFilter reads GET /api/v1/items' query into a list filter, or the
// invalid parameters' messages; staff is whether a token came with the
// request. A pure function of its input (fuzzed by FuzzItemsFilter).
func itemsFilter(q url.Values, st *web.SiteState, staff bool) (catalog.Filter, error) {
	f := catalog.Filter{SiteID: st.Site.ID, IndexNo: q.Get("index_no"), DocType: q.Get("doc_type"), Publisher: q.Get("publisher"),
		Validity: q.Get("validity"), Query: q.Get("q"), Cursor: q.Get("cursor"), Facets: map[string]string{}}
	v := errs.Validation{}
	var err error
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
		if !staff {
			v.Add("status", "按状态筛选需要访问令牌")
		} else if _, ok := catalog.StatusLabels[st]; !ok && st != "*" {
			v.Add("status", "未知状态")
		} else {
			f.Status = st
		}
	}
	for k, vals := range q {
		name, ok := strings.CutPrefix(k, "fields.")
		if !ok || len(vals) == 0 {
			continue
		}
		// fields.<name>.from / .to: a range on a number, money or date facet.
		if n, ok := strings.CutSuffix(name, ".from"); ok {
			if f.Ranges == nil {
				f.Ranges = map[string]catalog.Range{}
			}
			r := f.Ranges[n]
			r.From = vals[0]
			f.Ranges[n] = r
		} else if n, ok := strings.CutSuffix(name, ".to"); ok {
			if f.Ranges == nil {
				f.Ranges = map[string]catalog.Range{}
			}
			r := f.Ranges[n]
			r.To = vals[0]
			f.Ranges[n] = r
		} else {
			f.Facets[name] = vals[0]
		}
	}
	return f, v.Err()
}

func (s *Feature) apiItem(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	st := web.SiteOf(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		s.APIError(w, r, catalog.ErrNoItem)
		return
	}
	it, err := s.Catalog.Item(r.Context(), st.Site.ID, id)
	if err == nil && !catalog.CanView(u, it) {
		err = catalog.ErrNoItem
		if it.Status == catalog.StatusWithdrawn {
			// As the item page: a syncing system can tell withdrawn
			// from never-existed (issue 15).
			err = errs.E(errs.Gone, "该信息已撤回，撤回理由：%s", it.WithdrawnReason)
		}
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	s.writeItem(w, r, it, u != nil, http.StatusOK)
}

func (s *Feature) writeItem(w http.ResponseWriter, r *http.Request, it *catalog.Item, staff bool, status int) {
	a := toAPI(it, staff)
	a.Body = &it.Body
	atts, err := s.Catalog.Attachments(r.Context(), it.SiteID, it.ID)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	for _, x := range atts {
		a.Attachments = append(a.Attachments, apiAttachment{ID: x.ID, Name: x.Name, Size: x.Size, MIME: x.MIME, SHA256: x.SHA256,
			URL: "/attachments/" + strconv.FormatInt(x.ID, 10)})
	}
	rel, err := s.Catalog.Related(r.Context(), it, !staff)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	for _, x := range rel {
		a.Related = append(a.Related, apiRelated{ID: x.ID, Title: x.Title, DocType: x.DocType, URL: itemURL(x)})
	}
	web.WriteJSON(w, status, a)
}

// apiItemInput is the body of POST /api/v1/items: the read side's fields
// plus column_id, body, disclosure and publish.
type apiItemInput struct {
	ColumnID         int64               `json:"column_id"`
	DocType          string              `json:"doc_type"`
	Department       string              `json:"department"`
	IndexNo          string              `json:"index_no"`
	Title            string              `json:"title"`
	Summary          string              `json:"summary"`
	Body             string              `json:"body"`
	DocNo            string              `json:"doc_no"`
	Publisher        string              `json:"publisher"`
	Author           string              `json:"author"`
	WrittenOn        string              `json:"written_on"`
	PublishedOn      string              `json:"published_on"`
	Disclosure       string              `json:"disclosure"`
	DisclosureReason string              `json:"disclosure_reason"`
	Validity         string              `json:"validity"`
	SuccessorID      int64               `json:"successor_id"`
	Topic            string              `json:"topic"`
	Genre            string              `json:"genre"`
	Keywords         string              `json:"keywords"`
	Fields           catalog.FieldValues `json:"fields"`
	Interprets       []int64             `json:"interprets"`
	Publish          bool                `json:"publish"`
}

func (s *Feature) apiCreateItem(w http.ResponseWriter, r *http.Request) {
	u, err := s.APIUser(r)
	if err == nil && u == nil {
		err = errs.E(errs.Unauthorized, "写入需要访问令牌（Authorization: Bearer <token>）")
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	st := web.SiteOf(r)
	var in apiItemInput
	if err := web.DecodeJSON(w, r, &in, 4<<20); err != nil {
		s.APIError(w, r, err)
		return
	}
	ci := catalog.Input{ColumnID: in.ColumnID, DocType: in.DocType, IndexNo: in.IndexNo, Title: in.Title, Summary: in.Summary, Body: in.Body,
		DocNo: in.DocNo, Publisher: in.Publisher, Author: in.Author, WrittenOn: in.WrittenOn, PublishedOn: in.PublishedOn, Disclosure: in.Disclosure,
		DisclosureReason: in.DisclosureReason, Validity: in.Validity, SuccessorID: in.SuccessorID, Topic: in.Topic, Genre: in.Genre,
		Keywords: in.Keywords, Interprets: in.Interprets}
	ci.SetValues(in.Fields)
	req := catalog.NewItem{Input: ci, Department: in.Department, Publish: in.Publish}
	var it *catalog.Item
	replayed := false
	// Idempotency-Key: a retry with the key gets the first request's item.
	if keys := r.Header.Values("Idempotency-Key"); len(keys) > 0 {
		it, replayed, err = s.Catalog.CreateItemOnce(r.Context(), u, st.Site.ID, req, keys[0])
	} else {
		it, err = s.Catalog.CreateItem(r.Context(), u, st.Site.ID, req)
	}
	if err != nil {
		// The API names the department "department", not by id.
		if f := errs.FieldsOf(err); f != nil {
			if m, ok := f["department_id"]; ok {
				delete(f, "department_id")
				f["department"] = m
			}
		}
		s.APIError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/items/"+strconv.FormatInt(it.ID, 10))
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	s.writeItem(w, r, it, true, http.StatusCreated)
}

// Schemas ties the API's Go types to their OpenAPI schemas (checked by the
// scenario tests in internal/app).
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(apiItem{}), Schema: "#/components/schemas/ItemDetail", AlwaysSet: []string{"body"}},
		{Type: reflect.TypeOf(apiAttachment{}), Schema: "#/components/schemas/Attachment"},
		{Type: reflect.TypeOf(apiRelated{}), Schema: "#/components/schemas/RelatedItem"},
		{Type: reflect.TypeOf(apiColumn{}), Schema: "#/components/schemas/Column"},
		{Type: reflect.TypeOf(catalog.Settings{}), Schema: "#/components/schemas/SiteSettings"},
		{Type: reflect.TypeOf(apiItemInput{}), Schema: "#/components/schemas/ItemInput", Input: true},
	}
}
