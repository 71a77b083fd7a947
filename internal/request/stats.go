package request

import (
	"context"
	"encoding/json"
	"fmt"

	"gongkai/internal/errs"
)

// Columns of table 三 (REFERENCE §2.3): 自然人, the five kinds of 法人或其他组织, 总计.
var Columns = []Choice{{"natural_person", "自然人"}, {"commercial", "商业企业"}, {"research", "科研机构"},
	{"public_welfare", "社会公益组织"}, {"legal_service", "法律服务机构"}, {"other", "其他"}, {"total", "总计"}}

// Row is a data row of table 三.
type Row struct {
	Key, Label string
}

// Rows are the 25 data rows of table 三 in the report's order.
func Rows() []Row {
	rows := []Row{{"new", "一、本年新收政府信息公开申请数量"}, {"carried_in", "二、上年结转政府信息公开申请数量"}}
	for _, d := range Decisions {
		rows = append(rows, Row{d.Code(), "三、" + d.Title()})
	}
	return append(rows, Row{"total", "三、（七）总计"}, Row{"carried_out", "四、结转下年度继续办理"})
}

// Table3 is part 三 of the annual report for a year: per row and column,
// the requests behind the number (every number drills down).
type Table3 struct {
	Year  int
	Cells map[string]map[string][]Ref // row key → column code → requests
	// Checks are the 勾稽关系 of REFERENCE §2.3, each with its outcome.
	Checks []Check
}

// Ref names a request behind a number.
type Ref struct {
	ID         int64
	TrackingNo string
}

// Check is one reconciliation rule and whether the table meets it.
type Check struct {
	Rule   string
	OK     bool
	Detail string
}

// Count returns the number in a cell.
func (t *Table3) Count(row, col string) int { return len(t.Cells[row][col]) }

// OK reports whether every check holds.
func (t *Table3) OK() bool {
	for _, c := range t.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

func column(kind, orgType string) string {
	if kind == "natural_person" {
		return "natural_person"
	}
	return orgType
}

// Stats computes table 三 for year from the records: 一 counts requests
// received (收到申请之日, 条例第三十一条) in the year; 二 those received
// before it and not closed before it (上年结转); 三 those answered or closed
// in the year, by decision row; 四 those received by the year's end and
// still open at it (结转下年度继续办理). Online and fax applications never
// confirmed were never received and are not counted.
func (s *Service) Stats(ctx context.Context, siteID int64, year int) (*Table3, error) {
	if year < 2000 || year > 2100 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "年份应为 2000 至 2100 之间的四位数", Fields: map[string]string{"year": "应为四位年份"}}
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	// The requests received by the year's end and not closed before it: the
	// open ones and those closed from the year on, each a range of
	// requests_site_closed_received (an OR made SQLite read every request
	// received before the year's end, all years of them).
	const cols = `SELECT id, tracking_no, applicant_kind, org_type, received_on, closed_on, result FROM requests WHERE site_id = $1 AND received_on <> '' AND received_on <= $2`
	rows, err := s.DB.R.QueryContext(ctx, cols+` AND closed_on = '' UNION ALL `+cols+` AND closed_on >= $3 ORDER BY id`, siteID, to, from)
	if err != nil {
		return nil, errs.Wrap(err, "stats")
	}
	defer rows.Close()
	t := &Table3{Year: year, Cells: map[string]map[string][]Ref{}}
	for _, r := range Rows() {
		t.Cells[r.Key] = map[string][]Ref{}
	}
	add := func(row, col string, ref Ref) {
		t.Cells[row][col] = append(t.Cells[row][col], ref)
		t.Cells[row]["total"] = append(t.Cells[row]["total"], ref)
	}
	for rows.Next() {
		var ref Ref
		var kind, orgType, received, closed, result string
		if err := rows.Scan(&ref.ID, &ref.TrackingNo, &kind, &orgType, &received, &closed, &result); err != nil {
			return nil, errs.Wrap(err, "stats row")
		}
		col := column(kind, orgType)
		if received >= from {
			add("new", col, ref)
		} else {
			add("carried_in", col, ref)
		}
		if closed != "" && closed <= to {
			if _, ok := t.Cells[result]; !ok {
				return nil, errs.E(errs.Internal, "申请 %s 的答复结果 %q 不是年度报告的分类", ref.TrackingNo, result)
			}
			add(result, col, ref)
			add("total", col, ref)
		} else {
			add("carried_out", col, ref)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "stats")
	}
	t.check()
	return t, nil
}

