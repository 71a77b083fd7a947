package annual

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Limits of the staff input.
const (
	MaxText   = 20000 // each text part, in characters
	MaxReason = 500   // an override's reason
	MaxValue  = 20    // an override's value
)

// Texts are the staff-written parts (一, 五, 六) and the year's setting.
type Texts struct {
	Part1, Part5, Part6 string
	// LicenceBasis is all or granted (which 行政许可 decisions count).
	LicenceBasis string
}

func office(actor *auth.User) error {
	if actor == nil || !actor.CanPublish() {
		return errs.E(errs.Forbidden, "年度报告由政务公开办公室编制，您没有权限")
	}
	return nil
}

func (s *Service) editable(ctx context.Context, siteID int64, year int) (*Stored, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	st, err := s.Load(ctx, siteID, year)
	if err != nil {
		return nil, err
	}
	if st.Status == StPublished {
		return nil, errs.E(errs.Conflict, "%d年度报告已发布，不能再修改；如需更正，请在信息目录中撤回后重新发布", year)
	}
	return st, nil
}

// ensure creates the year's row inside tx when it does not exist.
func (s *Service) ensure(ctx context.Context, tx *sql.Tx, siteID int64, year int, by string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO annual_reports (site_id, year, updated_by, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (site_id, year) DO NOTHING`,
		siteID, year, by, store.Now())
	return errs.Wrap(err, "annual report")
}

// SaveTexts stores the staff text of parts 一, 五, 六 and the setting.
func (s *Service) SaveTexts(ctx context.Context, actor *auth.User, siteID int64, year int, in Texts) error {
	if err := office(actor); err != nil {
		return err
	}
	before, err := s.editable(ctx, siteID, year)
	if err != nil {
		return err
	}
	v := errs.Validation{}
	for name, t := range map[string]string{"part1": in.Part1, "part5": in.Part5, "part6": in.Part6} {
		if !catalog.CleanText(t) {
			v.Add(name, "含有无法识别的字符")
		} else if utf8.RuneCountInString(t) > MaxText {
			v.Add(name, fmt.Sprintf("不能超过 %d 个字", MaxText))
		}
	}
	if in.LicenceBasis == "" {
		in.LicenceBasis = LicenceAll
	}
	if in.LicenceBasis != LicenceAll && in.LicenceBasis != LicenceGranted {
		v.Add("licence_basis", "应为 all（全部许可决定）或 granted（准予许可决定）")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.ensure(ctx, tx, siteID, year, actor.Name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE annual_reports SET part1 = $1, part5 = $2, part6 = $3, licence_basis = $4, updated_by = $5, updated_at = $6 WHERE site_id = $7 AND year = $8`,
			in.Part1, in.Part5, in.Part6, in.LicenceBasis, actor.Name, store.Now(), siteID, year); err != nil {
			return errs.Wrap(err, "save annual report")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "annual.text", Target: fmt.Sprintf("annual_report:%d", year),
			Before: Texts{before.Part1, before.Part5, before.Part6, before.LicenceBasis}, After: in})
	})
}

// CellKeys reports whether table, row and column name a cell of r.
func (r *Report) CellKeys(table, row, col string) (*Cell, bool) {
	t := r.Table(table)
	if t == nil {
		return nil, false
	}
	for _, rw := range t.Rows {
		if rw.Key == row {
			c, ok := rw.Cells[col]
			return c, ok
		}
	}
	return nil, false
}

