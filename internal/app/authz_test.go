package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/web"
)

// The authorisation matrix (issue 16, "make the attacks part of the
// suite"): every demo user (every role, in and out of the item's
// department) × items in every status of two departments × every action
// reachable over HTTP, on the back office and the API. The expectation of
// each request is generated from the domain's permission rules
// (catalog.Actions, catalog.CanView); a handful of anchor cases written out
// from the text guard against the domain and the surfaces being
// wrong in the same way. Allowed requests must answer 2xx/303 and change
// the item; refused ones 403/404/409 and change nothing.

var matrixStatuses = []string{catalog.StatusDraft, catalog.StatusSubmitted, catalog.StatusReturned, catalog.StatusReviewed,
	catalog.StatusScheduled, catalog.StatusPublished, catalog.StatusWithdrawn}

// matrixFix builds the items of the matrix through the domain.
type matrixFix struct {
	t      *testing.T
	e      *env
	ctx    context.Context
	admin  *auth.User
	users  map[string]*auth.User
	depts  map[string]int64 // abbreviation → id
	column int64
	seq    int
}

func newMatrixFix(t *testing.T, e *env) *matrixFix {
	t.Helper()
	f := &matrixFix{t: t, e: e, ctx: context.Background(), users: map[string]*auth.User{}, depts: map[string]int64{}}
	for _, u := range demo.Users {
		du, err := e.au.UserByName(f.ctx, u.Name)
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.Name] = du
	}
	f.admin = f.users["admin"]
	ds, err := e.cat.Departments(f.ctx, e.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		f.depts[d.Abbr] = d.ID
	}
	f.column = e.mustTree(t).BySlug["qzqd"].ID
	return f
}

// build makes an item of dept in status, with one attachment, as the
// administrator (so building never depends on the rules under test).
func (f *matrixFix) build(prefix, dept, status string) *catalog.Item {
	t, ctx, a, site := f.t, f.ctx, f.admin, f.e.site.ID
	t.Helper()
	f.seq++
	title := fmt.Sprintf("%s-%s-%s-%d", prefix, dept, status, f.seq)
	it, err := f.e.cat.Create(ctx, a, site, catalog.Input{DocType: "general", ColumnID: f.column, DepartmentID: f.depts[dept], Title: title,
		Disclosure: "proactive", Body: "<p>矩阵正文</p>"})
	if err != nil {
		t.Fatalf("create %s: %v", title, err)
	}
	id := it.ID
	if err := f.e.cat.Attach(ctx, a, site, id, &catalog.Attachment{BlobKey: fmt.Sprintf("matrix-%d.pdf", f.seq), Name: "附件.pdf", Size: 10,
		MIME: "application/pdf", SHA256: strings.Repeat("0", 64)}); err != nil {
		t.Fatalf("attach %s: %v", title, err)
	}
	step := func(_ *catalog.Item, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("build %s: %v", title, err)
		}
	}
	if status != catalog.StatusDraft {
		step(f.e.cat.Submit(ctx, a, site, id))
	}
	switch status {
	case catalog.StatusReturned:
		step(f.e.cat.Return(ctx, a, site, id, "请补充"))
	case catalog.StatusReviewed:
		step(f.e.cat.Approve(ctx, a, site, id, ""))
	case catalog.StatusScheduled:
		step(f.e.cat.Publish(ctx, a, site, id, time.Now().Add(72*time.Hour)))
	case catalog.StatusPublished:
		step(f.e.cat.Publish(ctx, a, site, id, time.Time{}))
	case catalog.StatusWithdrawn:
		step(f.e.cat.Publish(ctx, a, site, id, time.Time{}))
		step(f.e.cat.Withdraw(ctx, a, site, id, "内容已过时"))
	}
	it, err = f.e.cat.Item(ctx, site, id)
	if err != nil || it.Status != status {
		t.Fatalf("build %s: %v, status %q", title, err, it.Status)
	}
	return it
}

// itemState is what an action may change.
type itemState struct {
	Status      string
	Version     int
	Events      int
	Attachments int
}

