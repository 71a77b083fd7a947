package finance

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/lists"
	"gongkai/internal/store"
)

// Report kinds: a department budget (部门预算) or final accounts (部门决算).
const (
	Budget = "budget"
	Final  = "final"
)

// KindLabel names a report kind.
func KindLabel(k string) string {
	if k == Final {
		return "部门决算"
	}
	return "部门预算"
}

// Report statuses.
const (
	Draft     = "draft"
	Published = "published"
)

// Configurable periods (set from flags in cmd/gongkai).
var (
	// PublishDays: budgets and final accounts are published within 20
	// (calendar) days of the finance department's approval (预算法第十四条;
	// 预算法实施条例第六条 for subordinate units; RECORDS §8.2 [R7]).
	PublishDays = 20
	// IntentionLeadDays: a procurement intention is published in principle
	// no later than 30 days before the procurement begins (财库〔2020〕10号 as
	// restated by a unit notice, RECORDS §8.6 [R61]; the notice's exact date
	// is UNVERIFIED, so the figure is a setting too).
	IntentionLeadDays = 30
	// KeepYears is how many years a published report stays on the public
	// pages; 0 keeps every year ("并长期处于公开状态" is central practice, a
	// local rule requiring it UNVERIFIED: RECORDS §8.2 [R89]).
	KeepYears = 0
)

// Maximum lengths of a report's texts.
const (
	MaxUnitName    = 100
	MaxExplanation = 20000
)

// Service keeps the sites' budgets and final accounts.
type Service struct {
	DB      *store.DB
	Catalog *catalog.Service
	Lists   *lists.Service
	Today   func() calendar.Date
	// Now is the clock of recorded instants; nil is the wall clock.
	Now func() time.Time
}

func (s *Service) now() string {
	if s.Now != nil {
		return store.FormatTime(s.Now())
	}
	return store.FormatTime(time.Now())
}

func (s *Service) today() calendar.Date {
	if s.Today != nil {
		return s.Today()
	}
	return calendar.Today()
}

// Report is a year's budget or final accounts of a unit.
type Report struct {
	ID           int64   `json:"id"`
	Kind         string  `json:"kind"`
	KindLabel    string  `json:"kind_label"`
	Year         int     `json:"year"`
	DepartmentID int64   `json:"department_id"`
	UnitName     string  `json:"unit_name"`
	ApprovedOn   string  `json:"approved_on"`
	Due          string  `json:"due"`
	Status       string  `json:"status"`
	PublishedAt  string  `json:"published_at,omitempty"`
	PublishedOn  string  `json:"published_on,omitempty"`
	Explanation  string  `json:"explanation"`
	Sanshi       string  `json:"sanshi"`
	FileName     string  `json:"file_name"`
	Tables       []Table `json:"tables,omitempty"`
}

// Title is the report's heading (临沂市司法局2025年部门预算).
func (r *Report) Title() string {
	return fmt.Sprintf("%s%d年%s", r.UnitName, r.Year, KindLabel(r.Kind))
}

// Late says whether it was published after its due day, or is unpublished past it.
func (r *Report) Late(today calendar.Date) bool {
	if r.PublishedOn != "" {
		return r.PublishedOn > r.Due
	}
	return today.String() > r.Due
}

func (r *Report) fill() {
	r.KindLabel = KindLabel(r.Kind)
	if d := calendar.Day(r.ApprovedOn); !d.IsZero() {
		// Calendar days from 批复 (RECORDS §8.6 platform note b).
		r.Due = d.AddDays(PublishDays).String()
	}
	if t := store.ParseTime(r.PublishedAt); !t.IsZero() {
		r.PublishedOn = calendar.DateOf(t.In(calendar.Beijing)).String()
	}
}

// Import is what staff upload: the report's identity and its workbook.
type Import struct {
	Kind         string
	Year         int
	DepartmentID int64
	UnitName     string
	ApprovedOn   string
	Explanation  string
	Sanshi       string
	FileName     string
	File         io.Reader
}

func may(u *auth.User, siteID, dept int64) error {
	if u == nil {
		return errs.E(errs.Unauthorized, "请先登录")
	}
	if !u.ServesSite(siteID) || !u.CanEditDepartment(dept) {
		return errs.E(errs.Forbidden, "只有负责本预决算的科室工作人员和政务公开办公室可以办理")
	}
	return nil
}

func invalid(field, msg string) error {
	return &errs.Error{Code: errs.Invalid, Message: msg, Fields: map[string]string{field: msg}}
}

