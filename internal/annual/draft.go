package annual

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/lists/enforce"
	"gongkai/internal/request"
	"gongkai/internal/store"
)

// Service computes, stores and publishes the annual reports.
type Service struct {
	DB       *store.DB
	Catalog  *catalog.Service
	Requests *request.Service
	Enforce  *enforce.Service
}

// Report statuses before publication follow the catalogue item once there
// is one (draft, review, approved, published).
const (
	StDraft     = "draft"
	StPublished = "published"
)

// Licence bases: which 行政许可 decisions table 二 counts (RECORDS §2.8:
// UNVERIFIED whether 处理决定数量 includes refusals, so staff choose).
const (
	LicenceAll     = "all"
	LicenceGranted = "granted"
)

// Stored is what staff keep for a year: the text parts, the settings, the
// status and the overrides.
type Stored struct {
	Part1, Part5, Part6 string
	LicenceBasis        string
	Status              string
	ItemID              int64
	// Withdrawn is the previous item, withdrawn in the catalogue (0: none).
	Withdrawn int64
	UpdatedBy string
	UpdatedAt string
	Overrides map[string]*Override // "table/row/col"
}

func okey(table, row, col string) string { return table + "/" + row + "/" + col }

func checkYear(year int) error {
	if year < 2000 || year > 2100 {
		return &errs.Error{Code: errs.Invalid, Message: "年份应为 2000 至 2100 之间的四位数", Fields: map[string]string{"year": "应为四位年份"}}
	}
	return nil
}

