package request

import (
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/letter"
	"gongkai/internal/request"
	"gongkai/internal/web"
)

// deskRow is one request in the desk's list.
type deskRow struct {
	R       *request.Request
	Name    string
	Status  string
	Due     string
	Left    int
	Urgency string
}

type deptRow struct {
	Name                               string
	Open, Overdue, Soon, Closed, Total int
}

type deskPage struct {
	web.AdminPage
	Rows    []deskRow
	Depts   []deptRow
	All     bool
	CanDesk bool
	// Next and First link the pages of the 全部申请 view.
	Next, First string
}

var urgencyLabels = map[string]string{"overdue": "已逾期", "soon": "即将到期", "ok": "办理中", "waiting": "暂停或待确认", "closed": "已办结"}

// UrgencyLabel names an urgency class.
func (p *deskPage) UrgencyLabel(u string) string { return urgencyLabels[u] }

// deskFilter limits editors and reviewers to their department's requests.
func deskFilter(u *auth.User) (request.Filter, bool) {
	switch u.Role {
	case auth.Admin, auth.Office:
		return request.Filter{}, true
	}
	if u.DepartmentID == 0 {
		return request.Filter{}, false
	}
	return request.Filter{DepartmentID: u.DepartmentID}, true
}

// deskPageSize is the length of a page of the 全部申请 view.
const deskPageSize = 50

func (s *Feature) desk(w http.ResponseWriter, r *http.Request) {
	p := &deskPage{AdminPage: s.AdminPage(r, "依申请公开")}
	f, ok := deskFilter(p.User)
	if !ok {
		s.AdminError(w, r, errs.E(errs.Forbidden, "您没有所属科室，不能查看政府信息公开申请"))
		return
	}
	q := r.URL.Query()
	p.All = q.Get("all") == "1"
	p.CanDesk = p.User.CanPublish()
	ctx := r.Context()
	// The open requests: the default view, and the urgencies of the
	// statistics (they are few: closing is the desk's job).
	f.Open = true
	open, err := s.Requests.List(ctx, p.Site.ID, f)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	rows := open
	if p.All {
		// Every request, newest first, one page at a time.
		before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
		f.Open, f.Before, f.Limit = false, before, deskPageSize+1
		if rows, err = s.Requests.List(ctx, p.Site.ID, f); err != nil {
			s.AdminError(w, r, err)
			return
		}
		if before > 0 {
			p.First = "/admin/requests?all=1"
		}
		if len(rows) > deskPageSize {
			rows = rows[:deskPageSize]
			p.Next = "/admin/requests?all=1&before=" + strconv.FormatInt(rows[len(rows)-1].ID, 10)
		}
	}
	today := s.today()
	for _, x := range rows {
		p.Rows = append(p.Rows, deskRow{R: x, Name: x.Applicant.Masked().Name, Status: request.StatusLabels[x.State.Status],
			Due: dateText(x.State.DueOn(today)), Left: x.State.Left(today), Urgency: x.Urgency(today)})
	}
	// Statistics per department over the desk's scope: totals by GROUP BY,
	// urgencies from the open list.
	counts, err := s.Requests.CountByDepartment(ctx, p.Site.ID, f.DepartmentID)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	urgent := map[int64]*deptRow{}
	for _, x := range open {
		d := urgent[x.DepartmentID]
		if d == nil {
			d = &deptRow{}
			urgent[x.DepartmentID] = d
		}
		switch x.Urgency(today) {
		case "overdue":
			d.Overdue++
		case "soon":
			d.Soon++
		}
	}
	for _, c := range counts {
		d := deptRow{Name: c.Department, Total: c.Total, Closed: c.Closed, Open: c.Total - c.Closed}
		if c.DepartmentID == 0 {
			d.Name = "（未分办）"
		}
		if u := urgent[c.DepartmentID]; u != nil {
			d.Overdue, d.Soon = u.Overdue, u.Soon
		}
		p.Depts = append(p.Depts, d)
	}
	s.Render(w, r, http.StatusOK, "admin/requests", p)
}

