// Package demo loads the 临沂市司法局 demo site: its column tree, departments,
// staff, and the seed page (the bureau's 2021 key disclosure tasks) with the
// two neighbouring items the seed names, plus short demo items so every
// column has content. Demo bodies are marked as demo text.
package demo

import (
	"context"
	_ "embed"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/secure"
)

//go:embed seed.txt
var seedText string

// Password is the demo staff password (printed when the demo loads).
const Password = "gongkai-demo-2021"

// passwordHashDefault is Password hashed with the default argon2id settings,
// so loading the demo costs no hashing; with other settings (tests lower
// them) the password is hashed afresh.
const passwordHashDefault = "$argon2id$v=19$m=19456,t=2,p=1$eTKZmXZEmIaAw2eHMXoYvA$5bQVn1fv7PstlxNKBeU7cnine+RQc6KaETEC4ND5P3s"

func passwordHash() (string, error) {
	if secure.PasswordParams.Memory == 19*1024 && secure.PasswordParams.Time == 2 {
		return passwordHashDefault, nil
	}
	return secure.HashPassword(Password)
}

// SeedIndexNo is the seed page's index number.
const SeedIndexNo = "1438332193/sfj/2021-0000192"

// Users are the demo staff accounts: name, display name, role, department abbreviation.
var Users = []struct {
	Name, Display string
	Role          auth.Role
	Dept          string
}{
	{"admin", "系统管理员", auth.Admin, ""},
	{"office", "办公室（政务公开）", auth.Office, "bgs"},
	{"reviewer", "法制科审核人", auth.Reviewer, "fzk"},
	{"fzk", "法制科编辑", auth.Editor, "fzk"},
	{"pfk", "普法与依法治理科编辑", auth.Editor, "pfk"},
	{"bgs", "办公室编辑", auth.Editor, "bgs"},
}

type col struct {
	slug, name, kind string
	types            []string
	link             string
	update           int
	desc             string
	duty             string // 条例第二十条 category (catalog.Art20Duties)
	children         []col
}

// columnDepartment is the department keeping a list column current: the
// office (办公室) unless the column is a department's own business.
func columnDepartment(slug string) string {
	switch slug {
	case "zcwj", "zcjd", "qzqd", "zzbjqd", "zmsxqd", "zdxzjc", "dczj":
		return "fzk" // 法制科: policy documents, power lists, proof items, decisions, consultations
	case "xzzfgs", "ssjygk":
		return "zfk" // 行政执法协调监督科: enforcement publicity, random inspections
	case "zwfwsx", "bszn":
		return "ggk" // 公共法律服务管理科: service catalogue and guides
	}
	return "bgs"
}

