// Package inspect is 双随机、一公开 (random inspections): yearly plans drawn
// from the published registries (the list kinds inspection_items,
// inspection_targets and inspectors of internal/lists), draws that anyone
// can recompute from their published inputs (draw.go, scripts/verify-draw),
// and the inspection results, published within the deadline of RECORDS §5.3.
package inspect

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// Draw statuses: announced (inputs and commitment or figure fixed,
// published) and drawn (randomness revealed, result published).
const (
	Announced = "announced"
	Drawn     = "drawn"
)

// Service keeps the plans, draws and results of every site.
type Service struct {
	DB       *store.DB
	Catalog  *catalog.Service
	Lists    *lists.Service
	Calendar *calver.Versions
	Today    func() calendar.Date
	// Sealer, when set (GONGKAI_DATA_KEY), encrypts a committed seed at rest
	// until the draw reveals it, so a copy of the database does not give
	// the outcome of an announced draw away early.
	Sealer *secure.Sealer
	// Now is the clock of the recorded instants (announced, drawn,
	// recorded); nil is the wall clock. The demo sets it to its 2025 days.
	Now func() time.Time
}

// now is the instant to record, in the store's format: Now, else the wall
// clock moved onto the service's day when Today is pinned to another one
// (tests, the demo), so recorded instants and day rules agree.
func (s *Service) now() string {
	if s.Now != nil {
		return store.FormatTime(s.Now())
	}
	t := time.Now().In(calendar.Beijing)
	if d := s.today(); d != calendar.DateOf(t) {
		t = time.Date(d.Year, d.Month, d.Day, t.Hour(), t.Minute(), t.Second(), 0, calendar.Beijing)
	}
	return store.FormatTime(t)
}

func (s *Service) today() calendar.Date {
	if s.Today != nil {
		return s.Today()
	}
	return calendar.Today()
}

// Settings are a site's rules for random inspections.
type Settings struct {
	// ResultDays is the period for publishing a result after the inspection.
	ResultDays int `json:"result_days"`
	// ResultWorkdays counts ResultDays in working days (else calendar days).
	ResultWorkdays bool `json:"result_workdays"`
	// MaxPerYear is how many times a year one target may be drawn (0: no cap).
	MaxPerYear int `json:"max_per_year"`
}

// DefaultSettings: results within 20 days of the end of the inspection
// (国发〔2019〕5号 as cited in REFERENCE §8 and RECORDS §5.3; whether the
// national text says working days is UNVERIFIED, so the default counts
// calendar days, the stricter reading — RECORDS §5.3 platform note (c):
// "default to the strictest rule that applies"; local rules such as
// Baoshan's 7 working days [R75] or Guangyuan's 5 days [R71] are set here).
// A target at most twice a year: Guangyuan Justice Bureau 2020 [R71]
// (RECORDS §5.3 platform note (b): "enforce frequency caps at draw time");
// not a national figure, so a setting.
var DefaultSettings = Settings{ResultDays: 20, ResultWorkdays: false, MaxPerYear: 2}

// BasisResults cites the publication deadline's sources.
const BasisResults = "国发〔2019〕5号（检查结果自检查结束之日起20日内公示；是否为工作日待核实，默认按自然日）；可按本地规定调整"

// Due is the last day to publish the result of an inspection ended on day.
func (st Settings) Due(cal *calendar.Calendar, day calendar.Date) calendar.Date {
	if st.ResultWorkdays {
		return cal.AddWorkdays(day, st.ResultDays)
	}
	// 民法典第二百零三条: a period ending on a day off ends on the next working day.
	return cal.AddDays(day, st.ResultDays)
}

// DeadlineText is the rule in words.
func (st Settings) DeadlineText() string {
	unit := "日"
	if st.ResultWorkdays {
		unit = "个工作日"
	}
	return fmt.Sprintf("检查结束之日起 %d %s内公示检查结果", st.ResultDays, unit)
}

// Settings returns a site's settings (the defaults when never saved).
func (s *Service) Settings(ctx context.Context, siteID int64) (Settings, error) {
	st := DefaultSettings
	var wd int
	err := s.DB.R.QueryRowContext(ctx, `SELECT result_days, result_workdays, max_per_year FROM inspect_settings WHERE site_id = $1`, siteID).
		Scan(&st.ResultDays, &wd, &st.MaxPerYear)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSettings, nil
	}
	st.ResultWorkdays = wd == 1
	return st, errs.Wrap(err, "inspect settings")
}

