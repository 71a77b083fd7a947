// Package interact serves the messages of 政民互动 (留言, issue 11) on every
// surface: the public form (no JavaScript needed, CAPTCHA and rate limits),
// the status page with rating, the answered messages with filters, their
// pages, the statistics (tables and server-rendered SVG charts) and the FAQ;
// the back-office desk (routing, transfer, drafts reviewed before
// publication, invalid marking, overdue alerts, reply periods, FAQ); and
// /api/v1/messages. The rules are internal/interact's.
package interact

import (
	"embed"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/interact"
	srch "gongkai/internal/search"
	"gongkai/internal/web"
)

//go:embed templates static
var assets embed.FS

//go:embed openapi.json
var openapi []byte

// Feature serves the messages.
type Feature struct {
	*web.Server
	Catalog  *catalog.Service
	Messages *interact.Service
	// Search suggests answered messages and FAQ entries while the writer
	// types (and on the no-JS preview).
	Search *srch.Service
}

func (s *Feature) today() calendar.Date { return s.Server.Today() }

// The names of the public forms for the CAPTCHA and the rate limits.
const (
	formMessage = "message"
	formStatus  = "message-status"
)

// Mount registers the templates, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/interact", assets); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	kit.Public("GET /messages", s.list)
	kit.Public("GET /messages/new", s.form)
	kit.Public("POST /messages/new", s.submit)
	kit.Public("GET /messages/suggest", s.suggestJSON)
	kit.Public("GET /messages/status", s.statusForm)
	kit.Public("POST /messages/status", s.status)
	kit.Public("POST /messages/rate", s.rate)
	kit.Public("GET /messages/stats", s.stats)
	kit.Public("GET /messages/faq", s.faq)
	kit.Public("GET /messages/{id}", s.detail)
	kit.Flashes(map[string]string{"message_step": "办理步骤已登记。", "message_periods": "答复期限已保存。", "message_faq": "常见问题已保存。"})
	kit.Staff("GET /admin/messages", s.desk)
	kit.Staff("GET /admin/messages/{id}", s.deskMessage)
	kit.Staff("POST /admin/messages/{id}/events", s.deskEvent)
	kit.Admin("GET /admin/messages/settings", s.settings)
	kit.Admin("POST /admin/messages/settings", s.saveSettings)
	kit.Staff("GET /admin/messages/faq", s.deskFAQ)
	kit.Staff("POST /admin/messages/faq", s.saveFAQ)

	kit.API("POST /api/v1/messages", s.apiCreate)
	kit.API("GET /api/v1/messages", s.apiList)
	kit.API("GET /api/v1/messages/stats", s.apiStats)
	kit.API("GET /api/v1/messages/status/{tracking_no}", s.apiStatus)
	kit.API("POST /api/v1/messages/{id}/answer", s.apiAnswer)
	return nil
}
