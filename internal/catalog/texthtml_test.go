package catalog

import "testing"

func TestTextToHTML(t *testing.T) {
	cases := []struct{ in, want string }{
		{"第一段\r\n\r\n第二段 <b>", "第一段 <b>"}, // has a tag: left to the sanitiser
		{"第一段\r\n\r\n  第二段 & 附件  \n", "<p>第一段</p>\n<p>第二段 &amp; 附件</p>\n"},
		{"   ", "   "},
		{"<p>已是 HTML</p>", "<p>已是 HTML</p>"},
	}
	for _, c := range cases[1:] {
		if got := textToHTML(c.in); got != c.want {
			t.Errorf("textToHTML(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := textToHTML(cases[0].in); got != cases[0].in {
		t.Errorf("text with a tag changed: %q", got)
	}
}