// SaveSettings changes a site's settings (the office or an administrator).
func (s *Service) SaveSettings(ctx context.Context, siteID int64, actor *auth.User, st Settings) error {
	if actor == nil || !actor.CanPublish() || !actor.ServesSite(siteID) {
		return errs.E(errs.Forbidden, "只有政务公开办公室可以修改双随机设置")
	}
	v := errs.Validation{}
	if st.ResultDays < 1 || st.ResultDays > 60 {
		v.Add("result_days", "结果公示期限应在 1 到 60 日之间")
	}
	if st.MaxPerYear < 0 || st.MaxPerYear > 12 {
		v.Add("max_per_year", "同一对象每年抽查次数上限应在 0（不限）到 12 之间")
	}
	if err := v.Err(); err != nil {
		return err
	}
	before, err := s.Settings(ctx, siteID)
	if err != nil {
		return err
	}
	wd := 0
	if st.ResultWorkdays {
		wd = 1
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM inspect_settings WHERE site_id = $1`, siteID); err != nil {
			return errs.Wrap(err, "save settings")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO inspect_settings (site_id, result_days, result_workdays, max_per_year, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			siteID, st.ResultDays, wd, st.MaxPerYear, actor.Label(), s.now()); err != nil {
			return errs.Wrap(err, "save settings")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "inspect.settings", Target: "inspect_settings", Before: before, After: st})
	})
}

// Plan is one batch of a yearly random-inspection plan (年度抽查计划:
// 检查主体, 计划名称, 抽查事项, 检查对象, 抽查比例或数量, 抽查频次, 计划开展时间 —
// REFERENCE §8 plan columns [S69], RECORDS §5.2 [R69][R71][R72]).
type Plan struct {
	ID                  int64  `json:"id"`
	SiteID              int64  `json:"-"`
	Year                int    `json:"year"`
	Title               string `json:"title"`
	DepartmentID        int64  `json:"department_id"`
	Department          string `json:"department"`
	ItemKey             string `json:"item_key"`
	ItemName            string `json:"item_name"`
	TargetType          string `json:"target_type"`
	Count               int    `json:"count"`
	RatioPercent        int    `json:"ratio_percent"`
	InspectorsPerTarget int    `json:"inspectors_per_target"`
	StartsOn            string `json:"starts_on"`
	EndsOn              string `json:"ends_on"`
	Frequency           string `json:"frequency"`
	Content             string `json:"content"`
	CreatedBy           string `json:"created_by"`
	CreatedAt           string `json:"created_at"`
	// Status is PlanActive or PlanWithdrawn (with WithdrawnReason).
	Status          string `json:"status"`
	WithdrawnReason string `json:"withdrawn_reason,omitempty"`
	UpdatedBy       string `json:"updated_by,omitempty"`
	UpdatedAt       string `json:"updated_at,omitempty"`
}

// Withdrawn says whether the plan was withdrawn.
func (p *Plan) Withdrawn() bool { return p.Status == PlanWithdrawn }

// TargetLabel is the target type in words.
func (p *Plan) TargetLabel() string {
	return catalog.OptionLabel(lists.InspectTargetTypes, p.TargetType)
}

// Scope is the plan's proportion or count in words.
func (p *Plan) Scope() string {
	if p.Count > 0 {
		return fmt.Sprintf("抽取 %d 户", p.Count)
	}
	return fmt.Sprintf("按 %d%% 比例抽取", p.RatioPercent)
}

// NewPlan is what creating a plan asks.
type NewPlan struct {
	Year                int    `json:"year"`
	Title               string `json:"title"`
	DepartmentID        int64  `json:"department_id"`
	ItemKey             string `json:"item_key"`
	Count               int    `json:"count"`
	RatioPercent        int    `json:"ratio_percent"`
	InspectorsPerTarget int    `json:"inspectors_per_target"`
	StartsOn            string `json:"starts_on"`
	EndsOn              string `json:"ends_on"`
	Frequency           string `json:"frequency"`
	Content             string `json:"content"`
}

// Field limits.
const (
	MaxTitle     = 200
	MaxFrequency = 100
	MaxContent   = 2000
	MaxSource    = 200
	MaxWitnesses = 500
	MaxFigure    = 100
	MaxDetail    = 2000
)

func tooLong(v errs.Validation, field, label, val string, max int) string {
	val = strings.TrimSpace(strings.ReplaceAll(val, "\r\n", "\n"))
	if utf8.RuneCountInString(val) > max {
		v.Add(field, fmt.Sprintf("%s不能超过 %d 个字", label, max))
	} else if !catalog.CleanText(val) {
		v.Add(field, label+"含有无法识别的字符")
	}
	return val
}

// mayManage: plans, draws and results belong to the department that
// inspects (检查主体); its editors, the office and administrators act on
// them (the catalogue's department rule, auth.User.CanEditDepartment).
func mayManage(u *auth.User, siteID, dept int64) error {
	if u == nil {
		return errs.E(errs.Unauthorized, "请先登录")
	}
	if !u.ServesSite(siteID) || !u.CanEditDepartment(dept) {
		return errs.E(errs.Forbidden, "只有检查主体科室的工作人员和政务公开办公室可以办理本抽查计划")
	}
	return nil
}

// CreatePlan records a plan for an item of the current 随机抽查事项清单.
func (s *Service) CreatePlan(ctx context.Context, siteID int64, actor *auth.User, in NewPlan) (*Plan, error) {
	p, err := s.checkPlan(ctx, siteID, actor, in)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		p.CreatedBy, p.CreatedAt, p.Status = actor.Label(), s.now(), PlanActive
		if err := tx.QueryRowContext(ctx, `INSERT INTO inspect_plans (site_id, year, title, department_id, item_key, item_name, target_type, target_count, ratio_percent,
			inspectors_per_target, starts_on, ends_on, frequency, content, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
			siteID, p.Year, p.Title, p.DepartmentID, p.ItemKey, p.ItemName, p.TargetType, p.Count, p.RatioPercent, p.InspectorsPerTarget, p.StartsOn, p.EndsOn,
			p.Frequency, p.Content, p.CreatedBy, p.CreatedAt).Scan(&p.ID); err != nil {
			return errs.Wrap(err, "create plan")
		}
		// The audit entry first, the outbox event last (PostgreSQL locks).
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "inspect.plan.create", Target: fmt.Sprintf("inspect_plan:%d", p.ID), After: p}); err != nil {
			return err
		}
		return s.changed(ctx, tx, siteID, p.ID)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return p, nil
}

