// Package request serves disclosure on request (依申请公开) on every surface:
// the public application form and status page, the request desk in the back
// office, and /api/v1/requests. The rules are internal/request's.
package request

import (
	"embed"

	"gongkai/internal/blob"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/letter"
	"gongkai/internal/request"
	srch "gongkai/internal/search"
	"gongkai/internal/web"
)

//go:embed templates static
var assets embed.FS

//go:embed openapi.json
var openapi []byte

// Feature serves disclosure on request.
type Feature struct {
	*web.Server
	Catalog  *catalog.Service
	Requests *request.Service
	// Search suggests published items while the applicant describes what
	// they want; Blobs keeps the ID copies.
	Search *srch.Service
	Blobs  *blob.Store
}

// today is the day deadlines are computed for (the kit's, which tests set).
func (s *Feature) today() calendar.Date { return s.Server.Today() }

// Mount registers the templates, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/request", assets); err != nil {
		return err
	}
	// letter.css, the stylesheet of the letter fragment the pages embed.
	if err := kit.Templates("internal/letter", letter.Assets); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	kit.Public("GET /request", s.form)
	kit.Public("POST /request", s.submit)
	kit.Public("GET /request/suggest", s.suggestJSON)
	kit.Public("GET /request/status", s.statusForm)
	kit.Public("POST /request/status", s.status)
	kit.Public("POST /request/status/file", s.statusFile)
	kit.Public("POST /request/status/letter", s.statusLetter)
	kit.Flashes(map[string]string{"request_step": "办理步骤已登记。", "request_letter_sent": "告知书已登记为审核送出，申请人可在查询页面查看和下载。"})
	kit.Staff("GET /admin/requests", s.desk)
	kit.Staff("GET /admin/requests/new", s.registerForm)
	kit.Staff("POST /admin/requests", s.register)
	kit.Staff("GET /admin/requests/stats", s.stats)
	kit.Staff("GET /admin/requests/stats/cell", s.cell)
	kit.Staff("GET /admin/requests/stats.csv", s.statsCSV)
	kit.Staff("GET /admin/requests/stats.xlsx", s.statsXLSX)
	kit.Staff("GET /admin/requests/{id}", s.detail)
	kit.Staff("POST /admin/requests/{id}/events", s.addEvent)
	kit.Staff("GET /admin/requests/{id}/id-copy", s.idCopy)
	kit.Staff("GET /admin/requests/{id}/letter.pdf", s.letterPDF)
	kit.Staff("GET /admin/requests/{id}/letter", s.letterHTML)
	kit.Staff("POST /admin/requests/{id}/promote", s.promote)

	kit.API("POST /api/v1/requests", s.apiCreate)
	kit.API("GET /api/v1/requests/stats", s.apiStats)
	kit.API("GET /api/v1/requests/{tracking_no}", s.apiGet)
	kit.API("POST /api/v1/requests/{id}/events", s.apiEvent)
	return nil
}
