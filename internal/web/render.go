package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

//go:embed templates static
var assets embed.FS

// templates holds every page with its layout. The kit's source holds the
// layouts and the static files; each feature adds a source with its own
// templates/public/*.html and templates/admin/*.html. Page names
// ("public/item", "admin/items") are one namespace: a name defined by two
// sources is an error at start-up. Every page is parsed at start-up, so a
// broken one stops the server there, but kept parsed only once it is first
// rendered (lazyPage).
type templates struct {
	dev     string // development: reload every source from below this directory on every render
	sources []templateSource
	mu      sync.Mutex
	bases   map[string]*template.Template // the layouts, by surface
	pages   map[string]*lazyPage
	// static maps a file name to its content-hashed URL.
	static map[string]string
	files  map[string][]byte
	// gzipped holds the text assets compressed once at start-up (the
	// public pages' weight budget: item page under 60 KB, seed task 12).
	gzipped map[string][]byte
}

// templateSource is one package's embedded files; dir is that package's
// directory relative to the repository, for development reloads.
type templateSource struct {
	dir  string
	fsys fs.FS
}

func newTemplates(dev string) *templates { return &templates{dev: dev} }

// lazyPage is one page, parsed with a clone of its surface's layout when it
// is first rendered. html/template copies the layout's and partials' trees
// into every clone (some 55 KB a page), and escapes each page's copy again
// on its first execution: the 128 pages held 10–12 MB of the server's live
// heap, most of it for staff and feature pages a site rarely or never shows
// (issue 17's memory goal).
type lazyPage struct {
	base *template.Template
	fsys fs.FS
	name string // the page's file in fsys
	once sync.Once
	t    *template.Template
	err  error
}

func (p *lazyPage) parse() (*template.Template, error) {
	c, err := p.base.Clone()
	if err != nil {
		return nil, err
	}
	return c.ParseFS(p.fsys, p.name)
}

func (p *lazyPage) get() (*template.Template, error) {
	p.once.Do(func() { p.t, p.err = p.parse() })
	return p.t, p.err
}

// Templates adds a feature's templates and its static files (static/*,
// served under their content hash like the kit's).
// dir is the package's directory in the repository ("internal/web/catalogue").
// Only the new source is parsed; a development reload parses them all.
func (s *Server) Templates(dir string, fsys fs.FS) error {
	src := templateSource{dir: dir, fsys: fsys}
	s.tmpl.sources = append(s.tmpl.sources, src)
	if len(s.tmpl.sources) == 1 {
		return s.tmpl.load()
	}
	if err := s.tmpl.loadStatic(&staticFiles{s.tmpl.static, s.tmpl.files, s.tmpl.gzipped}, src); err != nil {
		return err
	}
	return s.tmpl.parseSource(s.tmpl.pages, src)
}

func (t *templates) fsysOf(src templateSource) fs.FS {
	if t.dev != "" {
		return os.DirFS(path.Join(t.dev, src.dir))
	}
	return src.fsys
}

// load reads the static files of every source (the kit's and the
// features' static/ directories) and the kit's layouts, and parses every
// source's pages.
func (t *templates) load() error {
	if len(t.sources) == 0 {
		return nil
	}
	kit := t.fsysOf(t.sources[0])
	st := &staticFiles{names: map[string]string{}, files: map[string][]byte{}, gzipped: map[string][]byte{}}
	for _, src := range t.sources {
		if err := t.loadStatic(st, src); err != nil {
			return err
		}
	}
	t.static, t.files, t.gzipped = st.names, st.files, st.gzipped
	bases := map[string]*template.Template{}
	for _, surface := range []string{"public", "admin"} {
		layout := "templates/" + surface + "/layout.html"
		base, err := template.New("layout").Funcs(t.funcs()).ParseFS(kit, layout)
		if err != nil {
			return fmt.Errorf("parse %s: %w", layout, err)
		}
		// Partials every page of every surface may use ({{template "captcha" …}}).
		if base, err = base.ParseFS(kit, "templates/partials/*.html"); err != nil {
			return fmt.Errorf("parse partials: %w", err)
		}
		bases[surface] = base
	}
	t.bases = bases
	pages := map[string]*lazyPage{}
	for _, src := range t.sources {
		if err := t.parseSource(pages, src); err != nil {
			return err
		}
	}
	t.pages = pages
	return nil
}

