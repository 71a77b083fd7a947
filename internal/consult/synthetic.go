package consult

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

func init() { synthetic.Register("consult", genSynthetic) }

// The synthetic site's public participation, scaled from s.N (at 100,000
// items): every consultation record the items generator made (about 4% of
// the items, 2010–2026) gets its draft's articles and its comments —
// as many as its record's 意见收集和采纳情况 says it received, so the
// published figures reconcile with the comments, with moderation states,
// reasons and dispositions — plus two busy ones: an open consultation with
// s.N/30 comments (the public page's pagination, the moderation queue) and
// a closed one awaiting feedback with s.N/50 (the dispositions desk). The
// decision catalogue has s.N/1,000 entries a year over 2016–2025 with their
// timelines and links; s.N/500 meetings with topics and applications;
// s.N/2,000 surveys with s.N/10 answers. Contacts are sealed with s.DataKey
// and survey voters blinded, as the real code does; without a key the
// generator skips itself.

const synthBatch = 500

// synthInsert writes rows with multi-row INSERTs (placeholders within the
// drivers' limits).
func synthInsert(ctx context.Context, tx *sql.Tx, d store.Dialect, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := 30000 / width
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		n := 0
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('(')
			for j := range r {
				if j > 0 {
					q.WriteString(", ")
				}
				n++
				if d == store.SQLite {
					q.WriteByte('?')
				} else {
					q.WriteString("$" + strconv.Itoa(n))
				}
			}
			q.WriteByte(')')
		}
		args := make([]any, 0, len(chunk)*width)
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return errs.Wrap(err, "synthetic insert "+table)
		}
	}
	return nil
}

// synthWriter buffers rows per table and writes them in batches.
type synthWriter struct {
	ctx   context.Context
	db    *store.DB
	order []string
	cols  map[string]string
	rows  map[string][][]any
	n     int
}

func (w *synthWriter) add(table, cols string, row ...any) error {
	if w.cols == nil {
		w.cols, w.rows = map[string]string{}, map[string][][]any{}
	}
	if _, ok := w.cols[table]; !ok {
		w.order = append(w.order, table)
		w.cols[table] = cols
	}
	w.rows[table] = append(w.rows[table], row)
	if w.n++; w.n >= 20*synthBatch {
		return w.flush()
	}
	return nil
}

func (w *synthWriter) flush() error {
	err := w.db.Tx(w.ctx, func(tx *sql.Tx) error {
		for _, t := range w.order { // parents first: the order of first use
			if err := synthInsert(w.ctx, tx, w.db.Dialect, t, w.cols[t], w.rows[t]); err != nil {
				return err
			}
			w.rows[t] = w.rows[t][:0]
		}
		return nil
	})
	w.n = 0
	return err
}

var (
	synthSurnames = []string{"张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"}
	synthAspects  = []string{"适用范围", "职责分工", "办理时限", "申请材料", "收费标准", "监督检查", "信息公开", "法律责任", "服务网点设置", "便民措施", "数据共享", "投诉渠道"}
	synthOpinions = []string{"建议明确%s的具体标准，避免执行中理解不一。", "建议将%s的规定与上位法表述保持一致。", "%s部分建议增加对农村地区和老年人的便利措施。",
		"建议细化%s，写明牵头单位和配合单位。", "对%s有不同意见：现行做法已较成熟，不宜作大的调整。", "建议%s中的期限按工作日计算，并写明起算日。",
		"希望%s增加线上办理渠道。", "建议删除%s中重复的表述。"}
	synthReasons = map[string][]string{
		"adopted":     {"已采纳，相关条款已作修改。", "意见合理，已在修改稿中体现。"},
		"partly":      {"部分采纳：已细化相关表述，具体标准由配套文件规定。", "部分采纳，其余内容属于执行层面，将在实施细则中考虑。"},
		"not_adopted": {"上位法已有明确规定，不再重复规定。", "超出本草案调整范围，已转有关部门研究。", "现行规定已能满足需要，暂不作调整。"},
	}
	synthSpam = []string{"低价代办各类证件，联系微信 xxx", "专业刷单兼职日结", "出售发票，电话 138xxxx"}
)