// Plan statuses: a plan is active until withdrawn; a withdrawn plan stays
// public with its reason.
const (
	PlanActive    = "active"
	PlanWithdrawn = "withdrawn"
	// MaxReason bounds a withdrawal's reason.
	MaxReason = 500
)

// frozen says why a plan can no longer be corrected or withdrawn ("": it
// can): once a draw of it is announced, the draw's published inputs carry
// the plan, and a plan withdrawn after its seed's commitment would let the
// office discard an outcome it knows in advance.
func (s *Service) frozen(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, p *Plan) (string, error) {
	if p.Status == PlanWithdrawn {
		return "该抽查计划已经撤回", nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM inspect_draws WHERE plan_id = $1`, p.ID).Scan(&n); err != nil {
		return "", errs.Wrap(err, "plan draws")
	}
	if n > 0 {
		return "该抽查计划已公布抽取安排，计划内容已作为抽取输入固定，不能再修改或撤回", nil
	}
	return "", nil
}

// UpdatePlan corrects a plan before any draw of it is announced (the same
// checks as CreatePlan; the department may change, if the actor may act
// for both). Audited with the plan before and after.
func (s *Service) UpdatePlan(ctx context.Context, siteID int64, actor *auth.User, id int64, in NewPlan) (*Plan, error) {
	old, err := s.Plan(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	if err := mayManage(actor, siteID, old.DepartmentID); err != nil {
		return nil, err
	}
	p, err := s.checkPlan(ctx, siteID, actor, in)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// Serialised with Announce by the plan's row lock (PostgreSQL; SQLite
		// write transactions already are).
		if _, err := tx.ExecContext(ctx, `UPDATE inspect_plans SET status = status WHERE id = $1`, id); err != nil {
			return errs.Wrap(err, "lock plan")
		}
		cur, err := scanPlan(tx.QueryRowContext(ctx, `SELECT `+planCols+` FROM inspect_plans p WHERE p.site_id = $1 AND p.id = $2`, siteID, id))
		if err != nil {
			return errs.Wrap(err, "plan")
		}
		if why, err := s.frozen(ctx, tx, cur); err != nil {
			return err
		} else if why != "" {
			return errs.E(errs.Conflict, "%s", why)
		}
		p.ID, p.Status, p.CreatedBy, p.CreatedAt = id, cur.Status, cur.CreatedBy, cur.CreatedAt
		p.UpdatedBy, p.UpdatedAt = actor.Label(), s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE inspect_plans SET year = $1, title = $2, department_id = $3, item_key = $4, item_name = $5, target_type = $6,
			target_count = $7, ratio_percent = $8, inspectors_per_target = $9, starts_on = $10, ends_on = $11, frequency = $12, content = $13,
			updated_by = $14, updated_at = $15 WHERE id = $16`,
			p.Year, p.Title, p.DepartmentID, p.ItemKey, p.ItemName, p.TargetType, p.Count, p.RatioPercent, p.InspectorsPerTarget, p.StartsOn, p.EndsOn,
			p.Frequency, p.Content, p.UpdatedBy, p.UpdatedAt, id); err != nil {
			return errs.Wrap(err, "update plan")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "inspect.plan.update", Target: fmt.Sprintf("inspect_plan:%d", id), Before: old, After: p}); err != nil {
			return err
		}
		return s.changed(ctx, tx, siteID, id)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return p, nil
}

// WithdrawPlan withdraws a plan before any draw of it is announced, with
// the reason the public page shows. Audited.
func (s *Service) WithdrawPlan(ctx context.Context, siteID int64, actor *auth.User, id int64, reason string) (*Plan, error) {
	p, err := s.Plan(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	if err := mayManage(actor, siteID, p.DepartmentID); err != nil {
		return nil, err
	}
	v := errs.Validation{}
	reason = tooLong(v, "reason", "撤回理由", reason, MaxReason)
	if reason == "" && v["reason"] == "" {
		v.Add("reason", "请填写撤回理由（公开显示）")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE inspect_plans SET status = status WHERE id = $1`, id); err != nil {
			return errs.Wrap(err, "lock plan")
		}
		cur, err := scanPlan(tx.QueryRowContext(ctx, `SELECT `+planCols+` FROM inspect_plans p WHERE p.site_id = $1 AND p.id = $2`, siteID, id))
		if err != nil {
			return errs.Wrap(err, "plan")
		}
		if why, err := s.frozen(ctx, tx, cur); err != nil {
			return err
		} else if why != "" {
			return errs.E(errs.Conflict, "%s", why)
		}
		p.Status, p.WithdrawnReason, p.UpdatedBy, p.UpdatedAt = PlanWithdrawn, reason, actor.Label(), s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE inspect_plans SET status = $1, withdrawn_reason = $2, updated_by = $3, updated_at = $4 WHERE id = $5`,
			p.Status, reason, p.UpdatedBy, p.UpdatedAt, id); err != nil {
			return errs.Wrap(err, "withdraw plan")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "inspect.plan.withdraw", Target: fmt.Sprintf("inspect_plan:%d", id),
			Before: map[string]any{"status": PlanActive}, After: map[string]any{"status": PlanWithdrawn, "reason": reason}}); err != nil {
			return err
		}
		return s.changed(ctx, tx, siteID, id)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return p, nil
}

