package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// Column kinds.
const (
	// KindList holds items, listed newest first.
	KindList = "list"
	// KindGroup only groups child columns.
	KindGroup = "group"
	// KindLink points elsewhere (another page of the site or outside).
	KindLink = "link"
)

// Column is a 栏目 of a site's tree.
type Column struct {
	ID          int64
	SiteID      int64
	ParentID    int64
	Slug        string
	Name        string
	Description string
	Kind        string
	// DocTypes lists the document types the column holds (codes).
	DocTypes []string
	LinkURL  string
	Sort     int
	// UpdateDays is how often the column must get a new item (0: no rule);
	// the self-inspection uses it (REFERENCE §5.1).
	UpdateDays int
	Hidden     bool
	// Duty is the 条例第二十条 category the column publishes ("" for none):
	// the self-inspection requires such columns to be non-empty.
	Duty string
	// DepartmentID is the department that keeps the column complete and
	// current (0: not set); the self-inspection names it in findings.
	DepartmentID int64

	Children []*Column
	Parent   *Column
}

// Art20Duties are the categories of 《政府信息公开条例》第二十条 a municipal
// department publishes in its own columns (REFERENCE §1.3), by code.
var Art20Duties = []Option{
	{"art20.1", "（一）行政法规、规章和规范性文件"},
	{"art20.2", "（二）机构职能、内设机构、办公地址、负责人"},
	{"art20.3", "（三）发展规划、专项规划及相关政策"},
	{"art20.4", "（四）统计信息"},
	{"art20.5", "（五）行政许可及其他对外管理服务事项"},
	{"art20.6", "（六）行政处罚、行政强制的依据、条件、程序"},
	{"art20.7", "（七）财政预算、决算信息"},
	{"art20.9", "（九）政府集中采购项目"},
}

// Holds reports whether the column accepts items of type code.
func (c *Column) Holds(code string) bool {
	for _, t := range c.DocTypes {
		if t == code {
			return true
		}
	}
	return false
}

// Href is where a link to the column goes: a link column's own address
// when it is a page of this site (so a reader is never sent through an
// empty "进入" page), else the column page.
func (c *Column) Href() string {
	if c.Kind == KindLink && strings.HasPrefix(c.LinkURL, "/") && !strings.HasPrefix(c.LinkURL, "//") {
		return c.LinkURL
	}
	return "/columns/" + c.Slug
}

// ByLink returns the first visible column, depth first, that links to the
// site's page at path (nil when none): pages such as the guide sit in the
// tree through such a column, for their breadcrumb and navigation.
func (t *Tree) ByLink(path string) *Column {
	for _, c := range t.All() {
		if c.Kind == KindLink && c.LinkURL == path && !c.Hidden {
			return c
		}
	}
	return nil
}

// Path returns the column's ancestors and itself, root first.
func (c *Column) Path() []*Column {
	var out []*Column
	for x := c; x != nil; x = x.Parent {
		out = append([]*Column{x}, out...)
	}
	return out
}

// Tree is a site's column tree.
type Tree struct {
	Roots  []*Column
	ByID   map[int64]*Column
	BySlug map[string]*Column
}

// All returns every column depth first.
func (t *Tree) All() []*Column {
	var out []*Column
	var walk func([]*Column)
	walk = func(cs []*Column) {
		for _, c := range cs {
			out = append(out, c)
			walk(c.Children)
		}
	}
	walk(t.Roots)
	return out
}

// Depth returns how deep c is (roots are 0).
func (c *Column) Depth() int {
	d := 0
	for x := c.Parent; x != nil; x = x.Parent {
		d++
	}
	return d
}

const columnCols = `id, site_id, COALESCE(parent_id, 0), slug, name, description, kind, doc_types, link_url, sort, update_days, hidden, duty, COALESCE(department_id, 0)`

func scanColumn(row interface{ Scan(...any) error }) (*Column, error) {
	var c Column
	var types string
	var hidden int
	if err := row.Scan(&c.ID, &c.SiteID, &c.ParentID, &c.Slug, &c.Name, &c.Description, &c.Kind, &types, &c.LinkURL, &c.Sort, &c.UpdateDays, &hidden, &c.Duty, &c.DepartmentID); err != nil {
		return nil, err
	}
	c.Hidden = hidden != 0
	if types != "" {
		c.DocTypes = strings.Split(types, ",")
	}
	return &c, nil
}