// check evaluates the 勾稽关系 of REFERENCE §2.3.
func (t *Table3) check() {
	var bad []string
	for _, c := range Columns {
		l := t.Count("new", c.Code) + t.Count("carried_in", c.Code)
		r := t.Count("total", c.Code) + t.Count("carried_out", c.Code)
		if l != r {
			bad = append(bad, fmt.Sprintf("%s：%d + %d ≠ %d + %d", c.Label, t.Count("new", c.Code), t.Count("carried_in", c.Code), t.Count("total", c.Code), t.Count("carried_out", c.Code)))
		}
	}
	t.Checks = append(t.Checks, Check{Rule: "每列：第一项加第二项之和，等于第三项加第四项之和", OK: len(bad) == 0, Detail: fmt.Sprint(bad)})
	bad = nil
	for _, c := range Columns {
		sum := 0
		for _, d := range Decisions {
			sum += t.Count(d.Code(), c.Code)
		}
		if sum != t.Count("total", c.Code) {
			bad = append(bad, fmt.Sprintf("%s：分项之和 %d ≠ 总计 %d", c.Label, sum, t.Count("total", c.Code)))
		}
	}
	t.Checks = append(t.Checks, Check{Rule: "（七）总计等于（一）至（六）各分项之和", OK: len(bad) == 0, Detail: fmt.Sprint(bad)})
	bad = nil
	for _, r := range Rows() {
		sum := 0
		for _, c := range Columns[:6] {
			sum += t.Count(r.Key, c.Code)
		}
		if sum != t.Count(r.Key, "total") {
			bad = append(bad, fmt.Sprintf("%s：各列之和 %d ≠ 总计列 %d", r.Label, sum, t.Count(r.Key, "total")))
		}
	}
	t.Checks = append(t.Checks, Check{Rule: "总计列等于自然人与五类法人或其他组织之和", OK: len(bad) == 0, Detail: fmt.Sprint(bad)})
}

// Table4Columns are the 15 numbers of table 四 (REFERENCE §2.4): three
// groups (reconsideration, lawsuit without and after reconsideration) of
// 维持, 纠正, 其他, 尚未审结, 总计.
var Table4Groups = []Choice{{"reconsideration", "行政复议"}, {"lawsuit_direct", "未经复议直接起诉"}, {"lawsuit_after", "复议后起诉"}}

// Table4Results are the columns of each group.
var Table4Results = []Choice{{"upheld", "结果维持"}, {"corrected", "结果纠正"}, {"other", "其他结果"}, {"pending", "尚未审结"}, {"total", "总计"}}

// Table4 is part 四 for a year: the cases filed in the year, each under its
// result as of the year's end (尚未审结 when not decided by then).
type Table4 struct {
	Year   int
	Cells  map[string]map[string][]Ref // group → result → requests
	Checks []Check
}

// Count returns a number of table 四.
func (t *Table4) Count(group, result string) int { return len(t.Cells[group][result]) }

// Remedies computes table 四 for year.
func (s *Service) Remedies(ctx context.Context, siteID int64, year int) (*Table4, error) {
	if year < 2000 || year > 2100 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "年份应为 2000 至 2100 之间的四位数", Fields: map[string]string{"year": "应为四位年份"}}
	}
	// CROSS JOIN: SQLite reads the few remedy events by type first (a plain
	// join read every request of the site and its whole ledger).
	rows, err := s.DB.R.QueryContext(ctx, `SELECT r.id, r.tracking_no, e.type, e.on_date, e.data FROM request_events e CROSS JOIN requests r
		WHERE r.id = e.request_id AND r.site_id = $1 AND e.type IN ('reconsideration_filed', 'reconsideration_decided', 'lawsuit_filed', 'lawsuit_decided') ORDER BY r.id, e.seq`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "remedies")
	}
	defer rows.Close()
	type open struct {
		ref           Ref
		group, filed  string
		result, ended string
	}
	var cases []*open
	for rows.Next() {
		var ref Ref
		var typ, on, data string
		if err := rows.Scan(&ref.ID, &ref.TrackingNo, &typ, &on, &data); err != nil {
			return nil, errs.Wrap(err, "remedy")
		}
		var d eventData
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return nil, errs.Wrap(err, "remedy data")
		}
		switch typ {
		case EvReconsiderationFiled:
			cases = append(cases, &open{ref: ref, group: "reconsideration", filed: on})
		case EvLawsuitFiled:
			g := "lawsuit_direct"
			if d.AfterReconsideration {
				g = "lawsuit_after"
			}
			cases = append(cases, &open{ref: ref, group: g, filed: on})
		default:
			for i := len(cases) - 1; i >= 0; i-- {
				c := cases[i]
				isLaw := c.group != "reconsideration"
				if c.ref.ID == ref.ID && c.result == "" && isLaw == (typ == EvLawsuitDone) {
					c.result, c.ended = d.Result, on
					break
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "remedies")
	}
	t := &Table4{Year: year, Cells: map[string]map[string][]Ref{}}
	for _, g := range Table4Groups {
		t.Cells[g.Code] = map[string][]Ref{}
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	for _, c := range cases {
		if c.filed < from || c.filed > to {
			continue
		}
		res := c.result
		if res == "" || c.ended > to {
			res = "pending"
		}
		t.Cells[c.group][res] = append(t.Cells[c.group][res], c.ref)
		t.Cells[c.group]["total"] = append(t.Cells[c.group]["total"], c.ref)
	}
	var bad []string
	for _, g := range Table4Groups {
		sum := 0
		for _, r := range Table4Results[:4] {
			sum += t.Count(g.Code, r.Code)
		}
		if sum != t.Count(g.Code, "total") {
			bad = append(bad, g.Label)
		}
	}
	t.Checks = []Check{{Rule: "每组：总计 = 维持 + 纠正 + 其他 + 尚未审结", OK: len(bad) == 0, Detail: fmt.Sprint(bad)}}
	return t, nil
}
