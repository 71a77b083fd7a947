// Package interact is the messages of 政民互动 (留言, issue 11): messages as
// received, their append-only ledger (received, routed, transferred,
// answer drafted, reviewed, published, invalid, rated) from which status,
// due date and lateness are derived, the reply periods in working days, the
// FAQ built from answered messages, the published statistics, the
// self-inspection check and the site-search documents. It knows nothing of
// HTTP. Interviews, open days and new media are internal/interact/live.
package interact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// Category is a kind of message with its default reply period.
type Category struct {
	Code, Label string
	// Workdays is the default reply period in working days, counted from
	// the day after receipt (calendar.AddWorkdays).
	Workdays int
	// Hint is shown on the form beside the choice.
	Hint string
	// Where: the answer must say where such matters are handled.
	Where bool
}

// Categories are the message categories (issue 11; RECORDS §11.1 类型).
//
// Reply periods: no national rule fixes one. REFERENCE §5.1 gives the
// practice: answers to simple common questions taking more than 5 working
// days are flagged (Hunan, applying 国办秘函〔2019〕19号; UNVERIFIED wording),
// and Liaoning answers users' error reports (我为政府网站找错) within 3
// working days (local rule); RECORDS §11 "Local reply deadlines" notes
// Linyi's own commitment is UNVERIFIED. So the defaults are 5 and 3 working
// days and each site may set its own (message_periods).
var Categories = []Category{
	{Code: "consult", Label: "办事咨询", Workdays: 5, Hint: "办理事项的条件、材料、流程等问题"},
	{Code: "legal", Label: "法律咨询", Workdays: 5, Hint: "法律法规适用、法律援助、公证、调解等问题"},
	{Code: "suggestion", Label: "建议", Workdays: 5, Hint: "对本机关工作的意见和建议"},
	{Code: "complaint", Label: "投诉举报", Workdays: 5, Where: true,
		Hint: "本栏目答复将告知您有权处理的机关和途径；信访事项和纪检监察检举控告另有专门渠道（不在本栏目办理）"},
	{Code: "error", Label: "我为政府网站找错", Workdays: 3, Hint: "本网站的错别字、链接失效、内容错误、无法访问等问题"},
}

