// Package catalog is the disclosure catalogue: sites, departments, columns,
// document types, items with their index numbers, revisions, validity,
// relations and attachments, and the drafting-to-publishing workflow.
package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// Settings are a site's public facts, shown in the footer and the guide.
type Settings struct {
	Owner       string   `json:"owner"`        // 主办单位
	Address     string   `json:"address"`      // 办公地址
	Phone       string   `json:"phone"`        // 联系电话
	Email       string   `json:"email"`        // 邮箱
	Fax         string   `json:"fax"`          // 传真
	Postcode    string   `json:"postcode"`     // 邮编
	OfficeHours string   `json:"office_hours"` // 办公时间
	SiteCode    string   `json:"site_code"`    // 政府网站标识码
	ICP         string   `json:"icp"`          // ICP 备案号
	PSB         string   `json:"psb"`          // 公安备案号 (e.g. 鲁公网安备37130202371486号)
	PSBCode     string   `json:"psb_code"`     // the digits of the 公安备案号, for the registry link
	OfficeName  string   `json:"office_name"`  // 政府信息公开工作机构
	DeptAbbr    string   `json:"dept_abbr"`    // default index-number department segment (e.g. sfj)
	WeChat      string   `json:"wechat"`       // 政务微信 account name
	Weibo       string   `json:"weibo"`        // 政务微博 address
	Description string   `json:"description"`  // one line about the body
	HomeColumns []string `json:"home_columns"` // column slugs listed on the home page
	MainNav     []string `json:"main_nav"`     // column slugs of the main navigation, in order (empty: the tree's roots)
	HomeEntries []string `json:"home_entries"` // slugs of section columns whose children the home page shows as entries (e.g. 办事服务)
	// The notice letters (告知书) of disclosure on request: the body
	// that hears administrative reconsideration (行政复议机关), the court
	// (管辖法院, empty: 有管辖权的人民法院) and the letters' 代字
	// (e.g. 临司依申, numbered 临司依申〔2025〕第12号).
	ReconsiderationBody string `json:"reconsideration_body,omitempty"`
	Court               string `json:"court,omitempty"`
	LetterPrefix        string `json:"letter_prefix,omitempty"`
	// The remedy periods the letters state (复议期限, 起诉期限): not in
	// REFERENCE (条例第五十一条 names none), so configuration; empty uses
	// letter.DefaultRemedyPeriods (六十日 / 六个月, UNVERIFIED).
	ReconsiderationPeriod string `json:"reconsideration_period,omitempty"`
	LawsuitPeriod         string `json:"lawsuit_period,omitempty"`
	// The body that supervises the site's disclosure work and takes
	// complaints (条例第五十一条: 上一级行政机关或者政府信息公开工作主管部门),
	// named with its contact in the guide.
	Supervisor        string `json:"supervisor,omitempty"`
	SupervisorContact string `json:"supervisor_contact,omitempty"`
	// The site's images, as blob keys (empty: none), served at
	// /site-images/{emblem,conac,psb}: the emblem beside the site's name,
	// and the badges of the 党政机关网站标识 (linking to ConacURL, the
	// site's page in the registry) and of the 公安备案 (linking to the
	// registry's record of PSBCode).
	Emblem     string `json:"emblem,omitempty"`
	ConacBadge string `json:"conac_badge,omitempty"`
	ConacURL   string `json:"conac_url,omitempty"`
	PSBBadge   string `json:"psb_badge,omitempty"`
	// DeadlineDays overrides the default period of a deadline rule, by rule code.
	DeadlineDays map[string]int `json:"deadline_days,omitempty"`
}

// Site is one body's website on the platform.
type Site struct {
	ID       int64
	Slug     string
	Name     string
	OrgCode  string
	Hosts    []string
	Settings Settings
}

// Department is a 科室/单位 that drafts and owns items.
type Department struct {
	ID     int64
	SiteID int64
	Name   string
	Abbr   string
	Sort   int
}

// Service is the catalogue's store and rules.
type Service struct {
	DB *store.DB
	// Bus, when set, is told after every commit that appended change events
	// (events.Bus.Committed), so this node's caches see the change at once.
	// The events are in the outbox whether or not a Bus is set.
	Bus *events.Bus
	// Today is the current date for the rules that compare with it (a
	// 发布日期 may not lie in the future); nil means calendar.Today. Tests
	// and the demo pass a fixed day.
	Today func() calendar.Date
	// PublishGuards are asked before an item goes public (published,
	// scheduled or republished), inside the step's checks: a capability
	// whose items are published through checks of its own (the annual
	// report's 勾稽关系) refuses the generic path. Set when the services
	// are built, before serving.
	PublishGuards []func(ctx context.Context, it *Item) error
}

func (s *Service) today() calendar.Date {
	if s.Today != nil {
		return s.Today()
	}
	return calendar.Today()
}