// checkPlan checks what creating or correcting a plan asks, and returns
// the plan it describes (no id yet).
func (s *Service) checkPlan(ctx context.Context, siteID int64, actor *auth.User, in NewPlan) (*Plan, error) {
	dept, err := s.department(ctx, siteID, in.DepartmentID)
	if err != nil {
		return nil, err
	}
	if err := mayManage(actor, siteID, in.DepartmentID); err != nil {
		return nil, err
	}
	v := errs.Validation{}
	p := &Plan{SiteID: siteID, Year: in.Year, DepartmentID: in.DepartmentID, Department: dept, Count: in.Count, RatioPercent: in.RatioPercent,
		InspectorsPerTarget: in.InspectorsPerTarget, StartsOn: in.StartsOn, EndsOn: in.EndsOn}
	if in.Year < 2000 || in.Year > 2100 {
		v.Add("year", "请填写计划年度（如 2025）")
	}
	p.Title = tooLong(v, "title", "计划名称", in.Title, MaxTitle)
	if p.Title == "" && v["title"] == "" {
		v.Add("title", "请填写计划名称")
	}
	p.Frequency = tooLong(v, "frequency", "抽查频次", in.Frequency, MaxFrequency)
	p.Content = tooLong(v, "content", "检查内容", in.Content, MaxContent)
	switch {
	case in.Count < 0 || in.Count > lists.MaxRows:
		v.Add("count", fmt.Sprintf("抽查数量应在 1 到 %d 之间", lists.MaxRows))
	case in.RatioPercent < 0 || in.RatioPercent > 100:
		v.Add("ratio_percent", "抽查比例应在 1% 到 100% 之间")
	case (in.Count > 0) == (in.RatioPercent > 0):
		v.Add("ratio_percent", "请填写抽查比例或抽查数量（二者选一）")
	}
	// ≥ 2 randomly drawn inspectors per check (REFERENCE §8, justice-sector
	// guideline [S66]; RECORDS §5.2 draw record "≥2 per check").
	if in.InspectorsPerTarget < 2 || in.InspectorsPerTarget > 10 {
		v.Add("inspectors_per_target", "每个检查对象应选派 2 到 10 名检查人员")
	}
	from, err1 := calendar.Parse(in.StartsOn)
	to, err2 := calendar.Parse(in.EndsOn)
	switch {
	case err1 != nil:
		v.Add("starts_on", "请填写开始日期（如 2025-03-01）")
	case err2 != nil:
		v.Add("ends_on", "请填写完成时限（如 2025-11-30）")
	case to.Before(from):
		v.Add("ends_on", "完成时限不能早于开始日期")
	case from.Year != in.Year || to.Year != in.Year:
		v.Add("ends_on", "计划开展时间应在计划年度内")
	}
	item, err := s.item(ctx, siteID, strings.TrimSpace(in.ItemKey))
	if err != nil {
		v.Add("item_key", errs.MessageOf(err))
	} else {
		p.ItemKey, p.ItemName, p.TargetType = item.Key, item.Title, item.Values["target_type"]
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return p, nil
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
	return "", &errs.Error{Code: errs.Invalid, Message: "请选择检查主体科室", Fields: map[string]string{"department_id": "没有这个科室"}}
}

// item is a row of the current 随机抽查事项清单.
func (s *Service) item(ctx context.Context, siteID int64, key string) (*lists.Row, error) {
	cur, err := s.Lists.Current(ctx, siteID, lists.InspectItems)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, errs.E(errs.Invalid, "随机抽查事项清单尚未发布")
	}
	r, err := s.Lists.Row(ctx, cur.ID, key)
	if err != nil {
		return nil, errs.E(errs.Invalid, "随机抽查事项清单现行版本中没有编号为“%s”的事项", key)
	}
	return r, nil
}

const planCols = `p.id, p.site_id, p.year, p.title, p.department_id, p.item_key, p.item_name, p.target_type, p.target_count, p.ratio_percent,
	p.inspectors_per_target, p.starts_on, p.ends_on, p.frequency, p.content, p.created_by, p.created_at, p.status, p.withdrawn_reason, p.updated_by, p.updated_at`

