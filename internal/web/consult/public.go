package consult

import (
	"fmt"
	"net/http"
	"strconv"

	"gongkai/internal/calendar"
	"gongkai/internal/captcha"
	"gongkai/internal/catalog"
	"gongkai/internal/consult"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

type listPage struct {
	web.Page
	Items              []*consult.Consultation
	State, Kind, YearQ string
	States             []consult.Choice
	Kinds              []consult.Kind
	Pager              *web.Pager
}

// perPage is how many consultations a list page shows.
const perPage = 20

var publicStates = func() []consult.Choice {
	var out []consult.Choice
	for _, st := range []string{consult.StateUpcoming, consult.StateOpen, consult.StateClosed, consult.StateFeedback} {
		out = append(out, consult.Choice{Code: st, Label: consult.StateLabels[st]})
	}
	return out
}()

func (s *Feature) filter(r *http.Request) (consult.Filter, error) {
	q := r.URL.Query()
	f := consult.Filter{State: q.Get("state"), Kind: q.Get("kind"), Public: true}
	if f.State != "" && consult.LabelOf(publicStates, f.State) == f.State {
		return f, &errs.Error{Code: errs.Invalid, Message: "状态无效：" + f.State, Fields: map[string]string{"state": "状态应为 upcoming、open、closed 或 feedback"}}
	}
	if f.Kind != "" && consult.KindByCode(f.Kind) == nil {
		return f, &errs.Error{Code: errs.Invalid, Message: "草案类别无效：" + f.Kind, Fields: map[string]string{"kind": "应为 legislative、decision 或 policy"}}
	}
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2100 {
			return f, &errs.Error{Code: errs.Invalid, Message: "年度无效：" + y, Fields: map[string]string{"year": "年度应为四位数字"}}
		}
		f.Year = n
	}
	return f, nil
}

func (s *Feature) list(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.ErrorPage(w, r, errNoService)
		return
	}
	f, err := s.filter(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	total, err := s.Consult.Count(r.Context(), web.SiteOf(r).Site.ID, f)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	page := web.PageNumber(r, max((total+perPage-1)/perPage, 1))
	f.Limit, f.Offset = perPage, (page-1)*perPage
	cs, err := s.Consult.List(r.Context(), web.SiteOf(r).Site.ID, f)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p := &listPage{Page: s.Page(r, "意见征集"), Items: cs, State: f.State, Kind: f.Kind, States: publicStates, Kinds: consult.Kinds, Pager: web.NewPager(page, total, perPage)}
	if f.Year != 0 {
		p.YearQ = strconv.Itoa(f.Year)
	}
	s.Render(w, r, http.StatusOK, "public/consultations", p)
}

// commentForm is the comment form's values, kept when validation fails.
type commentForm struct {
	Article        int
	Body, Name     string
	Contact        string
	PublishConsent bool
}

type detailPage struct {
	web.Page
	C        *consult.Consultation
	Comments map[int][]consult.Comment // published, by article (0: the whole draft)
	Report   *consult.Report
	Form     commentForm
	Error    string
	Captcha  *web.CaptchaField
	// Files are the record's attachments (the draft's full text, the
	// drafting explanation …), uploaded on the catalogue item.
	Files []catalog.Attachment
	// Whole counts the published comments on the whole draft.
	Whole int
}

// latestPer is how many published comments the consultation's page shows
// under each article (the latest); the rest are on the article's comment
// pages (/consultations/{id}/comments?article=N).
const latestPer = 5

// More reports whether an article (0: the whole draft) with n published
// comments has more than the page shows.
func (p *detailPage) More(n int) bool { return n > latestPer }

// ArticleComments are the published comments on article seq.
func (p *detailPage) ArticleComments(seq int) []consult.Comment { return p.Comments[seq] }

// Err is the message of a form field.
func (p *detailPage) Err(name string) string { return p.Errors[name] }

// ErrorList is the error summary in field order, each linking to its field.
func (p *detailPage) ErrorList() [][3]string {
	var out [][3]string
	for _, f := range [][2]string{{"article", "意见针对"}, {"body", "意见内容"}, {"name", "姓名"}, {"contact", "联系方式"}, {captcha.FieldAnswer, "验证码"}} {
		if m, ok := p.Errors[f[0]]; ok {
			id := "c-" + f[0]
			if f[0] == captcha.FieldAnswer {
				id = "captcha-answer"
			}
			out = append(out, [3]string{id, f[1], m})
		}
	}
	return out
}

