package synthetic

import (
	"context"
	"encoding/hex"
	"fmt"
	"iter"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
)

func init() { Register("items", generateItems) }

// The items span 2010-01-01 to Last, newest first.
var (
	First = calendar.Date{Year: 2010, Month: 1, Day: 1}
	Last  = calendar.Date{Year: 2026, Month: 11, Day: 30}
)

// topics are the bureau's lines of work (临沂市司法局 职能).
var topics = []string{"法律援助", "人民调解", "社区矫正", "公共法律服务", "行政复议", "普法", "律师", "公证", "司法鉴定", "法治政府建设",
	"行政执法监督", "安置帮教", "基层法治", "仲裁", "合法性审查", "法治宣传教育", "法律职业资格", "行政应诉", "证明事项告知承诺制", "法治乡村"}

var counties = []string{"兰山区", "罗庄区", "河东区", "沂南县", "郯城县", "沂水县", "兰陵县", "费县", "平邑县", "莒南县", "蒙阴县", "临沭县"}

var laws = []string{"《中华人民共和国法律援助法》", "《中华人民共和国人民调解法》", "《中华人民共和国社区矫正法》", "《中华人民共和国行政复议法》",
	"《中华人民共和国律师法》", "《中华人民共和国公证法》", "《中华人民共和国政府信息公开条例》", "《法治政府建设实施纲要（2021—2025年）》",
	"《山东省法律援助条例》", "《重大行政决策程序暂行条例》"}

var verbs = []string{"进一步加强", "规范", "深入推进", "全面深化", "扎实做好", "健全完善", "切实加强", "持续优化"}

var sentences = []string{
	"全市各级司法行政机关要坚持以人民为中心的发展思想，把{t}工作摆在更加突出的位置。",
	"{y}年，全市共办理{t}事项{n}件，同比增长{p}%，群众满意率保持在98%以上。",
	"{c}司法局结合本地实际，探索形成了“{t}+网格化”工作模式，取得良好成效。",
	"要严格落实{l}有关规定，健全{t}工作制度，规范办理流程，提高服务质量。",
	"各县区司法局要加强组织领导，明确责任分工，确保{t}各项任务落到实处。",
	"坚持问题导向，聚焦群众反映强烈的突出问题，推动{t}工作提质增效。",
	"加强{t}队伍建设，组织开展业务培训{n}场次，培训人员{m}人次。",
	"依托公共法律服务中心、工作站、工作室，为群众提供“一站式”{t}服务。",
	"推行“互联网+{t}”，实现线上申请、网上办理、全程留痕，让数据多跑路、群众少跑腿。",
	"建立{t}工作台账，实行月调度、季通报、年考核，对工作不力的单位进行约谈。",
	"强化{t}工作的监督检查，畅通投诉举报渠道，自觉接受社会监督。",
	"各单位要于{y}年{mo}月底前将工作开展情况报送市司法局{d}。",
	"本办法所称{t}，是指司法行政机关依法履行职责、为公民、法人和其他组织提供的相关服务。",
	"对在{t}工作中成绩突出的集体和个人，按照有关规定给予表扬。",
	"{c}建成村（社区）{t}工作室{n}个，实现基层全覆盖。",
	"坚持和发展新时代“枫桥经验”，把矛盾纠纷化解在基层、解决在萌芽状态。",
	"加大宣传力度，通过政府网站、政务新媒体等渠道及时发布{t}工作信息。",
	"严格执行政府信息公开保密审查制度，做到“先审查、后公开”“一事一审”。",
}

var depts = []string{"办公室", "法制科", "普法与依法治理科", "行政执法协调监督科", "公共法律服务管理科"}

var numerals = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// cn writes 1..99 in Chinese numerals, as article numbers are (第十二条).
func cn(n int) string {
	switch {
	case n < 10:
		return numerals[n]
	case n < 20:
		return "十" + numerals[n-10]
	default:
		return numerals[n/10] + "十" + numerals[n%10]
	}
}

