package letter

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
)

// pdfPages extracts each page's text with github.com/ledongthuc/pdf, all
// white space removed (lines are broken by width, so words may be split).
func pdfPages(t testing.TB, b []byte) []string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("PDF does not parse: %v", err)
	}
	var pages []string
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		txt, err := p.GetPlainText(nil)
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		// Each page ends with its number, "— N —" (stripped here, so that
		// the pages' texts join into the letter's).
		txt = compact(txt)
		num := fmt.Sprintf("—%d—", i)
		if !strings.HasSuffix(txt, num) {
			t.Errorf("page %d does not end with its number %s: …%s", i, num, txt[max(0, len(txt)-60):])
		}
		pages = append(pages, strings.TrimSuffix(txt, num))
	}
	return pages
}

func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '　' {
			return -1
		}
		return r
	}, s)
}

func render(t testing.TB, l Letter) (html string, pages []string) {
	t.Helper()
	var h, p bytes.Buffer
	if err := RenderHTML(&h, l); err != nil {
		t.Fatalf("%s: RenderHTML: %v", l.Kind, errs.MessageOrText(err))
	}
	if err := RenderPDF(&p, l); err != nil {
		t.Fatalf("%s: RenderPDF: %v", l.Kind, errs.MessageOrText(err))
	}
	if !bytes.HasPrefix(p.Bytes(), []byte("%PDF-")) {
		t.Fatalf("%s: not a PDF", l.Kind)
	}
	return h.String(), pdfPages(t, p.Bytes())
}

func TestEveryKindRendersInHTMLAndPDF(t *testing.T) {
	kinds := Kinds()
	if len(kinds) != len(categories)+8 {
		t.Fatalf("%d kinds, want the %d categories and 6 more", len(kinds), len(categories))
	}
	for _, k := range kinds {
		t.Run(string(k), func(t *testing.T) {
			l := Sample(k)
			tpl := Default.byKind[k]
			html, pages := render(t, l)
			all := strings.Join(pages, "")
			for _, want := range []string{tpl.Title, "临司依申〔2025〕第12号", "临沂市司法局", "特此"} {
				if !strings.Contains(all, compact(want)) {
					t.Errorf("PDF lacks %q:\n%s", want, all)
				}
				if !strings.Contains(html, want) {
					t.Errorf("HTML lacks %q", want)
				}
			}
			checkFragment(t, html)
			if !strings.Contains(all, "2025年3月") {
				t.Errorf("PDF lacks the issue date")
			}
			if !tpl.ToParty && !strings.Contains(all, "张三：") {
				t.Errorf("PDF is not addressed to the applicant")
			}
			if !tpl.Decision {
				if strings.Contains(all, "行政复议") != (tpl.Remedy != "") {
					t.Errorf("a procedural notice states remedies")
				}
				return
			}
			basis := tpl.basis()
			if k == "other.3" {
				basis = l.LegalBasis
			}
			for _, want := range []string{
				"调查结果", "答复意见", "法律依据", "依据" + basis + "的规定",
				// 条例第五十一条: reconsideration and lawsuit, with the configured periods and bodies.
				"自收到本告知书之日起六十日内向临沂市人民政府申请行政复议",
				"自收到本告知书之日起六个月内向有管辖权的人民法院提起行政诉讼",
				l.Investigation, l.Answer,
			} {
				if !strings.Contains(all, compact(want)) {
					t.Errorf("PDF lacks %q:\n%s", want, all)
				}
			}
			if tpl.Statement != "" && !strings.Contains(all, compact(tpl.Statement[:min(len(tpl.Statement), 30)])) {
				t.Errorf("PDF lacks the category's statement")
			}
		})
	}
}

