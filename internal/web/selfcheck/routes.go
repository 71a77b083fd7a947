// Package selfcheck is the back office's self-inspection (自查): the
// compliance dashboard and its runs, deadline recomputation, the working-day
// calendar's versions, and the workdays API.
package selfcheck

import (
	"embed"

	"gongkai/internal/calendar/calver"
	"gongkai/internal/catalog"
	"gongkai/internal/compliance"
	"gongkai/internal/deadline"
	"gongkai/internal/web"
)

//go:embed templates
var templates embed.FS

//go:embed openapi.json
var openapi []byte

// Feature serves self-inspection.
type Feature struct {
	*web.Server
	Catalog    *catalog.Service
	Calendar   *calver.Versions
	Deadlines  *deadline.Service
	Compliance *compliance.Service
}

// Mount registers the templates, messages, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/selfcheck", templates); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	kit.Flashes(map[string]string{"checked": "自查已完成并记入历史。", "checking": "自查已开始，完成后记入历史；请稍后刷新本页查看结果。", "imported": "节假日安排已导入；此前计算的期限保持原版本。",
		"recomputed": "期限已按现行节假日安排重新计算。"})
	kit.Staff("GET /admin/compliance", s.complianceDashboard)
	kit.Staff("POST /admin/compliance/run", s.runCompliance)
	kit.Staff("POST /admin/deadlines/recompute", s.recompute)
	kit.Staff("GET /admin/calendar", s.calendarAdmin)
	kit.Admin("POST /admin/calendar", s.importCalendar)
	kit.Admin("POST /admin/calendar/year", s.importYear)
	kit.API("GET /api/v1/workdays/{op}", s.apiWorkdays)
	return nil
}
