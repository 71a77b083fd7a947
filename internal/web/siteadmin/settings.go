package siteadmin

import (
	"net/http"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/deadline"
	"gongkai/internal/web"
)

// settingsPage is the site's settings form: footer and guide facts, home
// columns, and the deadline periods the site may shorten.
type settingsPage struct {
	web.AdminPage
	Settings *catalog.Settings
}

// DeadlineDays returns a rule's period on this site, for the settings form.
func (p *settingsPage) DeadlineDays(r deadline.Rule) int {
	if p.Settings != nil {
		if n, ok := p.Settings.DeadlineDays[r.Code]; ok {
			return n
		}
	}
	return r.Days
}

// DeadlineRules are the rules a site may configure.
func (p *settingsPage) DeadlineRules() []deadline.Rule {
	var out []deadline.Rule
	for _, r := range deadline.AllRules() {
		if r.Unit != deadline.FixedDate {
			out = append(out, r)
		}
	}
	return out
}

func (s *Feature) settingsForm(w http.ResponseWriter, r *http.Request) {
	p := &settingsPage{AdminPage: s.AdminPage(r, "站点设置")}
	st := p.Site.Settings
	p.Settings = &st
	s.Render(w, r, http.StatusOK, "admin/settings", p)
}

func (s *Feature) saveSettings(w http.ResponseWriter, r *http.Request) {
	p := &settingsPage{AdminPage: s.AdminPage(r, "站点设置")}
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	st := catalog.Settings{Owner: f("owner"), Address: f("address"), Phone: f("phone"), Email: f("email"), Fax: f("fax"), Postcode: f("postcode"),
		OfficeHours: f("office_hours"), SiteCode: f("site_code"), ICP: f("icp"), PSB: f("psb"), PSBCode: f("psb_code"), OfficeName: f("office_name"),
		DeptAbbr: f("dept_abbr"), WeChat: f("wechat"), Weibo: f("weibo"), Description: f("description"),
		ReconsiderationBody: f("reconsideration_body"), Court: f("court"), LetterPrefix: f("letter_prefix"),
		ReconsiderationPeriod: f("reconsideration_period"), LawsuitPeriod: f("lawsuit_period"), ConacURL: f("conac_url"),
		Supervisor: f("supervisor"), SupervisorContact: f("supervisor_contact")}
	// The images are changed by their own form (saveImages).
	old := p.Site.Settings
	st.Emblem, st.ConacBadge, st.PSBBadge = old.Emblem, old.ConacBadge, old.PSBBadge
	slugs := func(k string) []string {
		return strings.FieldsFunc(f(k), func(r rune) bool { return r == ',' || r == '，' || r == ' ' })
	}
	st.HomeColumns, st.MainNav, st.HomeEntries = slugs("home_columns"), slugs("main_nav"), slugs("home_entries")
	// The periods' legal limits are checked in the domain (deadline).
	raw := map[string]string{}
	for _, rule := range deadline.AllRules() {
		raw[rule.Code] = f(deadline.OverrideField(rule.Code))
	}
	var err error
	st.DeadlineDays, err = deadline.ParseOverrides(raw)
	if err == nil {
		err = s.Catalog.UpdateSettings(r.Context(), p.User, p.Site.ID, f("name"), st)
	}
	if err != nil {
		s.LogErr(r, err)
		p.Fail(err)
		p.Settings = &st
		s.Render(w, r, web.StatusOf(err), "admin/settings", p)
		return
	}
	http.Redirect(w, r, "/admin/settings?done=saved", http.StatusSeeOther)
}