// Load returns what staff stored for a year (an empty draft when nothing).
func (s *Service) Load(ctx context.Context, siteID int64, year int) (*Stored, error) {
	st := &Stored{LicenceBasis: LicenceAll, Status: StDraft, Overrides: map[string]*Override{}}
	var item sql.NullInt64
	var itemStatus string
	err := s.DB.R.QueryRowContext(ctx, `SELECT a.part1, a.part5, a.part6, a.licence_basis, a.status, a.item_id, a.updated_by, a.updated_at, COALESCE(i.status, '')
		FROM annual_reports a LEFT JOIN items i ON i.id = a.item_id WHERE a.site_id = $1 AND a.year = $2`,
		siteID, year).Scan(&st.Part1, &st.Part5, &st.Part6, &st.LicenceBasis, &st.Status, &item, &st.UpdatedBy, &st.UpdatedAt, &itemStatus)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, errs.Wrap(err, "annual report")
	}
	st.ItemID = item.Int64
	// The report is published while its item is: once the office withdraws
	// the item in the catalogue, the report is a draft again, editable, and
	// its next submission makes a new item (the withdrawn one keeps its
	// notice and reason, 条例第二十六条).
	if st.Status == StPublished && itemStatus != catalog.StatusPublished {
		st.Status = StDraft
	}
	if itemStatus == catalog.StatusWithdrawn {
		st.ItemID, st.Withdrawn = 0, item.Int64
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT table_code, row_key, col_key, value, reason, by_name, at FROM annual_overrides WHERE site_id = $1 AND year = $2`, siteID, year)
	if err != nil {
		return nil, errs.Wrap(err, "annual overrides")
	}
	defer rows.Close()
	for rows.Next() {
		var t, r, c string
		o := &Override{}
		if err := rows.Scan(&t, &r, &c, &o.Value, &o.Reason, &o.By, &o.At); err != nil {
			return nil, errs.Wrap(err, "annual override")
		}
		st.Overrides[okey(t, r, c)] = o
	}
	return st, errs.Wrap(rows.Err(), "annual overrides")
}

// Draft computes the year's report from the records, with the staff text,
// the overrides applied and every check evaluated on the shown values.
func (s *Service) Draft(ctx context.Context, siteID int64, year int) (*Report, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	st, err := s.Load(ctx, siteID, year)
	if err != nil {
		return nil, err
	}
	site, err := s.Catalog.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	r := &Report{SiteID: siteID, Year: year, Status: st.Status, Body: site.Name,
		Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", site.Name, year), ItemID: st.ItemID}
	if st.ItemID != 0 {
		if it, err := s.Catalog.Item(ctx, siteID, st.ItemID); err == nil {
			r.IndexNo = it.IndexNo
			r.Status = itemStatus(it.Status)
		}
	}
	fees, err := s.fees(ctx, siteID, year)
	if err != nil {
		return nil, err
	}
	if r.Tables.Proactive, err = s.proactive(ctx, siteID, year, st.LicenceBasis, fees); err != nil {
		return nil, err
	}
	t3, err := s.requestCounts(ctx, siteID, year)
	if err != nil {
		return nil, err
	}
	r.Tables.Requests = requestsTable(t3)
	t4, err := s.Requests.Remedies(ctx, siteID, year)
	if err != nil {
		return nil, err
	}
	r.Tables.ReviewLitigation = remediesTable(t4)
	for _, t := range r.Tables.All() {
		for _, row := range t.Rows {
			for col, c := range row.Cells {
				if o := st.Overrides[okey(t.Code, row.Key, col)]; o != nil {
					c.Override, c.Value = o, o.Value
				}
			}
		}
	}
	r.Checks = Checks(r)
	last, err := s.Load(ctx, siteID, year-1)
	if err != nil {
		return nil, err
	}
	r.Parts = s.parts(r, st, last, fees)
	return r, nil
}

// Parts' titles (REFERENCE §2.1).
var PartTitles = []struct{ No, Title, Table string }{
	{"一", "总体情况", ""}, {"二", "主动公开政府信息情况", "proactive"}, {"三", "收到和处理政府信息公开申请情况", "requests"},
	{"四", "政府信息公开行政复议、行政诉讼情况", "review_litigation"}, {"五", "存在的主要问题及改进情况", ""}, {"六", "其他需要报告的事项", ""},
}

func (s *Service) parts(r *Report, st, last *Stored, fees feeTotal) []Part {
	texts := map[string][2]string{"一": {st.Part1, last.Part1}, "五": {st.Part5, last.Part5}, "六": {st.Part6, last.Part6}}
	var out []Part
	for _, pt := range PartTitles {
		p := Part{No: pt.No, Title: pt.Title, Table: pt.Table}
		if t, ok := texts[pt.No]; ok {
			p.Text = t[0]
			if pt.No == "六" && strings.TrimSpace(p.Text) == "" {
				p.Text = FeeSentence(r.Year, fees.yuan)
			}
			p.SameAsLastYear = SameParagraphs(p.Text, t[1])
		}
		out = append(out, p)
	}
	return out
}

// FeeSentence is part 六's default: the processing fees actually collected
// (REFERENCE §2.1 part 六, §3 "Reporting").
func FeeSentence(year int, yuan int64) string {
	return fmt.Sprintf("%d年，本机关依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）实际收取信息处理费共计%d元。", year, yuan)
}

// Paragraphs splits text at blank lines, trimmed, empty ones dropped.
func Paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// SameParagraphs lists the paragraphs of text (0-based, as Paragraphs
// numbers them) that appear verbatim, ignoring surrounding space, in
// last: the draft marks them (no copy-paste reports, REFERENCE §2).
func SameParagraphs(text, last string) []int {
	prev := map[string]bool{}
	for _, p := range Paragraphs(last) {
		prev[p] = true
	}
	var out []int
	for i, p := range Paragraphs(text) {
		if prev[p] {
			out = append(out, i)
		}
	}
	return out
}

// ---- table 二 ----

// Proactive's row and column keys.
const (
	colIssued, colRepealed, colInForce = "issued", "repealed", "in_force"
	colDecisions, colAmount            = "decisions", "amount"
)

// GenreRule is the genre a 规章 is promulgated under: 规章 are issued by
// government order (《规章制定程序条例》第三十条: 规章由…签署命令予以公布),
// recorded as policy documents of genre 命令（令）.
const GenreRule = "命令（令）"

func (s *Service) proactive(ctx context.Context, siteID int64, year int, basis string, fees feeTotal) (*Table, error) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	// 规章 and 行政规范性文件 among the published policy documents (条例
	// 第二十条第（一）项): issued = written in the year; repealed = 废止 or
	// 失效 with the end date (有效期至, else the last change) in the year;
	// in force = recorded 有效 now. Counted in the database (GROUP BY over
	// the indexes of migration 0033, never reading the documents).
	counts := map[string]map[string]int{"rules": {}, "normative": {}}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT CASE WHEN i.genre = $2 THEN 'rules' ELSE 'normative' END,
		SUM(CASE WHEN i.written_on >= $3 AND i.written_on <= $4 THEN 1 ELSE 0 END), SUM(CASE WHEN i.validity = 'in_force' THEN 1 ELSE 0 END)
		FROM items i WHERE `+policyWhere+` GROUP BY 1`, siteID, GenreRule, from, to)
	if err != nil {
		return nil, errs.Wrap(err, "proactive")
	}
	for rows.Next() {
		var row string
		var issued, inForce int
		if err := rows.Scan(&row, &issued, &inForce); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "proactive row")
		}
		counts[row][colIssued], counts[row][colInForce] = issued, inForce
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "proactive")
	}
	rows, err = s.DB.R.QueryContext(ctx, `SELECT CASE WHEN i.genre = $2 THEN 'rules' ELSE 'normative' END, COUNT(*)
		FROM items i WHERE `+policyWhere+s.lapsedWhere()+` GROUP BY 1`, siteID, GenreRule, from, to)
	if err != nil {
		return nil, errs.Wrap(err, "proactive")
	}
	for rows.Next() {
		var row string
		var n int
		if err := rows.Scan(&row, &n); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "proactive row")
		}
		counts[row][colRepealed] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "proactive")
	}
	f, err := s.Enforce.AnnualReportFigures(ctx, siteID, year)
	if err != nil {
		return nil, err
	}
	licences := f.LicenceDecisions
	if basis == LicenceGranted {
		licences = f.LicencesGranted
	}
	ledger := func(cat, name string) []Ref {
		return []Ref{{Kind: "decision", Label: fmt.Sprintf("%d年%s决定台账", year, name), URL: fmt.Sprintf("/admin/enforce/decisions?year=%d&category=%s", year, cat)}}
	}
	num := func(n int, rs []Ref) *Cell { v := strconv.Itoa(n); return &Cell{Value: v, Computed: v, Refs: rs} }
	docRow := func(key, label string) *Row {
		return &Row{Key: key, Label: label, Cells: map[string]*Cell{colIssued: num(counts[key][colIssued], nil), colRepealed: num(counts[key][colRepealed], nil), colInForce: num(counts[key][colInForce], nil)}}
	}
	amount := WanYuan(fees.yuan)
	t := &Table{Code: "proactive", Title: "主动公开政府信息情况", Blocks: []Block{
		{Label: "第二十条第（一）项", LabelCols: 1, Columns: []string{colIssued, colRepealed, colInForce},
			Head: [][]HeadCell{{{"信息内容", 1, 1}, {"本年制发件数", 1, 1}, {"本年废止件数", 1, 1}, {"现行有效件数", 1, 1}}},
			Rows: []*Row{docRow("rules", "规章"), docRow("normative", "行政规范性文件")}},
		{Label: "第二十条第（五）项", LabelCols: 1, Columns: []string{colDecisions},
			Head: [][]HeadCell{{{"信息内容", 1, 1}, {"本年处理决定数量", 3, 1}}},
			Rows: []*Row{{Key: "licence", Label: "行政许可", Cells: map[string]*Cell{colDecisions: num(licences, ledger("license", "行政许可"))}}}},
		{Label: "第二十条第（六）项", LabelCols: 1, Columns: []string{colDecisions},
			Head: [][]HeadCell{{{"信息内容", 1, 1}, {"本年处理决定数量", 3, 1}}},
			Rows: []*Row{{Key: "penalty", Label: "行政处罚", Cells: map[string]*Cell{colDecisions: num(f.Penalties, ledger("penalty", "行政处罚"))}},
				{Key: "coercion", Label: "行政强制", Cells: map[string]*Cell{colDecisions: num(f.Coercions, ledger("coercion", "行政强制"))}}}},
		{Label: "第二十条第（八）项", LabelCols: 1, Columns: []string{colAmount},
			Head: [][]HeadCell{{{"信息内容", 1, 1}, {"本年收费金额（单位：万元）", 3, 1}}},
			Rows: []*Row{{Key: "fees", Label: "行政事业性收费", Cells: map[string]*Cell{colAmount: {Value: amount, Computed: amount, Refs: fees.refs}}}}},
	}}
	for _, b := range t.Blocks {
		t.Rows = append(t.Rows, b.Rows...)
	}
	return t, nil
}

