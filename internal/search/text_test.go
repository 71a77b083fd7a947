package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestTokens(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"中华人民", []string{"中华", "华人", "人民"}},
		{"临司发〔２０２１〕12号", []string{"临司", "司发", "2021", "12", "号"}},
		{"法", []string{"法"}},
		{"PDF 文件", []string{"pdf", "文件"}},
		{"“双随机、一公开”", []string{"双随", "随机", "一公", "公开"}},
		{"  ，。！ ", nil},
	}
	for _, c := range cases {
		if got := Tokens(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Tokens(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := TokenText("法律援助 2021年"); got != "法律 律援 援助 2021 年" {
		t.Errorf("TokenText = %q", got)
	}
	if p := PhraseOf("2021年", Anywhere); !slices.Equal(p.Tokens, []string{"2021", "年*"}) {
		t.Errorf("a lone Han character is a prefix: %q", p.Tokens)
	}
	if PhraseOf("，。", Anywhere) != nil {
		t.Error("punctuation has no phrase")
	}
}

func TestOrderBase(t *testing.T) {
	a, b := OrderBase("2021-03-01"), OrderBase("2021-03-02")
	if b-a != 1<<OrderBits || a <= 0 {
		t.Errorf("OrderBase: %d %d", a, b)
	}
	if OrderBase("bad") != 0 {
		t.Error("unparsable day")
	}
}

func TestVocabulary(t *testing.T) {
	v := NewVocabulary("双随机一公开")
	if got := v.Segment("怎么申请法律援助"); !slices.Equal(got, []string{"申请", "法律援助"}) {
		t.Errorf("Segment = %q", got)
	}
	if got := v.FromPinyin("quanzeqingdan", 3); !slices.Contains(got, "权责清单") {
		t.Errorf("full pinyin: %q", got)
	}
	if got := v.FromPinyin("qzqd", 3); !slices.Contains(got, "权责清单") {
		t.Errorf("initials: %q", got)
	}
	for in, want := range map[string]string{"社区娇正": "社区矫正", "行政复意": "行政复议", "公正处": "公证处"} {
		if got, ok := v.Correct(in); !ok || got != want {
			t.Errorf("Correct(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if got, ok := v.Correct("社区矫正"); ok || got != "社区矫正" {
		t.Errorf("a known word is not corrected: %q", got)
	}
	if got := v.Words("falv", 5); !slices.Contains(got, "法律援助") {
		t.Errorf("pinyin prefix suggestions: %q", got)
	}
	if got := v.Words("社区", 5); !slices.Contains(got, "社区矫正") {
		t.Errorf("prefix suggestions: %q", got)
	}
}

func TestSnippet(t *testing.T) {
	body := "开头的文字。" + string(make([]rune, 0)) + "这里有很多无关的内容，一直写下去，一直写下去，一直写下去，一直写下去，一直写下去，一直写下去，一直写下去，一直写下去。" +
		"申请法律援助应当提交身份证明和经济困难证明，法律援助机构应当在七日内作出决定。结尾。"
	segs := Snippet(body, []string{"法律援助"})
	marked := 0
	text := ""
	for _, s := range segs {
		text += s.Text
		if s.Mark {
			marked++
			if s.Text != "法律援助" {
				t.Errorf("marked %q", s.Text)
			}
		}
	}
	if marked != 2 || segs[0].Text != "…" {
		t.Errorf("snippet %q with %d marks", text, marked)
	}
	h := Highlight("关于法律援助的通知", []string{"法律援助", "法律"})
	if len(h) != 3 || !h[1].Mark || h[1].Text != "法律援助" {
		t.Errorf("Highlight = %+v", h)
	}
}

func TestValidate(t *testing.T) {
	long := string(make([]rune, 0))
	for range MaxQueryRunes + 1 {
		long += "字"
	}
	bad := []Request{{Q: long}, {From: "2021-02-30"}, {From: "2021-03-02", To: "2021-03-01"}, {Year: 12}, {Validity: "x"}, {Sort: "x"}}
	for _, r := range bad {
		if err := r.Validate(); err == nil {
			t.Errorf("%+v accepted", r)
		}
	}
	r := Request{Q: "法律援助", Limit: 1000}
	if err := r.Validate(); err != nil || r.Limit != 50 || r.Page != 1 {
		t.Errorf("Validate: %v %+v", err, r)
	}
}

func TestParse(t *testing.T) {
	v := NewVocabulary()
	syn := Synonyms{"法援": {"法律援助"}}
	p := parse(&Request{Q: "怎么申请法援", Exclude: "公证"}, v, syn, SegmentWords)
	if len(p.match.Must) != 2 || len(p.match.Not) != 1 {
		t.Fatalf("plan %+v", p.match)
	}
	if c := p.match.Must[1]; len(c) != 2 || !slices.Equal(c[1].Tokens, []string{"法律", "律援", "援助"}) {
		t.Errorf("synonym clause %+v", c)
	}
	if p := parse(&Request{Q: "！！ ，，"}, v, syn, SegmentWords); !p.empty {
		t.Error("punctuation-only query is empty")
	}
	if k := docKeyOf("临司发〔2021〕12号"); k != DocNoKey("临司发 2021 12") || k == "" {
		t.Errorf("docKeyOf = %q", k)
	}
}

func TestHighlightKeepsTheText(t *testing.T) {
	h := Highlight("关于印发《临沂市ＰＤＦ法律援助办法》的通知（试行）", []string{"pdf法律援助"})
	var text string
	for _, s := range h {
		text += s.Text
	}
	if text != "关于印发《临沂市ＰＤＦ法律援助办法》的通知（试行）" {
		t.Errorf("text changed: %q", text)
	}
	if len(h) != 3 || !h[1].Mark || h[1].Text != "ＰＤＦ法律援助" {
		t.Errorf("segments %+v", h)
	}
	s := Snippet("事项名称：法律援助申请", []string{"法律援助"})
	if len(s) != 3 || s[0].Text != "事项名称：" || s[1].Text != "法律援助" {
		t.Errorf("snippet %+v", s)
	}
}

// Normalize's fast path agrees with NFKC plus lower case on every rune it
// takes, and on mixed text.
func TestNormalizeMatchesNFKC(t *testing.T) {
	ref := func(s string) string { return strings.ToLower(norm.NFKC.String(s)) }
	for r := rune(0); r < 0x10000; r++ {
		if _, ok := fastRune(r); !ok || (r >= 0xd800 && r <= 0xdfff) {
			continue
		}
		if got, want := Normalize(string(r)), ref(string(r)); got != want {
			t.Errorf("U+%04X: %q, NFKC %q", r, got, want)
		}
	}
	for _, s := range []string{"临司发〔２０２１〕12号ＡＢＣ", "e\u0301 café ①②", "ﾊﾝｶｸ　全角空格", "“双随机、一公开”…"} {
		if got, want := Normalize(s), ref(s); got != want {
			t.Errorf("Normalize(%q) = %q, NFKC %q", s, got, want)
		}
	}
}

// BenchmarkQueryWords is the query-side cost of each segmentation mode
// (docs/BENCHMARKS.md: dictionary words cost microseconds a query).
func BenchmarkQueryWords(b *testing.B) {
	v := NewVocabulary()
	for _, mode := range []string{SegmentWords, SegmentRuns} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				queryWords("我想申请法律援助需要什么材料 临司发〔2021〕12号", v, mode)
			}
		})
	}
}