func scanPlan(r interface{ Scan(...any) error }) (*Plan, error) {
	var p Plan
	err := r.Scan(&p.ID, &p.SiteID, &p.Year, &p.Title, &p.DepartmentID, &p.ItemKey, &p.ItemName, &p.TargetType, &p.Count, &p.RatioPercent,
		&p.InspectorsPerTarget, &p.StartsOn, &p.EndsOn, &p.Frequency, &p.Content, &p.CreatedBy, &p.CreatedAt, &p.Status, &p.WithdrawnReason, &p.UpdatedBy, &p.UpdatedAt)
	return &p, err
}

// Plans lists a site's plans of a year (every year when 0), by year and start.
func (s *Service) Plans(ctx context.Context, siteID int64, year int) ([]*Plan, error) {
	q := `SELECT ` + planCols + ` FROM inspect_plans p WHERE p.site_id = $1`
	args := []any{siteID}
	if year != 0 {
		q += ` AND p.year = $2`
		args = append(args, year)
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY p.year DESC, p.starts_on, p.id`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "plans")
	}
	defer rows.Close()
	var out []*Plan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan plan")
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "plans")
	}
	return out, s.names(ctx, siteID, out)
}

func (s *Service) names(ctx context.Context, siteID int64, ps []*Plan) error {
	ds, err := s.Catalog.Departments(ctx, siteID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		for _, d := range ds {
			if d.ID == p.DepartmentID {
				p.Department = d.Name
			}
		}
	}
	return nil
}

// Plan returns one plan of a site.
func (s *Service) Plan(ctx context.Context, siteID, id int64) (*Plan, error) {
	p, err := scanPlan(s.DB.R.QueryRowContext(ctx, `SELECT `+planCols+` FROM inspect_plans p WHERE p.site_id = $1 AND p.id = $2`, siteID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "没有编号为 %d 的抽查计划", id)
	}
	if err != nil {
		return nil, errs.Wrap(err, "plan")
	}
	return p, s.names(ctx, siteID, []*Plan{p})
}

// Draw is one draw of a plan.
type Draw struct {
	ID           int64    `json:"id"`
	SiteID       int64    `json:"-"`
	PlanID       int64    `json:"plan_id"`
	Status       string   `json:"status"`
	Method       string   `json:"method"`
	Inputs       *Inputs  `json:"-"`
	InputsSHA256 string   `json:"inputs_sha256"`
	Revealed     string   `json:"revealed"`
	Outcome      *Outcome `json:"-"`
	Witnesses    string   `json:"witnesses"`
	AnnouncedBy  string   `json:"announced_by"`
	AnnouncedAt  string   `json:"announced_at"`
	DrawnBy      string   `json:"drawn_by"`
	DrawnAt      string   `json:"drawn_at"`
	seed         string
}

// Announce is what announcing a draw asks: the method, and for a public
// figure its source (which figure, where published) and date.
type Announce struct {
	Method    string `json:"method"`
	Source    string `json:"source"`
	Date      string `json:"date"`
	Witnesses string `json:"witnesses"`
}

// snapshot freezes the current edition of a registry.
func (s *Service) snapshot(ctx context.Context, siteID int64, k *lists.Kind) (Snapshot, error) {
	cur, err := s.Lists.Current(ctx, siteID, k)
	if err != nil {
		return Snapshot{}, err
	}
	if cur == nil {
		return Snapshot{}, errs.E(errs.Invalid, "%s尚未发布，不能抽取", k.Name)
	}
	rows, err := s.Lists.Rows(ctx, cur.ID)
	if err != nil {
		return Snapshot{}, err
	}
	snap := Snapshot{Kind: k.Code, EditionID: cur.ID, EditionNumber: cur.Number, EffectiveOn: cur.EffectiveOn, Rows: []SnapshotRow{}}
	for _, r := range rows {
		snap.Rows = append(snap.Rows, SnapshotRow{Key: r.Key, Fields: r.Values})
	}
	// Published sorted by key, the order the hash is taken in.
	snap.SHA256, err = SnapshotHash(snap.Rows)
	if err != nil {
		return Snapshot{}, errs.Wrap(err, "snapshot hash")
	}
	slices.SortFunc(snap.Rows, func(a, b SnapshotRow) int { return strings.Compare(a.Key, b.Key) })
	return snap, nil
}

// Announce fixes a draw's inputs — the plan, the registries' current
// editions (rows and hashes), the targets excluded by the yearly cap — and
// its randomness: a fresh seed whose SHA-256 is published now and the seed
// at the draw, or a public figure of a date after today, named now and
// entered after that date. Nothing of it changes afterwards.
func (s *Service) Announce(ctx context.Context, siteID int64, actor *auth.User, planID int64, in Announce) (*Draw, error) {
	p, err := s.Plan(ctx, siteID, planID)
	if err != nil {
		return nil, err
	}
	if err := mayManage(actor, siteID, p.DepartmentID); err != nil {
		return nil, err
	}
	if p.Withdrawn() {
		return nil, errs.E(errs.Conflict, "该抽查计划已经撤回，不能抽取")
	}
	v := errs.Validation{}
	rnd := Announcement{Method: in.Method}
	witnesses := tooLong(v, "witnesses", "见证人", in.Witnesses, MaxWitnesses)
	var seed string
	switch in.Method {
	case MethodCommit:
		b := make([]byte, 32)
		rand.Read(b)
		seed = hex.EncodeToString(b)
		rnd.Commitment, _ = Commitment(seed)
	case MethodBeacon:
		rnd.Source = tooLong(v, "source", "公开随机数来源", in.Source, MaxSource)
		if rnd.Source == "" && v["source"] == "" {
			v.Add("source", "请写明采用哪一日、哪一来源公布的什么数值（如 上海证券交易所上证综合指数当日收盘点位）")
		}
		d, err := calendar.Parse(in.Date)
		switch {
		case err != nil:
			v.Add("date", "请填写公开随机数的公布日期（如 2025-03-14）")
		case !s.today().Before(d):
			// Fixed in advance: a figure nobody can know when it is chosen.
			v.Add("date", "公开随机数的公布日期须晚于今天，抽取前无人能够预知")
		default:
			rnd.Date = d.String()
		}
	default:
		v.Add("method", "请选择随机数方式：commit（事先公布种子哈希）或 beacon（事先指定的公开数值）")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	in2 := &Inputs{Format: Format, Random: rnd, Excluded: []string{}, Plan: PlanInput{ID: p.ID, Year: p.Year, Title: p.Title, Department: p.Department,
		ItemKey: p.ItemKey, ItemName: p.ItemName, TargetType: p.TargetType, Count: p.Count, RatioPercent: p.RatioPercent,
		InspectorsPerTarget: p.InspectorsPerTarget, StartsOn: p.StartsOn, EndsOn: p.EndsOn}}
	if in2.Targets, err = s.snapshot(ctx, siteID, lists.InspectTargets); err != nil {
		return nil, err
	}
	if in2.Inspectors, err = s.snapshot(ctx, siteID, lists.Inspectors); err != nil {
		return nil, err
	}
	st, err := s.Settings(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if st.MaxPerYear > 0 {
		if in2.Excluded, err = s.capped(ctx, siteID, p.Year, st.MaxPerYear); err != nil {
			return nil, err
		}
	}
	if err := Check(in2); err != nil {
		return nil, errs.E(errs.Invalid, "%s", strings.ReplaceAll(err.Error(), p.TargetType, p.TargetLabel()))
	}
	// One announced draw at a time per plan: every announcement is public
	// and none is ever deleted, so a draw cannot be announced twice and the
	// more welcome one carried out unseen.
	pending, err := s.Draws(ctx, siteID, p.ID)
	if err != nil {
		return nil, err
	}
	for _, o := range pending {
		if o.Status == Announced {
			return nil, errs.E(errs.Conflict, "本计划第 %d 号抽取已公告、尚未抽取，完成后才能公告新的抽取", o.ID)
		}
	}
	stored := seed
	if s.Sealer != nil {
		if stored, err = s.Sealer.Seal(seed); err != nil {
			return nil, errs.Wrap(err, "seal seed")
		}
	}
	d := &Draw{SiteID: siteID, PlanID: p.ID, Status: Announced, Method: in.Method, Witnesses: witnesses, AnnouncedBy: actor.Label(), AnnouncedAt: s.now(), seed: stored}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// The plan as the inputs carry it must still be the plan: locked
		// against UpdatePlan and WithdrawPlan, and compared.
		var status, updated string
		if _, err := tx.ExecContext(ctx, `UPDATE inspect_plans SET status = status WHERE id = $1`, p.ID); err != nil {
			return errs.Wrap(err, "lock plan")
		}
		if err := tx.QueryRowContext(ctx, `SELECT status, updated_at FROM inspect_plans WHERE id = $1`, p.ID).Scan(&status, &updated); err != nil {
			return errs.Wrap(err, "plan status")
		}
		if status != p.Status || updated != p.UpdatedAt {
			return errs.E(errs.Conflict, "抽查计划刚刚被修改或撤回，请刷新后重新公告")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO inspect_draws (site_id, plan_id, status, method, seed, witnesses, announced_by, announced_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, siteID, p.ID, Announced, in.Method, stored, witnesses, d.AnnouncedBy, d.AnnouncedAt).Scan(&d.ID); err != nil {
			if store.IsUniqueViolation(err) { // a concurrent announcement won
				return errs.E(errs.Conflict, "本计划已有公告、尚未抽取的抽取，完成后才能公告新的抽取")
			}
			return errs.Wrap(err, "create draw")
		}
		in2.DrawID = d.ID
		if d.InputsSHA256, err = in2.InputsHash(); err != nil {
			return errs.Wrap(err, "inputs hash")
		}
		js, err := json.Marshal(in2)
		if err != nil {
			return errs.Wrap(err, "inputs")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inspect_draws SET inputs = $1, inputs_sha256 = $2 WHERE id = $3`, string(js), d.InputsSHA256, d.ID); err != nil {
			return errs.Wrap(err, "store inputs")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "inspect.draw.announce", Target: fmt.Sprintf("inspect_draw:%d", d.ID),
			After: map[string]any{"plan": p.ID, "method": in.Method, "inputs_sha256": d.InputsSHA256, "commitment": rnd.Commitment, "source": rnd.Source, "date": rnd.Date}}); err != nil {
			return err
		}
		return s.changed(ctx, tx, siteID, p.ID)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	d.Inputs = in2
	return d, nil
}

