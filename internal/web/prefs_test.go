package web

import (
	"strings"
	"testing"
)

func TestPrefsCookieCodec(t *testing.T) {
	full := prefs{Text: 2, Scheme: schemeContrast, Lines: 1, Cursor: true, Guide: guideLine, Elderly: true, Plain: true, Bar: true}
	cases := []struct {
		in    string
		want  prefs
		ok    bool
		canon string // encode(decode(in))
	}{
		{"", prefs{}, true, ""},
		{"1.e", prefs{Elderly: true}, true, "1.e"},
		{"1.t2.sc.l1.c.gl.e.p.b", full, true, "1.t2.sc.l1.c.gl.e.p.b"},
		{"1.b.p.e.gl.c.l1.sc.t2", full, true, "1.t2.sc.l1.c.gl.e.p.b"}, // any order, one canonical form
		{"1.t4.sd.l2.gx", prefs{Text: 4, Scheme: schemeDark, Lines: 2, Guide: guideCross}, true, "1.t4.sd.l2.gx"},
		// Anything malformed is ignored as a whole.
		{"2.e", prefs{}, false, ""},
		{"1", prefs{}, false, ""},
		{"1.", prefs{}, false, ""},
		{"1..e", prefs{}, false, ""},
		{"1.e.e", prefs{}, false, ""},
		{"1.sc.sd", prefs{}, false, ""},
		{"1.t5", prefs{}, false, ""},
		{"1.t0", prefs{}, false, ""},
		{"1.l3", prefs{}, false, ""},
		{"1.x", prefs{}, false, ""},
		{"1.E", prefs{}, false, ""},
		{"1.e.<script>", prefs{}, false, ""},
		{"1." + strings.Repeat("e", 60), prefs{}, false, ""},
	}
	for _, c := range cases {
		got, ok := decodePrefs(c.in)
		if ok != c.ok || got != c.want.norm() {
			t.Errorf("decodePrefs(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want.norm(), c.ok)
		}
		if enc := got.encode(); enc != c.canon {
			t.Errorf("encode(decode(%q)) = %q, want %q", c.in, enc, c.canon)
		}
	}
	if (prefs{}).norm().encode() != "" {
		t.Error("the defaults must encode as the empty string (no cookie, the benchmark path)")
	}
}

func TestPrefsClassesAndOps(t *testing.T) {
	p, _ := decodePrefs("1.t3.sd.l2.c.gx.e.p.b")
	if got, want := p.Classes(), "t-3 s-dark ls-2 cur-big guide-cross m-elderly v-plain"; got != want {
		t.Errorf("Classes = %q, want %q", got, want)
	}
	if got := (prefs{}).Classes(); got != "" {
		t.Errorf("default Classes = %q", got)
	}
	var q prefs
	steps := []struct{ op, want string }{
		{"text+", "1.t1"}, {"text+", "1.t2"}, {"text+", "1.t3"}, {"text+", "1.t4"}, {"text+", "1.t4"},
		{"text-", "1.t3"}, {"text0", ""}, {"text-", ""},
		{"scheme-contrast", "1.sc"}, {"scheme-dark", "1.sd"}, {"scheme-normal", ""},
		{"lines", "1.l1"}, {"lines", ""}, {"cursor", "1.c"}, {"cursor", ""},
		{"guide-line", "1.gl"}, {"guide-cross", "1.gx"}, {"guide-cross", ""},
		{"elderly-on", "1.e"}, {"plain-on", "1.e.p"}, {"bar-on", "1.e.p.b"}, {"plain-off", "1.e.b"}, {"elderly-off", "1.b"},
		{"bar-off", ""}, {"text+", "1.t1"}, {"reset", ""},
	}
	for _, s := range steps {
		if !q.apply(s.op) {
			t.Fatalf("op %q unknown", s.op)
		}
		if got := q.encode(); got != s.want {
			t.Fatalf("after %q: %q, want %q", s.op, got, s.want)
		}
	}
	if q.apply("text++") || q.apply("") {
		t.Error("unknown ops must be refused")
	}
}

func TestSafeNextNoOpenRedirect(t *testing.T) {
	cases := map[string]string{
		"/items/2":                      "/items/2",
		"/columns/zcwj?year=2021&x=1":   "/columns/zcwj?year=2021&x=1",
		"/search?q=%E6%94%BF":           "/search?q=%E6%94%BF",
		"/@evil.example":                "/@evil.example", // a path on this site
		"":                              "/",
		"items/2":                       "/",
		"//evil.example/x":              "/",
		"///evil.example":               "/",
		"/\\evil.example":               "/",
		"\\\\evil.example":              "/",
		"https://evil.example/":         "/",
		"http:/evil.example":            "/",
		"javascript:alert(1)":           "/",
		"/ok\r\nSet-Cookie: x=1":        "/",
		"/\tx":                          "/",
		"/" + strings.Repeat("a", 3000): "/",
	}
	for in, want := range cases {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
