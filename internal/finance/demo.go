package finance

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/auth"
	"gongkai/internal/lists"
)

// The demo's finance information of the 临沂市司法局: the 2024 and 2025
// budgets and the 2023 and 2024 final accounts (so both have a year-on-year
// comparison), built as real workbooks (merged headers, a unit row, blank
// rows) and imported through ParseWorkbook, and a year (2025) of
// procurement intentions, notices and results and public-resource
// transactions. Figures are illustrative, computed from one set of items
// so that every total adds up; they are not the bureau's published data.

const demoUnit = "临沂市司法局"

// demoItem is a 功能分类 item at 项 level, in 0.01 万元: 基本支出 and 项目支出.
type demoItem struct {
	code, name  string
	basic, proj int64
}

func demoItems(year int) []demoItem {
	// Each year differs a little from the last (grow ‰ per year from 2025).
	g := func(v int64, permille int64) int64 { return v + v*permille*int64(year-2025)/1000 }
	return []demoItem{
		{"2040601", "行政运行", g(286045, 40), 0},
		{"2040602", "一般行政管理事务", 0, g(18600, -60)},
		{"2040604", "基层司法业务", 0, g(32050, 30)},
		{"2040605", "普法宣传", 0, g(21000, 50)},
		{"2040606", "律师管理", 0, g(9530, 20)},
		{"2040607", "公共法律服务", 0, g(126000, 80)},
		{"2040610", "社区矫正", 0, g(48020, 10)},
		{"2040612", "法治建设", 0, g(15680, 120)},
		{"2080505", "机关事业单位基本养老保险缴费支出", g(29836, 30), 0},
		{"2080506", "机关事业单位职业年金缴费支出", g(14918, 30), 0},
		{"2101101", "行政单位医疗", g(13260, 30), 0},
		{"2210201", "住房公积金", g(22410, 30), 0},
	}
}

func wan(v int64) string {
	s := fmt.Sprintf("%d.%02d", v/100, v%100)
	if v < 0 {
		s = fmt.Sprintf("-%d.%02d", -v/100, -v%100)
	}
	return s
}

type demoSheet struct {
	name   string
	header [][]string // merged horizontally where a cell repeats the one before
	rows   [][]string
}