// policyWhere selects the site's ($1) published 规章 (genre $2) and
// 行政规范性文件 (the normative facet), over items_site_doctype.
const policyWhere = `i.site_id = $1 AND i.doc_type = 'policy' AND i.status = 'published'
	AND (i.genre = $2 OR EXISTS (SELECT 1 FROM item_facets f WHERE f.item_id = i.id AND f.name = 'normative' AND f.value = '1'))`

// lapsedWhere is the condition (after policyWhere, the year's first and
// last days as $3 and $4) that a document was repealed or lapsed in the
// year: 废止 on its last change, 失效 on its 有效期至 (fields.expires_on)
// or, without one, its last change. Evaluated over items_policy_end
// (migration 0033), which holds the end date: the documents are not read.
func (s *Service) lapsedWhere() string {
	exp := `json_extract(i.fields, '$.expires_on')`
	if s.DB.Dialect == store.Postgres {
		exp = `(i.fields::json->>'expires_on')`
	}
	return ` AND i.validity IN ('repealed', 'expired') AND (CASE WHEN i.validity = 'expired' AND COALESCE(` + exp + `, '') <> '' THEN ` + exp +
		` ELSE substr(i.updated_at, 1, 10) END) BETWEEN $3 AND $4`
}

// lapsed returns the 规章 and 行政规范性文件 repealed or lapsed in the year,
// by row (rules, normative), at most limit of each (the drill-down).
func (s *Service) lapsed(ctx context.Context, siteID int64, year, limit int) (map[string][]Ref, error) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	out := map[string][]Ref{}
	for _, row := range []string{"rules", "normative"} {
		kind := ` AND i.genre = $2`
		if row == "normative" {
			kind = ` AND i.genre <> $2`
		}
		rows, err := s.DB.R.QueryContext(ctx, `SELECT i.id, i.title, i.doc_no FROM items i WHERE `+policyWhere+kind+s.lapsedWhere()+
			fmt.Sprintf(` ORDER BY i.id LIMIT %d`, limit), siteID, GenreRule, from, to)
		if err != nil {
			return nil, errs.Wrap(err, "lapsed documents")
		}
		for rows.Next() {
			var id int64
			var title, docNo string
			if err := rows.Scan(&id, &title, &docNo); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "lapsed document")
			}
			out[row] = append(out[row], itemRef(id, title, docNo))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "lapsed documents")
		}
	}
	return out, nil
}

