package interact

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Event types of the ledger.
const (
	EvReceived    = "received"
	EvRouted      = "routed"
	EvTransferred = "transferred"
	EvDrafted     = "drafted"
	EvReviewed    = "reviewed"
	EvPublished   = "published"
	EvInvalid     = "invalid"
	EvRated       = "rated"
)

// EventInfo describes an event type; Public ones are shown to the writer.
type EventInfo struct {
	Type, Label string
	Public      bool
}

// EventTypes are the ledger's steps, in their usual order.
var EventTypes = []EventInfo{
	{EvReceived, "收到留言", true},
	{EvRouted, "分办", true},
	{EvTransferred, "转办", true},
	{EvDrafted, "拟写答复", false},
	{EvReviewed, "审核答复", false},
	{EvPublished, "答复", true},
	{EvInvalid, "无效留言", true},
	{EvRated, "评价", true},
}

// InfoOf returns the description of an event type.
func InfoOf(typ string) (EventInfo, bool) {
	for _, e := range EventTypes {
		if e.Type == typ {
			return e, true
		}
	}
	return EventInfo{Type: typ, Label: typ}, false
}

// Statuses (办理状态, RECORDS §11.1), derived from the ledger.
const (
	StReceived = "received" // 待分办
	StHandling = "handling" // 办理中
	StReview   = "review"   // 答复待审核
	StApproved = "approved" // 审核通过，待发布
	StAnswered = "answered" // 已答复
	StInvalid  = "invalid"  // 无效留言
)

// StatusLabels are the statuses' Chinese names.
var StatusLabels = map[string]string{StReceived: "待分办", StHandling: "办理中", StReview: "答复待审核", StApproved: "待发布答复",
	StAnswered: "已答复", StInvalid: "无效留言"}

// InvalidReasons are why a message is invalid (issue 11: duplicate,
// abusive, not a question). Invalid messages do not count as unanswered
// (REFERENCE §5.1: the veto is about a *valid* message) but are counted.
var InvalidReasons = []struct{ Code, Label string }{
	{"duplicate", "重复留言"}, {"abusive", "含有辱骂、攻击等不当内容"}, {"not_question", "无实质内容或非咨询建议"}, {"other", "其他"},
}

// InvalidLabel is the label of an invalid reason.
func InvalidLabel(code string) string {
	for _, r := range InvalidReasons {
		if r.Code == code {
			return r.Label
		}
	}
	return code
}

// Ratings of an answer by its writer.
var Ratings = []struct{ Code, Label string }{{"satisfied", "满意"}, {"basic", "基本满意"}, {"unsatisfied", "不满意"}}

// RatingLabel is the label of a rating.
func RatingLabel(code string) string {
	for _, r := range Ratings {
		if r.Code == code {
			return r.Label
		}
	}
	return code
}

// Event is one step of a message's ledger.
type Event struct {
	Seq  int
	Type string
	On   calendar.Date
	// Period: received, the reply period in working days fixed at receipt
	// (a later change of the site's periods does not move a due date).
	Period int
	// DepartmentID: routed and transferred (the new department); From:
	// transferred.
	DepartmentID int64
	From         int64
	// Reason: transferred (why), invalid (a code of InvalidReasons).
	Reason string
	Note   string
	// Answer, Where: drafted (Where: complaints, who handles such matters).
	Answer string
	Where  string
	// Approved: reviewed.
	Approved bool
	// Public: published, whether the answer is shown on the site.
	Public bool
	// Rating and Note (the comment): rated.
	Rating    string
	ActorID   int64
	ActorName string
	CreatedAt string
}

// State is what the ledger says about a message now.
type State struct {
	Status       string
	Received     calendar.Date
	Period       int
	Due          calendar.Date
	DepartmentID int64
	// Draft is the latest drafted answer (and who drafted it); Answer the
	// released one.
	Draft, DraftWhere string
	DraftBy           int64
	Answer, Where     string
	Answered          calendar.Date
	Public            bool
	Workdays          int // working days from receipt to answer
	InvalidReason     string
	Rating            string
	Transfers         int
	cal               *calendar.Calendar
}

// Open reports whether the message still waits for its answer.
func (st *State) Open() bool { return st.Status != StAnswered && st.Status != StInvalid }

// Overdue reports whether the answer is (or was) later than the due date.
func (st *State) Overdue(today calendar.Date) bool {
	switch st.Status {
	case StInvalid:
		return false
	case StAnswered:
		return st.Answered.After(st.Due)
	}
	return today.After(st.Due)
}

