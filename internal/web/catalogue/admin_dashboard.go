package catalogue

import (
	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/compliance"
	"gongkai/internal/store"
	"gongkai/internal/web"
	"net/http"
	"strconv"
)

// dashboardFindings is how many findings the workbench lists (the rest are
// on the self-inspection page).
const dashboardFindings = 30

func (s *Feature) dashboard(w http.ResponseWriter, r *http.Request) {
	p := &dashboardPage{AdminPage: s.AdminPage(r, "工作台")}
	u := p.User
	f := catalog.Filter{SiteID: p.Site.ID, Limit: 1}
	if u.Role == auth.Editor || (u.Role == auth.Reviewer && u.DepartmentID != 0) {
		f.DepartmentID = u.DepartmentID
	}
	counts, err := s.Catalog.StatusCounts(r.Context(), p.Site.ID, f.DepartmentID)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Counts = map[string]int{}
	for _, st := range statusOrder {
		p.Counts[st] = counts[st]
	}
	// What waits for this user: an editor's department's drafts and
	// returned items, a reviewer's submitted ones, and for the office the
	// submitted and reviewed ones to publish.
	f.Limit = 20
	var queues []string
	switch {
	case u.Role == auth.Editor:
		queues = []string{catalog.StatusReturned, catalog.StatusDraft}
	case u.Role == auth.Reviewer:
		queues = []string{catalog.StatusSubmitted}
	default:
		queues = []string{catalog.StatusSubmitted, catalog.StatusReviewed}
	}
	for _, st := range queues {
		f.Status = st
		res, err := s.Catalog.List(r.Context(), f, false)
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		p.Items = append(p.Items, res.Items...)
	}
	// Proposed changes to published items (issue 15): a reviewer's to
	// review, the office's to publish, an editor's returned ones.
	var pq []string
	var pdept int64
	switch {
	case u.Role == auth.Editor:
		pq, pdept = []string{catalog.ProposalReturned}, u.DepartmentID
	case u.Role == auth.Reviewer:
		pq, pdept = []string{catalog.ProposalSubmitted}, u.DepartmentID
	case u.CanPublish():
		pq = []string{catalog.ProposalSubmitted, catalog.ProposalApproved}
	}
	if len(pq) > 0 {
		var err error
		if p.Proposals, err = s.Catalog.ProposalQueue(r.Context(), p.Site.ID, pdept, pq, 20); err != nil {
			s.AdminError(w, r, err)
			return
		}
	}
	p.ProposalLabels = catalog.ProposalLabels
	// The self-inspection's findings that are this person's (issue 15):
	// their department's, or the whole site's for the office.
	if s.Compliance != nil {
		ctx := r.Context()
		st, refreshing, err := s.Compliance.Ensure(ctx, p.Site.ID, s.Today(), s.Writes(p.Site.ID))
		if err != nil {
			s.AdminError(w, r, err)
			return
		}
		p.FindingsRefreshing, p.Levels = refreshing, compliance.LevelLabels
		if st != nil {
			f := compliance.FindingFilter{SiteID: p.Site.ID, Limit: dashboardFindings}
			if !u.CanPublish() {
				f.ByDepartment, f.Department = true, u.Department
			}
			if p.Findings, p.FindingsTotal, err = s.Compliance.Findings(ctx, f); err != nil {
				s.AdminError(w, r, err)
				return
			}
			p.RanAt = st.RanAt
			if st.Stale {
				p.FindingsNext = store.FormatTime(st.Next)
			}
			// The earliest-due finding of each listed item (its 期限 column).
			p.Due = map[string]compliance.Finding{}
			f = compliance.FindingFilter{SiteID: p.Site.ID, ByDepartment: f.ByDepartment, Department: f.Department}
			for _, it := range p.Items {
				f.Links = append(f.Links, "/admin/items/"+strconv.FormatInt(it.ID, 10))
			}
			if len(f.Links) > 0 {
				due, _, err := s.Compliance.Findings(ctx, f)
				if err != nil {
					s.AdminError(w, r, err)
					return
				}
				for _, x := range due {
					if old, ok := p.Due[x.Link]; !ok || (x.Due != "" && (old.Due == "" || x.Due < old.Due)) {
						p.Due[x.Link] = x
					}
				}
			}
		}
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
	if web.RedirectPastEnd(w, r, p.Pager) {
		return
	}
	s.Render(w, r, http.StatusOK, "admin/items", p)
}

var statusOrder = []string{catalog.StatusDraft, catalog.StatusReturned, catalog.StatusSubmitted, catalog.StatusReviewed, catalog.StatusScheduled,
	catalog.StatusPublished, catalog.StatusWithdrawn}