func (f *matrixFix) state(id int64) itemState {
	f.t.Helper()
	var st itemState
	err := f.e.db.R.QueryRow(`SELECT status, version, (SELECT COUNT(*) FROM item_events WHERE item_id = $1),
		(SELECT COUNT(*) FROM attachments WHERE item_id = $1) FROM items WHERE id = $1`, id).Scan(&st.Status, &st.Version, &st.Events, &st.Attachments)
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

// matrixAction is one back-office action: the domain's verdict and the
// request that takes it.
type matrixAction struct {
	name string
	// act is the domain's action the request takes on it.
	act func(it *catalog.Item) catalog.Action
	// allowed is the domain's answer (catalog.Actions).
	allowed func(a catalog.ItemActions, it *catalog.Item) bool
	// do sends the request as b.
	do func(f *matrixFix, b *browser, it *catalog.Item) resp
	// done checks the state after an allowed request.
	done func(before, after itemState) bool
}

func fixedAct(a catalog.Action) func(*catalog.Item) catalog.Action {
	return func(*catalog.Item) catalog.Action { return a }
}

func statusBecomes(st string) func(before, after itemState) bool {
	return func(_, after itemState) bool { return after.Status == st }
}

var matrixActions = []matrixAction{
	{name: "save", act: func(it *catalog.Item) catalog.Action {
		if it.Status == catalog.StatusPublished {
			return catalog.ActRevise
		}
		return catalog.ActEdit
	},
		allowed: func(a catalog.ItemActions, it *catalog.Item) bool { return a.Edit || a.Revise },
		do: func(f *matrixFix, b *browser, it *catalog.Item) resp {
			form := f.e.editForm(f.t, itoa(it.ID))
			form.Set("summary", "矩阵修改摘要")
			form.Set("change_note", "矩阵测试修改")
			return b.post("/admin/items/"+itoa(it.ID), form)
		},
		done: func(before, after itemState) bool {
			return after.Version > before.Version && after.Status == before.Status
		}},
	{name: "submit", act: fixedAct(catalog.ActSubmit),
		allowed: func(a catalog.ItemActions, _ *catalog.Item) bool { return a.Submit },
		do: func(f *matrixFix, b *browser, it *catalog.Item) resp {
			return b.post("/admin/items/"+itoa(it.ID)+"/submit", nil)
		}, done: statusBecomes(catalog.StatusSubmitted)},
	{name: "return", act: fixedAct(catalog.ActReturn),
		allowed: func(a catalog.ItemActions, _ *catalog.Item) bool { return a.Return },
		do: func(f *matrixFix, b *browser, it *catalog.Item) resp {
			return b.post("/admin/items/"+itoa(it.ID)+"/return", url.Values{"comment": {"请修改"}})
		}, done: statusBecomes(catalog.StatusReturned)},
	{name: "approve", act: fixedAct(catalog.ActApprove),
		allowed: func(a catalog.ItemActions, _ *catalog.Item) bool { return a.Approve },
		do: func(f *matrixFix, b *browser, it *catalog.Item) resp {
			return b.post("/admin/items/"+itoa(it.ID)+"/approve", nil)
		}, done: statusBecomes(catalog.StatusReviewed)},
	// POST …/publish publishes now, or republishes a withdrawn item.
	{name: "publish", act: func(it *catalog.Item) catalog.Action {
		if it.Status == catalog.StatusWithdrawn {
			return catalog.ActRepublish
		}
		return catalog.ActPublish
	},
		allowed: func(a catalog.ItemActions, it *catalog.Item) bool {
			if it.Status == catalog.StatusWithdrawn {
				return a.Republish
			}
			return a.Publish
		}, do: func(f *matrixFix, b *browser, it *catalog.Item) resp {
			return b.post("/admin/items/"+itoa(it.ID)+"/publish", nil)
		}, done: statusBecomes(catalog.StatusPublished)},
	{name: "schedule", act: fixedAct(catalog.ActSchedule),
		allowed: func(a catalog.ItemActions, _ *catalog.Item) bool { return a.Schedule },
		do: func(f *matrixFix, b *browser, it *catalog.Item) resp {
			at := time.Now().Add(96 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
			return b.post("/admin/items/"+itoa(it.ID)+"/publish", url.Values{"publish_at": {at}})
		}, done: statusBecomes(catalog.StatusScheduled)},
	{name: "withdraw", act: fixedAct(catalog.ActWithdraw),
		allowed: func(a catalog.ItemActions, _ *catalog.Item) bool { return a.Withdraw },
		do: func(f *matrixFix, b *browser, it *catalog.Item) resp {
			return b.post("/admin/items/"+itoa(it.ID)+"/withdraw", url.Values{"reason": {"矩阵测试撤回"}})
		}, done: statusBecomes(catalog.StatusWithdrawn)},
	{name: "attach", act: fixedAct(catalog.ActAttach),
		allowed: func(a catalog.ItemActions, _ *catalog.Item) bool { return a.Attach },
		do: func(f *matrixFix, b *browser, it *catalog.Item) resp {
			return b.upload("/admin/items/"+itoa(it.ID)+"/attachments", "file", "矩阵.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
		}, done: func(before, after itemState) bool { return after.Attachments == before.Attachments+1 }},
	{name: "detach", act: fixedAct(catalog.ActDetach),
		allowed: func(a catalog.ItemActions, _ *catalog.Item) bool { return a.Detach },
		do: func(f *matrixFix, b *browser, it *catalog.Item) resp {
			atts, err := f.e.cat.Attachments(f.ctx, f.e.site.ID, it.ID)
			if err != nil || len(atts) == 0 {
				f.t.Fatalf("item %d has no attachment: %v", it.ID, err)
			}
			return b.post("/admin/items/"+itoa(it.ID)+"/attachments/"+itoa(atts[0].ID)+"/delete", nil)
		}, done: func(before, after itemState) bool { return after.Attachments == before.Attachments-1 }},
}

func refusedStatus(s int) bool {
	return s == http.StatusForbidden || s == http.StatusNotFound || s == http.StatusConflict
}

func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := newMatrixFix(t, e)
		c := newAPIClient(t, e)
		// The base items: every status in two departments.
		type key struct{ dept, status string }
		base := map[key]*catalog.Item{}
		var all []*catalog.Item
		for _, d := range []string{"fzk", "pfk"} {
			for _, st := range matrixStatuses {
				it := f.build("矩阵基", d, st)
				base[key{d, st}] = it
				all = append(all, it)
			}
		}
		browsers := map[string]*browser{}
		for _, u := range demo.Users {
			browsers[u.Name] = e.browser().login(u.Name)
		}

		// Anchor cases from the text (defect #1), written out by hand.
		fzkDraft, pfkDraft := base[key{"fzk", catalog.StatusDraft}], base[key{"pfk", catalog.StatusDraft}]
		for _, a := range []struct {
			user string
			it   *catalog.Item
			see  bool
		}{
			{"pfk", fzkDraft, false}, {"reviewer", pfkDraft, false}, {"fzk", pfkDraft, false},
			{"fzk", fzkDraft, true}, {"reviewer", fzkDraft, true}, {"office", pfkDraft, true}, {"admin", fzkDraft, true},
			{"bgs", fzkDraft, false},
		} {
			b := browsers[a.user]
			for _, p := range []string{"/admin/items/" + itoa(a.it.ID), "/admin/items/" + itoa(a.it.ID) + "/edit"} {
				r := b.get(p)
				// The edit form may be refused (403/409) to a user who sees the
				// item but may not edit it; only 404 hides it.
				if a.see && (r.status == 404 || !strings.HasSuffix(p, "/edit") && r.status != 200) {
					t.Errorf("anchor: %s GET %s: %d, want it shown", a.user, p, r.status)
				}
				if !a.see && (r.status != 404 || strings.Contains(r.body, a.it.Title)) {
					t.Errorf("anchor (defect #1): %s GET %s of %s: %d, want 404 without the title", a.user, p, a.it.Title, r.status)
				}
			}
			if r := b.get("/admin/items?status=draft&q=" + url.QueryEscape("矩阵基")); strings.Contains(r.body, a.it.Title) != a.see {
				t.Errorf("anchor (defect #1): %s's draft list shows %s: %v, want %v", a.user, a.it.Title, !a.see, a.see)
			}
			if r := c.do(t, "GET", "/api/v1/items/"+itoa(a.it.ID), a.user, nil, ""); (r.status == 200) != a.see {
				t.Errorf("anchor: %s API GET %s: %d", a.user, a.it.Title, r.status)
			}
		}
		// Anchors for the workflow: editors neither approve nor publish their own; a reviewer does not publish.
		for _, a := range []struct {
			user, act string
			it        *catalog.Item
		}{
			{"fzk", "approve", base[key{"fzk", catalog.StatusSubmitted}]}, {"fzk", "publish", base[key{"fzk", catalog.StatusReviewed}]},
			{"reviewer", "publish", base[key{"fzk", catalog.StatusReviewed}]}, {"reviewer", "approve", base[key{"pfk", catalog.StatusSubmitted}]},
			{"pfk", "withdraw", base[key{"pfk", catalog.StatusPublished}]},
		} {
			if r := browsers[a.user].post("/admin/items/"+itoa(a.it.ID)+"/"+a.act, url.Values{"comment": {"x"}, "reason": {"x"}}); !refusedStatus(r.status) {
				t.Errorf("anchor: %s %s %s: %d, want refused", a.user, a.act, a.it.Title, r.status)
			}
		}

		// Views, generated: detail, edit page, the API detail, the lists.
		anon := e.browser()
		for _, it := range all {
			want := catalog.CanView(nil, it)
			if r := c.do(t, "GET", "/api/v1/items/"+itoa(it.ID), "", nil, ""); (r.status == 200) != want || (r.status != 200 && r.status != hiddenStatus(it)) {
				t.Errorf("anonymous API GET %s: %d, CanView %v", it.Title, r.status, want)
			}
			if r := anon.get("/items/" + itoa(it.ID)); (r.status == 200) != want {
				t.Errorf("anonymous GET /items/%d (%s): %d, CanView %v", it.ID, it.Title, r.status, want)
			}
		}
		for _, u := range demo.Users {
			du, b := f.users[u.Name], browsers[u.Name]
			for _, it := range all {
				want := catalog.CanView(du, it)
				if r := b.get("/admin/items/" + itoa(it.ID)); want && r.status != 200 || !want && (r.status != 404 || strings.Contains(r.body, it.Title)) {
					t.Errorf("%s GET /admin/items/%d (%s): %d, CanView %v", u.Name, it.ID, it.Title, r.status, want)
				}
				// The edit form only where saving may succeed (Edit or Revise).
				acts := catalog.Actions(du, it)
				r := b.get("/admin/items/" + itoa(it.ID) + "/edit")
				switch {
				case !want:
					if r.status != 404 || strings.Contains(r.body, it.Title) {
						t.Errorf("%s GET edit of %s: %d, want 404", u.Name, it.Title, r.status)
					}
				case acts.Edit || acts.Revise:
					if r.status != 200 {
						t.Errorf("%s GET edit of %s: %d, want 200 (Edit %v, Revise %v)", u.Name, it.Title, r.status, acts.Edit, acts.Revise)
					}
				default:
					if r.status != 403 && r.status != 409 {
						t.Errorf("%s GET edit of %s (%s): %d, want 403 or 409: the form cannot be saved", u.Name, it.Title, it.Status, r.status)
					}
				}
				if r := c.do(t, "GET", "/api/v1/items/"+itoa(it.ID), u.Name, nil, ""); want && r.status != 200 || !want && r.status != hiddenStatus(it) {
					t.Errorf("%s API GET %s: %d, CanView %v", u.Name, it.Title, r.status, want)
				}
			}
			q := "&q=" + url.QueryEscape("矩阵基")
			apiList := c.do(t, "GET", "/api/v1/items?status=*&limit=100"+q, u.Name, nil, "").body
			allList := b.get("/admin/items?" + q[1:]).body
			for _, st := range matrixStatuses {
				list := b.get("/admin/items?status=" + st + q).body
				apiStatus := c.do(t, "GET", "/api/v1/items?limit=100&status="+st+q, u.Name, nil, "").body
				for _, it := range all {
					want := catalog.CanView(du, it) && it.Status == st
					if strings.Contains(list, it.Title) != want {
						t.Errorf("%s /admin/items?status=%s lists %s: %v, want %v", u.Name, st, it.Title, !want, want)
					}
					if strings.Contains(apiStatus, it.Title) != want {
						t.Errorf("%s API ?status=%s lists %s: %v, want %v", u.Name, st, it.Title, !want, want)
					}
				}
			}
			for _, it := range all {
				want := catalog.CanView(du, it)
				if strings.Contains(apiList, it.Title) != want {
					t.Errorf("%s API ?status=* lists %s: %v, want %v", u.Name, it.Title, !want, want)
				}
				if strings.Contains(allList, it.Title) != want {
					t.Errorf("%s /admin/items lists %s: %v, want %v", u.Name, it.Title, !want, want)
				}
			}
		}

		// Actions, generated. An allowed action runs on a fresh item (it
		// changes it); a refused one on the base item, which must not change.
		allowedN, refusedN := 0, 0
		for _, u := range demo.Users {
			du, b := f.users[u.Name], browsers[u.Name]
			for _, d := range []string{"fzk", "pfk"} {
				for _, st := range matrixStatuses {
					for _, act := range matrixActions {
						it := base[key{d, st}]
						allowed := act.allowed(catalog.Actions(du, it), it)
						if allowed {
							it = f.build("矩阵新", d, st)
						}
						before := f.state(it.ID)
						r := act.do(f, b, it)
						after := f.state(it.ID)
						what := fmt.Sprintf("%s %s on %s's %s item", u.Name, act.name, d, st)
						if allowed {
							allowedN++
							if (r.status != http.StatusSeeOther && r.status/100 != 2) || !act.done(before, after) {
								t.Errorf("%s: allowed by the domain, answered %d, state %+v → %+v", what, r.status, before, after)
							}
							continue
						}
						refusedN++
						// The status says why: 404 for an item the user may not
						// see, else the domain's code (403 who, 409 the status).
						want := http.StatusNotFound
						if catalog.CanView(du, it) {
							want = web.StatusOf(catalog.Allow(du, it, act.act(it)))
						}
						if r.status != want {
							t.Errorf("%s: answered %d, the domain says %d (%v)", what, r.status, want, catalog.Allow(du, it, act.act(it)))
						}
						if !refusedStatus(r.status) || after != before {
							t.Errorf("%s: refused by the domain, answered %d, state %+v → %+v", what, r.status, before, after)
							base[key{d, st}] = f.build("矩阵基", d, st)
						}
						if !catalog.CanView(du, it) && strings.Contains(r.body, it.Title) {
							t.Errorf("%s: the refusal shows the title of an item the user may not see", what)
						}
					}
				}
			}
		}
		t.Logf("%d allowed and %d refused back-office actions", allowedN, refusedN)
		if allowedN < 50 || refusedN < 200 {
			t.Errorf("only %d allowed and %d refused actions tried", allowedN, refusedN)
		}

		// API creates: in one's own and another department, as a draft or published.
		for _, u := range demo.Users {
			du := f.users[u.Name]
			for _, d := range []string{"fzk", "pfk"} {
				for _, publish := range []bool{false, true} {
					title := fmt.Sprintf("矩阵接口-%s-%s-%v", u.Name, d, publish)
					allowed := du.Role != auth.Reviewer && du.CanEditDepartment(f.depts[d]) && (!publish || du.CanPublish())
					before := e.countItems(t)
					body := apiJSON(map[string]any{"column_id": f.column, "doc_type": "general", "department": d, "title": title,
						"disclosure": "proactive", "body": "<p>接口</p>", "publish": publish})
					r := c.do(t, "POST", "/api/v1/items", u.Name, nil, body)
					after := e.countItems(t)
					if allowed {
						want := catalog.StatusDraft
						if publish {
							want = catalog.StatusPublished
						}
						if r.status != 201 || after != before+1 || r.item(t).Status != want {
							t.Errorf("API create %s: allowed, answered %d, items %d → %d: %s", title, r.status, before, after, clipBody(r.body))
						}
					} else if r.status != 403 || after != before {
						t.Errorf("API create %s: refused, answered %d, items %d → %d", title, r.status, before, after)
					}
				}
			}
		}
	})
}

// hiddenStatus is the API's answer for an item the caller may not see:
// 410 for a withdrawn one (it existed and was taken down), else 404.
func hiddenStatus(it *catalog.Item) int {
	if it.Status == catalog.StatusWithdrawn {
		return http.StatusGone
	}
	return http.StatusNotFound
}
