// Package enforce declares the records of 行政执法公示 (enforcement publicity,
// RECORDS §2) and of 办事指南 / 政务服务事项目录 (RECORDS §3) as list kinds of
// the list engine (internal/lists), and adds what the engine does not know:
// the publication deadlines of enforcement decisions counted in working
// days (internal/calendar), their withdrawal, the yearly enforcement
// figures computed from the decisions, and the self-inspection of late
// decisions and incomplete service guides. Each record kind is declared
// once here; pages, API, exports, search and feeds are the engine's.
package enforce

import (
	"regexp"

	"gongkai/internal/catalog"
	"gongkai/internal/lists"
)

// Column slugs of the 信息公开 columns the kinds sit under (the demo site's
// 行政执法公示 and 政务服务 columns).
const (
	columnEnforce = "xzzfgs"
	columnGuides  = "bszn"
	columnCatalog = "zwfwsx"
	owner         = "fzk" // 法制科 keeps the enforcement publicity (118号: 法制审核机构)
)

// Column is the slug of the 行政执法公示 column, under which the
// enforcement figures and the certificate look-up are listed too.
const Column = columnEnforce

var codeRE = lists.Pattern{RE: regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_.\-]*$`),
	Message: "编码只能由字母、数字和“-”“_”“.”组成，且以字母或数字开头"}

// Categories are the 执法类别 of decisions and matters: the power types of
// RECORDS §1.2 (the enforcement subset of the 权责清单, §2.2 执法权限).
var Categories = lists.PowerTypes

// BodyNatures are the 实施主体性质 (RECORDS §3.3, [R54]).
var BodyNatures = []catalog.Option{
	{Value: "statutory", Label: "法定行政机关"},
	{Value: "authorised", Label: "法律法规授权组织"},
	{Value: "entrusted", Label: "受委托组织"},
}

// Bodies is the 行政执法主体 list (118号 事前公开: 主体; fields per RECORDS
// §2.2 [R15]: 名称、具体职责、内设执法机构、管辖范围、执法区域、办公地址、咨询监督电话).
var Bodies = &lists.Kind{
	Code: "enforcement_bodies", Name: "行政执法主体",
	Intro:  "本清单公布本机关及所属行政执法主体的名称、性质、执法职责、内设执法机构、管辖范围和联系方式。",
	Basis:  "国办发〔2018〕118号（行政执法公示制度：事前公开执法主体）；《山东省优化营商环境条例》第四十四条",
	Column: columnEnforce, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "code", Label: "主体编号", Kind: catalog.Text, Required: true, Max: 40},
		{Name: "name", Label: "执法主体名称", Kind: catalog.Text, Required: true, Max: 100},
		{Name: "nature", Label: "主体性质", Kind: catalog.Select, Required: true, Options: BodyNatures, Facet: true},
		{Name: "uscc", Label: "统一社会信用代码", Kind: catalog.Text, Max: 18},
		{Name: "duties", Label: "执法职责", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "units", Label: "内设执法机构", Kind: catalog.TextArea, Max: 2000},
		{Name: "jurisdiction", Label: "管辖范围", Kind: catalog.TextArea, Max: 2000},
		{Name: "area", Label: "执法区域", Kind: catalog.Text, Max: 200},
		{Name: "basis", Label: "主体资格依据", Kind: catalog.TextArea, Max: 2000},
		{Name: "address", Label: "办公地址", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "phone", Label: "咨询监督电话", Kind: catalog.Text, Required: true, Max: 60},
		{Name: "remark", Label: "备注", Kind: catalog.TextArea, Max: 1000},
	},
	Key: []string{"code"}, Title: "name", Body: "name", ListCols: []string{"nature", "area", "phone"},
	Sections: []lists.Section{
		{Title: "基本信息", Fields: []string{"code", "name", "nature", "uscc", "basis"}},
		{Title: "职责和范围", Fields: []string{"duties", "units", "jurisdiction", "area"}},
		{Title: "联系方式", Fields: []string{"address", "phone"}},
		{Title: "其他", Fields: []string{"remark"}},
	},
	Patterns: map[string]lists.Pattern{"code": codeRE},
}

// StaffCategories are the 执法类别 printed on certificates; the national
// classes are not in RECORDS (UNVERIFIED), so the list is the justice
// sector's practice and "其他" covers the rest.
var StaffCategories = []catalog.Option{
	{Value: "comprehensive", Label: "综合执法"},
	{Value: "lawyer", Label: "律师管理"},
	{Value: "notary", Label: "公证管理"},
	{Value: "forensic", Label: "司法鉴定管理"},
	{Value: "grassroots", Label: "基层法律服务管理"},
	{Value: "aid", Label: "法律援助管理"},
	{Value: "other", Label: "其他"},
}

// Staff is the 行政执法人员清单 (RECORDS §2.2: 姓名、执法证号 required,
// 执法类别、执法区域 practice [R15][R16]). Officers' names are published in
// full (they act in public office, 118号); photos, ID numbers and phones are
// not fields at all (RECORDS §2.2, platform). 有效期至 serves the public
// certificate lookup (RECORDS §2.3: 证号 → name, unit, category, validity).
var Staff = &lists.Kind{
	Code: "enforcement_staff", Name: "行政执法人员",
	Intro:  "本清单公布本机关持有行政执法证件的人员姓名、执法证号、所在单位、执法类别和执法区域。执法人员在执法时应当主动出示执法证件；您可以按证号查询证件信息。",
	Basis:  "国办发〔2018〕118号（事前公开执法人员；事中出示执法证件）",
	Column: columnEnforce, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "cert_no", Label: "执法证号", Kind: catalog.Text, Required: true, Max: 30},
		{Name: "name", Label: "姓名", Kind: catalog.Text, Required: true, Max: 30},
		{Name: "unit", Label: "所在单位", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "category", Label: "执法类别", Kind: catalog.Select, Required: true, Options: StaffCategories, Facet: true},
		{Name: "area", Label: "执法区域", Kind: catalog.Text, Required: true, Max: 100},
		{Name: "issuer", Label: "发证机关", Kind: catalog.Text, Max: 100},
		{Name: "valid_until", Label: "有效期至", Kind: catalog.Date, Required: true},
	},
	Key: []string{"cert_no"}, Title: "name", Body: "unit", ListCols: []string{"unit", "category", "area", "valid_until"},
	Sections: []lists.Section{{Title: "执法证件", Fields: []string{"cert_no", "name", "unit", "category", "area", "issuer", "valid_until"}}},
	Patterns: map[string]lists.Pattern{"cert_no": codeRE},
}

// Matters is the 行政执法事项 list with each matter's 职责、依据、程序
// (the 执法流程 steps, drawn as the 执法流程图), 救济渠道 and 监督举报: the
// 事前公开 elements of 118号 other than bodies and staff (RECORDS §2.2
// [R12][R15]; 行政处罚法第三十九条: 实施机关、立案依据、实施程序和救济渠道 [R1]).
var Matters = &lists.Kind{
	Code: "enforcement_matters", Name: "行政执法事项",
	Intro:  "本清单公布本机关各项行政执法事项的职责、依据、程序、救济渠道和监督方式，并附执法流程图。",
	Basis:  "国办发〔2018〕118号；《中华人民共和国行政处罚法》第三十九条",
	Column: columnEnforce, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "code", Label: "事项编码", Kind: catalog.Text, Required: true, Max: 40},
		{Name: "name", Label: "执法事项名称", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "category", Label: "执法类别", Kind: catalog.Select, Required: true, Options: Categories, Facet: true},
		{Name: "body", Label: "实施机关", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "unit", Label: "承办机构", Kind: catalog.Text, Max: 100},
		{Name: "duties", Label: "执法职责", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "basis", Label: "执法依据", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "basis_doc", Label: "依据文件", Kind: catalog.Link, Help: "本站信息编号（如该法规或规范性文件已在本站发布）"},
		{Name: "steps", Label: "执法程序", Kind: catalog.TextArea, Required: true, Max: 5000, Help: "每行一个环节，按先后顺序填写，将据此生成执法流程图"},
		{Name: "time_limit", Label: "办理时限", Kind: catalog.Text, Max: 200},
		{Name: "remedy", Label: "救济渠道", Kind: catalog.TextArea, Required: true, Max: 2000, Help: "陈述、申辩、听证权利；行政复议和行政诉讼的机关及期限"},
		{Name: "supervision", Label: "监督举报", Kind: catalog.TextArea, Required: true, Max: 2000, Help: "监督电话、地址、邮编、电子邮箱和处理程序"},
	},
	Key: []string{"code"}, Title: "name", Body: "body", ListCols: []string{"category", "body"},
	Sections: []lists.Section{
		{Title: "基本信息", Fields: []string{"code", "name", "category", "body", "unit", "time_limit"}},
		{Title: "职责和依据", Fields: []string{"duties", "basis", "basis_doc"}},
		{Title: "执法程序", Fields: []string{"steps"}},
		{Title: "救济和监督", Fields: []string{"remedy", "supervision"}},
	},
	Patterns: map[string]lists.Pattern{"code": codeRE},
	Flow:     "steps",
}

func init() {
	lists.Register(Bodies)
	lists.Register(Staff)
	lists.Register(Matters)
	lists.Register(Decisions)
	lists.Register(Guides)
	lists.Register(Catalog)
}
