package request

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/letter"
	"gongkai/internal/request"
)

// letterKinds name the notice letter (告知书) of each step of
// request.LetterSteps, as the file name and the pages say it. The reply's
// letter follows its decision row; the others are procedural notices.
var letterKinds = map[string]string{
	request.EvReplied:             "答复告知书",
	request.EvCorrectionRequested: "补正告知书",
	request.EvExtended:            "延期答复告知书",
	request.EvConsultationStarted: "征求第三方意见书",
	request.EvFeeNotified:         "收费通知书",
}

// HasLetter reports whether a ledger step has a notice letter.
func HasLetter(typ string) bool { return request.LetterSteps[typ] }

// ToApplicant reports whether a step's letter is addressed to the
// applicant, who may read it once sent: not the consultation letter, which
// goes to the third party (条例第三十二条) and names it.
func ToApplicant(typ string) bool { return HasLetter(typ) && typ != request.EvConsultationStarted }

// letterStep finds the ledger step seq of req that has a letter (seq 0:
// the reply).
func letterStep(req *request.Request, seq int) (*request.Event, error) {
	if seq == 0 {
		if e, _, ok := req.ReplyOf(); ok {
			return e, nil
		}
		return nil, errs.E(errs.NotFound, "该申请尚未答复，没有答复告知书")
	}
	for i := range req.Events {
		if req.Events[i].Seq == seq && HasLetter(req.Events[i].Type) {
			return &req.Events[i], nil
		}
	}
	return nil, errs.E(errs.NotFound, "该办理步骤没有告知书")
}

// draftStep is the reply letter the pending draft would produce if the
// office approved it on day: what the office reviews before replying.
func draftStep(req *request.Request, day calendar.Date) (*request.Event, error) {
	d := req.State.Draft
	if d == nil {
		return nil, errs.E(errs.NotFound, "该申请没有待审核的答复稿")
	}
	ev := *d
	ev.Type, ev.On, ev.Seq = request.EvReplied, day, 0
	return &ev, nil
}

// letterFor composes the numbered notice letter of the ledger step seq of
// req (seq 0: the reply).
func (s *Feature) letterFor(ctx context.Context, site *catalog.Site, req *request.Request, seq int) (letter.Letter, string, error) {
	ev, err := letterStep(req, seq)
	if err != nil {
		return letter.Letter{}, "", err
	}
	return s.letterOf(ctx, site, req, ev)
}

