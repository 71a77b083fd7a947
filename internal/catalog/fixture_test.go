package catalog_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// orgCode is the index-number prefix of the fixture site.
const orgCode = "ORG"

// fixture is a small site: two departments, staff in every role and a
// column per document type.
type fixture struct {
	t    *testing.T
	ctx  context.Context
	db   *store.DB
	cat  *catalog.Service
	au   *auth.Service
	site *catalog.Site

	fzk, pfk *catalog.Department // 法制科, 普法科

	admin, office     *auth.User
	fzkEditor, fzkEd2 *auth.User // two editors of 法制科
	pfkEditor         *auth.User
	fzkReviewer       *auth.User
	pfkReviewer       *auth.User
	reviewer          *auth.User // reviews every department
	otherSiteOffice   *auth.User // office of a second site
	otherSite         *catalog.Site
	col               map[string]*catalog.Column
	changes           changeCounter // change events in the outbox
	// explained is the draft policy that interpretation inputs explain
	// (an interpretation must name its document), made when first needed.
	explained *int64
}

// changeCounter counts the change events written so far.
type changeCounter struct {
	t  *testing.T
	db *store.DB
}

func (c changeCounter) Load() int64 {
	c.t.Helper()
	var n int64
	if err := c.db.R.QueryRow(`SELECT COUNT(*) FROM change_events`).Scan(&n); err != nil {
		c.t.Fatal(err)
	}
	return n
}

// columns of the fixture: slug, parent slug, kind, document types.
var fixtureColumns = []struct {
	slug, parent, kind string
	types              []string
}{
	{"xxgk", "", catalog.KindGroup, nil},
	{"zcwj", "xxgk", catalog.KindList, []string{"policy"}},
	{"zcjd", "xxgk", catalog.KindList, []string{"interpretation"}},
	{"tjsj", "xxgk", catalog.KindList, []string{"statistics"}},
	{"rsrm", "xxgk", catalog.KindList, []string{"appointment"}},
	{"jhgh", "xxgk", catalog.KindList, []string{"plan"}},
	{"gzdt", "", catalog.KindList, []string{"news"}},
	{"tzgg", "", catalog.KindList, []string{"notice", "general"}},
	{"ybxx", "", catalog.KindList, []string{"general"}},
	{"guide", "", catalog.KindLink, nil},
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), db: db, au: auth.NewService(db), col: map[string]*catalog.Column{}, changes: changeCounter{t, db}, explained: new(int64)}
	f.cat = &catalog.Service{DB: db}
	f.site = &catalog.Site{Slug: "test", Name: "测试市司法局", OrgCode: orgCode, Hosts: []string{"sfj.example.cn"}}
	f.must(f.cat.CreateSite(f.ctx, nil, f.site))
	f.otherSite = &catalog.Site{Slug: "other", Name: "另一个局", OrgCode: "OTHER", Hosts: []string{"other.example.cn"}}
	f.must(f.cat.CreateSite(f.ctx, nil, f.otherSite))
	f.fzk = &catalog.Department{SiteID: f.site.ID, Name: "法制科", Abbr: "fzk", Sort: 1}
	f.pfk = &catalog.Department{SiteID: f.site.ID, Name: "普法科", Abbr: "pfk", Sort: 2}
	f.must(f.cat.CreateDepartment(f.ctx, nil, f.fzk))
	f.must(f.cat.CreateDepartment(f.ctx, nil, f.pfk))

	f.admin = f.user("admin", auth.Admin, 0)
	f.office = f.user("office", auth.Office, 0)
	f.fzkEditor = f.user("fzk", auth.Editor, f.fzk.ID)
	f.fzkEd2 = f.user("fzk2", auth.Editor, f.fzk.ID)
	f.pfkEditor = f.user("pfk", auth.Editor, f.pfk.ID)
	f.fzkReviewer = f.user("fzk-reviewer", auth.Reviewer, f.fzk.ID)
	f.pfkReviewer = f.user("pfk-reviewer", auth.Reviewer, f.pfk.ID)
	f.reviewer = f.user("reviewer", auth.Reviewer, 0)
	other, err := f.au.CreateUser(f.ctx, nil, auth.NewUser{SiteID: f.otherSite.ID, Name: "other-office", Role: auth.Office, Password: "test-password-1"})
	f.must(err)
	f.otherSiteOffice = other

	for _, c := range fixtureColumns {
		col := &catalog.Column{SiteID: f.site.ID, Slug: c.slug, Name: "栏目" + c.slug, Kind: c.kind, DocTypes: c.types}
		if c.parent != "" {
			col.ParentID = f.col[c.parent].ID
		}
		if c.kind == catalog.KindLink {
			col.LinkURL = "/xxgk/guide"
		}
		f.must(f.cat.SaveColumn(f.ctx, f.admin, col))
		f.col[c.slug] = col
	}
	return f
}