// gen holds one build's random stream and counters.
type gen struct {
	r      *rand.Rand
	s      *Site
	byType map[string][]int64 // list columns holding each type
	depts  []int64
	docNo  map[string]int // per prefix and year
	b      strings.Builder
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// fill writes tmpl into b with its {x} placeholders filled in.
func (g *gen) fill(b *strings.Builder, tmpl, topic string, d calendar.Date) {
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return
		}
		b.WriteString(tmpl[:i])
		j := strings.IndexByte(tmpl[i:], '}')
		switch tmpl[i+1 : i+j] {
		case "t":
			b.WriteString(topic)
		case "c":
			b.WriteString(g.pick(counties))
		case "l":
			b.WriteString(g.pick(laws))
		case "d":
			b.WriteString(g.pick(depts))
		case "y":
			b.WriteString(strconv.Itoa(d.Year))
		case "mo":
			b.WriteString(strconv.Itoa(1 + g.r.IntN(12)))
		case "n":
			b.WriteString(strconv.Itoa(10 + g.r.IntN(2000)))
		case "m":
			b.WriteString(strconv.Itoa(100 + g.r.IntN(9000)))
		case "p":
			b.WriteString(strconv.Itoa(1 + g.r.IntN(30)))
		}
		tmpl = tmpl[i+j+1:]
	}
}

// body writes paragraphs of realistic text of 500–5,000 characters; articles
// numbers them like a normative document (第一条 …).
func (g *gen) body(topic string, d calendar.Date, articles bool) string {
	want := 500 + g.r.IntN(4501)
	g.b.Reset()
	g.b.Grow(want * 3 * 11 / 10)
	n, art := 0, 0
	for n < want {
		g.b.WriteString("<p>")
		start := g.b.Len()
		if articles {
			art++
			g.b.WriteString("第" + cn(min(art, 99)) + "条 ")
		}
		for k := 2 + g.r.IntN(4); k > 0; k-- {
			g.fill(&g.b, g.pick(sentences), topic, d)
		}
		n += utf8.RuneCountInString(g.b.String()[start:])
		g.b.WriteString("</p>\n")
	}
	return g.b.String()
}

func (g *gen) docNumber(prefix string, year int) string {
	k := prefix + strconv.Itoa(year)
	g.docNo[k]++
	return fmt.Sprintf("%s〔%d〕%d号", prefix, year, g.docNo[k])
}

func (g *gen) column(typ string) int64 {
	cs := g.byType[typ]
	return cs[g.r.IntN(len(cs))]
}

