package catalogue_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// penaltyType has the kinds the item form renders beyond the shipped types'
// (multiselect, group, money, person, link); it is registered in this test
// binary only.
var penaltyType = &catalog.DocType{
	Code: "test_penalty", Name: "行政处罚结果",
	Fields: []catalog.Field{
		{Name: "party", Label: "当事人", Kind: catalog.Person, Max: 50, Required: true},
		{Name: "categories", Label: "处罚类别", Kind: catalog.MultiSelect, Facet: true, MaxItems: 3,
			Options: []catalog.Option{{Value: "警告", Label: "警告"}, {Value: "罚款", Label: "罚款"}, {Value: "没收违法所得", Label: "没收违法所得"}}},
		{Name: "fine", Label: "罚款金额", Kind: catalog.Money, Sortable: true},
		{Name: "basis", Label: "依据文件", Kind: catalog.Link, Targets: []string{"policy"}},
		{Name: "fines", Label: "罚款明细", Kind: catalog.Group, MaxItems: 5, Sub: []catalog.Field{
			{Name: "payer", Label: "缴款人", Kind: catalog.Person, Max: 50, Required: true},
			{Name: "amount", Label: "金额", Kind: catalog.Money, Required: true},
		}},
	},
	Meta: []string{"party", "categories", "fine", "basis"},
}

func init() { catalog.RegisterDocType(penaltyType) }

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

type client struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func (c *client) do(method, path string, form url.Values) (int, string, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf", c.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if m := csrfRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return r.StatusCode, string(b), r.Header.Get("Location")
}