var tree = []col{
	{slug: "xxgk", name: "政府信息公开", kind: catalog.KindGroup, children: []col{
		{slug: "gkzn", name: "政府信息公开指南", kind: catalog.KindLink, link: "/xxgk/guide"},
		{slug: "gkml", name: "政府信息公开目录", kind: catalog.KindLink, link: "/xxgk/catalogue"},
		{slug: "gkzd", name: "政府信息公开制度", kind: catalog.KindList, types: []string{"general"}},
		{slug: "fdzdgk", name: "法定主动公开内容", kind: catalog.KindGroup, children: []col{
			{slug: "jgzn", name: "机构职能", kind: catalog.KindList, types: []string{"general"}, duty: "art20.2"},
			{slug: "ldxx", name: "领导信息", kind: catalog.KindList, types: []string{"general"}, duty: "art20.2"},
			{slug: "jgsz", name: "机构设置", kind: catalog.KindList, types: []string{"general"}, duty: "art20.2"},
			{slug: "zcwj", name: "政策文件", kind: catalog.KindList, types: []string{"policy"}, duty: "art20.1", update: 180},
			{slug: "zcjd", name: "政策解读", kind: catalog.KindList, types: []string{"interpretation"}},
			{slug: "jhgh", name: "计划规划", kind: catalog.KindList, types: []string{"plan"}, duty: "art20.3"},
			{slug: "tjsj", name: "统计数据", kind: catalog.KindList, types: []string{"statistics"}, duty: "art20.4", update: 92, desc: "定期汇总司法行政业务数据（按季度更新）。"},
			{slug: "rsrm", name: "人事任免", kind: catalog.KindList, types: []string{"appointment"}},
			{slug: "qzqd", name: "权责清单", kind: catalog.KindList, types: []string{"general"}, children: []col{
				// The structured list (internal/lists): filters, editions, exports.
				{slug: "qzqd-list", name: "权责清单（现行版本，可检索）", kind: catalog.KindLink, link: "/lists/power_list"}}},
			{slug: "zzbjqd", name: "职责边界清单", kind: catalog.KindList, types: []string{"general"}, children: []col{
				{slug: "zzbjqd-list", name: "职责边界清单（现行版本）", kind: catalog.KindLink, link: "/lists/duty_boundary"}}},
			{slug: "xzzfgs", name: "行政执法公示", kind: catalog.KindList, types: []string{"general"}, duty: "art20.6", children: []col{
				// The enforcement publicity as structured lists (internal/lists/enforce).
				{slug: "xzzfgs-zt", name: "行政执法主体", kind: catalog.KindLink, link: "/lists/enforcement_bodies"},
				{slug: "xzzfgs-ry", name: "行政执法人员（可按证号查询）", kind: catalog.KindLink, link: "/lists/enforcement_staff"},
				{slug: "xzzfgs-sx", name: "行政执法事项和流程图", kind: catalog.KindLink, link: "/lists/enforcement_matters"},
				{slug: "xzzfgs-jd", name: "行政执法决定", kind: catalog.KindLink, link: "/lists/enforcement_decisions"},
				{slug: "xzzfgs-sj", name: "行政执法数据", kind: catalog.KindLink, link: "/enforce/figures"},
				{slug: "xzzfgs-zj", name: "执法证件查询", kind: catalog.KindLink, link: "/enforce/certificates"}}},
			{slug: "zmsxqd", name: "证明事项清单", kind: catalog.KindList, types: []string{"general"}, children: []col{
				{slug: "zmsxqd-list", name: "证明事项实施清单（现行版本）", kind: catalog.KindLink, link: "/lists/proof_items"}}},
			{slug: "zwfwsx", name: "政务服务事项目录", kind: catalog.KindList, types: []string{"general"}, duty: "art20.5", children: []col{
				{slug: "zwfwsx-list", name: "政务服务事项目录（现行版本）", kind: catalog.KindLink, link: "/lists/service_catalog"}}},
			{slug: "bszn", name: "办事指南", kind: catalog.KindList, types: []string{"general"}, duty: "art20.5", children: []col{
				{slug: "bszn-list", name: "办事指南（含办事流程图）", kind: catalog.KindLink, link: "/lists/service_guides"}}},
			{slug: "ssjygk", name: "双随机一公开", kind: catalog.KindList, types: []string{"general", "notice"}, children: []col{
				// Plans, verifiable draws and results (internal/inspect).
				{slug: "ssjygk-cc", name: "抽查计划、抽取和检查结果（可核验）", kind: catalog.KindLink, link: "/inspect"}}},
			{slug: "zdxzjc", name: "重大行政决策", kind: catalog.KindList, types: []string{"general"}, children: []col{
				// The catalogue with its timeline (internal/consult).
				{slug: "zdxzjc-ml", name: "重大行政决策事项目录（按年度）", kind: catalog.KindLink, link: "/decisions"}}},
			// The structured records of issue 13 (internal/execution, internal/finance).
			{slug: "zybszx", name: "重要部署执行公开", kind: catalog.KindList, types: []string{"general"}, children: []col{
				{slug: "zybszx-rw", name: "重点工作任务和进展（按年度）", kind: catalog.KindLink, link: "/execution"}}},
			{slug: "jytabl", name: "建议提案办理", kind: catalog.KindList, types: []string{"general"}, children: []col{
				{slug: "jytabl-fw", name: "建议提案复文和办理总体情况", kind: catalog.KindLink, link: "/execution/proposals"}}},
			{slug: "czyjs", name: "财政预决算", kind: catalog.KindList, types: []string{"general"}, duty: "art20.7", children: []col{
				{slug: "czyjs-bb", name: "部门预算和决算（表格，可对比上年）", kind: catalog.KindLink, link: "/finance"}}},
			{slug: "zfcg", name: "政府采购", kind: catalog.KindList, types: []string{"notice"}, duty: "art20.9", children: []col{
				{slug: "zfcg-yx", name: "政府采购意向", kind: catalog.KindLink, link: "/lists/procurement_intentions"},
				{slug: "zfcg-gg", name: "采购公告和结果", kind: catalog.KindLink, link: "/lists/procurement_notices"}}},
			{slug: "ggzypz", name: "公共资源配置", kind: catalog.KindList, types: []string{"notice"}, children: []col{
				{slug: "ggzypz-jy", name: "公共资源交易", kind: catalog.KindLink, link: "/lists/resource_transactions"}}},
		}},
		{slug: "gknb", name: "政务公开年度报告", kind: catalog.KindList, types: []string{"annual_report"}},
		{slug: "ysqgk", name: "依申请公开", kind: catalog.KindLink, link: "/request", desc: "在线提交政府信息公开申请，凭申请编号和查询码查询办理进度和答复；条件、方式和时限见政府信息公开指南第三部分。"},
	}},
	{slug: "zwdt", name: "政务动态", kind: catalog.KindGroup, children: []col{
		{slug: "gzdt", name: "工作动态", kind: catalog.KindList, types: []string{"news"}, update: 14},
		{slug: "tzgg", name: "通知公告", kind: catalog.KindList, types: []string{"notice"}, update: 180},
	}},
	// 办事服务: the service pages readers look for first, also reached
	// through 法定主动公开内容 (the links of a page go to its first column).
	{slug: "bsfw", name: "办事服务", kind: catalog.KindGroup, children: []col{
		{slug: "bsfw-zn", name: "办事指南", kind: catalog.KindLink, link: "/lists/service_guides"},
		{slug: "bsfw-ml", name: "政务服务事项目录", kind: catalog.KindLink, link: "/lists/service_catalog"},
		{slug: "bsfw-zm", name: "证明事项实施清单", kind: catalog.KindLink, link: "/lists/proof_items"},
		{slug: "bsfw-zj", name: "执法证件查询", kind: catalog.KindLink, link: "/enforce/certificates"},
	}},
	{slug: "hdjl", name: "政民互动", kind: catalog.KindGroup, children: []col{
		{slug: "dczj", name: "调查征集", kind: catalog.KindList, types: []string{"consultation", "general"}, desc: "重大行政决策和立法草案公开征求意见（征求意见期限不少于30日）。", children: []col{
			// Comments on the drafts' articles and the feedback (internal/consult).
			{slug: "dczj-online", name: "意见征集（在线发表意见）", kind: catalog.KindLink, link: "/consultations"}}},
		{slug: "hygk", name: "会议公开", kind: catalog.KindList, types: []string{"general"}, children: []col{
			{slug: "hygk-apply", name: "会议公开和列席申请", kind: catalog.KindLink, link: "/meetings"}}},
		{slug: "wsdc", name: "网上调查", kind: catalog.KindLink, link: "/surveys"},
		{slug: "hdjlzx", name: "在线访谈和活动", kind: catalog.KindList, types: []string{"general"}, desc: "留言答复情况和在线访谈。", children: []col{
			// Interviews, open days and the new-media directory (internal/interact/live).
			{slug: "zxft", name: "在线访谈", kind: catalog.KindLink, link: "/interviews"},
			{slug: "kfr", name: "开放日与问政活动", kind: catalog.KindLink, link: "/events"},
			{slug: "xmt", name: "政务新媒体", kind: catalog.KindLink, link: "/newmedia"}}},
		{slug: "lyhf", name: "留言答复", kind: catalog.KindLink, link: "/messages", desc: "办事咨询、法律咨询、建议、投诉举报和网站找错；已答复的留言、常见问题和留言统计。"},
	}},
}

