package consult

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// The major-decision catalogue (重大行政决策事项目录): 《重大行政决策程序暂行条例》
// 第三条第三款 lets the decision body set a catalogue of its major decisions,
// publish it and adjust it as needed; 第四十二条 applies the rules to
// government departments (REFERENCE §7.2). Each change is an event of the
// decision's timeline; the decisions row is the current state.

// DecisionStatuses are a decision's statuses; adjusted and removed need a reason.
var DecisionStatuses = []Choice{{"planned", "计划中"}, {"consulting", "征求意见中"}, {"decided", "已决策"}, {"adjusted", "已调整"}, {"removed", "已调出目录"}}

// LinkKinds are what a decision links to: the steps of 条例 第十四条至第三十二条.
var LinkKinds = []Choice{{"consultation", "公开征求意见"}, {"expert_review", "专家论证"}, {"risk_assessment", "风险评估"},
	{"legality_review", "合法性审查"}, {"meeting", "集体讨论决定（会议）"}, {"final_document", "决策文件"}}

// Decision is one entry of the year's catalogue.
type Decision struct {
	ID           int64  `json:"id"`
	SiteID       int64  `json:"-"`
	Year         int    `json:"year"`
	Seq          int    `json:"seq"`
	Title        string `json:"title"`
	DepartmentID int64  `json:"-"`
	Department   string `json:"department"`
	Basis        string `json:"basis"`
	PlannedOn    string `json:"planned_on"`
	Status       string `json:"status"`
	StatusReason string `json:"status_reason,omitempty"`
	Links        []Link `json:"links"`
	UpdatedAt    string `json:"updated_at"`
	// Timeline is filled by callers that show it (the API's year list).
	Timeline []DecisionEvent `json:"timeline,omitempty"`
}

// Link is one step of a decision: a consultation, an item or a meeting of
// this site (by its path) or an outside page.
type Link struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// KindLabel names the link's kind.
func (l Link) KindLabel() string { return LabelOf(LinkKinds, l.Kind) }

// StatusLabel names the status.
func (d *Decision) StatusLabel() string { return LabelOf(DecisionStatuses, d.Status) }

// DecisionEvent is one change of the timeline.
type DecisionEvent struct {
	Action    string `json:"action"`
	Note      string `json:"note,omitempty"`
	Status    string `json:"status"`
	Actor     string `json:"actor"`
	CreatedAt string `json:"created_at"`
}

// ActionLabel names the change.
func (e DecisionEvent) ActionLabel() string {
	switch e.Action {
	case "create":
		return "列入目录"
	case "link":
		return "关联材料"
	}
	return "状态变更为" + LabelOf(DecisionStatuses, e.Status)
}

// DecisionInput is a new entry, or a change of status.
type DecisionInput struct {
	Year         int
	Title        string
	Department   string
	DepartmentID int64
	Basis        string
	PlannedOn    string
	Links        []Link
}

const decisionCols = `x.id, x.site_id, x.year, x.seq, x.title, x.department_id, COALESCE(d.name, ''), x.basis, x.planned_on, x.status, x.status_reason, x.links_json, x.updated_at`
const decisionFrom = ` FROM decisions x LEFT JOIN departments d ON d.id = x.department_id`

func scanDecision(row interface{ Scan(...any) error }) (*Decision, error) {
	d := &Decision{}
	var links string
	if err := row.Scan(&d.ID, &d.SiteID, &d.Year, &d.Seq, &d.Title, &d.DepartmentID, &d.Department, &d.Basis, &d.PlannedOn, &d.Status, &d.StatusReason, &links, &d.UpdatedAt); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(links), &d.Links)
	return d, nil
}

func checkLink(l *Link, v errs.Validation) {
	l.Title, l.URL = clean(l.Title), clean(l.URL)
	if LabelOf(LinkKinds, l.Kind) == l.Kind {
		v.Add("links", "关联类型无效："+l.Kind)
	}
	if !strings.HasPrefix(l.URL, "/") && !strings.HasPrefix(l.URL, "https://") && !strings.HasPrefix(l.URL, "http://") || strings.HasPrefix(l.URL, "//") {
		v.Add("links", "关联地址应为本站路径（/ 开头）或 http(s) 网址")
	}
	checkLen(v, "links", l.Title, MaxTitle, "关联标题")
	checkLen(v, "links", l.URL, 500, "关联地址")
}

func (s *Service) departmentID(ctx context.Context, siteID int64, name string, id int64) (int64, error) {
	if name == "" {
		return id, nil
	}
	err := s.DB.R.QueryRowContext(ctx, `SELECT id FROM departments WHERE site_id = $1 AND (name = $2 OR abbr = $2) ORDER BY id LIMIT 1`, siteID, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, &errs.Error{Code: errs.Invalid, Message: "科室不存在", Fields: map[string]string{"department": "科室不存在"}}
	}
	return id, errs.Wrap(err, "department")
}