// The table of categories is REFERENCE §2.3's result block, and each row's
// basis cites the article REFERENCE §1.2 gives for it.
func TestCategoriesAreTheAnnualReportRows(t *testing.T) {
	want := []struct{ code, name, article string }{
		{"disclosed", "予以公开", "第三十六条第（二）项"},
		{"partially_disclosed", "部分公开（区分处理的，只计这一情形，不计其他情形）", "第三十七条"},
		{"withheld.1", "属于国家秘密", "第十四条"},
		{"withheld.2", "其他法律行政法规禁止公开", "第十四条"},
		{"withheld.3", "危及“三安全一稳定”", "第十四条"},
		{"withheld.4", "保护第三方合法权益", "第十五条"},
		{"withheld.5", "属于三类内部事务信息", "第十六条第一款"},
		{"withheld.6", "属于四类过程性信息", "第十六条第二款"},
		{"withheld.7", "属于行政执法案卷", "第十六条第二款"},
		{"withheld.8", "属于行政查询事项", "第三十六条第（七）项"},
		{"unavailable.1", "本机关不掌握相关政府信息", "第三十六条第（四）项"},
		{"unavailable.2", "没有现成信息需要另行制作", "第三十八条"},
		{"unavailable.3", "补正后申请内容仍不明确", "第三十条"},
		{"not_handled.1", "信访举报投诉类申请", "第三十九条第一款"},
		{"not_handled.2", "重复申请", "第三十六条第（六）项"},
		{"not_handled.3", "要求提供公开出版物", "第三十九条第二款"},
		{"not_handled.4", "无正当理由大量反复申请", "第三十五条"},
		{"not_handled.5", "要求行政机关确认或重新出具已获取信息", "第三十八条"},
		{"other.1", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "第三十条"},
		{"other.2", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "国办函〔2020〕109号"},
		{"other.3", "其他", ""},
	}
	got := Categories()
	if len(got) != len(want) {
		t.Fatalf("%d categories, want %d", len(got), len(want))
	}
	groups := map[string]int{}
	for i, w := range want {
		c := got[i]
		groups[c.Group]++
		if c.Code != w.code || c.Name != w.name {
			t.Errorf("row %d = %s %s, want %s %s", i, c.Code, c.Name, w.code, w.name)
		}
		if !strings.Contains(c.Basis, w.article) || (w.article == "") != (c.Basis == "") {
			t.Errorf("%s basis %q, want it to cite %q", c.Code, c.Basis, w.article)
		}
		if strings.HasPrefix(c.Code, "withheld.") && c.Code != "withheld.8" && !strings.Contains(c.Basis, "第三十六条第（三）项") {
			t.Errorf("%s: a 不予公开 letter cites 第三十六条第（三）项 (tell and give reasons)", c.Code)
		}
		if !c.Verified && c.Note == "" {
			t.Errorf("%s is unverified without a note saying why", c.Code)
		}
	}
	// §2.3: 1 + 1 + 8 + 3 + 5 + 3 result rows.
	for g, n := range map[string]int{"（一）予以公开": 1, "（二）部分公开": 1, "（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3} {
		if groups[g] != n {
			t.Errorf("group %s has %d rows, want %d", g, groups[g], n)
		}
	}
	if _, ok := CategoryOf("withheld.9"); ok {
		t.Error("withheld.9 is no row of §2.3")
	}
}

func TestSummaryEndingInPunctuationIsNotDoubled(t *testing.T) {
	l := Sample("withheld.3")
	l.Summary = "某某工作方案。"
	d, err := Compose(l)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(d.Blocks[0].Text, "。。") || !strings.Contains(d.Blocks[0].Text, "申请获取：某某工作方案。本机关") {
		t.Errorf("intro: %s", d.Blocks[0].Text)
	}
}

func TestOtherAgencyLetterNamesTheResponsibleAgency(t *testing.T) {
	_, pages := render(t, Sample(KindOtherAgency))
	all := strings.Join(pages, "")
	for _, want := range []string{"不属于本机关负责公开", "临沂市人民政府办公室", "0539-0000001", "第三十六条第（五）项"} {
		if !strings.Contains(all, want) {
			t.Errorf("lacks %q: %s", want, all)
		}
	}
	if Default.byKind[KindOtherAgency].Category != "unavailable.1" {
		t.Error("非本机关 letters count in row unavailable.1 (REFERENCE §1.2)")
	}
}

func TestCorrectionNoticeListsEveryItemInOneNotice(t *testing.T) {
	l := Sample(KindCorrection)
	html, pages := render(t, l)
	all := strings.Join(pages, "")
	for i, it := range l.Correction.Items {
		want := compact(fmt.Sprintf("（%s）%s", numeralCN(i+1), it))
		if !strings.Contains(all, want) {
			t.Errorf("PDF lacks item %d %q", i+1, want)
		}
	}
	for _, want := range []string{"一次性告知", "第二十九条、第三十条", "2025年3月21日之前", "答复期限自本机关收到补正的申请之日起计算", "视为放弃申请"} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if strings.Count(html, "gk-letter-para") < 3+len(l.Correction.Items) {
		t.Error("items are not paragraphs of their own")
	}
}