// letterOf composes the letter of step ev from the ledger and the site's
// settings (agency, 复议机关, court, remedy periods, 代字). Nothing in it is
// typed twice: the decision row and its legal basis, the correction's items
// and period, the extension's days and new due date, the consulted party
// and its 15 working days, the fee and its scale all come from the step.
func (s *Feature) letterOf(ctx context.Context, site *catalog.Site, req *request.Request, ev *request.Event) (letter.Letter, string, error) {
	st := site.Settings
	prefix := st.LetterPrefix
	if prefix == "" {
		prefix = "依申请公开"
	}
	// The letter's sequence is the request's own (YSQ2025-00012 → 第12号);
	// a procedural notice adds its step (第12-3号), so every letter of a
	// request has its own number.
	n := 0
	if _, tail, ok := strings.Cut(req.TrackingNo, "-"); ok {
		n, _ = strconv.Atoi(strings.TrimLeft(tail, "0"))
	}
	number := letter.FormatNumber(prefix, ev.On.Year, n)
	if ev.Type != request.EvReplied {
		number = strings.TrimSuffix(number, "号") + "-" + strconv.Itoa(ev.Seq) + "号"
	}
	summary := req.Title
	if summary == "" {
		summary = req.Description
	} else if req.DocNo != "" {
		summary += "（" + req.DocNo + "）"
	}
	l := letter.Letter{Number: number, Applicant: req.Applicant.Name, ReceivedOn: req.State.Received, Summary: summary,
		IssuedOn: ev.On, Agency: letter.Agency{Name: site.Name, Address: st.Address, Postcode: st.Postcode, Phone: st.Phone}}
	if l.ReceivedOn.IsZero() {
		l.ReceivedOn = req.Submitted
	}
	cal, err := s.Requests.WorkingCalendar(ctx)
	if err != nil {
		return l, "", err
	}
	switch ev.Type {
	case request.EvReplied:
		reason := ""
		if ev.Reason != 0 {
			reason = strconv.Itoa(ev.Reason)
		}
		if l.Kind, err = letter.KindFor(ev.Decision, reason); err != nil {
			return l, "", err
		}
		l.Investigation, l.Answer, l.PolicyBasis, l.LegalBasis = ev.Reply.Investigation, ev.Reply.Answer, ev.Reply.Policy, ev.Reply.Law
		if ev.FileName != "" {
			l.Attachments = []string{ev.FileName}
		}
		l.Remedies = remedies(st)
		if st.ReconsiderationBody == "" {
			return l, "", errs.E(errs.Invalid, "不能生成告知书：请先在“站点设置”中填写行政复议机关（告知书须写明申请人的救济途径，条例第五十一条）")
		}
	case request.EvCorrectionRequested:
		// 条例第三十条: every matter at once, with a reasonable period.
		l.Kind = letter.KindCorrection
		var items []string
		for _, line := range strings.Split(ev.Note, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				items = append(items, line)
			}
		}
		if ev.Until.IsZero() {
			return l, "", errs.E(errs.Invalid, "不能生成补正告知书：登记告知补正时没有填写补正期限（条例第三十条：应当说明合理的补正期限）")
		}
		l.Correction = &letter.Correction{Items: items, DueOn: ev.Until}
	case request.EvExtended:
		// 条例第三十三条第二款: the new due date on the working-day calendar.
		after, err := s.Requests.StateAfter(ctx, req, ev.Seq)
		if err != nil {
			return l, "", err
		}
		l.Kind = letter.KindExtension
		l.Extension = &letter.Extension{Days: ev.Days, DueOn: after.DueOn(ev.On), Reason: ev.Note}
	case request.EvConsultationStarted:
		// 条例第三十二条: the third party answers within 15 working days of
		// receiving the letter; the applicant is never named to it.
		l.Kind = letter.KindConsultation
		l.Applicant = ""
		l.Consultation = &letter.Consultation{Party: ev.Note, ReplyBy: cal.AddWorkdays(ev.On, request.ConsultationWorkdays), Questions: summary}
	case request.EvFeeNotified:
		// 条例第四十二条, 国办函〔2020〕109号: the scale, its bands and the total;
		// 20 working days from the day after the notice to pay.
		var fee letter.Fee
		if ev.FeeMethod == request.FeePerPage {
			fee, err = letter.ComputeFeePerPage(ev.Units)
		} else {
			fee, err = letter.ComputeFeePerRequest(max(ev.Units, 1), 1)
		}
		if err != nil {
			return l, "", errs.E(errs.Invalid, "不能生成收费通知书：%s", err.Error())
		}
		fee.PayBy = cal.AddWorkdays(ev.On.AddDays(1), request.FeePayWorkdays)
		fee.HowToPay = strings.TrimSpace(ev.Note)
		if fee.HowToPay == "" {
			fee.HowToPay = "请持本通知书到" + site.Name + "政府信息公开工作机构缴纳"
			if st.Address != "" {
				fee.HowToPay += "（" + st.Address + "）"
			}
			if st.Phone != "" {
				fee.HowToPay += "，咨询电话：" + st.Phone
			}
		}
		l.Kind, l.Fee = letter.KindFee, &fee
	}
	if err := l.Validate(); err != nil {
		msg := errs.MessageOf(err)
		for _, m := range errs.FieldsOf(err) {
			msg += "；" + m
		}
		return l, "", errs.E(errs.Invalid, "不能生成%s：%s", letterKinds[ev.Type], msg)
	}
	return l, letterKinds[ev.Type] + "-" + req.TrackingNo + suffix(ev) + ".pdf", nil
}

