// Package request is disclosure on request (依申请公开, issue 9): the
// application as received, its append-only clock ledger, the decision rows of
// the annual report, the processing fee, the notices to the applicant and the
// statistics of tables 三 and 四. It follows REFERENCE §1.1, §1.2, §2.3, §2.4
// and §3, citing the article beside each rule. It knows nothing of HTTP.
package request

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// Applicant kinds, channels, forms and deliveries: the API's names.
var (
	ApplicantKinds = []Choice{{"natural_person", "自然人"}, {"organization", "法人或其他组织"}}
	// OrgTypes are the columns of table 三 (REFERENCE §2.3).
	OrgTypes = []Choice{{"commercial", "商业企业"}, {"research", "科研机构"}, {"public_welfare", "社会公益组织"},
		{"legal_service", "法律服务机构"}, {"other", "其他"}}
	IDTypes  = []Choice{{"id_card", "居民身份证"}, {"passport", "护照"}, {"hk_macao_permit", "港澳居民来往内地通行证"}, {"taiwan_permit", "台湾居民来往大陆通行证"}, {"other", "其他身份证明"}}
	Channels = []Choice{{"online", "网上申请"}, {"in_person", "当面提交"}, {"post", "邮寄"}, {"fax", "传真"}}
	Forms    = []Choice{{"paper", "纸质"}, {"electronic", "电子"}}
	// Deliveries: how the applicant gets the answer (条例第二十九条第二款第三项).
	Deliveries = []Choice{{"pickup", "当面领取"}, {"post", "邮寄"}, {"email", "电子邮件"}, {"online", "网上查看"}}
)

// Choice is a code with its Chinese label.
type Choice struct{ Code, Label string }

