package live

import (
	"context"
	"database/sql"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// EventKinds are the kinds of public-participation events.
var EventKinds = []Choice{{"open_day", "政府开放日"}, {"online_qa", "网络问政"}, {"tv_qa", "电视问政"}, {"hearing", "座谈会"}}

// Event statuses: announced (报名中 or awaiting the day), cancelled, and
// reported (the report afterwards is public).
const (
	EventAnnounced = "announced"
	EventCancelled = "cancelled"
	EventReported  = "reported"
)

// EventStatuses are the statuses with their labels.
var EventStatuses = []Choice{{EventAnnounced, "已发布"}, {EventCancelled, "已取消"}, {EventReported, "已举办"}}

// Event is an open day or a similar event.
type Event struct {
	ID, SiteID, DepartmentID int64
	Kind, Title, Summary     string
	Place                    string
	StartsAt, EndsAt         string
	// SignupUntil is the last day of sign-up (a date); "" for no sign-up.
	SignupUntil string
	// Capacity is how many may sign up (0: no sign-up); Taken how many have.
	Capacity, Taken      int
	Status, Report       string
	CreatedBy, CreatedAt string
	UpdatedAt            string
}

// KindLabel is the kind in Chinese.
func (e *Event) KindLabel() string { return LabelOf(EventKinds, e.Kind) }

// StatusLabel is the status in Chinese.
func (e *Event) StatusLabel() string { return LabelOf(EventStatuses, e.Status) }

// Left is how many places are left.
func (e *Event) Left() int { return max(e.Capacity-e.Taken, 0) }

// SignupOpen reports whether the public may sign up on day (YYYY-MM-DD).
func (e *Event) SignupOpen(day string) bool {
	return e.Status == EventAnnounced && e.Capacity > 0 && e.Taken < e.Capacity && day <= e.SignupUntil && day <= dateOf(e.StartsAt)
}

// Upcoming reports whether the event is on or after day.
func (e *Event) Upcoming(day string) bool {
	return e.Status == EventAnnounced && dateOf(e.StartsAt) >= day
}

// Date is the event's day.
func (e *Event) Date() string { return dateOf(e.StartsAt) }

// EventInput is what staff set on an event.
type EventInput struct {
	DepartmentID                  int64
	Kind, Title, Summary, Place   string
	StartsAt, EndsAt, SignupUntil string
	Capacity                      int
}

func (in *EventInput) validate() error {
	v := errs.Validation{}
	in.Title, in.Summary, in.Place = strings.TrimSpace(in.Title), strings.TrimSpace(in.Summary), strings.TrimSpace(in.Place)
	if !validChoice(EventKinds, in.Kind) {
		v.Add("kind", "请选择活动类型")
	}
	required(v, "title", in.Title, "活动名称")
	checkLen(v, "title", in.Title, MaxTitle)
	checkLen(v, "summary", in.Summary, MaxSummary)
	checkLen(v, "place", in.Place, MaxPlace)
	checkTime(v, "starts_at", &in.StartsAt, true, "开始时间")
	checkTime(v, "ends_at", &in.EndsAt, false, "结束时间")
	if in.EndsAt != "" && in.StartsAt != "" && in.EndsAt < in.StartsAt {
		v.Add("ends_at", "结束时间不能早于开始时间")
	}
	if in.Capacity < 0 || in.Capacity > 100000 {
		v.Add("capacity", "名额应在 0 到 100000 之间")
	}
	in.SignupUntil = strings.TrimSpace(in.SignupUntil)
	if in.Capacity > 0 {
		if in.SignupUntil == "" && in.StartsAt != "" {
			in.SignupUntil = dateOf(in.StartsAt)
		}
		if t, ok := parseTime(in.SignupUntil + "T00:00"); !ok {
			v.Add("signup_until", "报名截止日期格式应为 2025-06-12")
		} else if in.SignupUntil = dateOf(t); in.StartsAt != "" && in.SignupUntil > dateOf(in.StartsAt) {
			v.Add("signup_until", "报名截止日期不能晚于活动日期")
		}
	} else {
		in.SignupUntil = ""
	}
	return v.Err()
}

const eventCols = `id, site_id, department_id, kind, title, summary, place, starts_at, ends_at, signup_until, capacity, taken, status, report, created_by, created_at, updated_at`

func scanEvent(sc interface{ Scan(...any) error }) (*Event, error) {
	e := &Event{}
	err := sc.Scan(&e.ID, &e.SiteID, &e.DepartmentID, &e.Kind, &e.Title, &e.Summary, &e.Place, &e.StartsAt, &e.EndsAt, &e.SignupUntil, &e.Capacity, &e.Taken,
		&e.Status, &e.Report, &e.CreatedBy, &e.CreatedAt, &e.UpdatedAt)
	return e, err
}

// CreateEvent announces an event.
func (s *Service) CreateEvent(ctx context.Context, u *auth.User, siteID int64, in EventInput) (*Event, error) {
	if err := mayManage(u, in.DepartmentID); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var id int64
	now := store.Now()
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO live_events (site_id, department_id, kind, title, summary, place, starts_at, ends_at, signup_until, capacity, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
			siteID, in.DepartmentID, in.Kind, in.Title, in.Summary, in.Place, in.StartsAt, in.EndsAt, in.SignupUntil, in.Capacity, EventAnnounced, u.Name, now).Scan(&id); err != nil {
			return errs.Wrap(err, "create event")
		}
		return s.audit(ctx, tx, siteID, u, "event.create", itoa("event", id), nil, in, true)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Event(ctx, siteID, id)
}

// UpdateEvent changes an announced event. The capacity cannot drop below
// the places taken; the check is in the update itself, so a sign-up racing
// the change cannot slip under it.
func (s *Service) UpdateEvent(ctx context.Context, u *auth.User, siteID, id int64, in EventInput) (*Event, error) {
	old, err := s.Event(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	if err := mayManage(u, old.DepartmentID); err != nil {
		return nil, err
	}
	if err := mayManage(u, in.DepartmentID); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	if old.Status != EventAnnounced {
		return nil, errs.E(errs.Conflict, "活动已%s，不能再修改", old.StatusLabel())
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE live_events SET department_id = $1, kind = $2, title = $3, summary = $4, place = $5, starts_at = $6, ends_at = $7,
			signup_until = $8, capacity = $9, updated_at = $10 WHERE id = $11 AND site_id = $12 AND status = 'announced' AND taken <= $9`,
			in.DepartmentID, in.Kind, in.Title, in.Summary, in.Place, in.StartsAt, in.EndsAt, in.SignupUntil, in.Capacity, store.Now(), id, siteID)
		if err != nil {
			return errs.Wrap(err, "update event")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &errs.Error{Code: errs.Invalid, Message: "提交的内容有误，请按提示修改", Fields: map[string]string{"capacity": "名额不能少于已报名的人数"}}
		}
		return s.audit(ctx, tx, siteID, u, "event.update", itoa("event", id), old, in, true)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Event(ctx, siteID, id)
}

// Report publishes the report of a held event (or corrects it).
func (s *Service) Report(ctx context.Context, u *auth.User, siteID, id int64, report string) (*Event, error) {
	return s.setStatus(ctx, u, siteID, id, EventReported, report)
}

// Cancel cancels an announced event; reason is shown on its page.
func (s *Service) Cancel(ctx context.Context, u *auth.User, siteID, id int64, reason string) (*Event, error) {
	return s.setStatus(ctx, u, siteID, id, EventCancelled, reason)
}

func (s *Service) setStatus(ctx context.Context, u *auth.User, siteID, id int64, to, text string) (*Event, error) {
	old, err := s.Event(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	if err := mayManage(u, old.DepartmentID); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	v := errs.Validation{}
	if to == EventReported {
		required(v, "report", text, "活动报道")
	} else {
		required(v, "report", text, "取消的原因")
	}
	checkLen(v, "report", text, MaxReport)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if old.Status == EventCancelled || (to == EventCancelled && old.Status != EventAnnounced) {
		return nil, errs.E(errs.Conflict, "活动当前为“%s”，不能改为“%s”", old.StatusLabel(), LabelOf(EventStatuses, to))
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE live_events SET status = $1, report = $2, updated_at = $3 WHERE id = $4 AND site_id = $5`, to, text, store.Now(), id, siteID); err != nil {
			return errs.Wrap(err, "event status")
		}
		return s.audit(ctx, tx, siteID, u, "event."+to, itoa("event", id), map[string]string{"status": old.Status}, map[string]string{"status": to}, true)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Event(ctx, siteID, id)
}

// Event returns one event of the site.
func (s *Service) Event(ctx context.Context, siteID, id int64) (*Event, error) {
	e, err := scanEvent(s.DB.R.QueryRowContext(ctx, `SELECT `+eventCols+` FROM live_events WHERE id = $1 AND site_id = $2`, id, siteID))
	if err != nil {
		return nil, notFound(err, "没有这个活动", "read event")
	}
	return e, nil
}

// Events lists the site's events, latest first.
func (s *Service) Events(ctx context.Context, siteID int64) ([]*Event, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+eventCols+` FROM live_events WHERE site_id = $1 ORDER BY starts_at DESC, id DESC LIMIT 500`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "list events")
	}
	defer rows.Close()
	var out []*Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, errs.Wrap(err, "list events")
		}
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "list events")
}

