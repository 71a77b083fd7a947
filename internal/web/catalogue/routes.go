// Package catalogue serves the disclosure catalogue on every surface: on
// the public site the home page, columns, items and their revisions,
// attachments, the 信息公开指南 and 目录, feeds and the sitemap; in
// the back office the workbench, the item list, the item form, workflow
// steps and attachments; in the API the site, columns, document types and
// items.
package catalogue

import (
	"embed"

	"gongkai/internal/blob"
	"gongkai/internal/catalog"
	"gongkai/internal/compliance"
	"gongkai/internal/deadline"
	"gongkai/internal/search"
	"gongkai/internal/web"
)

//go:embed templates static
var templates embed.FS

//go:embed openapi.json
var openapi []byte

// Feature serves the catalogue.
type Feature struct {
	*web.Server
	Catalog   *catalog.Service
	Blobs     *blob.Store
	Deadlines *deadline.Service
	// Searcher gives item pages their related records (相关信息); nil
	// leaves them out.
	Searcher *search.Service
	// Compliance gives the workbench each person's findings; nil leaves
	// them out.
	Compliance *compliance.Service
}

// Mount registers the templates, messages, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/catalogue", templates); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	// The query parameters public pages read: list filters and every
	// declared filter field of every document type (facets).
	kit.CacheParams("page", "year", "publisher", "validity", "column", "doc_type")
	for _, t := range catalog.DocTypes() {
		kit.CacheParams(t.Filters...)
	}
	kit.Flashes(map[string]string{"created": "已保存为草稿。", "saved": "已保存。", "submitted": "已提交审核。", "returned": "已退回起草科室。",
		"approved": "已审核通过，等待发布。", "published": "已发布。", "scheduled": "已设置定时发布。", "withdrawn": "已撤回。",
		"attached": "附件已上传。", "detached": "附件已删除。", "republished": "已恢复公开，索引号不变。",
		"proposed": "修改已提交审核；审核通过并发布前，网站上仍显示当前版本。", "proposal-approved": "修改已审核通过，等待发布。",
		"proposal-returned": "修改已退回起草科室。", "proposal-published": "修改已发布，生成了新的历史版本。"})

	kit.Public("GET /{$}", s.home)
	kit.Public("GET /columns/{slug}", s.column)
	kit.Public("GET /columns/{slug}/feed.xml", s.feed)
	kit.Public("GET /items/{id}", s.item)
	kit.Public("GET /items/{id}/revisions/{rev}", s.itemRevision)
	kit.Public("GET /items/{id}/captions.vtt", s.captions)
	kit.Public("GET /items/{id}/data.csv", s.dataCSV)
	kit.Public("GET /attachments/{id}", s.attachment)
	kit.Public("GET /xxgk/guide", s.guide)
	kit.Public("GET /xxgk/guide/form", s.guideForm)
	kit.Public("GET /xxgk/catalogue", s.catalogue)
	kit.Public("GET /sitemap", s.staticPage("sitemap", "网站地图"))
	kit.Public("GET /contact", s.contact)
	kit.Public("GET /privacy", s.staticPage("privacy", "隐私声明"))
	kit.Public("GET /help", s.staticPage("help", "使用帮助"))
	kit.Public("GET /sitemap.xml", s.sitemapXML)
	kit.Public("GET /sitemaps/{file}", s.sitemapFile)
	kit.Public("GET /robots.txt", s.robots)

	kit.Staff("GET /admin", s.dashboard)
	kit.Staff("GET /admin/items", s.adminItems)
	kit.Staff("GET /admin/items/new", s.newItem)
	kit.Staff("GET /admin/items/lookup", s.lookupItems)
	kit.Staff("POST /admin/items", s.createItem)
	kit.Staff("GET /admin/items/{id}", s.showItem)
	kit.Staff("GET /admin/items/{id}/edit", s.editItem)
	kit.Staff("GET /admin/items/{id}/propose", s.proposeItem)
	kit.Staff("POST /admin/items/{id}/propose", s.saveProposal)
	kit.Staff("POST /admin/items/{id}", s.updateItem)
	kit.Staff("POST /admin/items/{id}/{action}", s.itemAction)
	kit.Staff("POST /admin/items/{id}/attachments", s.uploadAttachment)
	kit.Staff("POST /admin/items/{id}/data", s.importData)
	kit.Staff("POST /admin/items/{id}/attachments/{aid}/delete", s.deleteAttachment)

	kit.API("GET /api/v1/site", s.apiSite)
	kit.API("GET /api/v1/columns", s.apiColumns)
	kit.API("GET /api/v1/doc-types", s.apiDocTypes)
	kit.API("GET /api/v1/items", s.apiItems)
	kit.API("GET /api/v1/items/{id}", s.apiItem)
	kit.API("POST /api/v1/items", s.apiCreateItem)
	return nil
}
