package consult

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/mail"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// Meetings (会议公开, seed task 3): "every 办公会议 topic touching people's
// vital interests must come with a proposal for stakeholder attendance"
// (临沂市司法局2021年政务公开重点任务第3项, RECORDS §9.1); the public applies
// to attend as a stakeholder, staff accept or decline with a reason, the
// applicant is told (by e-mail when the contact is one), and the accepted
// attendees are published — their names masked, since whether names are
// published is UNVERIFIED (RECORDS §9.3).

// MeetingTypes are the usual kinds of meeting (RECORDS §9.3).
var MeetingTypes = []Choice{{"bureau", "局长办公会议"}, {"executive", "常务会议"}, {"special", "专题会议"}}

// AttendeeCategories are who may attend (RECORDS §9.2, Qixia and Yantai).
var AttendeeCategories = []Choice{{"stakeholder", "利益相关方"}, {"public", "公众代表"}, {"expert", "专家学者"}, {"media", "媒体代表"},
	{"deputy", "人大代表、政协委员"}, {"business", "企业代表"}}

// Application statuses.
const (
	AppPending  = "pending"
	AppAccepted = "accepted"
	AppDeclined = "declined"
)

// AppStatusLabels name them.
var AppStatusLabels = map[string]string{AppPending: "待处理", AppAccepted: "已同意列席", AppDeclined: "未同意"}

// Topic is one agenda topic (议题).
type Topic struct {
	Seq          int    `json:"seq"`
	Title        string `json:"title"`
	DepartmentID int64  `json:"-"`
	Department   string `json:"department"`
	// PublicInterest marks a topic that touches the public's vital
	// interests (涉及群众切身利益); it needs a StakeholderPlan.
	PublicInterest  bool   `json:"public_interest"`
	StakeholderPlan string `json:"stakeholder_plan"`
}

// Meeting is a meeting record.
type Meeting struct {
	ID          int64      `json:"id"`
	SiteID      int64      `json:"-"`
	Title       string     `json:"title"`
	MeetingType string     `json:"meeting_type"`
	HeldOn      string     `json:"held_on"`
	Place       string     `json:"place"`
	ApplyUntil  string     `json:"apply_until"`
	Invited     string     `json:"invited"`   // invited media and experts (列席)
	Decisions   string     `json:"decisions"` // 议定事项
	Links       []Link     `json:"links"`     // interpretations, documents
	Published   bool       `json:"published"`
	Topics      []Topic    `json:"topics"`
	Attendees   []Attendee `json:"attendees"` // accepted applications, masked
	CreatedAt   string     `json:"created_at"`
}

// TypeLabel names the meeting's type.
func (m *Meeting) TypeLabel() string { return LabelOf(MeetingTypes, m.MeetingType) }

// Attendee is an accepted applicant as published.
type Attendee struct {
	Name         string `json:"name"`
	Category     string `json:"category"`
	Organisation string `json:"organisation"`
}

// CategoryLabel names the category.
func (a Attendee) CategoryLabel() string { return LabelOf(AttendeeCategories, a.Category) }

// OpenForApplications reports whether the public may still apply on today.
func (m *Meeting) OpenForApplications(today calendar.Date) bool {
	until := calendar.Day(m.ApplyUntil)
	if until.IsZero() {
		until = calendar.Day(m.HeldOn).AddDays(-1)
	}
	return m.Published && !today.After(until)
}

// MeetingInput is a new meeting.
type MeetingInput struct {
	Title, MeetingType, HeldOn, Place, ApplyUntil, Invited, Decisions string
	Topics                                                            []Topic
	Links                                                             []Link
	Publish                                                           bool
}

// Limits of meetings.
const (
	MaxTopics = 50
	MaxPlan   = 1000
)

