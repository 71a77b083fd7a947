package lists

import (
	"bytes"
	"context"
	"fmt"
	"regexp"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
)

// The body's own facts that 条例第二十条（二） requires (机构职能、机构设置、
// 办公地址、办公时间、联系方式、负责人姓名) and seed task 13 asks to keep
// "实时更新": leaders and internal units as records, changed in one place
// and shown, with the edition's date, on their columns (Inline) and on the
// contact page (issue 15).

// Leaders is the 领导信息 list: one row per leader in office.
var Leaders = &Kind{
	Code: "leaders", Name: "领导信息",
	Intro:  "本机关领导的姓名、职务、工作分工和简历。",
	Basis:  "《中华人民共和国政府信息公开条例》第二十条第（二）项（负责人姓名）；临沂市司法局2021年政务公开重点任务第13项（机构职能、领导信息实时更新）",
	Column: "ldxx", Owner: "bgs", UpdateDays: defaultUpdateDays, Inline: true, InlineTitle: "领导班子成员",
	Fields: []catalog.Field{
		{Name: "seq", Label: "排序号", Kind: catalog.Text, Required: true, Max: 4, Help: "如 01，按领导班子排序"},
		{Name: "name", Label: "姓名", Kind: catalog.Text, Required: true, Max: 20},
		{Name: "post", Label: "职务", Kind: catalog.Text, Required: true, Max: 100},
		{Name: "duties", Label: "工作分工", Kind: catalog.TextArea, Required: true, Max: 2000},
		{Name: "resume", Label: "简历", Kind: catalog.TextArea, Max: 5000},
		{Name: "since", Label: "任职时间", Kind: catalog.Date},
		{Name: "photo", Label: "照片", Kind: catalog.Text, Max: 32, Help: "PNG、JPEG、GIF 或 WebP 图片，不超过 1 MB；用文件导入时，照片列保留导出文件中的原值"},
		{Name: "photo_alt", Label: "照片说明", Kind: catalog.Text, Max: 100, Help: "照片的文字说明（供读屏软件朗读），有照片时必填"},
	},
	Key: []string{"seq"}, Title: "name", Body: "post",
	ListCols: []string{"post", "duties"},
	Sections: []Section{
		{"基本信息", []string{"name", "post", "since"}},
		{"工作分工", []string{"duties"}},
		{"简历", []string{"resume", "photo", "photo_alt"}},
	},
	Images:   map[string]string{"photo": "photo_alt"},
	Patterns: map[string]Pattern{"seq": seqPattern, "photo": imagePattern},
}

// Units is the 机构设置 list: internal departments (内设机构) and affiliated
// units (直属单位) with their functions and contacts.
var Units = &Kind{
	Code: "units", Name: "机构设置",
	Intro:  "本机关内设机构和直属单位的名称、主要职责、负责人、办公地址、办公时间和联系电话。",
	Basis:  "《中华人民共和国政府信息公开条例》第二十条第（二）项（机构职能、内设机构、办公地址、办公时间、联系方式）",
	Column: "jgsz", Owner: "bgs", UpdateDays: defaultUpdateDays, Inline: true, InlineTitle: "内设机构和直属单位",
	Fields: []catalog.Field{
		{Name: "seq", Label: "排序号", Kind: catalog.Text, Required: true, Max: 4},
		{Name: "name", Label: "机构名称", Kind: catalog.Text, Required: true, Max: 100},
		{Name: "kind", Label: "类别", Kind: catalog.Enum, Required: true, Facet: true, Options: []catalog.Option{
			{Value: "internal", Label: "内设机构"}, {Value: "affiliated", Label: "直属单位"}, {Value: "other", Label: "其他"}}},
		{Name: "functions", Label: "主要职责", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "head", Label: "负责人", Kind: catalog.Text, Max: 50},
		{Name: "phone", Label: "联系电话", Kind: catalog.Text, Max: 50},
		{Name: "address", Label: "办公地址", Kind: catalog.Text, Max: 200},
		{Name: "hours", Label: "办公时间", Kind: catalog.Text, Max: 100},
	},
	Key: []string{"seq"}, Title: "name", Body: "name",
	ListCols: []string{"kind", "head", "phone"},
	Sections: []Section{
		{"基本信息", []string{"name", "kind", "head"}},
		{"主要职责", []string{"functions"}},
		{"联系方式", []string{"phone", "address", "hours"}},
	},
	Patterns: map[string]Pattern{"seq": seqPattern},
}

var seqPattern = Pattern{RE: regexp.MustCompile(`^[0-9]{1,4}$`), Message: "请填写 1 至 4 位数字"}

// imagePattern is an uploaded image's blob key (internal/blob: 32 hex
// digits): a photo is uploaded in the row form, never typed as an address.
var imagePattern = Pattern{RE: regexp.MustCompile(`^[0-9a-f]{32}$`), Message: "照片须在后台逐条编辑时上传，不能填写网址"}

func init() { Register(Leaders); Register(Units) }

