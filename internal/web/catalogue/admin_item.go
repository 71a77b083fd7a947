package catalogue

import (
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
	"net/http"
	"strconv"
	"time"
)

type itemActions struct {
	Edit, Submit, Review, Approve, Publish, Republish, Withdraw, Files bool
}

// loadItem reads the path's item of this site; on error it has answered.
func (s *Feature) loadItem(w http.ResponseWriter, r *http.Request) *catalog.Item {
	id, err := web.PathID(r, "id")
	var it *catalog.Item
	if err == nil {
		it, err = s.Catalog.Item(r.Context(), web.SiteOf(r).Site.ID, id)
	}
	// 谁起草谁公开: an unpublished item is not there for other departments.
	if err == nil && !catalog.CanView(web.StaffOf(r).User, it) {
		err = catalog.ErrNoItem
	}
	if err != nil {
		s.AdminError(w, r, err)
		return nil
	}
	return it
}

func (s *Feature) showItem(w http.ResponseWriter, r *http.Request) {
	p := &itemAdminPage{AdminPage: s.AdminPage(r, "信息详情")}
	s.showItemWith(w, r, p, http.StatusOK)
}

func (s *Feature) showItemWith(w http.ResponseWriter, r *http.Request, p *itemAdminPage, status int) {
	it := s.loadItem(w, r)
	if it == nil {
		return
	}
	p.Item = it
	ctx := r.Context()
	var err error
	if p.Events, err = s.Catalog.Events(ctx, p.Site.ID, it.ID); err == nil {
		if p.Revisions, err = s.Catalog.Revisions(ctx, p.Site.ID, it.ID); err == nil {
			if p.Attach, err = s.Catalog.Attachments(ctx, p.Site.ID, it.ID); err == nil {
				if p.Related, err = s.Catalog.Related(ctx, it, false); err == nil {
					p.Today = s.Today()
					p.Deadlines, err = s.Deadlines.ForItem(ctx, p.Site.ID, it.ID, p.Today)
				}
			}
		}
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	// The buttons come from the domain's permission matrix, the same one
	// the workflow steps enforce.
	if it.Status == catalog.StatusPublished {
		if p.Proposal, err = s.Catalog.OpenProposal(ctx, p.Site.ID, it.ID); err != nil {
			s.AdminError(w, r, err)
			return
		}
		p.Prop = catalog.ProposalActionsOf(p.User, it, p.Proposal)
		if p.Proposal != nil {
			cur, err := s.Catalog.InputOf(ctx, it)
			if err != nil {
				s.AdminError(w, r, err)
				return
			}
			p.Changes = it.Type().Compare(&cur, &p.Proposal.Input)
			s.resolveChanges(ctx, p.Site.ID, p.Tree, p.Changes)
		}
	}
	a := catalog.Actions(p.User, it)
	p.Actions = itemActions{Edit: a.Edit || a.Revise, Submit: a.Submit, Review: a.Return, Approve: a.Approve, Publish: a.Publish, Republish: a.Republish,
		Withdraw: a.Withdraw, Files: a.Attach}
	p.Title = it.Title
	s.Render(w, r, status, "admin/item", p)
}

// itemAction runs one workflow step from the item page.
func (s *Feature) itemAction(w http.ResponseWriter, r *http.Request) {
	p := &itemAdminPage{AdminPage: s.AdminPage(r, "信息详情")}
	// An item the user may not see is not there (404), for a step as for
	// the page: a refusal would confirm it exists and whose it is.
	it := s.loadItem(w, r)
	if it == nil {
		return
	}
	id, err := it.ID, error(nil)
	ctx, u, site := r.Context(), p.User, p.Site.ID
	action := r.PathValue("action")
	done := ""
	switch action {
	case "submit":
		err, done = ignore(s.Catalog.Submit(ctx, u, site, id)), "submitted"
	case "approve":
		_, err = s.Catalog.Approve(ctx, u, site, id, r.PostFormValue("comment"))
		done = "approved"
	case "return":
		_, err = s.Catalog.Return(ctx, u, site, id, r.PostFormValue("comment"))
		done = "returned"
	case "publish":
		var at time.Time
		if v := r.PostFormValue("publish_at"); v != "" {
			at, err = time.ParseInLocation("2006-01-02T15:04", v, calendar.Beijing)
			if err != nil {
				err = &errs.Error{Code: errs.Invalid, Message: "定时发布时间格式无效", Fields: map[string]string{"publish_at": "请选择有效的日期和时间"}}
			}
		}
		if err == nil {
			var it *catalog.Item
			it, err = s.Catalog.Publish(ctx, u, site, id, at)
			done = "published"
			if err == nil && it.Status == catalog.StatusScheduled {
				done = "scheduled"
			}
		}
	case "republish":
		_, err = s.Catalog.Republish(ctx, u, site, id, r.PostFormValue("comment"))
		done = "republished"
	case "propose-approve":
		err, done = s.Catalog.ApproveProposal(ctx, u, site, id, r.PostFormValue("comment")), "proposal-approved"
	case "propose-return":
		err, done = s.Catalog.ReturnProposal(ctx, u, site, id, r.PostFormValue("comment")), "proposal-returned"
	case "propose-publish":
		err, done = ignore(s.Catalog.PublishProposal(ctx, u, site, id)), "proposal-published"
	case "withdraw":
		_, err = s.Catalog.Withdraw(ctx, u, site, id, r.PostFormValue("reason"))
		done = "withdrawn"
	default:
		err = errs.E(errs.NotFound, "未知操作")
	}
	if err != nil {
		s.LogErr(r, err)
		p.Fail(err)
		if errs.CodeOf(err) == errs.Internal {
			s.AdminError(w, r, err)
			return
		}
		// showItemWith loads the item through loadItem: an item the user may
		// not see answers 404 there, not the refusal.
		s.showItemWith(w, r, p, web.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}

func ignore(_ *catalog.Item, err error) error { return err }
