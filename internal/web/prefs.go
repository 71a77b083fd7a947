package web

// Display preferences of the public site: the 无障碍浏览 toolbar settings
// (GB/T 37668-2019, WCAG 2.1 AA) and the 长辈版 elderly mode (MIIT
// 《互联网网站适老化通用设计规范》, 2021). They live in one short cookie and are
// applied on the server, as classes on <html> and in the page's markup, so a
// page arrives already right, also without JavaScript. site.js changes the
// same cookie when a visitor uses the toolbar, and applies the change at once.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// PrefsCookie holds the canonical encoding of prefs (see prefs.encode). It is
// not HttpOnly: the toolbar script rewrites it; it holds nothing secret.
const PrefsCookie = "gk_prefs"

// prefsVersion is the first token of the cookie; a cookie of another version
// is ignored, so a future format can change freely.
const prefsVersion = "1"

// Colour schemes and reading guides.
const (
	schemeNormal   = "normal"
	schemeContrast = "contrast"
	schemeDark     = "dark"
	guideNone      = "none"
	guideLine      = "line"
	guideCross     = "cross"
)

// textSteps are the text sizes a visitor can choose, in per cent of the
// base size (16 px; 24 px = 18 pt in elderly mode). The MIIT specification
// asks for page zoom that does not rely on the browser.
var textSteps = []int{100, 112, 125, 150, 175}

// prefs are one visitor's display preferences. The zero value is the
// standard site and has the empty encoding.
type prefs struct {
	Text    int    // index into textSteps
	Scheme  string // schemeNormal, schemeContrast or schemeDark ("" = normal)
	Lines   int    // line spacing step: 0 standard, 1 wider, 2 widest
	Cursor  bool   // an extra-large mouse cursor
	Guide   string // guideNone, guideLine or guideCross ("" = none)
	Elderly bool   // 长辈版: large type, large targets, one simple column
	Plain   bool   // 纯文本: the page without layout or decoration
	Bar     bool   // show the toolbar on every page
}

// norm fills the zero strings so that comparisons are simple.
func (p prefs) norm() prefs {
	if p.Scheme == "" {
		p.Scheme = schemeNormal
	}
	if p.Guide == "" {
		p.Guide = guideNone
	}
	return p
}

// encode returns the canonical cookie value: the version, then a token for
// each non-default setting in a fixed order, joined by dots, e.g.
// "1.t2.sc.l1.c.gl.e.p.b". The default prefs encode as "". The same string
// keys the render cache, so each combination is rendered once.
func (p prefs) encode() string {
	p = p.norm()
	var b strings.Builder
	tok := func(s string) {
		if b.Len() == 0 {
			b.WriteString(prefsVersion)
		}
		b.WriteByte('.')
		b.WriteString(s)
	}
	if p.Text > 0 {
		tok("t" + strconv.Itoa(p.Text))
	}
	switch p.Scheme {
	case schemeContrast:
		tok("sc")
	case schemeDark:
		tok("sd")
	}
	if p.Lines > 0 {
		tok("l" + strconv.Itoa(p.Lines))
	}
	if p.Cursor {
		tok("c")
	}
	switch p.Guide {
	case guideLine:
		tok("gl")
	case guideCross:
		tok("gx")
	}
	if p.Elderly {
		tok("e")
	}
	if p.Plain {
		tok("p")
	}
	if p.Bar {
		tok("b")
	}
	return b.String()
}

// decodePrefs parses a cookie value. Anything but a well-formed value of
// this version (unknown or repeated tokens, values out of range, too long)
// gives the defaults and false: a bad cookie never breaks a page.
func decodePrefs(v string) (prefs, bool) {
	var p prefs
	def := p.norm()
	if v == "" {
		return def, true
	}
	if len(v) > 40 {
		return def, false
	}
	toks := strings.Split(v, ".")
	if toks[0] != prefsVersion || len(toks) < 2 {
		return def, false
	}
	var seen [256]bool
	for _, t := range toks[1:] {
		if t == "" || seen[t[0]] {
			return def, false
		}
		seen[t[0]] = true
		switch t {
		case "t1", "t2", "t3", "t4":
			p.Text = int(t[1] - '0')
		case "sc":
			p.Scheme = schemeContrast
		case "sd":
			p.Scheme = schemeDark
		case "l1", "l2":
			p.Lines = int(t[1] - '0')
		case "c":
			p.Cursor = true
		case "gl":
			p.Guide = guideLine
		case "gx":
			p.Guide = guideCross
		case "e":
			p.Elderly = true
		case "p":
			p.Plain = true
		case "b":
			p.Bar = true
		default:
			return def, false
		}
	}
	return p.norm(), true
}