// Tree loads a site's column tree.
func (s *Service) Tree(ctx context.Context, siteID int64) (*Tree, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+columnCols+` FROM columns WHERE site_id = $1 ORDER BY sort, id`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "load columns")
	}
	defer rows.Close()
	t := &Tree{ByID: map[int64]*Column{}, BySlug: map[string]*Column{}}
	var all []*Column
	for rows.Next() {
		c, err := scanColumn(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan column")
		}
		all = append(all, c)
		t.ByID[c.ID] = c
		t.BySlug[c.Slug] = c
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "load columns")
	}
	for _, c := range all {
		if p := t.ByID[c.ParentID]; p != nil {
			c.Parent = p
			p.Children = append(p.Children, c)
		} else {
			t.Roots = append(t.Roots, c)
		}
	}
	return t, nil
}

// ErrNoColumn is returned for an unknown column.
var ErrNoColumn = errs.E(errs.NotFound, "栏目不存在")

// Column loads one column.
func (s *Service) Column(ctx context.Context, id int64) (*Column, error) {
	c, err := scanColumn(s.DB.R.QueryRowContext(ctx, `SELECT `+columnCols+` FROM columns WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoColumn
	}
	if err != nil {
		return nil, errs.Wrap(err, "load column")
	}
	return c, nil
}

func (s *Service) validateColumn(ctx context.Context, c *Column) error {
	v := errs.Validation{}
	c.Name = strings.TrimSpace(c.Name)
	c.Slug = strings.TrimSpace(c.Slug)
	if c.Name == "" {
		v.Add("name", "请填写栏目名称")
	}
	if !slugRE.MatchString(c.Slug) {
		v.Add("slug", "栏目代码只能包含小写字母、数字和连字符（用于网址）")
	}
	switch c.Kind {
	case KindList:
		if len(c.DocTypes) == 0 {
			v.Add("doc_types", "信息列表栏目至少要选择一种文档类型")
		}
		for _, t := range c.DocTypes {
			if DocTypeByCode(t) == nil {
				v.Add("doc_types", fmt.Sprintf("未知文档类型 %q", t))
			}
		}
	case KindGroup:
		c.DocTypes = nil
	case KindLink:
		if !strings.HasPrefix(c.LinkURL, "/") && !strings.HasPrefix(c.LinkURL, "https://") && !strings.HasPrefix(c.LinkURL, "http://") {
			v.Add("link_url", "链接栏目的地址应以 / 或 http(s):// 开头")
		}
	default:
		v.Add("kind", "请选择栏目类型")
	}
	if c.Duty = strings.TrimSpace(c.Duty); c.Duty != "" && OptionLabel(Art20Duties, c.Duty) == c.Duty {
		v.Add("duty", "请从列表中选择法定公开类别")
	}
	if c.UpdateDays < 0 || c.UpdateDays > 3660 {
		v.Add("update_days", "更新周期应在 0 到 3660 天之间")
	}
	if c.DepartmentID != 0 {
		ds, err := s.Departments(ctx, c.SiteID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(ds, func(d Department) bool { return d.ID == c.DepartmentID }) {
			v.Add("department_id", "负责科室不存在")
		}
	}
	if c.ParentID != 0 {
		p, err := s.Column(ctx, c.ParentID)
		if err != nil || p.SiteID != c.SiteID {
			v.Add("parent_id", "上级栏目不存在")
		} else if c.ID != 0 {
			// Refuse cycles: the new parent must not be c or under c.
			tree, err := s.Tree(ctx, c.SiteID)
			if err != nil {
				return err
			}
			for x := tree.ByID[c.ParentID]; x != nil; x = x.Parent {
				if x.ID == c.ID {
					v.Add("parent_id", "不能把栏目移到它自己或它的下级栏目之下")
					break
				}
			}
		}
	}
	return v.Err()
}

// SaveColumn creates (ID 0) or updates a column.
func (s *Service) SaveColumn(ctx context.Context, actor *auth.User, c *Column) error {
	if actor != nil && !actor.CanManageSite() {
		return errs.E(errs.Forbidden, "只有系统管理员可以管理栏目")
	}
	if err := s.validateColumn(ctx, c); err != nil {
		return err
	}
	var before *Column
	if c.ID != 0 {
		b, err := s.Column(ctx, c.ID)
		if err != nil {
			return err
		}
		if b.SiteID != c.SiteID {
			return ErrNoColumn
		}
		before = b
	}
	hidden := 0
	if c.Hidden {
		hidden = 1
	}
	var parent, dept any
	if c.ParentID != 0 {
		parent = c.ParentID
	}
	if c.DepartmentID != 0 {
		dept = c.DepartmentID
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if c.ID == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO columns (site_id, parent_id, slug, name, description, kind, doc_types, link_url, sort, update_days, hidden, duty, department_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
				c.SiteID, parent, c.Slug, c.Name, c.Description, c.Kind, strings.Join(c.DocTypes, ","), c.LinkURL, c.Sort, c.UpdateDays, hidden, c.Duty, dept).Scan(&c.ID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE columns SET parent_id = $1, slug = $2, name = $3, description = $4, kind = $5, doc_types = $6, link_url = $7,
				sort = $8, update_days = $9, hidden = $10, duty = $11, department_id = $12 WHERE id = $13`,
				parent, c.Slug, c.Name, c.Description, c.Kind, strings.Join(c.DocTypes, ","), c.LinkURL, c.Sort, c.UpdateDays, hidden, c.Duty, dept, c.ID)
		}
		if store.IsUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Message: "栏目代码已被其他栏目使用", Fields: map[string]string{"slug": "栏目代码已被其他栏目使用"}}
		}
		if err != nil {
			return errs.Wrap(err, "save column")
		}
		if before != nil {
			if err := keepsItsItems(ctx, tx, c); err != nil {
				return err
			}
		}
		action := "column.create"
		if before != nil {
			action = "column.update"
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: c.SiteID, Actor: actor, Action: action, Target: fmt.Sprintf("column:%d", c.ID), Before: columnAudit(before), After: columnAudit(c)}); err != nil {
			return err
		}
		return s.emitSite(ctx, tx, events.ColumnChanged, c.SiteID, c.ID, map[string]any{"action": action, "slug": c.Slug})
	})
	if err == nil {
		s.Bus.Committed(ctx)
	}
	return err
}