// capped are the targets already drawn MaxPerYear times in the year's
// earlier draws of the site (excluded from the next draw), sorted.
func (s *Service) capped(ctx context.Context, siteID int64, year, max int) ([]string, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT d.result FROM inspect_draws d JOIN inspect_plans p ON p.id = d.plan_id
		WHERE d.site_id = $1 AND p.year = $2 AND d.status = $3`, siteID, year, Drawn)
	if err != nil {
		return nil, errs.Wrap(err, "earlier draws")
	}
	defer rows.Close()
	n := map[string]int{}
	for rows.Next() {
		var js string
		if err := rows.Scan(&js); err != nil {
			return nil, errs.Wrap(err, "earlier draws")
		}
		var o Outcome
		if err := json.Unmarshal([]byte(js), &o); err != nil {
			return nil, errs.Wrap(err, "earlier draw result")
		}
		for _, t := range o.Targets {
			n[t.Key]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "earlier draws")
	}
	out := []string{}
	for k, c := range n {
		if c >= max {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Perform carries out an announced draw: the seed is revealed (commit), or
// the public figure, entered now, must be of a day already past (beacon).
func (s *Service) Perform(ctx context.Context, siteID int64, actor *auth.User, drawID int64, figure string) (*Draw, error) {
	d, err := s.draw(ctx, siteID, drawID, true)
	if err != nil {
		return nil, err
	}
	p, err := s.Plan(ctx, siteID, d.PlanID)
	if err != nil {
		return nil, err
	}
	if err := mayManage(actor, siteID, p.DepartmentID); err != nil {
		return nil, err
	}
	if d.Status != Announced {
		return nil, errs.E(errs.Conflict, "本次抽取已经完成，结果不能重新抽取")
	}
	revealed := d.seed
	if strings.HasPrefix(revealed, "v1:") {
		if s.Sealer == nil {
			return nil, errs.E(errs.Internal, "种子已加密保存，但未配置数据密钥（GONGKAI_DATA_KEY），无法抽取")
		}
		if revealed, err = s.Sealer.Open(revealed); err != nil {
			return nil, errs.Wrap(err, "open seed")
		}
	}
	if d.Method == MethodBeacon {
		v := errs.Validation{}
		revealed = tooLong(v, "figure", "公开数值", figure, MaxFigure)
		if revealed == "" && v["figure"] == "" {
			v.Add("figure", "请填写"+d.Inputs.Random.Source+"（"+d.Inputs.Random.Date+"）的数值")
		}
		if on := calendar.Day(d.Inputs.Random.Date); !on.Before(s.today()) {
			v.Add("figure", fmt.Sprintf("公开数值须在 %s 公布之后（次日起）录入", d.Inputs.Random.Date))
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
	}
	out, err := Run(d.Inputs, revealed)
	if err != nil {
		return nil, errs.E(errs.Invalid, "无法抽取：%v", err)
	}
	js, _ := json.Marshal(out)
	d.Status, d.Revealed, d.Outcome, d.DrawnBy, d.DrawnAt = Drawn, revealed, out, actor.Label(), s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE inspect_draws SET status = $1, revealed = $2, result = $3, drawn_by = $4, drawn_at = $5 WHERE id = $6 AND status = $7`,
			Drawn, revealed, string(js), d.DrawnBy, d.DrawnAt, d.ID, Announced)
		if err != nil {
			return errs.Wrap(err, "perform draw")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "本次抽取已经完成，结果不能重新抽取")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "inspect.draw.perform", Target: fmt.Sprintf("inspect_draw:%d", d.ID),
			After: map[string]any{"revealed": revealed, "targets": len(out.Targets)}}); err != nil {
			return err
		}
		return s.changed(ctx, tx, siteID, p.ID)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return d, nil
}