// CreateMeeting records a meeting (the office).
func (s *Service) CreateMeeting(ctx context.Context, actor *auth.User, siteID int64, in MeetingInput) (*Meeting, error) {
	if actor == nil || !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以发布会议")
	}
	in.Title, in.Place, in.Invited, in.Decisions = clean(in.Title), clean(in.Place), clean(in.Invited), clean(in.Decisions)
	v := errs.Validation{}
	if in.Title == "" {
		v.Add("title", "请填写会议名称")
	}
	checkLen(v, "title", in.Title, MaxTitle, "会议名称")
	checkLen(v, "place", in.Place, MaxTitle, "地点")
	checkLen(v, "invited", in.Invited, MaxText, "列席人员")
	checkLen(v, "decisions", in.Decisions, MaxText, "议定事项")
	if in.MeetingType != "" && LabelOf(MeetingTypes, in.MeetingType) == in.MeetingType {
		v.Add("meeting_type", "会议类型无效")
	}
	held, err := calendar.Parse(in.HeldOn)
	if err != nil {
		v.Add("held_on", "请填写会议日期（YYYY-MM-DD）")
	}
	if in.ApplyUntil != "" {
		if u, err := calendar.Parse(in.ApplyUntil); err != nil {
			v.Add("apply_until", "报名截止日期应为 YYYY-MM-DD")
		} else if !held.IsZero() && u.After(held) {
			v.Add("apply_until", "报名截止日期不能晚于会议日期")
		}
	}
	if len(in.Topics) == 0 {
		v.Add("topics", "请至少填写一个议题")
	}
	if len(in.Topics) > MaxTopics {
		v.Add("topics", fmt.Sprintf("议题不能超过 %d 个", MaxTopics))
	}
	for i := range in.Topics {
		tp := &in.Topics[i]
		tp.Seq, tp.Title, tp.StakeholderPlan = i+1, clean(tp.Title), clean(tp.StakeholderPlan)
		if tp.Title == "" {
			v.Add("topics", fmt.Sprintf("第 %d 个议题没有名称", i+1))
		}
		checkLen(v, "topics", tp.Title, MaxTitle, fmt.Sprintf("第 %d 个议题", i+1))
		checkLen(v, "topics", tp.StakeholderPlan, MaxPlan, fmt.Sprintf("第 %d 个议题的列席建议", i+1))
	}
	for i := range in.Links {
		checkLink(&in.Links[i], v)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	for i := range in.Topics {
		if in.Topics[i].Department != "" {
			if in.Topics[i].DepartmentID, err = s.departmentID(ctx, siteID, in.Topics[i].Department, 0); err != nil {
				return nil, err
			}
		}
	}
	if in.Links == nil {
		in.Links = []Link{}
	}
	links, _ := json.Marshal(in.Links)
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO meetings (site_id, title, meeting_type, held_on, place, apply_until, invited, decisions_text, links_json, published, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, siteID, in.Title, in.MeetingType, in.HeldOn, in.Place, in.ApplyUntil, in.Invited, in.Decisions,
			string(links), b2i(in.Publish), store.Now()).Scan(&id); err != nil {
			return errs.Wrap(err, "insert meeting")
		}
		for _, tp := range in.Topics {
			if _, err := tx.ExecContext(ctx, `INSERT INTO meeting_topics (meeting_id, seq, title, department_id, public_interest, stakeholder_plan) VALUES ($1, $2, $3, $4, $5, $6)`,
				id, tp.Seq, tp.Title, tp.DepartmentID, b2i(tp.PublicInterest), tp.StakeholderPlan); err != nil {
				return errs.Wrap(err, "insert topic")
			}
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "meeting.create", Target: fmt.Sprintf("meeting:%d", id),
			After: map[string]any{"title": in.Title, "held_on": in.HeldOn, "topics": len(in.Topics), "published": in.Publish}}); err != nil {
			return err
		}
		return s.emit(ctx, tx, siteID, EventMeeting, id) // last, as the catalogue does
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Meeting(ctx, siteID, id)
}

const meetingCols = `id, site_id, title, meeting_type, held_on, place, apply_until, invited, decisions_text, links_json, published, created_at`

func scanMeeting(row interface{ Scan(...any) error }) (*Meeting, error) {
	m := &Meeting{}
	var links string
	var pub int
	if err := row.Scan(&m.ID, &m.SiteID, &m.Title, &m.MeetingType, &m.HeldOn, &m.Place, &m.ApplyUntil, &m.Invited, &m.Decisions, &links, &pub, &m.CreatedAt); err != nil {
		return nil, err
	}
	m.Published = pub != 0
	m.Links, m.Topics, m.Attendees = []Link{}, []Topic{}, []Attendee{}
	_ = json.Unmarshal([]byte(links), &m.Links)
	return m, nil
}

