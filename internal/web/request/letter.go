package request

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/letter"
	"gongkai/internal/request"
)

// replyLetter is the numbered notice letter (告知书) of a request's reply,
// composed from the ledger's reply (the decision row with its legal basis,
// the investigation, answer, policy basis and law) and the site's settings
// (agency, 复议机关, court, 代字).
func replyLetter(site *catalog.Site, req *request.Request) (letter.Letter, error) {
	ev, _, ok := req.ReplyOf()
	if !ok {
		return letter.Letter{}, errs.E(errs.NotFound, "该申请尚未答复，没有答复告知书")
	}
	reason := ""
	if ev.Reason != 0 {
		reason = strconv.Itoa(ev.Reason)
	}
	kind, err := letter.KindFor(ev.Decision, reason)
	if err != nil {
		return letter.Letter{}, err
	}
	st := site.Settings
	prefix := st.LetterPrefix
	if prefix == "" {
		prefix = "依申请公开"
	}
	// The letter's sequence is the request's own (YSQ2025-00012 → 第12号).
	seq := 0
	if _, n, ok := strings.Cut(req.TrackingNo, "-"); ok {
		seq, _ = strconv.Atoi(strings.TrimLeft(n, "0"))
	}
	summary := req.Title
	if summary == "" {
		summary = req.Description
	} else if req.DocNo != "" {
		summary += "（" + req.DocNo + "）"
	}
	court := st.Court
	if court == "" {
		court = "有管辖权的人民法院"
	}
	l := letter.Letter{Kind: kind, Number: letter.FormatNumber(prefix, ev.On.Year, seq), Applicant: req.Applicant.Name,
		ReceivedOn: req.State.Received, Summary: summary,
		Investigation: ev.Reply.Investigation, Answer: ev.Reply.Answer, PolicyBasis: ev.Reply.Policy, LegalBasis: ev.Reply.Law,
		IssuedOn: ev.On, Agency: letter.Agency{Name: site.Name, Address: st.Address, Postcode: st.Postcode, Phone: st.Phone},
		Remedies: letter.DefaultRemedyPeriods}
	l.Remedies.ReconsiderationBody, l.Remedies.Court = st.ReconsiderationBody, court
	if ev.FileName != "" {
		l.Attachments = []string{ev.FileName}
	}
	if l.ReceivedOn.IsZero() {
		l.ReceivedOn = req.Submitted
	}
	if st.ReconsiderationBody == "" {
		return l, errs.E(errs.Invalid, "不能生成告知书：请先在“站点设置”中填写行政复议机关（告知书须写明申请人的救济途径，条例第五十一条）")
	}
	if err := l.Validate(); err != nil {
		msg := errs.MessageOf(err)
		for _, m := range errs.FieldsOf(err) {
			msg += "；" + m
		}
		return l, errs.E(errs.Invalid, "不能生成告知书：%s", msg)
	}
	return l, nil
}

// letterPDF serves the reply's 告知书 as PDF to the desk (who may handle
// the request); the applicant receives it by the chosen delivery.
func (s *Feature) letterPDF(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadDetail(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	l, err := replyLetter(p.Site, p.R)
	var buf bytes.Buffer
	if err == nil {
		err = letter.RenderPDF(&buf, l)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape("答复告知书-"+p.R.TrackingNo+".pdf"))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