// SignupInput is what the public sends to sign up.
type SignupInput struct {
	Name, Phone, Note string
}

// Signup is one sign-up, as staff see it (masked unless opened).
type Signup struct {
	ID, EventID       int64
	Name, Phone, Note string
	CreatedAt         string
}

// SignUp takes one place of an event. The place is taken by one
// conditional update in the transaction that records the sign-up, so two
// visitors racing for the last place cannot both get it, on either
// database: the update locks the event's row (PostgreSQL) or the whole
// database (SQLite's immediate transactions) until commit, and refuses
// when taken has reached the capacity. The same phone signs up once.
func (s *Service) SignUp(ctx context.Context, siteID, eventID int64, in SignupInput) (*Signup, error) {
	e, err := s.Event(ctx, siteID, eventID)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	day := s.today().String()
	if !e.SignupOpen(day) {
		if e.Capacity > 0 && e.Taken >= e.Capacity {
			return nil, errs.E(errs.Conflict, "名额已满，感谢关注")
		}
		return nil, errs.E(errs.Conflict, "本活动不在报名期内")
	}
	if s.Sealer == nil {
		return nil, errs.E(errs.Internal, "暂不能报名，请稍后再试")
	}
	name, err := s.Sealer.Seal(in.Name)
	if err != nil {
		return nil, errs.Wrap(err, "seal name")
	}
	phone, err := s.Sealer.Seal(in.Phone)
	if err != nil {
		return nil, errs.Wrap(err, "seal phone")
	}
	blind := s.Sealer.Blind(strings.NewReplacer(" ", "", "-", "").Replace(in.Phone))
	out := &Signup{EventID: eventID, Name: secure.MaskName(in.Name), Phone: secure.MaskPhone(in.Phone), Note: in.Note, CreatedAt: store.Now()}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE live_events SET taken = taken + 1 WHERE id = $1 AND site_id = $2 AND status = 'announced' AND taken < capacity`, eventID, siteID)
		if err != nil {
			return errs.Wrap(err, "take a place")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "名额已满，感谢关注")
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO live_signups (event_id, name_sealed, name_masked, phone_sealed, phone_masked, phone_blind, note, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, eventID, name, out.Name, phone, out.Phone, blind, in.Note, out.CreatedAt).Scan(&out.ID)
		if store.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "这个电话号码已经报过名")
		}
		return errs.Wrap(err, "sign up")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Validate trims and checks a sign-up.
func (in *SignupInput) Validate() error {
	in.Name, in.Phone, in.Note = strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Note)
	v := errs.Validation{}
	required(v, "name", in.Name, "姓名")
	checkLen(v, "name", in.Name, MaxName)
	required(v, "phone", in.Phone, "联系电话")
	checkLen(v, "phone", in.Phone, MaxPhone)
	if in.Phone != "" && !phoneLike(in.Phone) {
		v.Add("phone", "联系电话只能包含数字、空格、“-”和“+”")
	}
	checkLen(v, "note", in.Note, MaxNote)
	return v.Err()
}

func phoneLike(p string) bool {
	for _, r := range p {
		if !(r >= '0' && r <= '9' || r == ' ' || r == '-' || r == '+') {
			return false
		}
	}
	return true
}

// Signups lists an event's sign-ups for staff who may manage it: masked,
// or opened (full names and phones, to call them) with the access audited.
func (s *Service) Signups(ctx context.Context, u *auth.User, siteID, eventID int64, open bool) ([]Signup, error) {
	e, err := s.Event(ctx, siteID, eventID)
	if err != nil {
		return nil, err
	}
	if err := mayManage(u, e.DepartmentID); err != nil {
		return nil, err
	}
	if open && s.Sealer == nil {
		return nil, errs.E(errs.Internal, "数据密钥未配置，不能查看完整信息")
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, name_sealed, name_masked, phone_sealed, phone_masked, note, created_at FROM live_signups WHERE event_id = $1 ORDER BY id`, eventID)
	if err != nil {
		return nil, errs.Wrap(err, "list sign-ups")
	}
	defer rows.Close()
	var out []Signup
	for rows.Next() {
		var g Signup
		var ns, ps string
		if err := rows.Scan(&g.ID, &ns, &g.Name, &ps, &g.Phone, &g.Note, &g.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "list sign-ups")
		}
		g.EventID = eventID
		if open {
			if g.Name, err = s.Sealer.Open(ns); err != nil {
				return nil, errs.Wrap(err, "open name")
			}
			if g.Phone, err = s.Sealer.Open(ps); err != nil {
				return nil, errs.Wrap(err, "open phone")
			}
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "list sign-ups")
	}
	if open {
		err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
			return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: u, Action: "event.signups.open", Target: itoa("event", eventID)})
		})
	}
	return out, err
}