// explainedID returns the draft policy that interpretations in tests
// explain, made when first needed.
func (f *fixture) explainedID() int64 {
	f.t.Helper()
	if *f.explained == 0 {
		pol, err := f.cat.Create(f.ctx, f.fzkEditor, f.site.ID, f.input("policy", "被解读的政策文件"))
		f.must(err)
		*f.explained = pol.ID
	}
	return *f.explained
}

// with returns f reporting to t, for use inside subtests.
func (f *fixture) with(t *testing.T) *fixture {
	g := *f
	g.t = t
	return &g
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) user(name string, role auth.Role, dept int64) *auth.User {
	f.t.Helper()
	u, err := f.au.CreateUser(f.ctx, nil, auth.NewUser{SiteID: f.site.ID, Name: name, DisplayName: name, Role: role, DepartmentID: dept,
		Password: "test-password-1"})
	f.must(err)
	return u
}

// input returns a valid input of document type typ in its fixture column,
// owned by 法制科.
func (f *fixture) input(typ, title string) catalog.Input {
	in := catalog.Input{DocType: typ, DepartmentID: f.fzk.ID, Title: title, Body: "<p>" + title + "的正文。</p>", Disclosure: "proactive"}
	switch typ {
	case "policy":
		in.ColumnID = f.col["zcwj"].ID
		in.WrittenOn, in.Validity = "2021-03-01", "in_force"
	case "interpretation":
		in.ColumnID = f.col["zcjd"].ID
		in.Fields = map[string]string{"form": "文字解读"}
		in.Interprets = []int64{f.explainedID()}
	case "statistics":
		in.ColumnID = f.col["tjsj"].ID
		in.Fields = map[string]string{"period": "2021年1—6月"}
	case "appointment":
		in.ColumnID = f.col["rsrm"].ID
		in.Fields = map[string]string{"kind": "任职"}
	case "plan":
		in.ColumnID = f.col["jhgh"].ID
	case "news":
		in.ColumnID = f.col["gzdt"].ID
	case "notice":
		in.ColumnID = f.col["tzgg"].ID
	default:
		in.ColumnID = f.col["ybxx"].ID
	}
	return in
}

// create stores a draft as actor.
func (f *fixture) create(actor *auth.User, in catalog.Input) *catalog.Item {
	f.t.Helper()
	it, err := f.cat.Create(f.ctx, actor, f.site.ID, in)
	if err != nil {
		f.t.Fatalf("create %q: %v", in.Title, err)
	}
	return it
}

// submitted creates a draft as its department's editor and submits it.
func (f *fixture) submitted(in catalog.Input) *catalog.Item {
	f.t.Helper()
	editor := f.fzkEditor
	if in.DepartmentID == f.pfk.ID {
		editor = f.pfkEditor
	}
	it := f.create(editor, in)
	it, err := f.cat.Submit(f.ctx, editor, f.site.ID, it.ID)
	if err != nil {
		f.t.Fatalf("submit %q: %v", in.Title, err)
	}
	return it
}

// published creates, submits and publishes an item now.
func (f *fixture) published(in catalog.Input) *catalog.Item {
	f.t.Helper()
	it := f.submitted(in)
	it, err := f.cat.Publish(f.ctx, f.office, f.site.ID, it.ID, time.Time{})
	if err != nil {
		f.t.Fatalf("publish %q: %v", in.Title, err)
	}
	return it
}

func (f *fixture) item(id int64) *catalog.Item {
	f.t.Helper()
	it, err := f.cat.Item(f.ctx, f.site.ID, id)
	f.must(err)
	return it
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.R.QueryRow(q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// rowCounts counts the rows of the tables an item write touches.
func (f *fixture) rowCounts() map[string]int {
	f.t.Helper()
	out := map[string]int{}
	for _, table := range []string{"items", "item_events", "audit_log", "item_facets", "item_links", "item_revisions", "index_counters", "attachments", "change_events"} {
		out[table] = f.count(`SELECT COUNT(*) FROM ` + table)
	}
	return out
}

// unchanged fails when any table gained or lost rows since before.
func (f *fixture) unchanged(t *testing.T, before map[string]int) {
	t.Helper()
	if after := f.rowCounts(); !maps.Equal(before, after) {
		t.Errorf("rows changed by a refused write: before %v, after %v", before, after)
	}
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %s", code)
	}
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("code = %s (%v), want %s", got, err, code)
	}
}

// wantField fails unless err is Invalid (or Conflict) with a message for field.
func wantField(t *testing.T, err error, code errs.Code, field string) {
	t.Helper()
	wantCode(t, err, code)
	if field != "" && errs.FieldsOf(err)[field] == "" {
		t.Fatalf("fields = %v, want a message for %q", errs.FieldsOf(err), field)
	}
}

// each runs fn on a fresh fixture per dialect.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) { fn(t, newFixture(t, db)) })
}