func TestExtensionAndConsultationNotices(t *testing.T) {
	_, pages := render(t, Sample(KindExtension))
	all := strings.Join(pages, "")
	for _, want := range []string{"第三十三条第二款", "延长20个工作日", "2025年4月29日之前", "政府信息公开工作机构负责人同意", "需要调取、核查的材料较多，本机关"} {
		if !strings.Contains(all, want) {
			t.Errorf("extension lacks %q: %s", want, all)
		}
	}
	_, pages = render(t, Sample(KindConsultation))
	all = strings.Join(pages, "")
	for _, want := range []string{"临沂某某律师事务所：", "第三十二条", "15个工作日内（截至2025年3月31日）", "书面"} {
		if !strings.Contains(all, want) {
			t.Errorf("consultation lacks %q: %s", want, all)
		}
	}
	if strings.Contains(all, "张三") {
		t.Error("the third party is told the applicant's name")
	}
	_, pages = render(t, Sample(KindThirdPartyDecision))
	all = strings.Join(pages, "")
	for _, want := range []string{"临沂某某律师事务所：", "不公开该政府信息可能对公共利益造成重大影响", "决定公开的政府信息内容：贵所2024年度", "理由：该信息反映",
		"贵方如对本决定不服，可以自收到本告知书之日起六十日内向临沂市人民政府申请行政复议"} {
		if !strings.Contains(all, want) {
			t.Errorf("third-party decision lacks %q: %s", want, all)
		}
	}
	if strings.Contains(all, "张三") {
		t.Error("the third party is told the applicant's name")
	}
	_, pages = render(t, Sample(KindAgencyConsultation))
	if all = strings.Join(pages, ""); !strings.Contains(all, "第三十四条") || !strings.Contains(all, "视为同意公开") {
		t.Errorf("agency consultation: %s", all)
	}
}

func TestFeeScale(t *testing.T) {
	// REFERENCE §3 (109号 Art. 4, 5): per request within a calendar month
	// 1–10 free, 11–30 at 100, 31–40 at 200, 41–50 at 300; per page 1–30
	// free, 31–100 at 10, 101–200 at 20, from 201 at 40.
	perRequest := []struct{ ordinal, count, total int }{
		{1, 1, 0}, {10, 1, 0}, {11, 1, 100}, {30, 1, 100}, {31, 1, 200}, {40, 1, 200},
		{41, 1, 300}, {51, 1, 400}, {9, 3, 100}, {29, 3, 100 + 100 + 200}, {1, 50, 20*100 + 10*200 + 10*300},
	}
	for _, c := range perRequest {
		f, err := ComputeFeePerRequest(c.ordinal, c.count)
		if err != nil || f.Total != c.total {
			t.Errorf("requests %d..%d: %d yuan (%v), want %d", c.ordinal, c.ordinal+c.count-1, f.Total, err, c.total)
		}
	}
	perPage := []struct{ pages, total int }{
		{1, 0}, {30, 0}, {31, 10}, {100, 700}, {101, 720}, {200, 2700}, {201, 2740}, {260, 5100},
	}
	for _, c := range perPage {
		f, err := ComputeFeePerPage(c.pages)
		if err != nil || f.Total != c.total {
			t.Errorf("%d pages: %d yuan (%v), want %d", c.pages, f.Total, err, c.total)
		}
	}
	for _, bad := range [][2]int{{0, 1}, {1, 0}, {MaxFeeUnits, 2}} {
		if _, err := ComputeFeePerRequest(bad[0], bad[1]); err == nil {
			t.Errorf("ComputeFeePerRequest(%d, %d) accepted", bad[0], bad[1])
		}
	}
	if _, err := ComputeFeePerPage(0); err == nil {
		t.Error("0 pages accepted")
	}
}