// stamp is the time of a timeline entry: the service's day (its clock) at
// the wall clock's time of day in Beijing. In service the day is today, so
// it is the present moment; the demo and the tests, which set the day,
// date their entries on it (a 2025 catalogue's timeline in 2025).
func (s *Service) stamp() string {
	now := time.Now().In(calendar.Beijing)
	d := s.today()
	return store.FormatTime(time.Date(d.Year, time.Month(d.Month), d.Day, now.Hour(), now.Minute(), now.Second(), 0, calendar.Beijing))
}

func (s *Service) addDecisionEvent(ctx context.Context, tx *sql.Tx, actor *auth.User, d *Decision, action, note string) error {
	after, _ := json.Marshal(d)
	name := "系统"
	if actor != nil {
		name = actor.Label()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO decision_events (decision_id, action, note, after_json, actor_name, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		d.ID, action, note, string(after), name, s.stamp())
	return errs.Wrap(err, "decision event")
}

// CreateDecision adds an entry to the year's catalogue (the office only).
func (s *Service) CreateDecision(ctx context.Context, actor *auth.User, siteID int64, in DecisionInput) (*Decision, error) {
	if actor == nil || !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以编制重大行政决策事项目录")
	}
	in.Title, in.Basis = clean(in.Title), clean(in.Basis)
	v := errs.Validation{}
	if in.Year < 2019 || in.Year > 2100 {
		v.Add("year", "请填写目录年度（2019—2100）")
	}
	if in.Title == "" {
		v.Add("title", "请填写决策事项名称")
	}
	checkLen(v, "title", in.Title, MaxTitle, "决策事项名称")
	checkLen(v, "basis", in.Basis, MaxText, "法律依据")
	if in.PlannedOn != "" {
		if _, err := calendar.Parse(in.PlannedOn); err != nil {
			v.Add("planned_on", "计划完成时间应为 YYYY-MM-DD")
		}
	}
	for i := range in.Links {
		checkLink(&in.Links[i], v)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	dept, err := s.departmentID(ctx, siteID, in.Department, in.DepartmentID)
	if err != nil {
		return nil, err
	}
	if in.Links == nil {
		in.Links = []Link{}
	}
	d := &Decision{SiteID: siteID, Year: in.Year, Title: in.Title, DepartmentID: dept, Basis: in.Basis, PlannedOn: in.PlannedOn, Status: "planned", Links: in.Links, UpdatedAt: s.stamp()}
	links, _ := json.Marshal(d.Links)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx, "sites", siteID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM decisions WHERE site_id = $1 AND year = $2`, siteID, in.Year).Scan(&d.Seq); err != nil {
			return errs.Wrap(err, "decision number")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO decisions (site_id, year, seq, title, department_id, basis, planned_on, status, links_json, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, siteID, d.Year, d.Seq, d.Title, dept, d.Basis, d.PlannedOn, d.Status, string(links), d.UpdatedAt).Scan(&d.ID); err != nil {
			return errs.Wrap(err, "insert decision")
		}
		if err := s.addDecisionEvent(ctx, tx, actor, d, "create", ""); err != nil {
			return err
		}
		// The audit row, then the change event: last in the transaction,
		// as the catalogue does (the same lock order on PostgreSQL).
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "decision.create", Target: fmt.Sprintf("decision:%d", d.ID), After: d}); err != nil {
			return err
		}
		return s.emit(ctx, tx, siteID, EventDecision, d.ID)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Decision(ctx, siteID, d.ID)
}

// SetDecisionStatus changes a decision's status; adjusting or removing it
// needs the reason, which the catalogue then shows.
func (s *Service) SetDecisionStatus(ctx context.Context, actor *auth.User, siteID, id int64, status, reason string) (*Decision, error) {
	if actor == nil || !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以调整重大行政决策事项目录")
	}
	reason = clean(reason)
	v := errs.Validation{}
	if LabelOf(DecisionStatuses, status) == status {
		v.Add("status", "状态无效")
	}
	if (status == "adjusted" || status == "removed") && reason == "" {
		v.Add("status_reason", "调整或调出目录须说明理由（将向社会公开）")
	}
	checkLen(v, "status_reason", reason, MaxReason, "理由")
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		d, err := scanDecision(tx.QueryRowContext(ctx, `SELECT `+decisionCols+decisionFrom+` WHERE x.id = $1 AND x.site_id = $2`, id, siteID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return errs.Wrap(err, "decision")
		}
		before := d.Status
		d.Status, d.StatusReason, d.UpdatedAt = status, reason, s.stamp()
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET status = $1, status_reason = $2, updated_at = $3 WHERE id = $4`, status, reason, d.UpdatedAt, id); err != nil {
			return errs.Wrap(err, "update decision")
		}
		if err := s.addDecisionEvent(ctx, tx, actor, d, "status", reason); err != nil {
			return err
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "decision.status", Target: fmt.Sprintf("decision:%d", id),
			Before: map[string]any{"status": before}, After: map[string]any{"status": status, "reason": reason}}); err != nil {
			return err
		}
		return s.emit(ctx, tx, siteID, EventDecision, id)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Decision(ctx, siteID, id)
}