// SettingsCheck validates a site's settings; packages that own a part of
// them register one (deadline registers the deadline-period overrides).
type SettingsCheck func(st *Settings, v errs.Validation)

var settingsChecks []SettingsCheck

// settingsMax bounds each text setting, in characters, by its JSON name;
// a setting not named has settingsMaxDefault.
var settingsMax = map[string]int{"description": 500, "reconsideration_body": 100, "court": 100, "letter_prefix": 100,
	"reconsideration_period": 20, "lawsuit_period": 20}

const settingsMaxDefault = 200

// checkSettingsLengths bounds every text setting, so a page that shows one
// (the footer, the guide, a letter) never holds an unbounded value.
func checkSettingsLengths(st Settings, v errs.Validation) {
	rv, rt := reflect.ValueOf(st), reflect.TypeOf(st)
	for i := range rt.NumField() {
		f := rt.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		max := settingsMax[name]
		if max == 0 {
			max = settingsMaxDefault
		}
		switch f.Type.Kind() {
		case reflect.String:
			if utf8.RuneCountInString(rv.Field(i).String()) > max {
				v.Add(name, fmt.Sprintf("不能超过 %d 个字", max))
			}
		case reflect.Slice:
			if n := rv.Field(i).Len(); n > 50 {
				v.Add(name, fmt.Sprintf("最多 50 项，现有 %d 项", n))
			}
		}
	}
}

// RegisterSettingsCheck adds a check that UpdateSettings runs.
func RegisterSettingsCheck(c SettingsCheck) { settingsChecks = append(settingsChecks, c) }

// ErrNoSite is returned when no site serves a host.
var ErrNoSite = errs.E(errs.NotFound, "本站点不存在")

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// CreateSite creates a site with its host names.
func (s *Service) CreateSite(ctx context.Context, actor *auth.User, site *Site) error {
	v := errs.Validation{}
	if !slugRE.MatchString(site.Slug) {
		v.Add("slug", "站点代码只能包含小写字母、数字和连字符")
	}
	if strings.TrimSpace(site.Name) == "" {
		v.Add("name", "请填写单位名称")
	}
	if strings.TrimSpace(site.OrgCode) == "" || strings.Contains(site.OrgCode, "/") {
		v.Add("org_code", "请填写索引号前段码（机构代码，不含斜杠）")
	}
	if err := v.Err(); err != nil {
		return err
	}
	settings, _ := json.Marshal(site.Settings)
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO sites (slug, name, org_code, settings, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			site.Slug, site.Name, site.OrgCode, string(settings), store.Now()).Scan(&site.ID)
		if store.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "站点代码 %s 已存在", site.Slug)
		}
		if err != nil {
			return errs.Wrap(err, "insert site")
		}
		for _, h := range site.Hosts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO site_hosts (host, site_id) VALUES ($1, $2)`, strings.ToLower(h), site.ID); err != nil {
				if store.IsUniqueViolation(err) {
					return errs.E(errs.Conflict, "域名 %s 已属于其他站点", h)
				}
				return errs.Wrap(err, "insert host")
			}
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: site.ID, Actor: actor, Action: "site.create", Target: fmt.Sprintf("site:%d", site.ID), After: site})
	})
}

// SiteCount returns how many sites exist.
func (s *Service) SiteCount(ctx context.Context) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM sites`).Scan(&n)
	return n, errs.Wrap(err, "count sites")
}

// Sites lists every site.
func (s *Service) Sites(ctx context.Context) ([]*Site, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id FROM sites ORDER BY id`)
	if err != nil {
		return nil, errs.Wrap(err, "list sites")
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "list sites")
		}
		ids = append(ids, id)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, errs.Wrap(err, "list sites")
	}
	var out []*Site
	for _, id := range ids {
		site, err := s.Site(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, site)
	}
	return out, nil
}

// Site loads a site by id.
func (s *Service) Site(ctx context.Context, id int64) (*Site, error) {
	var site Site
	var settings string
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, slug, name, org_code, settings FROM sites WHERE id = $1`, id).
		Scan(&site.ID, &site.Slug, &site.Name, &site.OrgCode, &settings)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoSite
	}
	if err != nil {
		return nil, errs.Wrap(err, "load site")
	}
	if err := json.Unmarshal([]byte(settings), &site.Settings); err != nil {
		return nil, errs.Wrap(err, "site settings")
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT host FROM site_hosts WHERE site_id = $1 ORDER BY host`, id)
	if err != nil {
		return nil, errs.Wrap(err, "site hosts")
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, errs.Wrap(err, "site hosts")
		}
		site.Hosts = append(site.Hosts, h)
	}
	return &site, rows.Err()
}

// SiteForHost finds the site serving host (without port). When no host
// matches, the first site serves, so a single-site deployment works under
// any name (localhost, an IP, a CDN name).
func (s *Service) SiteForHost(ctx context.Context, host string) (*Site, error) {
	if i := strings.LastIndexByte(host, ':'); i > 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	var id int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT site_id FROM site_hosts WHERE host = $1`, strings.ToLower(host)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.DB.R.QueryRowContext(ctx, `SELECT id FROM sites ORDER BY id LIMIT 1`).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoSite
	}
	if err != nil {
		return nil, errs.Wrap(err, "site for host")
	}
	return s.Site(ctx, id)
}