// prefsOf reads the request's preferences. A request without cookies (every
// benchmark request, most crawlers) costs one map lookup.
func prefsOf(r *http.Request) prefs {
	if len(r.Header["Cookie"]) == 0 {
		return prefs{}.norm()
	}
	c, err := r.Cookie(PrefsCookie)
	if err != nil {
		return prefs{}.norm()
	}
	p, _ := decodePrefs(c.Value)
	return p
}

// Classes returns the class attribute of <html> for these prefs; site.css
// (and text.css in the plain view) style the page by them.
func (p prefs) Classes() string {
	p = p.norm()
	var c []string
	if p.Text > 0 {
		c = append(c, "t-"+strconv.Itoa(p.Text))
	}
	if p.Scheme != schemeNormal {
		c = append(c, "s-"+p.Scheme)
	}
	if p.Lines > 0 {
		c = append(c, "ls-"+strconv.Itoa(p.Lines))
	}
	if p.Cursor {
		c = append(c, "cur-big")
	}
	if p.Guide != guideNone {
		c = append(c, "guide-"+p.Guide)
	}
	if p.Elderly {
		c = append(c, "m-elderly")
	}
	if p.Plain {
		c = append(c, "v-plain")
	}
	return strings.Join(c, " ")
}

// TextPercent is the chosen text size in per cent of the standard size.
func (p prefs) TextPercent() int { return textSteps[p.Text] }

// apply performs one toolbar operation (the op of a toolbar button) and
// reports whether op was known. site.js knows the same operations.
func (p *prefs) apply(op string) bool {
	*p = p.norm()
	switch op {
	case "text+":
		if p.Text < len(textSteps)-1 {
			p.Text++
		}
	case "text-":
		if p.Text > 0 {
			p.Text--
		}
	case "text0":
		p.Text = 0
	case "scheme-normal":
		p.Scheme = schemeNormal
	case "scheme-contrast":
		p.Scheme = schemeContrast
	case "scheme-dark":
		p.Scheme = schemeDark
	case "lines":
		if p.Lines == 0 {
			p.Lines = 1
		} else {
			p.Lines = 0
		}
	case "cursor":
		p.Cursor = !p.Cursor
	case "guide-line", "guide-cross":
		g := strings.TrimPrefix(op, "guide-")
		if p.Guide == g {
			p.Guide = guideNone
		} else {
			p.Guide = g
		}
	case "elderly-on":
		p.Elderly = true
	case "elderly-off":
		p.Elderly = false
	case "plain-on":
		p.Plain = true
	case "plain-off":
		p.Plain = false
	case "bar-on":
		p.Bar = true
	case "bar-off":
		p.Bar = false
	case "reset":
		*p = prefs{}.norm()
	default:
		return false
	}
	return true
}

// prefsField is one setting of the /a11y form: its name, its heading and
// its choices (value -> label), in display order.
type prefsField struct {
	Name    string
	Legend  string
	Hint    string
	Choices []prefsChoice
}

type prefsChoice struct{ Value, Label string }

// prefsFields describes the /a11y form; parsePrefsForm reads it back.
var prefsFields = []prefsField{
	{Name: "text", Legend: "文字大小", Hint: "放大整个页面的文字，不依赖浏览器的缩放功能。", Choices: []prefsChoice{
		{"0", "标准（100%）"}, {"1", "较大（112%）"}, {"2", "大（125%）"}, {"3", "很大（150%）"}, {"4", "特大（175%）"}}},
	{Name: "scheme", Legend: "配色", Choices: []prefsChoice{
		{schemeNormal, "标准配色"}, {schemeContrast, "高对比度（黑底黄字）"}, {schemeDark, "深色"}}},
	{Name: "lines", Legend: "行距", Choices: []prefsChoice{{"0", "标准行距"}, {"1", "较宽行距"}, {"2", "最宽行距"}}},
	{Name: "cursor", Legend: "鼠标指针", Choices: []prefsChoice{{"0", "标准指针"}, {"1", "大号指针"}}},
	{Name: "guide", Legend: "阅读辅助线", Hint: "跟随鼠标或键盘焦点的横线或十字线，帮助逐行阅读（需要浏览器脚本）。", Choices: []prefsChoice{
		{guideNone, "不显示"}, {guideLine, "横向辅助线"}, {guideCross, "十字辅助线"}}},
	{Name: "mode", Legend: "版式", Hint: "长辈版：特大字号、大按钮、单栏简洁版面，没有弹窗和动画。", Choices: []prefsChoice{
		{"normal", "标准版"}, {"elderly", "长辈版（关怀版）"}}},
	{Name: "view", Legend: "页面样式", Hint: "纯文本版只显示文字和链接，适合读屏软件和慢速网络。", Choices: []prefsChoice{
		{"normal", "标准页面"}, {"plain", "纯文本"}}},
	{Name: "bar", Legend: "无障碍工具条", Choices: []prefsChoice{{"0", "需要时再打开"}, {"1", "在每个页面顶部显示"}}},
}

