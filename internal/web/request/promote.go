package request

import (
	"fmt"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/request"
	"gongkai/internal/web"
)

// promotable reports whether a request's answer may become a proactive
// item: it was disclosed, fully or partly (条例第四十四条: 可以公开的政府信息 …
// 纳入主动公开的范围).
func promotable(r *request.Request) bool {
	return r.State.Result == "disclosed" || r.State.Result == "partially_disclosed"
}

// PromoteColumns are the list columns that take general information, for
// the 转主动公开 form.
func (p *detailPage) PromoteColumns() []*catalog.Column {
	var out []*catalog.Column
	if p.Tree == nil || !promotable(p.R) || !p.User.CanPublish() {
		return nil
	}
	for _, c := range p.Tree.All() {
		if c.Kind == catalog.KindList && slices.Contains(c.DocTypes, "general") {
			out = append(out, c)
		}
	}
	return out
}

// promote turns a disclosed answer into a draft proactive item in one step
// (转主动公开, 条例第四十四条) and notes it in the ledger; the item then goes
// through the usual review and publication.
func (s *Feature) promote(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadDetail(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	if !p.User.CanPublish() {
		s.AdminError(w, r, errs.E(errs.Forbidden, "只有政务公开办公室可以转为主动公开"))
		return
	}
	if !promotable(p.R) {
		s.AdminError(w, r, errs.E(errs.Invalid, "只有予以公开或部分公开的答复可以转为主动公开（条例第四十四条）"))
		return
	}
	col, _ := strconv.ParseInt(r.PostFormValue("column_id"), 10, 64)
	answer := &request.Event{}
	for i := range p.R.Events {
		if p.R.Events[i].Type == request.EvReplied {
			answer = &p.R.Events[i]
		}
	}
	title := p.R.Title
	if title == "" {
		d := []rune(p.R.Description)
		title = strings.TrimSpace(string(d[:min(60, len(d))]))
	}
	var body strings.Builder
	for _, part := range []string{answer.Reply.Answer, answer.Reply.Investigation} {
		if part != "" {
			fmt.Fprintf(&body, "<p>%s</p>", html.EscapeString(part))
		}
	}
	if body.Len() == 0 {
		body.WriteString("<p>" + html.EscapeString(p.R.Description) + "</p>")
	}
	in := catalog.Input{ColumnID: col, DocType: "general", Title: title, Body: body.String(), Disclosure: "proactive",
		DepartmentID: p.R.DepartmentID, Summary: "依申请公开后转为主动公开（申请 " + p.R.TrackingNo + "）"}
	it, err := s.Catalog.CreateItem(r.Context(), p.User, p.Site.ID, catalog.NewItem{Input: in})
	if err == nil {
		_, err = s.Requests.AddEvent(r.Context(), p.User, p.Site.ID, p.R.ID, request.Event{Type: request.EvNote, On: s.today(),
			Note: fmt.Sprintf("转主动公开：已建立信息草稿 %d（条例第四十四条）", it.ID)})
	}
	if err != nil {
		s.LogErr(r, err)
		p.Fail(err)
		s.Render(w, r, web.StatusOf(err), "admin/request", p)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/items/%d/edit", it.ID), http.StatusSeeOther)
}
