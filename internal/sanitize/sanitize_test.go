package sanitize

import (
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
)

// allowedAttrs is the allow-list HTML promises, used to check its output
// independently of the bluemonday policy.
var allowedAttrs = map[string]map[string]bool{
	"h2": {}, "h3": {}, "h4": {}, "h5": {}, "h6": {},
	"p": {}, "br": {}, "hr": {}, "pre": {}, "code": {}, "blockquote": {},
	"strong": {}, "b": {}, "em": {}, "i": {}, "u": {}, "s": {}, "sub": {}, "sup": {},
	"ul": {}, "ol": {}, "li": {},
	"table": {}, "caption": {}, "thead": {}, "tbody": {}, "tfoot": {}, "tr": {},
	"th":     {"scope": true, "colspan": true, "rowspan": true},
	"td":     {"colspan": true, "rowspan": true},
	"figure": {}, "figcaption": {},
	"a":   {"href": true, "rel": true},
	"img": {"src": true, "alt": true, "width": true, "height": true},
}

// assertHarmless fails unless out contains only allowed elements and
// attributes and every URL is http, https, mailto, tel or relative.
func assertHarmless(t *testing.T, in, out string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.CommentToken, html.DoctypeToken:
			t.Errorf("HTML(%q) = %q: has %v", in, out, tt)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			attrs, ok := allowedAttrs[tok.Data]
			if !ok {
				t.Errorf("HTML(%q) = %q: element <%s> not allowed", in, out, tok.Data)
				continue
			}
			for _, a := range tok.Attr {
				if a.Key == "lang" {
					continue
				}
				if !attrs[a.Key] {
					t.Errorf("HTML(%q) = %q: attribute %s on <%s> not allowed", in, out, a.Key, tok.Data)
				}
				if a.Key == "href" || a.Key == "src" {
					assertSafeURL(t, in, out, tok.Data, a.Val)
				}
			}
		}
	}
}

func assertSafeURL(t *testing.T, in, out, tag, raw string) {
	t.Helper()
	// Browsers strip whitespace and control characters before looking at
	// the scheme; do the same so obfuscated schemes are seen for what they are.
	clean := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, raw)
	u, err := url.Parse(clean)
	if err != nil {
		t.Errorf("HTML(%q) = %q: unparseable URL %q", in, out, raw)
		return
	}
	allowed := map[string]bool{"": true, "http": true, "https": true}
	if tag == "a" {
		allowed["mailto"], allowed["tel"] = true, true
	}
	if !allowed[strings.ToLower(u.Scheme)] {
		t.Errorf("HTML(%q) = %q: URL scheme %q not allowed on <%s>", in, out, u.Scheme, tag)
	}
}

