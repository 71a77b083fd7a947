package sanitize

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

// dangerous matches what must never survive sanitising, spelled the way a
// browser would read it: a script element, an event-handler attribute, a
// javascript: or data: URL in an attribute.
var dangerous = regexp.MustCompile(`(?i)<\s*/?\s*(script|iframe|object|embed|style|svg|math|form|base|meta|link)\b|<[^>]*\s(on[a-z]+|style|srcdoc|formaction)\s*=|<[^>]*=\s*["']?\s*(javascript|vbscript|data):`)

// FuzzTextAndLinks: the sanitised body never holds dangerous markup, even
// after a second pass; its plain text is stable when escaped and read again
// (what feeds, search and summaries do with it); every link found in it is
// of an allowed scheme.
func FuzzTextAndLinks(f *testing.F) {
	for _, s := range []string{
		`<p onclick="x()">a<script>alert(1)</script>b</p>`, `<svg><script>alert(1)</script></svg>`, `<a href=" jav&#x09;ascript:alert(1)">x</a>`,
		`<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="">`, `<style>p{}</style>正文`, `&lt;script&gt;`, `<p>一&nbsp;二　三</p>`,
		`<a href="/a?b=1&amp;c=2">链接</a><img src="/x.png" alt="图">`, `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := HTML(in)
		if m := dangerous.FindString(out); m != "" {
			t.Errorf("HTML(%q) = %q: contains %q", in, out, m)
		}
		text := Text(out)
		if text != strings.TrimSpace(text) || strings.Contains(text, "  ") {
			t.Errorf("Text(%q) = %q: whitespace not collapsed", out, text)
		}
		if again := Text(html.EscapeString(text)); again != text {
			t.Errorf("Text is not stable on %q: %q then %q", out, text, again)
		}
		for _, l := range Links(out) {
			if l.Tag != "a" && l.Tag != "img" {
				t.Errorf("Links(%q): tag %q", out, l.Tag)
			}
			assertSafeURL(t, in, out, l.Tag, l.URL)
		}
	})
}