// SetOverride replaces a computed figure, only with its reason; the
// change is audited and the draft marks the cell. The value is kept as
// entered (after trimming) so that the checks, not the form, judge it.
func (s *Service) SetOverride(ctx context.Context, actor *auth.User, siteID int64, year int, table, row, col, value, reason string) error {
	if err := office(actor); err != nil {
		return err
	}
	if _, err := s.editable(ctx, siteID, year); err != nil {
		return err
	}
	r, err := s.Draft(ctx, siteID, year)
	if err != nil {
		return err
	}
	cell, ok := r.CellKeys(table, row, col)
	if !ok {
		return &errs.Error{Code: errs.Invalid, Message: "没有这个单元格", Fields: map[string]string{"cell": "表格、行或列不存在"}}
	}
	value, reason = strings.TrimSpace(value), strings.TrimSpace(reason)
	v := errs.Validation{}
	switch {
	case value == "":
		v.Add("value", "请填写数值")
	case utf8.RuneCountInString(value) > MaxValue || !catalog.CleanText(value):
		v.Add("value", fmt.Sprintf("数值不能超过 %d 个字符", MaxValue))
	}
	switch {
	case reason == "":
		v.Add("reason", "修改统计数字必须填写理由")
	case utf8.RuneCountInString(reason) > MaxReason || !catalog.CleanText(reason):
		v.Add("reason", fmt.Sprintf("理由不能超过 %d 个字", MaxReason))
	}
	if err := v.Err(); err != nil {
		return err
	}
	at := store.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.ensure(ctx, tx, siteID, year, actor.Name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO annual_overrides (site_id, year, table_code, row_key, col_key, value, reason, by_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (site_id, year, table_code, row_key, col_key) DO UPDATE SET value = excluded.value, reason = excluded.reason, by_name = excluded.by_name, at = excluded.at`,
			siteID, year, table, row, col, value, reason, actor.Name, at); err != nil {
			return errs.Wrap(err, "override")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "annual.override", Target: fmt.Sprintf("annual_report:%d:%s/%s/%s", year, table, row, col),
			Before: map[string]string{"value": cell.Value, "computed": cell.Computed}, After: map[string]string{"value": value, "reason": reason}})
	})
}

// ClearOverride goes back to the computed figure (audited, with a reason).
func (s *Service) ClearOverride(ctx context.Context, actor *auth.User, siteID int64, year int, table, row, col, reason string) error {
	if err := office(actor); err != nil {
		return err
	}
	st, err := s.editable(ctx, siteID, year)
	if err != nil {
		return err
	}
	o := st.Overrides[okey(table, row, col)]
	if o == nil {
		return errs.E(errs.NotFound, "该单元格没有人工修改")
	}
	if reason = strings.TrimSpace(reason); reason == "" || utf8.RuneCountInString(reason) > MaxReason {
		return &errs.Error{Code: errs.Invalid, Message: "恢复计算值必须填写理由（不超过 500 字）", Fields: map[string]string{"reason": "请填写理由"}}
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM annual_overrides WHERE site_id = $1 AND year = $2 AND table_code = $3 AND row_key = $4 AND col_key = $5`,
			siteID, year, table, row, col); err != nil {
			return errs.Wrap(err, "override")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "annual.override.clear", Target: fmt.Sprintf("annual_report:%d:%s/%s/%s", year, table, row, col),
			Before: o, After: map[string]string{"reason": reason}})
	})
}