func itemRef(id int64, title, docNo string) Ref {
	label := docNo
	if label == "" {
		label = title
	}
	return Ref{Kind: "item", ID: id, Label: label, URL: fmt.Sprintf("/admin/items/%d", id)}
}

// WanYuan formats yuan as 万元 with four decimals ("0.0400" for 400 元).
func WanYuan(yuan int64) string {
	neg := yuan < 0
	if neg {
		yuan = -yuan
	}
	s := fmt.Sprintf("%d.%04d", yuan/10000, yuan%10000)
	if neg {
		s = "-" + s
	}
	return s
}

type feeTotal struct {
	yuan int64
	refs []Ref
}

// fees sums the 信息处理费 paid in the year (the fee_paid events, each at
// the amount of its request's fee notice; 条例第四十二条, 国办函〔2020〕109号).
// They are the only administrative fee the platform records, so table 二's
// 行政事业性收费 defaults to them; another fee is an override with its reason.
func (s *Service) fees(ctx context.Context, siteID int64, year int) (feeTotal, error) {
	// Only the year's payments (request_events_type: type, on_date), each
	// with its request's notice; a request has at most one fee notice.
	rows, err := s.DB.R.QueryContext(ctx, `SELECT r.id, r.tracking_no, n.data FROM request_events p JOIN requests r ON r.id = p.request_id
		JOIN request_events n ON n.request_id = p.request_id AND n.type = 'fee_notified'
		WHERE p.type = 'fee_paid' AND p.on_date >= $1 AND p.on_date <= $2 AND r.site_id = $3 ORDER BY r.id`,
		fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year), siteID)
	if err != nil {
		return feeTotal{}, errs.Wrap(err, "fees")
	}
	defer rows.Close()
	var out feeTotal
	for rows.Next() {
		var id int64
		var no, data string
		if err := rows.Scan(&id, &no, &data); err != nil {
			return feeTotal{}, errs.Wrap(err, "fee")
		}
		var d struct {
			Amount int64 `json:"amount"`
		}
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return feeTotal{}, errs.Wrap(err, "fee data")
		}
		out.yuan += d.Amount
		out.refs = append(out.refs, Ref{Kind: "fee", ID: id, Label: fmt.Sprintf("%s（%d元）", no, d.Amount), URL: fmt.Sprintf("/admin/requests/%d", id)})
	}
	return out, errs.Wrap(rows.Err(), "fees")
}