// ImportReport stores a report's tables from its workbook as a draft,
// replacing the draft (or the published report, which returns to draft)
// of the same kind, year and unit. Nothing is stored when any table is bad.
func (s *Service) ImportReport(ctx context.Context, siteID int64, actor *auth.User, in Import) (*Report, error) {
	v := &errs.Error{Code: errs.Invalid, Message: "预决算信息填写有误", Fields: map[string]string{}}
	if in.Kind != Budget && in.Kind != Final {
		v.Fields["kind"] = "请选择部门预算或部门决算"
	}
	if in.Year < 2000 || in.Year > 2100 {
		v.Fields["year"] = "年度应为 2000 至 2100 之间的四位数字"
	}
	in.UnitName = strings.TrimSpace(in.UnitName)
	if in.UnitName == "" {
		v.Fields["unit_name"] = "请填写预算单位名称"
	} else if utf8.RuneCountInString(in.UnitName) > MaxUnitName {
		v.Fields["unit_name"] = fmt.Sprintf("预算单位名称不能超过 %d 个字", MaxUnitName)
	}
	ap := calendar.Day(strings.TrimSpace(in.ApprovedOn))
	if ap.IsZero() {
		v.Fields["approved_on"] = "请填写财政部门批复日期，格式如 2025-02-10"
	} else if in.Year >= 2000 && (ap.Year < in.Year-1 || ap.Year > in.Year+1) {
		v.Fields["approved_on"] = "批复日期应在预决算年度前后一年内"
	}
	for name, text := range map[string]string{"explanation": in.Explanation, "sanshi": in.Sanshi} {
		if utf8.RuneCountInString(text) > MaxExplanation {
			v.Fields[name] = fmt.Sprintf("说明不能超过 %d 个字", MaxExplanation)
		}
	}
	if strings.TrimSpace(in.Sanshi) == "" {
		// RECORDS §8.5 [R65][R63]: the 三公经费 are explained.
		v.Fields["sanshi"] = "请填写“三公”经费说明（因公出国（境）费、公务用车购置及运行费、公务接待费及增减原因）"
	}
	if _, err := s.department(ctx, siteID, in.DepartmentID); err != nil {
		v.Fields["department_id"] = errs.MessageOf(err)
	}
	var tables []Table
	if in.File == nil {
		v.Fields["file"] = "请选择预决算公开表的 Excel（.xlsx）文件"
	} else if t, err := ParseWorkbook(in.File); err != nil {
		v.Fields["file"] = errs.MessageOf(err)
	} else {
		tables = t
	}
	if len(v.Fields) > 0 {
		if len(v.Fields) == 1 {
			for _, m := range v.Fields {
				v.Message = m
			}
		}
		return nil, v
	}
	if err := may(actor, siteID, in.DepartmentID); err != nil {
		return nil, err
	}
	r := &Report{Kind: in.Kind, Year: in.Year, DepartmentID: in.DepartmentID, UnitName: in.UnitName, ApprovedOn: ap.String(), Status: Draft,
		Explanation: strings.TrimSpace(in.Explanation), Sanshi: strings.TrimSpace(in.Sanshi), FileName: short(in.FileName), Tables: tables}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var old int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM finance_reports WHERE site_id = $1 AND kind = $2 AND year = $3 AND unit_name = $4`,
			siteID, r.Kind, r.Year, r.UnitName).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "find report")
		}
		if old != 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM finance_reports WHERE id = $1`, old); err != nil {
				return errs.Wrap(err, "replace report")
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO finance_reports (site_id, kind, year, department_id, unit_name, approved_on, status, explanation, sanshi, file_name, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			siteID, r.Kind, r.Year, r.DepartmentID, r.UnitName, r.ApprovedOn, r.Status, r.Explanation, r.Sanshi, r.FileName, actor.Label(), s.now()).Scan(&r.ID); err != nil {
			return errs.Wrap(err, "create report")
		}
		for _, t := range tables {
			js, err := json.Marshal(t)
			if err != nil {
				return errs.Wrap(err, "table")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO finance_tables (report_id, seq, name, unit, grid) VALUES ($1, $2, $3, $4, $5)`,
				r.ID, t.Seq, t.Name, t.Unit, string(js)); err != nil {
				return errs.Wrap(err, "store table")
			}
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "finance.report.import",
			Target: fmt.Sprintf("finance_report:%d", r.ID), After: map[string]any{"title": r.Title(), "tables": len(tables), "file": r.FileName, "replaced": old}})
	})
	if err != nil {
		return nil, err
	}
	r.fill()
	return r, nil
}

// Publish publishes a draft report.
func (s *Service) Publish(ctx context.Context, siteID int64, actor *auth.User, id int64) (*Report, error) {
	r, err := s.Report(ctx, siteID, id, false)
	if err != nil {
		return nil, err
	}
	if err := may(actor, siteID, r.DepartmentID); err != nil {
		return nil, err
	}
	if !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以发布预决算")
	}
	if r.Status == Published {
		return nil, errs.E(errs.Conflict, "该预决算已发布")
	}
	at := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE finance_reports SET status = $1, published_at = $2 WHERE id = $3 AND site_id = $4`, Published, at, id, siteID); err != nil {
			return errs.Wrap(err, "publish report")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "finance.report.publish",
			Target: fmt.Sprintf("finance_report:%d", id), After: map[string]any{"title": r.Title(), "published_at": at}}); err != nil {
			return err
		}
		// A public change: the render cache and the site search follow the
		// change event. Appended last: the audit's and the outbox's locks
		// are taken in that order everywhere (PostgreSQL deadlocks otherwise).
		_, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: EventReport, SubjectID: id})
		return err
	})
	if err != nil {
		return nil, err
	}
	if s.Catalog != nil && s.Catalog.Bus != nil {
		s.Catalog.Bus.Committed(ctx)
	}
	return s.Report(ctx, siteID, id, false)
}