const drawCols = `id, site_id, plan_id, status, method, seed, revealed, witnesses, inputs, inputs_sha256, result, announced_by, announced_at, drawn_by, drawn_at`

func scanDraw(r interface{ Scan(...any) error }) (*Draw, error) {
	var d Draw
	var inputs, result string
	if err := r.Scan(&d.ID, &d.SiteID, &d.PlanID, &d.Status, &d.Method, &d.seed, &d.Revealed, &d.Witnesses, &inputs, &d.InputsSHA256, &result,
		&d.AnnouncedBy, &d.AnnouncedAt, &d.DrawnBy, &d.DrawnAt); err != nil {
		return nil, err
	}
	d.Inputs = &Inputs{}
	if err := json.Unmarshal([]byte(inputs), d.Inputs); err != nil {
		return nil, fmt.Errorf("draw inputs: %w", err)
	}
	if result != "" {
		d.Outcome = &Outcome{}
		if err := json.Unmarshal([]byte(result), d.Outcome); err != nil {
			return nil, fmt.Errorf("draw result: %w", err)
		}
	}
	return &d, nil
}

func (s *Service) draw(ctx context.Context, siteID, id int64, withSeed bool) (*Draw, error) {
	d, err := scanDraw(s.DB.R.QueryRowContext(ctx, `SELECT `+drawCols+` FROM inspect_draws WHERE site_id = $1 AND id = $2`, siteID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "没有编号为 %d 的抽取记录", id)
	}
	if err != nil {
		return nil, errs.Wrap(err, "draw")
	}
	if !withSeed {
		d.seed = "" // the seed stays secret until the draw reveals it
	}
	return d, nil
}

