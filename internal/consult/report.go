package consult

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// Report is the feedback report (意见收集和采纳情况), computed from the
// comments and their dispositions: what 《重大行政决策程序暂行条例》第十八条
// and 第三十二条 ask the decision body to say about the public's comments
// (how they were studied and adopted), grouped by article.
type Report struct {
	Received   int `json:"received"`    // every comment that arrived
	Rejected   int `json:"rejected"`    // moderated out (spam, abuse …), not counted
	Pending    int `json:"pending"`     // not yet moderated
	Counted    int `json:"counted"`     // Received − Rejected − Pending
	Adopted    int `json:"adopted"`     // comments whose disposition is 采纳
	Partly     int `json:"partly"`      // 部分采纳
	NotAdopted int `json:"not_adopted"` // 不予采纳
	Undisposed int `json:"undisposed"`  // counted, without a disposition yet
	// Articles are the groups: 0 the whole draft, then each article that
	// received counted comments.
	Articles []ReportArticle `json:"articles"`
}

// ReportArticle is one article's comments and their dispositions.
type ReportArticle struct {
	Seq          int           `json:"article"`
	Heading      string        `json:"heading"`
	Comments     int           `json:"comments"`
	Adopted      int           `json:"adopted"`
	Partly       int           `json:"partly"`
	NotAdopted   int           `json:"not_adopted"`
	Dispositions []Disposition `json:"dispositions"`
}

// Label names the group.
func (a *ReportArticle) Label() string {
	if a.Seq == 0 {
		return "对草案全文的意见"
	}
	if a.Heading != "" {
		return fmt.Sprintf("第%d条（%s）", a.Seq, a.Heading)
	}
	return fmt.Sprintf("第%d条", a.Seq)
}

// Complete reports whether every counted comment is answered and none waits.
func (r *Report) Complete() bool { return r.Pending == 0 && r.Undisposed == 0 }

// Report computes the consultation's feedback report.
func (s *Service) Report(ctx context.Context, c *Consultation) (*Report, error) {
	cs, err := s.Comments(ctx, c.ID, CommentFilter{Article: -1})
	if err != nil {
		return nil, err
	}
	ds, err := s.Dispositions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	outcome := map[int64]string{}
	byID := map[int64]*Disposition{}
	for i, d := range ds {
		outcome[d.ID] = d.Outcome
		byID[d.ID] = &ds[i]
	}
	r := &Report{Articles: []ReportArticle{}}
	groups := map[int]*ReportArticle{}
	group := func(seq int) *ReportArticle {
		if g, ok := groups[seq]; ok {
			return g
		}
		g := &ReportArticle{Seq: seq}
		if seq > 0 && seq <= len(c.Articles) {
			g.Heading = c.Articles[seq-1].Heading
		}
		groups[seq] = g
		return g
	}
	// A merged group's disposition is listed under each article its
	// comments concern, with the numbers of those comments.
	perGroup := map[int]map[int64]*Disposition{}
	for _, m := range cs {
		r.Received++
		switch m.Status {
		case CommentRejected:
			r.Rejected++
			continue
		case CommentPending:
			r.Pending++
			continue
		}
		r.Counted++
		g := group(m.Article)
		g.Comments++
		switch outcome[m.DispositionID] {
		case "adopted":
			r.Adopted++
			g.Adopted++
		case "partly":
			r.Partly++
			g.Partly++
		case "not_adopted":
			r.NotAdopted++
			g.NotAdopted++
		default:
			r.Undisposed++
			continue
		}
		if perGroup[m.Article] == nil {
			perGroup[m.Article] = map[int64]*Disposition{}
		}
		pd := perGroup[m.Article][m.DispositionID]
		if pd == nil {
			d := byID[m.DispositionID]
			pd = &Disposition{ID: d.ID, Outcome: d.Outcome, Reason: d.Reason}
			perGroup[m.Article][m.DispositionID] = pd
			g.Dispositions = append(g.Dispositions, Disposition{})
		}
		pd.Comments = append(pd.Comments, int64(m.Seq))
	}
	for seq := 0; seq <= len(c.Articles); seq++ {
		g, ok := groups[seq]
		if !ok {
			continue
		}
		g.Dispositions = []Disposition{}
		for _, d := range ds { // in the order they were recorded
			if pd := perGroup[seq][d.ID]; pd != nil {
				g.Dispositions = append(g.Dispositions, *pd)
			}
		}
		r.Articles = append(r.Articles, *g)
	}
	return r, nil
}

// Summary is the report in one sentence (the record's 意见收集和采纳情况 field).
func (r *Report) Summary() string {
	return fmt.Sprintf("征求意见期间共收到意见 %d 条，其中 %d 条为广告、辱骂等无效内容未予采用；有效意见 %d 条，采纳 %d 条，部分采纳 %d 条，不予采纳 %d 条。",
		r.Received, r.Rejected, r.Counted, r.Adopted, r.Partly, r.NotAdopted)
}

