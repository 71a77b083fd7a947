// Package consult is public participation (issue 10): consultations on
// drafts (调查征集) with article-level comments, moderation, dispositions and
// the generated feedback report (意见收集和采纳情况); the yearly catalogue of
// major administrative decisions (重大行政决策事项目录) with its timeline; and
// meetings (会议公开) with the public's applications to attend.
//
// One model: a consultation's public record is the catalogue item of type
// consultation (its index number, column, dates, the deadline engine's
// rules consultation.open and consultation.feedback). The consultation's id
// is that item's id. This package keeps what the catalogue cannot: the
// draft's articles, the comments, their moderation and dispositions; the
// feedback report is published as its own catalogue item and fills the
// record's feedback fields, which fulfils consultation.feedback.
package consult

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strings"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// Service keeps the consultations, decisions and meetings of every site.
type Service struct {
	DB      *store.DB
	Catalog *catalog.Service
	// Sealer encrypts commenters' and applicants' contacts; without one,
	// comments and applications are refused.
	Sealer *secure.Sealer
	Today  func() calendar.Date
}

// Now is the service's day (its clock; the tests set it).
func (s *Service) Now() calendar.Date { return s.today() }

func (s *Service) today() calendar.Date {
	if s.Today != nil {
		return s.Today()
	}
	return calendar.Today()
}

// ErrNotFound is returned for a consultation, decision or meeting that does
// not exist (or is not public, for the public).
var ErrNotFound = errs.E(errs.NotFound, "没有找到该征集、事项或会议")

// Kind is a kind of draft and its consultation rule.
type Kind struct {
	Code, Label string
	// MinDays is the shortest window in calendar days (0: none); a shorter
	// one needs a recorded reason that is shown to the public.
	MinDays int
	Basis   string
}

// Kinds are the drafts a consultation publishes. A draft belonging to a
// major decision and any legislative draft stay open at least 30 days:
// 《重大行政决策程序暂行条例》第十五条 ("征求意见期限一般不少于30日；因情况紧急等原因
// 需要缩短期限的，公开征求意见时应当予以说明", REFERENCE §7.2), and the seed's
// task 2 ("征求意见期限不少于30日") for legislative drafts. A policy draft
// outside a major decision has no statutory minimum.
var Kinds = []Kind{
	{"legislative", "立法草案", catalog.MinConsultationDays, "临沂市司法局2021年政务公开重点任务第2项（征求意见期限不少于30日）"},
	{"decision", "重大行政决策草案", catalog.MinConsultationDays, "《重大行政决策程序暂行条例》第十五条"},
	{"policy", "政策文件草案", 0, ""},
}

// KindByCode returns the kind, or nil.
func KindByCode(code string) *Kind {
	for i := range Kinds {
		if Kinds[i].Code == code {
			return &Kinds[i]
		}
	}
	return nil
}

// MinDays is the shortest window of a draft of kind k; major marks a
// policy draft that belongs to a major decision (条例第十五条 applies).
func (k *Kind) minDays(major bool) (int, string) {
	if k.MinDays == 0 && major {
		return catalog.MinConsultationDays, "《重大行政决策程序暂行条例》第十五条"
	}
	return k.MinDays, k.Basis
}

// CheckWindow applies the window rule: closes on or after opens, and, for
// a draft with a minimum, at least that many days unless a reason for the
// shorter window is recorded. The message says the earliest closing day.
func CheckWindow(kind string, major bool, opens, closes calendar.Date, shortReason string, v errs.Validation) {
	k := KindByCode(kind)
	if k == nil || opens.IsZero() || closes.IsZero() {
		return
	}
	if closes.Before(opens) {
		v.Add("closes_on", "截止日期不能早于开始日期")
		return
	}
	min, basis := k.minDays(major)
	if min == 0 || shortReason != "" {
		return
	}
	// "不少于30日": counted as the catalogue's record check counts it, the
	// closing day at least 30 days after the opening day.
	if closes.Sub(opens) < min {
		v.Add("closes_on", fmt.Sprintf("%s征求意见期限不少于%d日（%s）：截止日期不能早于 %s；因情况紧急等原因需要缩短期限的，请填写缩短期限的理由（将向社会公开）",
			k.Label, min, basis, opens.AddDays(min)))
	}
}