// Draw returns one draw of a site as the public sees it (the seed only
// once revealed).
func (s *Service) Draw(ctx context.Context, siteID, id int64) (*Draw, error) {
	return s.draw(ctx, siteID, id, false)
}

// Draws lists a plan's draws in order.
func (s *Service) Draws(ctx context.Context, siteID, planID int64) ([]*Draw, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+drawCols+` FROM inspect_draws WHERE site_id = $1 AND plan_id = $2 ORDER BY id`, siteID, planID)
	if err != nil {
		return nil, errs.Wrap(err, "draws")
	}
	defer rows.Close()
	var out []*Draw
	for rows.Next() {
		d, err := scanDraw(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan draw")
		}
		d.seed = ""
		out = append(out, d)
	}
	return out, errs.Wrap(rows.Err(), "draws")
}

// Verification is the public file a draw is recomputed from.
type Verification struct {
	Inputs       *Inputs  `json:"inputs"`
	InputsSHA256 string   `json:"inputs_sha256"`
	Status       string   `json:"status"`
	Revealed     string   `json:"revealed"`
	Result       *Outcome `json:"result"`
	AnnouncedAt  string   `json:"announced_at"`
	DrawnAt      string   `json:"drawn_at"`
	Algorithm    string   `json:"algorithm"`
	Script       string   `json:"script"`
}

// VerificationOf is a draw's public verification file.
func VerificationOf(d *Draw) *Verification {
	return &Verification{Inputs: d.Inputs, InputsSHA256: d.InputsSHA256, Status: d.Status, Revealed: d.Revealed, Result: d.Outcome,
		AnnouncedAt: d.AnnouncedAt, DrawnAt: d.DrawnAt, Algorithm: Format,
		Script: "python3 scripts/verify-draw verification.json（脚本随平台源代码发布，仅使用 Python 3 标准库）"}
}

// Change is one entry of the feed of plans and draws: a plan made,
// corrected or withdrawn, a draw announced or carried out.
type Change struct {
	// At is the instant (store format); PlanID and DrawID (0: a plan's
	// change) say what changed, Kind how: plan, plan_updated,
	// plan_withdrawn, announced, drawn.
	At, Kind, Title, Detail string
	PlanID, DrawID          int64
}

// Changes lists the latest changes of a site's plans and draws, newest
// first, at most limit (two indexed queries of limit rows; a draw's
// inputs are not read).
func (s *Service) Changes(ctx context.Context, siteID int64, limit int) ([]Change, error) {
	var out []Change
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, title, status, withdrawn_reason, created_at, updated_at, year FROM inspect_plans
		WHERE site_id = $1 ORDER BY CASE WHEN updated_at > created_at THEN updated_at ELSE created_at END DESC, id DESC LIMIT $2`, siteID, limit)
	if err != nil {
		return nil, errs.Wrap(err, "plan changes")
	}
	for rows.Next() {
		var c Change
		var status, reason, created, updated string
		var year int
		if err := rows.Scan(&c.PlanID, &c.Title, &status, &reason, &created, &updated, &year); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan plan change")
		}
		c.At, c.Kind, c.Detail = created, "plan", fmt.Sprintf("%d 年度抽查计划", year)
		switch {
		case status == PlanWithdrawn:
			c.At, c.Kind, c.Detail = updated, "plan_withdrawn", "计划已撤回："+reason
		case updated > created:
			c.At, c.Kind, c.Detail = updated, "plan_updated", "计划已修改（公告抽取前）"
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "plan changes")
	}
	rows, err = s.DB.R.QueryContext(ctx, `SELECT d.id, d.plan_id, p.title, d.status, d.inputs_sha256, d.announced_at, d.drawn_at FROM inspect_draws d
		JOIN inspect_plans p ON p.id = d.plan_id WHERE d.site_id = $1 ORDER BY CASE WHEN d.drawn_at > d.announced_at THEN d.drawn_at ELSE d.announced_at END DESC, d.id DESC LIMIT $2`, siteID, limit)
	if err != nil {
		return nil, errs.Wrap(err, "draw changes")
	}
	defer rows.Close()
	for rows.Next() {
		var c Change
		var status, hash, announced, drawn string
		if err := rows.Scan(&c.DrawID, &c.PlanID, &c.Title, &status, &hash, &announced, &drawn); err != nil {
			return nil, errs.Wrap(err, "scan draw change")
		}
		c.At, c.Kind, c.Detail = announced, "announced", "已公告抽取，输入的 SHA-256："+hash
		if status == Drawn {
			c.At, c.Kind, c.Detail = drawn, "drawn", "已完成抽取，可按公开的输入复算核验；输入的 SHA-256："+hash
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "draw changes")
	}
	slices.SortStableFunc(out, func(a, b Change) int { return strings.Compare(b.At, a.At) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