func synthName(r *rand.Rand) string {
	return synthSurnames[r.IntN(len(synthSurnames))] + []string{"先生", "女士", "某某", "伟", "芳", "敏", "强", "静"}[r.IntN(8)]
}

func synthContact(r *rand.Rand, i int) string {
	if r.IntN(3) == 0 {
		return fmt.Sprintf("user%06d@example.cn", i)
	}
	return fmt.Sprintf("1%02d%08d", 30+r.IntN(60), i)
}

// synthTime is noon (Beijing) of d plus some minutes, as stored.
func synthTime(r *rand.Rand, d calendar.Date) string {
	return store.FormatTime(time.Date(d.Year, time.Month(d.Month), d.Day, 8+r.IntN(10), r.IntN(60), r.IntN(60), 0, calendar.Beijing))
}

type synthRecord struct {
	id, dept          int64
	title, fields     string
	opens, closes     calendar.Date
	kind              string
	feedback          string
	feedbackOn        string
	received, adopted int
}

func genSynthetic(ctx context.Context, s *synthetic.Site) error {
	if len(s.DataKey) == 0 || s.N < 1000 {
		return nil
	}
	sealer, err := secure.NewSealer(s.DataKey)
	if err != nil {
		return err
	}
	db := s.Catalog.DB
	office, err := s.Auth.UserByName(ctx, "office")
	if err != nil {
		return err
	}
	today := s.Today
	if today.IsZero() {
		today = calendar.Today()
	}
	r := s.Rand("consult")
	siteID := s.Site.ID
	var depts []int64
	for _, id := range s.Departments {
		depts = append(depts, id)
	}
	slices.Sort(depts)

	// The consultation records the items generator made.
	rows, err := db.R.QueryContext(ctx, `SELECT id, COALESCE(department_id, 0), title, fields FROM items WHERE site_id = $1 AND doc_type = 'consultation' AND status = 'published' ORDER BY id`, siteID)
	if err != nil {
		return errs.Wrap(err, "synthetic consult: records")
	}
	var recs []*synthRecord
	for rows.Next() {
		c := &synthRecord{}
		if err := rows.Scan(&c.id, &c.dept, &c.title, &c.fields); err != nil {
			rows.Close()
			return errs.Wrap(err, "synthetic consult: record")
		}
		var fv catalog.FieldValues
		if err := json.Unmarshal([]byte(c.fields), &fv); err != nil {
			rows.Close()
			return fmt.Errorf("synthetic consult: record %d: %w", c.id, err)
		}
		c.opens, c.closes = calendar.Day(fv.Fields["opens_on"]), calendar.Day(fv.Fields["closes_on"])
		if c.opens.IsZero() || c.closes.IsZero() {
			continue
		}
		c.kind = fv.Fields["draft_kind"]
		if KindByCode(c.kind) == nil {
			c.kind = []string{"legislative", "decision", "policy"}[c.id%3]
		}
		c.feedback, c.feedbackOn = fv.Fields["feedback"], fv.Fields["feedback_on"]
		if c.feedbackOn != "" {
			// "征求意见期间共收到意见建议%d条，采纳%d条；…": the comments
			// are made to match what the record says.
			fmt.Sscanf(strings.TrimPrefix(c.feedback, "征求意见期间共收到意见建议"), "%d条，采纳%d条", &c.received, &c.adopted)
		}
		recs = append(recs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "synthetic consult: records")
	}
	// The busy ones: the latest open record and the latest closed one
	// awaiting feedback.
	var hotOpen, hotClosed *synthRecord
	for i := len(recs) - 1; i >= 0; i-- {
		c := recs[i]
		switch {
		case hotOpen == nil && !today.Before(c.opens) && !today.After(c.closes):
			hotOpen = c
		case hotClosed == nil && today.After(c.closes) && c.feedbackOn == "":
			hotClosed = c
		}
	}

	var nextDisp int64
	if err := db.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM consult_dispositions`).Scan(&nextDisp); err != nil {
		return errs.Wrap(err, "synthetic consult: ids")
	}
	w := &synthWriter{ctx: ctx, db: db}
	const consCols = "id, site_id, item_id, kind, major, department_id, decision_id, title, basis, explanation, channels, opens_on, closes_on, short_reason, report_item_id, report_published_on, report_summary, created_by, created_at"
	const artCols = "consultation_id, seq, heading, body"
	const dispCols = "id, consultation_id, outcome, reason, created_by, created_at"
	const comCols = "consultation_id, seq, article_seq, name, contact_sealed, body, publish_consent, channel, status, reason, moderated_by, moderated_at, disposition_id, received_at"
	contactN := 0
	total := 0
	for i, c := range recs {
		if s.Progress != nil && i%200 == 0 {
			s.Progress("consultations", i, len(recs))
		}
		nArts := 4 + r.IntN(12)
		reportOn, summary := "", ""
		n := 2 + r.IntN(12)
		switch {
		case c == hotOpen:
			n = s.N / 30
		case c == hotClosed:
			n = s.N / 50
		case c.feedbackOn != "":
			n = c.received
			reportOn, summary = c.feedbackOn, c.feedback
		case today.Before(c.opens):
			n = 0
		}
		major := 0
		if c.kind == "decision" {
			major = 1
		}
		topic := strings.TrimSuffix(strings.TrimPrefix(c.title, "关于《"), "》公开征求意见的公告")
		if err := w.add("consultations", consCols, c.id, siteID, c.id, c.kind, major, c.dept, 0, c.title,
			"《中华人民共和国立法法》《重大行政决策程序暂行条例》及有关法律法规", "为进一步规范"+topic+"相关工作，结合本市实际，起草了本草案。", "网上提交；电子邮箱：lyssfj@ly.shandong.cn；信函：临沂市北城新区北京路8号",
			c.opens.String(), c.closes.String(), "", 0, reportOn, summary, office.ID, synthTime(r, c.opens.AddDays(-1))); err != nil {
			return err
		}
		for a := 1; a <= nArts; a++ {
			asp := synthAspects[(a+int(c.id))%len(synthAspects)]
			if err := w.add("consult_articles", artCols, c.id, a, asp, fmt.Sprintf("%s应当遵守本办法关于%s的规定。有关部门应当按照职责分工，做好%s的组织实施、监督检查和服务保障工作。", topic, asp, asp)); err != nil {
				return err
			}
		}
		closed := today.After(c.closes)
		// Which counted comments are adopted: the record's figure for a
		// reported one, about a fifth otherwise.
		adoptLeft := c.adopted
		var disp struct {
			id      int64
			article int
			left    int
		}
		for k := 1; k <= n; k++ {
			contactN++
			total++
			art := 0
			if r.IntN(5) > 0 {
				art = 1 + r.IntN(nArts)
			}
			body := fmt.Sprintf(synthOpinions[r.IntN(len(synthOpinions))], synthAspects[(art+int(c.id))%len(synthAspects)])
			consent := r.IntN(3) > 0
			got := c.opens.AddDays(r.IntN(max(c.closes.Sub(c.opens), 1)))
			if got.After(today) {
				got = today
			}
			status, reason, modAt := CommentPending, "", ""
			var modBy int64
			dispID := int64(0)
			// Moderated: all of a closed consultation's, most of an open one's.
			if closed || r.IntN(10) < 6 {
				modBy, modAt = office.ID, synthTime(r, got.AddDays(1+r.IntN(2)))
				switch {
				case r.IntN(100) < 8 && !(c.feedbackOn != "" && n-k < adoptLeft):
					status, reason = CommentRejected, RejectReasons[r.IntN(len(RejectReasons))].Code
					if reason == "spam" {
						body = synthSpam[r.IntN(len(synthSpam))]
					}
				case consent:
					status = CommentPublished
				default:
					status = CommentKept
				}
			}
			if status == CommentPublished || status == CommentKept {
				// Dispositions: every counted comment of a reported
				// consultation, two thirds of the busy closed one's.
				if c.feedbackOn != "" || c == hotClosed && r.IntN(3) < 2 {
					if disp.id == 0 || disp.left == 0 || disp.article != art {
						outcome := "not_adopted"
						switch {
						case c.feedbackOn != "" && adoptLeft > 0:
							outcome = "adopted"
						case c.feedbackOn == "" && r.IntN(5) == 0:
							outcome = "adopted"
						case r.IntN(3) == 0:
							outcome = "partly"
						}
						nextDisp++
						disp.id, disp.article, disp.left = nextDisp, art, 1+r.IntN(4)
						if outcome == "adopted" {
							disp.left = 1 // adopted comments one by one, so the count is exact
						}
						rs := synthReasons[outcome]
						if err := w.add("consult_dispositions", dispCols, nextDisp, c.id, outcome, rs[r.IntN(len(rs))], office.ID, synthTime(r, c.closes.AddDays(3+r.IntN(5)))); err != nil {
							return err
						}
						if outcome == "adopted" {
							adoptLeft--
						}
					}
					dispID = disp.id
					disp.left--
				}
			}
			sealed, err := sealer.Seal(synthContact(r, contactN))
			if err != nil {
				return err
			}
			name := ""
			if r.IntN(3) > 0 {
				name = synthName(r)
			}
			channel := "online"
			if r.IntN(20) == 0 {
				channel = []string{"letter", "email"}[r.IntN(2)]
			}
			if err := w.add("consult_comments", comCols, c.id, k, art, name, sealed, body, b2i(consent), channel, status, reason, modBy, modAt, dispID, synthTime(r, got)); err != nil {
				return err
			}
		}
	}
	if err := w.flush(); err != nil {
		return err
	}
	if s.Progress != nil {
		s.Progress("consultations", len(recs), len(recs))
	}
	if err := genSynthDecisions(ctx, s, w, r, recs, depts); err != nil {
		return err
	}
	if err := genSynthMeetings(ctx, s, w, r, sealer, depts, today); err != nil {
		return err
	}
	if err := genSynthSurveys(ctx, s, w, r, sealer, today); err != nil {
		return err
	}
	if err := w.flush(); err != nil {
		return err
	}
	if db.Dialect == store.Postgres {
		for _, t := range []string{"consultations", "consult_articles", "consult_dispositions", "consult_comments", "decisions", "decision_events", "meetings", "meeting_topics", "meeting_applications", "surveys", "survey_answers"} {
			if _, err := db.W.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM `+t+`), 1))`); err != nil {
				return errs.Wrap(err, "synthetic consult: sequence "+t)
			}
		}
	}
	return nil
}