// BenchmarkTokenText is the index-side cost: the same bigrams whatever the
// query segmentation.
func BenchmarkTokenText(b *testing.B) {
	body := strings.Repeat("全市各级司法行政机关要坚持以人民为中心的发展思想，把法律援助工作摆在更加突出的位置。", 40)
	b.SetBytes(int64(len(body)))
	start := cpuTime()
	for b.Loop() {
		TokenText(body)
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process's user and system CPU time (the machine is shared:
// wall time per op depends on the load, CPU time does not).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// decodeRune agrees with utf8.DecodeRuneInString on every three-byte
// sequence with a three-byte lead, valid or not.
func TestDecodeRune(t *testing.T) {
	buf := []byte{0, 0, 0, 'x'}
	for c0 := 0xe0; c0 <= 0xef; c0++ {
		for c1 := 0; c1 < 256; c1++ {
			for c2 := 0; c2 < 256; c2++ {
				buf[0], buf[1], buf[2] = byte(c0), byte(c1), byte(c2)
				s := string(buf)
				r, w := decodeRune(s)
				wr, ww := utf8.DecodeRuneInString(s)
				if r != wr || w != ww {
					t.Fatalf("% x: %U %d, want %U %d", buf[:3], r, w, wr, ww)
				}
			}
		}
	}
}

// collapseSpace is strings.Join(strings.Fields(s), " ").
func TestCollapseSpace(t *testing.T) {
	parts := []string{" ", "  ", "\t", "\n", "\u3000", "\u00a0", "\u0085", "a", "法律", "，", "\xff", "\xe4\xb8", "x y"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// parseDay is time.Parse(time.DateOnly, …).
func TestParseDay(t *testing.T) {
	for _, s := range []string{"2021-01-02", "2021-02-28", "2021-02-29", "2020-02-29", "2021-02-30", "2021-13-01", "2021-00-10", "2021-01-00",
		"0000-01-01", "2021-1-02", "2021/01/02", "", "2021-01-02x", "２０２１-01-02", "2021-12-31", "abcd-01-02"} {
		got, err := parseDay(s)
		want, werr := time.Parse(time.DateOnly, s)
		if (err == nil) != (werr == nil) || !got.Equal(want) {
			t.Errorf("parseDay(%q) = %v, %v; time.Parse %v, %v", s, got, err, want, werr)
		}
	}
}