// LabelOf returns the label of code in cs, or code.
func LabelOf(cs []Choice, code string) string {
	for _, c := range cs {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

func valid(cs []Choice, code string) bool {
	for _, c := range cs {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Field bounds, in characters.
const (
	MaxName        = 100
	MaxIDNumber    = 40
	MaxPhone       = 30
	MaxEmail       = 100
	MaxAddress     = 200
	MaxPerson      = 50
	MaxTitle       = 200
	MaxDocNo       = 100
	MaxDescription = 2000
	MaxNote        = 2000
	MaxReplyPart   = 10000
)

// Applicant is who asks (条例第二十九条第二款第一项: 姓名或者名称、身份证明、联系方式).
type Applicant struct {
	Kind                string
	Name                string
	IDType              string
	IDNumber            string
	OrgType             string
	CreditCode          string
	LegalRepresentative string
	ContactPerson       string
	Phone               string
	Email               string
	Address             string
}

// Masked returns the applicant with personal data masked (internal/secure
// mask.go, GB/T 35273—2020 §7.2): for the applicant's status page and for
// staff who do not handle the request.
func (a Applicant) Masked() Applicant {
	m := a
	if a.Kind == "natural_person" {
		m.Name = secure.MaskName(a.Name)
	}
	m.IDNumber = secure.MaskIDCard(a.IDNumber)
	m.Phone = secure.MaskPhone(a.Phone)
	m.Email = secure.MaskEmail(a.Email)
	m.Address = secure.MaskName(a.Address)
	m.ContactPerson = secure.MaskName(a.ContactPerson)
	return m
}

// Input is an application: from the public form, or registered by staff.
type Input struct {
	Applicant   Applicant
	Title       string // 名称 of the information, if known
	DocNo       string // 文号, if known
	Description string
	Form        string
	Delivery    string
	Channel     string
	// ReceivedOn: staff only, the day the application arrived (for online and
	// fax, the confirmation is a separate ledger event). Zero: today.
	ReceivedOn   calendar.Date
	DepartmentID int64
	// IDCopy is the blob key of the ID copy, with its original name.
	IDCopy, IDCopyName string
}

// Request is a stored application with its ledger.
type Request struct {
	ID           int64
	SiteID       int64
	TrackingNo   string
	Channel      string
	Submitted    calendar.Date
	Applicant    Applicant
	Title        string
	DocNo        string
	Description  string
	Form         string
	Delivery     string
	IDCopy       string
	IDCopyName   string
	DepartmentID int64
	Department   string
	CreatedAt    string
	Erased       bool
	Events       []Event
	Notices      []Notice
	State        *State
}

// Notice is a message to the applicant: kept on the status page, sent by a
// mailer when one is configured (SentAt).
type Notice struct {
	ID        int64
	Kind      string
	Subject   string
	Body      string
	CreatedAt string
	SentAt    string
}

// Calendars gives the working-day calendar in force (calver.Versions).
type Calendars interface {
	Current(ctx context.Context) (*calendar.Calendar, error)
}

// Service stores requests and applies their rules.
type Service struct {
	DB       *store.DB
	Calendar Calendars
	// Sealer encrypts personal data; without one, applications are refused
	// (the key comes from configuration: GONGKAI_DATA_KEY).
	Sealer *secure.Sealer
	Rules  Rules
	Today  func() calendar.Date
	// RetentionYears: personal data is erased this many years after the
	// request closed (Purge); 0 keeps it.
	RetentionYears int
}

// ErrNoKey refuses applications when no data key is configured.
// It is Forbidden, not Internal: the site has not enabled online
// applications, which is configuration, not a fault.
var ErrNoKey = errs.E(errs.Forbidden, "本站尚未开通政府信息公开在线申请（未配置个人信息加密密钥），请通过信函、当面等方式提交申请，或联系网站管理员")

// ErrNotFound is a request that does not exist, or a wrong query code.
var ErrNotFound = errs.E(errs.NotFound, "没有找到该申请：请核对申请编号和查询码")

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

var (
	creditCodeRE = regexp.MustCompile(`^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$`)
	idCardRE     = regexp.MustCompile(`^[0-9]{17}[0-9X]$`)
	phoneRE      = regexp.MustCompile(`^[0-9+\-() ]{5,30}$`)
)

func clean(s string) string { return strings.TrimSpace(s) }

func checkLen(v errs.Validation, field, val string, max int) {
	if utf8.RuneCountInString(val) > max {
		v.Add(field, fmt.Sprintf("不能超过 %d 个字", max))
	}
}

// Validate normalises in and checks it (条例第二十九条: the required contents).
func (in *Input) Validate(staff bool) error {
	a := &in.Applicant
	for _, p := range []*string{&a.Kind, &a.Name, &a.IDType, &a.IDNumber, &a.OrgType, &a.CreditCode, &a.LegalRepresentative,
		&a.ContactPerson, &a.Phone, &a.Email, &a.Address, &in.Title, &in.DocNo, &in.Description, &in.Form, &in.Delivery, &in.Channel} {
		*p = clean(*p)
	}
	a.IDNumber, a.CreditCode = strings.ToUpper(a.IDNumber), strings.ToUpper(a.CreditCode)
	v := errs.Validation{}
	switch a.Kind {
	case "natural_person":
		if a.IDType == "" {
			a.IDType = "id_card"
		}
		if !valid(IDTypes, a.IDType) {
			v.Add("applicant.id_type", "证件类型无效")
		}
		if a.IDNumber == "" {
			v.Add("applicant.id_number", "请填写证件号码（条例第二十九条：申请人的身份证明）")
		} else if a.IDType == "id_card" && !idCardRE.MatchString(a.IDNumber) {
			v.Add("applicant.id_number", "居民身份证号码应为18位，最后一位可以是X")
		}
		for f, val := range map[string]string{"applicant.org_type": a.OrgType, "applicant.credit_code": a.CreditCode, "applicant.legal_representative": a.LegalRepresentative} {
			if val != "" {
				v.Add(f, "自然人申请无需填写此项")
			}
		}
	case "organization":
		if !valid(OrgTypes, a.OrgType) {
			v.Add("applicant.org_type", "请选择组织类型：商业企业、科研机构、社会公益组织、法律服务机构或其他")
		}
		if !creditCodeRE.MatchString(a.CreditCode) {
			v.Add("applicant.credit_code", "统一社会信用代码应为18位数字或大写字母")
		}
		if a.LegalRepresentative == "" {
			v.Add("applicant.legal_representative", "请填写法定代表人或负责人")
		}
		if a.ContactPerson == "" {
			v.Add("applicant.contact_person", "请填写联系人")
		}
		if a.IDType != "" || a.IDNumber != "" {
			if !valid(IDTypes, a.IDType) {
				v.Add("applicant.id_type", "证件类型无效")
			}
		}
	default:
		v.Add("applicant.kind", "请选择申请人类型：自然人（natural_person）或法人或其他组织（organization）")
	}
	if a.Name == "" {
		v.Add("applicant.name", "请填写申请人姓名或名称")
	}
	checkLen(v, "applicant.name", a.Name, MaxName)
	checkLen(v, "applicant.id_number", a.IDNumber, MaxIDNumber)
	checkLen(v, "applicant.legal_representative", a.LegalRepresentative, MaxPerson)
	checkLen(v, "applicant.contact_person", a.ContactPerson, MaxPerson)
	checkLen(v, "applicant.address", a.Address, MaxAddress)
	if a.Phone == "" && a.Email == "" && a.Address == "" {
		v.Add("applicant.phone", "请至少填写一种联系方式：电话、电子邮箱或通信地址（条例第二十九条）")
	}
	if a.Phone != "" && !phoneRE.MatchString(a.Phone) {
		v.Add("applicant.phone", "电话号码只能包含数字、空格和 + - ( )，5 至 30 位")
	}
	if a.Email != "" {
		if utf8.RuneCountInString(a.Email) > MaxEmail {
			v.Add("applicant.email", fmt.Sprintf("不能超过 %d 个字", MaxEmail))
		} else if m, err := mail.ParseAddress(a.Email); err != nil || m.Address != a.Email {
			v.Add("applicant.email", "电子邮箱格式不正确，例如 name@example.com")
		}
	}
	if in.Description == "" && in.Title == "" && in.DocNo == "" {
		v.Add("description", "请填写所需信息的名称、文号或者便于查询的其他特征性描述（条例第二十九条）")
	}
	checkLen(v, "title", in.Title, MaxTitle)
	checkLen(v, "doc_no", in.DocNo, MaxDocNo)
	checkLen(v, "description", in.Description, MaxDescription)
	if !valid(Forms, in.Form) {
		v.Add("form", "请选择信息的提供形式：纸质（paper）或电子（electronic）")
	}
	if !valid(Deliveries, in.Delivery) {
		v.Add("delivery", "请选择获取方式：当面领取（pickup）、邮寄（post）、电子邮件（email）或网上查看（online）")
	}
	if in.Delivery == "email" && a.Email == "" {
		v.Add("applicant.email", "选择电子邮件获取时请填写电子邮箱")
	}
	if in.Delivery == "post" && a.Address == "" {
		v.Add("applicant.address", "选择邮寄获取时请填写通信地址")
	}
	if !staff {
		if in.Channel == "" {
			in.Channel = "online"
		}
		if in.Channel != "online" {
			v.Add("channel", "网上提交的申请渠道只能是 online")
		}
		if !in.ReceivedOn.IsZero() || in.DepartmentID != 0 {
			v.Add("received_on", "收到日期和承办科室只能由工作人员登记")
		}
	} else if !valid(Channels, in.Channel) {
		v.Add("channel", "请选择申请渠道：网上（online）、当面（in_person）、邮寄（post）或传真（fax）")
	}
	return v.Err()
}

// NormalizeCode reads a query code as typed (spaces, lower case).
func NormalizeCode(c string) string { return secure.NormalizeQueryCode(c) }

func (s *Service) codeHash(trackingNo, code string) string {
	return s.Sealer.Blind("request-code:" + trackingNo + ":" + NormalizeCode(code))
}

func (s *Service) blind(a Applicant) string {
	if a.Kind == "organization" {
		return s.Sealer.Blind("org:" + a.CreditCode)
	}
	return s.Sealer.Blind("person:" + a.IDType + ":" + a.IDNumber)
}

// Create stores an application and returns it with its query code, shown
// once to the applicant. actor is nil for the public form; staff register
// paper, post, fax and in-person applications with their receipt date.
func (s *Service) Create(ctx context.Context, siteID int64, actor *auth.User, in Input) (*Request, string, error) {
	if s.Sealer == nil {
		return nil, "", ErrNoKey
	}
	staff := actor != nil
	if err := in.Validate(staff); err != nil {
		return nil, "", err
	}
	today := s.today()
	submitted := today
	if staff && !in.ReceivedOn.IsZero() {
		if in.ReceivedOn.After(today) {
			return nil, "", &errs.Error{Code: errs.Invalid, Message: "收到日期不能晚于今天", Fields: map[string]string{"received_on": "不能晚于今天"}}
		}
		submitted = in.ReceivedOn
	}
	a := in.Applicant
	sealed := map[string]string{}
	for k, v := range map[string]string{"id": a.IDNumber, "phone": a.Phone, "email": a.Email, "address": a.Address} {
		x, err := s.Sealer.Seal(v)
		if err != nil {
			return nil, "", errs.Wrap(err, "seal")
		}
		sealed[k] = x
	}
	code := secure.NewQueryCode(10)
	var id int64
	var tracking string
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if staff && in.DepartmentID != 0 {
			if err := checkDepartment(ctx, tx, siteID, in.DepartmentID); err != nil {
				return err
			}
		}
		if s.DB.Dialect == store.Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7263015)`); err != nil {
				return errs.Wrap(err, "request number lock")
			}
		}
		prefix := fmt.Sprintf("YSQ%d", submitted.Year)
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests WHERE site_id = $1 AND tracking_no LIKE $2`, siteID, prefix+"-%").Scan(&n); err != nil {
			return errs.Wrap(err, "request number")
		}
		tracking = fmt.Sprintf("%s-%05d", prefix, n+1)
		cal, err := s.cal(ctx)
		if err != nil {
			return err
		}
		st := NewState(cal, s.Rules, in.Channel, submitted)
		var by any
		if staff {
			by = actor.ID
		}
		var dept any
		if in.DepartmentID != 0 {
			dept = in.DepartmentID
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO requests (site_id, tracking_no, code_hash, channel, submitted_on, applicant_kind, name, id_type, id_number, id_blind,
			org_type, credit_code, legal_representative, contact_person, phone, email, address, title, doc_no, description, form, delivery, id_copy, id_copy_name,
			department_id, status, received_on, due_on, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30) RETURNING id`,
			siteID, tracking, s.codeHash(tracking, code), in.Channel, submitted.String(), a.Kind, a.Name, a.IDType, sealed["id"], s.blind(a),
			a.OrgType, a.CreditCode, a.LegalRepresentative, a.ContactPerson, sealed["phone"], sealed["email"], sealed["address"], in.Title, in.DocNo,
			in.Description, in.Form, in.Delivery, in.IDCopy, in.IDCopyName, dept, st.Status, dateText(st.Received), dateText(st.DueOn(today)), by, store.Now()).Scan(&id)
		if err != nil {
			return errs.Wrap(err, "insert request")
		}
		if in.DepartmentID != 0 {
			if err := insertEvent(ctx, tx, id, 1, Event{Type: EvAssigned, On: submitted, DepartmentID: in.DepartmentID}, actor); err != nil {
				return err
			}
		}
		body := fmt.Sprintf("您的政府信息公开申请已提交，申请编号 %s。请妥善保存申请编号和查询码，凭其在本网站查询办理进度和答复。", tracking)
		if NeedsConfirmation(in.Channel) {
			body += "通过互联网或传真提交的申请，以双方确认之日为收到申请之日（《中华人民共和国政府信息公开条例》第三十一条），我们确认后将告知您答复期限。"
		} else {
			body += fmt.Sprintf("收到申请之日为 %s，答复期限为 %s（条例第三十一条、第三十三条）。", submitted, st.DueOn(today))
		}
		if err := addNotice(ctx, tx, id, "submitted", "政府信息公开申请回执", body); err != nil {
			return err
		}
		if staff {
			return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "request.register", Target: tracking,
				After: map[string]any{"channel": in.Channel, "received_on": submitted.String(), "department_id": in.DepartmentID}})
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	r, err := s.Get(ctx, siteID, id)
	return r, code, err
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

func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func addNotice(ctx context.Context, tx *sql.Tx, reqID int64, kind, subject, body string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO request_notices (request_id, kind, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)`,
		reqID, kind, subject, body, store.Now())
	return errs.Wrap(err, "insert notice")
}

// eventData is what request_events.data holds.
type eventData struct {
	Days                 int    `json:"days,omitempty"`
	Decision             string `json:"decision,omitempty"`
	Reason               int    `json:"reason,omitempty"`
	DepartmentID         int64  `json:"department_id,omitempty"`
	Note                 string `json:"note,omitempty"`
	Approver             string `json:"approver,omitempty"`
	Amount               int    `json:"amount,omitempty"`
	FeeMethod            string `json:"fee_method,omitempty"`
	Units                int    `json:"units,omitempty"`
	Until                string `json:"until,omitempty"`
	Reply                *Reply `json:"reply,omitempty"`
	Result               string `json:"result,omitempty"`
	AfterReconsideration bool   `json:"after_reconsideration,omitempty"`
	File                 string `json:"file,omitempty"`
	FileName             string `json:"file_name,omitempty"`
	Letter               int    `json:"letter,omitempty"`
}

func insertEvent(ctx context.Context, tx *sql.Tx, reqID int64, seq int, ev Event, actor *auth.User) error {
	d := eventDataOf(ev)
	data, err := json.Marshal(d)
	if err != nil {
		return errs.Wrap(err, "event data")
	}
	var actorID any
	name := "命令行/系统"
	if actor != nil {
		actorID, name = actor.ID, actor.Label()
	} else if ev.ActorName != "" {
		name = ev.ActorName
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO request_events (request_id, seq, type, on_date, data, actor_id, actor_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		reqID, seq, ev.Type, ev.On.String(), string(data), actorID, name, store.Now())
	if store.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "该申请刚被他人更新，请刷新后重试")
	}
	return errs.Wrap(err, "insert event")
}

const requestCols = `r.id, r.site_id, r.tracking_no, r.channel, r.submitted_on, r.applicant_kind, r.name, r.id_type, r.id_number, r.org_type, r.credit_code,
	r.legal_representative, r.contact_person, r.phone, r.email, r.address, r.title, r.doc_no, r.description, r.form, r.delivery, r.id_copy, r.id_copy_name,
	COALESCE(r.department_id, 0), COALESCE(d.name, ''), r.created_at, r.erased_at`

func (s *Service) scan(row interface{ Scan(...any) error }) (*Request, error) {
	r := &Request{}
	a := &r.Applicant
	var submitted, erased string
	if err := row.Scan(&r.ID, &r.SiteID, &r.TrackingNo, &r.Channel, &submitted, &a.Kind, &a.Name, &a.IDType, &a.IDNumber, &a.OrgType, &a.CreditCode,
		&a.LegalRepresentative, &a.ContactPerson, &a.Phone, &a.Email, &a.Address, &r.Title, &r.DocNo, &r.Description, &r.Form, &r.Delivery, &r.IDCopy, &r.IDCopyName,
		&r.DepartmentID, &r.Department, &r.CreatedAt, &erased); err != nil {
		return nil, err
	}
	r.Submitted, r.Erased = calendar.Day(submitted), erased != ""
	if s.Sealer != nil {
		for _, p := range []*string{&a.IDNumber, &a.Phone, &a.Email, &a.Address} {
			v, err := s.Sealer.Open(*p)
			if err != nil {
				v = "（无法解密）"
			}
			*p = v
		}
	} else {
		a.IDNumber, a.Phone, a.Email, a.Address = "", "", "", ""
	}
	return r, nil
}

// Get returns a request with its ledger, notices and state.
func (s *Service) Get(ctx context.Context, siteID, id int64) (*Request, error) {
	row := s.DB.R.QueryRowContext(ctx, `SELECT `+requestCols+` FROM requests r LEFT JOIN departments d ON d.id = r.department_id WHERE r.id = $1 AND r.site_id = $2`, id, siteID)
	r, err := s.scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err, "get request")
	}
	return r, s.load(ctx, s.DB.R, r)
}

