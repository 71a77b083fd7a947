// Package sanitize cleans the rich text that staff enter for item bodies and
// extracts plain text and links from it.
//
// HTML is the only way staff-entered markup reaches a page: the result is safe
// to render as template.HTML. Text is for summaries and search; its result is
// plain text and is escaped like any other string when rendered.
package sanitize

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// policy is built once; bluemonday policies are safe for concurrent use once
// they are no longer being modified.
var policy = newPolicy()

var (
	// BCP 47 tags such as "zh", "zh-Hans", "bo", "ug-Arab-CN".
	langRe = regexp.MustCompile(`^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}$`)
	spanRe = regexp.MustCompile(`^[1-9][0-9]{0,2}$`)
	sizeRe = regexp.MustCompile(`^[0-9]{1,4}$`)
	// scopeRe lists the values of th scope defined by HTML.
	scopeRe = regexp.MustCompile(`^(?:row|col|rowgroup|colgroup)$`)
	// imgSrcRe admits http(s) and scheme-less (relative) URLs only: either
	// an http(s) scheme, or no ':' before the first '/', '?' or '#'. The
	// policy's scheme list, shared by all elements, also admits mailto: and
	// tel:, which mean nothing on an image.
	imgSrcRe = regexp.MustCompile(`^(?i:https?://)|^[^:/?#\s]*(?:[/?#]|$)`)
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()

	// h1 is admitted here only so that render can demote it to h2: the page
	// title is the only h1 on a page.
	p.AllowElements("h1", "h2", "h3", "h4", "h5", "h6",
		"p", "br", "hr", "pre", "code", "blockquote",
		"strong", "b", "em", "i", "u", "s", "sub", "sup",
		"ul", "ol", "li",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
		"figure", "figcaption")

	p.AllowAttrs("lang").Matching(langRe).Globally()
	p.AllowAttrs("scope").Matching(scopeRe).OnElements("th")
	p.AllowAttrs("colspan", "rowspan").Matching(spanRe).OnElements("th", "td")

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src").Matching(imgSrcRe).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(sizeRe).OnElements("img")

	// Every href and src must parse with net/url and use one of these
	// schemes or none. Parsing also refuses URLs with embedded whitespace or
	// control characters, which is how "jav&#x09;ascript:" and
	// "java\nscript:" are caught once the tokenizer has decoded them.
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.AllowRelativeURLs(true)

	// Drop the content of elements that are never shown as text, besides
	// bluemonday's defaults (script, style, iframe, object, noscript, …).
	p.SkipElementsContent("svg", "math", "template", "textarea", "select")
	p.AddSpaceWhenStrippingTag(false)
	return p
}

// HTML returns s with everything removed that is not on the item-body
// allow-list: headings (h1 becomes h2), paragraphs, inline emphasis, lists,
// tables, links, images, figures, pre and code, each with only the attributes
// that matter (lang everywhere; scope, colspan and rowspan on cells; href on
// links; src, alt, width and height on images). Class, style, id and event
// attributes are dropped, as are script, style, iframe, object, forms and any
// URL that is not http, https, mailto, tel or relative. Links to other hosts
// get rel="noopener noreferrer". Leading and trailing whitespace is trimmed.
func HTML(s string) string {
	return strings.TrimSpace(render(policy.Sanitize(s)))
}

// render rewrites the few tags bluemonday cannot express in its policy. It
// runs on bluemonday's output, so every token is already well formed and safe;
// tokens that need no change are copied byte for byte.
func render(clean string) string {
	var b strings.Builder
	b.Grow(len(clean) + 32)
	z := html.NewTokenizer(strings.NewReader(clean))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			raw := string(z.Raw())
			t := z.Token()
			switch t.DataAtom {
			case atom.H1:
				t.Data, t.DataAtom = "h2", atom.H2
			case atom.A:
				if tt != html.EndTagToken {
					t = relLink(t)
				}
			case atom.Img:
				if attr(t, "src") == "" {
					// An image without a source is noise, and the
					// missing-alt check should not report it.
					continue
				}
			default:
				b.WriteString(raw)
				continue
			}
			b.WriteString(t.String())
			continue
		}
		b.Write(z.Raw())
	}
}

// relLink drops any rel attribute and adds rel="noopener noreferrer" when the
// link leaves the site, so the target learns neither the referring page (which
// may carry a query) nor gets a handle on the opener.
func relLink(t html.Token) html.Token {
	var attrs []html.Attribute
	external := false
	for _, a := range t.Attr {
		if a.Key == "rel" || a.Key == "target" {
			continue
		}
		if a.Key == "href" {
			if u, err := url.Parse(a.Val); err == nil && u.Host != "" {
				external = true
			}
		}
		attrs = append(attrs, a)
	}
	if external {
		attrs = append(attrs, html.Attribute{Key: "rel", Val: "noopener noreferrer"})
	}
	t.Attr = attrs
	return t
}

func attr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// skipText lists elements whose content is never visible text.
var skipText = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Svg: true, atom.Math: true,
	atom.Textarea: true, atom.Select: true, atom.Head: true, atom.Title: true,
	atom.Noembed: true, atom.Noframes: true,
}

// inline lists elements that do not separate words. Every other tag is taken
// as a break, so "<p>一</p><p>二</p>" reads "一 二" while "<b>一</b>二" reads
// "一二" (Chinese is written without spaces).
var inline = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true,
	atom.Cite: true, atom.Code: true, atom.Data: true, atom.Del: true, atom.Dfn: true,
	atom.Em: true, atom.Font: true, atom.I: true, atom.Ins: true, atom.Kbd: true,
	atom.Mark: true, atom.Q: true, atom.Rp: true, atom.Rt: true, atom.Ruby: true,
	atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true, atom.Strike: true,
	atom.Strong: true, atom.Sub: true, atom.Sup: true, atom.Time: true, atom.Tt: true,
	atom.U: true, atom.Var: true, atom.Wbr: true,
}

// Text returns the visible text of an HTML fragment: tags removed, entities
// decoded, the content of script, style and similar elements dropped, and runs
// of whitespace (including full-width spaces and &nbsp;) collapsed to one
// space. The result is plain text, not HTML.
func Text(s string) string {
	var b strings.Builder
	skip := 0
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipText[a] {
				skip++
			}
			if !inline[a] {
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipText[a] && skip > 0 {
				skip--
			}
			if !inline[a] {
				b.WriteByte(' ')
			}
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			if !inline[atom.Lookup(name)] {
				b.WriteByte(' ')
			}
		}
	}
}

// Link is a link or image found in an item body.
type Link struct {
	// Tag is "a" or "img".
	Tag string
	// URL is the href of a link or the src of an image, as written.
	URL string
	// HasAlt reports, for an image, whether it has a non-blank alt text
	// (GB/T 37668: images that carry information need a text alternative).
	HasAlt bool
}

// Links returns every <a href> and <img src> in an HTML fragment, in document
// order. Elements with an empty href or src are left out.
func Links(s string) []Link {
	var links []Link
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return links
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch t.DataAtom {
			case atom.A:
				if u := strings.TrimSpace(attr(t, "href")); u != "" {
					links = append(links, Link{Tag: "a", URL: u})
				}
			case atom.Img:
				if u := strings.TrimSpace(attr(t, "src")); u != "" {
					links = append(links, Link{
						Tag:    "img",
						URL:    u,
						HasAlt: strings.TrimSpace(attr(t, "alt")) != "",
					})
				}
			}
		}
	}
}