func (s *Service) department(ctx context.Context, siteID, id int64) (string, error) {
	ds, err := s.Catalog.Departments(ctx, siteID)
	if err != nil {
		return "", err
	}
	for _, d := range ds {
		if d.ID == id {
			return d.Name, nil
		}
	}
	return "", errs.E(errs.Invalid, "请选择负责的科室")
}

const reportCols = `id, kind, year, department_id, unit_name, approved_on, status, published_at, explanation, sanshi, file_name`

func scanReport(sc interface{ Scan(...any) error }) (*Report, error) {
	r := &Report{}
	if err := sc.Scan(&r.ID, &r.Kind, &r.Year, &r.DepartmentID, &r.UnitName, &r.ApprovedOn, &r.Status, &r.PublishedAt, &r.Explanation, &r.Sanshi, &r.FileName); err != nil {
		return nil, err
	}
	r.fill()
	return r, nil
}

// Filter selects reports.
type Filter struct {
	Kind string
	Year int
	// Public: published ones within KeepYears only.
	Public bool
	// Page (from 1) asks for one page of PageSize; 0 for the first 500.
	Page int
	// Newest orders by publication, newest first (the feed).
	Newest bool
}

// PageSize is a page of the public list.
const PageSize = 30

func (s *Service) where(siteID int64, f Filter) (string, []any) {
	q := ` FROM finance_reports WHERE site_id = $1`
	args := []any{siteID}
	if f.Kind != "" {
		args = append(args, f.Kind)
		q += fmt.Sprintf(" AND kind = $%d", len(args))
	}
	if f.Year != 0 {
		args = append(args, f.Year)
		q += fmt.Sprintf(" AND year = $%d", len(args))
	}
	if f.Public {
		args = append(args, Published)
		q += fmt.Sprintf(" AND status = $%d", len(args))
		if KeepYears > 0 {
			args = append(args, s.today().Year-KeepYears)
			q += fmt.Sprintf(" AND year > $%d", len(args))
		}
	}
	return q, args
}

// Facet is the number of reports of a year and kind.
type Facet struct {
	Year  int
	Kind  string
	Count int
}

// Facets counts the reports by year and kind (newest year first), by GROUP BY.
func (s *Service) Facets(ctx context.Context, siteID int64, public bool) ([]Facet, error) {
	q, args := s.where(siteID, Filter{Public: public})
	rows, err := s.DB.R.QueryContext(ctx, `SELECT year, kind, COUNT(*)`+q+` GROUP BY year, kind ORDER BY year DESC, kind`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "report facets")
	}
	defer rows.Close()
	var out []Facet
	for rows.Next() {
		var f Facet
		if err := rows.Scan(&f.Year, &f.Kind, &f.Count); err != nil {
			return nil, errs.Wrap(err, "report facets")
		}
		out = append(out, f)
	}
	return out, errs.Wrap(rows.Err(), "report facets")
}