type detailPage struct {
	// Replied: the ledger holds a reply, so its 告知书 can be produced.
	Replied bool
	web.AdminPage
	R         *request.Request
	Applicant request.Applicant
	Full      bool
	Code      string
	Due       calendar.Date
	Used      int
	Left      int
	Explain   calendar.Explanation
	Actions   []action
	Depts     []catalog.Department
	DeptNames map[int64]string
	Decisions []request.Decision
	Results   []request.Choice
	Today     string
	Draft     *request.Event
	DraftDec  request.Decision
	// DraftLetter is the reply letter of the draft (HTML), or why it
	// cannot be produced yet.
	DraftLetter    template.HTML
	DraftLetterErr string
	Form           url.Values
	// MonthRank is the request's rank among the applicant's requests of
	// its month (the per-request fee's count).
	MonthRank int
}

type action struct {
	Type, Label, Basis string
}

// HasLetter and LetterName: the steps with a notice letter (letter.go).
func (p *detailPage) HasLetter(t string) bool    { return HasLetter(t) }
func (p *detailPage) LetterName(t string) string { return letterKinds[t] }

// SentOn is the review-and-send step of step seq's letter (nil: not yet).
func (p *detailPage) SentOn(seq int) *request.Event { return sentEvent(p.R, seq) }

// Label helpers for the template.
func (p *detailPage) EventLabel(t string) string  { i, _ := request.InfoOf(t); return i.Label }
func (p *detailPage) EventBasis(t string) string  { i, _ := request.InfoOf(t); return i.Basis }
func (p *detailPage) StatusLabel(t string) string { return request.StatusLabels[t] }
func (p *detailPage) DecisionTitle(kind string, reason int) string {
	d, err := request.DecisionOf(kind, reason)
	if err != nil {
		return ""
	}
	return d.Title()
}
func (p *detailPage) DecisionTitleCode(code string) string {
	d, _ := request.DecisionByCode(code)
	return d.Title()
}
func (p *detailPage) ChannelLabel(c string) string { return request.LabelOf(request.Channels, c) }
func (p *detailPage) FormLabel(c string) string    { return request.LabelOf(request.Forms, c) }
func (p *detailPage) DeliveryLabel(c string) string {
	return request.LabelOf(request.Deliveries, c)
}
func (p *detailPage) OrgTypeLabel(c string) string { return request.LabelOf(request.OrgTypes, c) }

// next lists the steps that fit a status (the ledger refuses the rest anyway).
func next(st *request.State) []string {
	switch st.Status {
	case request.StAwaitingConfirmation:
		return []string{request.EvConfirmed, request.EvAssigned, request.EvTransferred, request.EvNote}
	case request.StProcessing:
		return []string{request.EvReplyDrafted, request.EvReplied, request.EvCorrectionRequested, request.EvConsultationStarted,
			request.EvExtended, request.EvFeeNotified, request.EvDeadlineSet, request.EvAssigned, request.EvTransferred, request.EvNote}
	case request.StAwaitingCorrection:
		return []string{request.EvCorrectionReceived, request.EvCorrectionLapsed, request.EvNote}
	case request.StConsulting:
		return []string{request.EvConsultationEnded, request.EvReplyDrafted, request.EvNote}
	case request.StAwaitingFee:
		return []string{request.EvFeePaid, request.EvFeeLapsed, request.EvNote}
	}
	return []string{request.EvDelivered, request.EvReconsiderationFiled, request.EvReconsiderationDone, request.EvLawsuitFiled, request.EvLawsuitDone, request.EvNote}
}

