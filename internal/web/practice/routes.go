// Package practice serves 经验报送 (internal/practice): the back office where
// departments submit good practice and the office rates, selects, forwards
// upward, records use and publishes a selected one as a 工作动态 item; the
// public yearly statistics (counts only) with CSV and XLSX exports; and
// /api/v1/practice. The published items are ordinary catalogue items,
// public through the catalogue.
package practice

import (
	"embed"
	"net/http"
	"strconv"

	"gongkai/internal/blob"
	"gongkai/internal/errs"
	"gongkai/internal/practice"
	"gongkai/internal/web"
)

//go:embed templates
var assets embed.FS

//go:embed openapi.json
var openapi []byte

// Feature serves good-practice submissions.
type Feature struct {
	*web.Server
	Practice *practice.Service
	Blobs    *blob.Store
}

// Mount registers the templates, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/practice", assets); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	kit.Public("GET /practice/stats", s.publicStats)
	kit.Public("GET /practice/stats.csv", s.statsCSV)
	kit.Public("GET /practice/stats.xlsx", s.statsXLSX)

	kit.Flashes(map[string]string{"practice_submitted": "经验材料已报送。", "practice_reviewed": "审核结果已保存。", "practice_forwarded": "报送上级情况已记录。",
		"practice_used": "采用情况已保存。", "practice_published": "已发布为工作动态。", "practice_attached": "附件已上传。", "practice_edited": "修改已保存。"})
	kit.Staff("GET /admin/practice", s.adminIndex)
	kit.Staff("POST /admin/practice", s.adminSubmit)
	kit.Staff("GET /admin/practice/{id}", s.adminShow)
	kit.Staff("POST /admin/practice/{id}/edit", s.adminEdit)
	kit.Staff("POST /admin/practice/{id}/review", s.adminReview)
	kit.Staff("POST /admin/practice/{id}/forwards", s.adminForward)
	kit.Staff("POST /admin/practice/{id}/forwards/{fid}/used", s.adminUsed)
	kit.Staff("POST /admin/practice/{id}/publish", s.adminPublish)
	kit.Staff("POST /admin/practice/{id}/files", s.adminUpload)
	kit.Staff("GET /admin/practice/files/{id}", s.adminFile)

	kit.API("GET /api/v1/practice/submissions", s.apiList)
	kit.API("POST /api/v1/practice/submissions", s.apiSubmit)
	kit.API("GET /api/v1/practice/submissions/{id}", s.apiGet)
	kit.API("PUT /api/v1/practice/submissions/{id}", s.apiEdit)
	kit.API("POST /api/v1/practice/submissions/{id}/review", s.apiReview)
	kit.API("POST /api/v1/practice/submissions/{id}/forwards", s.apiForward)
	kit.API("PUT /api/v1/practice/forwards/{id}", s.apiUsed)
	kit.API("POST /api/v1/practice/submissions/{id}/publish", s.apiPublish)
	kit.API("GET /api/v1/practice/stats", s.apiStats)
	return nil
}

var errNoService = errs.E(errs.Internal, "经验报送服务暂时不可用")

func (s *Feature) ready() error {
	if s.Practice == nil {
		return errNoService
	}
	return nil
}

// yearOf reads ?year= (default: this year).
func (s *Feature) yearOf(r *http.Request) (int, error) {
	y := r.URL.Query().Get("year")
	if y == "" {
		return s.Today().Year, nil
	}
	n, err := strconv.Atoi(y)
	if err != nil || n < 2000 || n > 2100 {
		return 0, &errs.Error{Code: errs.Invalid, Message: "year 应为年份（如 2025）", Fields: map[string]string{"year": "应为 2000 到 2100 之间的年份"}}
	}
	return n, nil
}
