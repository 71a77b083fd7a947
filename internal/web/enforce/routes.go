// Package enforce serves what the list engine's pages do not: the public
// certificate lookup of enforcement staff (RECORDS §2.3) and the yearly
// enforcement figures computed from the decisions (RECORDS §2.7), as pages
// and in the API. The enforcement lists themselves (bodies, staff,
// matters, decisions, service guides, the service catalogue) are list
// kinds served by internal/web/lists.
package enforce

import (
	"embed"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/calendar/calver"
	"gongkai/internal/errs"
	"gongkai/internal/lists/enforce"
	"gongkai/internal/web"
)

//go:embed templates
var assets embed.FS

//go:embed openapi.json
var openapi []byte

// Feature serves the certificate lookup and the yearly figures.
type Feature struct {
	*web.Server
	Enforce *enforce.Service
	// Calendars give the working-day calendar in force (the staff ledger).
	Calendars *calver.Versions
}

// Mount registers the templates, API description and routes.
func (s *Feature) Mount(kit *web.Server) error {
	s.Server = kit
	if err := kit.Templates("internal/web/enforce", assets); err != nil {
		return err
	}
	if err := kit.OpenAPI(openapi); err != nil {
		return err
	}
	kit.CacheParams("no", "year")
	kit.Public("GET /enforce/certificates", s.certPage)
	kit.Public("GET /enforce/figures", s.figuresPage)
	kit.Staff("GET /admin/enforce/decisions", s.adminLedger)
	kit.API("GET /api/v1/enforce/certificates/{no}", s.apiCert)
	kit.API("GET /api/v1/enforce/figures", s.apiFigures)
	return nil
}

// Schemas ties the API's types to their OpenAPI schemas.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(enforce.Certificate{}), Schema: "#/components/schemas/EnforceCertificate"},
		{Type: reflect.TypeOf(enforce.Figures{}), Schema: "#/components/schemas/EnforceFigures"},
		{Type: reflect.TypeOf(enforce.Count{}), Schema: "#/components/schemas/EnforceCount"},
	}
}

var errNoService = errs.E(errs.Internal, "行政执法公示服务暂时不可用")

// canonical is the request as the render cache keys it (only the declared
// parameters, each bounded: web.Server.CacheParams), so a page is built
// from exactly what its cache key holds.
func (s *Feature) canonical(r *http.Request) *http.Request {
	p := s.Page(r, "")
	r2 := r.Clone(r.Context())
	r2.URL = &url.URL{Path: r.URL.Path, RawQuery: p.URL.RawQuery}
	return r2
}

// MaxCertNo bounds a looked-up number (the staff list's 执法证号 field).
const MaxCertNo = 30

func certNo(v string) (string, error) {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) > MaxCertNo {
		return "", &errs.Error{Code: errs.Invalid, Message: "执法证号不能超过 30 个字符", Fields: map[string]string{"no": "执法证号不能超过 30 个字符"}}
	}
	return v, nil
}

type certPage struct {
	web.Page
	No    string
	Cert  *enforce.Certificate
	Asked bool
	Error string
	Errs  map[string]string
}

func (s *Feature) certPage(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		r := s.canonical(r)
		if s.Enforce == nil {
			return "", nil, errNoService
		}
		p := &certPage{Page: s.Page(r, "行政执法证件查询")}
		no, err := certNo(r.URL.Query().Get("no"))
		if err != nil {
			p.Error, p.Errs = errs.MessageOf(err), errs.FieldsOf(err)
			return "public/enforce_cert", p, nil
		}
		p.No, p.Asked = no, no != ""
		if no != "" {
			if p.Cert, err = s.Enforce.Lookup(r.Context(), p.Site.ID, no, s.Today().String()); err != nil {
				return "", nil, err
			}
		}
		return "public/enforce_cert", p, nil
	})
}

func (s *Feature) apiCert(w http.ResponseWriter, r *http.Request) {
	if _, err := s.APIUser(r); err != nil {
		s.APIError(w, r, err)
		return
	}
	if s.Enforce == nil {
		s.APIError(w, r, errNoService)
		return
	}
	no, err := certNo(r.PathValue("no"))
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	c, err := s.Enforce.Lookup(r.Context(), web.SiteOf(r).Site.ID, no, s.Today().String())
	if err == nil && c == nil {
		err = errs.E(errs.NotFound, "没有执法证号为“%s”的执法人员", no)
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, c)
}

// year reads ?year= (default: last year, the 上年度 the figures are
// published for by 31 January, RECORDS §2.7).
func (s *Feature) year(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get("year"))
	if v == "" {
		return s.Today().Year - 1, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, &errs.Error{Code: errs.Invalid, Message: "年度应为 2000 至 2100 之间的四位数字", Fields: map[string]string{"year": "年度应为四位数字，如 2025"}}
	}
	return y, nil
}

type figuresPage struct {
	web.Page
	Year    int
	Years   []int
	Figures *enforce.Figures
	Error   string
	Errs    map[string]string
}

func (s *Feature) figuresPage(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		r := s.canonical(r)
		if s.Enforce == nil {
			return "", nil, errNoService
		}
		p := &figuresPage{Page: s.Page(r, "行政执法数据")}
		y, err := s.year(r)
		if err != nil {
			p.Error, p.Errs = errs.MessageOf(err), errs.FieldsOf(err)
			y = s.Today().Year - 1
		}
		p.Year = y
		for i := s.Today().Year - 1; i >= s.Today().Year-5; i-- {
			p.Years = append(p.Years, i)
		}
		p.Title = strconv.Itoa(y) + "年度行政执法数据"
		p.Figures, err = s.Enforce.YearFigures(r.Context(), p.Site.ID, y)
		return "public/enforce_figures", p, err
	})
}

func (s *Feature) apiFigures(w http.ResponseWriter, r *http.Request) {
	if _, err := s.APIUser(r); err != nil {
		s.APIError(w, r, err)
		return
	}
	if s.Enforce == nil {
		s.APIError(w, r, errNoService)
		return
	}
	y, err := s.year(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	f, err := s.Enforce.YearFigures(r.Context(), web.SiteOf(r).Site.ID, y)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, f)
}

// The figures and the certificate look-up belong to the 行政执法公示 column.
func init() {
	web.RegisterColumnPages(func() []web.ColumnPage {
		return []web.ColumnPage{
			{Column: enforce.Column, Name: "行政执法数据（上年度行政执法总体情况）", Path: "/enforce/figures", Desc: "由行政执法决定记录统计生成"},
			{Column: enforce.Column, Name: "执法证件查询", Path: "/enforce/certificates", Desc: "按执法证号查询执法人员"},
		}
	})
}