// States of a consultation, computed from its dates, its record and its
// report (never stored).
const (
	StateDraft     = "draft"     // the record is not published
	StateUpcoming  = "upcoming"  // published, before the opening day
	StateOpen      = "open"      // taking comments
	StateClosed    = "closed"    // closed, the feedback report not yet published
	StateFeedback  = "feedback"  // the feedback report is published
	StateWithdrawn = "withdrawn" // the record was withdrawn
)

// StateLabels name the states.
var StateLabels = map[string]string{StateDraft: "未发布", StateUpcoming: "即将开始", StateOpen: "正在征集",
	StateClosed: "已结束，待反馈", StateFeedback: "已反馈", StateWithdrawn: "已撤回"}

// Consultation is a draft put out for comment.
type Consultation struct {
	ID           int64  `json:"id"` // the catalogue item's id
	SiteID       int64  `json:"-"`
	Kind         string `json:"kind"`
	Major        bool   `json:"major"`
	DepartmentID int64  `json:"-"`
	Department   string `json:"department"`
	DecisionID   int64  `json:"decision_id,omitempty"`
	Title        string `json:"title"`
	Basis        string `json:"basis"`
	Explanation  string `json:"explanation"`
	Channels     string `json:"channels"`
	OpensOn      string `json:"opens_on"`
	ClosesOn     string `json:"closes_on"`
	ShortReason  string `json:"short_reason,omitempty"`
	// ReportItemID is the published feedback report's catalogue item.
	ReportItemID      int64  `json:"report_item_id,omitempty"`
	ReportPublishedOn string `json:"report_published_on,omitempty"`
	ReportSummary     string `json:"-"`
	// ItemStatus is the record's catalogue status; IndexNo its 索引号.
	ItemStatus string    `json:"-"`
	IndexNo    string    `json:"index_no"`
	State      string    `json:"state"`
	Articles   []Article `json:"articles"`
	CreatedAt  string    `json:"created_at"`
}

// Article is one article (条) of the draft; comments attach to it by Seq.
type Article struct {
	Seq     int    `json:"seq"`
	Heading string `json:"heading,omitempty"`
	Body    string `json:"body"`
	// Comments counts the article's published comments (for the page).
	Comments int `json:"comments"`
}

// KindLabel names the draft's kind.
func (c *Consultation) KindLabel() string {
	if k := KindByCode(c.Kind); k != nil {
		return k.Label
	}
	return c.Kind
}

// StateLabel names the state.
func (c *Consultation) StateLabel() string { return StateLabels[c.State] }

// StateOn computes the state on today.
func (c *Consultation) StateOn(today calendar.Date) string {
	switch {
	case c.ItemStatus == catalog.StatusWithdrawn:
		return StateWithdrawn
	case c.ItemStatus != catalog.StatusPublished:
		return StateDraft
	case c.ReportPublishedOn != "":
		return StateFeedback
	case today.Before(calendar.Day(c.OpensOn)):
		return StateUpcoming
	case !today.After(calendar.Day(c.ClosesOn)):
		return StateOpen
	}
	return StateClosed
}

// Public reports whether the public may see the consultation.
func (c *Consultation) Public() bool { return c.State != StateDraft && c.State != StateWithdrawn }

// Limits of the fields (tested at their maximum on both databases).
const (
	MaxTitle       = 200
	MaxText        = 5000 // basis, explanation
	MaxChannels    = 500
	MaxShortReason = 500
	MaxArticles    = 300
	MaxArticle     = 5000
	MaxHeading     = 100
	MaxComment     = 3000
	MaxName        = 50
	MaxContact     = 100
	MaxReason      = 1000
)