func columnAudit(c *Column) any {
	if c == nil {
		return nil
	}
	return map[string]any{"parent_id": c.ParentID, "slug": c.Slug, "name": c.Name, "kind": c.Kind, "doc_types": c.DocTypes, "link_url": c.LinkURL,
		"sort": c.Sort, "update_days": c.UpdateDays, "hidden": c.Hidden, "duty": c.Duty, "department_id": c.DepartmentID}
}

// DeleteColumn removes an empty column without children.
func (s *Service) DeleteColumn(ctx context.Context, actor *auth.User, siteID, id int64) error {
	if !actor.CanManageSite() {
		return errs.E(errs.Forbidden, "只有系统管理员可以管理栏目")
	}
	c, err := s.Column(ctx, id)
	if err != nil || c.SiteID != siteID {
		return ErrNoColumn
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM items WHERE column_id = $1) + (SELECT COUNT(*) FROM columns WHERE parent_id = $1)`, id).Scan(&n); err != nil {
			return errs.Wrap(err, "column contents")
		}
		if n > 0 {
			return errs.E(errs.Conflict, "栏目下还有信息或下级栏目，不能删除")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM columns WHERE id = $1`, id); err != nil {
			return errs.Wrap(err, "delete column")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "column.delete", Target: fmt.Sprintf("column:%d", id), Before: columnAudit(c)}); err != nil {
			return err
		}
		return s.emitSite(ctx, tx, events.ColumnChanged, siteID, id, map[string]any{"action": "column.delete", "slug": c.Slug})
	})
	if err == nil {
		s.Bus.Committed(ctx)
	}
	return err
}

// keepsItsItems refuses a change that would leave a column's items outside
// it: a list column turned into a group or link, or its document types
// narrowed below the types of the items it holds.
func keepsItsItems(ctx context.Context, tx *sql.Tx, c *Column) error {
	rows, err := tx.QueryContext(ctx, `SELECT doc_type, COUNT(*) FROM items WHERE column_id = $1 GROUP BY doc_type ORDER BY doc_type`, c.ID)
	if err != nil {
		return errs.Wrap(err, "column items")
	}
	defer rows.Close()
	total := 0
	var lost []string
	for rows.Next() {
		var typ string
		var n int
		if err := rows.Scan(&typ, &n); err != nil {
			return errs.Wrap(err, "column items")
		}
		total += n
		if c.Kind == KindList && !c.Holds(typ) {
			name := typ
			if t := DocTypeByCode(typ); t != nil {
				name = t.Name
			}
			lost = append(lost, fmt.Sprintf("“%s”（%d 条）", name, n))
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "column items")
	}
	if c.Kind != KindList && total > 0 {
		return errs.E(errs.Conflict, "该栏目下已有 %d 条信息，不能改为非列表栏目", total)
	}
	if len(lost) > 0 {
		msg := fmt.Sprintf("栏目下已有%s类信息，不能取消这些文档类型；请先把这些信息移到其他栏目", strings.Join(lost, "、"))
		return &errs.Error{Code: errs.Conflict, Message: msg, Fields: map[string]string{"doc_types": msg}}
	}
	return nil
}