func (s *Feature) detailData(r *http.Request, c *consult.Consultation) (*detailPage, error) {
	p := &detailPage{Page: s.Page(r, c.Title), C: c, Comments: map[int][]consult.Comment{}}
	cs, err := s.Consult.LatestPublished(r.Context(), c.ID, latestPer)
	if err != nil {
		return nil, err
	}
	for _, m := range cs {
		p.Comments[m.Article] = append(p.Comments[m.Article], m)
	}
	if p.Whole, err = s.Consult.CountComments(r.Context(), c.ID, consult.CommentFilter{Status: consult.CommentPublished, Article: 0}); err != nil {
		return nil, err
	}
	if p.Files, err = s.Consult.Catalog.Attachments(r.Context(), c.SiteID, c.ID); err != nil {
		return nil, err
	}
	if c.State == consult.StateFeedback {
		if p.Report, err = s.Consult.Report(r.Context(), c); err != nil {
			return nil, err
		}
	}
	if c.State == consult.StateOpen {
		p.Captcha = s.NewCaptcha(r, formComment)
	}
	return p, nil
}

func (s *Feature) detail(w http.ResponseWriter, r *http.Request) {
	c, err := s.load(r, true)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p, err := s.detailData(r, c)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	if a, err := strconv.Atoi(r.URL.Query().Get("article")); err == nil && a > 0 && a <= len(c.Articles) {
		p.Form.Article = a
	}
	// The page holds a fresh CAPTCHA: never cached.
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, http.StatusOK, "public/consultation", p)
}

type donePage struct {
	web.Page
	C       *consult.Consultation
	Comment *consult.Comment
}

// comment takes a comment from the form: the rate limit, the fields, then
// the CAPTCHA (checked once the comment is valid, as on the request form).
func (s *Feature) comment(w http.ResponseWriter, r *http.Request) {
	if !s.LimitForm(w, r, formComment) {
		return
	}
	c, err := s.load(r, true)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p, err := s.detailData(r, c)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	art, _ := strconv.Atoi(r.PostFormValue("article"))
	p.Form = commentForm{Article: art, Body: r.PostFormValue("body"), Name: r.PostFormValue("name"), Contact: r.PostFormValue("contact"), PublishConsent: r.PostFormValue("publish_consent") != ""}
	in := consult.CommentInput{Article: art, Body: p.Form.Body, Name: p.Form.Name, Contact: p.Form.Contact, PublishConsent: p.Form.PublishConsent}
	fail := func(err error, status int) {
		p.Title = "错误：" + c.Title
		p.Error, p.Errors = errs.MessageOf(err), errs.FieldsOf(err)
		s.Render(w, r, status, "public/consultation", p)
	}
	if c.State != consult.StateOpen {
		fail(errs.E(errs.Conflict, "该征集%s，不能提交意见", c.StateLabel()), http.StatusConflict)
		return
	}
	check := in
	if err := check.Validate(); err != nil {
		fail(err, web.StatusOf(err))
		return
	}
	if art < 0 || art > len(c.Articles) {
		fail(&errs.Error{Code: errs.Invalid, Message: "没有这一条", Fields: map[string]string{"article": "请选择全文或其中一条"}}, http.StatusUnprocessableEntity)
		return
	}
	if cf, err := s.CheckCaptcha(r, formComment); err != nil {
		p.Captcha = cf
		if err == web.ErrCaptchaRenewed {
			p.Errors = map[string]string{}
			s.Render(w, r, cf.Status, "public/consultation", p)
			return
		}
		fail(err, cf.Status)
		return
	}
	m, err := s.Consult.AddComment(r.Context(), web.SiteOf(r).Site.ID, c.ID, in)
	if err != nil {
		p.Captcha = s.NewCaptcha(r, formComment)
		fail(err, web.StatusOf(err))
		return
	}
	s.Render(w, r, http.StatusCreated, "public/comment_done", &donePage{Page: s.Page(r, "意见已提交"), C: c, Comment: m})
}