// Input is a new consultation.
type Input struct {
	Title        string
	Kind         string
	Major        bool
	Department   string // by name or abbreviation (the API)
	DepartmentID int64
	ColumnID     int64 // 0: the site's first column holding consultations
	DecisionID   int64
	Basis        string
	Explanation  string
	Channels     string
	OpensOn      string
	ClosesOn     string
	ShortReason  string
	Articles     []Article
	// Publish publishes the record at once (the office only); otherwise it
	// is a draft that goes through the catalogue's review.
	Publish bool
}

func checkLen(v errs.Validation, field, s string, max int, label string) {
	if n := utf8.RuneCountInString(s); n > max {
		v.Add(field, fmt.Sprintf("%s不能超过 %d 个字（现为 %d 个字）", label, max, n))
	}
}

func clean(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

// Validate checks the input without the database.
func (in *Input) Validate() error {
	in.Title, in.Basis, in.Explanation, in.Channels, in.ShortReason = clean(in.Title), clean(in.Basis), clean(in.Explanation), clean(in.Channels), clean(in.ShortReason)
	v := errs.Validation{}
	if in.Title == "" {
		v.Add("title", "请填写草案名称")
	}
	checkLen(v, "title", in.Title, MaxTitle, "草案名称")
	if KindByCode(in.Kind) == nil {
		v.Add("kind", "草案类别应为 legislative（立法草案）、decision（重大行政决策草案）或 policy（政策文件草案）")
	}
	checkLen(v, "basis", in.Basis, MaxText, "决策依据")
	checkLen(v, "explanation", in.Explanation, MaxText, "起草说明")
	checkLen(v, "channels", in.Channels, MaxChannels, "意见提交方式")
	checkLen(v, "short_reason", in.ShortReason, MaxShortReason, "缩短期限的理由")
	opens, err1 := calendar.Parse(in.OpensOn)
	if err1 != nil {
		v.Add("opens_on", "请填写开始日期（YYYY-MM-DD）")
	}
	closes, err2 := calendar.Parse(in.ClosesOn)
	if err2 != nil {
		v.Add("closes_on", "请填写截止日期（YYYY-MM-DD）")
	}
	if err1 == nil && err2 == nil {
		CheckWindow(in.Kind, in.Major || in.Kind == "decision", opens, closes, in.ShortReason, v)
	}
	if len(in.Articles) == 0 {
		v.Add("articles", "请至少填写一条草案条文")
	}
	if len(in.Articles) > MaxArticles {
		v.Add("articles", fmt.Sprintf("条文不能超过 %d 条", MaxArticles))
	}
	for i := range in.Articles {
		a := &in.Articles[i]
		a.Seq, a.Heading, a.Body = i+1, clean(a.Heading), clean(a.Body)
		if a.Body == "" {
			v.Add("articles", fmt.Sprintf("第 %d 条内容为空", i+1))
		}
		checkLen(v, "articles", a.Heading, MaxHeading, fmt.Sprintf("第 %d 条标题", i+1))
		checkLen(v, "articles", a.Body, MaxArticle, fmt.Sprintf("第 %d 条", i+1))
	}
	if err := v.Err(); err != nil {
		if m, ok := v["closes_on"]; ok && strings.Contains(m, "不少于") {
			// The window rule is the refusal that matters: say it at the top.
			return &errs.Error{Code: errs.Invalid, Message: m, Fields: v}
		}
		return err
	}
	return nil
}

// body is the record's text: the basis, the drafting explanation and the
// articles, so the catalogue page, search and exports carry the draft.
func (in *Input) body() string {
	var b strings.Builder
	para := func(s string) {
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				b.WriteString("<p>" + html.EscapeString(l) + "</p>")
			}
		}
	}
	if in.Basis != "" {
		b.WriteString("<h2>决策依据</h2>")
		para(in.Basis)
	}
	if in.Explanation != "" {
		b.WriteString("<h2>起草说明</h2>")
		para(in.Explanation)
	}
	b.WriteString("<h2>草案条文</h2>")
	for _, a := range in.Articles {
		h := fmt.Sprintf("第%d条", a.Seq)
		if a.Heading != "" {
			h += " " + a.Heading
		}
		b.WriteString("<p><strong>" + html.EscapeString(h) + "</strong> " + html.EscapeString(a.Body) + "</p>")
	}
	b.WriteString("<p>欢迎通过本站“意见征集”页面对全文或逐条发表意见。</p>")
	return b.String()
}