// Value returns the form value of one setting.
func (p prefs) Value(name string) string {
	p = p.norm()
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	switch name {
	case "text":
		return strconv.Itoa(p.Text)
	case "scheme":
		return p.Scheme
	case "lines":
		return strconv.Itoa(p.Lines)
	case "cursor":
		return b(p.Cursor)
	case "guide":
		return p.Guide
	case "mode":
		if p.Elderly {
			return "elderly"
		}
		return "normal"
	case "view":
		if p.Plain {
			return "plain"
		}
		return "normal"
	case "bar":
		return b(p.Bar)
	}
	return ""
}

// parsePrefsForm reads the /a11y form. A missing setting keeps its default;
// a value that is not one of the choices is an error for that field (the
// message says what to do, in Chinese). With errors, the prefs returned
// hold the valid choices, to show the form again as it was sent.
func parsePrefsForm(form url.Values) (prefs, map[string]string) {
	var p prefs
	bad := map[string]string{}
	for _, f := range prefsFields {
		v := form.Get(f.Name)
		if v == "" {
			continue
		}
		ok := false
		for _, c := range f.Choices {
			if c.Value == v {
				ok = true
				break
			}
		}
		if !ok {
			bad[f.Name] = "请从列出的选项中选择" + f.Legend + "。"
			continue
		}
		switch f.Name {
		case "text":
			p.Text, _ = strconv.Atoi(v)
		case "scheme":
			p.Scheme = v
		case "lines":
			p.Lines, _ = strconv.Atoi(v)
		case "cursor":
			p.Cursor = v == "1"
		case "guide":
			p.Guide = v
		case "mode":
			p.Elderly = v == "elderly"
		case "view":
			p.Plain = v == "plain"
		case "bar":
			p.Bar = v == "1"
		}
	}
	if len(bad) > 0 {
		return p.norm(), bad
	}
	return p.norm(), nil
}

// safeNext returns where to send the visitor after saving: a path on this
// site, never another site (no open redirect). Anything else gives "/".
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t\x00") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return u.RequestURI()
}

// setPrefsCookie stores p, or deletes the cookie for the default prefs.
func (s *Server) setPrefsCookie(w http.ResponseWriter, p prefs) {
	c := &http.Cookie{Name: PrefsCookie, Value: p.encode(), Path: "/", SameSite: http.SameSiteLaxMode, Secure: s.Opts.Secure}
	if c.Value == "" {
		c.MaxAge = -1
	} else {
		c.MaxAge = int((365 * 24 * time.Hour).Seconds())
	}
	http.SetCookie(w, c)
}

// a11yForm shows the settings page: every preference as a plain form that
// works without JavaScript (the toolbar's "更多设置").
func (s *Server) a11yForm(w http.ResponseWriter, r *http.Request) {
	p := &a11yPage{Page: s.Page(r, "无障碍浏览设置"), ReturnTo: safeNext(r.URL.Query().Get("next")), PrefsFields: prefsFields}
	p.Form = p.Prefs
	s.Render(w, r, http.StatusOK, "public/a11y", p)
}

// a11yPage is the settings form; ReturnTo is where it sends the visitor.
type a11yPage struct {
	Page
	ReturnTo    string
	Form        prefs
	PrefsFields []prefsField
}

// a11ySave stores the preferences and sends the visitor back to the page
// they came from. Two kinds of submission come here: the whole settings
// form, and one toolbar button (op). Cross-site posts are refused by
// http.CrossOriginProtection; a per-session form token does not apply to
// visitors without a session, and a preference cookie needs none.
func (s *Server) a11ySave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "请求无效", http.StatusBadRequest)
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	cur := prefsOf(r)
	if op := r.PostForm.Get("op"); op != "" {
		if !cur.apply(op) {
			p := &a11yPage{Page: s.Page(r, "无障碍浏览设置"), ReturnTo: next, Form: cur, PrefsFields: prefsFields}
			p.Errors = map[string]string{"op": "无法识别的操作，请在下面的表单中选择设置。"}
			s.Render(w, r, http.StatusUnprocessableEntity, "public/a11y", p)
			return
		}
		s.setPrefsCookie(w, cur)
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	np, bad := parsePrefsForm(r.PostForm)
	if bad != nil {
		p := &a11yPage{Page: s.Page(r, "错误：无障碍浏览设置"), ReturnTo: next, Form: np, PrefsFields: prefsFields}
		p.Errors = bad
		s.Render(w, r, http.StatusUnprocessableEntity, "public/a11y", p)
		return
	}
	s.setPrefsCookie(w, np)
	http.Redirect(w, r, next, http.StatusSeeOther)
}