// CategoryOf returns the category of code.
func CategoryOf(code string) (Category, bool) {
	for _, c := range Categories {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// CategoryLabel is the label of code, or code.
func CategoryLabel(code string) string {
	if c, ok := CategoryOf(code); ok {
		return c.Label
	}
	return code
}

// Field bounds, in characters.
const (
	MaxTitle   = 100
	MaxBody    = 3000
	MaxName    = 50
	MaxContact = 100
	MaxPageURL = 500
	MaxAnswer  = 5000
	MaxWhere   = 500
	MaxReason  = 500
	MaxComment = 500
	MaxFAQQ    = 200
)

// Input is a message: from the public form or API, or registered by staff.
type Input struct {
	Category    string
	Title       string
	Body        string
	Name        string
	Contact     string // a phone number or an e-mail address
	PageURL     string // error reports: the page with the error
	Publishable bool
	// ReceivedOn and DepartmentID: staff only (a letter or a call
	// registered later). Zero: today, not routed.
	ReceivedOn   calendar.Date
	DepartmentID int64
}

var phoneRE = regexp.MustCompile(`^[0-9+\-() ]{5,30}$`)

func clean(s string) string { return strings.TrimSpace(s) }

func checkLen(v errs.Validation, field, val string, max int) {
	if utf8.RuneCountInString(val) > max {
		v.Add(field, fmt.Sprintf("不能超过 %d 个字", max))
	}
}

// Validate normalises in and checks it.
func (in *Input) Validate(staff bool) error {
	for _, p := range []*string{&in.Category, &in.Title, &in.Body, &in.Name, &in.Contact, &in.PageURL} {
		*p = clean(*p)
	}
	v := errs.Validation{}
	cat, ok := CategoryOf(in.Category)
	if !ok {
		v.Add("category", "请选择留言类别：办事咨询、法律咨询、建议、投诉举报或我为政府网站找错")
	}
	if in.Title == "" {
		v.Add("title", "请填写留言标题")
	}
	checkLen(v, "title", in.Title, MaxTitle)
	if in.Body == "" {
		v.Add("body", "请填写留言内容")
	}
	checkLen(v, "body", in.Body, MaxBody)
	if in.Name == "" && cat.Code != "error" {
		v.Add("name", "请填写姓名（不会在网站上公开）")
	}
	checkLen(v, "name", in.Name, MaxName)
	switch {
	case in.Contact == "" && cat.Code != "error":
		v.Add("contact", "请填写联系电话或电子邮箱，以便答复您（不会在网站上公开）")
	case utf8.RuneCountInString(in.Contact) > MaxContact:
		v.Add("contact", fmt.Sprintf("不能超过 %d 个字", MaxContact))
	case in.Contact == "":
	case strings.Contains(in.Contact, "@"):
		if m, err := mail.ParseAddress(in.Contact); err != nil || m.Address != in.Contact {
			v.Add("contact", "电子邮箱格式不正确，例如 name@example.com")
		}
	case !phoneRE.MatchString(in.Contact):
		v.Add("contact", "请填写电话号码（数字、空格和 + - ( )，5 至 30 位）或电子邮箱")
	}
	checkLen(v, "page_url", in.PageURL, MaxPageURL)
	if in.PageURL != "" && cat.Code != "error" {
		in.PageURL = ""
	}
	if !staff && (!in.ReceivedOn.IsZero() || in.DepartmentID != 0) {
		v.Add("received_on", "收到日期和承办科室只能由工作人员登记")
	}
	return v.Err()
}

// Message is a stored message with its ledger and derived state.
type Message struct {
	ID          int64
	SiteID      int64
	TrackingNo  string
	Category    string
	Title       string
	Body        string
	Name        string // opened for staff; masked by Masked
	Contact     string
	PageURL     string
	Publishable bool
	Received    calendar.Date
	CreatedAt   string
	Department  string // the current department's name
	Events      []Event
	State       *State
}

// CategoryLabel is the message's category label.
func (m *Message) CategoryLabel() string { return CategoryLabel(m.Category) }

// MaskedName is the writer's name as shown to the public and to staff who
// do not handle the message (internal/secure mask.go).
func (m *Message) MaskedName() string { return secure.MaskName(m.Name) }

// MaskedContact is the contact, masked.
func (m *Message) MaskedContact() string {
	if strings.Contains(m.Contact, "@") {
		return secure.MaskEmail(m.Contact)
	}
	return secure.MaskPhone(m.Contact)
}

// Calendars gives the working-day calendar in force (calver.Versions).
type Calendars interface {
	Current(ctx context.Context) (*calendar.Calendar, error)
}

// Service stores messages and applies their rules.
type Service struct {
	DB       *store.DB
	Calendar Calendars
	// Sealer encrypts the writers' names and contacts; without one,
	// messages are refused (GONGKAI_DATA_KEY, as for requests).
	Sealer *secure.Sealer
	Today  func() calendar.Date
	// Committed is called after a transaction that appended a change event
	// (the event bus's Committed), so search and caches follow at once.
	Committed func(ctx context.Context)
}

// ErrNoKey refuses messages when no data key is configured.
var ErrNoKey = errs.E(errs.Forbidden, "本站尚未开通网上留言（未配置个人信息加密密钥），请通过电话或信函与我们联系")

// ErrNotFound is a message that does not exist, or a wrong query code.
var ErrNotFound = errs.E(errs.NotFound, "没有找到该留言：请核对留言编号和查询码")

func (s *Service) today() calendar.Date {
	if s.Today != nil {
		return s.Today()
	}
	return calendar.Today()
}

func (s *Service) cal(ctx context.Context) (*calendar.Calendar, error) {
	if s.Calendar == nil {
		return calendar.Default(), nil
	}
	return s.Calendar.Current(ctx)
}

func (s *Service) committed(ctx context.Context) {
	if s.Committed != nil {
		s.Committed(ctx)
	}
}

// NormalizeCode reads a query code as typed (spaces, lower case).
func NormalizeCode(c string) string { return secure.NormalizeQueryCode(c) }

func (s *Service) codeHash(trackingNo, code string) string {
	return s.Sealer.Blind("message-code:" + trackingNo + ":" + NormalizeCode(code))
}

// Submit stores a message and returns it with its query code, shown once to
// the writer. actor is nil for the public; staff register letters and calls
// with their receipt date and may route at once.
func (s *Service) Submit(ctx context.Context, siteID int64, actor *auth.User, in Input) (*Message, string, error) {
	if s.Sealer == nil {
		return nil, "", ErrNoKey
	}
	staff := actor != nil
	if err := in.Validate(staff); err != nil {
		return nil, "", err
	}
	today := s.today()
	received := today
	if staff && !in.ReceivedOn.IsZero() {
		if in.ReceivedOn.After(today) {
			return nil, "", &errs.Error{Code: errs.Invalid, Message: "收到日期不能晚于今天", Fields: map[string]string{"received_on": "不能晚于今天"}}
		}
		if in.ReceivedOn.Year < 2000 {
			return nil, "", &errs.Error{Code: errs.Invalid, Message: "收到日期无效", Fields: map[string]string{"received_on": "不能早于 2000 年"}}
		}
		received = in.ReceivedOn
	}
	if staff && in.DepartmentID != 0 && !actor.CanPublish() {
		return nil, "", errs.E(errs.Forbidden, "只有政务公开办公室可以分办留言")
	}
	name, err := s.Sealer.Seal(in.Name)
	if err != nil {
		return nil, "", errs.Wrap(err, "seal")
	}
	contact, err := s.Sealer.Seal(in.Contact)
	if err != nil {
		return nil, "", errs.Wrap(err, "seal")
	}
	cal, err := s.cal(ctx)
	if err != nil {
		return nil, "", err
	}
	code := secure.NewQueryCode(8)
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if in.DepartmentID != 0 {
			if err := checkDepartment(ctx, tx, siteID, in.DepartmentID); err != nil {
				return err
			}
		}
		period, err := periodOf(ctx, tx, siteID, in.Category)
		if err != nil {
			return err
		}
		if s.DB.Dialect == store.Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7263020)`); err != nil {
				return errs.Wrap(err, "message number lock")
			}
		}
		prefix := fmt.Sprintf("LY%d", received.Year)
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE site_id = $1 AND tracking_no LIKE $2`, siteID, prefix+"-%").Scan(&n); err != nil {
			return errs.Wrap(err, "message number")
		}
		tracking := fmt.Sprintf("%s-%05d", prefix, n+1)
		evs := []Event{{Type: EvReceived, On: received, Period: period}}
		if in.DepartmentID != 0 {
			evs = append(evs, Event{Type: EvRouted, On: received, DepartmentID: in.DepartmentID})
		}
		st, err := Replay(cal, in.Category, received, evs)
		if err != nil {
			return err
		}
		var by any
		if staff {
			by = actor.ID
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO messages (site_id, tracking_no, code_hash, category, title, body, name, contact, page_url, publishable,
			received_on, status, department_id, due_on, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING id`,
			siteID, tracking, s.codeHash(tracking, code), in.Category, in.Title, in.Body, name, contact, in.PageURL, boolInt(in.Publishable),
			received.String(), st.Status, nullID(st.DepartmentID), st.Due.String(), by, store.Now()).Scan(&id)
		if err != nil {
			return errs.Wrap(err, "insert message")
		}
		for i, ev := range evs {
			if err := insertEvent(ctx, tx, id, i+1, ev, actor); err != nil {
				return err
			}
		}
		if staff {
			return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "message.register", Target: tracking,
				After: map[string]any{"category": in.Category, "received_on": received.String(), "department_id": in.DepartmentID}})
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	m, err := s.Get(ctx, siteID, id)
	return m, code, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func checkDepartment(ctx context.Context, tx *sql.Tx, siteID, dept int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM departments WHERE id = $1 AND site_id = $2`, dept, siteID).Scan(&n); err != nil {
		return errs.Wrap(err, "department")
	}
	if n == 0 {
		return &errs.Error{Code: errs.Invalid, Message: "承办科室不存在", Fields: map[string]string{"department": "本站没有这个科室"}}
	}
	return nil
}

const messageCols = `m.id, m.site_id, m.tracking_no, m.category, m.title, m.body, m.name, m.contact, m.page_url, m.publishable, m.received_on,
	m.created_at, COALESCE(d.name, '')`

type scanner interface{ Scan(...any) error }

func (s *Service) scan(row scanner) (*Message, error) {
	m := &Message{}
	var pub int
	var received string
	if err := row.Scan(&m.ID, &m.SiteID, &m.TrackingNo, &m.Category, &m.Title, &m.Body, &m.Name, &m.Contact, &m.PageURL, &pub, &received,
		&m.CreatedAt, &m.Department); err != nil {
		return nil, err
	}
	m.Publishable, m.Received = pub == 1, calendar.Day(received)
	for _, p := range []*string{&m.Name, &m.Contact} {
		if s.Sealer == nil {
			*p = ""
			continue
		}
		v, err := s.Sealer.Open(*p)
		if err != nil {
			v = "（无法解密）"
		}
		*p = v
	}
	return m, nil
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func (s *Service) getIn(ctx context.Context, q querier, siteID, id int64) (*Message, error) {
	row := q.QueryRowContext(ctx, `SELECT `+messageCols+` FROM messages m LEFT JOIN departments d ON d.id = m.department_id WHERE m.id = $1 AND m.site_id = $2`, id, siteID)
	m, err := s.scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err, "get message")
	}
	evs, err := loadEvents(ctx, q, m.ID)
	if err != nil {
		return nil, err
	}
	m.Events = evs
	cal, err := s.cal(ctx)
	if err != nil {
		return nil, err
	}
	if m.State, err = Replay(cal, m.Category, m.Received, evs); err != nil {
		return nil, errs.Wrap(err, "replay "+m.TrackingNo)
	}
	return m, nil
}

// Get returns a message with its ledger and state.
func (s *Service) Get(ctx context.Context, siteID, id int64) (*Message, error) {
	return s.getIn(ctx, s.DB.R, siteID, id)
}

// ByTracking returns the message for its tracking number and query code
// (the writer's view); a wrong code is ErrNotFound, like a wrong number.
func (s *Service) ByTracking(ctx context.Context, siteID int64, trackingNo, code string) (*Message, error) {
	if s.Sealer == nil {
		return nil, ErrNoKey
	}
	trackingNo = strings.ToUpper(strings.TrimSpace(trackingNo))
	var id int64
	var hash string
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, code_hash FROM messages WHERE site_id = $1 AND tracking_no = $2`, siteID, trackingNo).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && hash != s.codeHash(trackingNo, code)) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err, "message by number")
	}
	return s.Get(ctx, siteID, id)
}