// consultationColumn is the site's first list column that holds consultations.
func (s *Service) consultationColumn(ctx context.Context, siteID int64) (int64, error) {
	tree, err := s.Catalog.Tree(ctx, siteID)
	if err != nil {
		return 0, err
	}
	for _, c := range tree.All() {
		if c.Kind == catalog.KindList {
			for _, t := range c.DocTypes {
				if t == "consultation" {
					return c.ID, nil
				}
			}
		}
	}
	return 0, errs.E(errs.Invalid, "本站没有可发布征求意见的栏目（请在栏目管理中为“调查征集”栏目选择“征求意见”类型）")
}

// Create publishes (or drafts) a consultation: its catalogue record and its
// articles in one transaction.
func (s *Service) Create(ctx context.Context, actor *auth.User, siteID int64, in Input) (*Consultation, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "请先登录")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	col := in.ColumnID
	if col == 0 {
		var err error
		if col, err = s.consultationColumn(ctx, siteID); err != nil {
			return nil, err
		}
	}
	fields := map[string]string{"opens_on": in.OpensOn, "closes_on": in.ClosesOn, "channels": in.Channels, "draft_kind": in.Kind, "short_reason": in.ShortReason}
	if in.Major && in.Kind == "policy" && in.ShortReason == "" {
		// A major decision's policy draft keeps the record's 30-day check.
		fields["draft_kind"] = "decision"
	}
	req := catalog.NewItem{Input: catalog.Input{ColumnID: col, DocType: "consultation", Title: in.Title, Body: in.body(), Disclosure: "proactive",
		DepartmentID: in.DepartmentID, PublishedOn: in.OpensOn, Fields: fields}, Department: in.Department, Publish: in.Publish}
	if in.Publish && calendar.Day(in.OpensOn).After(s.today()) {
		// An upcoming consultation's notice is published today.
		req.Input.PublishedOn = s.today().String()
	}
	now := store.Now()
	it, err := s.Catalog.CreateItemWith(ctx, actor, siteID, req, func(tx *sql.Tx, id int64) error {
		var dept int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(department_id, 0) FROM items WHERE id = $1`, id).Scan(&dept); err != nil {
			return errs.Wrap(err, "record department")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO consultations (id, site_id, item_id, kind, major, department_id, decision_id, title, basis, explanation, channels, opens_on, closes_on, short_reason, created_by, created_at)
			VALUES ($1, $2, $1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			id, siteID, in.Kind, b2i(in.Major), dept, in.DecisionID, in.Title, in.Basis, in.Explanation, in.Channels, in.OpensOn, in.ClosesOn, in.ShortReason, actor.ID, now); err != nil {
			return errs.Wrap(err, "insert consultation")
		}
		for _, a := range in.Articles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO consult_articles (consultation_id, seq, heading, body) VALUES ($1, $2, $3, $4)`, id, a.Seq, a.Heading, a.Body); err != nil {
				return errs.Wrap(err, "insert article")
			}
		}
		if in.DecisionID != 0 {
			if err := s.linkDecisionTx(ctx, tx, actor, siteID, in.DecisionID, "consultation", id); err != nil {
				return err
			}
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "consultation.create", Target: fmt.Sprintf("consultation:%d", id),
			After: map[string]any{"title": in.Title, "kind": in.Kind, "opens_on": in.OpensOn, "closes_on": in.ClosesOn, "articles": len(in.Articles), "short_reason": in.ShortReason}}); err != nil {
			return err
		}
		if in.DecisionID != 0 {
			return s.emit(ctx, tx, siteID, EventDecision, in.DecisionID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Get(ctx, siteID, it.ID)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A consultation is read from its record, the catalogue item, joined with
// this package's row: the title, department, dates, ways to take part,
// draft kind and shortened window's reason are the record's (so an edit in
// the catalogue's editor is what the consultation shows); a record made in
// the catalogue's editor, without a row here yet, is a consultation on the
// whole draft (no articles) — its row is added by the first write
// (ensureRow).
const consultCols = `i.id, i.site_id, COALESCE(c.kind, ''), COALESCE(c.major, 0), COALESCE(i.department_id, 0), COALESCE(d.name, ''), COALESCE(c.decision_id, 0),
	i.title, COALESCE(c.basis, ''), COALESCE(c.explanation, ''), i.fields, COALESCE(c.report_item_id, 0), COALESCE(c.report_published_on, ''),
	COALESCE(c.report_summary, ''), i.status, COALESCE(i.index_no, ''), COALESCE(c.created_at, i.created_at)`

const consultFrom = ` FROM items i LEFT JOIN consultations c ON c.item_id = i.id LEFT JOIN departments d ON d.id = i.department_id`

// consultWhere selects the consultation records.
const consultWhere = ` WHERE i.doc_type = 'consultation'`

func (s *Service) scan(row interface{ Scan(...any) error }) (*Consultation, error) {
	c := &Consultation{}
	var major int
	var fields string
	err := row.Scan(&c.ID, &c.SiteID, &c.Kind, &major, &c.DepartmentID, &c.Department, &c.DecisionID, &c.Title, &c.Basis, &c.Explanation, &fields,
		&c.ReportItemID, &c.ReportPublishedOn, &c.ReportSummary, &c.ItemStatus, &c.IndexNo, &c.CreatedAt)
	if err != nil {
		return nil, err
	}
	var fv catalog.FieldValues
	if err := json.Unmarshal([]byte(fields), &fv); err != nil {
		return nil, fmt.Errorf("consultation %d fields: %w", c.ID, err)
	}
	v := func(n string) string { return fv.Fields[n] }
	c.OpensOn, c.ClosesOn, c.Channels, c.ShortReason = v("opens_on"), v("closes_on"), v("channels"), v("short_reason")
	if k := v("draft_kind"); KindByCode(k) != nil && !(k == "decision" && c.Kind == "policy") {
		c.Kind = k // (a major decision's policy draft is recorded as decision)
	}
	if c.Kind == "" {
		// A record from before this package, checked then for 30 days.
		c.Kind = "decision"
	}
	c.Major = major != 0
	c.Articles = []Article{}
	c.State = c.StateOn(s.today())
	return c, nil
}

// ensureRow adds this package's row for a record made in the catalogue's
// editor, in tx, before a comment, a disposition or the report needs it.
func ensureRow(ctx context.Context, tx *sql.Tx, c *Consultation) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO consultations (id, site_id, item_id, kind, department_id, title, opens_on, closes_on, created_at)
		VALUES ($1, $2, $1, $3, $4, $5, $6, $7, $8) ON CONFLICT (item_id) DO NOTHING`, c.ID, c.SiteID, c.Kind, c.DepartmentID, c.Title, c.OpensOn, c.ClosesOn, store.Now())
	return errs.Wrap(err, "consultation row")
}

// Get returns a consultation with its articles and their published comment counts.
func (s *Service) Get(ctx context.Context, siteID, id int64) (*Consultation, error) {
	c, err := s.scan(s.DB.R.QueryRowContext(ctx, `SELECT `+consultCols+consultFrom+consultWhere+` AND i.id = $1 AND i.site_id = $2`, id, siteID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err, "consultation")
	}
	// The published comments per article, counted once (GROUP BY) over
	// the consultation's index.
	rows, err := s.DB.R.QueryContext(ctx, `SELECT a.seq, a.heading, a.body, COALESCE(n.n, 0)
		FROM consult_articles a LEFT JOIN (SELECT article_seq, COUNT(*) AS n FROM consult_comments WHERE consultation_id = $1 AND status = $2 GROUP BY article_seq) n ON n.article_seq = a.seq
		WHERE a.consultation_id = $1 ORDER BY a.seq`, id, CommentPublished)
	if err != nil {
		return nil, errs.Wrap(err, "articles")
	}
	defer rows.Close()
	for rows.Next() {
		var a Article
		if err := rows.Scan(&a.Seq, &a.Heading, &a.Body, &a.Comments); err != nil {
			return nil, errs.Wrap(err, "article")
		}
		c.Articles = append(c.Articles, a)
	}
	return c, errs.Wrap(rows.Err(), "articles")
}

// Filter selects consultations for a list.
type Filter struct {
	State  string // one of the states, or "" for all public ones
	Kind   string
	Year   int
	Public bool // only those the public may see
	// Limit and Offset page the list (Limit 0: all).
	Limit, Offset int
}

// kindExpr is the draft's kind as scan computes it: the record's
// draft_kind (a major decision's policy draft is recorded as decision),
// this package's row, or decision for a record from before it.
const kindExpr = `CASE WHEN fk.value = 'decision' AND c.kind = 'policy' THEN 'policy' WHEN fk.value IN ('legislative', 'decision', 'policy') THEN fk.value
	WHEN COALESCE(c.kind, '') <> '' THEN c.kind ELSE 'decision' END`

// listFrom joins the record's date facets (opens_on, closes_on and
// draft_kind are declared facets of the consultation type), so the states
// and filters are computed in SQL, as StateOn computes them.
const listFrom = consultFrom + ` LEFT JOIN item_facets fo ON fo.item_id = i.id AND fo.name = 'opens_on' LEFT JOIN item_facets fc ON fc.item_id = i.id AND fc.name = 'closes_on'
	LEFT JOIN item_facets fk ON fk.item_id = i.id AND fk.name = 'draft_kind'`

func (s *Service) listWhere(siteID int64, f Filter) (string, []any) {
	q := consultWhere + ` AND i.site_id = $1`
	args := []any{siteID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Public || f.State != "" && f.State != StateDraft && f.State != StateWithdrawn {
		q += ` AND i.status = ` + arg(catalog.StatusPublished)
	}
	today := s.today().String()
	noReport := ` AND COALESCE(c.report_published_on, '') = ''`
	switch f.State {
	case StateDraft:
		q += ` AND i.status NOT IN (` + arg(catalog.StatusPublished) + `, ` + arg(catalog.StatusWithdrawn) + `)`
	case StateWithdrawn:
		q += ` AND i.status = ` + arg(catalog.StatusWithdrawn)
	case StateFeedback:
		q += ` AND COALESCE(c.report_published_on, '') <> ''`
	case StateUpcoming:
		q += noReport + ` AND COALESCE(fo.value, '') > ` + arg(today)
	case StateOpen:
		t := arg(today)
		q += noReport + ` AND COALESCE(fo.value, '') <= ` + t + ` AND COALESCE(fc.value, '') >= ` + t
	case StateClosed:
		q += noReport + ` AND COALESCE(fc.value, '') < ` + arg(today)
	}
	if f.Kind != "" {
		q += ` AND ` + kindExpr + ` = ` + arg(f.Kind)
	}
	if f.Year != 0 {
		q += ` AND COALESCE(fo.value, '') LIKE ` + arg(fmt.Sprintf("%04d-%%", f.Year))
	}
	return q, args
}

// List returns the site's consultations, the latest opening first, a page
// at a time (Filter.Limit).
func (s *Service) List(ctx context.Context, siteID int64, f Filter) ([]*Consultation, error) {
	where, args := s.listWhere(siteID, f)
	q := `SELECT ` + consultCols + listFrom + where + ` ORDER BY COALESCE(fo.value, '') DESC, i.id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "consultations")
	}
	defer rows.Close()
	var out []*Consultation
	for rows.Next() {
		c, err := s.scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "consultation")
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "consultations")
}

// Count counts the consultations List returns without Limit.
func (s *Service) Count(ctx context.Context, siteID int64, f Filter) (int, error) {
	where, args := s.listWhere(siteID, f)
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*)`+listFrom+where, args...).Scan(&n)
	return n, errs.Wrap(err, "count consultations")
}