// Contacts are the rows of the current 机构设置 edition with a phone or an
// address, for the contact page (nil when the list is not published).
func (s *Service) Contacts(ctx context.Context, siteID int64) (*Edition, []Row, error) {
	ed, err := s.Current(ctx, siteID, Units)
	if err != nil || ed == nil {
		return nil, nil, err
	}
	rows, err := s.Rows(ctx, ed.ID)
	if err != nil {
		return nil, nil, err
	}
	out := rows[:0]
	for _, r := range rows {
		if r.Values["phone"] != "" || r.Values["address"] != "" {
			out = append(out, r)
		}
	}
	return ed, out, nil
}

// Demo rows: the bureau's structure as the demo shows it (names of
// departments as in the demo's 科室; leaders are illustrative, not the
// bureau's real people).
var demoLeaders = []map[string]string{
	{"seq": "01", "name": "张明（演示）", "post": "党委书记、局长", "duties": "主持市司法局全面工作。", "since": "2021-03-15",
		"resume": "男，汉族，1972年生，法学硕士。历任县司法局局长、市政府法制办副主任等职。（演示数据）"},
	{"seq": "02", "name": "李华（演示）", "post": "党委委员、副局长", "duties": "负责行政立法、行政复议应诉、行政执法协调监督工作，分管法制科、行政复议科、行政执法协调监督科。", "since": "2020-08-01",
		"resume": "女，汉族，1978年生，法学学士。（演示数据）"},
	{"seq": "03", "name": "王强（演示）", "post": "党委委员、副局长", "duties": "负责公共法律服务、律师公证、法律援助工作，分管公共法律服务管理科、律师工作科、市法律援助中心。", "since": "2022-01-10",
		"resume": "男，汉族，1975年生。（演示数据）"},
	{"seq": "04", "name": "赵敏（演示）", "post": "党委委员、政治部主任", "duties": "负责队伍建设、普法与依法治理、人民参与和促进法治工作，分管办公室、普法与依法治理科。", "since": "2019-06-20",
		"resume": "女，汉族，1980年生。（演示数据）"},
}

var demoUnits = []map[string]string{
	{"seq": "1", "name": "办公室", "kind": "internal", "functions": "负责机关日常运转，承担政务公开、信息、安全、保密、信访、档案等工作。", "head": "孙主任（演示）", "phone": "(0539)8314196", "address": "临沂市北城新区北京路8号临沂市政务服务中心7楼", "hours": "工作日 9:00—12:00，13:30—17:00"},
	{"seq": "2", "name": "法制科", "kind": "internal", "functions": "承担规范性文件合法性审核、重大行政决策合法性审查和地方立法相关工作。", "head": "周科长（演示）", "phone": "(0539)8314201", "address": "临沂市政务服务中心7楼", "hours": "工作日 9:00—12:00，13:30—17:00"},
	{"seq": "3", "name": "行政执法协调监督科", "kind": "internal", "functions": "承担行政执法协调监督、行政执法证件管理和“双随机、一公开”监管工作。", "head": "吴科长（演示）", "phone": "(0539)8314205", "address": "临沂市政务服务中心7楼"},
	{"seq": "4", "name": "公共法律服务管理科", "kind": "internal", "functions": "承担公共法律服务体系建设，指导管理公证、司法鉴定、基层法律服务工作。", "head": "郑科长（演示）", "phone": "(0539)8314210", "address": "临沂市政务服务中心7楼"},
	{"seq": "5", "name": "普法与依法治理科", "kind": "internal", "functions": "承担法治宣传教育和依法治理工作。", "head": "冯科长（演示）", "phone": "(0539)8314215", "address": "临沂市政务服务中心7楼"},
	{"seq": "6", "name": "市法律援助中心", "kind": "affiliated", "functions": "组织实施法律援助，受理、审查法律援助申请，指派律师等提供法律援助。", "head": "陈主任（演示）", "phone": "12348", "address": "临沂市兰山区公共法律服务中心1楼", "hours": "工作日 9:00—17:00"},
}

// LoadOrgDemo publishes the demo's leaders and units, as actor, as kept
// current: their edition took effect two months before today.
func (s *Service) LoadOrgDemo(ctx context.Context, siteID int64, actor *auth.User, today calendar.Date) error {
	on := today.AddDays(-61).String()
	for _, st := range []struct {
		k    *Kind
		rows []map[string]string
		on   string
	}{{Leaders, demoLeaders, on}, {Units, demoUnits, on}} {
		var buf bytes.Buffer
		if err := st.k.writeRaw(&buf, st.rows); err != nil {
			return err
		}
		if _, err := s.Import(ctx, siteID, st.k, actor, Import{File: buf.Bytes(), FileName: st.k.Name + ".csv", Note: st.k.Name + "（领导分工和机构设置调整后更新）。", EffectiveOn: st.on, Publish: true}); err != nil {
			return fmt.Errorf("demo %s: %w", st.k.Code, err)
		}
	}
	return nil
}