func checksFailed(r *Report) error {
	var bad []string
	for _, c := range r.Checks {
		if !c.OK {
			bad = append(bad, c.Rule)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return errs.E(errs.Conflict, "勾稽关系未通过，不能提交或发布：%s", strings.Join(bad, "；"))
}

// AnnualColumn finds the site's column holding annual reports.
func (s *Service) AnnualColumn(ctx context.Context, siteID int64) (*catalog.Column, error) {
	tree, err := s.Catalog.Tree(ctx, siteID)
	if err != nil {
		return nil, err
	}
	for _, c := range tree.All() {
		for _, t := range c.DocTypes {
			if t == "annual_report" {
				return c, nil
			}
		}
	}
	return nil, errs.E(errs.Invalid, "本站没有收录“政务公开年度报告”的栏目，请先在栏目管理中设置")
}

// Submit writes the report into its catalogue item (created on first
// submission, doc type annual_report in the 政务公开年度报告 column) and
// submits it for review through the catalogue's workflow. Refused while a
// check fails.
func (s *Service) Submit(ctx context.Context, actor *auth.User, siteID int64, year int) (*Report, error) {
	if err := office(actor); err != nil {
		return nil, err
	}
	if _, err := s.editable(ctx, siteID, year); err != nil {
		return nil, err
	}
	r, err := s.Draft(ctx, siteID, year)
	if err != nil {
		return nil, err
	}
	if err := checksFailed(r); err != nil {
		return nil, err
	}
	var body bytes.Buffer
	if err := WriteHTMLFragment(&body, r); err != nil {
		return nil, errs.Wrap(err, "render")
	}
	if r.ItemID == 0 {
		col, err := s.AnnualColumn(ctx, siteID)
		if err != nil {
			return nil, err
		}
		// The drafting department: the column's keeper, else the office's own.
		dept := col.DepartmentID
		if dept == 0 {
			dept = actor.DepartmentID
		}
		it, err := s.Catalog.CreateItemWith(ctx, actor, siteID, catalog.NewItem{Input: catalog.Input{ColumnID: col.ID, DocType: "annual_report", Title: r.Title, DepartmentID: dept,
			Body: body.String(), Disclosure: "proactive", Fields: map[string]string{"report_year": fmt.Sprint(year)}}}, func(tx *sql.Tx, id int64) error {
			if err := s.ensure(ctx, tx, siteID, year, actor.Name); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE annual_reports SET item_id = $1, status = $2, updated_by = $3, updated_at = $4 WHERE site_id = $5 AND year = $6`, id, StDraft, actor.Name, store.Now(), siteID, year)
			return errs.Wrap(err, "annual item")
		})
		if err != nil {
			return nil, err
		}
		r.ItemID = it.ID
	} else {
		it, err := s.Catalog.Item(ctx, siteID, r.ItemID)
		if err != nil {
			return nil, err
		}
		in, err := s.Catalog.InputOf(ctx, it)
		if err != nil {
			return nil, err
		}
		in.Body, in.Title, in.Version = body.String(), r.Title, it.Version
		if _, err := s.Catalog.Update(ctx, actor, siteID, r.ItemID, in); err != nil {
			return nil, err
		}
	}
	if _, err := s.DB.W.ExecContext(ctx, `UPDATE annual_reports SET submitted = $1 WHERE site_id = $2 AND year = $3`, fingerprint(r), siteID, year); err != nil {
		return nil, errs.Wrap(err, "submitted report")
	}
	if it, err := s.Catalog.Item(ctx, siteID, r.ItemID); err == nil && (it.Status == catalog.StatusDraft || it.Status == catalog.StatusReturned) {
		if _, err := s.Catalog.Submit(ctx, actor, siteID, r.ItemID); err != nil {
			return nil, err
		}
	}
	return s.Draft(ctx, siteID, year)
}

// Approve approves the submitted report item (the catalogue's review).
func (s *Service) Approve(ctx context.Context, actor *auth.User, siteID int64, year int, comment string) (*Report, error) {
	st, err := s.editable(ctx, siteID, year)
	if err != nil {
		return nil, err
	}
	if st.ItemID == 0 {
		return nil, errs.E(errs.Conflict, "报告尚未提交审核")
	}
	if _, err := s.Catalog.Approve(ctx, actor, siteID, st.ItemID, comment); err != nil {
		return nil, err
	}
	return s.Draft(ctx, siteID, year)
}

// Publish publishes the reviewed report item with its index number, after
// recomputing the report: refused while a check fails, and refused when the
// figures changed since the submitted version (submit again). The report as
// published is kept (snapshot) and served from then on.
func (s *Service) Publish(ctx context.Context, actor *auth.User, siteID int64, year int) (*Report, error) {
	if err := office(actor); err != nil {
		return nil, err
	}
	st, err := s.editable(ctx, siteID, year)
	if err != nil {
		return nil, err
	}
	if st.ItemID == 0 {
		return nil, errs.E(errs.Conflict, "报告尚未提交审核，不能发布")
	}
	r, err := s.Draft(ctx, siteID, year)
	if err != nil {
		return nil, err
	}
	if err := checksFailed(r); err != nil {
		return nil, err
	}
	it, err := s.Catalog.Item(ctx, siteID, st.ItemID)
	if err != nil {
		return nil, err
	}
	var submitted string
	if err := s.DB.R.QueryRowContext(ctx, `SELECT submitted FROM annual_reports WHERE site_id = $1 AND year = $2`, siteID, year).Scan(&submitted); err != nil {
		return nil, errs.Wrap(err, "submitted report")
	}
	if submitted != fingerprint(r) {
		return nil, errs.E(errs.Conflict, "报告内容在提交审核后发生了变化，请重新提交审核")
	}
	it, err = s.Catalog.Publish(context.WithValue(ctx, publishingKey{}, true), actor, siteID, st.ItemID, time.Time{})
	if err != nil {
		return nil, err
	}
	r.Status, r.ItemID, r.IndexNo = StPublished, it.ID, it.IndexNo
	snap, err := json.Marshal(r)
	if err != nil {
		return nil, errs.Wrap(err, "snapshot")
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE annual_reports SET status = $1, snapshot = $2, updated_by = $3, updated_at = $4 WHERE site_id = $5 AND year = $6`,
			StPublished, string(snap), actor.Name, store.Now(), siteID, year); err != nil {
			return errs.Wrap(err, "publish annual report")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "annual.publish", Target: fmt.Sprintf("annual_report:%d", year),
			After: map[string]any{"item": it.ID, "index_no": it.IndexNo}})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// fingerprint is the report's content as reviewed: title, parts and
// tables (the shown values), not status or checks.
func fingerprint(r *Report) string {
	b, _ := json.Marshal(struct {
		Title  string
		Parts  []Part
		Tables Tables
	}{r.Title, r.Parts, r.Tables})
	return string(b)
}

// Published returns the report as published for a year, nil when the
// year has none.
func (s *Service) Published(ctx context.Context, siteID int64, year int) (*Report, error) {
	var snap string
	err := s.DB.R.QueryRowContext(ctx, `SELECT a.snapshot FROM annual_reports a WHERE a.site_id = $1 AND a.year = $2 AND `+livePublished("$3"),
		siteID, year, StPublished).Scan(&snap)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "published report")
	}
	r := &Report{}
	if err := json.Unmarshal([]byte(snap), r); err != nil {
		return nil, errs.Wrap(err, "published report")
	}
	r.SiteID = siteID
	return r, nil
}

// livePublished is the condition (on annual_reports a, with StPublished
// as the placeholder ph) that a year's report is published: published by Publish and its
// item still published. Withdrawing the item in the catalogue (条例第二十六
// 条 corrections) takes the report back to a draft, with no hook needed.
func livePublished(ph string) string {
	return `a.status = ` + ph + ` AND EXISTS (SELECT 1 FROM items i WHERE i.id = a.item_id AND i.status = 'published')`
}

// PublishedYears lists the years with a published report, latest first.
func (s *Service) PublishedYears(ctx context.Context, siteID int64) ([]int, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT a.year FROM annual_reports a WHERE a.site_id = $1 AND `+livePublished("$2")+` ORDER BY a.year DESC`, siteID, StPublished)
	if err != nil {
		return nil, errs.Wrap(err, "published years")
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, errs.Wrap(err, "published years")
		}
		out = append(out, y)
	}
	return out, errs.Wrap(rows.Err(), "published years")
}

// publishingKey marks the context of Publish's own catalogue step.
type publishingKey struct{}

// PublishGuard is the catalogue's publish guard (catalog.Service.
// PublishGuards): a generated report's item goes public only through
// Publish, which recomputes the report and refuses while a 勾稽关系 check
// fails; publishing it from the generic item page would skip that.
// Report items made by hand (earlier years' uploaded reports) are not
// concerned.
func (s *Service) PublishGuard(ctx context.Context, it *catalog.Item) error {
	if it.DocType != "annual_report" || ctx.Value(publishingKey{}) != nil {
		return nil
	}
	var n int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM annual_reports WHERE site_id = $1 AND item_id = $2`, it.SiteID, it.ID).Scan(&n); err != nil {
		return errs.Wrap(err, "annual report item")
	}
	if n > 0 {
		return errs.E(errs.Conflict, "本年度报告由系统生成，须在“年度报告”页面校验勾稽关系后发布")
	}
	return nil
}

// EarlierReport is a year's report published as an ordinary catalogue item
// (a report from before the platform, uploaded by staff), for a year with
// no generated report.
type EarlierReport struct {
	Year   int
	Title  string
	ItemID int64
}

// EarlierReports lists the published annual_report items of the years
// without a generated, published report, latest first (one a year: the
// latest published).
func (s *Service) EarlierReports(ctx context.Context, siteID int64) ([]EarlierReport, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT i.id, i.title, f.value FROM items i JOIN item_facets f ON f.item_id = i.id AND f.name = 'report_year'
		WHERE i.site_id = $1 AND i.doc_type = 'annual_report' AND i.status = 'published'
		AND NOT EXISTS (SELECT 1 FROM annual_reports a WHERE a.site_id = i.site_id AND a.item_id = i.id)
		ORDER BY f.value DESC, i.published_on DESC, i.id DESC LIMIT 100`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "earlier reports")
	}
	defer rows.Close()
	var out []EarlierReport
	seen := map[int]bool{}
	for rows.Next() {
		var r EarlierReport
		var y string
		if err := rows.Scan(&r.ItemID, &r.Title, &y); err != nil {
			return nil, errs.Wrap(err, "earlier reports")
		}
		if _, err := fmt.Sscan(y, &r.Year); err != nil || seen[r.Year] {
			continue
		}
		seen[r.Year] = true
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "earlier reports")
}