// OnTime reports whether an answered message was answered by its due date.
func (st *State) OnTime() bool { return st.Status == StAnswered && !st.Answered.After(st.Due) }

// Left is the working days left until the due date (negative: overdue).
func (st *State) Left(today calendar.Date) int {
	if !today.After(st.Due) {
		return st.cal.WorkdaysBetween(today, st.Due)
	}
	return -st.cal.WorkdaysBetween(st.Due, today)
}

// Explain shows how the due date was computed.
func (st *State) Explain() calendar.Explanation {
	return st.cal.ExplainAddWorkdays(st.Received, st.Period)
}

// VetoLine is the day after which a valid message still unanswered fails
// the national inspection: 国办秘函〔2019〕19号 单项否决 "互动回应差" — a valid
// message left unanswered for more than 3 months (REFERENCE §5.1; RECORDS
// §0.1 "Unanswered valid message (inspection veto) >3 months").
func (st *State) VetoLine() calendar.Date { return AddMonths(st.Received, 3) }

// AddMonths returns the day n months after d: the same day of the month,
// or the month's last day when it has no such day (民法典第二百零二条:
// 按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，为当月的最后一日).
func AddMonths(d calendar.Date, n int) calendar.Date {
	m := d.Year*12 + int(d.Month) - 1 + n
	y := m / 12
	m = m%12 + 1
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	day := d.Day
	if day > last {
		day = last
	}
	return calendar.Date{Year: y, Month: time.Month(m), Day: day}
}

// Replay derives the state from the ledger, checking every step in order.
func Replay(cal *calendar.Calendar, category string, received calendar.Date, evs []Event) (*State, error) {
	st := &State{Received: received, cal: cal}
	for i, ev := range evs {
		if i == 0 {
			if ev.Type != EvReceived {
				return nil, fmt.Errorf("ledger starts with %s", ev.Type)
			}
			st.Period = ev.Period
			if st.Period <= 0 {
				c, _ := CategoryOf(category)
				st.Period = c.Workdays
			}
			st.Due = cal.AddWorkdays(received, st.Period)
			st.Status = StReceived
			continue
		}
		if err := st.apply(category, ev); err != nil {
			return nil, err
		}
	}
	if st.Status == "" {
		return nil, fmt.Errorf("empty ledger")
	}
	return st, nil
}

func invalidStep(msg string) error { return &errs.Error{Code: errs.Conflict, Message: msg} }

// apply checks ev against the state and applies it.
func (st *State) apply(category string, ev Event) error {
	if ev.On.Before(st.Received) {
		return &errs.Error{Code: errs.Invalid, Message: "办理日期不能早于收到留言的日期 " + st.Received.String(), Fields: map[string]string{"on": "不能早于收到日期"}}
	}
	switch ev.Type {
	case EvRouted:
		if st.Status != StReceived {
			return invalidStep("该留言已分办，如需更换承办科室请使用转办")
		}
		st.DepartmentID, st.Status = ev.DepartmentID, StHandling
	case EvTransferred:
		if st.Status != StHandling && st.Status != StReview {
			return invalidStep("只有办理中的留言可以转办")
		}
		if ev.DepartmentID == st.DepartmentID {
			return &errs.Error{Code: errs.Invalid, Message: "转办的科室与当前承办科室相同", Fields: map[string]string{"department": "请选择其他科室"}}
		}
		if ev.Reason == "" {
			return &errs.Error{Code: errs.Invalid, Message: "请填写转办理由", Fields: map[string]string{"reason": "请填写转办理由"}}
		}
		st.DepartmentID, st.Status, st.Draft, st.DraftWhere = ev.DepartmentID, StHandling, "", ""
		st.Transfers++
	case EvDrafted:
		if st.Status != StHandling && st.Status != StReview {
			return invalidStep("只有已分办、尚未答复的留言可以拟写答复")
		}
		if ev.Answer == "" {
			return &errs.Error{Code: errs.Invalid, Message: "请填写答复内容", Fields: map[string]string{"answer": "请填写答复内容"}}
		}
		if c, _ := CategoryOf(category); c.Where && ev.Where == "" {
			// Issue 11: complaints are answered with where such matters are handled.
			return &errs.Error{Code: errs.Invalid, Message: "投诉举报类留言的答复应告知有权处理的机关和途径", Fields: map[string]string{"where": "请填写受理机关和途径"}}
		}
		st.Draft, st.DraftWhere, st.DraftBy, st.Status = ev.Answer, ev.Where, ev.ActorID, StReview
	case EvReviewed:
		if st.Status != StReview {
			return invalidStep("没有待审核的答复")
		}
		if ev.Approved {
			st.Status = StApproved
		} else {
			if ev.Note == "" {
				return &errs.Error{Code: errs.Invalid, Message: "退回答复时请写明修改意见", Fields: map[string]string{"note": "请填写修改意见"}}
			}
			st.Status = StHandling
		}
	case EvPublished:
		if st.Status != StApproved {
			return invalidStep("答复须经审核通过后才能发布")
		}
		st.Answer, st.Where, st.Answered, st.Public, st.Status = st.Draft, st.DraftWhere, ev.On, ev.Public, StAnswered
		st.Workdays = st.cal.WorkdaysBetween(st.Received, ev.On)
	case EvInvalid:
		if !st.Open() {
			return invalidStep("已答复或已标记无效的留言不能标记为无效")
		}
		if InvalidLabel(ev.Reason) == ev.Reason {
			return &errs.Error{Code: errs.Invalid, Message: "请选择无效的理由", Fields: map[string]string{"reason": "请选择理由"}}
		}
		st.Status, st.InvalidReason = StInvalid, ev.Reason
	case EvRated:
		if st.Status != StAnswered {
			return invalidStep("留言答复后才能评价")
		}
		if st.Rating != "" {
			return invalidStep("该答复已经评价过")
		}
		if RatingLabel(ev.Rating) == ev.Rating {
			return &errs.Error{Code: errs.Invalid, Message: "请选择满意、基本满意或不满意", Fields: map[string]string{"rating": "请选择评价"}}
		}
		st.Rating = ev.Rating
	default:
		return &errs.Error{Code: errs.Invalid, Message: "未知的办理步骤：" + ev.Type, Fields: map[string]string{"type": "未知的步骤"}}
	}
	return nil
}