func TestFeeNoticeShowsHowTheAmountWasComputed(t *testing.T) {
	_, pages := render(t, Sample(KindFee))
	all := strings.Join(pages, "")
	for _, want := range []string{
		"按量计收", "共260页", "第1页至第30页：不收费（30页）", "第31页至第100页：每页10元×70页=700元",
		"第101页至第200页：每页20元×100页=2,000元", "第201页起：每页40元×60页=2,400元",
		"人民币5,100元", "第四十二条", "国办函〔2020〕109号", "次日起20个工作日内（截至2025年4月18日）", "视为放弃申请",
	} {
		if !strings.Contains(all, compact(want)) {
			t.Errorf("fee notice lacks %q: %s", want, all)
		}
	}
	l := Sample(KindFee)
	f, _ := ComputeFeePerRequest(35, 1)
	f.HowToPay = "窗口缴纳"
	l.Fee = &f
	_, pages = render(t, l)
	all = strings.Join(pages, "")
	for _, want := range []string{"按件计收", "累计提交的第35件申请", "第31件至第40件：每件200元×1件=200元", "人民币200元"} {
		if !strings.Contains(all, want) {
			t.Errorf("per-request notice lacks %q: %s", want, all)
		}
	}
}

func fieldErr(t *testing.T, err error, field string) string {
	t.Helper()
	if errs.CodeOf(err) != errs.Invalid {
		t.Fatalf("error %v, want invalid", err)
	}
	msg, ok := errs.FieldsOf(err)[field]
	if !ok {
		t.Fatalf("no message for %s in %v", field, errs.FieldsOf(err))
	}
	return msg
}

