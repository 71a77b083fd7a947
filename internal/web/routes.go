package web

import "net/http"

// routes registers every route of the three surfaces.
func (s *Server) routes(mux *http.ServeMux) {
	// Public site.
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /columns/{slug}", s.column)
	mux.HandleFunc("GET /columns/{slug}/feed.xml", s.feed)
	mux.HandleFunc("GET /items/{id}", s.item)
	mux.HandleFunc("GET /items/{id}/revisions/{rev}", s.itemRevision)
	mux.HandleFunc("GET /attachments/{id}", s.attachment)
	mux.HandleFunc("GET /xxgk/guide", s.guide)
	mux.HandleFunc("GET /xxgk/catalogue", s.catalogue)
	mux.HandleFunc("GET /search", s.search)
	mux.HandleFunc("GET /a11y", s.a11yForm)  // 无障碍浏览 and 长辈版 settings (prefs.go)
	mux.HandleFunc("POST /a11y", s.a11ySave) // the settings form and the toolbar's buttons
	mux.HandleFunc("GET /sitemap", s.staticPage("sitemap", "网站地图"))
	mux.HandleFunc("GET /contact", s.staticPage("contact", "联系我们"))
	mux.HandleFunc("GET /privacy", s.staticPage("privacy", "隐私声明"))
	mux.HandleFunc("GET /help", s.staticPage("help", "使用帮助"))
	mux.HandleFunc("GET /sitemap.xml", s.sitemapXML)
	mux.HandleFunc("GET /robots.txt", s.robots)
	mux.HandleFunc("GET /static/{file}", s.serveStatic)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("/", s.home) // anything else: the not-found page

	// Back office.
	mux.HandleFunc("GET /admin/login", s.loginForm)
	mux.HandleFunc("POST /admin/login", s.login)
	mux.HandleFunc("POST /admin/logout", s.withStaff(s.logout))
	mux.HandleFunc("GET /admin", s.withStaff(s.dashboard))
	mux.HandleFunc("GET /admin/items", s.withStaff(s.adminItems))
	mux.HandleFunc("GET /admin/items/new", s.withStaff(s.newItem))
	mux.HandleFunc("POST /admin/items", s.withStaff(s.createItem))
	mux.HandleFunc("GET /admin/items/{id}", s.withStaff(s.showItem))
	mux.HandleFunc("GET /admin/items/{id}/edit", s.withStaff(s.editItem))
	mux.HandleFunc("POST /admin/items/{id}", s.withStaff(s.updateItem))
	mux.HandleFunc("POST /admin/items/{id}/{action}", s.withStaff(s.itemAction))
	mux.HandleFunc("POST /admin/items/{id}/attachments", s.withStaff(s.uploadAttachment))
	mux.HandleFunc("POST /admin/items/{id}/attachments/{aid}/delete", s.withStaff(s.deleteAttachment))
	mux.HandleFunc("GET /admin/columns", s.requireAdmin(s.adminColumns))
	mux.HandleFunc("GET /admin/columns/new", s.requireAdmin(s.columnForm))
	mux.HandleFunc("POST /admin/columns", s.requireAdmin(s.saveColumn))
	mux.HandleFunc("GET /admin/columns/{id}", s.requireAdmin(s.columnForm))
	mux.HandleFunc("POST /admin/columns/{id}", s.requireAdmin(s.saveColumn))
	mux.HandleFunc("POST /admin/columns/{id}/delete", s.requireAdmin(s.deleteColumn))
	mux.HandleFunc("GET /admin/settings", s.requireAdmin(s.settingsForm))
	mux.HandleFunc("POST /admin/settings", s.requireAdmin(s.saveSettings))
	mux.HandleFunc("GET /admin/departments", s.requireAdmin(s.adminDepartments))
	mux.HandleFunc("POST /admin/departments", s.requireAdmin(s.createDepartment))
	mux.HandleFunc("GET /admin/users", s.requireAdmin(s.adminUsers))
	mux.HandleFunc("POST /admin/users", s.requireAdmin(s.createUser))
	mux.HandleFunc("POST /admin/users/{id}/{action}", s.requireAdmin(s.userAction))
	mux.HandleFunc("GET /admin/audit", s.requireAdmin(s.adminAudit))
	mux.HandleFunc("GET /admin/compliance", s.withStaff(s.complianceDashboard))
	mux.HandleFunc("POST /admin/compliance/run", s.withStaff(s.runCompliance))
	mux.HandleFunc("POST /admin/deadlines/recompute", s.withStaff(s.recompute))
	mux.HandleFunc("GET /admin/calendar", s.withStaff(s.calendarAdmin))
	mux.HandleFunc("POST /admin/calendar", s.requireAdmin(s.importCalendar))

	// JSON API.
	mux.HandleFunc("GET /api/v1/openapi.json", s.withAPI(s.openapi))
	mux.HandleFunc("GET /api/v1/site", s.withAPI(s.apiSite))
	mux.HandleFunc("GET /api/v1/columns", s.withAPI(s.apiColumns))
	mux.HandleFunc("GET /api/v1/doc-types", s.withAPI(s.apiDocTypes))
	mux.HandleFunc("GET /api/v1/items", s.withAPI(s.apiItems))
	mux.HandleFunc("GET /api/v1/items/{id}", s.withAPI(s.apiItem))
	mux.HandleFunc("POST /api/v1/items", s.withAPI(s.apiCreateItem))
	mux.HandleFunc("GET /api/v1/workdays/{op}", s.withAPI(s.apiWorkdays))
	mux.HandleFunc("/api/", s.apiNotFound)
}
