package search

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	srch "gongkai/internal/search"
)

// Bounds of the search input (bad input answers with a message, never a
// slow scan or an error page).
const (
	maxQueryRunes = 200 // words, phrase, excluded words
	maxShortRunes = 100 // 文号, 索引号, publisher
	maxPage       = 100 // pages of results one can step to
	perPage       = 10
	maxLimit      = 50
)

// params are the query parameters of a search, in the order its URLs
// carry them.
var params = []string{"q", "title", "phrase", "exclude", "docno", "indexno", "kind", "column", "publisher", "year", "validity", "topic",
	"from", "to", "sort", "original", "page"}

// form is a search as the page and the API read it, as typed (for the
// form and for links that change one filter).
type form struct {
	Q, Phrase, Exclude, DocNo, IndexNo string
	Title                              bool // words in titles only
	Kind, Column, Publisher, Validity  string
	Topic, From, To, Sort              string
	Year                               string
	Original                           bool
	Page                               int
}

// readForm reads the parameters of a search.
func readForm(v url.Values) form {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := form{Q: g("q"), Phrase: g("phrase"), Exclude: g("exclude"), DocNo: g("docno"), IndexNo: g("indexno"),
		Title: g("title") == "1", Kind: g("kind"), Column: g("column"), Publisher: g("publisher"), Validity: g("validity"),
		Topic: g("topic"), From: g("from"), To: g("to"), Sort: g("sort"), Year: g("year"), Original: g("original") == "1", Page: 1}
	return f
}

// asked reports whether the form holds any criterion at all.
func (f form) asked() bool {
	return f.Q != "" || f.Phrase != "" || f.Exclude != "" || f.DocNo != "" || f.IndexNo != "" || f.filtered()
}

// filtered reports whether any filter is set.
func (f form) filtered() bool {
	return f.Kind != "" || f.Column != "" || f.Publisher != "" || f.Validity != "" || f.Topic != "" || f.From != "" || f.To != "" || f.Year != ""
}

// values is the form as query parameters (empty ones left out).
func (f form) values() url.Values {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("q", f.Q)
	if f.Title {
		v.Set("title", "1")
	}
	set("phrase", f.Phrase)
	set("exclude", f.Exclude)
	set("docno", f.DocNo)
	set("indexno", f.IndexNo)
	set("kind", f.Kind)
	set("column", f.Column)
	set("publisher", f.Publisher)
	set("year", f.Year)
	set("validity", f.Validity)
	set("topic", f.Topic)
	set("from", f.From)
	set("to", f.To)
	set("sort", f.Sort)
	if f.Original {
		v.Set("original", "1")
	}
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return v
}

// URL is the path with the form's parameters.
func (f form) URL(path string) string {
	if q := f.values().Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

// with returns a copy of the form changed by fn, back on the first page.
func (f form) with(fn func(*form)) form {
	fn(&f)
	f.Page = 1
	return f
}

// words is the search as one text, for the query log and best bets.
func (f form) words() string {
	var parts []string
	for _, s := range []string{f.Q, f.Phrase, f.DocNo, f.IndexNo} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// request checks the form and turns it into the service's request. The
// page number is read by the caller (a page parameter or an API cursor).
func (f *form) request(siteID int64, tree *catalog.Tree, kinds []srch.Kind) (*srch.Request, error) {
	v := errs.Validation{}
	long := func(name, val, label string, max int) {
		if utf8.RuneCountInString(val) > max {
			v.Add(name, fmt.Sprintf("%s最多 %d 个字，请缩短后再搜索。", label, max))
		}
	}
	long("q", f.Q, "关键词", maxQueryRunes)
	long("phrase", f.Phrase, "完整短语", maxQueryRunes)
	long("exclude", f.Exclude, "不包含的词", maxQueryRunes)
	long("docno", f.DocNo, "文号", maxShortRunes)
	long("indexno", f.IndexNo, "索引号", maxShortRunes)
	long("publisher", f.Publisher, "发布机构", maxShortRunes)
	r := &srch.Request{SiteID: siteID, Q: f.Q, InTitle: f.Title, Phrase: f.Phrase, Exclude: f.Exclude, DocNo: f.DocNo, IndexNo: f.IndexNo,
		Publisher: f.Publisher, Original: f.Original, Page: f.Page, Limit: perPage}
	if f.Kind != "" {
		known := false
		for _, k := range kinds {
			known = known || k.Code == f.Kind
		}
		if !known {
			v.Add("kind", "没有这种信息类别")
		}
		r.Kinds = []string{f.Kind}
	}
	if f.Column != "" {
		c := tree.BySlug[f.Column]
		if id, err := strconv.ParseInt(f.Column, 10, 64); err == nil && c == nil {
			c = tree.ByID[id]
		}
		if c == nil || c.Hidden {
			v.Add("column", "栏目不存在")
		} else {
			f.Column = c.Slug
			r.ColumnIDs = subtree(c)
		}
	}
	if f.Year != "" {
		y, err := strconv.Atoi(f.Year)
		if err != nil {
			v.Add("year", "年份应为 1949 到 2100 之间的四位数字")
		}
		r.Year = y
	}
	if f.Topic != "" {
		long("topic", f.Topic, "主题分类", maxShortRunes)
		r.Topic = f.Topic
	}
	r.Validity, r.From, r.To = f.Validity, f.From, f.To
	switch f.Sort {
	case "", "relevance":
		f.Sort = ""
	default:
		r.Sort = f.Sort
	}
	// The service's own checks of the filters (year range, dates,
	// validity, sort); the texts' lengths were checked above, to the
	// form's tighter limits.
	if err := r.Validate(); err != nil {
		for _, k := range []string{"year", "from", "to", "validity", "sort"} {
			if m := errs.FieldsOf(err)[k]; m != "" {
				v.Add(k, m)
			}
		}
	}
	return r, v.Err()
}

// readPage reads ?page=: absent is 1; anything but 1…maxPage is an error.
func readPage(raw string) (int, error) {
	if raw == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, &errs.Error{Code: errs.Invalid, Message: "页码应为正整数", Fields: map[string]string{"page": "页码应为正整数"}}
	}
	if n > maxPage {
		return 0, &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("最多可翻到第 %d 页，请增加检索条件缩小范围", maxPage),
			Fields: map[string]string{"page": fmt.Sprintf("最多可翻到第 %d 页", maxPage)}}
	}
	return n, nil
}

// The API's cursor is the next page's number, opaque to clients.
func cursorOf(page int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("p" + strconv.Itoa(page)))
}

func readCursor(c string) (int, error) {
	bad := &errs.Error{Code: errs.Invalid, Message: "cursor 无效，请使用上一页响应中的 next_cursor", Fields: map[string]string{"cursor": "无效"}}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 2 || b[0] != 'p' {
		return 0, bad
	}
	n, err := strconv.Atoi(string(b[1:]))
	if err != nil || n < 1 || n > maxPage {
		return 0, bad
	}
	return n, nil
}

// hasText reports whether the words hold anything the index can match.
func hasText(s string) bool { return len(srch.Tokens(s)) > 0 }

func subtree(c *catalog.Column) []int64 {
	ids := []int64{c.ID}
	for _, ch := range c.Children {
		ids = append(ids, subtree(ch)...)
	}
	return ids
}