func TestHTMLXSS(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // checked when not "-"
	}{
		{"script", `<script>alert(1)</script>`, ``},
		{"script uppercase", `<SCRIPT SRC=//evil.example/x.js></SCRIPT>`, ``},
		{"script split", `<scr<script>ipt>alert(1)</script>`, `ipt&gt;alert(1)`},
		{"script nested brackets", `<<script>script>alert(1)<</script>/script>`, `&lt;/script&gt;`},
		{"img onerror", `<img src=x onerror=alert(1)>`, `<img src="x">`},
		{"img onerror eval src", `<img src=x:alert(alt) onerror=eval(src) alt=0>`, ``},
		{"img javascript src", `<img src="javascript:alert(1)" alt="a">`, ``},
		{"img entity CR src", `<IMG SRC="jav&#x0D;ascript:alert(1)">`, ``},
		{"img data svg", `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" alt="x">`, ``},
		{"img mailto", `<img src="mailto:a@example.com" alt="x">`, ``},
		{"svg onload", `<svg onload=alert(1)>`, ``},
		{"svg script", `<svg><script>alert(1)</script></svg>`, ``},
		{"svg xlink", `<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">点我</text></a></svg>`, ``},
		{"a javascript", `<a href="javascript:alert(1)">x</a>`, `x`},
		{"a javascript mixed case", `<a href="JaVaScRiPt:alert(1)">x</a>`, `x`},
		{"a javascript tab entity", `<a href="jav&#x09;ascript:alert(1)">x</a>`, `x`},
		{"a javascript newline entity", `<a href="jav&#x0A;ascript:alert(1)">x</a>`, `x`},
		{"a javascript raw newline", "<a href=\"java\nscript:alert(1)\">x</a>", `x`},
		{"a javascript decimal entities", `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`, `x`},
		{"a javascript colon entity", `<a href="&#x6A;avascript&colon;alert(1)">x</a>`, `x`},
		{"a javascript padded entity", `<a href="javascript&#0000058alert(1)">x</a>`, `x`},
		{"a javascript leading space", `<a href="  javascript:alert(1)">x</a>`, `x`},
		{"a javascript leading control", "<a href=\"\x01javascript:alert(1)\">x</a>", `x`},
		{"a javascript leading entity control", `<a href="&#14;javascript:alert(1)">x</a>`, `x`},
		{"a vbscript", `<a href="vbscript:msgbox(1)">x</a>`, `x`},
		{"a data html", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`, `x`},
		{"a onclick", `<a href="https://www.gov.cn/" onclick="alert(1)">x</a>`, `<a href="https://www.gov.cn/" rel="noopener noreferrer">x</a>`},
		{"a target blank", `<a href="https://www.gov.cn/" target="_blank" rel="opener">x</a>`, `<a href="https://www.gov.cn/" rel="noopener noreferrer">x</a>`},
		{"iframe", `<iframe src="https://evil.example/"></iframe>`, ``},
		{"iframe srcdoc", `<iframe srcdoc="<script>alert(1)</script>"></iframe>`, ``},
		{"object", `<object data="x.swf" type="application/x-shockwave-flash"><param name="a" value="b"></object>`, ``},
		{"embed", `<embed src="x.swf">`, ``},
		{"style element", `<style>body{background:url(javascript:alert(1))}</style><p>正文</p>`, `<p>正文</p>`},
		{"style attribute", `<p style="background:url(javascript:alert(1))">x</p>`, `<p>x</p>`},
		{"behavior style", `<xss style="behavior:url(x.htc)">x</xss>`, `x`},
		{"math href", `<math href="javascript:alert(1)">x</math>`, ``},
		{"math mglyph mxss", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, `-`},
		{"noscript mxss", `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, `-`},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, ``},
		{"base href", `<base href="javascript:/a/">`, ``},
		{"link stylesheet", `<link rel="stylesheet" href="javascript:alert(1)">`, ``},
		{"form action", `<form action="javascript:alert(1)"><input type="submit" value="提交"></form>`, ``},
		{"button formaction", `<button formaction="javascript:alert(1)">x</button>`, `x`},
		{"body onload", `<body onload=alert(1)>x</body>`, `x`},
		{"div onmouseover", `<div onmouseover="alert(1)">x</div>`, `x`},
		{"details ontoggle", `<details open ontoggle=alert(1)>x</details>`, `x`},
		{"video source onerror", `<video><source onerror="alert(1)"></video>`, ``},
		{"table background", `<table background="javascript:alert(1)"><tr><td>x</td></tr></table>`, `<table><tr><td>x</td></tr></table>`},
		{"comment", `<!--<img src=x onerror=alert(1)>-->x`, `x`},
		{"cdata", `<![CDATA[<script>alert(1)</script>]]>`, `-`},
		{"unquoted attribute breakout", `<img src=a.png alt=x"onerror="alert(1)>`, `<img src="a.png" alt="x&#34;onerror=&#34;alert(1)">`},
		{"th scope injection", `<table><tr><th scope="row" onclick="x">t</th></tr></table>`, `<table><tr><th scope="row">t</th></tr></table>`},
		{"bad colspan", `<table><tr><td colspan="2;x" rowspan="0">t</td></tr></table>`, `<table><tr><td>t</td></tr></table>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HTML(tt.in)
			if tt.want != "-" && got != tt.want {
				t.Errorf("HTML(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			assertHarmless(t, tt.in, got)
			// Not one of these may survive even as text.
			low := strings.ToLower(got)
			for _, bad := range []string{"<script", "javascript:", "vbscript:", "data:", "<iframe", "<style", "<svg", "<math", "<form", "<meta"} {
				if strings.Contains(low, bad) {
					t.Errorf("HTML(%q) = %q: contains %q", tt.in, got, bad)
				}
			}
			if again := HTML(got); again != got {
				t.Errorf("HTML is not idempotent on %q:\n once  %q\n twice %q", tt.in, got, again)
			}
		})
	}
}

func TestHTMLKeeps(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // "" means unchanged
	}{
		{"chinese paragraph", `<h2>政府信息公开指南</h2><p>根据《中华人民共和国政府信息公开条例》第十九条，<strong>主动公开</strong>以下信息。</p>`, ``},
		{"all headings", `<h2>二</h2><h3>三</h3><h4>四</h4><h5>五</h5><h6>六</h6>`, ``},
		{"h1 demoted", `<h1 lang="zh-Hans">标题</h1>`, `<h2 lang="zh-Hans">标题</h2>`},
		{"inline", `<p><b>粗</b><em>斜</em><i>斜</i><u>下划线</u><s>删除</s>H<sub>2</sub>O m<sup>2</sup><br>换行</p>`, ``},
		{"lists", `<ul><li>一</li><li>二</li></ul><ol><li>第一条</li></ol>`, ``},
		{"blockquote pre code hr", `<blockquote><p>引文</p></blockquote><pre><code>a &lt; b &amp;&amp; c</code></pre><hr>`, ``},
		{"table", `<table><caption>2024年部门预算</caption><thead><tr><th scope="col">项目</th><th scope="col" colspan="2">金额（万元）</th></tr></thead><tbody><tr><th scope="row" rowspan="2">一般公共预算</th><td>1,234.50</td><td>12.5%</td></tr></tbody><tfoot><tr><td colspan="3">合计</td></tr></tfoot></table>`, ``},
		{"figure img", `<figure><img src="/files/org-chart.png" alt="组织机构图" width="640" height="480"><figcaption>图 1 组织机构图</figcaption></figure>`, ``},
		{"img absolute", `<img src="https://www.example.gov.cn/a.jpg" alt="照片">`, ``},
		{"relative link", `<a href="/xxgk/2024/0001.html">相关文件</a>`, ``},
		{"relative dot link", `<a href="../fj/a.pdf">附件</a>`, ``},
		{"absolute link gets rel", `<a href="https://www.gov.cn/zhengce/">中国政府网</a>`, `<a href="https://www.gov.cn/zhengce/" rel="noopener noreferrer">中国政府网</a>`},
		{"protocol-relative link gets rel", `<a href="//www.gov.cn/">中国政府网</a>`, `<a href="//www.gov.cn/" rel="noopener noreferrer">中国政府网</a>`},
		{"mailto", `<a href="mailto:xxgk@example.gov.cn">来信</a>`, ``},
		{"tel", `<a href="tel:+86-10-12345678">电话</a>`, ``},
		{"lang", `<p lang="bo">བོད་ཡིག</p><p lang="ug">ئۇيغۇرچە</p>`, ``},
		{"entities", `<p>甲 &amp; 乙 &lt; 丙</p>`, ``},
		{"drops class style id", `<p class="MsoNormal" style="color:red" id="x" lang="en">text</p>`, `<p lang="en">text</p>`},
		{"drops span and div", `<div><span style="font-family:宋体">正文</span></div>`, `正文`},
		{"drops bad lang", `<p lang="zh&quot;onclick">x</p>`, `<p>x</p>`},
		{"chinese path is percent-encoded", `<a href="/公开/指南.html">指南</a>`, `<a href="/%E5%85%AC%E5%BC%80/%E6%8C%87%E5%8D%97.html">指南</a>`},
		{"fragment link", `<a href="#top">返回顶部</a>`, ``},
		{"img without src dropped", `<p><img alt="无图">文字</p>`, `<p>文字</p>`},
		{"quotes escaped", `<p>"引号" 'x'</p>`, `<p>&#34;引号&#34; &#39;x&#39;</p>`},
		{"empty", ``, ``},
		{"blank", " \n\t ", ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want == "" && strings.TrimSpace(tt.in) != "" {
				want = tt.in
			}
			if got := HTML(tt.in); got != want {
				t.Errorf("HTML(%q)\n got %q\nwant %q", tt.in, got, want)
			}
		})
	}
}