func (s *Feature) loadDetail(r *http.Request) (*detailPage, error) {
	p := &detailPage{AdminPage: s.AdminPage(r, "政府信息公开申请")}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	req, err := s.Requests.Get(r.Context(), p.Site.ID, id)
	if err != nil {
		return nil, err
	}
	if !request.CanHandle(p.User, req) {
		return nil, errs.E(errs.Forbidden, "您不能查看该申请：只有政务公开办公室和承办科室可以查看")
	}
	today := s.today()
	p.R, p.Full, p.Title = req, true, "申请 "+req.TrackingNo
	_, _, p.Replied = req.ReplyOf()
	p.Applicant = req.Applicant
	p.Due, p.Used, p.Left, p.Explain = req.State.DueOn(today), req.State.Used(today), req.State.Left(today), req.State.Explain(today)
	p.Today = today.String()
	allowed := request.Allowed(p.User, req)
	for _, t := range next(req.State) {
		if allowed[t] {
			info, _ := request.InfoOf(t)
			p.Actions = append(p.Actions, action{Type: t, Label: info.Label, Basis: info.Basis})
		}
	}
	if p.Depts, err = s.Catalog.Departments(r.Context(), p.Site.ID); err != nil {
		return nil, err
	}
	p.DeptNames = map[int64]string{}
	for _, d := range p.Depts {
		p.DeptNames[d.ID] = d.Name
	}
	for _, d := range request.Decisions {
		if !d.ByEvent {
			p.Decisions = append(p.Decisions, d)
		}
	}
	p.Results = []request.Choice{{Code: "upheld", Label: "结果维持"}, {Code: "corrected", Label: "结果纠正"}, {Code: "other", Label: "其他结果"}}
	if d := req.State.Draft; d != nil {
		p.Draft = d
		p.DraftDec, _ = request.DecisionOf(d.Decision, d.Reason)
		// The letter the draft would produce, for the office to review
		// before approving it; a letter that cannot be produced says why.
		if ev, err := draftStep(req, today); err == nil {
			if l, _, err := s.letterOf(r.Context(), p.Site, req, ev); err != nil {
				p.DraftLetterErr = errs.MessageOf(err)
			} else if h, err := letter.HTML(l); err != nil {
				p.DraftLetterErr = errs.MessageOf(err)
			} else {
				p.DraftLetter = h
			}
		}
	}
	p.Form = url.Values{}
	if p.MonthRank, err = s.Requests.MonthRank(r.Context(), req); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Feature) detail(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadDetail(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/request", p)
}

// eventFromForm reads a step from the desk's forms.
func (s *Feature) eventFromForm(r *http.Request, siteID int64) (request.Event, error) {
	g := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	v := errs.Validation{}
	num := func(k string) int {
		if g(k) == "" {
			return 0
		}
		n, err := strconv.Atoi(g(k))
		if err != nil || n < 0 || n > 1_000_000 {
			v.Add(k, "应为非负整数")
		}
		return n
	}
	date := func(k string) calendar.Date {
		if g(k) == "" {
			return calendar.Date{}
		}
		d, err := calendar.Parse(g(k))
		if err != nil {
			v.Add(k, "日期应为 YYYY-MM-DD")
		}
		return d
	}
	ev := request.Event{Type: g("type"), On: date("on"), Days: num("days"), Note: g("note"), Approver: g("approver"),
		FeeMethod: g("fee_method"), Units: num("units"), Amount: num("amount"), Until: date("until"), Result: g("result"),
		AfterReconsideration: g("after_reconsideration") == "1", Letter: num("letter"),
		Reply: request.Reply{Investigation: g("investigation"), Answer: g("answer"), Policy: g("policy"), Law: g("law")}}
	if ev.On.IsZero() {
		ev.On = s.today()
	}
	if c := g("decision"); c != "" {
		d, ok := request.DecisionByCode(c)
		if !ok {
			v.Add("decision", "请选择答复类型")
		}
		ev.Decision, ev.Reason = d.Kind, d.Reason
	}
	if ev.Type == request.EvLetterSent && g("reviewed") != "1" {
		// The desk's review step: the office confirms it has read the letter.
		v.Add("reviewed", "请先核对告知书的文号、申请人、答复内容、法律依据和救济途径，再勾选“已核对”")
	}
	if ev.Type == request.EvFeeNotified && g("amount") == "" {
		// The fee follows from the method and the count (109号); the ledger checks it.
		if ev.FeeMethod == request.FeePerPage {
			ev.Amount = request.FeeForPages(ev.Units)
		} else {
			ev.Amount = request.FeeForRequest(ev.Units)
		}
	}
	if d := g("department"); d != "" {
		id, err := strconv.ParseInt(d, 10, 64)
		if err != nil {
			v.Add("department", "请选择科室")
		}
		ev.DepartmentID = id
	}
	return ev, v.Err()
}

func (s *Feature) addEvent(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadDetail(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	limit := s.Opts.MaxUpload
	if limit <= 0 {
		limit = 10 << 20
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+256<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.AdminError(w, r, errs.E(errs.Invalid, "提交的内容过大或无法读取"))
		return
	}
	ev, err := s.eventFromForm(r, p.Site.ID)
	if f, h, ferr := r.FormFile("file"); err == nil && ferr == nil {
		defer f.Close()
		if ev.Type != request.EvReplied {
			err = &errs.Error{Code: errs.Invalid, Message: "只有答复可以附带文件", Fields: map[string]string{"file": "只有答复可以附带文件"}}
		} else if b, perr := s.Blobs.Put(r.Context(), f, h.Filename, limit); perr != nil {
			err = &errs.Error{Code: errs.Invalid, Message: errs.MessageOf(perr), Fields: map[string]string{"file": errs.MessageOf(perr)}}
		} else {
			ev.File, ev.FileName = b.Key, h.Filename
		}
	}
	if err == nil {
		_, err = s.Requests.AddEvent(r.Context(), p.User, p.Site.ID, p.R.ID, ev)
	}
	if err != nil {
		s.LogErr(r, err)
		p.Fail(err)
		p.Form = r.PostForm
		s.Render(w, r, web.StatusOf(err), "admin/request", p)
		return
	}
	flash := "request_step"
	if ev.Type == request.EvLetterSent {
		flash = "request_letter_sent"
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/requests/%d?done=%s", p.R.ID, flash), http.StatusSeeOther)
}

type registerPage struct {
	web.AdminPage
	Form       formValues
	Channel    string
	ReceivedOn string
	DeptID     int64
	Depts      []catalog.Department
	Kinds      []request.Choice
	OrgTypes   []request.Choice
	IDTypes    []request.Choice
	Forms      []request.Choice
	Deliveries []request.Choice
	Channels   []request.Choice
}

// F describes a field of the registration form.
func (p *registerPage) F(name, label, value string, max int) fieldView {
	return fieldView{Name: name, Label: label, Value: value, Err: p.Errors[name], Max: max}
}

func (s *Feature) newRegisterPage(r *http.Request) (*registerPage, error) {
	p := &registerPage{AdminPage: s.AdminPage(r, "登记政府信息公开申请"), Kinds: request.ApplicantKinds, OrgTypes: request.OrgTypes,
		IDTypes: request.IDTypes, Forms: request.Forms, Deliveries: request.Deliveries, Channels: request.Channels,
		Form: formValues{Kind: "natural_person", IDType: "id_card", Form: "paper", Delivery: "post"}, Channel: "in_person", ReceivedOn: s.today().String()}
	if !p.User.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以登记申请")
	}
	var err error
	p.Depts, err = s.Catalog.Departments(r.Context(), p.Site.ID)
	return p, err
}

func (s *Feature) registerForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.newRegisterPage(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/request_new", p)
}

func (s *Feature) register(w http.ResponseWriter, r *http.Request) {
	p, err := s.newRegisterPage(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.AdminError(w, r, errs.E(errs.Invalid, "请求无效"))
		return
	}
	p.Form = readFormValues(r)
	p.Channel, p.ReceivedOn = r.PostFormValue("channel"), strings.TrimSpace(r.PostFormValue("received_on"))
	p.DeptID, _ = strconv.ParseInt(r.PostFormValue("department"), 10, 64)
	in := p.Form.input()
	in.Channel, in.DepartmentID = p.Channel, p.DeptID
	if in.ReceivedOn, err = calendar.Parse(p.ReceivedOn); err != nil {
		err = &errs.Error{Code: errs.Invalid, Message: "收到日期应为 YYYY-MM-DD", Fields: map[string]string{"received_on": "日期应为 YYYY-MM-DD"}}
	}
	var req *request.Request
	var code string
	if err == nil {
		req, code, err = s.Requests.Create(r.Context(), p.Site.ID, p.User, in)
	}
	if err != nil {
		s.LogErr(r, err)
		p.Error, p.Errors = errs.MessageOf(err), formErrors(err)
		s.Render(w, r, web.StatusOf(err), "admin/request_new", p)
		return
	}
	r.SetPathValue("id", strconv.FormatInt(req.ID, 10))
	d, err := s.loadDetail(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	d.Code = code
	s.Render(w, r, http.StatusCreated, "admin/request", d)
}

func (s *Feature) idCopy(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadDetail(r)
	if err == nil && p.R.IDCopy == "" {
		err = errs.E(errs.NotFound, "该申请没有身份证明复印件")
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	f, err := s.Blobs.Open(p.R.IDCopy)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(p.R.IDCopyName))
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, "", parseTime(p.R.CreatedAt), f)
}

type statsPage struct {
	web.AdminPage
	Year    int
	Rows    []request.Row
	Columns []request.Choice
	T3      *request.Table3
	T4      *request.Table4
	Groups  []request.Choice
	Results []request.Choice
	// Cell: the drill-down.
	Row, Col string
	Refs     []request.Ref // the page of them shown
	Label    string
	Pager    *web.Pager
}

// cellPerPage is how many requests a drill-down page lists: a busy bureau's
// 本年新收 cell holds thousands.
const cellPerPage = 200

// Prev and Next are the drill-down's neighbouring page numbers (0: none).
func (p *statsPage) Prev() int {
	if p.Pager == nil || p.Pager.Page <= 1 {
		return 0
	}
	return p.Pager.Page - 1
}

func (p *statsPage) Next() int {
	if p.Pager == nil || p.Pager.Page >= p.Pager.Pages {
		return 0
	}
	return p.Pager.Page + 1
}

// N is a number of table 三.
func (p *statsPage) N(row, col string) int { return p.T3.Count(row, col) }

// M is a number of table 四.
func (p *statsPage) M(group, res string) int { return p.T4.Count(group, res) }

func (s *Feature) loadStats(r *http.Request) (*statsPage, error) {
	p := &statsPage{AdminPage: s.AdminPage(r, "依申请公开统计"), Rows: request.Rows(), Columns: request.Columns,
		Groups: request.Table4Groups, Results: request.Table4Results}
	if !p.User.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室和系统管理员可以查看年度统计")
	}
	p.Year = s.today().Year
	if y := r.URL.Query().Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return nil, errs.E(errs.Invalid, "年份应为四位数字")
		}
		p.Year = n
	}
	var err error
	if p.T3, err = s.Requests.Stats(r.Context(), p.Site.ID, p.Year); err != nil {
		return nil, err
	}
	if p.T4, err = s.Requests.Remedies(r.Context(), p.Site.ID, p.Year); err != nil {
		return nil, err
	}
	p.Title = fmt.Sprintf("%d年依申请公开统计", p.Year)
	return p, nil
}

