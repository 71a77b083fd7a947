// Package annual is the 政府信息公开工作年度报告 (条例第四十九、五十条; the
// format of 国办公开办函〔2021〕30号, REFERENCE §1.4 and §2): a year's six
// parts, computed from the records (tables 二, 三, 四 and the fees of part
// 六), written where the template asks for text (parts 一 and 五), checked
// (勾稽关系, REFERENCE §2.3–2.4), reviewed and published as a catalogue item.
//
// This file is the report's model, shared by the computation (this
// package), the pages and API (internal/web/annual) and the exports
// (internal/annual/export: PDF, DOCX, XLSX). A table is a list of blocks;
// each block carries the template's merged header cells and its data rows,
// so every renderer draws the same layout from the same value.
package annual

// Report is one site's annual report for a year.
type Report struct {
	SiteID int64 `json:"-"`
	Year   int   `json:"year"`
	// Status is draft, review, approved or published (the catalogue
	// workflow's states once the report is an item; draft before).
	Status string `json:"status"`
	// Title is the report's title (临沂市司法局2025年政府信息公开工作年度报告).
	Title string `json:"title"`
	// Body names the reporting body (临沂市司法局).
	Body string `json:"body"`
	// Parts are the six parts, in the template's order.
	Parts []Part `json:"parts"`
	// Tables are the fixed tables of parts 二, 三 and 四.
	Tables Tables `json:"tables"`
	// Checks are the 勾稽关系 and their outcomes; publishing is refused
	// while one fails.
	Checks []Check `json:"checks"`
	// ItemID is the published catalogue item (0 before publication).
	ItemID int64 `json:"item_id,omitempty"`
	// IndexNo is the published item's 索引号.
	IndexNo string `json:"index_no,omitempty"`
}

// Part is one of the six parts (REFERENCE §2.1).
type Part struct {
	No    string `json:"no"`    // 一 … 六
	Title string `json:"title"` // 总体情况 …
	// Text is the part's prose (parts 一, 五, 六; parts 二–四 may carry an
	// introductory sentence). Paragraphs are separated by blank lines.
	Text string `json:"text,omitempty"`
	// Table is the code of the part's table (proactive, requests,
	// review_litigation), empty for a text part.
	Table string `json:"table,omitempty"`
	// SameAsLastYear lists the paragraphs of Text that repeat last year's
	// report verbatim (the draft marks them: no copy-paste filler, §2).
	SameAsLastYear []int `json:"same_as_last_year,omitempty"`
}

// Tables are the report's three fixed tables.
type Tables struct {
	Proactive        *Table `json:"proactive"`         // 二: 主动公开政府信息情况
	Requests         *Table `json:"requests"`          // 三: 收到和处理政府信息公开申请情况
	ReviewLitigation *Table `json:"review_litigation"` // 四: 行政复议、行政诉讼情况
}

// All returns the tables in report order.
func (t Tables) All() []*Table {
	return []*Table{t.Proactive, t.Requests, t.ReviewLitigation}
}

// Table is one fixed table: blocks drawn one after another (table 二 has
// four, tables 三 and 四 one each).
type Table struct {
	Code   string  `json:"code"`  // proactive, requests, review_litigation
	Title  string  `json:"title"` // the part's title
	Blocks []Block `json:"blocks"`
	// Rows are every block's rows, in order (the API's flat view:
	// tables.requests.rows).
	Rows []*Row `json:"rows"`
}

// Block is a run of rows under one header.
type Block struct {
	// Label is the block's heading row, merged across the table
	// (第二十条第（一）项); empty when the block has none.
	Label string `json:"label,omitempty"`
	// LabelCols is how many columns the row labels take (table 三: 3, the
	// level-1, level-2 and level-3 labels; table 二: 1; table 四: 0).
	LabelCols int `json:"label_cols"`
	// Head are the header rows above the data, with the template's merged
	// cells, left to right, including the label columns' corner cell.
	Head [][]HeadCell `json:"head"`
	// Columns are the keys of the numeric columns, left to right.
	Columns []string `json:"columns"`
	// Rows are the block's data rows.
	Rows []*Row `json:"rows"`
}

// HeadCell is a header cell spanning ColSpan columns and RowSpan rows (1
// when not merged).
type HeadCell struct {
	Text    string `json:"text"`
	ColSpan int    `json:"colspan"`
	RowSpan int    `json:"rowspan"`
}

// Row is a data row. Label is the template's own row label verbatim
// (一、本年新收政府信息公开申请数量, 1.属于国家秘密, （七）总计); for the
// sub-rows of table 三 Group is the block label (（三）不予公开) and
// Section the level-1 label (三、本年度办理结果). A renderer merges equal
// consecutive Section and Group cells into one (the template's rowspans).
type Row struct {
	Key     string           `json:"key"` // stable: new, withheld.1, total …
	Section string           `json:"section,omitempty"`
	Group   string           `json:"group,omitempty"`
	Label   string           `json:"label"`
	Cells   map[string]*Cell `json:"cells"`
}

// Cell is one number. Value is what the report shows: the computed figure
// or, when staff overrode it, the override (with its recorded reason).
type Cell struct {
	// Value is the shown number as text: an integer count, or an amount
	// in 万元 with up to four decimals ("0.0400") for table 二's fees.
	Value string `json:"value"`
	// Computed is the figure from the records.
	Computed string `json:"computed"`
	// Override is set when staff replaced the computed figure.
	Override *Override `json:"override,omitempty"`
	// Refs are the records behind the computed figure (drill-down).
	Refs []Ref `json:"-"`
}

// Override is a staff correction of a computed figure (audited).
type Override struct {
	Value  string `json:"value"`
	Reason string `json:"reason"`
	By     string `json:"by"`
	At     string `json:"at"` // RFC 3339
}

// Ref names a record behind a number: a request, a catalogue item, an
// enforcement decision row or a fee record.
type Ref struct {
	Kind  string `json:"kind"`  // request, item, decision, fee
	ID    int64  `json:"id"`    // the record's id
	Label string `json:"label"` // tracking number, 文号 or title
	URL   string `json:"url"`   // staff page of the record
}

// Check is one 勾稽关系 rule and its outcome.
type Check struct {
	Rule   string `json:"rule"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// OK reports whether every check holds.
func (r *Report) OK() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Table returns the table with code, nil when there is none.
func (r *Report) Table(code string) *Table {
	for _, t := range r.Tables.All() {
		if t != nil && t.Code == code {
			return t
		}
	}
	return nil
}

// Columns of table 三 as the API names them (the keys): 自然人,
// the five kinds of 法人或其他组织, 总计.
var RequestColumns = []Column{
	{"natural_person", "自然人"}, {"commercial_enterprise", "商业企业"}, {"research_institution", "科研机构"},
	{"public_interest_org", "社会公益组织"}, {"legal_service_org", "法律服务机构"}, {"other_org", "其他"}, {"total", "总计"},
}

// Column is a numeric column's key and heading.
type Column struct {
	Key, Title string
}
