package consult

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Online surveys (网上调查, issue 10; a participation method of 《重大行政决策程序
// 暂行条例》第十四条: 问卷调查、民意调查): single and multiple choice and free
// text, one answer per person — the person is the contact, kept only as a
// keyed hash (Sealer.Blind), never stored or shown — and the results
// published after closing. Free-text answers are counted publicly and read
// by staff only (they may hold personal data).

// Question kinds.
const (
	QSingle   = "single"
	QMultiple = "multiple"
	QText     = "text"
)

// Question is one question of a survey.
type Question struct {
	Seq     int      `json:"seq"`
	Text    string   `json:"text"`
	Kind    string   `json:"kind"`
	Options []string `json:"options"`
}

// Survey is an online survey.
type Survey struct {
	ID        int64      `json:"id"`
	SiteID    int64      `json:"-"`
	Title     string     `json:"title"`
	Intro     string     `json:"intro"`
	OpensOn   string     `json:"opens_on"`
	ClosesOn  string     `json:"closes_on"`
	Questions []Question `json:"questions"`
	State     string     `json:"state"` // upcoming, open, closed
	CreatedAt string     `json:"created_at"`
}

// StateLabel names the state.
func (s *Survey) StateLabel() string {
	return map[string]string{StateUpcoming: "即将开始", StateOpen: "正在调查", StateClosed: "已结束"}[s.State]
}

func (s *Survey) stateOn(today calendar.Date) string {
	switch {
	case today.Before(calendar.Day(s.OpensOn)):
		return StateUpcoming
	case !today.After(calendar.Day(s.ClosesOn)):
		return StateOpen
	}
	return StateClosed
}

// Limits of surveys.
const (
	MaxQuestions = 30
	MaxOptions   = 12
	MaxOption    = 100
	MaxQuestion  = 300
	MaxFreeText  = 1000
)

// SurveyInput is a new survey.
type SurveyInput struct {
	Title, Intro, OpensOn, ClosesOn string
	Questions                       []Question
}

// CreateSurvey records a survey (the office).
func (s *Service) CreateSurvey(ctx context.Context, actor *auth.User, siteID int64, in SurveyInput) (*Survey, error) {
	if actor == nil || !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以发布网上调查")
	}
	in.Title, in.Intro = clean(in.Title), clean(in.Intro)
	v := errs.Validation{}
	if in.Title == "" {
		v.Add("title", "请填写调查名称")
	}
	checkLen(v, "title", in.Title, MaxTitle, "调查名称")
	checkLen(v, "intro", in.Intro, MaxText, "调查说明")
	o, err1 := calendar.Parse(in.OpensOn)
	c, err2 := calendar.Parse(in.ClosesOn)
	if err1 != nil {
		v.Add("opens_on", "请填写开始日期（YYYY-MM-DD）")
	}
	if err2 != nil {
		v.Add("closes_on", "请填写截止日期（YYYY-MM-DD）")
	}
	if err1 == nil && err2 == nil && c.Before(o) {
		v.Add("closes_on", "截止日期不能早于开始日期")
	}
	if len(in.Questions) == 0 || len(in.Questions) > MaxQuestions {
		v.Add("questions", fmt.Sprintf("请填写 1 至 %d 个问题", MaxQuestions))
	}
	for i := range in.Questions {
		q := &in.Questions[i]
		q.Seq, q.Text = i+1, clean(q.Text)
		if q.Text == "" {
			v.Add("questions", fmt.Sprintf("第 %d 题没有题目", i+1))
		}
		checkLen(v, "questions", q.Text, MaxQuestion, fmt.Sprintf("第 %d 题", i+1))
		switch q.Kind {
		case QSingle, QMultiple:
			if len(q.Options) < 2 || len(q.Options) > MaxOptions {
				v.Add("questions", fmt.Sprintf("第 %d 题应有 2 至 %d 个选项", i+1, MaxOptions))
			}
			for j := range q.Options {
				q.Options[j] = clean(q.Options[j])
				if q.Options[j] == "" {
					v.Add("questions", fmt.Sprintf("第 %d 题有空选项", i+1))
				}
				checkLen(v, "questions", q.Options[j], MaxOption, fmt.Sprintf("第 %d 题的选项", i+1))
			}
		case QText:
			q.Options = []string{}
		default:
			v.Add("questions", fmt.Sprintf("第 %d 题的类型应为 single、multiple 或 text", i+1))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	qs, _ := json.Marshal(in.Questions)
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO surveys (site_id, title, intro, opens_on, closes_on, questions_json, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			siteID, in.Title, in.Intro, in.OpensOn, in.ClosesOn, string(qs), store.Now()).Scan(&id); err != nil {
			return errs.Wrap(err, "insert survey")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "survey.create", Target: fmt.Sprintf("survey:%d", id), After: in})
	})
	if err != nil {
		return nil, err
	}
	return s.Survey(ctx, siteID, id)
}

const surveyCols = `id, site_id, title, intro, opens_on, closes_on, questions_json, created_at`

func (s *Service) scanSurvey(row interface{ Scan(...any) error }) (*Survey, error) {
	sv := &Survey{}
	var qs string
	if err := row.Scan(&sv.ID, &sv.SiteID, &sv.Title, &sv.Intro, &sv.OpensOn, &sv.ClosesOn, &qs, &sv.CreatedAt); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(qs), &sv.Questions)
	sv.State = sv.stateOn(s.today())
	return sv, nil
}