func (s *Feature) stats(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadStats(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/request_stats", p)
}

// cell lists the requests behind one number.
func (s *Feature) cell(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadStats(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	q := r.URL.Query()
	p.Row, p.Col = q.Get("row"), q.Get("col")
	if g, ok := p.T4.Cells[p.Row]; ok {
		p.Refs, p.Label = g[p.Col], request.LabelOf(request.Table4Groups, p.Row)+" · "+request.LabelOf(request.Table4Results, p.Col)
	} else if c, ok := p.T3.Cells[p.Row]; ok {
		p.Refs = c[p.Col]
		for _, row := range p.Rows {
			if row.Key == p.Row {
				p.Label = row.Label + " · " + request.LabelOf(request.Columns, p.Col)
			}
		}
	} else {
		s.AdminError(w, r, errs.E(errs.NotFound, "统计表中没有这一项"))
		return
	}
	total := len(p.Refs)
	page := web.PageNumber(r, max(1, (total+cellPerPage-1)/cellPerPage))
	p.Pager = web.NewPager(page, total, cellPerPage)
	p.Refs = p.Refs[(page-1)*cellPerPage : min(total, page*cellPerPage)]
	s.Render(w, r, http.StatusOK, "admin/request_cell", p)
}

// statsCSV exports tables 三 and 四 (UTF-8 with BOM, for spreadsheet programs).
func (s *Feature) statsCSV(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadStats(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"requests-%d.csv\"", p.Year))
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	head := []string{"三、收到和处理政府信息公开申请情况"}
	for _, c := range p.Columns {
		head = append(head, c.Label)
	}
	cw.Write(head)
	for _, row := range p.Rows {
		line := []string{row.Label}
		for _, c := range p.Columns {
			line = append(line, strconv.Itoa(p.N(row.Key, c.Code)))
		}
		cw.Write(line)
	}
	cw.Write(nil)
	head = []string{"四、政府信息公开行政复议、行政诉讼情况"}
	for _, res := range p.Results {
		head = append(head, res.Label)
	}
	cw.Write(head)
	for _, g := range p.Groups {
		line := []string{g.Label}
		for _, res := range p.Results {
			line = append(line, strconv.Itoa(p.M(g.Code, res.Code)))
		}
		cw.Write(line)
	}
	cw.Flush()
}