// ByTracking returns the request for its tracking number and query code
// (the applicant's view); a wrong code is ErrNotFound, like a wrong number.
func (s *Service) ByTracking(ctx context.Context, siteID int64, trackingNo, code string) (*Request, error) {
	if s.Sealer == nil {
		return nil, ErrNoKey
	}
	trackingNo = strings.ToUpper(strings.TrimSpace(trackingNo))
	var id int64
	var hash string
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, code_hash FROM requests WHERE site_id = $1 AND tracking_no = $2`, siteID, trackingNo).Scan(&id, &hash)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && hash != s.codeHash(trackingNo, code)) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err, "request by number")
	}
	return s.Get(ctx, siteID, id)
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (s *Service) load(ctx context.Context, q querier, r *Request) error {
	evs, err := loadEvents(ctx, q, r.ID)
	if err != nil {
		return err
	}
	r.Events = evs
	rows, err := q.QueryContext(ctx, `SELECT id, kind, subject, body, created_at, sent_at FROM request_notices WHERE request_id = $1 ORDER BY id`, r.ID)
	if err != nil {
		return errs.Wrap(err, "notices")
	}
	defer rows.Close()
	for rows.Next() {
		var n Notice
		if err := rows.Scan(&n.ID, &n.Kind, &n.Subject, &n.Body, &n.CreatedAt, &n.SentAt); err != nil {
			return errs.Wrap(err, "notice")
		}
		r.Notices = append(r.Notices, n)
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "notices")
	}
	cal, err := s.cal(ctx)
	if err != nil {
		return err
	}
	st, err := Replay(cal, s.Rules, r.Channel, r.Submitted, r.Events)
	if err != nil {
		return errs.Wrap(err, "replay "+r.TrackingNo)
	}
	r.State = st
	return nil
}

func loadEvents(ctx context.Context, q querier, id int64) ([]Event, error) {
	var out []Event
	err := scanEvents(ctx, q, `SELECT request_id, seq, type, on_date, data, actor_name, created_at FROM request_events WHERE request_id = $1 ORDER BY seq`,
		[]any{id}, func(_ int64, ev Event) { out = append(out, ev) })
	return out, err
}

// scanEvents runs a ledger query (request_id, seq, type, on_date, data,
// actor_name, created_at) and hands each event to add.
func scanEvents(ctx context.Context, q querier, query string, args []any, add func(int64, Event)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return errs.Wrap(err, "events")
	}
	defer rows.Close()
	for rows.Next() {
		var ev Event
		var id int64
		var on, data string
		if err := rows.Scan(&id, &ev.Seq, &ev.Type, &on, &data, &ev.ActorName, &ev.CreatedAt); err != nil {
			return errs.Wrap(err, "event")
		}
		var d eventData
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return errs.Wrap(err, "event data")
		}
		ev.On = calendar.Day(on)
		ev.Days, ev.Decision, ev.Reason, ev.DepartmentID, ev.Note, ev.Approver = d.Days, d.Decision, d.Reason, d.DepartmentID, d.Note, d.Approver
		ev.Amount, ev.FeeMethod, ev.Units, ev.Until, ev.Result, ev.AfterReconsideration = d.Amount, d.FeeMethod, d.Units, calendar.Day(d.Until), d.Result, d.AfterReconsideration
		ev.File, ev.FileName, ev.Letter = d.File, d.FileName, d.Letter
		if d.Reply != nil {
			ev.Reply = *d.Reply
		}
		add(id, ev)
	}
	return errs.Wrap(rows.Err(), "events")
}

// CanHandle reports whether u handles r: sees its personal data and records
// its steps. The disclosure office and administrators handle every request;
// a department's editors and reviewers the requests assigned to it.
func CanHandle(u *auth.User, r *Request) bool {
	if u == nil || !u.ServesSite(r.SiteID) {
		return false
	}
	switch u.Role {
	case auth.Admin, auth.Office:
		return true
	}
	return r.DepartmentID != 0 && u.DepartmentID == r.DepartmentID
}

// allow says whether u may record an event of typ on r: the office records
// the clock, replies and remedies (条例第四条: the disclosure office handles
// requests); the assigned department drafts and adds notes (seed task 9:
// the department drafts, the office reviews).
func allow(u *auth.User, r *Request, typ string) error {
	if !CanHandle(u, r) {
		return errs.E(errs.Forbidden, "您不能办理该申请：只有政务公开办公室和承办科室可以办理")
	}
	switch u.Role {
	case auth.Admin, auth.Office:
		return nil
	}
	switch typ {
	case EvNote, EvReplyDrafted:
		return nil
	}
	return errs.E(errs.Forbidden, "承办科室只能拟稿和添加备注；该步骤由政务公开办公室登记")
}

// Allowed lists the event types u may record on r.
func Allowed(u *auth.User, r *Request) map[string]bool {
	m := map[string]bool{}
	for _, e := range EventTypes {
		if allow(u, r, e.Type) == nil {
			m[e.Type] = true
		}
	}
	return m
}

// AddEvent appends ev to the ledger of request id after checking it against
// the state, updates the derived columns, adds the applicant's notice and
// audits the step, all in one transaction.
func (s *Service) AddEvent(ctx context.Context, actor *auth.User, siteID, id int64, ev Event) (*Request, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "请先登录")
	}
	ev.Note, ev.Approver = clean(ev.Note), clean(ev.Approver)
	v := errs.Validation{}
	checkLen(v, "note", ev.Note, MaxNote)
	checkLen(v, "approver", ev.Approver, MaxPerson)
	for f, p := range map[string]string{"reply.investigation": ev.Reply.Investigation, "reply.answer": ev.Reply.Answer, "reply.policy": ev.Reply.Policy, "reply.law": ev.Reply.Law} {
		checkLen(v, f, p, MaxReplyPart)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if ev.Type == EvExtended && ev.Approver == "" {
		// The recording staff member is the approver unless another is named.
		ev.Approver = actor.Label()
	}
	today := s.today()
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, `SELECT `+requestCols+` FROM requests r LEFT JOIN departments d ON d.id = r.department_id WHERE r.id = $1 AND r.site_id = $2`, id, siteID)
		r, err := s.scan(row)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return errs.Wrap(err, "request")
		}
		if err := allow(actor, r, ev.Type); err != nil {
			return err
		}
		if ev.DepartmentID != 0 {
			if err := checkDepartment(ctx, tx, siteID, ev.DepartmentID); err != nil {
				return err
			}
		}
		if err := s.load(ctx, tx, r); err != nil {
			return err
		}
		st := r.State
		ev.Seq = len(r.Events) + 1
		if err := st.Apply(ev, today); err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, r.ID, len(r.Events)+1, ev, actor); err != nil {
			return err
		}
		var dept any
		if st.DepartmentID != 0 {
			dept = st.DepartmentID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = $1, received_on = $2, due_on = $3, closed_on = $4, result = $5, department_id = $6 WHERE id = $7`,
			st.Status, dateText(st.Received), dateText(st.DueOn(today)), dateText(st.Closed), st.Result, dept, r.ID); err != nil {
			return errs.Wrap(err, "update request")
		}
		if subject, body := noticeFor(st, ev, today); subject != "" {
			if err := addNotice(ctx, tx, r.ID, ev.Type, subject, body); err != nil {
				return err
			}
		}
		after := map[string]any{"type": ev.Type, "on": ev.On.String(), "status": st.Status}
		if ev.Decision != "" {
			after["decision"] = ev.Decision
			after["reason"] = ev.Reason
		}
		if ev.DepartmentID != 0 {
			after["department_id"] = ev.DepartmentID
		}
		if ev.Letter != 0 {
			after["letter"] = ev.Letter
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "request." + ev.Type, Target: r.TrackingNo, After: after})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, siteID, id)
}

