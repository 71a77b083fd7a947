package export

import (
	"fmt"

	"gongkai/internal/annual"
)

// The fixture: a full report with the template's tables (REFERENCE §2.2–2.4)
// built here, since the computation (internal/annual) is another branch's.
// val gives each figure: table code, row index within the table, column.

// requestRow is one row of table 三: its level-1, level-2 and own label.
type requestRow struct{ key, section, group, label string }

const secResults = "三、本年度办理结果"

// requestRows are table 三's 25 rows, verbatim (REFERENCE §2.3).
var requestRows = []requestRow{
	{"new", "", "", "一、本年新收政府信息公开申请数量"},
	{"carried_in", "", "", "二、上年结转政府信息公开申请数量"},
	{"disclosed", secResults, "", "（一）予以公开"},
	{"partly", secResults, "", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"},
	{"withheld.1", secResults, "（三）不予公开", "1.属于国家秘密"},
	{"withheld.2", secResults, "（三）不予公开", "2.其他法律行政法规禁止公开"},
	{"withheld.3", secResults, "（三）不予公开", `3.危及"三安全一稳定"`},
	{"withheld.4", secResults, "（三）不予公开", "4.保护第三方合法权益"},
	{"withheld.5", secResults, "（三）不予公开", "5.属于三类内部事务信息"},
	{"withheld.6", secResults, "（三）不予公开", "6.属于四类过程性信息"},
	{"withheld.7", secResults, "（三）不予公开", "7.属于行政执法案卷"},
	{"withheld.8", secResults, "（三）不予公开", "8.属于行政查询事项"},
	{"unable.1", secResults, "（四）无法提供", "1.本机关不掌握相关政府信息"},
	{"unable.2", secResults, "（四）无法提供", "2.没有现成信息需要另行制作"},
	{"unable.3", secResults, "（四）无法提供", "3.补正后申请内容仍不明确"},
	{"declined.1", secResults, "（五）不予处理", "1.信访举报投诉类申请"},
	{"declined.2", secResults, "（五）不予处理", "2.重复申请"},
	{"declined.3", secResults, "（五）不予处理", "3.要求提供公开出版物"},
	{"declined.4", secResults, "（五）不予处理", "4.无正当理由大量反复申请"},
	{"declined.5", secResults, "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"},
	{"other.1", secResults, "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"},
	{"other.2", secResults, "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
	{"other.3", secResults, "（六）其他处理", "3.其他"},
	{"total", secResults, "", "（七）总计"},
	{"carried_out", "", "", "四、结转下年度继续办理"},
}

const requestsNote = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

// reviewColumns are table 四's 15 figure columns.
var reviewColumns = func() []string {
	var out []string
	for _, g := range []string{"review", "direct", "after_review"} {
		for _, k := range []string{"upheld", "corrected", "other", "pending", "total"} {
			out = append(out, g+"."+k)
		}
	}
	return out
}()

// defaultVal gives every figure a distinct value: table 二 2xx, table 三
// 3000 + 10·row + column, table 四 4000 + column; the fee is "0.0400".
func defaultVal(table string, row, col int) string {
	switch table {
	case "proactive":
		if row == 5 {
			return "0.0400"
		}
		return fmt.Sprint(200 + 10*row + col)
	case "requests":
		return fmt.Sprint(3000 + 10*row + col)
	}
	return fmt.Sprint(4000 + col)
}

func cell(v string) *annual.Cell { return &annual.Cell{Value: v, Computed: v} }

func fixture(val func(table string, row, col int) string) *annual.Report {
	if val == nil {
		val = defaultVal
	}
	h := func(text string, cs, rs int) annual.HeadCell {
		return annual.HeadCell{Text: text, ColSpan: cs, RowSpan: rs}
	}

	// Table 二: four blocks (REFERENCE §2.2).
	pro := &annual.Table{Code: "proactive", Title: "主动公开政府信息情况"}
	prow := 0
	addPro := func(label string, head []annual.HeadCell, cols []string, rows ...string) {
		b := annual.Block{Label: label, LabelCols: 1, Head: [][]annual.HeadCell{head}, Columns: cols}
		for _, l := range rows {
			r := &annual.Row{Key: fmt.Sprintf("p%d", prow), Label: l, Cells: map[string]*annual.Cell{}}
			for ci, c := range cols {
				r.Cells[c] = cell(val("proactive", prow, ci))
			}
			prow++
			b.Rows = append(b.Rows, r)
			pro.Rows = append(pro.Rows, r)
		}
		pro.Blocks = append(pro.Blocks, b)
	}
	addPro("第二十条第（一）项", []annual.HeadCell{h("信息内容", 1, 1), h("本年制发件数", 1, 1), h("本年废止件数", 1, 1), h("现行有效件数", 1, 1)},
		[]string{"issued", "repealed", "in_force"}, "规章", "行政规范性文件")
	addPro("第二十条第（五）项", []annual.HeadCell{h("信息内容", 1, 1), h("本年处理决定数量", 3, 1)}, []string{"decisions"}, "行政许可")
	addPro("第二十条第（六）项", []annual.HeadCell{h("信息内容", 1, 1), h("本年处理决定数量", 3, 1)}, []string{"decisions"}, "行政处罚", "行政强制")
	addPro("第二十条第（八）项", []annual.HeadCell{h("信息内容", 1, 1), h("本年收费金额（单位：万元）", 3, 1)}, []string{"amount"}, "行政事业性收费")

	// Table 三 (REFERENCE §2.3).
	var cols []string
	for _, c := range annual.RequestColumns {
		cols = append(cols, c.Key)
	}
	rb := annual.Block{LabelCols: 3, Columns: cols, Head: [][]annual.HeadCell{
		{h(requestsNote, 3, 3), h("申请人情况", 7, 1)},
		{h("自然人", 1, 2), h("法人或其他组织", 5, 1), h("总计", 1, 2)},
		{h("商业企业", 1, 1), h("科研机构", 1, 1), h("社会公益组织", 1, 1), h("法律服务机构", 1, 1), h("其他", 1, 1)},
	}}
	for i, rr := range requestRows {
		r := &annual.Row{Key: rr.key, Section: rr.section, Group: rr.group, Label: rr.label, Cells: map[string]*annual.Cell{}}
		for ci, c := range cols {
			r.Cells[c] = cell(val("requests", i, ci))
		}
		rb.Rows = append(rb.Rows, r)
	}
	req := &annual.Table{Code: "requests", Title: "收到和处理政府信息公开申请情况", Blocks: []annual.Block{rb}, Rows: rb.Rows}

	// Table 四 (REFERENCE §2.4).
	five := func() []annual.HeadCell {
		return []annual.HeadCell{h("结果维持", 1, 1), h("结果纠正", 1, 1), h("其他结果", 1, 1), h("尚未审结", 1, 1), h("总计", 1, 1)}
	}
	head1 := []annual.HeadCell{h("结果维持", 1, 2), h("结果纠正", 1, 2), h("其他结果", 1, 2), h("尚未审结", 1, 2), h("总计", 1, 2),
		h("未经复议直接起诉", 5, 1), h("复议后起诉", 5, 1)}
	lb := annual.Block{LabelCols: 0, Columns: reviewColumns, Head: [][]annual.HeadCell{
		{h("行政复议", 5, 1), h("行政诉讼", 10, 1)}, head1, append(five(), five()...),
	}}
	lr := &annual.Row{Key: "counts", Label: "数量", Cells: map[string]*annual.Cell{}}
	for ci, c := range reviewColumns {
		lr.Cells[c] = cell(val("review_litigation", 0, ci))
	}
	lb.Rows = []*annual.Row{lr}
	rev := &annual.Table{Code: "review_litigation", Title: "政府信息公开行政复议、行政诉讼情况", Blocks: []annual.Block{lb}, Rows: lb.Rows}

	return &annual.Report{
		Year: 2025, Status: "draft", Title: "临沂市司法局2025年政府信息公开工作年度报告", Body: "临沂市司法局",
		Parts: []annual.Part{
			{No: "一", Title: "总体情况", Text: "2025年，临沂市司法局坚持以公开为常态、不公开为例外。\n\n全年主动公开政府信息一百二十条。"},
			{No: "二", Title: "主动公开政府信息情况", Table: "proactive"},
			{No: "三", Title: "收到和处理政府信息公开申请情况", Table: "requests"},
			{No: "四", Title: "政府信息公开行政复议、行政诉讼情况", Table: "review_litigation"},
			{No: "五", Title: "存在的主要问题及改进情况", Text: "一是政策解读形式较为单一。\n\n二是依申请公开答复的规范化程度有待提高。"},
			{No: "六", Title: "其他需要报告的事项", Text: "全年实际收取信息处理费共计400元。"},
		},
		Tables: annual.Tables{Proactive: pro, Requests: req, ReviewLitigation: rev},
		Checks: []annual.Check{
			{Rule: "一 + 二 = 三（七）+ 四（每列）", OK: true},
			{Rule: "（七）总计 = 各分项之和", OK: false, Detail: "自然人列：3230 ≠ 3231"},
		},
	}
}
