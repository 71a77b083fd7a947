package search

import (
	"net/url"
	"strings"
	"testing"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	srch "gongkai/internal/search"
)

func TestFormRequest(t *testing.T) {
	child := &catalog.Column{ID: 2, Slug: "zcwj", Name: "政策文件"}
	root := &catalog.Column{ID: 1, Slug: "xxgk", Name: "信息公开", Children: []*catalog.Column{child}}
	tree := &catalog.Tree{Roots: []*catalog.Column{root}, ByID: map[int64]*catalog.Column{1: root, 2: child},
		BySlug: map[string]*catalog.Column{"xxgk": root, "zcwj": child}}
	kinds := []srch.Kind{{Code: "policy", Label: "政策文件"}}
	ok := readForm(url.Values{"q": {" 法律援助 "}, "title": {"1"}, "column": {"1"}, "kind": {"policy"}, "year": {"2021"},
		"validity": {"repealed"}, "from": {"2021-01-01"}, "to": {"2021-12-31"}, "sort": {"date"}})
	r, err := ok.request(9, tree, kinds)
	if err != nil {
		t.Fatal(err)
	}
	if r.Q != "法律援助" || !r.InTitle || len(r.ColumnIDs) != 2 || r.Kinds[0] != "policy" || r.Year != 2021 || r.Sort != "date" || r.SiteID != 9 {
		t.Errorf("request %+v", r)
	}
	if ok.Column != "xxgk" {
		t.Errorf("column by id is shown by its slug: %q", ok.Column)
	}
	for field, v := range map[string]url.Values{
		"q":        {"q": {strings.Repeat("长", maxQueryRunes+1)}},
		"column":   {"q": {"x"}, "column": {"nope"}},
		"kind":     {"q": {"x"}, "kind": {"nope"}},
		"year":     {"q": {"x"}, "year": {"1800"}},
		"validity": {"q": {"x"}, "validity": {"bogus"}},
		"from":     {"q": {"x"}, "from": {"2021-02-30"}},
		"to":       {"q": {"x"}, "from": {"2021-02-01"}, "to": {"2021-01-01"}},
		"sort":     {"q": {"x"}, "sort": {"newest"}},
		"docno":    {"docno": {strings.Repeat("号", maxShortRunes+1)}},
	} {
		f := readForm(v)
		_, err := f.request(9, tree, kinds)
		if errFields(err)[field] == "" {
			t.Errorf("%s: %v", field, err)
		}
	}
}

func TestPagesCursorsLinks(t *testing.T) {
	for raw, want := range map[string]int{"": 1, "1": 1, "100": 100} {
		if n, err := readPage(raw); err != nil || n != want {
			t.Errorf("page %q: %d %v", raw, n, err)
		}
	}
	for _, raw := range []string{"0", "-1", "abc", "101", "1e3"} {
		if _, err := readPage(raw); err == nil {
			t.Errorf("page %q accepted", raw)
		}
	}
	for _, n := range []int{1, 2, 100} {
		if got, err := readCursor(cursorOf(n)); err != nil || got != n {
			t.Errorf("cursor %d: %d %v", n, got, err)
		}
	}
	for _, c := range []string{"%%", "cDA", "eDI", cursorOf(101), ""} {
		if _, err := readCursor(c); err == nil {
			t.Errorf("cursor %q accepted", c)
		}
	}
	if got := link(7, "/items/3"); got != "/search/go?log=7&to=%2Fitems%2F3" {
		t.Errorf("tracked link %q", got)
	}
	if got := link(0, "/items/3"); got != "/items/3" {
		t.Errorf("untracked link %q", got)
	}
	f := form{Q: "甲", Year: "2021", Page: 3}
	if u := f.with(func(g *form) { g.Year = "" }).URL("/search"); u != "/search?q=%E7%94%B2" {
		t.Errorf("a changed filter goes back to page 1 without the year: %q", u)
	}
}

func errFields(err error) map[string]string { return errs.FieldsOf(err) }