// Meeting returns a meeting with its topics and published attendees.
func (s *Service) Meeting(ctx context.Context, siteID, id int64) (*Meeting, error) {
	m, err := scanMeeting(s.DB.R.QueryRowContext(ctx, `SELECT `+meetingCols+` FROM meetings WHERE id = $1 AND site_id = $2`, id, siteID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err, "meeting")
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT t.seq, t.title, t.department_id, COALESCE(d.name, ''), t.public_interest, t.stakeholder_plan
		FROM meeting_topics t LEFT JOIN departments d ON d.id = t.department_id WHERE t.meeting_id = $1 ORDER BY t.seq`, id)
	if err != nil {
		return nil, errs.Wrap(err, "topics")
	}
	defer rows.Close()
	for rows.Next() {
		var tp Topic
		var pi int
		if err := rows.Scan(&tp.Seq, &tp.Title, &tp.DepartmentID, &tp.Department, &pi, &tp.StakeholderPlan); err != nil {
			return nil, errs.Wrap(err, "topic")
		}
		tp.PublicInterest = pi != 0
		m.Topics = append(m.Topics, tp)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "topics")
	}
	apps, err := s.Applications(ctx, id, AppAccepted, false)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		m.Attendees = append(m.Attendees, Attendee{Name: secure.MaskName(a.Name), Category: a.Category, Organisation: a.Organisation})
	}
	return m, nil
}

// Meetings lists the site's meetings, the latest first (only published
// ones when public).
func (s *Service) Meetings(ctx context.Context, siteID int64, public bool) ([]*Meeting, error) {
	q := `SELECT ` + meetingCols + ` FROM meetings WHERE site_id = $1`
	if public {
		q += ` AND published = 1`
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY held_on DESC, id DESC`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "meetings")
	}
	defer rows.Close()
	var out []*Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, errs.Wrap(err, "meeting")
		}
		out = append(out, m)
	}
	return out, errs.Wrap(rows.Err(), "meetings")
}

// Application is a request from the public to attend a meeting.
type Application struct {
	ID           int64  `json:"id"`
	MeetingID    int64  `json:"meeting_id"`
	Name         string `json:"name"`
	Category     string `json:"category"`
	Organisation string `json:"organisation"`
	Reason       string `json:"reason"`
	Status       string `json:"status"`
	Answer       string `json:"answer"`
	ReceivedAt   string `json:"received_at"`
	Contact      string `json:"-"` // opened, staff only
}

// StatusLabel names the status.
func (a *Application) StatusLabel() string { return AppStatusLabels[a.Status] }

// CategoryLabel names the category.
func (a *Application) CategoryLabel() string { return LabelOf(AttendeeCategories, a.Category) }

// MaskedContact is the contact as staff lists show it.
func (a *Application) MaskedContact() string {
	if strings.Contains(a.Contact, "@") {
		return secure.MaskEmail(a.Contact)
	}
	return secure.MaskPhone(a.Contact)
}

// ApplicationInput is an application as submitted.
type ApplicationInput struct {
	Name, Category, Organisation, Contact, Reason string
}

// Validate checks the application without the database.
func (in *ApplicationInput) Validate() error {
	in.Name, in.Organisation, in.Contact, in.Reason = clean(in.Name), clean(in.Organisation), clean(in.Contact), clean(in.Reason)
	v := errs.Validation{}
	if in.Name == "" {
		v.Add("name", "请填写姓名")
	}
	checkLen(v, "name", in.Name, MaxName, "姓名")
	if LabelOf(AttendeeCategories, in.Category) == in.Category {
		v.Add("category", "请选择身份类别")
	}
	checkLen(v, "organisation", in.Organisation, MaxTitle, "单位")
	if in.Contact == "" {
		v.Add("contact", "请填写联系方式（电话或电子邮箱，不公开）")
	}
	checkLen(v, "contact", in.Contact, MaxContact, "联系方式")
	if in.Reason == "" {
		v.Add("reason", "请说明申请列席的理由")
	}
	checkLen(v, "reason", in.Reason, MaxReason, "理由")
	return v.Err()
}

