package web

import (
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"sort"
	"strings"

	"gongkai/internal/errs"
)

// A Feature is one package of pages and endpoints (the catalogue, site
// administration, self-inspection, ...). Mount registers its templates,
// flash messages, OpenAPI fragment and routes on the kit.
type Feature interface {
	Mount(s *Server) error
}

// Surface names the three audiences of the application.
type Surface string

const (
	SurfacePublic Surface = "public" // the website: anyone, cached pages
	SurfaceStaff  Surface = "staff"  // the back office: a staff session, form tokens on POST
	SurfaceAdmin  Surface = "admin"  // the back office for site administrators only
	SurfaceAPI    Surface = "api"    // the JSON API: bearer tokens, rate limits, JSON errors
	SurfaceKit    Surface = "kit"    // static files, health, fall-backs
)

// Route is one registered pattern, for the route listing (routes_test
// keeps every surface's routes in a golden file).
type Route struct {
	Surface Surface
	Pattern string
}

// Public registers a page of the public site.
func (s *Server) Public(pattern string, h http.HandlerFunc) { s.handle(SurfacePublic, pattern, h) }

// Staff registers a back-office route for any signed-in staff member.
func (s *Server) Staff(pattern string, h http.HandlerFunc) {
	s.handle(SurfaceStaff, pattern, s.withStaff(h))
}

// Admin registers a back-office route for site administrators.
func (s *Server) Admin(pattern string, h http.HandlerFunc) {
	s.handle(SurfaceAdmin, pattern, s.withStaff(func(w http.ResponseWriter, r *http.Request) {
		if !StaffOf(r).User.CanManageSite() {
			s.AdminError(w, r, errs.E(errs.Forbidden, "只有系统管理员可以使用此功能"))
			return
		}
		h(w, r)
	}))
}

// API registers a JSON endpoint under /api/v1/.
func (s *Server) API(pattern string, h http.HandlerFunc) { s.handle(SurfaceAPI, pattern, s.withAPI(h)) }

func (s *Server) handle(sf Surface, pattern string, h http.Handler) {
	if sf == SurfacePublic || sf == SurfaceAPI {
		h = s.replicaRead(h)
	}
	s.mux.Handle(pattern, h)
	s.routes = append(s.routes, Route{Surface: sf, Pattern: pattern})
}

// Flashes adds a feature's confirmation messages, shown in the back office
// after a redirect with ?done=key.
func (s *Server) Flashes(m map[string]string) {
	for k, v := range m {
		if old, dup := s.flashes[k]; dup && old != v {
			// Two features would show different words for one key.
			panic(fmt.Sprintf("web: flash %q registered twice with different messages", k))
		}
		s.flashes[k] = v
	}
}

// Routes lists every registered route, by surface then pattern.
func (s *Server) Routes() []Route {
	out := append([]Route(nil), s.routes...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Surface != out[j].Surface {
			return out[i].Surface < out[j].Surface
		}
		return out[i].Pattern < out[j].Pattern
	})
	return out
}

// Mount mounts features in order.
func (s *Server) Mount(fs ...Feature) error {
	for _, f := range fs {
		if err := f.Mount(s); err != nil {
			return err
		}
	}
	return nil
}

// mountKit registers the kit's own routes.
func (s *Server) mountKit() {
	s.handle(SurfaceKit, "GET /static/{file}", http.HandlerFunc(s.serveStatic))
	s.handle(SurfaceKit, "GET /healthz", http.HandlerFunc(s.healthz))
	s.handle(SurfaceKit, "GET /readyz", http.HandlerFunc(s.readyz))       // metrics.go
	s.handle(SurfaceKit, "GET /metrics", http.HandlerFunc(s.metricsPage)) // 404 unless Options.Metrics
	s.Public("GET /a11y", s.a11yForm)                                     // 无障碍浏览 and 长辈版 settings (prefs.go)
	s.Public("POST /a11y", s.a11ySave)                                    // the settings form and the toolbar's buttons
	// The public forms' CAPTCHA (captcha.go): a challenge's image, and a
	// new one for captcha.js.
	s.handle(SurfaceKit, "GET /captcha/{form}/{token}", http.HandlerFunc(s.captchaImage))
	s.handle(SurfaceKit, "GET /captcha/{form}/new", http.HandlerFunc(s.captchaNew))
	s.handle(SurfaceStaff, "GET /admin/login", http.HandlerFunc(s.loginForm))
	s.handle(SurfaceStaff, "POST /admin/login", http.HandlerFunc(s.login))
	s.Staff("POST /admin/logout", s.logout)
	s.API("GET /api/v1/openapi.json", s.openapi)
}

// mountFallbacks registers what answers when nothing else does: the
// public not-found page, and under /api/ JSON errors, CORS preflight and
// 405 for a known path with another method.
func (s *Server) mountFallbacks() {
	if s.fallbacks {
		return
	}
	s.fallbacks = true
	s.handle(SurfaceKit, "/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A page that exists answers another method with 405 and Allow,
		// as the API does, not with "not found".
		if methods := s.pageMethods(r.URL.Path); len(methods) > 0 {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			s.ErrorPage(w, r, errs.E(errs.BadMethod, "此页面不支持 %s 请求，可用：%s", r.Method, strings.Join(methods, ", ")))
			return
		}
		s.Cached(w, r, func() (string, Cacheable, error) {
			return "", nil, errs.E(errs.NotFound, "您访问的页面不存在")
		})
	}))
	s.handle(SurfaceKit, "/api/", http.HandlerFunc(s.apiFallback))
}

// apiMethods returns the methods registered for the API path.
func (s *Server) apiMethods(path string) []string {
	return s.methodsFor(path, func(sf Surface) bool { return sf == SurfaceAPI })
}

// pageMethods returns the methods registered for a path outside the API.
func (s *Server) pageMethods(path string) []string {
	return s.methodsFor(path, func(sf Surface) bool { return sf != SurfaceAPI })
}

// methodsFor returns the methods of the routes of the chosen surfaces whose
// pattern's path matches path, HEAD with GET.
func (s *Server) methodsFor(path string, surface func(Surface) bool) []string {
	var out []string
	for _, rt := range s.routes {
		if !surface(rt.Surface) {
			continue
		}
		method, pat, ok := strings.Cut(rt.Pattern, " ")
		if !ok || !pathMatches(pat, path) || slices.Contains(out, method) {
			continue
		}
		out = append(out, method)
		if method == http.MethodGet {
			out = append(out, http.MethodHead)
		}
	}
	return out
}

// pathMatches reports whether path fits a ServeMux pattern's path made of
// literal segments and {wildcards}.
func pathMatches(pattern, path string) bool {
	ps, xs := strings.Split(strings.TrimPrefix(pattern, "/"), "/"), strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(ps) != len(xs) {
		return false
	}
	for i, p := range ps {
		if p == "{$}" {
			// The exact end of a path ending in a slash ("GET /{$}").
			if xs[i] != "" {
				return false
			}
			continue
		}
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if p != xs[i] {
			return false
		}
	}
	return true
}

// kitFS holds the kit's templates (layouts, error, login, a11y) and the
// static files every surface uses.
var kitFS fs.FS = assets