// Load creates the demo site as of today (Beijing time). It is called only
// on a database without sites.
func Load(ctx context.Context, cat *catalog.Service, au *auth.Service, host string) (*catalog.Site, error) {
	return LoadOn(ctx, cat, au, host, calendar.Today())
}

// LoadOn creates the demo site as it stands on today: recent items (the
// planted lapses among them, the latest annual report) are dated relative
// to today, so the demo shows the same state whatever the date. Tests pass
// a fixed date.
func LoadOn(ctx context.Context, cat *catalog.Service, au *auth.Service, host string, today calendar.Date) (*catalog.Site, error) {
	return LoadWith(ctx, cat, au, nil, host, today)
}

// LoadWith is LoadOn that also stores the demo's attachments in blobs (a
// PDF, a DOCX and an XLSX with text found only inside them); without blobs
// the items have no files.
func LoadWith(ctx context.Context, cat *catalog.Service, au *auth.Service, blobs *blob.Store, host string, today calendar.Date) (*catalog.Site, error) {
	sk, err := LoadStructure(ctx, cat, au, host)
	if err != nil {
		return nil, err
	}
	l := loader{ctx: ctx, cat: cat, blobs: blobs, site: sk.Site, admin: sk.Admin, cols: sk.Columns, depts: sk.Departments, today: today}
	if err := l.items(); err != nil {
		return nil, err
	}
	if blobs != nil {
		if err := loadImages(ctx, cat, blobs, sk.Admin, sk.Site); err != nil {
			return nil, err
		}
	}
	return sk.Site, nil
}

// Skeleton is the demo site without items: the site with its settings,
// departments, staff and column tree. The synthetic site of benchmarks
// (internal/demo/synthetic) fills it with generated items.
type Skeleton struct {
	Site  *catalog.Site
	Admin *auth.User
	// Columns are column ids by slug, Departments department ids by abbreviation.
	Columns     map[string]int64
	Departments map[string]int64
}