func genSynthDecisions(ctx context.Context, s *synthetic.Site, w *synthWriter, r *rand.Rand, recs []*synthRecord, depts []int64) error {
	var next, nextEv int64
	if err := s.Catalog.DB.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM decisions`).Scan(&next); err != nil {
		return errs.Wrap(err, "synthetic decisions: ids")
	}
	if err := s.Catalog.DB.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM decision_events`).Scan(&nextEv); err != nil {
		return errs.Wrap(err, "synthetic decisions: ids")
	}
	// Consultations of each year, to link to.
	byYear := map[int][]*synthRecord{}
	for _, c := range recs {
		byYear[c.opens.Year] = append(byYear[c.opens.Year], c)
	}
	perYear := max(s.N/1000, 5)
	const decCols = "id, site_id, year, seq, title, department_id, basis, planned_on, status, status_reason, links_json, updated_at"
	const evCols = "id, decision_id, action, note, after_json, actor_name, created_at"
	for y := 2016; y <= 2025; y++ {
		for k := 1; k <= perYear; k++ {
			next++
			asp := synthAspects[r.IntN(len(synthAspects))]
			d := &Decision{ID: next, SiteID: s.Site.ID, Year: y, Seq: k, Title: fmt.Sprintf("制定《临沂市%s%s规定》（%d-%02d）", []string{"公共法律服务", "人民调解", "法律援助", "社区矫正", "行政执法监督", "司法鉴定管理"}[r.IntN(6)], asp, y, k),
				DepartmentID: depts[r.IntN(len(depts))], Basis: "《重大行政决策程序暂行条例》第三条", PlannedOn: calendar.Date{Year: y, Month: time.Month(3 + r.IntN(10)), Day: 28}.String(), Status: "planned", Links: []Link{}}
			day := calendar.Date{Year: y, Month: 1, Day: 10 + r.IntN(15)}
			d.UpdatedAt = synthTime(r, day)
			events := [][]any{}
			ev := func(action, note string) {
				after, _ := json.Marshal(d)
				nextEv++
				events = append(events, []any{nextEv, next, action, note, string(after), "临沂市司法局政务公开办公室", d.UpdatedAt})
			}
			ev("create", "")
			if cs := byYear[y]; len(cs) > 0 && r.IntN(3) > 0 {
				c := cs[r.IntN(len(cs))]
				day = c.opens
				d.UpdatedAt, d.Status = synthTime(r, day), "consulting"
				d.Links = append(d.Links, Link{Kind: "consultation", Title: c.title, URL: fmt.Sprintf("/consultations/%d", c.id)})
				ev("link", "公开征求意见："+c.title)
			}
			switch x := r.IntN(10); {
			case x < 6:
				day = day.AddDays(40 + r.IntN(60))
				d.UpdatedAt = synthTime(r, day)
				d.Links = append(d.Links, Link{Kind: "legality_review", Title: "合法性审查意见", URL: "https://sfj.linyi.gov.cn/"})
				ev("link", "合法性审查：合法性审查意见")
				d.Status = "decided"
				ev("status", "")
			case x < 8:
				d.Status, d.StatusReason, d.UpdatedAt = "adjusted", "根据上级部署调整完成时间", synthTime(r, day.AddDays(30))
				ev("status", d.StatusReason)
			case x < 9:
				d.Status, d.StatusReason, d.UpdatedAt = "removed", "省级已统一制定相关规定", synthTime(r, day.AddDays(30))
				ev("status", d.StatusReason)
			}
			links, _ := json.Marshal(d.Links)
			if err := w.add("decisions", decCols, d.ID, d.SiteID, y, k, d.Title, d.DepartmentID, d.Basis, d.PlannedOn, d.Status, d.StatusReason, string(links), d.UpdatedAt); err != nil {
				return err
			}
			for _, e := range events {
				if err := w.add("decision_events", evCols, e...); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func genSynthMeetings(ctx context.Context, s *synthetic.Site, w *synthWriter, r *rand.Rand, sealer *secure.Sealer, depts []int64, today calendar.Date) error {
	var next int64
	if err := s.Catalog.DB.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM meetings`).Scan(&next); err != nil {
		return errs.Wrap(err, "synthetic meetings: ids")
	}
	n := max(s.N/500, 4)
	const mCols = "id, site_id, title, meeting_type, held_on, place, apply_until, invited, decisions_text, links_json, published, created_at"
	const tCols = "meeting_id, seq, title, department_id, public_interest, stakeholder_plan"
	const aCols = "meeting_id, name, category, organisation, contact_sealed, reason, status, answer, decided_by, received_at"
	first := calendar.Date{Year: 2016, Month: 1, Day: 1}
	span := today.Sub(first) + 30
	for i := range n {
		next++
		held := first.AddDays(i * span / n)
		typ := MeetingTypes[r.IntN(len(MeetingTypes))]
		title := fmt.Sprintf("%d年第%d次%s", held.Year, 1+int(held.Month)/2, typ.Label)
		dec := ""
		if held.Before(today) {
			dec = "一、原则通过有关议题，由承办科室根据讨论意见修改后按程序印发。\n二、涉及群众切身利益的事项，做好解读和宣传工作。"
		}
		if err := w.add("meetings", mCols, next, s.Site.ID, title, typ.Code, held.String(), "市司法局三楼会议室", held.AddDays(-3).String(), "新闻媒体代表1名、法律顾问1名",
			dec, "[]", 1, synthTime(r, held.AddDays(-10))); err != nil {
			return err
		}
		for k := 1; k <= 2+r.IntN(5); k++ {
			pi, plan := 0, ""
			if r.IntN(3) == 0 {
				pi = 1
				if r.IntN(10) > 0 {
					plan = "邀请利益相关方代表2名、公众代表1名列席"
				}
			}
			if err := w.add("meeting_topics", tCols, next, k, "研究"+synthAspects[r.IntN(len(synthAspects))]+"有关事项", depts[r.IntN(len(depts))], pi, plan); err != nil {
				return err
			}
		}
		for k := range r.IntN(8) {
			sealed, err := sealer.Seal(synthContact(r, 900000+i*10+k))
			if err != nil {
				return err
			}
			status, answer := AppAccepted, "同意列席，请于会前30分钟到会议室签到。"
			switch x := r.IntN(10); {
			case x < 2:
				status, answer = AppDeclined, "列席名额已满，感谢关注。"
			case x < 3 && held.After(today):
				status, answer = AppPending, ""
			}
			cat := AttendeeCategories[r.IntN(len(AttendeeCategories))].Code
			if err := w.add("meeting_applications", aCols, next, synthName(r), cat, "", sealed, "本人关注该议题，希望列席旁听并反映意见。", status, answer, 0, synthTime(r, held.AddDays(-5))); err != nil {
				return err
			}
		}
	}
	return nil
}

func genSynthSurveys(ctx context.Context, s *synthetic.Site, w *synthWriter, r *rand.Rand, sealer *secure.Sealer, today calendar.Date) error {
	var next int64
	if err := s.Catalog.DB.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM surveys`).Scan(&next); err != nil {
		return errs.Wrap(err, "synthetic surveys: ids")
	}
	n := max(s.N/2000, 2)
	answers := s.N / 10 / n
	qs := []Question{{1, "您对本单位公共法律服务的总体评价", QSingle, []string{"满意", "基本满意", "不满意"}},
		{2, "您使用过哪些服务", QMultiple, []string{"法律咨询", "法律援助", "公证", "人民调解"}},
		{3, "其他意见建议", QText, []string{}}}
	qj, _ := json.Marshal(qs)
	first := calendar.Date{Year: 2016, Month: 3, Day: 1}
	span := today.Sub(first)
	for i := range n {
		next++
		opens := first.AddDays(i * span / n)
		closes := opens.AddDays(30)
		if err := w.add("surveys", "id, site_id, title, intro, opens_on, closes_on, questions_json, created_at", next, s.Site.ID,
			fmt.Sprintf("%d年公共法律服务满意度网上调查（第%d期）", opens.Year, i+1), "欢迎参与，每人限答一次。", opens.String(), closes.String(), string(qj), synthTime(r, opens)); err != nil {
			return err
		}
		for k := range answers {
			a := Answer{Choices: map[int][]int{1: {1 + r.IntN(3)}, 2: {1 + r.IntN(2), 3 + r.IntN(2)}}, Texts: map[int]string{}}
			if r.IntN(5) == 0 {
				a.Texts[3] = "希望增加周末服务时间。"
			}
			body, _ := json.Marshal(a)
			key := sealer.Blind(fmt.Sprintf("survey:%d:%s", next, synthContact(r, k)))
			got := opens.AddDays(r.IntN(30))
			if got.After(today) {
				got = today
			}
			if err := w.add("survey_answers", "survey_id, voter_key, answers_json, received_at", next, key, string(body), synthTime(r, got)); err != nil {
				return err
			}
		}
	}
	return nil
}
