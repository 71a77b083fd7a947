package search

import (
	"net/http"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/web"
)

// analyticsWeeks is the default period of the report: the last 12 weeks.
const analyticsWeeks = 12

// analytics serves GET /admin/search/analytics?from=&to=: top queries,
// queries with no results and queries whose results nobody opened, by
// ISO week (the default period ends today, the site's day).
func (s *Feature) analytics(w http.ResponseWriter, r *http.Request) {
	p := &analyticsPage{AdminPage: s.AdminPage(r, "检索统计")}
	q := r.URL.Query()
	p.From, p.To = strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	today := s.Today()
	if p.To == "" {
		p.To = today.String()
	}
	if p.From == "" {
		t := time.Date(today.Year, time.Month(today.Month), today.Day, 0, 0, 0, 0, calendar.Beijing)
		p.From = t.AddDate(0, 0, -7*analyticsWeeks+1).Format(time.DateOnly)
	}
	rep, err := s.Search.Analytics(r.Context(), p.Site.ID, p.From, p.To)
	if err != nil {
		p.Fail(err)
		s.Render(w, r, web.StatusOf(err), "admin/search_analytics", p)
		return
	}
	p.Report = rep
	s.Render(w, r, http.StatusOK, "admin/search_analytics", p)
}