// LoadStructure creates the demo site's settings, departments, staff and
// column tree, without items.
func LoadStructure(ctx context.Context, cat *catalog.Service, au *auth.Service, host string) (*Skeleton, error) {
	site := &catalog.Site{Slug: "lysfj", Name: "临沂市司法局", OrgCode: "1438332193", Hosts: []string{"sfj.linyi.gov.cn"},
		Settings: catalog.Settings{
			Owner: "临沂市司法局", Address: "临沂市北城新区北京路8号临沂市政务服务中心7楼", Phone: "(0539)8314196",
			Email: "lyssfj@ly.shandong.cn", Fax: "(0539)8122990", SiteCode: "3713000062", ICP: "鲁ICP备10207760号",
			PSB: "鲁公网安备37130202371486号", PSBCode: "37130202371486", OfficeName: "临沂市司法局办公室",
			OfficeHours: "周一至周五 上午 9:00—12:00，下午 13:30—17:00（法定节假日除外）", DeptAbbr: "sfj",
			ReconsiderationBody: "临沂市人民政府", LetterPrefix: "临司依申",
			Supervisor: "临沂市人民政府办公室（市政务公开办公室）", SupervisorContact: "电话 (0539)8721234（演示）",
			Description: "本网站为演示站点：栏目、页脚信息和《2021年临沂市司法局政务公开工作重点任务安排》取自临沂市司法局网站，其余信息为演示数据。",
			HomeColumns: []string{"gzdt", "tzgg", "zcwj", "zcjd", "jhgh", "dczj"},
			MainNav:     []string{"xxgk", "ysqgk", "zwdt", "bsfw", "dczj", "hdjl", "xmt"},
			HomeEntries: []string{"bsfw"},
		}}
	if host != "" && host != "sfj.linyi.gov.cn" {
		site.Hosts = append(site.Hosts, host)
	}
	if err := cat.CreateSite(ctx, nil, site); err != nil {
		return nil, err
	}
	depts := map[string]int64{}
	for i, d := range Departments {
		d.SiteID, d.Sort = site.ID, i
		if err := cat.CreateDepartment(ctx, nil, &d); err != nil {
			return nil, err
		}
		depts[d.Abbr] = d.ID
	}
	var admin *auth.User
	hash, err := passwordHash()
	if err != nil {
		return nil, err
	}
	for _, u := range Users {
		created, err := au.CreateUser(ctx, nil, auth.NewUser{SiteID: site.ID, Name: u.Name, DisplayName: u.Display, Role: u.Role,
			DepartmentID: depts[u.Dept], PasswordHash: hash})
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", u.Name, err)
		}
		if u.Role == auth.Admin {
			admin = created
		}
	}
	cols := map[string]int64{}
	var add func(parent int64, cs []col) error
	add = func(parent int64, cs []col) error {
		for i, c := range cs {
			column := &catalog.Column{SiteID: site.ID, ParentID: parent, Slug: c.slug, Name: c.name, Kind: c.kind, DocTypes: c.types, Duty: c.duty,
				LinkURL: c.link, Sort: i, UpdateDays: c.update, Description: c.desc}
			if c.kind == catalog.KindList {
				column.DepartmentID = depts[columnDepartment(c.slug)]
			}
			if err := cat.SaveColumn(ctx, admin, column); err != nil {
				return fmt.Errorf("demo column %s: %w", c.slug, err)
			}
			cols[c.slug] = column.ID
			if err := add(column.ID, c.children); err != nil {
				return err
			}
		}
		return nil
	}
	if err := add(0, tree); err != nil {
		return nil, err
	}
	return &Skeleton{Site: site, Admin: admin, Columns: cols, Departments: depts}, nil
}

// Departments are the demo site's departments (科室), in order.
var Departments = []catalog.Department{{Name: "办公室", Abbr: "bgs"}, {Name: "法制科", Abbr: "fzk"}, {Name: "普法与依法治理科", Abbr: "pfk"},
	{Name: "行政执法协调监督科", Abbr: "zfk"}, {Name: "公共法律服务管理科", Abbr: "ggk"}}

type loader struct {
	ctx   context.Context
	cat   *catalog.Service
	blobs *blob.Store
	site  *catalog.Site
	admin *auth.User
	cols  map[string]int64
	depts map[string]int64
	today calendar.Date
}

// publish creates an item and takes it through submit and publish.
func (l *loader) publish(column, dept string, in catalog.Input) (*catalog.Item, error) {
	in.ColumnID, in.DepartmentID = l.cols[column], l.depts[dept]
	if in.Disclosure == "" {
		in.Disclosure = "proactive"
	}
	if in.Publisher == "" {
		in.Publisher = l.site.Name
	}
	if in.DocType == "" {
		in.DocType = "general"
	}
	it, err := l.cat.Create(l.ctx, l.admin, l.site.ID, in)
	if err != nil {
		return nil, fmt.Errorf("demo item %q: %w", in.Title, err)
	}
	if err := l.attachFiles(it); err != nil {
		return nil, err
	}
	if _, err := l.cat.Submit(l.ctx, l.admin, l.site.ID, it.ID); err != nil {
		return nil, err
	}
	return l.cat.Publish(l.ctx, l.admin, l.site.ID, it.ID, time.Time{})
}

// seedBody turns the seed page's text between its title and 上一条 into paragraphs.
func seedBody() string {
	start := strings.Index(seedText, "为认真落实")
	end := strings.Index(seedText, "上一条:")
	var b strings.Builder
	for _, line := range strings.Split(seedText[start:end], "\n") {
		if line = strings.TrimSpace(line); line != "" {
			b.WriteString("<p>" + html.EscapeString(line) + "</p>\n")
		}
	}
	return b.String()
}

// quarterTitle names the quarter before the one of the date n days before
// today, as a quarterly statistics item published then would: "2026年第三季度…".
func (l *loader) quarterTitle(n int, what string) string {
	d := l.today.AddDays(-n)
	y, q := d.Year, (int(d.Month)-1)/3
	if q == 0 {
		y, q = y-1, 4
	}
	return fmt.Sprintf("%d年第%s季度%s", y, []string{"一", "二", "三", "四"}[q-1], what)
}

const demoNote = "<p>（本条为演示数据，仅用于展示网站功能。）</p>"

func para(s ...string) string {
	var b strings.Builder
	for _, p := range s {
		b.WriteString("<p>" + html.EscapeString(p) + "</p>\n")
	}
	return b.String() + demoNote
}

// daysAgo returns the date n days before the demo's today.
func (l *loader) daysAgo(n int) string { return l.today.AddDays(-n).String() }