func suffix(ev *request.Event) string {
	if ev.Type == request.EvReplied {
		return ""
	}
	return "-" + strconv.Itoa(ev.Seq)
}

// remedies are the remedies a decision letter states: the site's 复议机关,
// court and periods, the periods defaulting to letter.DefaultRemedyPeriods.
func remedies(st catalog.Settings) letter.Remedies {
	r := letter.DefaultRemedyPeriods
	r.ReconsiderationBody, r.Court = st.ReconsiderationBody, st.Court
	if r.Court == "" {
		r.Court = "有管辖权的人民法院"
	}
	if st.ReconsiderationPeriod != "" {
		r.ReconsiderationPeriod = st.ReconsiderationPeriod
	}
	if st.LawsuitPeriod != "" {
		r.LawsuitPeriod = st.LawsuitPeriod
	}
	return r
}

// writeLetter renders l as PDF under name.
func writeLetter(w http.ResponseWriter, l letter.Letter, name string) error {
	var buf bytes.Buffer
	if err := letter.RenderPDF(&buf, l); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}

// letterPDF serves a notice letter as PDF to the desk (who may handle the
// request): ?seq=N the step's, none the reply's.
func (s *Feature) letterPDF(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadDetail(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	seq, _ := strconv.Atoi(r.URL.Query().Get("seq"))
	l, name, err := s.letterFor(r.Context(), p.Site, p.R, seq)
	if err == nil {
		err = writeLetter(w, l, name)
	}
	if err != nil {
		s.AdminError(w, r, err)
	}
}

// letterPage is the desk's HTML view of a notice letter: what the office
// reads before sending it (条例第四十五条: 审核), printable (letter.css
// prints the letter alone on A4), with its PDF and the review step.
type letterPage struct {
	*detailPage
	Seq    int
	Draft  bool
	Name   string
	HTML   template.HTML
	PDF    string
	Sent   *request.Event
	ToThem bool
	// CanSend: the office may record the review and sending now.
	CanSend bool
}

// letterHTML serves GET /admin/requests/{id}/letter: ?seq=N a step's
// letter, ?draft=1 the letter of the reply draft awaiting review.
func (s *Feature) letterHTML(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadDetail(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &letterPage{detailPage: d}
	q := r.URL.Query()
	var ev *request.Event
	if q.Get("draft") == "1" {
		p.Draft = true
		ev, err = draftStep(d.R, s.today())
	} else {
		p.Seq, _ = strconv.Atoi(q.Get("seq"))
		ev, err = letterStep(d.R, p.Seq)
	}
	if err == nil {
		var l letter.Letter
		if l, _, err = s.letterOf(r.Context(), d.Site, d.R, ev); err == nil {
			p.HTML, err = letter.HTML(l)
		}
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.Name = letterKinds[ev.Type]
	p.Title = p.Name + " · " + d.R.TrackingNo
	p.ToThem = ToApplicant(ev.Type)
	if !p.Draft {
		p.Seq = ev.Seq
		p.PDF = "/admin/requests/" + strconv.FormatInt(d.R.ID, 10) + "/letter.pdf?seq=" + strconv.Itoa(ev.Seq)
		p.Sent = sentEvent(d.R, ev.Seq)
		p.CanSend = p.Sent == nil && request.Allowed(d.User, d.R)[request.EvLetterSent]
	}
	s.Render(w, r, http.StatusOK, "admin/request_letter", p)
}

// sentEvent is the letter_sent step of the letter of step seq, if any.
func sentEvent(req *request.Request, seq int) *request.Event {
	for i := range req.Events {
		if e := &req.Events[i]; e.Type == request.EvLetterSent && e.Letter == seq {
			return e
		}
	}
	return nil
}
