package letter

import (
	"bytes"
	"embed"
	"html/template"
	"io"
	"io/fs"

	"gongkai/internal/errs"
)

//go:embed templates/letter.html static/letter.css
var htmlFiles embed.FS

// Assets holds static/letter.css for a web kit to serve beside the pages
// that embed the fragment (web.Server.Templates("internal/letter", Assets)):
// one stylesheet, not a copy per feature.
var Assets fs.FS = htmlFiles

var htmlTemplate = template.Must(template.ParseFS(htmlFiles, "templates/letter.html"))

// CSS is the stylesheet of the HTML fragment (class names gk-letter-*),
// screen and print (A4). Pages serve it as a file: the site's CSP forbids
// inline styles, so the fragment carries none.
var CSS = func() string {
	b, err := htmlFiles.ReadFile("static/letter.css")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// RenderHTML writes the letter as an HTML fragment (<article class="gk-letter">)
// for a page to embed. Every text is escaped by html/template.
func RenderHTML(w io.Writer, l Letter) error { return Default.RenderHTML(w, l) }

// HTML returns the letter as an HTML fragment.
func HTML(l Letter) (template.HTML, error) {
	var b bytes.Buffer
	if err := Default.RenderHTML(&b, l); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// RenderHTML writes the letter as an HTML fragment.
func (s *Set) RenderHTML(w io.Writer, l Letter) error {
	d, err := s.Compose(l)
	if err != nil {
		return err
	}
	return d.RenderHTML(w)
}

// RenderHTML writes a composed document as an HTML fragment.
func (d Document) RenderHTML(w io.Writer) error {
	if err := htmlTemplate.ExecuteTemplate(w, "letter", d); err != nil {
		return errs.Wrap(err, "letter: html")
	}
	return nil
}