// eventData is what message_events.data holds.
type eventData struct {
	Period       int    `json:"period,omitempty"`
	DepartmentID int64  `json:"department_id,omitempty"`
	From         int64  `json:"from,omitempty"`
	Reason       string `json:"reason,omitempty"`
	Note         string `json:"note,omitempty"`
	Answer       string `json:"answer,omitempty"`
	Where        string `json:"where,omitempty"`
	Approved     bool   `json:"approved,omitempty"`
	Public       bool   `json:"public,omitempty"`
	Rating       string `json:"rating,omitempty"`
}

func insertEvent(ctx context.Context, tx *sql.Tx, msgID int64, seq int, ev Event, actor *auth.User) error {
	data, err := json.Marshal(eventData{Period: ev.Period, DepartmentID: ev.DepartmentID, From: ev.From, Reason: ev.Reason, Note: ev.Note,
		Answer: ev.Answer, Where: ev.Where, Approved: ev.Approved, Public: ev.Public, Rating: ev.Rating})
	if err != nil {
		return errs.Wrap(err, "event data")
	}
	var actorID any
	name := "留言人"
	if actor != nil {
		actorID, name = actor.ID, actor.Label()
	} else if ev.ActorName != "" {
		name = ev.ActorName
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO message_events (message_id, seq, type, on_date, data, actor_id, actor_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		msgID, seq, ev.Type, ev.On.String(), string(data), actorID, name, store.Now())
	if store.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "该留言刚被他人更新，请刷新后重试")
	}
	return errs.Wrap(err, "insert event")
}

func loadEvents(ctx context.Context, q querier, id int64) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, type, on_date, data, COALESCE(actor_id, 0), actor_name, created_at FROM message_events WHERE message_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, errs.Wrap(err, "events")
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var ev Event
		var on, data string
		if err := rows.Scan(&ev.Seq, &ev.Type, &on, &data, &ev.ActorID, &ev.ActorName, &ev.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "event")
		}
		var d eventData
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return nil, errs.Wrap(err, "event data")
		}
		ev.On = calendar.Day(on)
		ev.Period, ev.DepartmentID, ev.From, ev.Reason, ev.Note = d.Period, d.DepartmentID, d.From, d.Reason, d.Note
		ev.Answer, ev.Where, ev.Approved, ev.Public, ev.Rating = d.Answer, d.Where, d.Approved, d.Public, d.Rating
		out = append(out, ev)
	}
	return out, errs.Wrap(rows.Err(), "events")
}
