package catalogue

import (
	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/web"
	"net/http"
	"strconv"
)

func (s *Feature) dashboard(w http.ResponseWriter, r *http.Request) {
	p := &dashboardPage{AdminPage: s.AdminPage(r, "工作台")}
	u := p.User
	f := catalog.Filter{SiteID: p.Site.ID, Limit: 1}
	if u.Role == auth.Editor || (u.Role == auth.Reviewer && u.DepartmentID != 0) {
		f.DepartmentID = u.DepartmentID
	}
	p.Counts = map[string]int{}
	for _, st := range statusOrder {
		f.Status = st
		res, err := s.Catalog.List(r.Context(), f, true)
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		p.Counts[st] = res.Total
	}
	// What waits for this user.
	f.Limit = 20
	switch u.Role {
	case auth.Editor:
		f.Status = catalog.StatusReturned
	case auth.Reviewer:
		f.Status = catalog.StatusSubmitted
	default:
		f.Status = catalog.StatusSubmitted
	}
	res, err := s.Catalog.List(r.Context(), f, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Items = res.Items
	if u.CanPublish() {
		f.Status = catalog.StatusReviewed
		res, err := s.Catalog.List(r.Context(), f, false)
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		p.Items = append(p.Items, res.Items...)
	}
	p.Statuses = statusOrder
	if u.CanPublish() && s.Deadlines != nil {
		cur, err := s.Deadlines.Calendar.Current(r.Context())
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		p.CalendarWarning = cur.MissingNotice(s.Today())
	}
	s.Render(w, r, http.StatusOK, "admin/dashboard", p)
}

func (s *Feature) adminItems(w http.ResponseWriter, r *http.Request) {
	p := &itemsPage{AdminPage: s.AdminPage(r, "信息管理")}
	q := r.URL.Query()
	p.Query = q
	f := catalog.Filter{SiteID: p.Site.ID, Status: "*", Query: q.Get("q"), DocType: q.Get("type"), Limit: 30, Viewer: p.User}
	if st := q.Get("status"); st != "" {
		if _, ok := catalog.StatusLabels[st]; ok {
			f.Status = st
		}
	}
	if c := p.Tree.BySlug[q.Get("column")]; c != nil {
		f.ColumnIDs = subtree(c)
	}
	if d, err := strconv.ParseInt(q.Get("department"), 10, 64); err == nil {
		f.DepartmentID = d
	}
	page := web.PageNumber(r, 10000)
	f.Offset = (page - 1) * f.Limit
	res, err := s.Catalog.List(r.Context(), f, true)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	if p.Departments, err = s.Catalog.Departments(r.Context(), p.Site.ID); err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Items, p.Statuses, p.Types = res.Items, statusOrder, catalog.DocTypes()
	p.Pager = web.NewPager(page, res.Total, f.Limit)
	s.Render(w, r, http.StatusOK, "admin/items", p)
}

var statusOrder = []string{catalog.StatusDraft, catalog.StatusReturned, catalog.StatusSubmitted, catalog.StatusReviewed, catalog.StatusScheduled,
	catalog.StatusPublished, catalog.StatusWithdrawn}