// yearAgo returns the year of the date n days before the demo's today.
func (l *loader) yearAgo(n int) int { return l.today.AddDays(-n).Year }

// LatestAnnualReport is the latest annual report the demo must have on
// today: last year's, published on 26 January (before the 31 January
// deadline, 条例第四十九条), or today when today is earlier in January. The
// demo catalogue holds the earlier years' reports; this one is generated
// from the demo's records and published by internal/annual (app's
// LoadAnnualDemo), so there is no placeholder item for it here.
func LatestAnnualReport(today calendar.Date) (year int, publishedOn string) {
	on := calendar.Date{Year: today.Year, Month: time.January, Day: 26}
	if today.Before(on) {
		on = today
	}
	return today.Year - 1, on.String()
}

func (l *loader) items() error {
	type entry struct {
		col, dept string
		in        catalog.Input
	}
	// The seed page and its neighbours in 计划规划, in publication order.
	seq := []entry{
		{"jhgh", "bgs", catalog.Input{DocType: "plan", Title: "临沂市司法局关于2020年法治政府建设情况的报告", PublishedOn: "2021-03-30", WrittenOn: "2021-03-29",
			Fields: map[string]string{"period": "2020年度", "kind": "工作总结"}, Validity: "in_force",
			Body: para("2020年，市司法局在市委、市政府的坚强领导下，深入推进法治政府建设，现将有关情况报告如下。", "一、主要举措和成效……", "二、存在的不足和原因……", "三、2021年工作安排……")}},
		{"jhgh", "bgs", catalog.Input{DocType: "plan", IndexNo: SeedIndexNo, Title: "2021年临沂市司法局政务公开工作重点任务安排", PublishedOn: "2021-06-14",
			Fields: map[string]string{"period": "2021年度", "kind": "工作要点"}, Body: seedBody()}},
		{"jhgh", "pfk", catalog.Input{DocType: "plan", Title: "中共临沂市委全面依法治市委员会办公室 临沂市司法局关于印发《2021 年全市普法依法治理工作要点》的通知",
			PublishedOn: "2021-06-21", WrittenOn: "2021-06-18", DocNo: "临法治办发〔2021〕6号", Validity: "in_force",
			Fields: map[string]string{"period": "2021年度", "kind": "工作要点"},
			Body:   para("各县区委全面依法治县（区）委员会办公室、司法局，市直各部门、单位：", "现将《2021 年全市普法依法治理工作要点》印发给你们，请结合实际认真贯彻落实。")}},
	}
	for _, e := range seq {
		if _, err := l.publish(e.col, e.dept, e.in); err != nil {
			return err
		}
	}
	old, err := l.publish("zcwj", "fzk", catalog.Input{DocType: "policy", Title: "临沂市司法局行政执法公示办法（试行）", DocNo: "临司发〔2019〕12号",
		WrittenOn: "2019-08-20", PublishedOn: "2019-08-26", Validity: "in_force", Topic: `公安、安全、司法\司法`, Genre: "通知",
		Fields: map[string]string{"normative": "1", "reg_no": "LYDR-2019-0150012", "effective_on": "2019-09-01"},
		Body:   para("第一条 为规范行政执法公示工作，根据有关规定，结合本局实际，制定本办法。", "第二条 本办法所称行政执法公示，是指……")})
	if err != nil {
		return err
	}
	policy, err := l.publish("zcwj", "fzk", catalog.Input{DocType: "policy", Title: "临沂市司法局行政执法公示办法", DocNo: "临司发〔2021〕8号",
		WrittenOn: "2021-05-10", PublishedOn: "2021-05-14", Validity: "in_force", Topic: `公安、安全、司法\司法`, Genre: "通知",
		Keywords: "行政执法,公示,三项制度", Fields: map[string]string{"normative": "1", "reg_no": "LYDR-2021-0150001", "effective_on": "2021-06-15", "expires_on": fmt.Sprintf("%d-06-14", l.today.Year+2)},
		Body: para("第一条 为全面推行行政执法公示制度，保障公民、法人和其他组织的知情权、参与权、表达权、监督权，根据《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》，制定本办法。",
			"第二条 本局及所属单位在行政执法事前、事中、事后环节公开行政执法信息，适用本办法。",
			"第三条 行政执法决定信息自作出执法决定之日起 7 个工作日内公开。")})
	if err != nil {
		return err
	}
	// The trial measures were replaced by the 2021 measures.
	in, err := l.cat.InputOf(l.ctx, old)
	if err != nil {
		return err
	}
	in.Validity, in.SuccessorID, in.ChangeNote = "repealed", policy.ID, "《临沂市司法局行政执法公示办法》（临司发〔2021〕8号）施行，本办法同时废止"
	if _, err := l.cat.Update(l.ctx, l.admin, l.site.ID, old.ID, in); err != nil {
		return err
	}
	reportYear, _ := LatestAnnualReport(l.today)
	// A report for every year since the site's first (2019), as the
	// self-inspection expects (条例第四十九条); 2020's and last year's are
	// written out below.
	var reports []entry
	for y := 2019; y < reportYear; y++ {
		if y == 2020 {
			continue
		}
		reports = append(reports, entry{"gknb", "bgs", catalog.Input{DocType: "annual_report", Title: fmt.Sprintf("临沂市司法局%d年政府信息公开工作年度报告", y),
			PublishedOn: fmt.Sprintf("%d-01-26", y+1), Fields: map[string]string{"report_year": strconv.Itoa(y)},
			Body: para("一、总体情况……", "二、主动公开政府信息情况……", "三、收到和处理政府信息公开申请情况……", "四、政府信息公开行政复议、行政诉讼情况……")}})
	}
	rest := []entry{
		{"zcjd", "fzk", catalog.Input{DocType: "interpretation", Title: "《临沂市司法局行政执法公示办法》政策解读", PublishedOn: "2021-05-17", Interprets: []int64{policy.ID},
			Fields: map[string]string{"form": "文字解读",
				"background": "行政执法公示是行政执法“三项制度”的重要内容。此前本局执法信息公开的范围、时限和渠道不够统一，群众查询不便，需要以规范性文件加以明确。",
				"basis":      "《中华人民共和国行政处罚法》第三十九条、第四十八条；《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》（国办发〔2018〕118号）；《山东省行政执法公示办法》。",
				"purpose":    "保障行政相对人和社会公众的知情权、参与权、表达权和监督权，促进严格规范公正文明执法。",
				"measures":   "一是明确事前公开：执法主体、人员、职责、权限、依据、程序、救济渠道和随机抽查事项清单。\n二是规范事中公示：执法人员出示执法证件、出具执法文书。\n三是加强事后公开：行政许可、行政处罚决定自作出之日起7个工作日内公开，撤销、变更的决定3日内撤下并说明理由。",
				"glossary":   "行政执法“三项制度”：行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度。",
				"contact":    "临沂市司法局法制科，电话：(0539)8314196。"}, Author: "法制科",
			Body: para("《临沂市司法局行政执法公示办法》已经局务会议审议通过，现就有关内容解读如下。")}},
		{"tjsj", "zfk", catalog.Input{DocType: "statistics", Title: "2021年上半年全市司法行政业务数据", PublishedOn: "2021-07-20",
			Fields: map[string]string{"period": "2021年1—6月", "data_source": "市司法局各业务科室", "unit": "件",
				"data": "项目,2021年1—6月,2020年1—6月\n法律援助案件,3862,3517\n人民调解纠纷,21450,19872\n公证业务,16230,15104\n司法鉴定业务,5120,4876\n行政复议案件,412,389\n行政执法监督检查,186,142\n"},
			Body: para("2021年上半年，全市司法行政系统共办理法律援助案件3862件，同比增长9.8%；人民调解组织调解纠纷21450件，同比增长7.9%。")}},
		{"rsrm", "bgs", catalog.Input{DocType: "appointment", Title: "临沂市司法局关于张某某等同志职务任免的通知", PublishedOn: l.daysAgo(40), DocNo: fmt.Sprintf("临司任〔%d〕3号", l.yearAgo(40)),
			Fields: map[string]string{"kind": "任免"}, Body: para("经局党组研究决定：任命张某某为……；免去李某某……职务。")}},
		{"gkzd", "bgs", catalog.Input{Title: "临沂市司法局政府信息公开工作制度", PublishedOn: "2021-02-03", Body: para("为规范政府信息公开工作，制定本制度。包括信息发布审核、依申请公开办理、保密审查和考核评议等内容。")}},
		{"jgzn", "bgs", catalog.Input{Title: "临沂市司法局主要职责", PublishedOn: "2021-01-15", Body: para("贯彻落实党中央关于全面依法治国的方针政策和决策部署……")}},
		{"ldxx", "bgs", catalog.Input{Title: "关于调整市司法局领导班子成员工作分工的通知", PublishedOn: l.daysAgo(120), Body: para("根据工作需要，经局党委研究，对局领导班子成员工作分工作如下调整。调整后的姓名、职务、分工和简历见本栏目的领导信息（演示数据）。")}},
		{"jgsz", "bgs", catalog.Input{Title: "临沂市司法局内设机构", PublishedOn: "2021-01-15", Body: para("办公室、法制科、普法与依法治理科、行政执法协调监督科、公共法律服务管理科……")}},
		{"qzqd", "fzk", catalog.Input{Title: "临沂市司法局权责清单（2021年版）", PublishedOn: "2021-04-12", Body: para("行政许可、行政处罚、行政检查等权责事项共……项。")}},
		{"zzbjqd", "fzk", catalog.Input{Title: "临沂市司法局职责边界清单", PublishedOn: "2021-04-12", Body: para("与相关部门的职责边界……")}},
		{"xzzfgs", "zfk", catalog.Input{Title: "临沂市司法局2020年度行政执法总体情况", PublishedOn: "2021-01-29", Body: para("2020年，本局共实施行政处罚……件，行政检查……次。")}},
		{"zmsxqd", "ggk", catalog.Input{Title: "临沂市司法局证明事项实施清单", PublishedOn: "2021-03-08", Body: para("保留的证明事项……项，实行告知承诺制的……项。")}},
		{"zwfwsx", "ggk", catalog.Input{Title: "临沂市司法局政务服务事项目录", PublishedOn: "2021-03-08", Body: para("依申请政务服务事项……项。")}},
		{"bszn", "ggk", catalog.Input{Title: "法律援助申请办事指南", PublishedOn: "2021-03-10", Body: para("事项名称：法律援助申请", "设定依据：《法律援助条例》", "申请条件：……", "办理材料：……", "办理时限：……")}},
		{"ssjygk", "zfk", catalog.Input{Title: "临沂市司法局2021年度“双随机、一公开”抽查计划", PublishedOn: "2021-03-15", Body: para("抽查事项、抽查比例、抽查时间……")}},
		{"zdxzjc", "fzk", catalog.Input{Title: "临沂市司法局2021年度重大行政决策事项目录", PublishedOn: "2021-03-31", Body: para("根据《重大行政决策程序暂行条例》，本局2021年度重大行政决策事项……")}},
		{"zybszx", "bgs", catalog.Input{Title: "市司法局落实《政府工作报告》重点任务进展情况", PublishedOn: l.daysAgo(60), Body: para("执行措施、实施步骤、责任分工、工作进展……")}},
		{"jytabl", "bgs", catalog.Input{Title: "关于市政协十四届五次会议第0123号提案的答复", PublishedOn: "2021-07-05", Body: para("您提出的《关于加强基层公共法律服务的提案》收悉，现答复如下……")}},
		{"czyjs", "bgs", catalog.Input{Title: "临沂市司法局2021年部门预算", PublishedOn: "2021-02-10", Body: para("一、部门职责……", "二、收支预算总表……")}},
		{"zfcg", "bgs", catalog.Input{DocType: "notice", Title: "临沂市司法局法律援助服务采购项目成交公告", PublishedOn: "2021-08-02", Validity: "in_force", Body: para("项目名称、成交供应商、成交金额……")}},
		{"ggzypz", "bgs", catalog.Input{DocType: "notice", Title: "临沂市司法局公共资源配置信息公开", PublishedOn: "2021-08-02", Body: para("公共资源配置……")}},
		{"gknb", "bgs", catalog.Input{DocType: "annual_report", Title: "临沂市司法局2020年政府信息公开工作年度报告", PublishedOn: "2021-01-28",
			Fields: map[string]string{"report_year": "2020"}, Body: para("本报告根据《中华人民共和国政府信息公开条例》第五十条编制……")}},
		{"dczj", "fzk", catalog.Input{DocType: "consultation", Title: "关于《临沂市公共法律服务条例（草案征求意见稿）》公开征求意见的公告", PublishedOn: l.daysAgo(10),
			Fields: map[string]string{"opens_on": l.daysAgo(10), "closes_on": l.daysAgo(-20), "channels": "电子邮箱：lyssfj@ly.shandong.cn；信函：临沂市北城新区北京路8号 市司法局法制科"},
			Body:   para("为提高立法质量，现将草案全文公布，征求意见期限为30日。")}},
		{"hygk", "bgs", catalog.Input{Title: "市司法局召开涉企政策制定利益相关方座谈会", PublishedOn: l.daysAgo(25), Body: para("邀请企业代表、律师和媒体列席……")}},
		{"hdjlzx", "bgs", catalog.Input{Title: l.quarterTitle(50, "网站留言办理情况统计"), PublishedOn: l.daysAgo(50), Body: para("本季度共收到留言……件，已全部办结。")}},
		{"gzdt", "pfk", catalog.Input{DocType: "news", Title: "市司法局开展“宪法宣传周”系列活动", PublishedOn: l.daysAgo(3), Author: "普法科", Fields: map[string]string{"source": "临沂市司法局"},
			Body: para("为深入学习宣传宪法，市司法局组织开展宪法宣传周系列活动……")}},
		{"gzdt", "ggk", catalog.Input{DocType: "news", Title: "全市公共法律服务工作推进会召开", PublishedOn: l.daysAgo(8), Fields: map[string]string{"source": "临沂市司法局"},
			Body: para("会议总结了今年以来全市公共法律服务工作……")}},
		{"tzgg", "bgs", catalog.Input{DocType: "notice", Title: fmt.Sprintf("临沂市司法局关于开展%d年度法律援助志愿服务活动的通知", l.yearAgo(5)), PublishedOn: l.daysAgo(5), Validity: "in_force",
			Body: para("为深入推进公共法律服务体系建设，现就开展法律援助志愿服务活动通知如下……")}},
	}
	for _, e := range append(rest, reports...) {
		if _, err := l.publish(e.col, e.dept, e.in); err != nil {
			return err
		}
	}
	if err := l.lastYearNormative(); err != nil {
		return err
	}
	return l.lapses()
}