// LinkDecision adds a link to a decision (a step of its procedure).
func (s *Service) LinkDecision(ctx context.Context, actor *auth.User, siteID, id int64, l Link) (*Decision, error) {
	if actor == nil || !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以调整重大行政决策事项目录")
	}
	v := errs.Validation{}
	checkLink(&l, v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "decision.link", Target: fmt.Sprintf("decision:%d", id), After: l}); err != nil {
			return err
		}
		if err := s.addLinkTx(ctx, tx, actor, siteID, id, l); err != nil {
			return err
		}
		return s.emit(ctx, tx, siteID, EventDecision, id)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Decision(ctx, siteID, id)
}

func (s *Service) addLinkTx(ctx context.Context, tx *sql.Tx, actor *auth.User, siteID, id int64, l Link) error {
	d, err := scanDecision(tx.QueryRowContext(ctx, `SELECT `+decisionCols+decisionFrom+` WHERE x.id = $1 AND x.site_id = $2`, id, siteID))
	if errors.Is(err, sql.ErrNoRows) {
		return &errs.Error{Code: errs.Invalid, Message: "没有这个重大行政决策事项", Fields: map[string]string{"decision_id": "没有这个重大行政决策事项"}}
	}
	if err != nil {
		return errs.Wrap(err, "decision")
	}
	d.Links = append(d.Links, l)
	d.UpdatedAt = s.stamp()
	links, _ := json.Marshal(d.Links)
	if _, err := tx.ExecContext(ctx, `UPDATE decisions SET links_json = $1, updated_at = $2 WHERE id = $3`, string(links), d.UpdatedAt, id); err != nil {
		return errs.Wrap(err, "link decision")
	}
	return s.addDecisionEvent(ctx, tx, actor, d, "link", l.KindLabel()+"："+l.Title)
}

// linkDecisionTx links a new consultation to its decision and marks the
// decision as in consultation, in the consultation's transaction.
func (s *Service) linkDecisionTx(ctx context.Context, tx *sql.Tx, actor *auth.User, siteID, decisionID int64, kind string, consultationID int64) error {
	var title string
	if err := tx.QueryRowContext(ctx, `SELECT title FROM consultations WHERE id = $1`, consultationID).Scan(&title); err != nil {
		return errs.Wrap(err, "consultation title")
	}
	if err := s.addLinkTx(ctx, tx, actor, siteID, decisionID, Link{Kind: kind, Title: title, URL: fmt.Sprintf("/consultations/%d", consultationID)}); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE decisions SET status = 'consulting' WHERE id = $1 AND status = 'planned'`, decisionID)
	return errs.Wrap(err, "decision status")
}

// Decision returns one entry.
func (s *Service) Decision(ctx context.Context, siteID, id int64) (*Decision, error) {
	d, err := scanDecision(s.DB.R.QueryRowContext(ctx, `SELECT `+decisionCols+decisionFrom+` WHERE x.id = $1 AND x.site_id = $2`, id, siteID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return d, errs.Wrap(err, "decision")
}

// Decisions returns the year's catalogue in order.
func (s *Service) Decisions(ctx context.Context, siteID int64, year int) ([]*Decision, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+decisionCols+decisionFrom+` WHERE x.site_id = $1 AND x.year = $2 ORDER BY x.seq`, siteID, year)
	if err != nil {
		return nil, errs.Wrap(err, "decisions")
	}
	defer rows.Close()
	var out []*Decision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, errs.Wrap(err, "decision")
		}
		out = append(out, d)
	}
	return out, errs.Wrap(rows.Err(), "decisions")
}

// DecisionYears are the years that have a catalogue, the latest first.
func (s *Service) DecisionYears(ctx context.Context, siteID int64) ([]int, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT DISTINCT year FROM decisions WHERE site_id = $1 ORDER BY year DESC`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "years")
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, errs.Wrap(err, "year")
		}
		out = append(out, y)
	}
	return out, errs.Wrap(rows.Err(), "years")
}

// Timeline is a decision's changes, the oldest first.
func (s *Service) Timeline(ctx context.Context, id int64) ([]DecisionEvent, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT action, note, after_json, actor_name, created_at FROM decision_events WHERE decision_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "timeline")
	}
	defer rows.Close()
	var out []DecisionEvent
	for rows.Next() {
		var e DecisionEvent
		var after string
		if err := rows.Scan(&e.Action, &e.Note, &after, &e.Actor, &e.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "event")
		}
		var d Decision
		_ = json.Unmarshal([]byte(after), &d)
		e.Status = d.Status
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "timeline")
}
