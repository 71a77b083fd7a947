package consult

import (
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/consult"
	"gongkai/internal/web"
)

type adminListPage struct {
	web.AdminPage
	Items []*consult.Consultation
	Pager *web.Pager
	// Awaiting counts the closed consultations whose feedback report is
	// not yet published.
	Awaiting int
}

// Prev and Next are the neighbouring pages (0: none).
func (p *adminListPage) Prev() int {
	if p.Pager.Page > 1 {
		return p.Pager.Page - 1
	}
	return 0
}

// Next is the next page (0: none).
func (p *adminListPage) Next() int {
	if p.Pager.Page < p.Pager.Pages {
		return p.Pager.Page + 1
	}
	return 0
}

const adminPerPage = 50

func (s *Feature) adminList(w http.ResponseWriter, r *http.Request) {
	if s.Consult == nil {
		s.AdminError(w, r, errNoService)
		return
	}
	ctx, site := r.Context(), web.SiteOf(r).Site.ID
	total, err := s.Consult.Count(ctx, site, consult.Filter{})
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	page := web.PageNumber(r, max((total+adminPerPage-1)/adminPerPage, 1))
	cs, err := s.Consult.List(ctx, site, consult.Filter{Limit: adminPerPage, Offset: (page - 1) * adminPerPage})
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &adminListPage{AdminPage: s.AdminPage(r, "意见征集"), Items: cs, Pager: web.NewPager(page, total, adminPerPage)}
	if p.Awaiting, err = s.Consult.Count(ctx, site, consult.Filter{State: consult.StateClosed}); err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "admin/consultations", p)
}

type newPage struct {
	web.AdminPage
	Kinds []consult.Kind
	In    consult.Input
	Text  string // the articles, one per paragraph
}

func (s *Feature) adminNew(w http.ResponseWriter, r *http.Request) {
	p := &newPage{AdminPage: s.AdminPage(r, "发布征求意见"), Kinds: consult.Kinds, In: consult.Input{Kind: "legislative"}}
	s.Render(w, r, http.StatusOK, "admin/consultation_new", p)
}

// splitArticles makes the articles of a text: one per paragraph (blank
// line or line break), a leading 第N条 dropped (the number is the order).
func splitArticles(text string) []consult.Article {
	var out []consult.Article
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "第") {
			if i := strings.Index(l, "条"); i > 0 && i < 20 {
				l = strings.TrimSpace(l[i+len("条"):])
			}
		}
		out = append(out, consult.Article{Body: l})
	}
	return out
}

func (s *Feature) adminCreate(w http.ResponseWriter, r *http.Request) {
	sess := web.StaffOf(r)
	g := func(k string) string { return r.PostFormValue(k) }
	in := consult.Input{Title: g("title"), Kind: g("kind"), Major: g("major") != "", Basis: g("basis"), Explanation: g("explanation"), Channels: g("channels"),
		OpensOn: g("opens_on"), ClosesOn: g("closes_on"), ShortReason: g("short_reason"), Articles: splitArticles(g("articles")),
		DepartmentID: sess.User.DepartmentID, Publish: g("publish") != "" && sess.User.CanPublish()}
	if d, err := strconv.ParseInt(g("decision_id"), 10, 64); err == nil {
		in.DecisionID = d
	}
	c, err := s.Consult.Create(r.Context(), sess.User, web.SiteOf(r).Site.ID, in)
	if err != nil {
		p := &newPage{AdminPage: s.AdminPage(r, "错误：发布征求意见"), Kinds: consult.Kinds, In: in, Text: g("articles")}
		p.Fail(err)
		s.Render(w, r, web.StatusOf(err), "admin/consultation_new", p)
		return
	}
	http.Redirect(w, r, "/admin/consultations/"+strconv.FormatInt(c.ID, 10)+"?done=consult_created", http.StatusSeeOther)
}