func TestBadInputIsAClearError(t *testing.T) {
	cases := []struct {
		name, field, msg string
		edit             func(*Letter)
	}{
		{"empty applicant", "applicant", "请填写申请人姓名或名称", func(l *Letter) { l.Applicant = "  " }},
		{"unknown kind", "kind", "未知的告知书类型“withheld.9”", func(l *Letter) { l.Kind = "withheld.9" }},
		{"no kind", "kind", "请选择告知书类型", func(l *Letter) { l.Kind = "" }},
		{"no number", "number", "请填写告知书编号", func(l *Letter) { l.Number = "" }},
		{"no investigation", "investigation", "请填写调查结果", func(l *Letter) { l.Investigation = "" }},
		{"no answer", "answer", "请填写答复内容", func(l *Letter) { l.Answer = "" }},
		{"summary too long", "summary", "申请内容不能超过 4000 个字", func(l *Letter) { l.Summary = strings.Repeat("字", MaxSummary+1) }},
		{"answer too long", "answer", "答复内容不能超过 20000 个字", func(l *Letter) { l.Answer = strings.Repeat("字", MaxText+1) }},
		{"control character", "applicant", "申请人姓名或名称含有无效字符", func(l *Letter) { l.Applicant = "张\x00三" }},
		{"invalid UTF-8", "summary", "申请内容含有无效字符", func(l *Letter) { l.Summary = "\xff\xfe" }},
		{"no receipt date", "received_on", "请填写收到申请的日期", func(l *Letter) { l.ReceivedOn = calendar.Date{} }},
		{"impossible date", "issued_on", "请填写告知书日期", func(l *Letter) { l.IssuedOn = calendar.Date{Year: 2025, Month: 2, Day: 30} }},
		{"issued before receipt", "issued_on", "告知书日期不能早于收到申请的日期", func(l *Letter) { l.IssuedOn = calendar.Day("2025-03-01") }},
		{"no agency", "agency.name", "请填写机关名称", func(l *Letter) { l.Agency.Name = "" }},
		{"no remedy period", "remedies.reconsideration_period", "请填写申请行政复议的期限", func(l *Letter) { l.Remedies.ReconsiderationPeriod = "" }},
		{"no court", "remedies.court", "请填写受理行政诉讼的人民法院", func(l *Letter) { l.Remedies.Court = "" }},
		{"too many attachments", "attachments", "附件不能超过 50 个", func(l *Letter) { l.Attachments = make([]string, MaxItems+1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := Sample("withheld.3")
			c.edit(&l)
			var h, p bytes.Buffer
			errH := RenderHTML(&h, l)
			errP := RenderPDF(&p, l)
			if got := fieldErr(t, errH, c.field); got != c.msg {
				t.Errorf("message %q, want %q", got, c.msg)
			}
			fieldErr(t, errP, c.field)
			if h.Len() != 0 || p.Len() != 0 {
				t.Error("something was written for a bad letter")
			}
		})
	}
	kindCases := []struct {
		kind       Kind
		field, msg string
		edit       func(*Letter)
	}{
		{"other.3", "legal_basis", "请填写法律依据", func(l *Letter) { l.LegalBasis = "" }},
		{KindExtension, "extension.days", "延长的期限应为 1 至 20 个工作日（条例第三十三条第二款）", func(l *Letter) { l.Extension.Days = 21 }},
		{KindExtension, "extension.reason", "请填写延期理由", func(l *Letter) { l.Extension.Reason = "" }},
		{KindCorrection, "correction.items", "请列出需要补正的全部事项", func(l *Letter) { l.Correction.Items = nil }},
		{KindCorrection, "correction.due_on", "补正期限应晚于告知书日期", func(l *Letter) { l.Correction.DueOn = l.IssuedOn }},
		{KindConsultation, "consultation.party", "请填写被征求意见的单位或个人", func(l *Letter) { l.Consultation.Party = "" }},
		{KindThirdPartyDecision, "consultation.disclosed", "请填写决定公开的政府信息内容", func(l *Letter) { l.Consultation.Disclosed = "" }},
		{KindThirdPartyDecision, "answer", "请填写答复内容", func(l *Letter) { l.Answer = "" }},
		{KindThirdPartyDecision, "remedies.court", "请填写受理行政诉讼的人民法院", func(l *Letter) { l.Remedies.Court = "" }},
		{KindFee, "fee", "信息处理费的金额与收费标准不符，请重新计算", func(l *Letter) { f := *l.Fee; f.Total = 1; l.Fee = &f }},
		{KindFee, "fee", "按收费标准本申请不收费，无需发出收费通知", func(l *Letter) { f, _ := ComputeFeePerPage(30); f.HowToPay = "x"; l.Fee = &f }},
		{KindFee, "fee.how_to_pay", "请填写缴费方式", func(l *Letter) { f := *l.Fee; f.HowToPay = ""; l.Fee = &f }},
		{KindFee, "fee", "请先计算信息处理费", func(l *Letter) { l.Fee = nil }},
	}
	for _, c := range kindCases {
		t.Run(string(c.kind)+" "+c.field, func(t *testing.T) {
			l := Sample(c.kind)
			c.edit(&l)
			_, err := PDF(l)
			if got := fieldErr(t, err, c.field); got != c.msg {
				t.Errorf("message %q, want %q", got, c.msg)
			}
		})
	}
	// A consultation needs no applicant: it is addressed to the party.
	l := Sample(KindConsultation)
	l.Applicant = ""
	if _, err := PDF(l); err != nil {
		t.Errorf("consultation without applicant: %v", err)
	}
}

// A body at the maximum length breaks across pages, nothing is lost, every
// page is numbered and the 落款 ends the last page.
func TestMaximumBodySpansPages(t *testing.T) {
	l := Sample("partially_disclosed")
	var b strings.Builder
	for i := 0; utf8.RuneCountInString(b.String()) < MaxText-60; i++ {
		fmt.Fprintf(&b, "第%d段：依据临司发〔2024〕%d号文件，本机关对“申请事项（%d）”逐项核查，结果见附表。", i, i, i)
		if i%7 == 6 {
			b.WriteString("\n")
		}
	}
	l.Answer = b.String()
	l.Investigation = strings.Repeat("经查，", MaxText/3)
	l.Summary = strings.Repeat("申", MaxSummary)
	l.Applicant = strings.Repeat("名", MaxName)
	l.Attachments = make([]string, MaxItems)
	for i := range l.Attachments {
		l.Attachments[i] = fmt.Sprintf("附表%d", i+1) + strings.Repeat("表", MaxItem-6)
	}
	html, pages := render(t, l)
	if len(pages) < 40 {
		t.Fatalf("%d pages for some 50,000 characters", len(pages))
	}
	all := strings.Join(pages, "")
	// Every character of the answer comes out, in order (page numbers are
	// checked and stripped by pdfPages).
	text := all
	if !strings.Contains(text, compact(l.Answer)) {
		t.Error("the long answer does not come out whole")
	}
	if !strings.Contains(text, compact(l.Investigation)) {
		t.Error("the long investigation does not come out whole")
	}
	last := pages[len(pages)-1]
	if !strings.Contains(last, "临沂市司法局2025年3月24日") {
		t.Errorf("the last page lacks the agency and date: %s", last)
	}
	if !strings.Contains(html, "第0段") || !strings.Contains(html, fmt.Sprintf("附表%d", MaxItems)) {
		t.Error("HTML lost text")
	}
}

// Lines never overflow the text width; closing punctuation does not start a
// line and opening punctuation does not end one where that can be helped.
func TestWrapChinese(t *testing.T) {
	p := newMeasurer(t)
	text := strings.Repeat("本机关依照《中华人民共和国政府信息公开条例》第三十六条第（三）项的规定，决定不予公开。“过程性信息”，不予公开！", 20) +
		"网址https://www.linyi.gov.cn/xxgk/zfxxgk/index.html?id=123456789012345678901234567890" + strings.Repeat("、", 40)
	for _, indent := range []float64{0, 2 * bodySize} {
		lines := wrap(text, textW-indent, textW, p.width)
		if strings.Join(lines, "") != strings.ReplaceAll(text, " ", "") {
			t.Fatal("wrapping changed the text")
		}
		for i, line := range lines {
			w := 0.0
			for _, r := range line {
				w += p.width(r)
			}
			limit := textW
			if i == 0 {
				limit -= indent
			}
			if w > limit+1e-6 {
				t.Errorf("line %d is %.1f pt wide, over %.1f: %s", i, w, limit, line)
			}
			first, _ := utf8.DecodeRuneInString(line)
			lastR, _ := utf8.DecodeLastRuneInString(line)
			allPunct := strings.Trim(line, noStart) == ""
			if i > 0 && strings.ContainsRune(noStart, first) && !allPunct {
				t.Errorf("line %d starts with %q: %s", i, first, line)
			}
			if i < len(lines)-1 && strings.ContainsRune(noEnd, lastR) {
				t.Errorf("line %d ends with %q: %s", i, lastR, line)
			}
		}
		if len(lines) < 20 {
			t.Errorf("%d lines", len(lines))
		}
	}
	if got := wrap("", textW, textW, p.width); len(got) != 1 || got[0] != "" {
		t.Errorf("empty text: %q", got)
	}
}

func newMeasurer(t *testing.T) *pdfWriter {
	t.Helper()
	p, err := newPDFWriter()
	if err != nil {
		t.Fatal(err)
	}
	p.setSize(bodySize)
	return p
}

func TestHTMLIsEscaped(t *testing.T) {
	l := Sample("withheld.3")
	l.Applicant = `<script>alert("x")</script>`
	l.Answer = `<img src=x onerror=alert(1)> & “引号”`
	h, err := HTML(l)
	if err != nil {
		t.Fatal(err)
	}
	s := string(h)
	if strings.Contains(s, "<script") || strings.Contains(s, "<img") {
		t.Fatalf("unescaped markup: %s", s)
	}
	if !strings.Contains(s, "&lt;script&gt;") || !strings.Contains(s, "&amp; “引号”") {
		t.Errorf("text lost in escaping: %s", s)
	}
	if !strings.Contains(s, `<time datetime="2025-03-24">2025年3月24日</time>`) {
		t.Error("no machine-readable date")
	}
}

// The font is parsed once and shared: letters render in parallel (run with -race).
func TestParallelRendering(t *testing.T) {
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			l := Sample(Kinds()[i])
			l.Applicant = fmt.Sprintf("申请人%d号", i)
			b, err := PDF(l)
			if err != nil {
				errc <- err
				return
			}
			if all := strings.Join(pdfPages(t, b), ""); !strings.Contains(all, l.Applicant) {
				errc <- errors.New("wrong applicant in parallel render: " + all[:80])
			}
		}(i)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}

