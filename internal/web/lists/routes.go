// Package lists serves the structured lists (internal/lists) on every
// surface: the public list pages with filters and facets, row pages at
// permanent URLs, editions and their differences, exports and feeds; the
// back office's import, review and publication; and /api/v1/lists. Every
// handler is generic over the kind's declaration: a new kind needs none.
package lists

import (
	"context"
	"embed"
	"encoding/json"
	"net/http"

	"gongkai/internal/blob"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
	"gongkai/internal/web"
)

//go:embed templates
var assets embed.FS

//go:embed openapi.json
var openapi []byte

// Feature serves the lists.
type Feature struct {
	*web.Server
	Lists *lists.Service
	Blobs *blob.Store // uploaded images of the kinds that declare Images
}

// Mount registers the templates, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	kit.AddPlaceBlock(s.placeBlock)
	if err := kit.Templates("internal/web/lists", assets); err != nil {
		return err
	}
	doc, err := withKinds(openapi)
	if err != nil {
		return err
	}
	if err := kit.OpenAPI(doc); err != nil {
		return err
	}
	params := []string{"edition", "q", "page", "from", "to"}
	for _, k := range lists.Kinds() {
		for _, f := range k.Facets() {
			params = append(params, f.Name)
		}
	}
	kit.CacheParams(params...)
	kit.Flashes(map[string]string{"list_imported": "文件已导入为草稿，请核对差异后发布。", "list_published": "清单新版本已发布。",
		"list_deleted": "草稿已删除。", "list_row_saved": "事项已保存到草稿。", "list_row_deleted": "事项已从草稿中删除。"})

	kit.Sitemap(s.sitemap)
	kit.Public("GET /lists", s.index)
	kit.Public("GET /lists/{kind}", s.list)
	kit.Public("GET /lists/{kind}/rows/{key}", s.row)
	kit.Public("GET /lists/{kind}/editions", s.editions)
	kit.Public("GET /lists/{kind}/editions/{id}", s.list)
	kit.Public("GET /lists/{kind}/diff", s.diffPage)
	kit.Public("GET /lists/{kind}/feed.xml", s.feed)
	kit.Public("GET /lists/{kind}/images/{key}", s.image)

	kit.Staff("GET /admin/lists", s.adminIndex)
	kit.Staff("GET /admin/lists/{kind}", s.adminKind)
	kit.Staff("POST /admin/lists/{kind}/import", s.adminImport)
	kit.Staff("GET /admin/lists/{kind}/editions/{id}", s.adminEdition)
	kit.Staff("GET /admin/lists/{kind}/images/{key}", s.adminImage)
	kit.Staff("POST /admin/lists/{kind}/editions/{id}/publish", s.adminPublish)
	kit.Staff("POST /admin/lists/{kind}/editions/{id}/delete", s.adminDelete)
	kit.Staff("POST /admin/lists/{kind}/drafts", s.adminNewDraft)
	kit.Staff("GET /admin/lists/{kind}/editions/{id}/rows/new", s.adminRowNew)
	kit.Staff("POST /admin/lists/{kind}/editions/{id}/rows", s.adminRowSave)
	kit.Staff("GET /admin/lists/{kind}/editions/{id}/rows/{key}", s.adminRowEdit)
	kit.Staff("POST /admin/lists/{kind}/editions/{id}/rows/{key}", s.adminRowSave)
	kit.Staff("POST /admin/lists/{kind}/editions/{id}/rows/{key}/delete", s.adminRowDelete)

	kit.API("GET /api/v1/lists", s.apiKinds)
	kit.API("GET /api/v1/lists/{kind}/rows", s.apiRows)
	kit.API("GET /api/v1/lists/{kind}/export", s.apiExport)
	kit.API("GET /api/v1/lists/{kind}/template", s.apiTemplate)
	kit.API("POST /api/v1/lists/{kind}/import", s.apiImport)
	kit.API("GET /api/v1/lists/{kind}/editions", s.apiEditions)
	kit.API("POST /api/v1/lists/{kind}/editions/{id}/publish", s.apiPublishEdition)
	kit.API("GET /api/v1/lists/{kind}/diff", s.apiDiff)
	return nil
}

// withKinds puts the registered kinds' codes into the {kind} parameter's
// enum, so the API document lists every kind without being edited when a
// kind is declared.
func withKinds(fragment []byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(fragment, &doc); err != nil {
		return nil, err
	}
	var codes []any
	for _, k := range lists.Kinds() {
		codes = append(codes, k.Code)
	}
	paths, _ := doc["paths"].(map[string]any)
	for _, p := range paths {
		ops, _ := p.(map[string]any)
		for _, op := range ops {
			o, _ := op.(map[string]any)
			params, _ := o["parameters"].([]any)
			for _, prm := range params {
				pm, _ := prm.(map[string]any)
				if pm["name"] == "kind" && pm["in"] == "path" {
					pm["schema"] = map[string]any{"type": "string", "enum": codes}
				}
			}
		}
	}
	return json.Marshal(doc)
}

var errNoService = errs.E(errs.Internal, "清单服务暂时不可用")

// kindOf reads the {kind} path value.
func (s *Feature) kindOf(r *http.Request) (*lists.Kind, error) {
	if s.Lists == nil {
		return nil, errNoService
	}
	k := lists.KindByCode(r.PathValue("kind"))
	if k == nil {
		return nil, errs.E(errs.NotFound, "没有这种清单：%s", r.PathValue("kind"))
	}
	return k, nil
}

// sitemap lists the lists' public pages: the index, each published list
// and every row of its current edition.
func (s *Feature) sitemap(ctx context.Context, siteID int64) ([]string, error) {
	if s.Lists == nil {
		return nil, nil
	}
	out := []string{"/lists"}
	for _, k := range lists.Kinds() {
		cur, err := s.Lists.Current(ctx, siteID, k)
		if err != nil {
			return nil, err
		}
		if cur == nil {
			continue
		}
		out = append(out, "/lists/"+k.Code)
		keys, err := s.Lists.RowKeys(ctx, cur.ID)
		if err != nil {
			return nil, err
		}
		for _, key := range keys {
			out = append(out, lists.RowURL(k.Code, key))
		}
	}
	return out, nil
}

// Each list kind is a page of the column it declares (lists.Kind.Column):
// the column's page and the navigation link to it.
func init() {
	web.RegisterColumnPages(func() []web.ColumnPage {
		var out []web.ColumnPage
		for _, k := range lists.Kinds() {
			if k.Column != "" {
				name := k.Name
				if k.Inline {
					// The column shows the rows itself and bears the
					// kind's name: the navigation says what else is here.
					name += "（全部字段和历次版本）"
				}
				out = append(out, web.ColumnPage{Column: k.Column, Name: name, Path: "/lists/" + k.Code, Desc: "现行版本，可筛选、检索、导出，可查看历次版本及其变化"})
			}
		}
		return out
	})
}