type adminDetailPage struct {
	web.AdminPage
	C            *consult.Consultation
	Pending      []consult.Comment
	Comments     []consult.Comment
	Dispositions []consult.Disposition
	Report       *consult.Report
	Reasons      []consult.Choice
	Outcomes     []consult.Choice
	// Blocking counts, per article, the comments that keep it as it is.
	Blocking map[int]int
	// PendingTotal is the queue's length (Pending holds its first batch);
	// Pager pages the moderated comments.
	PendingTotal int
	Pager        *web.Pager
	// Feedback is the feedback report's publication deadline (rule
	// consultation.feedback) once the consultation has closed.
	Feedback *FeedbackDue
}

// FeedbackDue is the reminder of the feedback report's deadline.
type FeedbackDue struct {
	Due, Done, Basis string
	Open, Overdue    bool
	Late             bool
}

// feedbackDue is c's feedback deadline from the deadline engine (nil
// before closing, or without the engine).
func (s *Feature) feedbackDue(r *http.Request, c *consult.Consultation) (*FeedbackDue, error) {
	if s.Deadlines == nil || c.State != consult.StateClosed && c.State != consult.StateFeedback {
		return nil, nil
	}
	today := s.Consult.Now()
	ds, err := s.Deadlines.ForItem(r.Context(), c.SiteID, c.ID, today)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.Rule.Code == "consultation.feedback" {
			f := &FeedbackDue{Due: d.Due.String(), Basis: d.Rule.Basis, Open: d.Open, Overdue: d.Overdue(today), Late: d.Late()}
			if !d.Done.IsZero() {
				f.Done = d.Done.String()
			}
			return f, nil
		}
	}
	return nil, nil
}

// queueBatch is how many comments of the queue, and of the moderated
// ones, the consultation's back-office page shows at a time.
const queueBatch = 100

// PrevPage and NextPage are the moderated comments' neighbouring pages (0: none).
func (p *adminDetailPage) PrevPage() int {
	if p.Pager.Page > 1 {
		return p.Pager.Page - 1
	}
	return 0
}

// NextPage is the next page of moderated comments (0: none).
func (p *adminDetailPage) NextPage() int {
	if p.Pager.Page < p.Pager.Pages {
		return p.Pager.Page + 1
	}
	return 0
}

// Editable says whether article a may still be corrected, and why not.
func (p *adminDetailPage) Editable(a consult.Article) bool {
	ok, _ := p.C.ArticleEditable(a, p.Blocking[a.Seq])
	return ok
}

// WhyFixed is why article a can no longer be corrected.
func (p *adminDetailPage) WhyFixed(a consult.Article) string {
	_, why := p.C.ArticleEditable(a, p.Blocking[a.Seq])
	return why
}

