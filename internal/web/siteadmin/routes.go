// Package siteadmin is the back office's site administration: columns,
// departments, users, API tokens, settings and the audit log. Every route is
// for site administrators, except each staff member's own tokens.
package siteadmin

import (
	"embed"

	"gongkai/internal/blob"
	"gongkai/internal/catalog"
	"gongkai/internal/web"
)

//go:embed templates
var templates embed.FS

// Feature serves site administration.
type Feature struct {
	*web.Server
	Catalog *catalog.Service
	Blobs   *blob.Store // the site's images
}

// Mount registers the templates, messages and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/siteadmin", templates); err != nil {
		return err
	}
	kit.Flashes(map[string]string{"saved": "已保存。", "user": "用户已保存。", "password": "密码已重置，该用户需重新登录。",
		"department": "科室已添加。", "column": "栏目已保存。", "deleted": "已删除。", "token_revoked": "令牌已撤销，使用它的请求将被拒绝。"})
	kit.Admin("GET /admin/columns", s.adminColumns)
	kit.Admin("GET /admin/columns/new", s.columnForm)
	kit.Admin("POST /admin/columns", s.saveColumn)
	kit.Admin("GET /admin/columns/{id}", s.columnForm)
	kit.Admin("POST /admin/columns/{id}", s.saveColumn)
	kit.Admin("POST /admin/columns/{id}/delete", s.deleteColumn)
	kit.Admin("GET /admin/settings", s.settingsForm)
	kit.Admin("POST /admin/settings", s.saveSettings)
	kit.Admin("POST /admin/settings/images", s.saveImages)
	kit.Public("GET /site-images/{name}", s.image)
	kit.Admin("GET /admin/departments", s.adminDepartments)
	kit.Admin("POST /admin/departments", s.createDepartment)
	kit.Admin("GET /admin/users", s.adminUsers)
	kit.Admin("POST /admin/users", s.createUser)
	kit.Admin("POST /admin/users/{id}/{action}", s.userAction)
	kit.Admin("GET /admin/tokens", s.adminTokens)
	kit.Admin("POST /admin/tokens", s.createToken)
	kit.Admin("POST /admin/tokens/{id}/revoke", s.revokeToken)
	// Every staff member sees and may revoke their own tokens.
	kit.Staff("GET /admin/account/tokens", s.myTokens)
	kit.Staff("POST /admin/account/tokens/{id}/revoke", s.revokeMyToken)
	kit.Admin("GET /admin/audit", s.adminAudit)
	return nil
}