// feed is the consultations' Atom feed; with ?id= one consultation's
// steps (opened, closed, feedback published), to follow it.
func (s *Feature) feed(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.ErrorPage(w, r, errNoService)
		return
	}
	st := web.SiteOf(r)
	// The latest 50 (a feed reader keeps what it has seen), or the one
	// followed.
	one := r.URL.Query().Get("id")
	var cs []*consult.Consultation
	var err error
	if one != "" {
		id, perr := strconv.ParseInt(one, 10, 64)
		var c *consult.Consultation
		if perr != nil {
			err = consult.ErrNotFound
		} else if c, err = s.Consult.Get(r.Context(), st.Site.ID, id); err == nil && !c.Public() {
			err = consult.ErrNotFound
		}
		cs = []*consult.Consultation{c}
	} else {
		cs, err = s.Consult.List(r.Context(), st.Site.ID, consult.Filter{Public: true, Limit: 50})
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	f := &web.AtomFeed{Title: st.Site.Name + " 意见征集", ID: "tag:" + st.Site.Slug + ",consultations", Author: web.AtomPerson{Name: st.Site.Name},
		Links: []web.AtomLink{{Rel: "alternate", Href: "/consultations"}}, Updated: web.AtomDate("")}
	today := s.Today()
	for _, c := range cs {
		link := fmt.Sprintf("/consultations/%d", c.ID)
		if one != "" {
			if strconv.FormatInt(c.ID, 10) != one {
				continue
			}
			f.Title, f.ID = c.Title, "tag:"+st.Site.Slug+",consultation:"+one
			add := func(key, title, day, summary string) {
				f.Entries = append(f.Entries, web.AtomEntry{Title: title, ID: f.ID + ":" + key, Link: web.AtomLink{Href: link}, Updated: web.AtomDate(day), Summary: summary})
			}
			add("open", "开始征求意见："+c.Title, c.OpensOn, fmt.Sprintf("征集期限 %s 至 %s", c.OpensOn, c.ClosesOn))
			if closes := calendar.Day(c.ClosesOn); today.After(closes) {
				add("closed", "征求意见结束："+c.Title, closes.AddDays(1).String(), "征求意见已结束，正在研究采纳")
			}
			if c.ReportPublishedOn != "" {
				add("feedback", "意见收集和采纳情况："+c.Title, c.ReportPublishedOn, c.ReportSummary)
			}
			continue
		}
		day := c.OpensOn
		if c.ReportPublishedOn != "" {
			day = c.ReportPublishedOn
		}
		f.Entries = append(f.Entries, web.AtomEntry{Title: c.Title, ID: f.ID + ":" + strconv.FormatInt(c.ID, 10), Link: web.AtomLink{Href: link}, Updated: web.AtomDate(day),
			Category: &web.AtomCategory{Term: c.State, Label: c.StateLabel()}, Summary: fmt.Sprintf("%s，征集期限 %s 至 %s（%s）", c.KindLabel(), c.OpensOn, c.ClosesOn, c.StateLabel())})
	}
	if one != "" && len(f.Entries) == 0 {
		s.ErrorPage(w, r, consult.ErrNotFound)
		return
	}
	for _, e := range f.Entries {
		if e.Updated > f.Updated {
			f.Updated = e.Updated
		}
	}
	s.WriteAtom(w, f)
}

type commentsPage struct {
	web.Page
	C        *consult.Consultation
	Article  int // -1: every article
	Label    string
	Comments []consult.Comment
	Pager    *web.Pager
}

const commentsPerPage = 50

// comments lists a consultation's published comments, on one article
// (?article=N, 0 for the whole draft) or all, 50 a page in order of
// arrival: the consultation's page shows only the latest under each article.
func (s *Feature) comments(w http.ResponseWriter, r *http.Request) {
	c, err := s.load(r, true)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	art, label := -1, "全部条文"
	if v := r.URL.Query().Get("article"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > len(c.Articles) {
			s.ErrorPage(w, r, &errs.Error{Code: errs.Invalid, Message: "没有这一条：" + v, Fields: map[string]string{"article": fmt.Sprintf("应为 0（草案全文）至 %d", len(c.Articles))}})
			return
		}
		art, label = n, fmt.Sprintf("第%d条", n)
		if n == 0 {
			label = "草案全文"
		}
	}
	f := consult.CommentFilter{Status: consult.CommentPublished, Article: art}
	total, err := s.Consult.CountComments(r.Context(), c.ID, f)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	page := web.PageNumber(r, max((total+commentsPerPage-1)/commentsPerPage, 1))
	f.Limit, f.Offset = commentsPerPage, (page-1)*commentsPerPage
	cs, err := s.Consult.Comments(r.Context(), c.ID, f)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "public/comments", &commentsPage{Page: s.Page(r, "对"+label+"的意见："+c.Title), C: c, Article: art, Label: label, Comments: cs,
		Pager: web.NewPager(page, total, commentsPerPage)})
}