func TestHTMLConcurrent(t *testing.T) {
	in := `<p onclick="x">并发<a href="https://www.gov.cn/">链接</a></p>`
	want := HTML(in)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := HTML(in); got != want {
					t.Errorf("HTML = %q, want %q", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestText(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{``, ``},
		{`纯文本`, `纯文本`},
		{`<p>第一段</p><p>第二段</p>`, `第一段 第二段`},
		{`<p><strong>主动</strong>公开</p>`, `主动公开`},
		{`<p>甲&nbsp;&amp;&nbsp;乙 &lt;丙&gt; &#20844;&#x5F00;</p>`, `甲 & 乙 <丙> 公开`},
		{"<p>  多个\n\t空白　全角空格  </p>", `多个 空白 全角空格`},
		{`<script>alert(1)</script><style>p{}</style>正文`, `正文`},
		{`<ul><li>一</li><li>二</li></ul>`, `一 二`},
		{`第一行<br>第二行<br/>第三行`, `第一行 第二行 第三行`},
		{`<table><tr><td>项目</td><td>金额</td></tr></table>`, `项目 金额`},
		{`<svg><text>图</text></svg>说明`, `说明`},
		{`<!-- 注释 -->可见`, `可见`},
		{`a<b>b</b>c <img src="x" alt="图">d`, `abc d`},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLinks(t *testing.T) {
	in := HTML(`<p><a href="https://www.gov.cn/">政府网</a> <a href="/a.html" onclick="x">站内</a>
<a name="anchor">无链接</a> <a href="javascript:alert(1)">坏</a>
<img src="/a.png" alt="组织机构图"><img src="/b.png"><img src="/c.png" alt="  "><img src="data:image/png;base64,AAAA" alt="x">
<a href="mailto:xxgk@example.gov.cn">来信</a></p>`)
	want := []Link{
		{Tag: "a", URL: "https://www.gov.cn/"},
		{Tag: "a", URL: "/a.html"},
		{Tag: "img", URL: "/a.png", HasAlt: true},
		{Tag: "img", URL: "/b.png"},
		{Tag: "img", URL: "/c.png"},
		{Tag: "a", URL: "mailto:xxgk@example.gov.cn"},
	}
	if got := Links(in); !reflect.DeepEqual(got, want) {
		t.Errorf("Links(%q)\n got %+v\nwant %+v", in, got, want)
	}
	if got := Links(`<p>无链接</p>`); got != nil {
		t.Errorf("Links without links = %+v, want nil", got)
	}
	// Entities in URLs are decoded.
	if got := Links(`<a href="/s?a=1&amp;b=2">x</a>`); len(got) != 1 || got[0].URL != "/s?a=1&b=2" {
		t.Errorf("Links with entity = %+v", got)
	}
}

func FuzzHTML(f *testing.F) {
	for _, s := range []string{
		`<a href="javascript:alert(1)">x</a>`,
		`<img src=x onerror=alert(1)>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<table><tr><th scope="col">x</th></tr></table>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := HTML(in)
		assertHarmless(t, in, out)
		if again := HTML(out); again != out {
			t.Errorf("HTML is not idempotent on %q:\n once  %q\n twice %q", in, out, again)
		}
	})
}