// Apply records an application to attend a published meeting before its
// application deadline (contact sealed).
func (s *Service) Apply(ctx context.Context, siteID, meetingID int64, in ApplicationInput) (*Application, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	m, err := s.Meeting(ctx, siteID, meetingID)
	if err != nil {
		return nil, err
	}
	if !m.Published {
		return nil, ErrNotFound
	}
	if !m.OpenForApplications(s.today()) {
		return nil, errs.E(errs.Conflict, "该会议的列席报名已截止")
	}
	if s.Sealer == nil {
		return nil, errs.E(errs.Internal, "暂不能接收申请（个人信息加密未配置）")
	}
	sealed, err := s.Sealer.Seal(in.Contact)
	if err != nil {
		return nil, errs.Wrap(err, "seal contact")
	}
	a := &Application{MeetingID: meetingID, Name: in.Name, Category: in.Category, Organisation: in.Organisation, Reason: in.Reason, Status: AppPending, ReceivedAt: store.Now()}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		return errs.Wrap(tx.QueryRowContext(ctx, `INSERT INTO meeting_applications (meeting_id, name, category, organisation, contact_sealed, reason, status, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, meetingID, a.Name, a.Category, a.Organisation, sealed, a.Reason, a.Status, a.ReceivedAt).Scan(&a.ID), "insert application")
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Applications lists a meeting's applications (status "" for all).
func (s *Service) Applications(ctx context.Context, meetingID int64, status string, open bool) ([]Application, error) {
	q := `SELECT id, meeting_id, name, category, organisation, contact_sealed, reason, status, answer, received_at FROM meeting_applications WHERE meeting_id = $1`
	args := []any{meetingID}
	if status != "" {
		q += ` AND status = $2`
		args = append(args, status)
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "applications")
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		var a Application
		var sealed string
		if err := rows.Scan(&a.ID, &a.MeetingID, &a.Name, &a.Category, &a.Organisation, &sealed, &a.Reason, &a.Status, &a.Answer, &a.ReceivedAt); err != nil {
			return nil, errs.Wrap(err, "application")
		}
		if open && s.Sealer != nil {
			if v, err := s.Sealer.Open(sealed); err == nil {
				a.Contact = v
			}
		}
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "applications")
}

// Decide accepts or declines an application (a decline needs its reason);
// the applicant is told by e-mail (the outbox) when the contact is an
// address, in the same transaction. Audited.
func (s *Service) Decide(ctx context.Context, actor *auth.User, siteID, meetingID, appID int64, accept bool, answer string) (*Application, error) {
	if actor == nil || !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以处理列席申请")
	}
	answer = clean(answer)
	v := errs.Validation{}
	if !accept && answer == "" {
		v.Add("answer", "不同意列席的，请说明理由（将告知申请人）")
	}
	checkLen(v, "answer", answer, MaxReason, "答复")
	if err := v.Err(); err != nil {
		return nil, err
	}
	m, err := s.Meeting(ctx, siteID, meetingID)
	if err != nil {
		return nil, err
	}
	apps, err := s.Applications(ctx, meetingID, "", true)
	if err != nil {
		return nil, err
	}
	var a *Application
	for i := range apps {
		if apps[i].ID == appID {
			a = &apps[i]
		}
	}
	if a == nil {
		return nil, errs.E(errs.NotFound, "没有这份列席申请")
	}
	if a.Status != AppPending {
		return nil, errs.E(errs.Conflict, "该申请已处理（%s）", a.StatusLabel())
	}
	a.Status, a.Answer = AppDeclined, answer
	if accept {
		a.Status = AppAccepted
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE meeting_applications SET status = $1, answer = $2, decided_by = $3 WHERE id = $4 AND status = $5`,
			a.Status, a.Answer, actor.ID, a.ID, AppPending); err != nil {
			return errs.Wrap(err, "decide application")
		}
		if _, err := netmail.ParseAddress(a.Contact); err == nil {
			body := fmt.Sprintf("%s：\n\n您申请列席“%s”（%s）。处理结果：%s。%s\n", a.Name, m.Title, m.HeldOn, a.StatusLabel(), a.Answer)
			if _, err := mail.Enqueue(ctx, tx, mail.Message{To: a.Contact, Subject: "列席申请处理结果：" + m.Title, Body: body}); err != nil {
				return err
			}
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "meeting.application", Target: fmt.Sprintf("meeting_application:%d", a.ID),
			After: map[string]any{"status": a.Status, "answer": a.Answer}})
	})
	if err != nil {
		return nil, err
	}
	a.Contact = ""
	return a, nil
}

// MeetingOutcome is what is recorded after a meeting: its decided items
// (议定事项), the linked interpretations and documents, and whether the
// record is public.
type MeetingOutcome struct {
	Decisions string
	Links     []Link
	Publish   bool
}

// SetOutcome records a meeting's outcome (the office). Audited; the search
// follows.
func (s *Service) SetOutcome(ctx context.Context, actor *auth.User, siteID, id int64, o MeetingOutcome) (*Meeting, error) {
	if actor == nil || !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以发布会议")
	}
	o.Decisions = clean(o.Decisions)
	v := errs.Validation{}
	checkLen(v, "decisions", o.Decisions, MaxText, "议定事项")
	for i := range o.Links {
		checkLink(&o.Links[i], v)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if _, err := s.Meeting(ctx, siteID, id); err != nil {
		return nil, err
	}
	if o.Links == nil {
		o.Links = []Link{}
	}
	links, _ := json.Marshal(o.Links)
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE meetings SET decisions_text = $1, links_json = $2, published = $3 WHERE id = $4 AND site_id = $5`,
			o.Decisions, string(links), b2i(o.Publish), id, siteID); err != nil {
			return errs.Wrap(err, "meeting outcome")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "meeting.outcome", Target: fmt.Sprintf("meeting:%d", id),
			After: map[string]any{"decisions": o.Decisions, "links": o.Links, "published": o.Publish}}); err != nil {
			return err
		}
		return s.emit(ctx, tx, siteID, EventMeeting, id)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Meeting(ctx, siteID, id)
}