func TestNewSetChecksTemplates(t *testing.T) {
	if _, err := NewSet([]Template{{Kind: "x", Intro: "{{.Nope"}}); err == nil {
		t.Error("a template that does not parse was accepted")
	}
	if _, err := NewSet([]Template{{Kind: "x", Category: "withheld.9"}}); err == nil {
		t.Error("an unknown category was accepted")
	}
	if _, err := NewSet([]Template{{Kind: "x"}, {Kind: "x"}}); err == nil {
		t.Error("a repeated kind was accepted")
	}
	// A site's own wording replaces the default.
	s, err := NewSet([]Template{{Kind: "withheld.3", Category: "withheld.3", Title: "不予公开决定书", Decision: true,
		Intro: "收到{{.Applicant}}的申请。", Statement: "决定不予公开。", Closing: "此复。"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Compose(Sample("withheld.3"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "不予公开决定书" || d.Blocks[0].Text != "收到张三的申请。" || d.LegalBasis != categoryByCode["withheld.3"].Basis {
		t.Errorf("custom set: %+v", d)
	}
	if _, err := s.Compose(Sample("disclosed")); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("a kind the set lacks: %v", err)
	}
}

func TestNumbersAndNumerals(t *testing.T) {
	if got := FormatNumber("临司依申", 2025, 12); got != "临司依申〔2025〕第12号" {
		t.Errorf("FormatNumber = %s", got)
	}
	for n, want := range map[int]string{1: "一", 5: "五", 10: "十", 11: "十一", 20: "二十", 23: "二十三", 99: "九十九"} {
		if got := numeralCN(n); got != want {
			t.Errorf("numeralCN(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestKindForLedgerDecisions(t *testing.T) {
	for _, c := range []struct {
		decision, reason string
		want             Kind
	}{
		{"disclosed", "", "disclosed"}, {"partially_disclosed", "", "partially_disclosed"},
		{"withheld", "3", "withheld.3"}, {"withheld", "withheld.8", "withheld.8"},
		{"unavailable", "1", "unavailable.1"}, {"not_handled", "5", "not_handled.5"}, {"other", "2", "other.2"},
	} {
		got, err := KindFor(c.decision, c.reason)
		if err != nil || got != c.want {
			t.Errorf("KindFor(%s, %s) = %s, %v; want %s", c.decision, c.reason, got, err, c.want)
		}
	}
	for _, c := range [][2]string{{"withheld", ""}, {"withheld", "9"}, {"unavailable", "withheld.1"}, {"disclosed", "1"}, {"", ""}} {
		if _, err := KindFor(c[0], c[1]); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("KindFor(%q, %q) accepted", c[0], c[1])
		}
	}
}

// checkFragment parses the HTML fragment as a browser would and checks its
// outline: one article, one h2 (the title), h3 sections, a footer with the
// signer and a machine-readable date.
func checkFragment(t *testing.T, frag string) {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(frag), &html.Node{Type: html.ElementNode, Data: "main", DataAtom: atom.Main})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			count[n.Data]++
			if n.Data == "time" && (len(n.Attr) != 1 || !calendar.Valid(n.Attr[0].Val)) {
				t.Errorf("time element without a valid datetime: %v", n.Attr)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	if count["article"] != 1 || count["h2"] != 1 || count["footer"] != 1 || count["time"] != 1 || count["h1"] != 0 {
		t.Errorf("fragment outline %v", count)
	}
}

// Characters the embedded font lacks would print as blanks: the PDF is
// refused with the characters named, the HTML still works.
func TestPDFRefusesCharactersTheFontLacks(t *testing.T) {
	l := Sample("withheld.3")
	l.Applicant = "𠮷野家"
	_, err := PDF(l)
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(errs.MessageOf(err), "“𠮷”（U+20BB7）") {
		t.Fatalf("PDF with 𠮷: %v", err)
	}
	h, err := HTML(l)
	if err != nil || !strings.Contains(string(h), "𠮷野家：") {
		t.Errorf("HTML with 𠮷: %v", err)
	}
}

// The same letter gives the same bytes (no clock, no random subset tag), so
// a letter as sent can be re-made and compared by its hash.
func TestPDFIsDeterministic(t *testing.T) {
	a, err := PDF(Sample("withheld.4"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := PDF(Sample("withheld.4"))
	if !bytes.Equal(a, b) {
		t.Error("two renderings of one letter differ")
	}
	l := Sample("withheld.4")
	l.Number = FormatNumber("临司依申", 2025, 13)
	if c, _ := PDF(l); bytes.Equal(a, c) {
		t.Error("a different number gives the same bytes")
	}
}