func demoWorkbook(kind string, year int) ([]byte, error) {
	items := demoItems(year)
	var basic, proj int64
	groups := map[string][2]int64{} // 类 and 款 subtotals
	for _, it := range items {
		basic, proj = basic+it.basic, proj+it.proj
		for _, k := range []string{it.code[:3], it.code[:5]} {
			g := groups[k]
			groups[k] = [2]int64{g[0] + it.basic, g[1] + it.proj}
		}
	}
	total := basic + proj
	other := int64(5000) // 其他收入 50 万元 (法律援助 fees and interest)
	label := "预算数"
	if kind == Final {
		label = "决算数"
	}
	names := map[string]string{"204": "公共安全支出", "20406": "司法", "208": "社会保障和就业支出", "20805": "行政事业单位养老支出",
		"210": "卫生健康支出", "21011": "行政事业单位医疗", "221": "住房保障支出", "22102": "住房改革支出"}
	var funcRows [][]string
	last3, last5 := "", ""
	for _, it := range items {
		if it.code[:3] != last3 {
			last3 = it.code[:3]
			g := groups[last3]
			funcRows = append(funcRows, []string{last3, names[last3], wan(g[0] + g[1]), wan(g[0]), wan(g[1])})
		}
		if it.code[:5] != last5 {
			last5 = it.code[:5]
			g := groups[last5]
			funcRows = append(funcRows, []string{last5, "  " + names[last5], wan(g[0] + g[1]), wan(g[0]), wan(g[1])})
		}
		funcRows = append(funcRows, []string{it.code, "    " + it.name, wan(it.basic + it.proj), wan(it.basic), wan(it.proj)})
	}
	funcRows = append([][]string{{"", "合计", wan(total), wan(basic), wan(proj)}}, funcRows...)
	// 基本支出 by economic class: 人员经费 (301, 303) and 公用经费 (302).
	pers := basic * 86 / 100
	pub := basic - pers
	econ := [][]string{
		{"", "合计", wan(basic), wan(pers), wan(pub)},
		{"301", "工资福利支出", wan(pers - 1850), wan(pers - 1850), ""},
		{"30101", "  基本工资", wan((pers - 1850) * 30 / 100), wan((pers - 1850) * 30 / 100), ""},
		{"30102", "  津贴补贴", wan((pers - 1850) * 48 / 100), wan((pers - 1850) * 48 / 100), ""},
		{"30108", "  机关事业单位基本养老保险缴费", wan((pers - 1850) - (pers-1850)*30/100 - (pers-1850)*48/100), wan((pers - 1850) - (pers-1850)*30/100 - (pers-1850)*48/100), ""},
		{"302", "商品和服务支出", wan(pub), "", wan(pub)},
		{"30201", "  办公费", wan(pub * 35 / 100), "", wan(pub * 35 / 100)},
		{"30211", "  差旅费", wan(pub * 15 / 100), "", wan(pub * 15 / 100)},
		{"30217", "  公务接待费", wan(620), "", wan(620)},
		{"30231", "  公务用车运行维护费", wan(1850), "", wan(1850)},
		{"30299", "  其他商品和服务支出", wan(pub - pub*35/100 - pub*15/100 - 620 - 1850), "", wan(pub - pub*35/100 - pub*15/100 - 620 - 1850)},
		{"303", "对个人和家庭的补助", wan(1850), wan(1850), ""},
	}
	ss := []demoSheet{
		{"收支总表", [][]string{{"收入", "收入", "支出", "支出"}, {"项目", label, "项目", label}}, [][]string{
			{"一、一般公共预算拨款收入", wan(total - other), "一、公共安全支出", wan(groups["204"][0] + groups["204"][1])},
			{"二、政府性基金预算拨款收入", "", "二、社会保障和就业支出", wan(groups["208"][0] + groups["208"][1])},
			{"三、其他收入", wan(other), "三、卫生健康支出", wan(groups["210"][0] + groups["210"][1])},
			{"", "", "四、住房保障支出", wan(groups["221"][0] + groups["221"][1])},
			{"收入合计", wan(total), "支出合计", wan(total)},
		}},
		{"收入总表", [][]string{{"科目编码", "科目名称", "合计", "一般公共预算拨款收入", "政府性基金预算拨款收入", "其他收入"}}, [][]string{
			{"", "合计", wan(total), wan(total - other), "", wan(other)},
			{"20406", "司法", wan(groups["20406"][0] + groups["20406"][1]), wan(groups["20406"][0] + groups["20406"][1] - other), "", wan(other)},
			{"20805", "行政事业单位养老支出", wan(groups["20805"][0]), wan(groups["20805"][0]), "", ""},
			{"21011", "行政事业单位医疗", wan(groups["21011"][0]), wan(groups["21011"][0]), "", ""},
			{"22102", "住房改革支出", wan(groups["22102"][0]), wan(groups["22102"][0]), "", ""},
		}},
		{"支出总表", [][]string{{"科目编码", "科目名称", "合计", "基本支出", "项目支出"}}, funcRows},
		{"财政拨款收支总表", [][]string{{"收入", "收入", "支出", "支出"}, {"项目", label, "项目", label}}, [][]string{
			{"一、一般公共预算拨款", wan(total - other), "一、公共安全支出", wan(groups["204"][0] + groups["204"][1] - other)},
			{"二、政府性基金预算拨款", "", "二、社会保障和就业支出", wan(groups["208"][0])},
			{"", "", "三、卫生健康支出", wan(groups["210"][0])},
			{"", "", "四、住房保障支出", wan(groups["221"][0])},
			{"收入合计", wan(total - other), "支出合计", wan(total - other)},
		}},
		{"一般公共预算支出表", [][]string{{"科目编码", "科目名称", "合计", "基本支出", "项目支出"}}, funcRows},
		{"一般公共预算基本支出表", [][]string{{"经济分类科目编码", "经济分类科目名称", "一般公共预算基本支出", "一般公共预算基本支出", "一般公共预算基本支出"}, {"经济分类科目编码", "经济分类科目名称", "合计", "人员经费", "公用经费"}}, econ},
		{"三公经费支出表", [][]string{{"项目", label}}, [][]string{
			{"合计", wan(1850 + 620)},
			{"因公出国（境）费", "0.00"},
			{"公务用车购置及运行费", wan(1850)},
			{"  其中：公务用车购置费", "0.00"},
			{"        公务用车运行费", wan(1850)},
			{"公务接待费", wan(620)},
		}},
		{"政府性基金预算支出表", [][]string{{"科目编码", "科目名称", "合计", "基本支出", "项目支出"}}, [][]string{{"", "合计", "", "", ""}}},
	}
	title := fmt.Sprintf("%s%d年部门", demoUnit, year)
	if kind == Final {
		title = fmt.Sprintf("%s%d年度部门", demoUnit, year)
		for i := range ss {
			ss[i].name = strings.Replace(strings.Replace(ss[i].name, "总表", "决算总表", 1), "支出表", "支出决算表", 1)
			ss[i].name = strings.Replace(ss[i].name, "收支决算总表", "收入支出决算总表", 1)
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range ss {
		sheet := fmt.Sprintf("表%d", i+1)
		if i == 0 {
			f.SetSheetName("Sheet1", sheet)
		} else if _, err := f.NewSheet(sheet); err != nil {
			return nil, err
		}
		width := len(sh.header[0])
		end, _ := excelize.CoordinatesToCellName(width, 1)
		f.SetCellValue(sheet, "A1", title+sh.name)
		f.MergeCell(sheet, "A1", end)
		f.SetCellValue(sheet, "A2", "编制单位："+demoUnit)
		c, _ := excelize.CoordinatesToCellName(width, 2)
		f.SetCellValue(sheet, c, "单位：万元")
		row := 4 // row 3 is blank, as in the office's files
		for _, h := range sh.header {
			for j, v := range h {
				cell, _ := excelize.CoordinatesToCellName(j+1, row)
				if j > 0 && h[j-1] == v {
					start := j - 1
					for start > 0 && h[start-1] == v {
						start--
					}
					a, _ := excelize.CoordinatesToCellName(start+1, row)
					f.MergeCell(sheet, a, cell)
					continue
				}
				f.SetCellValue(sheet, cell, v)
			}
			row++
		}
		// Vertical merges: a header cell equal to the one above it.
		for r := 1; r < len(sh.header); r++ {
			for j := range sh.header[r] {
				if sh.header[r][j] == sh.header[r-1][j] && (j == 0 || sh.header[r][j-1] != sh.header[r][j]) && (j+1 >= len(sh.header[r]) || sh.header[r][j+1] != sh.header[r][j]) {
					a, _ := excelize.CoordinatesToCellName(j+1, 4+r-1)
					b, _ := excelize.CoordinatesToCellName(j+1, 4+r)
					f.MergeCell(sheet, a, b)
				}
			}
		}
		for _, r := range sh.rows {
			for j, v := range r {
				cell, _ := excelize.CoordinatesToCellName(j+1, row)
				f.SetCellValue(sheet, cell, v)
			}
			row++
		}
		if len(sh.rows) == 1 {
			cell, _ := excelize.CoordinatesToCellName(1, row+1)
			f.SetCellValue(sheet, cell, "注：本部门无政府性基金预算拨款收入，也没有使用政府性基金预算拨款安排的支出，故本表无数据。")
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func demoExplanation(kind string, year int) (expl, sanshi string) {
	items := demoItems(year)
	var basic, proj int64
	for _, it := range items {
		basic, proj = basic+it.basic, proj+it.proj
	}
	word := "预算"
	if kind == Final {
		word = "决算"
	}
	expl = fmt.Sprintf("一、部门职责\n临沂市司法局是市政府工作部门，负责全市行政立法、行政执法协调监督、普法和依法治理、人民调解、社区矫正、公共法律服务等工作。\n\n"+
		"二、收支%[1]s情况\n%[2]d年收支总%[1]s%[3]s万元，其中基本支出%[4]s万元、项目支出%[5]s万元。\n\n"+
		"三、机关运行经费\n%[2]d年机关运行经费（公用经费）%[6]s万元，主要用于办公、差旅、公务用车运行维护和公务接待等。\n\n"+
		"四、政府采购情况\n%[2]d年政府采购%[1]s%[7]s万元，其中货物 120.00 万元、服务 %[8]s万元；授予中小企业合同金额占比 82.5%%。\n\n"+
		"五、名词解释\n基本支出：为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。项目支出：为完成特定行政工作任务和事业发展目标而发生的支出。",
		word, year, wan(basic+proj), wan(basic), wan(proj), wan(basic-basic*86/100), wan(42000), wan(30000))
	sanshi = fmt.Sprintf("%d年“三公”经费%s 24.70 万元，其中：因公出国（境）费 0 万元；公务用车购置及运行费 18.50 万元（公务用车购置费 0 万元，公务用车运行费 18.50 万元）；公务接待费 6.20 万元。与上年持平，严格落实过紧日子要求，未新增公务用车。", year, word)
	return expl, sanshi
}

// LoadDemo imports and publishes the demo's reports and procurement lists,
// as actor (the office), in department dept.
func (s *Service) LoadDemo(ctx context.Context, siteID, dept int64, actor *auth.User) error {
	reports := []struct {
		kind     string
		year     int
		approved string
		pub      string
	}{
		{Budget, 2024, "2024-02-02", "2024-02-18"},
		{Final, 2023, "2024-08-10", "2024-08-26"},
		{Budget, 2025, "2025-02-06", "2025-02-21"},
		{Final, 2024, "2025-08-12", "2025-08-29"},
	}
	for _, rp := range reports {
		wb, err := demoWorkbook(rp.kind, rp.year)
		if err != nil {
			return err
		}
		expl, sanshi := demoExplanation(rp.kind, rp.year)
		r, err := s.ImportReport(ctx, siteID, actor, Import{Kind: rp.kind, Year: rp.year, DepartmentID: dept, UnitName: demoUnit, ApprovedOn: rp.approved,
			Explanation: expl, Sanshi: sanshi, FileName: fmt.Sprintf("%d年%s公开表.xlsx", rp.year, KindLabel(rp.kind)), File: bytes.NewReader(wb)})
		if err != nil {
			return fmt.Errorf("demo %s %d: %w", rp.kind, rp.year, err)
		}
		if _, err := s.Publish(ctx, siteID, actor, r.ID); err != nil {
			return err
		}
		// Published on its 2024/2025 day (Beijing noon), within the 20 days.
		if _, err := s.DB.W.ExecContext(ctx, `UPDATE finance_reports SET published_at = $1 WHERE id = $2`, rp.pub+"T04:00:00Z", r.ID); err != nil {
			return err
		}
	}
	steps := []struct {
		k    *lists.Kind
		rows []map[string]string
		note string
	}{
		{Intentions, demoIntentions(), "临沂市司法局2025年政府采购意向。"},
		{Notices, demoNotices(), "临沂市司法局2025年政府采购公告和结果。"},
		{Transactions, demoTransactions(), "临沂市司法局2025年公共资源交易信息。"},
	}
	for _, st := range steps {
		var rows []lists.Row
		for _, v := range st.rows {
			rows = append(rows, lists.Row{Values: v})
		}
		var buf bytes.Buffer
		if err := st.k.WriteFile(&buf, lists.CSV, rows); err != nil {
			return err
		}
		if _, err := s.Lists.Import(ctx, siteID, st.k, actor, lists.Import{File: buf.Bytes(), FileName: st.k.Name + ".csv", Note: st.note, EffectiveOn: "2025-01-02", Publish: true}); err != nil {
			return fmt.Errorf("demo %s: %w", st.k.Code, err)
		}
	}
	return nil
}

func demoIntentions() []map[string]string {
	type in struct{ code, name, demand, budget, month, cat, first string }
	list := []in{
		{"YX2025-01", "法律援助案件律师服务采购", "购买律师事务所提供的法律援助案件代理和值班律师服务，服务期一年，约 2600 件。", "380.00", "2025-03", "services", "2025-01-20"},
		{"YX2025-02", "“12348”公共法律服务热线外包服务", "热线坐席 12 席、7×24 小时法律咨询服务，服务期一年。", "165.00", "2025-04", "services", "2025-02-25"},
		{"YX2025-03", "社区矫正信息化监管平台运维", "全市社区矫正信息化监管平台软件运维、电子定位设备租赁服务。", "128.00", "2025-05", "services", "2025-03-28"},
		{"YX2025-04", "普法宣传品及法治文化阵地建设", "宪法、民法典主题普法宣传品印制和 6 处法治文化广场标识设施。", "110.00", "2025-06", "goods", "2025-04-30"},
		{"YX2025-05", "办公设备采购", "台式计算机 60 台、复印一体机 8 台、国产化适配终端。", "120.00", "2025-07", "goods", "2025-05-30"},
		{"YX2025-06", "行政复议案件庭审系统建设", "建设行政复议网上听证、庭审录音录像系统。", "136.00", "2025-09", "goods", "2025-08-15"},
		{"YX2025-07", "法治政府建设第三方评估服务", "对全市县区和市直部门法治政府建设情况开展第三方评估。", "102.00", "2025-10", "services", "2025-09-18"},
		{"YX2025-08", "人民调解员业务培训服务", "组织全市人民调解员分级培训 2000 人次。", "105.00", "2025-11", "services", "2025-10-20"},
	}
	var out []map[string]string
	for _, x := range list {
		out = append(out, map[string]string{"code": x.code, "project_name": x.name, "demand_summary": x.demand, "budget_wan": x.budget, "expected_month": x.month,
			"category": x.cat, "unit": demoUnit, "first_published_on": x.first,
			"remark": "本次公开的采购意向是本单位政府采购工作的初步安排，具体采购项目情况以相关采购公告和采购文件为准。"})
	}
	return out
}

func demoNotices() []map[string]string {
	type n struct{ no, proj, name, typ, method, cat, budget, supplier, amount, decided, date string }
	list := []n{
		{"LYCG2025-031-GG", "LYCG2025-031", "法律援助案件律师服务采购", "tender", "open_tender", "services", "380.00", "", "", "", "2025-03-05"},
		{"LYCG2025-031-JG", "LYCG2025-031", "法律援助案件律师服务采购", "result", "open_tender", "services", "380.00", "山东沂蒙律师事务所联合体", "372.60", "2025-03-28", "2025-03-31"},
		{"LYCG2025-031-HT", "LYCG2025-031", "法律援助案件律师服务采购", "contract", "open_tender", "services", "380.00", "山东沂蒙律师事务所联合体", "372.60", "2025-04-08", "2025-04-09"},
		{"LYCG2025-047-GG", "LYCG2025-047", "“12348”公共法律服务热线外包服务", "tender", "consultation", "services", "165.00", "", "", "", "2025-04-10"},
		{"LYCG2025-047-JG", "LYCG2025-047", "“12348”公共法律服务热线外包服务", "result", "consultation", "services", "165.00", "临沂智联信息服务有限公司", "158.40", "2025-04-29", "2025-04-30"},
		{"LYCG2025-062-GG", "LYCG2025-062", "社区矫正信息化监管平台运维", "tender", "open_tender", "services", "128.00", "", "", "", "2025-05-12"},
		{"LYCG2025-062-JG", "LYCG2025-062", "社区矫正信息化监管平台运维", "result", "open_tender", "services", "128.00", "山东安矫科技有限公司", "121.90", "2025-06-03", "2025-06-04"},
		{"LYCG2025-078-GG", "LYCG2025-078", "普法宣传品及法治文化阵地建设", "tender", "inquiry", "goods", "110.00", "", "", "", "2025-06-09"},
		{"LYCG2025-078-JG", "LYCG2025-078", "普法宣传品及法治文化阵地建设", "result", "inquiry", "goods", "110.00", "临沂新华印刷物流有限公司", "104.35", "2025-06-25", "2025-06-26"},
		{"LYCG2025-090-GG", "LYCG2025-090", "办公设备采购", "tender", "framework", "goods", "120.00", "", "", "", "2025-07-07"},
		{"LYCG2025-090-JG", "LYCG2025-090", "办公设备采购", "result", "framework", "goods", "120.00", "临沂华信电子科技有限公司", "116.80", "2025-07-22", "2025-07-23"},
		{"LYCG2025-121-GG", "LYCG2025-121", "行政复议案件庭审系统建设", "tender", "open_tender", "goods", "136.00", "", "", "", "2025-09-15"},
		{"LYCG2025-121-JG", "LYCG2025-121", "行政复议案件庭审系统建设", "result", "open_tender", "goods", "136.00", "山东政通数字技术有限公司", "129.80", "2025-10-16", "2025-10-17"},
		{"LYCG2025-138-GG", "LYCG2025-138", "法治政府建设第三方评估服务", "tender", "consultation", "services", "102.00", "", "", "", "2025-10-20"},
		{"LYCG2025-138-JG", "LYCG2025-138", "法治政府建设第三方评估服务", "result", "consultation", "services", "102.00", "临沂大学法学院（法治研究中心）", "98.00", "2025-11-12", "2025-11-13"},
		{"LYCG2025-150-GG", "LYCG2025-150", "人民调解员业务培训服务", "tender", "inquiry", "services", "105.00", "", "", "", "2025-11-20"},
		{"LYCG2025-150-JG", "LYCG2025-150", "人民调解员业务培训服务", "result", "inquiry", "services", "105.00", "临沂沂州培训服务有限公司", "99.60", "2025-12-05", "2025-12-08"},
	}
	var out []map[string]string
	for _, x := range list {
		m := map[string]string{"notice_no": x.no, "project_no": x.proj, "project_name": x.name, "notice_type": x.typ, "method": x.method, "category": x.cat,
			"purchaser": demoUnit, "agency": "临沂市公共资源交易服务中心", "contact": "临沂市兰山区北京路 39 号，0539-8312311", "budget_wan": x.budget, "notice_date": x.date,
			"source_url": "http://www.ccgp-shandong.gov.cn/"}
		if x.supplier != "" {
			m["supplier"], m["amount_wan"], m["decided_on"], m["supplier_address"] = x.supplier, x.amount, x.decided, "山东省临沂市"
			m["subject"] = x.name + "，数量 1 项，详见采购文件"
			m["experts"] = "王建华、李晓东、张明、赵丽、孙伟（组长）"
		}
		out = append(out, m)
	}
	return out
}

func demoTransactions() []map[string]string {
	rows := [][]string{
		{"JY2025-0412-GG", "临沂市公共法律服务中心改造工程", "construction", "announcement", "公共法律服务中心一楼大厅及窗口改造，建筑面积 1200 平方米，财政资金。", "具有建筑装修装饰工程专业承包二级以上资质", "临沂建设工程咨询有限公司", "2025-05-20", "", "", "2025-04-28"},
		{"JY2025-0412-JG", "临沂市公共法律服务中心改造工程", "construction", "result", "公共法律服务中心一楼大厅及窗口改造。", "", "临沂建设工程咨询有限公司", "", "临沂宏远建设集团有限公司", "186.50", "2025-05-30"},
		{"JY2025-0955-JG", "报废公务车辆处置", "asset", "result", "报废公务车辆 3 辆公开拍卖。", "", "", "", "临沂鑫达再生资源有限公司", "2.85", "2025-09-10"},
	}
	var out []map[string]string
	for _, r := range rows {
		out = append(out, map[string]string{"code": r[0], "project_name": r[1], "tx_type": r[2], "stage": r[3], "scope": r[4], "qualification": r[5],
			"tenderer": demoUnit, "agency": r[6], "platform": "临沂市公共资源交易平台", "deadline": r[7], "winner": r[8], "amount_wan": r[9], "published_on": r[10],
			"source_url": "https://ggzyjy.linyi.gov.cn/"})
	}
	return out
}