// lastYearNormative adds the two 行政规范性文件 the bureau issued in the year
// the latest annual report covers, each with its interpretation on the day
// of publication, so the report's part 二 (条例第二十条第（一）项: 本年制发)
// counts true documents.
func (l *loader) lastYearNormative() error {
	y := l.today.Year - 1
	docs := []struct {
		title, dept, docNo, regNo, written, published, effective, form string
		body                                                           []string
	}{
		{"临沂市司法局行政复议案件听证办法", "fzk", fmt.Sprintf("临司发〔%d〕3号", y), fmt.Sprintf("LYDR-%d-0150003", y),
			fmt.Sprintf("%d-03-17", y), fmt.Sprintf("%d-03-20", y), fmt.Sprintf("%d-04-20", y), "文字解读",
			[]string{"第一条 为规范行政复议听证工作，保障当事人陈述、申辩的权利，根据《中华人民共和国行政复议法》第五十条，制定本办法。", "第二条 审理重大、疑难、复杂的行政复议案件，应当组织听证……"}},
		{"临沂市司法局关于规范法律援助案件质量评估工作的通知", "ggk", fmt.Sprintf("临司发〔%d〕11号", y), fmt.Sprintf("LYDR-%d-0150011", y),
			fmt.Sprintf("%d-09-08", y), fmt.Sprintf("%d-09-11", y), fmt.Sprintf("%d-10-01", y), "图解",
			[]string{"各县区司法局、局机关各科室：", "为提升法律援助服务质量，现就法律援助案件质量评估工作通知如下：评估范围为上一季度结案的法律援助案件，评估结果向社会公开……"}},
	}
	for _, d := range docs {
		doc, err := l.publish("zcwj", d.dept, catalog.Input{DocType: "policy", Title: d.title, DocNo: d.docNo,
			WrittenOn: d.written, PublishedOn: d.published, Validity: "in_force", Genre: "通知", Topic: `公安、安全、司法\司法`,
			Fields: map[string]string{"normative": "1", "reg_no": d.regNo, "effective_on": d.effective}, Body: para(d.body...)})
		if err != nil {
			return err
		}
		if _, err := l.publish("zcjd", d.dept, catalog.Input{DocType: "interpretation", Title: "《" + d.title + "》政策解读",
			PublishedOn: d.published, Interprets: []int64{doc.ID}, Fields: map[string]string{"form": d.form,
				"background":       "根据上级部署和本局工作实际，需要进一步规范相关工作程序。",
				"basis":            "《中华人民共和国行政复议法》；《中华人民共和国法律援助法》。",
				"purpose":          "统一工作标准，保障群众合法权益。",
				"measures":         "明确适用范围、工作程序和监督方式。",
				"text_alternative": "解读要点：适用范围、工作程序、监督方式。",
				"contact":          "临沂市司法局办公室，电话：(0539)8314196。"},
			Body: para("《" + d.title + "》已经局务会议审议通过，现就有关内容解读如下。")}); err != nil {
			return err
		}
	}
	return nil
}