// HTML renders the report for its catalogue item.
func (r *Report) HTML(c *Consultation) string {
	var b strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&b, "<p>%s于 %s 至 %s 公开征求社会公众意见。%s</p>", esc("《"+c.Title+"》"), c.OpensOn, c.ClosesOn, esc(r.Summary()))
	for _, g := range r.Articles {
		fmt.Fprintf(&b, "<h2>%s</h2><p>意见 %d 条：采纳 %d 条，部分采纳 %d 条，不予采纳 %d 条。</p><ul>", esc(g.Label()), g.Comments, g.Adopted, g.Partly, g.NotAdopted)
		for _, d := range g.Dispositions {
			nums := make([]string, len(d.Comments))
			for i, n := range d.Comments {
				nums[i] = fmt.Sprintf("%d", n)
			}
			fmt.Fprintf(&b, "<li>%s（意见第 %s 号）：%s</li>", esc(d.OutcomeLabel()), strings.Join(nums, "、"), esc(d.Reason))
		}
		b.WriteString("</ul>")
	}
	return b.String()
}

// PublishReport publishes the feedback report of a closed consultation in
// which every counted comment has its disposition: a catalogue item (with
// its index number) in the record's column, and the record's 意见收集和采纳
// 情况 and 反馈公开日期, which fulfil the deadline rule consultation.feedback
// (the deadline engine and the self-inspection track it until then).
func (s *Service) PublishReport(ctx context.Context, actor *auth.User, siteID, id int64) (*Consultation, error) {
	c, err := s.staffConsultation(ctx, actor, siteID, id)
	if err != nil {
		return nil, err
	}
	if !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以发布意见收集和采纳情况")
	}
	if c.ReportItemID == 0 {
		if c.State != StateClosed {
			return nil, errs.E(errs.Conflict, "征集%s，不能发布意见收集和采纳情况（征集结束后发布）", StateLabels[c.State])
		}
		r, err := s.Report(ctx, c)
		if err != nil {
			return nil, err
		}
		if !r.Complete() {
			return nil, errs.E(errs.Conflict, "还有 %d 条意见待审核、%d 条有效意见未登记采纳情况，请处理后再发布", r.Pending, r.Undisposed)
		}
		rec, err := s.Catalog.Item(ctx, siteID, c.ID)
		if err != nil {
			return nil, err
		}
		today := s.today().String()
		in := catalog.Input{ColumnID: rec.ColumnID, DocType: "general", Title: "关于" + strings.TrimPrefix(c.Title, "关于") + "的意见收集和采纳情况",
			Body: r.HTML(c), Disclosure: "proactive", DepartmentID: c.DepartmentID, PublishedOn: today, Summary: r.Summary()}
		if t := []rune(in.Title); len(t) > MaxTitle {
			in.Title = string(t[:MaxTitle-9]) + "…的意见收集和采纳情况"
		}
		summary := r.Summary()
		_, err = s.Catalog.CreateItemWith(ctx, actor, siteID, catalog.NewItem{Input: in, Publish: true}, func(tx *sql.Tx, item int64) error {
			if err := ensureRow(ctx, tx, c); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE consultations SET report_item_id = $1, report_published_on = $2, report_summary = $3 WHERE id = $4 AND report_item_id = 0`,
				item, today, summary, c.ID)
			if err != nil {
				return errs.Wrap(err, "report")
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errs.E(errs.Conflict, "意见收集和采纳情况已由他人发布")
			}
			return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "consultation.report", Target: fmt.Sprintf("consultation:%d", c.ID),
				After: map[string]any{"report_item_id": item, "received": r.Received, "counted": r.Counted, "adopted": r.Adopted, "partly": r.Partly, "not_adopted": r.NotAdopted}})
		})
		if err != nil {
			return nil, err
		}
		if c, err = s.Get(ctx, siteID, id); err != nil {
			return nil, err
		}
	}
	// The record's feedback fields: in a second step (the catalogue's own
	// revision transaction); a failure here is repaired by publishing again,
	// which finds the report and only fills the record.
	if err := s.fillRecord(ctx, actor, siteID, c); err != nil {
		return nil, err
	}
	return s.Get(ctx, siteID, id)
}

func (s *Service) fillRecord(ctx context.Context, actor *auth.User, siteID int64, c *Consultation) error {
	rec, err := s.Catalog.Item(ctx, siteID, c.ID)
	if err != nil {
		return err
	}
	if rec.Value("feedback_on") != "" {
		return nil
	}
	rep, err := s.Catalog.Item(ctx, siteID, c.ReportItemID)
	if err != nil {
		return err
	}
	in, err := s.Catalog.InputOf(ctx, rec)
	if err != nil {
		return err
	}
	in.Fields["feedback"] = c.ReportSummary + fmt.Sprintf("详见《%s》（索引号 %s）。", rep.Title, rep.IndexNo)
	in.Fields["feedback_on"] = c.ReportPublishedOn
	in.ChangeNote = "公开意见收集和采纳情况"
	_, err = s.Catalog.Update(ctx, actor, siteID, rec.ID, in)
	return err
}