// staticFiles are the static files being read: name → hashed URL, hashed
// name → bytes, and the gzipped text assets.
type staticFiles struct {
	names   map[string]string
	files   map[string][]byte
	gzipped map[string][]byte
}

// loadStatic adds a source's static files (none is fine for a feature; a
// name served by two sources is an error at start-up).
func (t *templates) loadStatic(st *staticFiles, src templateSource) error {
	fsys := t.fsysOf(src)
	entries, err := fs.ReadDir(fsys, "static")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && src.dir != t.sources[0].dir {
			return nil
		}
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if _, dup := st.names[e.Name()]; dup {
			return fmt.Errorf("static file %s is defined twice (again in %s)", e.Name(), src.dir)
		}
		b, err := fs.ReadFile(fsys, "static/"+e.Name())
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		hashed := strings.TrimSuffix(e.Name(), path.Ext(e.Name())) + "." + hex.EncodeToString(sum[:6]) + path.Ext(e.Name())
		st.names[e.Name()] = "/static/" + hashed
		st.files[hashed] = b
		switch path.Ext(e.Name()) {
		case ".css", ".js", ".svg":
			var z bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
			zw.Write(b)
			zw.Close()
			if z.Len() < len(b) {
				st.gzipped[hashed] = z.Bytes()
			}
		}
	}
	return nil
}

// parseSource parses one source's pages, each with its surface's layout.
// Each is parsed once to find its errors now, then dropped until rendered.
func (t *templates) parseSource(pages map[string]*lazyPage, src templateSource) error {
	fsys := t.fsysOf(src)
	for _, surface := range []string{"public", "admin"} {
		layout := "templates/" + surface + "/layout.html"
		names, err := fs.Glob(fsys, "templates/"+surface+"/*.html")
		if err != nil {
			return err
		}
		for _, name := range names {
			if name == layout && src.dir == t.sources[0].dir {
				continue
			}
			key := surface + "/" + strings.TrimSuffix(path.Base(name), ".html")
			if _, dup := pages[key]; dup {
				return fmt.Errorf("template %s is defined twice (again in %s)", key, src.dir)
			}
			p := &lazyPage{base: t.bases[surface], fsys: fsys, name: name}
			if _, err := p.parse(); err != nil {
				return fmt.Errorf("parse %s/%s: %w", src.dir, name, err)
			}
			pages[key] = p
		}
	}
	return nil
}

func (t *templates) render(w *bytes.Buffer, name string, data any) error {
	if t.dev != "" {
		t.mu.Lock()
		err := t.load()
		t.mu.Unlock()
		if err != nil {
			return err
		}
	}
	lp := t.pages[name]
	if lp == nil {
		return fmt.Errorf("no template %q", name)
	}
	p, err := lp.get()
	if err != nil {
		return err
	}
	return p.ExecuteTemplate(w, "layout", data)
}

// StaticURL returns the content-hashed URL of a static file.
func (s *Server) StaticURL(name string) string { return s.tmpl.static[name] }

// StaticFile returns the bytes served under a hashed static name.
func (s *Server) StaticFile(hashed string) []byte { return s.tmpl.files[hashed] }