// ---- table 三 ----

// requestColumn maps request.Columns' codes to the model's keys.
var requestColumn = map[string]string{"natural_person": "natural_person", "commercial": "commercial_enterprise", "research": "research_institution",
	"public_welfare": "public_interest_org", "legal_service": "legal_service_org", "other": "other_org", "total": "total"}

// Table 三's labels (REFERENCE §2.3, verbatim).
const (
	SectionResults = "三、本年度办理结果"
	labelPartial   = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
)

// RequestsHead is table 三's header (REFERENCE §2.3).
func RequestsHead() [][]HeadCell {
	return [][]HeadCell{
		{{"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3}, {"申请人情况", 7, 1}},
		{{"自然人", 1, 2}, {"法人或其他组织", 5, 1}, {"总计", 1, 2}},
		{{"商业企业", 1, 1}, {"科研机构", 1, 1}, {"社会公益组织", 1, 1}, {"法律服务机构", 1, 1}, {"其他", 1, 1}},
	}
}

// requestCounts counts table 三 in the database, as request.Stats defines
// it (一 received in the year; 二 received before and not closed before it;
// 三 closed in the year, by decision row; 四 received by the year's end
// and open at it), grouped by applicant and row: row key → column key →
// count, 总计 included.
func (s *Service) requestCounts(ctx context.Context, siteID int64, year int) (map[string]map[string]int, error) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT applicant_kind, org_type, CASE WHEN received_on >= $3 THEN 'new' ELSE 'carried_in' END,
		CASE WHEN closed_on <> '' AND closed_on <= $2 THEN result ELSE 'carried_out' END, COUNT(*)
		FROM requests WHERE site_id = $1 AND received_on <> '' AND received_on <= $2 AND (closed_on = '' OR closed_on >= $3)
		GROUP BY applicant_kind, org_type, CASE WHEN received_on >= $3 THEN 'new' ELSE 'carried_in' END, CASE WHEN closed_on <> '' AND closed_on <= $2 THEN result ELSE 'carried_out' END`,
		siteID, to, from)
	if err != nil {
		return nil, errs.Wrap(err, "table 三")
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for _, r := range request.Rows() {
		out[r.Key] = map[string]int{}
	}
	for rows.Next() {
		var kind, orgType, in, end string
		var n int
		if err := rows.Scan(&kind, &orgType, &in, &end, &n); err != nil {
			return nil, errs.Wrap(err, "table 三")
		}
		col := orgType
		if kind == "natural_person" {
			col = "natural_person"
		}
		if _, ok := out[end]; !ok {
			return nil, errs.E(errs.Internal, "答复结果 %q 不是年度报告的分类", end)
		}
		col = requestColumn[col] // an unknown kind counts in 总计 only, and the check shows it
		rowsOf := []string{in, end}
		if end != "carried_out" {
			rowsOf = append(rowsOf, "total") // （七）总计: closed in the year
		}
		for _, row := range rowsOf {
			out[row][col] += n
			out[row]["total"] += n
		}
	}
	return out, errs.Wrap(rows.Err(), "table 三")
}

func requestsTable(t3 map[string]map[string]int) *Table {
	cols := make([]string, len(RequestColumns))
	for i, c := range RequestColumns {
		cols[i] = c.Key
	}
	cells := func(key string) map[string]*Cell {
		m := map[string]*Cell{}
		for _, c := range RequestColumns {
			v := strconv.Itoa(t3[key][c.Key])
			m[c.Key] = &Cell{Value: v, Computed: v}
		}
		return m
	}
	rows := []*Row{{Key: "new", Label: "一、本年新收政府信息公开申请数量", Cells: cells("new")},
		{Key: "carried_in", Label: "二、上年结转政府信息公开申请数量", Cells: cells("carried_in")}}
	for _, d := range request.Decisions {
		row := &Row{Key: d.Code(), Section: SectionResults, Cells: cells(d.Code())}
		switch {
		case d.Kind == "partially_disclosed":
			row.Label = labelPartial
		case d.Reason == 0:
			row.Label = d.Group
		default:
			row.Group, row.Label = d.Group, d.Label
		}
		rows = append(rows, row)
	}
	rows = append(rows, &Row{Key: "total", Section: SectionResults, Label: "（七）总计", Cells: cells("total")},
		&Row{Key: "carried_out", Label: "四、结转下年度继续办理", Cells: cells("carried_out")})
	return &Table{Code: "requests", Title: "收到和处理政府信息公开申请情况", Rows: rows,
		Blocks: []Block{{LabelCols: 3, Head: RequestsHead(), Columns: cols, Rows: rows}}}
}

// ---- table 四 ----

// Table 四's column keys: group.result (reconsideration.upheld …).
func remediesColumns() []string {
	var out []string
	for _, g := range request.Table4Groups {
		for _, r := range request.Table4Results {
			out = append(out, g.Code+"."+r.Code)
		}
	}
	return out
}

// ReviewHead is table 四's header (REFERENCE §2.4).
func ReviewHead() [][]HeadCell {
	var sub []HeadCell
	for i := 0; i < 2; i++ {
		for _, r := range request.Table4Results {
			sub = append(sub, HeadCell{r.Label, 1, 1})
		}
	}
	top := []HeadCell{{"行政复议", 5, 1}, {"行政诉讼", 10, 1}}
	second := []HeadCell{}
	for _, r := range request.Table4Results {
		second = append(second, HeadCell{r.Label, 1, 2})
	}
	second = append(second, HeadCell{"未经复议直接起诉", 5, 1}, HeadCell{"复议后起诉", 5, 1})
	return [][]HeadCell{top, second, sub}
}

func remediesTable(t4 *request.Table4) *Table {
	cells := map[string]*Cell{}
	for _, g := range request.Table4Groups {
		for _, res := range request.Table4Results {
			refs := []Ref{}
			for _, r := range t4.Cells[g.Code][res.Code] {
				refs = append(refs, Ref{Kind: "request", ID: r.ID, Label: r.TrackingNo, URL: fmt.Sprintf("/admin/requests/%d", r.ID)})
			}
			v := strconv.Itoa(len(refs))
			cells[g.Code+"."+res.Code] = &Cell{Value: v, Computed: v, Refs: refs}
		}
	}
	rows := []*Row{{Key: "cases", Label: "政府信息公开行政复议、行政诉讼案件数", Cells: cells}}
	return &Table{Code: "review_litigation", Title: "政府信息公开行政复议、行政诉讼情况", Rows: rows,
		Blocks: []Block{{LabelCols: 0, Head: ReviewHead(), Columns: remediesColumns(), Rows: rows}}}
}

// ---- checks ----

// Checks evaluates every 勾稽关系 (REFERENCE §2.3–2.4) on the shown values,
// so an override that breaks one fails it. A value that is not a number
// fails the check of its cell too.
func Checks(r *Report) []Check {
	var out []Check
	num := func(t *Table, row, col string) (*big.Rat, bool) {
		for _, rw := range t.Rows {
			if rw.Key == row {
				if c := rw.Cells[col]; c != nil {
					if v, ok := new(big.Rat).SetString(c.Value); ok {
						return v, true
					}
					return new(big.Rat), false
				}
			}
		}
		return new(big.Rat), true
	}
	add := func(rule string, bad []string) {
		out = append(out, Check{Rule: rule, OK: len(bad) == 0, Detail: strings.Join(bad, "；")})
	}
	if t := r.Tables.Requests; t != nil {
		var sub []string
		for _, d := range request.Decisions {
			sub = append(sub, d.Code())
		}
		var bad1, bad2, bad3 []string
		for _, c := range RequestColumns {
			a, ok1 := num(t, "new", c.Key)
			b, ok2 := num(t, "carried_in", c.Key)
			tot, ok3 := num(t, "total", c.Key)
			out4, ok4 := num(t, "carried_out", c.Key)
			l, rr := new(big.Rat).Add(a, b), new(big.Rat).Add(tot, out4)
			if !(ok1 && ok2 && ok3 && ok4) || l.Cmp(rr) != 0 {
				bad1 = append(bad1, fmt.Sprintf("%s：%s + %s ≠ %s + %s", c.Title, a.RatString(), b.RatString(), tot.RatString(), out4.RatString()))
			}
			sum, ok := new(big.Rat), true
			for _, k := range sub {
				v, o := num(t, k, c.Key)
				ok = ok && o
				sum.Add(sum, v)
			}
			if !ok || !ok3 || sum.Cmp(tot) != 0 {
				bad2 = append(bad2, fmt.Sprintf("%s：分项之和 %s ≠ 总计 %s", c.Title, sum.RatString(), tot.RatString()))
			}
		}
		for _, row := range t.Rows {
			sum, ok := new(big.Rat), true
			for _, c := range RequestColumns[:6] {
				v, o := num(t, row.Key, c.Key)
				ok = ok && o
				sum.Add(sum, v)
			}
			tot, o := num(t, row.Key, "total")
			if !ok || !o || sum.Cmp(tot) != 0 {
				bad3 = append(bad3, fmt.Sprintf("%s：各列之和 %s ≠ 总计列 %s", row.Label, sum.RatString(), tot.RatString()))
			}
		}
		add("表三每列：第一项加第二项之和，等于第三项加第四项之和", bad1)
		add("表三（七）总计等于（一）至（六）各分项之和", bad2)
		add("表三总计列等于自然人与五类法人或其他组织之和", bad3)
	}
	if t := r.Tables.ReviewLitigation; t != nil {
		var bad []string
		for _, g := range request.Table4Groups {
			sum, ok := new(big.Rat), true
			for _, res := range request.Table4Results[:4] {
				v, o := num(t, "cases", g.Code+"."+res.Code)
				ok = ok && o
				sum.Add(sum, v)
			}
			tot, o := num(t, "cases", g.Code+".total")
			if !ok || !o || sum.Cmp(tot) != 0 {
				bad = append(bad, fmt.Sprintf("%s：%s ≠ 总计 %s", g.Label, sum.RatString(), tot.RatString()))
			}
		}
		add("表四每组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结", bad)
	}
	// Every shown figure is a non-negative number (an integer count, or
	// 万元 with at most four decimals for 行政事业性收费).
	var bad []string
	for _, t := range r.Tables.All() {
		if t == nil {
			continue
		}
		for _, row := range t.Rows {
			for col, c := range row.Cells {
				if !validValue(t.Code == "proactive" && col == colAmount, c.Value) {
					bad = append(bad, fmt.Sprintf("%s %s：%q", t.Title, row.Label, c.Value))
				}
			}
		}
	}
	add("每个数字为非负整数（收费金额为最多四位小数的万元数）", bad)
	return out
}

func validValue(amount bool, v string) bool {
	if v == "" {
		return false
	}
	whole, frac, dot := strings.Cut(v, ".")
	if dot && (!amount || len(frac) == 0 || len(frac) > 4) {
		return false
	}
	for _, s := range []string{whole, frac} {
		for _, c := range s {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return whole != ""
}

// itemStatus maps the catalogue item's status to the report's.
func itemStatus(s string) string {
	switch s {
	case catalog.StatusSubmitted:
		return "review"
	case catalog.StatusReviewed, catalog.StatusScheduled:
		return "approved"
	case catalog.StatusPublished:
		return StPublished
	}
	return StDraft
}

// ColumnTitle names a numeric column of a table in words.
func ColumnTitle(table, col string) string {
	switch table {
	case "proactive":
		return map[string]string{colIssued: "本年制发件数", colRepealed: "本年废止件数", colInForce: "现行有效件数",
			colDecisions: "本年处理决定数量", colAmount: "本年收费金额（单位：万元）"}[col]
	case "requests":
		for _, c := range RequestColumns {
			if c.Key == col {
				return c.Title
			}
		}
	case "review_litigation":
		g, res, _ := strings.Cut(col, ".")
		var out string
		for _, x := range request.Table4Groups {
			if x.Code == g {
				out = x.Label
			}
		}
		for _, x := range request.Table4Results {
			if x.Code == res {
				out += " " + x.Label
			}
		}
		return out
	}
	return col
}

// Value returns a shown figure ("0" when the cell does not exist).
func (r *Report) Value(table, row, col string) string {
	if c, ok := r.CellKeys(table, row, col); ok && c != nil {
		return c.Value
	}
	return "0"
}

// Skeleton is the generated outline of part 一 with this year's figures
// and last year's beside them, for staff to write from (never published
// as it stands: the template wants the year's own account, REFERENCE §2).
func Skeleton(cur, prev *Report) string {
	line := func(what, table, row, col, unit string) string {
		return fmt.Sprintf("%s%s%s（上年%s%s）", what, cur.Value(table, row, col), unit, prev.Value(table, row, col), unit)
	}
	return strings.Join([]string{
		"（一）主动公开：" + line("本年制发行政规范性文件", "proactive", "normative", colIssued, "件") + "，" + line("现行有效", "proactive", "normative", colInForce, "件") +
			"；" + line("行政许可决定", "proactive", "licence", colDecisions, "件") + "，" + line("行政处罚决定", "proactive", "penalty", colDecisions, "件") + "，" + line("行政强制决定", "proactive", "coercion", colDecisions, "件") + "。",
		"（二）依申请公开：" + line("本年新收申请", "requests", "new", "total", "件") + "，" + line("上年结转", "requests", "carried_in", "total", "件") + "，" +
			line("办结", "requests", "total", "total", "件") + "，其中" + line("予以公开", "requests", "disclosed", "total", "件") + "、" + line("部分公开", "requests", "partially_disclosed", "total", "件") +
			"，" + line("结转下年度", "requests", "carried_out", "total", "件") + "。",
		"（三）行政复议、行政诉讼：" + line("行政复议", "review_litigation", "cases", "reconsideration.total", "件") + "，" + line("未经复议直接起诉", "review_litigation", "cases", "lawsuit_direct.total", "件") +
			"，" + line("复议后起诉", "review_litigation", "cases", "lawsuit_after.total", "件") + "。",
		"（四）政府信息管理：（请写明本年度信息发布审核、规范性文件清理等情况）",
		"（五）平台建设：（请写明政府网站、政务新媒体建设情况）",
		"（六）监督保障：（请写明培训、考核、社会评议情况）",
	}, "\n\n")
}
