package inspect

import (
	"fmt"
	"net/http"
	"strconv"

	"gongkai/internal/inspect"
	"gongkai/internal/lists"
	"gongkai/internal/web"
)

type registryView struct {
	Kind    *lists.Kind
	Current *lists.Edition
}

type yearView struct {
	Year  int
	Plans []*inspect.Plan
}

type indexPage struct {
	web.Page
	Registries []registryView
	Years      []yearView
	Rule       string
	Basis      string
}

type planPage struct {
	web.Page
	Plan  *inspect.Plan
	Draws []apiDraw
}

// drawnView is one drawn target with its published result (nil: not yet).
type drawnView struct {
	N      int
	Target inspect.DrawnTarget
	Result *inspect.Result
}

type drawPage struct {
	web.Page
	Plan    *inspect.Plan
	Draw    apiDraw
	Inputs  *inspect.Inputs
	Outcome *inspect.Outcome
	Drawn   []drawnView
	Rule    string
	Format  string
}

// column puts the pages under the 双随机一公开 column, for navigation.
func column(p *web.Page) {
	if p.Tree != nil {
		p.Column = p.Tree.BySlug[lists.InspectItems.Column]
	}
}

func (s *Feature) index(w http.ResponseWriter, r *http.Request) {
	if err := s.ready(); err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	ctx, siteID := r.Context(), web.SiteOf(r).Site.ID
	p := &indexPage{Page: s.Page(r, "双随机、一公开"), Basis: inspect.BasisResults}
	column(&p.Page)
	for _, k := range []*lists.Kind{lists.InspectItems, lists.InspectTargets, lists.Inspectors} {
		cur, err := s.Inspect.Lists.Current(ctx, siteID, k)
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		p.Registries = append(p.Registries, registryView{k, cur})
	}
	plans, err := s.Inspect.Plans(ctx, siteID, 0)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	for _, pl := range plans {
		if n := len(p.Years); n == 0 || p.Years[n-1].Year != pl.Year {
			p.Years = append(p.Years, yearView{Year: pl.Year})
		}
		y := &p.Years[len(p.Years)-1]
		y.Plans = append(y.Plans, pl)
	}
	st, err := s.Inspect.Settings(ctx, siteID)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p.Rule = st.DeadlineText()
	s.Render(w, r, http.StatusOK, "public/inspect_index", p)
}

func (s *Feature) planPage(w http.ResponseWriter, r *http.Request) {
	pl, ds, err := s.planOf(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p := &planPage{Page: s.Page(r, pl.Title), Plan: pl}
	column(&p.Page)
	for _, d := range ds {
		p.Draws = append(p.Draws, drawJSON(d))
	}
	s.Render(w, r, http.StatusOK, "public/inspect_plan", p)
}

func (s *Feature) drawPage(w http.ResponseWriter, r *http.Request) {
	d, pl, rs, err := s.drawOf(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	st, err := s.Inspect.Settings(r.Context(), web.SiteOf(r).Site.ID)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p := &drawPage{Page: s.Page(r, fmt.Sprintf("%s：第 %d 号抽取记录", pl.Title, d.ID)), Plan: pl, Draw: drawJSON(d), Inputs: d.Inputs,
		Outcome: d.Outcome, Rule: st.DeadlineText(), Format: inspect.Format}
	column(&p.Page)
	if d.Outcome != nil {
		byKey := map[string]*inspect.Result{}
		for _, res := range rs {
			byKey[res.TargetKey] = res
		}
		for i, t := range d.Outcome.Targets {
			p.Drawn = append(p.Drawn, drawnView{N: i + 1, Target: t, Result: byKey[t.Key]})
		}
	}
	s.Render(w, r, http.StatusOK, "public/inspect_draw", p)
}

// verificationFile is the draw's verification JSON as a download.
func (s *Feature) verificationFile(w http.ResponseWriter, r *http.Request) {
	d, _, _, err := s.drawOf(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="draw-`+strconv.FormatInt(d.ID, 10)+`.json"`)
	web.WriteJSON(w, http.StatusOK, inspect.VerificationOf(d))
}

// feedLimit is the number of entries of the feed of plans and draws.
const feedLimit = 50

var changeLabels = map[string]string{"plan": "抽查计划", "plan_updated": "抽查计划修改", "plan_withdrawn": "抽查计划撤回", "announced": "抽取公告", "drawn": "抽取结果"}

// feed is the Atom feed of the plans and draws (the registries and the
// item list have their lists' feeds).
func (s *Feature) feed(w http.ResponseWriter, r *http.Request) {
	if err := s.ready(); err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	st := web.SiteOf(r)
	cs, err := s.Inspect.Changes(r.Context(), st.Site.ID, feedLimit)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	base := s.BaseURL(r)
	f := &web.AtomFeed{Title: st.Site.Name + " 双随机、一公开：抽查计划和抽取", ID: base + "/inspect", Updated: web.AtomDate(""),
		Links:  []web.AtomLink{{Rel: "self", Href: base + "/inspect/feed.xml"}, {Href: base + "/inspect"}},
		Author: web.AtomPerson{Name: st.Site.Name}}
	for i, c := range cs {
		if i == 0 {
			f.Updated = c.At
		}
		link := base + "/inspect/plans/" + strconv.FormatInt(c.PlanID, 10)
		id := link + "#" + c.Kind
		if c.DrawID != 0 {
			link = base + "/inspect/draws/" + strconv.FormatInt(c.DrawID, 10)
			id = link + "#" + c.Kind
		}
		f.Entries = append(f.Entries, web.AtomEntry{Title: changeLabels[c.Kind] + "：" + c.Title, ID: id, Link: web.AtomLink{Href: link},
			Updated: c.At, Summary: c.Detail})
	}
	s.WriteAtom(w, f)
}
