package catalogue

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

// fuzzSite has a group column 1 with children 2 and 3.
func fuzzSite() *web.SiteState {
	c2, c3 := &catalog.Column{ID: 2, Slug: "b"}, &catalog.Column{ID: 3, Slug: "c"}
	c1 := &catalog.Column{ID: 1, Slug: "a", Kind: catalog.KindGroup, Children: []*catalog.Column{c2, c3}}
	return &web.SiteState{Site: &catalog.Site{ID: 7}, Tree: &catalog.Tree{Roots: []*catalog.Column{c1},
		ByID: map[int64]*catalog.Column{1: c1, 2: c2, 3: c3}, BySlug: map[string]*catalog.Column{"a": c1, "b": c2, "c": c3}}}
}

// FuzzItemsFilter: any query string of GET /api/v1/items is either refused
// as invalid, naming the parameters, or read into a filter within the
// API's bounds: the request's site, a known column's subtree, a limit of
// 1–100, a plausible year, a status only with a token.
func FuzzItemsFilter(f *testing.F) {
	for _, s := range []string{"", "limit=100&year=2021", "limit=0", "limit=101", "year=99999999999999999999", "column_id=1", "column_id=9",
		"column_id=-1", "status=draft", "status=*", "status=bogus", "fields.amount.from=1,000&fields.amount.to=2e3", "fields.x=1&fields.x=2",
		"fields..from=&fields.=", "q=%00%ff&cursor=MjAyMS0wMS0wMXwx", "index_no='+OR+1=1--", "%zz=1&a=%", "fields.a.from.to=1"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	st := fuzzSite()
	f.Fuzz(func(t *testing.T, raw string, staff bool) {
		q, _ := url.ParseQuery(raw) // as r.URL.Query(): bad pairs are dropped
		flt, err := itemsFilter(q, st, staff)
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.Invalid || len(e.Fields) == 0 {
				t.Fatalf("itemsFilter(%q) = %#v: want an invalid error naming fields", raw, err)
			}
			return
		}
		if flt.SiteID != 7 || flt.Viewer != nil {
			t.Errorf("%q: site %d, viewer %v", raw, flt.SiteID, flt.Viewer)
		}
		if flt.Limit < 0 || flt.Limit > 100 || (q.Get("limit") != "" && flt.Limit < 1) {
			t.Errorf("%q: limit %d", raw, flt.Limit)
		}
		if flt.Year != 0 && (flt.Year < 1900 || flt.Year > 2200) {
			t.Errorf("%q: year %d", raw, flt.Year)
		}
		if flt.Status != "" {
			if _, known := catalog.StatusLabels[flt.Status]; !staff || (!known && flt.Status != "*") {
				t.Errorf("%q (staff %v): status %q", raw, staff, flt.Status)
			}
		}
		for _, id := range flt.ColumnIDs {
			if st.Tree.ByID[id] == nil {
				t.Errorf("%q: unknown column %d in the filter", raw, id)
			}
		}
		if (q.Get("column_id") != "") != (len(flt.ColumnIDs) > 0) {
			t.Errorf("%q: column_id %q gave columns %v", raw, q.Get("column_id"), flt.ColumnIDs)
		}
	})
}

// goWords are what a message for people must not show: Go types and the
// decoder's own wording.
var goWords = regexp.MustCompile(`json:|int64|float64|\[\]|struct|map\[|catalog\.|catalogue\.|Go |unmarshal|invalid character`)

// FuzzItemBody: any body of POST /api/v1/items, decoded as the handler
// decodes it, is either an item input or an invalid error whose message is
// Chinese words for people (no Go type names, no decoder text), naming a
// field only when the body named it.
func FuzzItemBody(f *testing.F) {
	for _, s := range []string{
		`{"title": "标题", "column_id": 3, "publish": true, "fields": {"amount": "1,234.5", "tags": ["a"], "rows": [{"x": 1}]}}`,
		`{"title": 1}`, `{"column_id": "3"}`, `{"interprets": [1, "2"]}`, `{"publish": "yes"}`, `{"fields": []}`, `{"fields": {"a": {"b": 1}}}`,
		`{"nope": 1}`, `{"title": "a"} {"title": "b"}`, `[]`, `null`, ``, `{`, `{"title": "\ud800"}`, `{"column_id": 1e400}`, "\xff", `{"[]":[]}`, `{"map[":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// Through the decoder apiCreateItem uses: one object, valid UTF-8,
		// no NUL, no unknown fields, nothing after it.
		var in apiItemInput
		err := web.DecodeJSON(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/v1/items", bytes.NewReader(b)), &in, 4<<20)
		if err == nil {
			var ci catalog.Input
			ci.SetValues(in.Fields)
			return
		}
		var ee *errs.Error
		if !errors.As(err, &ee) || ee.Code != errs.Invalid || ee.Message == "" {
			t.Fatalf("DecodeJSON(%q) = %#v: want an invalid error with a message", b, err)
		}
		// The field name is the sender's text, quoted back: judge only
		// our own wording.
		own := ee.Message
		for name := range ee.Fields {
			own = strings.ReplaceAll(own, name, "")
		}
		if goWords.MatchString(own) || !utf8.ValidString(ee.Message) {
			t.Errorf("body %q: message %q shows Go internals", b, ee.Message)
		}
		for name := range ee.Fields {
			// (Invalid UTF-8 in a key comes back as U+FFFD, escapes decoded;
			// encoding/json matches keys case-insensitively, so "ColumN_id" is
			// column_id.)
			if utf8.Valid(b) && !bytes.Contains(b, []byte(`\`)) && !bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(name))) {
				t.Errorf("body %q: error names field %q the body does not have", b, name)
			}
		}
	})
}