// PublishedIDs are the ids of every public report (the search's rebuild).
func (s *Service) PublishedIDs(ctx context.Context, siteID int64) ([]int64, error) {
	q, args := s.where(siteID, Filter{Public: true})
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id`+q+` ORDER BY id`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "report ids")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "report ids")
		}
		out = append(out, id)
	}
	return out, errs.Wrap(rows.Err(), "report ids")
}

// Reports lists a site's reports, newest year first (no tables).
func (s *Service) Reports(ctx context.Context, siteID int64, f Filter) ([]*Report, error) {
	w, args := s.where(siteID, f)
	q := `SELECT ` + reportCols + w
	order, limit := ` ORDER BY year DESC, kind, unit_name`, ` LIMIT 500`
	if f.Newest {
		order = ` ORDER BY published_at DESC, id DESC`
	}
	if f.Page > 0 {
		limit = fmt.Sprintf(` LIMIT %d OFFSET %d`, PageSize, (f.Page-1)*PageSize)
	}
	rows, err := s.DB.R.QueryContext(ctx, q+order+limit, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list reports")
	}
	defer rows.Close()
	var out []*Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan report")
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "list reports")
}

// Report returns one report with its tables; public asks for a published
// one within KeepYears.
func (s *Service) Report(ctx context.Context, siteID, id int64, public bool) (*Report, error) {
	r, err := scanReport(s.DB.R.QueryRowContext(ctx, `SELECT `+reportCols+` FROM finance_reports WHERE site_id = $1 AND id = $2`, siteID, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && public && (r.Status != Published || (KeepYears > 0 && r.Year <= s.today().Year-KeepYears))) {
		return nil, errs.E(errs.NotFound, "没有这份预决算")
	}
	if err != nil {
		return nil, errs.Wrap(err, "get report")
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT grid FROM finance_tables WHERE report_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, errs.Wrap(err, "tables")
	}
	defer rows.Close()
	for rows.Next() {
		var js string
		var t Table
		if err := rows.Scan(&js); err != nil {
			return nil, errs.Wrap(err, "scan table")
		}
		if err := json.Unmarshal([]byte(js), &t); err != nil {
			return nil, errs.Wrap(err, "table json")
		}
		r.Tables = append(r.Tables, t)
	}
	return r, errs.Wrap(rows.Err(), "tables")
}

// Previous is the same unit's published report of the same kind a year
// earlier (nil when none): the year-on-year comparison's base.
func (s *Service) Previous(ctx context.Context, siteID int64, r *Report) (*Report, error) {
	var id int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT id FROM finance_reports WHERE site_id = $1 AND kind = $2 AND year = $3 AND unit_name = $4 AND status = $5`,
		siteID, r.Kind, r.Year-1, r.UnitName, Published).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "previous report")
	}
	return s.Report(ctx, siteID, id, true)
}

// Change is one row of the year-on-year comparison: the first amount
// column (合计) of a row this year and last year.
type Change struct {
	Label   string `json:"label"`
	This    string `json:"this"`
	Last    string `json:"last"`
	Diff    string `json:"diff"`
	Percent string `json:"percent"`
}

// Comparison is a table's year-on-year comparison.
type Comparison struct {
	Table string   `json:"table"`
	Unit  string   `json:"unit"`
	Rows  []Change `json:"rows"`
}

// rowLabel is a row's text cells before the first amount column.
func rowLabel(t *Table, r []string) string {
	var parts []string
	for j := 0; j < len(r) && t.Text[j]; j++ {
		if r[j] != "" && (len(parts) == 0 || parts[len(parts)-1] != r[j]) {
			parts = append(parts, r[j])
		}
	}
	return strings.Join(parts, " ")
}

// Compare matches the tables of two reports by name (else by position)
// and their rows by label, on the first amount column; amounts in
// different units are converted (1 万元 = 10000 元).
func Compare(cur, prev *Report) []Comparison {
	if prev == nil {
		return nil
	}
	var out []Comparison
	for i, t := range cur.Tables {
		var p *Table
		for j := range prev.Tables {
			if prev.Tables[j].Name == t.Name {
				p = &prev.Tables[j]
			}
		}
		if p == nil && i < len(prev.Tables) && len(prev.Tables) == len(cur.Tables) {
			p = &prev.Tables[i]
		}
		if p == nil {
			continue
		}
		pf, cf := p.First(), t.First()
		last := map[string]*big.Rat{}
		for _, r := range p.Rows {
			if pf >= 0 && r[pf] != "" {
				v, _ := new(big.Rat).SetString(r[pf])
				if p.Unit != t.Unit {
					if p.Unit == "元" {
						v.Quo(v, big.NewRat(10000, 1))
					} else {
						v.Mul(v, big.NewRat(10000, 1))
					}
				}
				last[rowLabel(p, r)] = v
			}
		}
		c := Comparison{Table: t.Name, Unit: t.Unit}
		for _, r := range t.Rows {
			if r[cf] == "" {
				continue
			}
			l, ok := last[rowLabel(&t, r)]
			if !ok {
				continue
			}
			v, _ := new(big.Rat).SetString(r[cf])
			d := new(big.Rat).Sub(v, l)
			ch := Change{Label: rowLabel(&t, r), This: v.FloatString(2), Last: l.FloatString(2), Diff: d.FloatString(2), Percent: "—"}
			if l.Sign() != 0 {
				pc := new(big.Rat).Quo(new(big.Rat).Mul(d, big.NewRat(100, 1)), l)
				ch.Percent = pc.FloatString(1) + "%"
			}
			c.Rows = append(c.Rows, ch)
		}
		if len(c.Rows) > 0 {
			out = append(out, c)
		}
	}
	return out
}