func (t *templates) funcs() template.FuncMap {
	return template.FuncMap{
		"static": func(name string) string { return t.static[name] },
		// columnPages are the capability pages declared for a column
		// (ColumnPages); navPages those its link sub-columns do not show.
		"columnPages": func(c *catalog.Column) []ColumnPage {
			if c == nil {
				return nil
			}
			return ColumnPages(c.Slug)
		},
		"navPages": navPages,
		// declaredPage says whether a link sub-column points to one of its
		// parent's declared pages (the column's page lists those once).
		"declaredPage": func(parent, c *catalog.Column) bool {
			return parent != nil && c.Kind == catalog.KindLink && slices.ContainsFunc(ColumnPages(parent.Slug), func(p ColumnPage) bool { return p.Path == c.LinkURL })
		},
		"status": func(s string) string { return catalog.StatusLabels[s] },
		"event":  func(s string) string { return catalog.EventLabels[s] },
		"disclosure": func(s string) string {
			return catalog.OptionLabel(catalog.Disclosures, s)
		},
		"validity": func(s string) string {
			if s == "" {
				return ""
			}
			return catalog.OptionLabel(catalog.Validities, s)
		},
		"doctype": func(code string) string {
			if t := catalog.DocTypeByCode(code); t != nil {
				return t.Name
			}
			return code
		},
		// slashBreaks lets a code such as an index number
		// (1438332193/sfj/2021-0000192) wrap after its slashes on a narrow
		// screen, and nowhere else.
		"slashBreaks": func(s string) template.HTML {
			return template.HTML(strings.ReplaceAll(template.HTMLEscapeString(s), "/", "/<wbr>"))
		},
		// paras shows plain text as paragraphs, one per line, escaped.
		"paras": func(text string) template.HTML {
			var b strings.Builder
			for _, line := range strings.Split(text, "\n") {
				if line = strings.TrimSpace(line); line != "" {
					b.WriteString("<p>" + template.HTMLEscapeString(line) + "</p>")
				}
			}
			return template.HTML(b.String())
		},
		"label": func(it *catalog.Item, name string) string {
			f, ok := it.Type().Field(name)
			if !ok {
				return name
			}
			return f.Label
		},
		"shortTime": func(s string) string { // stored UTC instant -> China local minutes
			tm := parseStored(s)
			if tm.IsZero() {
				return s
			}
			return tm.In(calendar.Beijing).Format("2006-01-02 15:04")
		},
		"size": HumanSize,
		"add":  func(a, b int) int { return a + b },
		"safe": func(s string) template.HTML { return template.HTML(s) }, // only for sanitised bodies
		"clicks": func() template.HTML {
			return template.HTML(clickMark)
		},
		"roleLabel": func(r auth.Role) string { return r.Label() },
		"percent":   func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"weekday":   calendar.WeekdayName,
		"pageURL": func(u *url.URL, page int) string {
			q := u.Query()
			if page <= 1 {
				q.Del("page")
			} else {
				q.Set("page", strconv.Itoa(page))
			}
			if len(q) == 0 {
				return u.Path
			}
			return u.Path + "?" + q.Encode()
		},
		"hasID": func(list []int64, id int64) bool {
			for _, x := range list {
				if x == id {
					return true
				}
			}
			return false
		},
	}
}

// HumanSize formats a byte count for people.
func HumanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// serveStatic serves embedded assets under their content hash, cached forever.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, ok := s.tmpl.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := "application/octet-stream"
	switch path.Ext(name) {
	case ".css":
		ct = "text/css; charset=utf-8"
	case ".js":
		ct = "text/javascript; charset=utf-8"
	case ".svg":
		ct = "image/svg+xml"
	case ".png":
		ct = "image/png"
	case ".ico":
		ct = "image/x-icon"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	if z, ok := s.tmpl.gzipped[name]; ok {
		w.Header().Set("Vary", "Accept-Encoding")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			b = z
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// Render renders a page into a buffer and writes it; errors never leave
// a half-written page.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	// A pooled buffer, and the click marks taken out in place: a fresh
	// buffer grown by doubling and a copy without the marks allocated
	// three times the page for every staff page (the self-inspection page
	// at 100,000 items, some 550 KB a view, was the largest allocation of
	// the back-office rows).
	bp := bufPool.Get().(*[]byte)
	buf := bytes.NewBuffer((*bp)[:0])
	defer func() {
		if b := buf.Bytes(); cap(b) <= maxPooledBuf {
			*bp = b[:0]
			bufPool.Put(bp)
		}
	}()
	if err := s.tmpl.render(buf, name, data); err != nil {
		s.Log.Error("render", "template", name, "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(stripMarks(buf.Bytes()))
}

// maxPooledBuf is the largest render buffer put back in bufPool: a rare
// large page is not kept for the small ones.
const maxPooledBuf = 1 << 20

// stripMarks removes the click marks from b, in place.
func stripMarks(b []byte) []byte {
	i := bytes.Index(b, []byte(clickMark))
	if i < 0 {
		return b
	}
	out := b[:i]
	for rest := b[i+len(clickMark):]; ; {
		j := bytes.Index(rest, []byte(clickMark))
		if j < 0 {
			return append(out, rest...)
		}
		out = append(out, rest[:j]...)
		rest = rest[j+len(clickMark):]
	}
}

// ErrorPage renders an error for people, in Chinese.
func (s *Server) ErrorPage(w http.ResponseWriter, r *http.Request, err error) {
	s.LogErr(r, err)
	status := StatusOf(err)
	if SiteOf(r) == nil {
		http.Error(w, errs.MessageOf(err), status)
		return
	}
	data := s.Page(r, "出错了")
	data.Message, data.Status = errs.MessageOf(err), status
	s.Render(w, r, status, "public/error", &data)
}
