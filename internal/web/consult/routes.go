// Package consult serves public participation (internal/consult) on every
// surface: the consultations' public pages with the comment form (no
// JavaScript needed), their feed, the feedback reports; the major-decision
// catalogue with its timeline and downloadable table; meetings with the
// stakeholder application form; the back office's moderation queue,
// dispositions, report and application desk; and /api/v1/consultations,
// /api/v1/decisions and /api/v1/meetings.
package consult

import (
	"embed"
	"net/http"
	"strconv"

	"gongkai/internal/consult"
	"gongkai/internal/deadline"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

//go:embed templates
var assets embed.FS

//go:embed openapi.json
var openapi []byte

// Feature serves public participation.
type Feature struct {
	*web.Server
	Consult *consult.Service
	// Deadlines gives a closed consultation's feedback deadline (the
	// catalogue's rule consultation.feedback) on the back-office pages;
	// nil: not shown.
	Deadlines *deadline.Service
}

// formComment names the comment form for the CAPTCHA and the rate limits.
const formComment = "consult-comment"

// Mount registers the templates, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/consult", assets); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	kit.Flashes(map[string]string{"consult_created": "征集已保存。", "consult_moderated": "意见审核结果已保存。", "consult_recorded": "意见已登记，待审核。",
		"consult_disposed": "采纳情况已登记。", "consult_article": "条文已更正。", "meeting_topic": "议题已更正。", "consult_report": "意见收集和采纳情况已发布。", "decision_saved": "重大行政决策事项目录已更新。",
		"meeting_saved": "会议已保存。", "survey_saved": "网上调查已发布。", "meeting_decided": "列席申请已处理，已通知申请人（电子邮箱联系的）。"})

	kit.Public("GET /consultations", s.list)
	kit.Public("GET /consultations/feed.xml", s.feed)
	kit.Public("GET /consultations/{id}", s.detail)
	kit.Public("POST /consultations/{id}/comments", s.comment)
	kit.Public("GET /consultations/{id}/comments", s.comments)
	kit.Public("GET /decisions", s.decisions)
	kit.Public("GET /decisions.csv", s.decisionsCSV)
	kit.Public("GET /decisions/{id}", s.decision)
	kit.Public("GET /meetings", s.meetings)
	kit.Public("GET /meetings/{id}", s.meeting)
	kit.Public("POST /meetings/{id}/applications", s.apply)
	kit.Public("GET /surveys", s.surveys)
	kit.Public("GET /surveys/{id}", s.survey)
	kit.Public("POST /surveys/{id}/answers", s.answer)
	kit.Public("GET /surveys/{id}/results/{q}", s.resultSVG)

	kit.Staff("GET /admin/consultations", s.adminList)
	kit.Staff("GET /admin/consultations/new", s.adminNew)
	kit.Staff("POST /admin/consultations", s.adminCreate)
	kit.Staff("GET /admin/consultations/{id}", s.adminDetail)
	kit.Staff("POST /admin/consultations/{id}/comments", s.adminRecord)
	kit.Staff("POST /admin/consultations/{id}/moderate", s.adminModerate)
	kit.Staff("POST /admin/consultations/{id}/dispositions", s.adminDispose)
	kit.Staff("POST /admin/consultations/{id}/report", s.adminReport)
	kit.Staff("POST /admin/consultations/{id}/articles/{seq}", s.adminEditArticle)
	kit.Staff("GET /admin/decisions", s.adminDecisions)
	kit.Staff("POST /admin/decisions", s.adminDecisionCreate)
	kit.Staff("POST /admin/decisions/{id}/status", s.adminDecisionStatus)
	kit.Staff("POST /admin/decisions/{id}/links", s.adminDecisionLink)
	kit.Staff("GET /admin/meetings", s.adminMeetings)
	kit.Staff("POST /admin/meetings", s.adminMeetingCreate)
	kit.Staff("GET /admin/meetings/{id}", s.adminMeeting)
	kit.Staff("POST /admin/meetings/{id}/applications/{app}", s.adminDecide)
	kit.Staff("POST /admin/meetings/{id}/outcome", s.adminOutcome)
	kit.Staff("POST /admin/meetings/{id}/topics/{seq}", s.adminEditTopic)
	kit.Staff("GET /admin/surveys", s.adminSurveys)
	kit.Staff("POST /admin/surveys", s.adminSurveyCreate)

	kit.API("GET /api/v1/consultations", s.apiList)
	kit.API("POST /api/v1/consultations", s.apiCreate)
	kit.API("GET /api/v1/consultations/{id}", s.apiGet)
	kit.API("GET /api/v1/consultations/{id}/comments", s.apiComments)
	kit.API("POST /api/v1/consultations/{id}/comments", s.apiComment)
	kit.API("POST /api/v1/consultations/{id}/moderation", s.apiModerate)
	kit.API("POST /api/v1/consultations/{id}/dispositions", s.apiDispose)
	kit.API("GET /api/v1/consultations/{id}/report", s.apiReport)
	kit.API("POST /api/v1/consultations/{id}/report", s.apiPublishReport)
	kit.API("GET /api/v1/decisions", s.apiDecisions)
	kit.API("POST /api/v1/decisions", s.apiDecisionCreate)
	kit.API("POST /api/v1/decisions/{id}/status", s.apiDecisionStatus)
	kit.API("POST /api/v1/decisions/{id}/links", s.apiDecisionLink)
	kit.API("GET /api/v1/meetings", s.apiMeetings)
	kit.API("POST /api/v1/meetings", s.apiMeetingCreate)
	kit.API("GET /api/v1/meetings/{id}", s.apiMeeting)
	kit.API("GET /api/v1/meetings/{id}/applications", s.apiApplications)
	kit.API("POST /api/v1/meetings/{id}/applications", s.apiApply)
	kit.API("POST /api/v1/meetings/{id}/applications/{app}", s.apiDecide)
	kit.API("POST /api/v1/meetings/{id}/outcome", s.apiOutcome)
	kit.API("GET /api/v1/surveys", s.apiSurveys)
	kit.API("POST /api/v1/surveys", s.apiSurveyCreate)
	kit.API("GET /api/v1/surveys/{id}/results", s.apiSurveyResults)
	kit.API("POST /api/v1/surveys/{id}/answers", s.apiSurveyAnswer)
	return nil
}

var errNoService = errs.E(errs.Internal, "公众参与服务暂时不可用")

// load reads the {id} consultation; public callers only see public ones.
func (s *Feature) load(r *http.Request, public bool) (*consult.Consultation, error) {
	if s.Consult == nil {
		return nil, errNoService
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, consult.ErrNotFound
	}
	c, err := s.Consult.Get(r.Context(), web.SiteOf(r).Site.ID, id)
	if err != nil {
		return nil, err
	}
	if public && !c.Public() {
		return nil, consult.ErrNotFound
	}
	return c, nil
}

// ints reads form or query values as integers, skipping blanks.
func ints(vs []string) ([]int, error) {
	var out []int
	for _, v := range vs {
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, &errs.Error{Code: errs.Invalid, Message: "意见编号无效：" + v, Fields: map[string]string{"comments": "意见编号应为正整数"}}
		}
		out = append(out, n)
	}
	return out, nil
}
