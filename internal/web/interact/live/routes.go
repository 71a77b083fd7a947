// Package live serves internal/interact/live on every surface: the public
// interview pages (questions sent without JavaScript, answers pushed live
// by server-sent events), open days with sign-up, and the new-media
// directory with server-drawn QR codes; the back office's interview,
// moderation and guest screens, events and the directory; and
// /api/v1/interviews, /api/v1/events, /api/v1/newmedia.
package live

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"net/http"

	"gongkai/internal/blob"
	"gongkai/internal/errs"
	"gongkai/internal/interact/live"
	"gongkai/internal/web"
)

//go:embed templates static
var assets embed.FS

//go:embed fragments/home.html
var homeFragment string

//go:embed openapi.json
var openapi []byte

// Feature serves interviews, events and new media.
type Feature struct {
	*web.Server
	Live  *live.Service
	Hub   *live.Hub
	Blobs *blob.Store

	// MaxStreams and MaxStreamsPerAddr bound this node's open event
	// streams, in all and per client address (0: DefaultMaxStreams,
	// DefaultMaxStreamsPerAddr; stream.go).
	MaxStreams, MaxStreamsPerAddr int

	home    *template.Template
	streams streamGate
}

// The names of the public forms for the CAPTCHA and the rate limits.
const (
	formQuestion = "interview-question"
	formSignup   = "event-signup"
)

var errNoService = errs.E(errs.Internal, "互动服务暂时不可用")

// Mount registers the templates, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/interact/live", assets); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	s.home = template.Must(template.New("home").Funcs(template.FuncMap{"qr": qrPath, "css": func() string { return kit.StaticURL("live.css") }}).Parse(homeFragment))
	kit.AddHomeBlock(s.homeBlock)
	kit.Flashes(map[string]string{"interview_saved": "访谈已保存。", "interview_status": "访谈状态已更新。", "interview_image": "图片已添加。",
		"question_moderated": "已审核。", "question_answered": "回答已发布。", "event_saved": "活动已保存。", "event_status": "活动状态已更新。",
		"account_saved": "账号已保存。", "account_deleted": "账号已删除。"})

	kit.Public("GET /interviews", s.interviews)
	kit.Public("GET /interviews/{id}", s.interview)
	kit.Public("POST /interviews/{id}/questions", s.ask)
	kit.Public("GET /interviews/{id}/live", s.stream)
	kit.Public("GET /interviews/{id}/captions.vtt", s.captions)
	kit.Public("GET /interviews/{id}/images/{image}", s.image)
	kit.Public("GET /events", s.events)
	kit.Public("GET /events/{id}", s.event)
	kit.Public("POST /events/{id}/signups", s.signUp)
	kit.Public("GET /newmedia", s.accounts)
	kit.Public("GET /newmedia/{id}/qr.svg", s.qr)

	kit.Staff("GET /admin/interviews", s.adminInterviews)
	kit.Staff("GET /admin/interviews/new", s.adminInterviewNew)
	kit.Staff("POST /admin/interviews", s.adminInterviewSave)
	kit.Staff("GET /admin/interviews/{id}", s.adminInterview)
	kit.Staff("POST /admin/interviews/{id}", s.adminInterviewSave)
	kit.Staff("POST /admin/interviews/{id}/status", s.adminInterviewStatus)
	kit.Staff("POST /admin/interviews/{id}/images", s.adminInterviewImage)
	kit.Staff("GET /admin/interviews/{id}/moderate", s.adminModerate)
	kit.Staff("POST /admin/interviews/{id}/questions/{q}/moderate", s.adminModerateSave)
	kit.Staff("GET /admin/interviews/{id}/answer", s.adminAnswer)
	kit.Staff("POST /admin/interviews/{id}/questions/{q}/answer", s.adminAnswerSave)
	kit.Staff("GET /admin/events", s.adminEvents)
	kit.Staff("GET /admin/events/new", s.adminEventNew)
	kit.Staff("POST /admin/events", s.adminEventSave)
	kit.Staff("GET /admin/events/{id}", s.adminEvent)
	kit.Staff("POST /admin/events/{id}", s.adminEventSave)
	kit.Staff("POST /admin/events/{id}/status", s.adminEventStatus)
	kit.Staff("GET /admin/newmedia", s.adminAccounts)
	kit.Staff("GET /admin/newmedia/new", s.adminAccountNew)
	kit.Staff("POST /admin/newmedia", s.adminAccountSave)
	kit.Staff("GET /admin/newmedia/{id}", s.adminAccount)
	kit.Staff("POST /admin/newmedia/{id}", s.adminAccountSave)
	kit.Staff("POST /admin/newmedia/{id}/delete", s.adminAccountDelete)

	kit.API("GET /api/v1/interviews", s.apiInterviews)
	kit.API("POST /api/v1/interviews", s.apiInterviewCreate)
	kit.API("GET /api/v1/interviews/{id}", s.apiInterview)
	kit.API("POST /api/v1/interviews/{id}/status", s.apiInterviewStatus)
	kit.API("GET /api/v1/interviews/{id}/questions", s.apiQuestions)
	kit.API("POST /api/v1/interviews/{id}/questions", s.apiAsk)
	kit.API("POST /api/v1/interviews/{id}/questions/{q}/moderate", s.apiModerate)
	kit.API("POST /api/v1/interviews/{id}/questions/{q}/answer", s.apiAnswer)
	kit.API("GET /api/v1/events", s.apiEvents)
	kit.API("GET /api/v1/events/{id}", s.apiEvent)
	kit.API("POST /api/v1/events/{id}/signups", s.apiSignUp)
	kit.API("GET /api/v1/newmedia", s.apiAccounts)
	return nil
}

func qrPath(id int64) string { return "/newmedia/" + itoa(id) + "/qr.svg" }

// homeBlock is the home page's 政民互动 block: links to the interviews, the
// events and the directory, and every running new-media account with its
// link and QR code (Linyi task 12: "在门户网站明显位置提供有效链接", RECORDS
// §10.2).
func (s *Feature) homeBlock(ctx context.Context, siteID int64) (template.HTML, error) {
	if s.Live == nil {
		return "", nil
	}
	as, err := s.Live.Accounts(ctx, siteID, true)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := s.home.Execute(&b, struct{ Accounts []*live.Account }{as}); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// service returns the service or the "unavailable" error.
func (s *Feature) service() error {
	if s.Live == nil {
		return errNoService
	}
	return nil
}

func (s *Feature) siteID(r *http.Request) int64 { return web.SiteOf(r).Site.ID }