func (s *Feature) adminDetail(w http.ResponseWriter, r *http.Request) {
	c, err := s.load(r, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	s.renderDetail(w, r, c, http.StatusOK, nil)
}

func (s *Feature) renderDetail(w http.ResponseWriter, r *http.Request, c *consult.Consultation, status int, fail error) {
	ctx := r.Context()
	p := &adminDetailPage{AdminPage: s.AdminPage(r, c.Title), C: c, Reasons: consult.RejectReasons, Outcomes: consult.Outcomes}
	// The queue a batch at a time (the oldest first), the moderated
	// comments a page at a time: a busy consultation has thousands.
	var err error
	p.Pending, err = s.Consult.Comments(ctx, c.ID, consult.CommentFilter{Article: -1, Open: true, Status: consult.CommentPending, Limit: queueBatch})
	if err == nil {
		p.PendingTotal, err = s.Consult.CountComments(ctx, c.ID, consult.CommentFilter{Article: -1, Status: consult.CommentPending})
	}
	if err == nil {
		var total int
		mf := consult.CommentFilter{Article: -1, Moderated: true}
		if total, err = s.Consult.CountComments(ctx, c.ID, mf); err == nil {
			page := web.PageNumber(r, max((total+queueBatch-1)/queueBatch, 1))
			p.Pager = web.NewPager(page, total, queueBatch)
			mf.Limit, mf.Offset = queueBatch, (page-1)*queueBatch
			p.Comments, err = s.Consult.Comments(ctx, c.ID, mf)
		}
	}
	if err == nil {
		p.Dispositions, err = s.Consult.Dispositions(ctx, c.ID)
	}
	if err == nil {
		p.Report, err = s.Consult.Report(ctx, c)
	}
	if err == nil {
		p.Blocking, err = s.Consult.ArticleComments(ctx, c.ID)
	}
	if err == nil {
		p.Feedback, err = s.feedbackDue(r, c)
	}
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	if fail != nil {
		p.Fail(fail)
	}
	s.Render(w, r, status, "admin/consultation", p)
}

func (s *Feature) afterAction(w http.ResponseWriter, r *http.Request, c *consult.Consultation, err error, done string) {
	if err != nil {
		if c2, e := s.load(r, false); e == nil {
			c = c2
		}
		s.renderDetail(w, r, c, web.StatusOf(err), err)
		return
	}
	http.Redirect(w, r, "/admin/consultations/"+strconv.FormatInt(c.ID, 10)+"?done="+done, http.StatusSeeOther)
}

func (s *Feature) adminModerate(w http.ResponseWriter, r *http.Request) {
	c, err := s.load(r, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	_ = r.ParseForm()
	seqs, err := ints(r.PostForm["comment"])
	if err == nil {
		_, err = s.Consult.Moderate(r.Context(), web.StaffOf(r).User, c.SiteID, c.ID, seqs, r.PostFormValue("action") == "pass", r.PostFormValue("reason"))
	}
	s.afterAction(w, r, c, err, "consult_moderated")
}

func (s *Feature) adminDispose(w http.ResponseWriter, r *http.Request) {
	c, err := s.load(r, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	_ = r.ParseForm()
	seqs, err := ints(r.PostForm["comment"])
	if err == nil {
		_, err = s.Consult.Dispose(r.Context(), web.StaffOf(r).User, c.SiteID, c.ID, seqs, r.PostFormValue("outcome"), r.PostFormValue("reason"))
	}
	s.afterAction(w, r, c, err, "consult_disposed")
}

func (s *Feature) adminReport(w http.ResponseWriter, r *http.Request) {
	c, err := s.load(r, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	_, err = s.Consult.PublishReport(r.Context(), web.StaffOf(r).User, c.SiteID, c.ID)
	s.afterAction(w, r, c, err, "consult_report")
}

// adminRecord enters a comment received by letter or e-mail.
func (s *Feature) adminRecord(w http.ResponseWriter, r *http.Request) {
	c, err := s.load(r, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	g := func(k string) string { return r.PostFormValue(k) }
	art, _ := strconv.Atoi(g("article"))
	_, err = s.Consult.RecordComment(r.Context(), web.StaffOf(r).User, c.SiteID, c.ID, consult.CommentInput{Article: art, Body: g("body"), Name: g("name"),
		Contact: g("contact"), PublishConsent: g("publish_consent") != "", Channel: g("channel")}, g("received_on"))
	s.afterAction(w, r, c, err, "consult_recorded")
}

// adminEditArticle corrects one article (a typo) while it may still be
// edited (consult.Consultation.ArticleEditable).
func (s *Feature) adminEditArticle(w http.ResponseWriter, r *http.Request) {
	c, err := s.load(r, false)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil {
		s.AdminError(w, r, consult.ErrNotFound)
		return
	}
	_, err = s.Consult.EditArticle(r.Context(), web.StaffOf(r).User, web.SiteOf(r).Site.ID, c.ID, seq, r.PostFormValue("heading"), r.PostFormValue("body"))
	s.afterAction(w, r, c, err, "consult_article")
}