// noticeFor is the applicant's notice for an event, if it has one.
func noticeFor(st *State, ev Event, today calendar.Date) (subject, body string) {
	due := st.DueOn(today)
	switch ev.Type {
	case EvConfirmed:
		return "确认收到申请", fmt.Sprintf("我们已于 %s 确认收到您的申请（条例第三十一条），答复期限至 %s（条例第三十三条：20个工作日）。", ev.On, due)
	case EvCorrectionRequested:
		b := fmt.Sprintf("您的申请内容不够明确，请补正（条例第三十条）。需要补正的事项：%s。", ev.Note)
		if !ev.Until.IsZero() {
			b += fmt.Sprintf("补正期限至 %s。", ev.Until)
		}
		return "补正申请告知", b + "答复期限自收到补正的申请之日起计算；无正当理由逾期不补正的，视为放弃申请。"
	case EvCorrectionReceived:
		return "收到补正", fmt.Sprintf("我们已于 %s 收到您补正的申请，答复期限自该日起重新计算，至 %s（条例第三十条）。", ev.On, due)
	case EvCorrectionLapsed:
		return "逾期未补正，不再处理", "您未在补正期限内补正申请，视为放弃申请，本机关不再处理该政府信息公开申请（条例第三十条）。"
	case EvConsultationStarted:
		return "征求意见告知", "您申请的信息需要征求第三方或者其他机关的意见，征求意见所需时间不计算在答复期限内（条例第三十二条、第三十三条第三款）。"
	case EvExtended:
		return "延长答复期限告知", fmt.Sprintf("经政府信息公开工作机构负责人同意，答复期限延长%d个工作日，至 %s（条例第三十三条第二款）。", ev.Days, due)
	case EvFeeNotified:
		return "信息处理费收费通知", fmt.Sprintf("您的申请数量或频次超出合理范围，依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）按%s收取信息处理费 %d 元（计量 %d）。请自收到本通知次日起20个工作日内缴纳，逾期未缴纳的视为放弃申请。", feeMethodLabel(ev.FeeMethod), ev.Amount, ev.Units)
	case EvFeeLapsed:
		return "逾期未缴费，不再处理", "您未在期限内缴纳信息处理费，视为放弃申请，本机关不再处理该政府信息公开申请。"
	case EvReplied:
		d, _ := DecisionOf(ev.Decision, ev.Reason)
		b := "答复结果：" + d.Title() + "。"
		for _, p := range []struct{ label, text string }{{"调查结果", ev.Reply.Investigation}, {"答复内容", ev.Reply.Answer}, {"政策依据", ev.Reply.Policy}, {"适用法律", ev.Reply.Law}} {
			if p.text != "" {
				b += p.label + "：" + p.text + "\n"
			}
		}
		b += "法律依据：" + d.Basis + "\n如对本答复不服，可以自收到本答复之日起60日内依法申请行政复议，或者自收到之日起6个月内依法提起行政诉讼（条例第五十一条）。"
		return "政府信息公开申请答复", b
	case EvDeadlineSet:
		return "确定答复期限告知", fmt.Sprintf("您申请公开政府信息的数量、频次明显超过合理范围，本机关无法在法定期限内答复，现确定答复期限至 %s（条例第三十五条）。", ev.Until)
	case EvDelivered:
		return "答复已送达", fmt.Sprintf("答复已于 %s 送达。", ev.On)
	}
	return "", ""
}