// lapses adds the realistic lapses the self-inspection must find (and
// nothing else): a policy document whose interpretation came late, one
// that still has none, and the 统计数据 column left without its quarterly update.
func (l *loader) lapses() error {
	late, err := l.publish("zcwj", "fzk", catalog.Input{DocType: "policy", Title: "临沂市司法局关于进一步规范行政执法案卷评查工作的通知",
		DocNo: fmt.Sprintf("临司发〔%d〕15号", l.yearAgo(47)), WrittenOn: l.daysAgo(47), PublishedOn: l.daysAgo(45), Validity: "in_force", Genre: "通知", Topic: `公安、安全、司法\司法`,
		Body: para("各县区司法局、局机关各科室：", "为提高行政执法案卷质量，现就规范案卷评查工作通知如下……")})
	if err != nil {
		return err
	}
	if _, err := l.publish("zcjd", "fzk", catalog.Input{DocType: "interpretation", Title: "图解：《关于进一步规范行政执法案卷评查工作的通知》",
		PublishedOn: l.daysAgo(20), Interprets: []int64{late.ID}, Fields: map[string]string{"form": "图解",
			"background":       "部分行政执法案卷存在文书不规范、证据不充分等问题。",
			"basis":            "《中华人民共和国行政处罚法》；《山东省行政执法监督条例》。",
			"purpose":          "以评查促规范，提高行政执法案卷质量。",
			"measures":         "评查范围：上一年度办结的行政许可、行政处罚、行政检查案卷。\n评查标准：主体合法、事实清楚、证据确凿、程序合法、文书规范。\n结果运用：评查结果纳入法治政府建设考核。",
			"text_alternative": "图解一：评查范围——上一年度办结的行政许可、行政处罚、行政检查案卷。\n图解二：评查标准——主体合法、事实清楚、证据确凿、程序合法、文书规范、归档完整。\n图解三：结果运用——评查结果通报全市并纳入法治政府建设考核。"},
		Body: para("一图读懂案卷评查的范围、标准和结果运用。")}); err != nil {
		return err
	}
	_, err = l.publish("zcwj", "ggk", catalog.Input{DocType: "policy", Title: "临沂市司法局公共法律服务事项清单管理办法",
		DocNo: fmt.Sprintf("临司发〔%d〕18号", l.yearAgo(22)), WrittenOn: l.daysAgo(22), PublishedOn: l.daysAgo(20), Validity: "in_force", Genre: "通知", Topic: `公安、安全、司法\司法`,
		Fields: map[string]string{"normative": "1", "reg_no": fmt.Sprintf("LYDR-%d-0150018", l.yearAgo(22))},
		Body:   para("第一条 为规范公共法律服务事项清单管理，制定本办法。", "第二条 ……")})
	return err
}