// TestTypedFieldsThroughTheForm renders the item form for a type with every
// new kind, saves it, shows the errors of a bad row on the right inputs,
// and shows the published record with persons masked.
func TestTypedFieldsThroughTheForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := &catalog.Service{DB: db}
		au := auth.NewService(db)
		site, err := demo.Load(ctx, cat, au, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		col := &catalog.Column{SiteID: site.ID, Slug: "xzcf", Name: "行政处罚结果", Kind: catalog.KindList, DocTypes: []string{"test_penalty"}}
		if err := cat.SaveColumn(ctx, nil, col); err != nil {
			t.Fatal(err)
		}
		blobs, err := blob.OpenFS(filepath.Join(t.TempDir(), "attachments"))
		if err != nil {
			t.Fatal(err)
		}
		srv, err := app.New(cat, au, blobs, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Options{MaxUpload: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		jar, _ := cookiejar.New(nil)
		c := &client{t: t, base: ts.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		c.do("GET", "/admin/login", nil)
		if st, body, _ := c.do("POST", "/admin/login", url.Values{"name": {"office"}, "password": {demo.Password}}); st != http.StatusSeeOther {
			t.Fatalf("login: %d %s", st, body)
		}
		c.do("GET", "/admin", nil)

		st, body, _ := c.do("GET", "/admin/items/new?type=test_penalty", nil)
		if st != 200 {
			t.Fatalf("new form: %d", st)
		}
		for _, want := range []string{`type="checkbox" name="categories" value="罚款"`, `name="fines.0.payer"`, `name="fines.2.amount"`,
			`name="fine" value="" inputmode="decimal"`, ` 元`, `name="basis" value="" inputmode="numeric"`, `<legend>罚款明细</legend>`} {
			if !strings.Contains(body, want) {
				t.Errorf("form lacks %q", want)
			}
		}
		if strings.Contains(body, `name="fines.3.payer"`) {
			t.Errorf("form offers more than three blank rows")
		}
		var dept int64
		if err := db.R.QueryRow(`SELECT id FROM departments WHERE site_id = $1 AND abbr = 'fzk'`, site.ID).Scan(&dept); err != nil {
			t.Fatal(err)
		}
		var policyID int64
		var policyTitle string
		if err := db.R.QueryRow(`SELECT id, title FROM items WHERE site_id = $1 AND doc_type = 'policy' AND status = 'published' ORDER BY id LIMIT 1`, site.ID).Scan(&policyID, &policyTitle); err != nil {
			t.Fatal(err)
		}
		form := func() url.Values {
			return url.Values{"doc_type": {"test_penalty"}, "column_id": {itoa(col.ID)}, "department_id": {itoa(dept)}, "title": {"某公司行政处罚决定"},
				"disclosure": {"proactive"}, "party": {"张三丰"}, "basis": {itoa(policyID)}, "categories": {"警告", "罚款"}, "fine": {"1,234.5"},
				"fines.0.payer": {"张三丰"}, "fines.0.amount": {"1,000"}, "fines.1.payer": {""}, "fines.1.amount": {""},
				"fines.2.payer": {"370102199001011234"}, "fines.2.amount": {"234.5"}}
		}
		bad := form()
		bad.Set("fines.2.amount", "二百")
		st, body, _ = c.do("POST", "/admin/items", bad)
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("bad row: status %d", st)
		}
		for _, want := range []string{`id="e-fines.2.amount"`, "罚款明细第 3 行的金额格式无效，应为金额", `name="fines.2.amount" value="二百"`, `value="罚款" checked`} {
			if !strings.Contains(body, want) {
				t.Errorf("error form lacks %q", want)
			}
		}
		st, _, loc := c.do("POST", "/admin/items", form())
		if st != http.StatusSeeOther {
			t.Fatalf("create: status %d", st)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(loc, "/admin/items/"), "?done=created")
		var it *catalog.Item
		page, err := cat.List(ctx, catalog.Filter{SiteID: site.ID, Status: "*", DocType: "test_penalty"}, false)
		if err != nil || len(page.Items) != 1 || itoa(page.Items[0].ID) != id {
			t.Fatalf("items %v (%v), location %q", page, err, loc)
		}
		it, _ = cat.Item(ctx, site.ID, page.Items[0].ID)
		if it.Fields["fine"] != "1234.50" || !slices.Equal(it.List("categories"), []string{"警告", "罚款"}) || len(it.Rows["fines"]) != 2 ||
			it.Rows["fines"][1]["amount"] != "234.50" {
			t.Fatalf("stored %v %v %v", it.Fields, it.Lists, it.Rows)
		}
		st, body, _ = c.do("GET", "/admin/items/"+id, nil)
		if st != 200 || !strings.Contains(body, "张三丰") || !strings.Contains(body, "1,000.00 元") || !strings.Contains(body, "370102199001011234") {
			t.Errorf("staff page: %d, persons and money shown in full expected", st)
		}
		office, err := au.UserByName(ctx, "office")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cat.Submit(ctx, office, site.ID, it.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := cat.Publish(ctx, office, site.ID, it.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		pub := &client{t: t, base: ts.URL, c: http.DefaultClient}
		st, body, _ = pub.do("GET", "/items/"+id, nil)
		if st != 200 {
			t.Fatalf("public page: %d", st)
		}
		for _, want := range []string{"张**", "370***********1234", "警告、罚款", "1,234.50 元", "<caption>罚款明细</caption>", "1,000.00 元",
			`<a href="/items/` + itoa(policyID) + `">` + policyTitle + `</a>`} {
			if !strings.Contains(body, want) {
				t.Errorf("public page lacks %q", want)
			}
		}
		if strings.Contains(body, "张三丰") || strings.Contains(body, "370102199001011234") {
			t.Errorf("public page shows a person in full")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestColumnDutyForm: the column form shows and saves the 条例第二十条 duty.
func TestColumnDutyForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cat := &catalog.Service{DB: db}
		au := auth.NewService(db)
		site, err := demo.Load(ctx, cat, au, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		blobs, _ := blob.OpenFS(filepath.Join(t.TempDir(), "attachments"))
		srv, err := app.New(cat, au, blobs, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Options{MaxUpload: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		jar, _ := cookiejar.New(nil)
		c := &client{t: t, base: ts.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		c.do("GET", "/admin/login", nil)
		if st, _, _ := c.do("POST", "/admin/login", url.Values{"name": {"admin"}, "password": {demo.Password}}); st != http.StatusSeeOther {
			t.Fatalf("login: %d", st)
		}
		tree, _ := cat.Tree(ctx, site.ID)
		col := tree.BySlug["tjsj"]
		st, body, _ := c.do("GET", "/admin/columns/"+itoa(col.ID), nil)
		if st != 200 || !strings.Contains(body, `<option value="art20.4" selected>（四）统计信息</option>`) {
			t.Fatalf("column form: %d, duty not shown as selected", st)
		}
		form := url.Values{"name": {col.Name}, "slug": {col.Slug}, "kind": {col.Kind}, "doc_types": col.DocTypes, "parent_id": {itoa(col.ParentID)},
			"sort": {strconv.Itoa(col.Sort)}, "update_days": {strconv.Itoa(col.UpdateDays)}, "duty": {""}}
		if st, body, _ := c.do("POST", "/admin/columns/"+itoa(col.ID), form); st != http.StatusSeeOther {
			t.Fatalf("save: %d %s", st, body)
		}
		if got, _ := cat.Column(ctx, col.ID); got.Duty != "" {
			t.Errorf("duty after clearing: %q", got.Duty)
		}
		form.Set("duty", "art20.99")
		if st, body, _ := c.do("POST", "/admin/columns/"+itoa(col.ID), form); st != http.StatusUnprocessableEntity || !strings.Contains(body, "请从列表中选择法定公开类别") {
			t.Errorf("unknown duty: %d", st)
		}
	})
}