func (g *gen) item(typ, title, topic string, d calendar.Date) *catalog.Item {
	it := &catalog.Item{DocType: typ, ColumnID: g.column(typ), DepartmentID: g.depts[g.r.IntN(len(g.depts))], Title: title,
		PublishedOn: d.String(), Fields: map[string]string{}, Status: catalog.StatusPublished,
		Clicks: int64(g.r.IntN(50 + 20*Last.Sub(d)/7)), CreatedAt: d.String() + "T01:30:00Z"}
	switch x := g.r.IntN(1000); {
	case x < 10:
		it.Status = catalog.StatusDraft
	case x < 15:
		it.Status = catalog.StatusSubmitted
	case x < 25:
		it.Status, it.WithdrawnReason = catalog.StatusWithdrawn, "内容已调整，原信息撤回"
	}
	if it.Status == catalog.StatusDraft || it.Status == catalog.StatusSubmitted {
		it.Clicks = 0
	}
	if g.r.IntN(10) == 0 {
		it.Publisher = "临沂市司法局办公室"
	}
	if typ == "news" || typ == "interpretation" {
		it.Body = g.body(topic, d, false)
	} else {
		it.Body = g.body(topic, d, typ == "policy")
	}
	it.Summary = clipRunes(strings.NewReplacer("<p>", "", "</p>\n", "").Replace(it.Body), 120)
	return it
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

var attachmentKinds = []struct{ ext, mime string }{
	{"pdf", "application/pdf"},
	{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ofd", "application/ofd"},
}

func (g *gen) attachments(topic string) []catalog.Attachment {
	if g.r.IntN(4) != 0 {
		return nil
	}
	var out []catalog.Attachment
	for i := range 1 + g.r.IntN(3) {
		k := attachmentKinds[g.r.IntN(len(attachmentKinds))]
		var sum [32]byte
		for j := range sum {
			sum[j] = byte(g.r.UintN(256))
		}
		h := hex.EncodeToString(sum[:])
		out = append(out, catalog.Attachment{BlobKey: "synthetic/" + h[:16], Name: fmt.Sprintf("附件%d：%s%s.%s", i+1, topic,
			g.pick([]string{"工作台账", "申请表", "统计表", "实施细则", "名单", "流程图"}), k.ext), Size: int64(20_000 + g.r.IntN(3_000_000)), MIME: k.mime, SHA256: h,
			// There is no file behind a synthetic attachment, so nothing
			// to extract: left pending, the first start's backfill would
			// open every missing file, one write transaction each, while
			// the site is being measured (issue 17).
			TextStatus: catalog.TextDone})
	}
	return out
}

// slot types and their weights per thousand; policies bring most
// interpretations with them (政策解读 follows its document).
var weights = []struct {
	typ string
	w   int
}{{"news", 290}, {"general", 240}, {"notice", 120}, {"policy", 150}, {"plan", 60}, {"statistics", 50}, {"appointment", 50}, {"consultation", 40}}

func (g *gen) slotType() string {
	x := g.r.IntN(1000)
	for _, w := range weights {
		if x < w.w {
			return w.typ
		}
		x -= w.w
	}
	return "general"
}

var interpForms = []string{"文字解读", "图文解读", "图解", "视频解读", "专家解读", "媒体解读"}

// items yields n items, newest first.
func (g *gen) items(n int) iter.Seq[*catalog.BulkItem] {
	return func(yield func(*catalog.BulkItem) bool) {
		emitted := 0
		emit := func(bi *catalog.BulkItem) bool {
			emitted++
			return yield(bi)
		}
		// One annual report per year (条例第四十九条), as far as n allows.
		reports := min(Last.Year-First.Year, n/50)
		for k := range reports {
			y := Last.Year - 1 - k
			d := calendar.Date{Year: y + 1, Month: 1, Day: 20 + g.r.IntN(10)}
			it := g.item("annual_report", fmt.Sprintf("临沂市司法局%d年政府信息公开工作年度报告", y), "政务公开", d)
			it.Status, it.WithdrawnReason = catalog.StatusPublished, ""
			it.Fields["report_year"] = strconv.Itoa(y)
			if !emit(&catalog.BulkItem{Item: it}) {
				return
			}
		}
		span := Last.Sub(First)
		var inForce []*catalog.Item // newer in-force policies, successors for repealed ones
		for emitted < n {
			d := Last.AddDays(-(emitted * span / max(n-1, 1)) - g.r.IntN(3))
			if d.Before(First) {
				d = First
			}
			topic := g.pick(topics)
			typ := g.slotType()
			if typ == "policy" && emitted == n-1 {
				typ = "general" // no room left for its interpretation
			}
			var it *catalog.Item
			bi := &catalog.BulkItem{}
			switch typ {
			case "news":
				c := g.pick(counties)
				it = g.item(typ, fmt.Sprintf("%s司法局%s%s%s", c, g.pick([]string{"开展", "召开", "举办", "部署"}), topic,
					g.pick([]string{"专题培训", "工作推进会", "集中宣传活动", "座谈会", "业务竞赛", "现场观摩会"})), topic, d)
				it.Author = g.pick([]string{"办公室", "普法科", "公共法律服务科", c + "司法局"})
				it.Fields["source"] = g.pick([]string{"临沂市司法局", c + "司法局", "临沂日报"})
				it.Topic = `公安、安全、司法\司法`
			case "general":
				it = g.item(typ, fmt.Sprintf("临沂市司法局%d年%s工作%s", d.Year, topic, g.pick([]string{"情况", "总结", "开展情况通报", "实施方案", "情况说明"})), topic, d)
				if g.r.IntN(3) == 0 {
					it.DocNo = g.docNumber("临司办发", d.Year)
				}
				it.WrittenOn = d.AddDays(-g.r.IntN(5)).String()
				it.Topic, it.Genre, it.Keywords = `公安、安全、司法\司法`, g.pick([]string{"通知", "通报", "报告", "其他"}), topic
			case "notice":
				it = g.item(typ, fmt.Sprintf("临沂市司法局关于%s%s的%s", verbs[g.r.IntN(len(verbs))], topic+"工作", g.pick([]string{"通知", "公告", "通告", "公示"})), topic, d)
				it.DocNo = g.docNumber("临司字", d.Year)
				it.WrittenOn = d.AddDays(-g.r.IntN(5)).String()
				it.Genre = g.pick([]string{"通知", "公告", "通告", "公示公告"})
				it.Validity = "in_force"
				if Last.Sub(d) > 3*365 {
					it.Validity = "expired"
				}
				if g.r.IntN(3) == 0 {
					it.Fields["valid_until"] = d.AddDays(30 + g.r.IntN(300)).String()
				}
				bi.Attachments = g.attachments(topic)
			case "policy":
				it = g.item(typ, fmt.Sprintf("临沂市司法局关于%s%s工作的%s", verbs[g.r.IntN(len(verbs))], topic, g.pick([]string{"通知", "意见", "实施办法", "若干措施", "管理办法"})), topic, d)
				it.DocNo = g.docNumber(g.pick([]string{"临司发", "临司发", "临司规"}), d.Year)
				written := d.AddDays(-2 - g.r.IntN(9))
				it.WrittenOn = written.String()
				it.Topic, it.Genre, it.Keywords = `公安、安全、司法\司法`, g.pick([]string{"通知", "意见", "决定"}), topic+",司法行政"
				eff := written.AddDays(30)
				it.Fields["effective_on"] = eff.String()
				it.Validity = "in_force"
				if g.r.IntN(2) == 0 {
					it.Fields["normative"] = "1"
					it.Fields["reg_no"] = fmt.Sprintf("LYDR-%d-%04d%03d", d.Year, 150+g.r.IntN(50), g.docNo["reg"+strconv.Itoa(d.Year)]+1)
					g.docNo["reg"+strconv.Itoa(d.Year)]++
					exp := calendar.Date{Year: eff.Year + 5, Month: eff.Month, Day: min(eff.Day, 28)}.AddDays(-1)
					it.Fields["expires_on"] = exp.String()
					if exp.Before(Last) {
						it.Validity = "expired"
					}
				}
				if it.Validity == "in_force" && len(inForce) > 0 && g.r.IntN(8) == 0 {
					// Replaced by a newer document of the series.
					it.Validity = g.pick([]string{"repealed", "amended"})
					bi.Successor = inForce[g.r.IntN(len(inForce))]
				}
				if it.Validity == "in_force" && it.Status == catalog.StatusPublished {
					inForce = append(inForce, it)
					if len(inForce) > 50 {
						inForce = inForce[1:]
					}
				}
				bi.Attachments = g.attachments(topic)
			case "plan":
				it = g.item(typ, fmt.Sprintf("%d年全市%s工作要点", d.Year, topic), topic, d)
				it.DocNo = g.docNumber("临司办发", d.Year)
				it.WrittenOn = d.AddDays(-g.r.IntN(5)).String()
				it.Validity = "in_force"
				it.Fields["period"] = fmt.Sprintf("%d年度", d.Year)
				it.Fields["kind"] = g.pick([]string{"年度计划", "工作要点", "工作总结", "专项规划"})
				bi.Attachments = g.attachments(topic)
			case "statistics":
				q := (int(d.Month)-1)/3 + 1
				it = g.item(typ, fmt.Sprintf("%d年第%s季度全市%s业务数据", d.Year, cn(q), topic), topic, d)
				it.Fields["period"] = fmt.Sprintf("%d年第%s季度", d.Year, cn(q))
				it.Fields["data_source"] = "市司法局" + g.pick(depts)
			case "appointment":
				it = g.item(typ, fmt.Sprintf("临沂市司法局关于%s某某等同志职务任免的通知", g.pick([]string{"张", "王", "李", "刘", "陈", "杨", "赵", "孙"})), "人事", d)
				it.DocNo = g.docNumber("临司任", d.Year)
				it.WrittenOn = d.AddDays(-g.r.IntN(3)).String()
				it.Fields["kind"] = g.pick([]string{"任职", "免职", "任免", "试用期满考核"})
			case "consultation":
				it = g.item(typ, fmt.Sprintf("关于《临沂市%s管理办法（征求意见稿）》公开征求意见的公告", topic), topic, d)
				it.Topic = `公安、安全、司法\司法`
				closes := d.AddDays(30 + g.r.IntN(15))
				it.Fields["opens_on"], it.Fields["closes_on"] = d.String(), closes.String()
				it.Fields["channels"] = "电子邮箱：lyssfj@ly.shandong.cn；信函：临沂市北城新区北京路8号 市司法局法制科"
				if closes.AddDays(15).Before(Last) {
					it.Fields["feedback"] = fmt.Sprintf("征求意见期间共收到意见建议%d条，采纳%d条；未采纳的主要是超出本办法调整范围的内容。", 5+g.r.IntN(40), g.r.IntN(5))
					it.Fields["feedback_on"] = closes.AddDays(15).String()
				}
			}
			bi.Item = it
			// Read before the item is handed over: the loader completes it concurrently.
			title, live := it.Title, it.Status == catalog.StatusPublished
			if !emit(bi) {
				return
			}
			if typ == "policy" && live && emitted < n && g.r.IntN(10) < 7 {
				// Its interpretation (政策解读), published within days.
				pd := d.AddDays(g.r.IntN(6))
				if pd.After(Last) {
					pd = Last
				}
				name := strings.TrimPrefix(title, "临沂市司法局关于")
				form := g.pick(interpForms)
				ii := g.item("interpretation", fmt.Sprintf("《%s》%s", "临沂市司法局关于"+name, g.pick([]string{"政策解读", "解读", "一图读懂"})), topic, pd)
				ii.Status, ii.WithdrawnReason = catalog.StatusPublished, ""
				ii.Author, ii.Topic = g.pick(depts), `公安、安全、司法\司法`
				ii.Fields["form"] = form
				// The sections of a substantive interpretation (seed task 8).
				ii.Fields["background"] = "为贯彻落实上级部署，解决" + name + "中的突出问题，制定本文件。"
				ii.Fields["basis"] = "有关法律、法规、规章和上级文件。"
				ii.Fields["purpose"] = "规范" + name + "，提高工作质量和群众满意度。"
				ii.Fields["measures"] = "明确职责分工、工作程序和监督措施。"
				switch form {
				case "视频解读":
					ii.Fields["video_url"] = "https://sfj.linyi.gov.cn/video/" + strconv.Itoa(g.r.IntN(1_000_000)) + ".mp4"
					ii.Fields["captions"] = "WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n" + name + "政策解读\n"
					ii.Fields["transcript"] = name + "政策解读的文字实录。"
				case "图解":
					ii.Fields["text_alternative"] = "图解的文字说明：" + name + "的背景、依据、目的和主要举措。"
				}
				if !emit(&catalog.BulkItem{Item: ii, Interprets: []*catalog.Item{it}}) {
					return
				}
			}
		}
	}
}

// generateItems is the "items" generator: s.N items through catalog.BulkLoad.
func generateItems(ctx context.Context, s *Site) error {
	g := &gen{r: s.Rand("items"), s: s, byType: map[string][]int64{}, docNo: map[string]int{}}
	for _, c := range s.Tree.All() {
		if c.Kind == catalog.KindList {
			for _, t := range c.DocTypes {
				g.byType[t] = append(g.byType[t], c.ID)
			}
		}
	}
	for _, d := range demo.Departments {
		g.depts = append(g.depts, s.Departments[d.Abbr])
	}
	for _, t := range catalog.DocTypes() {
		if len(g.byType[t.Code]) == 0 {
			return fmt.Errorf("no column holds %s", t.Code)
		}
	}
	opt := catalog.BulkOptions{}
	if s.Progress != nil {
		opt.Progress = func(done int) { s.Progress("信息", done, s.N) }
	}
	_, err := s.Catalog.BulkLoad(ctx, s.Admin, s.Site.ID, ahead(g.items(s.N), 2000), opt)
	return err
}

// ahead runs seq in a goroutine up to n items ahead of its consumer, so
// generating text and writing the database overlap.
func ahead[T any](seq iter.Seq[T], n int) iter.Seq[T] {
	return func(yield func(T) bool) {
		ch := make(chan T, n)
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			defer close(ch)
			for v := range seq {
				select {
				case ch <- v:
				case <-stop:
					return
				}
			}
		}()
		for v := range ch {
			if !yield(v) {
				return
			}
		}
	}
}