// Survey returns one survey.
func (s *Service) Survey(ctx context.Context, siteID, id int64) (*Survey, error) {
	sv, err := s.scanSurvey(s.DB.R.QueryRowContext(ctx, `SELECT `+surveyCols+` FROM surveys WHERE id = $1 AND site_id = $2`, id, siteID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return sv, errs.Wrap(err, "survey")
}

// Surveys lists the site's surveys, the latest first.
func (s *Service) Surveys(ctx context.Context, siteID int64) ([]*Survey, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+surveyCols+` FROM surveys WHERE site_id = $1 ORDER BY opens_on DESC, id DESC`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "surveys")
	}
	defer rows.Close()
	var out []*Survey
	for rows.Next() {
		sv, err := s.scanSurvey(rows)
		if err != nil {
			return nil, errs.Wrap(err, "survey")
		}
		out = append(out, sv)
	}
	return out, errs.Wrap(rows.Err(), "surveys")
}

// Answer is one person's answers: per question number, the chosen option
// numbers (1-based) or the free text.
type Answer struct {
	Choices map[int][]int  `json:"choices"`
	Texts   map[int]string `json:"texts"`
}

// Respond records one person's answers to an open survey: the contact is
// reduced to a keyed hash, so a second answer from the same person is
// refused without the contact being kept.
func (s *Service) Respond(ctx context.Context, siteID, id int64, contact string, a Answer) error {
	sv, err := s.Survey(ctx, siteID, id)
	if err != nil {
		return err
	}
	if sv.State != StateOpen {
		return errs.E(errs.Conflict, "该调查%s（%s 至 %s）", sv.StateLabel(), sv.OpensOn, sv.ClosesOn)
	}
	contact = strings.ToLower(clean(contact))
	if err := CheckAnswer(sv, contact, &a); err != nil {
		return err
	}
	if s.Sealer == nil {
		return errs.E(errs.Internal, "暂不能接收答卷（个人信息加密未配置）")
	}
	key := s.Sealer.Blind(fmt.Sprintf("survey:%d:%s", id, contact))
	body, _ := json.Marshal(a)
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_answers WHERE survey_id = $1 AND voter_key = $2`, id, key).Scan(&n); err != nil {
			return errs.Wrap(err, "answered")
		}
		if n > 0 {
			return &errs.Error{Code: errs.Conflict, Message: "您已参与过本次调查，每人限答一次", Fields: map[string]string{"contact": "该联系方式已答过本次调查"}}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO survey_answers (survey_id, voter_key, answers_json, received_at) VALUES ($1, $2, $3, $4)`, id, key, string(body), store.Now())
		return errs.Wrap(err, "insert answer")
	})
}

// CheckAnswer validates an answer to sv without the database (the form
// calls it before the CAPTCHA, so bad input keeps what was typed and
// spends no CAPTCHA); it normalises the choices and texts in a.
func CheckAnswer(sv *Survey, contact string, a *Answer) error {
	contact = strings.ToLower(clean(contact))
	if a.Choices == nil {
		a.Choices = map[int][]int{}
	}
	if a.Texts == nil {
		a.Texts = map[int]string{}
	}
	v := errs.Validation{}
	if contact == "" {
		v.Add("contact", "请填写联系方式（每人限答一次，仅用于核对，不保存、不公开）")
	}
	checkLen(v, "contact", contact, MaxContact, "联系方式")
	for _, q := range sv.Questions {
		field := fmt.Sprintf("q%d", q.Seq)
		switch q.Kind {
		case QText:
			a.Texts[q.Seq] = clean(a.Texts[q.Seq])
			checkLen(v, field, a.Texts[q.Seq], MaxFreeText, fmt.Sprintf("第 %d 题", q.Seq))
		default:
			cs := a.Choices[q.Seq]
			slices.Sort(cs)
			cs = slices.Compact(cs)
			a.Choices[q.Seq] = cs
			if len(cs) == 0 {
				v.Add(field, fmt.Sprintf("请回答第 %d 题", q.Seq))
			}
			if q.Kind == QSingle && len(cs) > 1 {
				v.Add(field, fmt.Sprintf("第 %d 题只能选一项", q.Seq))
			}
			for _, c := range cs {
				if c < 1 || c > len(q.Options) {
					v.Add(field, fmt.Sprintf("第 %d 题的选项无效", q.Seq))
				}
			}
		}
	}
	return v.Err()
}

// Result is one question's results.
type Result struct {
	Seq     int      `json:"seq"`
	Text    string   `json:"text"`
	Kind    string   `json:"kind"`
	Options []string `json:"options"`
	Counts  []int    `json:"counts"` // per option; for a text question, [answers given]
	// Texts are the free-text answers (staff only).
	Texts []string `json:"-"`
}

// Results counts a survey's answers.
func (s *Service) Results(ctx context.Context, sv *Survey) (total int, out []Result, err error) {
	for _, q := range sv.Questions {
		r := Result{Seq: q.Seq, Text: q.Text, Kind: q.Kind, Options: q.Options, Counts: make([]int, max(len(q.Options), 1))}
		out = append(out, r)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT answers_json FROM survey_answers WHERE survey_id = $1 ORDER BY id`, sv.ID)
	if err != nil {
		return 0, nil, errs.Wrap(err, "answers")
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return 0, nil, errs.Wrap(err, "answer")
		}
		var a Answer
		if json.Unmarshal([]byte(body), &a) != nil {
			continue
		}
		total++
		for i := range out {
			r := &out[i]
			if r.Kind == QText {
				if t := a.Texts[r.Seq]; t != "" {
					r.Counts[0]++
					r.Texts = append(r.Texts, t)
				}
				continue
			}
			for _, c := range a.Choices[r.Seq] {
				if c >= 1 && c <= len(r.Counts) {
					r.Counts[c-1]++
				}
			}
		}
	}
	return total, out, errs.Wrap(rows.Err(), "answers")
}
