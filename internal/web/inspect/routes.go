// Package inspect serves 双随机、一公开 (internal/inspect): the public pages
// of the yearly plans and of each draw (its inputs, hashes, commitment,
// result, results and how to recompute it), the verification file and the
// script that recomputes a draw from it, and /api/v1/inspect for plans,
// draws, results and settings. The three registries are list kinds served
// by internal/web/lists.
package inspect

import (
	"embed"
	"gongkai/internal/lists"
	"net/http"

	"gongkai/internal/errs"
	"gongkai/internal/inspect"
	"gongkai/internal/web"
)

//go:embed templates
var assets embed.FS

//go:embed openapi.json
var openapi []byte

// Script is scripts/verify-draw (a link to this file): served at
// /inspect/verify-draw.py so anyone can download it from the site itself.
//
//go:embed verify-draw.py
var Script []byte

// Feature serves random inspections.
type Feature struct {
	*web.Server
	Inspect *inspect.Service
}

// Mount registers the templates, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/inspect", assets); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	kit.Public("GET /inspect", s.index)
	kit.Public("GET /inspect/feed.xml", s.feed)
	kit.Public("GET /inspect/plans/{id}", s.planPage)
	kit.Public("GET /inspect/draws/{id}", s.drawPage)
	kit.Public("GET /inspect/draws/{id}/verification.json", s.verificationFile)
	kit.Public("GET /inspect/verify-draw.py", s.script)

	kit.Flashes(map[string]string{"inspect_plan_created": "抽查计划已保存。", "inspect_plan_updated": "抽查计划已修改。", "inspect_plan_withdrawn": "抽查计划已撤回。", "inspect_settings_saved": "双随机设置已保存。",
		"inspect_announced": "抽取已公告：输入和随机数承诺已公开。", "inspect_drawn": "抽取已完成，结果已公开。", "inspect_result_saved": "检查结果已公示。"})
	kit.Staff("GET /admin/inspect", s.adminIndex)
	kit.Staff("POST /admin/inspect/plans", s.adminCreatePlan)
	kit.Staff("POST /admin/inspect/settings", s.adminSaveSettings)
	kit.Staff("GET /admin/inspect/plans/{id}", s.adminPlan)
	kit.Staff("POST /admin/inspect/plans/{id}", s.adminUpdatePlan)
	kit.Staff("POST /admin/inspect/plans/{id}/withdraw", s.adminWithdrawPlan)
	kit.Staff("POST /admin/inspect/plans/{id}/draws", s.adminAnnounce)
	kit.Staff("GET /admin/inspect/draws/{id}", s.adminDraw)
	kit.Staff("POST /admin/inspect/draws/{id}/perform", s.adminPerform)
	kit.Staff("POST /admin/inspect/draws/{id}/results", s.adminRecordResult)

	kit.API("GET /api/v1/inspect/settings", s.apiSettings)
	kit.API("PUT /api/v1/inspect/settings", s.apiSaveSettings)
	kit.API("GET /api/v1/inspect/plans", s.apiPlans)
	kit.API("POST /api/v1/inspect/plans", s.apiCreatePlan)
	kit.API("GET /api/v1/inspect/plans/{id}", s.apiPlan)
	kit.API("PUT /api/v1/inspect/plans/{id}", s.apiUpdatePlan)
	kit.API("POST /api/v1/inspect/plans/{id}/withdraw", s.apiWithdrawPlan)
	kit.API("POST /api/v1/inspect/plans/{id}/draws", s.apiAnnounce)
	kit.API("GET /api/v1/inspect/draws/{id}", s.apiDraw)
	kit.API("POST /api/v1/inspect/draws/{id}/perform", s.apiPerform)
	kit.API("GET /api/v1/inspect/draws/{id}/verification", s.apiVerification)
	kit.API("POST /api/v1/inspect/draws/{id}/results", s.apiRecordResult)
	return nil
}

var errNoService = errs.E(errs.Internal, "双随机服务暂时不可用")

func (s *Feature) ready() error {
	if s.Inspect == nil {
		return errNoService
	}
	return nil
}

func (s *Feature) script(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/x-python; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="verify-draw.py"`)
	w.Write(Script)
}

// The plans, draws and results belong to the column of the 双随机 lists.
func init() {
	web.RegisterColumnPages(func() []web.ColumnPage {
		return []web.ColumnPage{{Column: lists.InspectItems.Column, Name: "抽查计划、抽取和检查结果", Path: "/inspect", Desc: "每次抽取的输入、哈希和核验方法公开，任何人可以复算"}}
	})
}
