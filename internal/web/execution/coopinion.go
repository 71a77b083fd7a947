package execution

import (
	"net/http"
	"net/url"
	"unicode/utf8"

	"gongkai/internal/calendar"
	"gongkai/internal/execution"
	"gongkai/internal/web"
)

// 协办意见: the co-handling unit files its opinion on an item in the back
// office (no script needed) and by API; internal/execution decides who may.

// MaxNumber bounds an item number (the proposals' number field).
const MaxNumber = 40

type coOpinionPage struct {
	web.AdminPage
	Item *execution.Item
	// Units are the co-units the user may file for.
	Units    []string
	Opinions []coOpinionRow
	Form     map[string]string
}

type coOpinionRow struct {
	Unit, ReceivedOn, Due, SentOn, Opinion string
}

var coOpinionFields = []string{"co_unit", "received_on", "sent_on", "opinion"}

func (s *Feature) coOpinionForm(w http.ResponseWriter, r *http.Request, form map[string]string, fail error) {
	err := s.ready()
	no := r.PathValue("number")
	if err == nil && utf8.RuneCountInString(no) > MaxNumber {
		err = invalid("number", "建议提案编号不能超过 40 个字符")
	}
	ctx, siteID, u := r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User
	var it *execution.Item
	if err == nil {
		it, err = s.Execution.ItemOf(ctx, siteID, no)
	}
	p := &coOpinionPage{Form: form, Item: it}
	if err == nil {
		p.Units, err = s.Execution.CoUnitsFor(ctx, siteID, u, it)
	}
	if err == nil {
		cal, e := s.Calendars.Current(ctx)
		err = e
		for _, o := range it.Opinions {
			v := o.Values
			p.Opinions = append(p.Opinions, coOpinionRow{Unit: v["co_unit"], ReceivedOn: v["received_on"], SentOn: v["sent_on"], Opinion: v["opinion"],
				Due: execution.CoOpinionDue(cal, calendar.Day(v["received_on"])).String()})
		}
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p.AdminPage = s.AdminPage(r, "协办意见："+it.Title)
	if p.Form == nil {
		p.Form = map[string]string{"received_on": s.Today().String()}
		if len(p.Units) == 1 {
			p.Form["co_unit"] = p.Units[0]
		}
	}
	status := http.StatusOK
	if fail != nil {
		p.Fail(fail)
		status = web.StatusOf(fail)
	}
	s.Render(w, r, status, "admin/execution_co_opinion", p)
}

func (s *Feature) adminCoOpinion(w http.ResponseWriter, r *http.Request) {
	s.coOpinionForm(w, r, nil, nil)
}

func (s *Feature) adminPostCoOpinion(w http.ResponseWriter, r *http.Request) {
	f := map[string]string{}
	for _, n := range coOpinionFields {
		f[n] = r.PostFormValue(n)
	}
	err := s.ready()
	if err == nil {
		_, err = s.Execution.FileCoOpinion(r.Context(), web.SiteOf(r).Site.ID, web.StaffOf(r).User, r.PathValue("number"),
			execution.NewCoOpinion{CoUnit: f["co_unit"], ReceivedOn: f["received_on"], SentOn: f["sent_on"], Opinion: f["opinion"]}, s.Today())
	}
	if err != nil {
		s.coOpinionForm(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/admin/execution/proposals/"+url.PathEscape(r.PathValue("number"))+"/co-opinions?done=proposal_co_opinion", http.StatusSeeOther)
}

func (s *Feature) apiPostCoOpinion(w http.ResponseWriter, r *http.Request) {
	if err := s.ready(); err != nil {
		s.APIError(w, r, err)
		return
	}
	u, err := s.APIWriter(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if utf8.RuneCountInString(r.PathValue("number")) > MaxNumber {
		s.APIError(w, r, invalid("number", "建议提案编号不能超过 40 个字符"))
		return
	}
	var in execution.NewCoOpinion
	if err := web.DecodeJSON(w, r, &in, bodyLimit); err != nil {
		s.APIError(w, r, err)
		return
	}
	vals, err := s.Execution.FileCoOpinion(r.Context(), web.SiteOf(r).Site.ID, u, r.PathValue("number"), in, s.Today())
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, execution.NewCoOpinion{CoUnit: vals["co_unit"], ReceivedOn: vals["received_on"], SentOn: vals["sent_on"], Opinion: vals["opinion"]})
}