// HostIndex is which site serves each declared host name, and the site
// that serves every other name.
type HostIndex struct {
	Hosts   map[string]int64 // lower-case host (no port) -> site id
	Default int64            // the first site; 0 when there is none
}

// HostIndex reads every declared host name (as SiteForHost resolves them,
// in one query rather than one per name asked for).
func (s *Service) HostIndex(ctx context.Context) (*HostIndex, error) {
	idx := &HostIndex{Hosts: map[string]int64{}}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT host, site_id FROM site_hosts`)
	if err != nil {
		return nil, errs.Wrap(err, "host index")
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		var id int64
		if err := rows.Scan(&h, &id); err != nil {
			return nil, errs.Wrap(err, "host index")
		}
		idx.Hosts[strings.ToLower(h)] = id
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "host index")
	}
	err = s.DB.R.QueryRowContext(ctx, `SELECT id FROM sites ORDER BY id LIMIT 1`).Scan(&idx.Default)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, errs.Wrap(err, "host index")
	}
	return idx, nil
}

// UpdateSettings replaces a site's public facts.
func (s *Service) UpdateSettings(ctx context.Context, actor *auth.User, siteID int64, name string, st Settings) error {
	if !actor.CanManageSite() {
		return errs.E(errs.Forbidden, "只有系统管理员可以修改站点设置")
	}
	if strings.TrimSpace(name) == "" {
		return &errs.Error{Code: errs.Invalid, Message: "请填写单位名称", Fields: map[string]string{"name": "请填写单位名称"}}
	}
	v := errs.Validation{}
	checkSettingsLengths(st, v)
	if u := st.ConacURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		v.Add("conac_url", "请填写以 https:// 开头的网址")
	}
	for _, c := range settingsChecks {
		c(&st, v)
	}
	if err := v.Err(); err != nil {
		return err
	}
	before, err := s.Site(ctx, siteID)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(st)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sites SET name = $1, settings = $2 WHERE id = $3`, strings.TrimSpace(name), string(b), siteID); err != nil {
			return errs.Wrap(err, "update settings")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "site.settings", Target: fmt.Sprintf("site:%d", siteID),
			Before: before.Settings, After: st}); err != nil {
			return err
		}
		return s.emitSite(ctx, tx, events.SiteChanged, siteID, 0, map[string]any{"what": "settings"})
	})
	if err == nil {
		s.Bus.Committed(ctx)
	}
	return err
}

// CreateDepartment adds a department to a site.
func (s *Service) CreateDepartment(ctx context.Context, actor *auth.User, d *Department) error {
	v := errs.Validation{}
	d.Name = strings.TrimSpace(d.Name)
	d.Abbr = strings.TrimSpace(d.Abbr)
	if d.Name == "" {
		v.Add("name", "请填写科室名称")
	}
	if !regexp.MustCompile(`^[a-z0-9]{1,20}$`).MatchString(d.Abbr) {
		v.Add("abbr", "科室代码用于索引号，只能是 1–20 位小写字母或数字")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if actor != nil && !actor.CanManageSite() {
		return errs.E(errs.Forbidden, "只有系统管理员可以管理科室")
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO departments (site_id, name, abbr, sort) VALUES ($1, $2, $3, $4) RETURNING id`,
			d.SiteID, d.Name, d.Abbr, d.Sort).Scan(&d.ID)
		if store.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "科室名称或代码已存在")
		}
		if err != nil {
			return errs.Wrap(err, "insert department")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: d.SiteID, Actor: actor, Action: "department.create", Target: fmt.Sprintf("department:%d", d.ID), After: d})
	})
}

// Departments lists a site's departments.
func (s *Service) Departments(ctx context.Context, siteID int64) ([]Department, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, site_id, name, abbr, sort FROM departments WHERE site_id = $1 ORDER BY sort, id`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "list departments")
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		var d Department
		if err := rows.Scan(&d.ID, &d.SiteID, &d.Name, &d.Abbr, &d.Sort); err != nil {
			return nil, errs.Wrap(err, "scan department")
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DepartmentByRef finds a department of any site by name or abbreviation.
func (s *Service) DepartmentByRef(ctx context.Context, ref string) (*Department, error) {
	var d Department
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, site_id, name, abbr, sort FROM departments WHERE name = $1 OR abbr = $1 ORDER BY id LIMIT 1`, ref).
		Scan(&d.ID, &d.SiteID, &d.Name, &d.Abbr, &d.Sort)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "科室 %q 不存在", ref)
	}
	if err != nil {
		return nil, errs.Wrap(err, "load department")
	}
	return &d, nil
}
