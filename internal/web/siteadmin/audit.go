package siteadmin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/web"
)

// auditPage shows the audit log, filtered, with the chain's verification.
type auditPage struct {
	web.AdminPage
	Query    url.Values
	Audit    []auth.AuditRecord
	AuditBad int64
}

func (s *Feature) adminAudit(w http.ResponseWriter, r *http.Request) {
	p := &auditPage{AdminPage: s.AdminPage(r, "审计日志")}
	q := r.URL.Query()
	p.Query = q
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	var err error
	p.Audit, err = s.Auth.AuditLog(r.Context(), auth.AuditFilter{SiteID: p.Site.ID, Actor: strings.TrimSpace(q.Get("actor")),
		Action: strings.TrimSpace(q.Get("action")), Target: strings.TrimSpace(q.Get("target")), Before: before, Limit: 100})
	if err == nil {
		p.AuditBad, err = s.Auth.VerifyAudit(r.Context())
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/audit", p)
}