// Filter selects requests for the desk.
type Filter struct {
	Open         bool  // only requests not yet answered or closed
	DepartmentID int64 // 0: all
	Year         int   // received (or submitted) in the year; 0: any
	// ClosedSince, when set, keeps the open requests and those closed on
	// or after it (the self-inspection's look-back), not every request ever.
	ClosedSince calendar.Date
	// Before and Limit page the list newest first: requests with an id
	// below Before (0: from the newest), at most Limit of them (0: all).
	// A paged list keeps that order instead of the desk's due-date order.
	Before int64
	Limit  int
}

// List returns requests with their ledger and state (not their notices),
// the open ones by due date (overdue and due soon first), then the rest
// newest first; a paged list (Limit set) stays newest first. The ledgers
// are read in one query per 500 requests, never one per request.
func (s *Service) List(ctx context.Context, siteID int64, f Filter) ([]*Request, error) {
	q := `SELECT ` + requestCols + ` FROM requests r LEFT JOIN departments d ON d.id = r.department_id WHERE r.site_id = $1`
	args := []any{siteID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Open {
		q += ` AND r.closed_on = ''`
	}
	if !f.ClosedSince.IsZero() {
		q += ` AND (r.closed_on = '' OR r.closed_on >= ` + arg(f.ClosedSince.String()) + `)`
	}
	if f.DepartmentID != 0 {
		q += ` AND r.department_id = ` + arg(f.DepartmentID)
	}
	if f.Year != 0 {
		q += ` AND r.submitted_on LIKE ` + arg(fmt.Sprintf("%04d-", f.Year)+"%")
	}
	if f.Before > 0 {
		q += ` AND r.id < ` + arg(f.Before)
	}
	q += ` ORDER BY r.id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(f.Limit)
	}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list requests")
	}
	var out []*Request
	for rows.Next() {
		r, err := s.scan(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan request")
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "list requests")
	}
	if err := s.loadLedgers(ctx, out); err != nil {
		return nil, err
	}
	if f.Limit == 0 {
		SortByDue(out, s.today())
	}
	return out, nil
}

// loadLedgers reads the ledgers of rs, 500 requests per query, and replays
// each into its state.
func (s *Service) loadLedgers(ctx context.Context, rs []*Request) error {
	if len(rs) == 0 {
		return nil
	}
	cal, err := s.cal(ctx)
	if err != nil {
		return err
	}
	byID := make(map[int64]*Request, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
		r.Events = nil
	}
	for chunk := range slices.Chunk(rs, 500) {
		ids := make([]string, len(chunk))
		for i, r := range chunk {
			ids[i] = strconv.FormatInt(r.ID, 10)
		}
		// The ids are integers from our own rows, not input.
		err := scanEvents(ctx, s.DB.R, `SELECT request_id, seq, type, on_date, data, actor_name, created_at FROM request_events WHERE request_id IN (`+strings.Join(ids, ",")+`) ORDER BY request_id, seq`,
			nil, func(id int64, ev Event) { byID[id].Events = append(byID[id].Events, ev) })
		if err != nil {
			return err
		}
	}
	for _, r := range rs {
		st, err := Replay(cal, s.Rules, r.Channel, r.Submitted, r.Events)
		if err != nil {
			return errs.Wrap(err, "replay "+r.TrackingNo)
		}
		r.State = st
	}
	return nil
}

// DepartmentStat is the desk's count per department: every request of the
// scope, and how many are closed (the open ones' urgencies come from the
// open list, which the desk holds anyway).
type DepartmentStat struct {
	DepartmentID  int64
	Department    string
	Total, Closed int
}

// CountByDepartment counts a site's requests per department in one
// GROUP BY (dept 0: every department).
func (s *Service) CountByDepartment(ctx context.Context, siteID, dept int64) ([]DepartmentStat, error) {
	q := `SELECT COALESCE(r.department_id, 0), COALESCE(d.name, ''), COUNT(*), SUM(CASE WHEN r.closed_on <> '' THEN 1 ELSE 0 END)
		FROM requests r LEFT JOIN departments d ON d.id = r.department_id WHERE r.site_id = $1`
	args := []any{siteID}
	if dept != 0 {
		q += ` AND r.department_id = $2`
		args = append(args, dept)
	}
	q += ` GROUP BY COALESCE(r.department_id, 0), COALESCE(d.name, '') ORDER BY COALESCE(d.name, '')`
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "count requests")
	}
	defer rows.Close()
	var out []DepartmentStat
	for rows.Next() {
		var d DepartmentStat
		if err := rows.Scan(&d.DepartmentID, &d.Department, &d.Total, &d.Closed); err != nil {
			return nil, errs.Wrap(err, "count requests")
		}
		out = append(out, d)
	}
	return out, errs.Wrap(rows.Err(), "count requests")
}
