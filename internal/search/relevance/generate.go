package relevance

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The generator composes the bulk of the corpus from the vocabulary and
// templates of a 司法局 site, so that wrong results can rank high: the same
// guide for every county (near-duplicates), a policy's older repealed
// version, a 司法所 news item that names 法律援助 or 社区矫正 only in its
// body, every year's 年检 公告 and 法考 公告, 文号 that share a year or a
// number with the judged ones.
//
// It is deterministic: a fixed PCG seed, no clock, no map iteration. Keys
// are a section prefix and a counter ("xw017"); the judgments in
// queries.jsonl name generated documents by key, so a change here that
// moves keys must re-judge the queries (TestGeneratedStable guards it).

const seed1, seed2 = 20211212, 37130000

// county is one of 临沂's 12 县区 with a few of its 乡镇（街道）.
type county struct {
	Name  string
	Towns []string
	Addr  string // seat of the 公共法律服务中心
}

var counties = []county{
	{"兰山区", []string{"银雀山", "金雀山", "柳青", "枣园", "白沙埠", "义堂", "李官", "方城"}, "兰山区金雀山路与沂蒙路交汇处"},
	{"罗庄区", []string{"罗庄", "傅庄", "盛庄", "册山", "高都", "褚墩", "黄山"}, "罗庄区湖北路"},
	{"河东区", []string{"九曲", "芝麻墩", "凤凰岭", "相公", "太平", "汤头", "郑旺", "汤河"}, "河东区人民大街"},
	{"沂南县", []string{"界湖", "砖埠", "铜井", "依汶", "大庄", "岸堤", "孙祖", "青驼"}, "沂南县澳柯玛大街"},
	{"郯城县", []string{"郯城", "马头", "重坊", "李庄", "杨集", "港上", "庙山", "红花"}, "郯城县郯州路"},
	{"沂水县", []string{"沂城", "龙家圈", "马站", "高桥", "许家湖", "诸葛", "夏蔚", "院东头"}, "沂水县长安路"},
	{"兰陵县", []string{"卞庄", "苍山", "向城", "大仲村", "兰陵", "长城", "磨山", "神山"}, "兰陵县文化路"},
	{"费县", []string{"费城", "上冶", "薛庄", "探沂", "朱田", "梁邱", "胡阳", "石井"}, "费县北京路"},
	{"平邑县", []string{"平邑", "仲村", "武台", "保太", "柏林", "卞桥", "地方", "温水"}, "平邑县莲花山路"},
	{"莒南县", []string{"十字路", "大店", "坪上", "板泉", "洙边", "文疃", "岭泉", "相沟"}, "莒南县人民路"},
	{"蒙阴县", []string{"蒙阴", "常路", "岱崮", "坦埠", "垛庄", "野店", "桃墟", "联城"}, "蒙阴县叠翠路"},
	{"临沭县", []string{"临沭", "郑山", "蛟龙", "大兴", "石门", "曹庄", "白旄", "青云"}, "临沭县沭河大街"},
}

// gen accumulates generated documents.
type gen struct {
	r    *rand.Rand
	docs []doc
	n    map[string]int
}

func (g *gen) add(prefix string, d doc) {
	g.n[prefix]++
	d.Key = fmt.Sprintf("%s%03d", prefix, g.n[prefix])
	g.docs = append(g.docs, d)
}

// date is a day of year y, month m (1-12) or a random month when m is 0.
func (g *gen) date(y, m int) string {
	if m == 0 {
		m = 1 + g.r.IntN(12)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, 1+g.r.IntN(28))
}

func (g *gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

// generate returns the generated part of the corpus.
func generate() []doc {
	g := &gen{r: rand.New(rand.NewPCG(seed1, seed2)), n: map[string]int{}}
	g.guides()
	g.news()
	g.notices()
	g.plans()
	g.reports()
	g.statistics()
	g.messages()
	g.policies()
	return g.docs
}

// guides: every county's 法律援助 and 公证 guide (兰山区's legal-aid guide
// is hand-written), near-duplicates of the city's guides.
func (g *gen) guides() {
	for _, c := range counties[1:] {
		g.add("xg", doc{Kind: "guide", Title: c.Name + "法律援助申请指南",
			Body: c.Name + "居民申请法律援助的，可以到" + c.Name + "公共法律服务中心法律援助窗口提出申请，也可以到所在镇（街道）司法所法律援助工作站提出。" +
				"申请材料：身份证明；经济困难状况个人诚信承诺；与所申请法律援助事项有关的案件材料。" + c.Name + "法律援助中心地址：" + c.Addr + "。咨询电话：12348。",
			Publisher: c.Name + "司法局", Topic: "法律援助", PublishedOn: g.date(2022, 8)})
	}
	for _, c := range counties {
		g.add("xg", doc{Kind: "guide", Title: c.Name + "公证处公证事项办理须知",
			Body: c.Name + "公证处可以办理出生、亲属关系、婚姻状况、学历、无犯罪记录、委托、声明、继承、赠与等公证事项。申请人应当携带居民身份证、户口簿以及与公证事项有关的证明材料到" +
				c.Name + "公证处提出申请。地址：" + c.Addr + "。出生、学历等常用公证事项实行一次办好。",
			Publisher: c.Name + "司法局", Topic: "公证", PublishedOn: g.date(2022, 9)})
	}
}

// activity is a news template: {c} the county, {t} the town, {n} a number.
type activity struct {
	title, body, topic string
	month              int // the month the event belongs to, 0 for any
}

var activities = []activity{
	{"{t}司法所开展法治宣传进村居活动", "近日，{c}{t}司法所联合村（居）人民调解委员会开展法治宣传进村居活动。工作人员向群众发放民法典、反电信网络诈骗法等宣传资料{n}余份，现场解答婚姻家庭、土地承包、邻里纠纷等法律咨询，并告知群众遇到法律问题可以拨打12348热线，或者到司法所申请法律援助。", "普法", 0},
	{"{t}司法所开展矛盾纠纷集中排查化解行动", "为维护辖区和谐稳定，{c}{t}司法所组织人民调解员深入各村（社区）开展矛盾纠纷集中排查，共排查矛盾纠纷{n}起，已化解大部分，对排查出的重点纠纷落实专人包案，做到小事不出村、大事不出镇。", "人民调解", 0},
	{"{t}司法所组织社区矫正对象参加公益活动", "近日，{c}{t}司法所组织辖区{n}名社区矫正对象参加公益活动，清理街道卫生死角。活动前，司法所工作人员组织学习社区矫正法，提醒社区矫正对象严格遵守报到、外出请假等监督管理规定。", "社区矫正", 0},
	{"{c}司法局开展民法典宣传月活动", "五月是民法典宣传月。{c}司法局组织律师、法律服务工作者深入{t}等镇（街道）开展民法典宣传，举办法治讲座{n}场，以案释法，引导群众尊法学法守法用法。", "普法", 5},
	{"{c}开展国家宪法日暨宪法宣传周活动", "12月4日是国家宪法日。{c}司法局在{t}等地设立宪法宣传咨询台，发放宪法宣传手册{n}余册，组织机关工作人员开展宪法宣誓，营造尊崇宪法、学习宪法的浓厚氛围。", "普法", 12},
	{"{t}司法所走访帮扶刑满释放人员", "为做好安置帮教工作，{c}{t}司法所工作人员走访辖区刑满释放人员{n}人，了解其生活就业情况，协调落实过渡性安置和技能培训，帮助其顺利融入社会。", "安置帮教", 0},
	{"{t}司法所成功调解一起赡养纠纷", "近日，{c}{t}司法所受理一起赡养纠纷。年过七旬的老人因子女推诿赡养义务求助司法所，调解员多次上门做工作，最终促成子女签订赡养协议，老人的赡养费得到保障。", "人民调解", 0},
	{"{t}司法所成功调解一起土地承包纠纷", "{c}{t}司法所会同村人民调解委员会，历时半月成功化解一起涉及{n}户村民的土地承包纠纷，双方当场签订人民调解协议书。", "人民调解", 0},
	{"{c}律师服务团走进{t}开展法律体检", "近日，{c}律师服务团走进{t}，为辖区{n}家民营企业开展法律体检，梳理合同管理、劳动用工等方面的法律风险，提出法律意见建议，助力优化法治化营商环境。", "营商环境", 0},
	{"{c}公证处为{t}行动不便老人上门办理公证", "近日，{c}公证处接到{t}一位行动不便老人的求助，公证员带着设备上门为老人办理遗嘱公证，受到群众好评。今年以来，{c}公证处已为老年人、残疾人上门办证{n}件。", "公证", 0},
	{"{c}法律援助中心为{n}名农民工讨回欠薪", "近日，{c}法律援助中心指派律师为{t}的{n}名农民工代理劳动报酬纠纷案件，经调解，用人单位当场支付拖欠的工资。{c}法律援助中心开通农民工讨薪绿色通道，对农民工申请支付劳动报酬的免予经济困难审查。", "法律援助", 0},
	{"{c}司法局开展行政执法案卷评查", "为提升行政执法规范化水平，{c}司法局组织开展行政执法案卷评查，随机抽取{t}等镇（街道）及县直部门行政处罚、行政许可案卷{n}卷，对评查中发现的问题逐一反馈整改。", "行政执法", 0},
	{"{c}司法局开展基层法律服务所双随机抽查", "按照双随机一公开工作要求，{c}司法局随机抽取辖区{n}家基层法律服务所开展执业检查，重点检查收案登记、收费管理和执业档案，抽查结果将向社会公开。", "双随机一公开", 0},
	{"{t}司法所开展禁毒普法宣传", "6月26日国际禁毒日前后，{c}{t}司法所联合派出所开展禁毒普法宣传，向群众讲解毒品危害和禁毒法有关规定，发放宣传材料{n}余份。", "普法", 6},
	{"{c}召开人民调解工作会议", "近日，{c}召开全县（区）人民调解工作会议，总结上一年度人民调解工作，表彰{t}司法所等先进集体和金牌调解员{n}名，部署矛盾纠纷排查化解重点任务。", "人民调解", 2},
	{"{t}司法所开展法律明白人培训", "{c}{t}司法所举办法律明白人培训班，{n}名村（居）法律明白人参加培训，学习民法典、土地管理法和人民调解实务，提升基层依法治理能力。", "普法", 0},
}

// news: 110 司法所 and 县区 news items, most naming a service word in the
// body only.
func (g *gen) news() {
	seen := map[string]bool{}
	for len(g.docs) < 23+110 {
		c := counties[g.r.IntN(len(counties))]
		t := g.pick(c.Towns)
		a := activities[g.r.IntN(len(activities))]
		n := fmt.Sprint(3 + g.r.IntN(200))
		rep := strings.NewReplacer("{c}", c.Name, "{t}", t, "{n}", n)
		title := rep.Replace(a.title)
		if seen[title] {
			continue
		}
		seen[title] = true
		y, m := 2019+g.r.IntN(6), 1+g.r.IntN(12) // both drawn always: keys stay put
		if a.month != 0 {
			m = a.month
		}
		g.add("xw", doc{Kind: "news", Title: title, Body: rep.Replace(a.body),
			Publisher: c.Name + "司法局", Topic: a.topic, PublishedOn: g.date(y, m)})
	}
}

// notices: every year's 律师事务所年度检查考核 notice and result, every
// year's 法考 notice, procurement and recruitment.
func (g *gen) notices() {
	for y := 2016; y <= 2021; y++ {
		total := 110 + (y-2016)*8
		g.add("xn", doc{Kind: "notice", Title: fmt.Sprintf("关于%d年度律师事务所年度检查考核结果的公告", y),
			Body:      fmt.Sprintf("根据《律师事务所年度检查考核办法》，市司法局组织开展了%d年度律师事务所年度检查考核工作。全市参加考核的律师事务所%d家，经县区司法局初审、市司法局审核，考核结果为合格的%d家，基本合格的%d家，不合格的%d家。现将考核结果予以公告。", y, total, total-4, 3, 1),
			Publisher: "临沂市司法局", Topic: "律师管理", PublishedOn: g.date(y+1, 6)})
	}
	for y := 2018; y <= 2022; y++ {
		g.add("xn", doc{Kind: "notice", Title: fmt.Sprintf("关于开展%d年度律师事务所年度检查考核工作的通知", y),
			Body:      fmt.Sprintf("各县区司法局、各律师事务所：现就开展%d年度律师事务所年度检查考核工作通知如下：律师事务所于%d年3月31日前提交年度执业和管理情况报告，县区司法局于4月30日前完成初审并报市司法局。律师执业年度考核与律师事务所年度检查考核同步进行。", y, y+1),
			Publisher: "临沂市司法局", Topic: "律师管理", PublishedOn: g.date(y+1, 1)})
	}
	for y := 2021; y <= 2023; y++ {
		g.add("xn", doc{Kind: "notice", Title: fmt.Sprintf("关于%d年度律师执业年度考核结果备案情况的公告", y),
			Body:      fmt.Sprintf("根据《律师执业年度考核规则》，各律师事务所对本所律师%d年度执业情况进行了考核，经县区司法局审查备案，现将全市律师执业年度考核结果备案情况予以公告：考核等次为称职的律师共计%d人。", y, 2100+(y-2021)*150),
			Publisher: "临沂市司法局", Topic: "律师管理", PublishedOn: g.date(y+1, 5)})
	}
	for y := 2018; y <= 2023; y++ {
		g.add("xn", doc{Kind: "notice", Title: fmt.Sprintf("关于%d年国家统一法律职业资格考试临沂考区报名有关事项的公告", y),
			Body:      fmt.Sprintf("%d年国家统一法律职业资格考试网上报名即将开始。考生登录司法部国家统一法律职业资格考试网上报名系统报名，并在规定时间内完成报名确认。临沂考区报名咨询电话：（0539）8314196。", y),
			Publisher: "临沂市司法局", Topic: "法律职业资格", PublishedOn: g.date(y, 6)})
	}
	items := []string{"公共法律服务中心智能化设备", "社区矫正信息化监管平台运维服务", "法治宣传教育资料印制", "机关办公设备", "法律援助案件质量评估服务", "12348热线服务外包"}
	for i, it := range items {
		y := 2019 + i%5
		typ := []string{"采购意向", "公开招标公告", "中标结果公告"}[i%3]
		g.add("xn", doc{Kind: "notice", Title: fmt.Sprintf("临沂市司法局%s项目%s", it, typ),
			Body:      fmt.Sprintf("项目名称：临沂市司法局%s项目。采购方式：公开招标。预算金额：%d万元。采购人：临沂市司法局，地址：临沂市北城新区北京路8号临沂市政务服务中心7楼。", it, 20+g.r.IntN(180)),
			Publisher: "临沂市司法局", Topic: "政府采购", PublishedOn: g.date(y, 0)})
	}
	units := []string{"临沂市沂蒙公证处", "临沂市法律援助中心", "临沂市公共法律服务中心", "临沂市琅琊公证处"}
	for i, u := range units {
		y := 2020 + i
		g.add("xn", doc{Kind: "notice", Title: fmt.Sprintf("%s%d年公开招聘工作人员公告", u, y),
			Body:      fmt.Sprintf("根据事业单位公开招聘有关规定，%s%d年公开招聘工作人员%d名。报名采取网上报名方式，经资格审查、笔试、面试、考察、体检等程序择优聘用。", u, y, 2+g.r.IntN(5)),
			Publisher: "临沂市司法局", Topic: "人事信息", PublishedOn: g.date(y, 0)})
	}
}

// plans: every year's 工作要点 and 政务公开工作要点.
func (g *gen) plans() {
	for y := 2018; y <= 2023; y++ {
		g.add("xl", doc{Kind: "plan", Title: fmt.Sprintf("临沂市司法局%d年工作要点", y),
			Body:      fmt.Sprintf("%d年全市司法行政工作的总体要求是：围绕法治临沂建设，统筹推进法治政府建设、行政执法协调监督、公共法律服务、社区矫正、人民调解和普法依法治理各项工作。", y),
			Publisher: "临沂市司法局", Topic: "工作计划", PublishedOn: g.date(y, 2)})
	}
	for _, y := range []int{2018, 2019, 2020, 2023, 2024} {
		g.add("xl", doc{Kind: "plan", Title: fmt.Sprintf("临沂市司法局%d年政务公开工作要点", y),
			Body:      fmt.Sprintf("%d年全局政务公开工作要坚持以公开为常态、不公开为例外，重点做好政策文件和政策解读公开、权责清单动态调整公开、行政执法信息公开、公共法律服务信息公开和依申请公开答复工作，按时发布政府信息公开工作年度报告。", y),
			Publisher: "临沂市司法局", Topic: "政务公开", PublishedOn: g.date(y, 4)})
	}
}

// reports: the older 政府信息公开工作年度报告 and 法治政府建设 reports.
func (g *gen) reports() {
	for y := 2016; y <= 2020; y++ {
		g.add("xa", doc{Kind: "annual_report", Title: fmt.Sprintf("临沂市司法局%d年政府信息公开工作年度报告", y),
			Body:      fmt.Sprintf("本报告根据《中华人民共和国政府信息公开条例》要求编制。%d年，市司法局主动公开政府信息%d条，收到政府信息公开申请%d件，均按期答复。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况。", y, 300+(y-2016)*40, 5+y-2016),
			Publisher: "临沂市司法局", Topic: "政务公开", PublishedOn: g.date(y+1, 1)})
	}
	for _, y := range []int{2016, 2017, 2018, 2019, 2021, 2022} {
		g.add("xa", doc{Kind: "annual_report", Title: fmt.Sprintf("临沂市司法局关于%d年法治政府建设情况的报告", y),
			Body:      fmt.Sprintf("%d年，市司法局全面推进依法行政，深化放管服改革，加强行政执法监督和规范性文件合法性审核，推进政务公开，法治政府建设取得新成效。现将有关情况报告如下。", y),
			Publisher: "临沂市司法局", Topic: "法治政府", PublishedOn: g.date(y+1, 1)})
	}
}

// statistics: monthly figures of 2023.
func (g *gen) statistics() {
	for m := 1; m <= 12; m++ {
		g.add("xs", doc{Kind: "statistics", Title: fmt.Sprintf("2023年%d月全市法律援助业务数据", m),
			Body:      fmt.Sprintf("2023年%d月，全市法律援助机构受理法律援助案件%d件，其中刑事案件%d件、民事案件%d件；接待法律咨询%d人次。", m, 700+g.r.IntN(300), 300+g.r.IntN(100), 400+g.r.IntN(150), 7000+g.r.IntN(2000)),
			Publisher: "临沂市司法局", Topic: "法律援助", PublishedOn: g.date(2023+m/12, m%12+1)})
		g.add("xs", doc{Kind: "statistics", Title: fmt.Sprintf("2023年%d月全市公证业务数据", m),
			Body:      fmt.Sprintf("2023年%d月，全市公证机构办理公证事项%d件，其中涉外公证%d件，一次办好事项%d件。", m, 7000+g.r.IntN(2000), 1500+g.r.IntN(600), 5000+g.r.IntN(1000)),
			Publisher: "临沂市司法局", Topic: "公证", PublishedOn: g.date(2023+m/12, m%12+1)})
	}
}

// message is a 留言 template: {c} a county, {t} a town.
type message struct {
	title, body, topic string
}

var messages = []message{
	{"{c}的农民工被拖欠工资能申请法律援助吗？", "问：我在{c}{t}的工地干活，包工头拖欠工资三个月，能申请法律援助吗？答：您好！农民工请求支付劳动报酬申请法律援助的，免予经济困难状况审查。您可以携带身份证和务工证明材料到{c}法律援助中心或者{t}司法所法律援助工作站申请，也可以拨打12348咨询。", "法律援助"},
	{"在{c}办理亲属关系公证需要什么材料？", "问：孩子出国留学需要亲属关系公证，在{c}办理需要带什么材料？答：您好！请携带申请人身份证、户口簿，以及能证明亲属关系的出生医学证明或者户籍证明，到{c}公证处申请，一般三个工作日出证。", "公证"},
	{"{c}社区矫正对象多久到司法所报到一次？", "问：我家人在{c}{t}接受社区矫正，需要多久去司法所报到一次？答：您好！社区矫正对象应当按照司法所的要求定期报告遵纪守法、接受监督管理等情况，一般每月到司法所报到，并通过手机定位等信息化方式接受核查。", "社区矫正"},
	{"{t}司法所的联系电话是多少？", "问：请问{c}{t}司法所的电话是多少，在什么位置？答：您好！{t}司法所位于{t}镇（街道）便民服务中心，工作时间可以拨打12348转接，也可以到{c}司法局门户网站机构设置栏目查询。", "司法所"},
	{"在{c}哪里可以做亲子鉴定？", "问：想做亲子鉴定，{c}有没有司法鉴定机构？答：您好！亲子鉴定属于法医物证鉴定，请选择具有法医物证鉴定资质的司法鉴定机构办理，全市司法鉴定机构名册在市司法局门户网站公布。", "司法鉴定"},
	{"{c}哪里可以免费咨询法律问题？", "问：我在{c}，遇到了借钱不还的问题，哪里可以免费咨询？答：您好！您可以到{c}公共法律服务中心或者{t}司法所公共法律服务工作站免费咨询，也可以拨打12348热线或登录山东法网在线咨询。", "公共法律服务"},
}

// messages: 36 留言答复, each template for six counties.
func (g *gen) messages() {
	for i, m := range messages {
		for j := 0; j < 6; j++ {
			c := counties[(i*5+j*2)%len(counties)]
			t := c.Towns[(i+j)%len(c.Towns)]
			rep := strings.NewReplacer("{c}", c.Name, "{t}", t)
			g.add("xm", doc{Kind: "message", Title: rep.Replace(m.title), Body: rep.Replace(m.body),
				Publisher: "临沂市司法局", Topic: m.topic, PublishedOn: g.date(2021+g.r.IntN(4), 0)})
		}
	}
}

// policyT is a policy template; {y} the year.
type policyT struct {
	title, body, topic string
	year, number       int
	office             bool // 临司办字 instead of 临司发
	validity           string
	month              int
}

// policies: 文号 chosen to share a year or a number with the judged ones
// (临司发〔2020〕12号, 〔2022〕12号, 临司办字〔2022〕13号, 〔2023〕3号 …)
// without repeating them, older repealed versions of judged policies, and
// every other year's 普法依法治理工作要点.
var policies = []policyT{
	{"临沂市司法局关于开展{y}年全市司法行政系统安全生产大检查的通知", "各县区司法局、局属各单位：为切实做好安全生产工作，决定在全市司法行政系统开展安全生产大检查，重点检查办公场所消防安全、社区矫正中心和公共法律服务中心安全管理。", "安全生产", 2020, 12, false, "expired", 5},
	{"临沂市司法局关于做好{y}年度公证质量检查工作的通知", "各县区司法局、各公证机构：为提高公证质量，决定开展公证质量检查，重点检查公证书的合法性、真实性和公证程序的规范性，每家公证机构抽查公证卷宗不少于五十卷。", "公证", 2022, 12, false, "in_force", 3},
	{"临沂市司法局办公室关于报送{y}年度政务信息的通知", "局机关各科室、局属各单位：请于每月5日前报送上月工作动态和政务信息，政务信息应当真实准确、简明扼要。", "政务公开", 2022, 13, true, "expired", 1},
	{"临沂市司法局办公室关于做好{y}年元旦春节期间值班工作的通知", "局机关各科室、局属各单位：请严格落实领导带班和值班制度，确保节日期间通讯畅通，遇有重大情况及时报告。", "机关事务", 2023, 3, true, "expired", 1},
	{"临沂市司法局关于推进村（居）法律顾问工作的实施意见", "各县区司法局：为推动一村（居）一法律顾问工作提质增效，现提出如下意见：每个村（居）至少配备一名律师或者基层法律服务工作者担任法律顾问，每月到村（居）服务不少于一次。", "公共法律服务", 2022, 3, false, "in_force", 5},
	{"临沂市法律援助值班律师工作暂行办法", "为保障犯罪嫌疑人、被告人获得法律帮助，在人民法院、看守所设立法律援助工作站，派驻值班律师，提供法律咨询、程序选择建议等法律帮助。", "法律援助", 2018, 10, false, "repealed", 6},
	{"临沂市律师事务所年度检查考核实施细则", "律师事务所年度检查考核由住所地县区司法局初审、市司法局审核。律师事务所应当在每年四月底前报送年度执业和管理情况报告。考核结果分为合格、不合格两个等次。", "律师管理", 2014, 5, false, "repealed", 7},
	{"临沂市司法局权责清单（2016年版）", "市司法局权责清单共有权责事项五十九项，包括行政许可、行政处罚、行政检查等，明确了实施依据和责任事项。", "权责清单", 2016, 0, false, "expired", 8},
	{"关于印发《{y}年全市普法依法治理工作要点》的通知", "各县区委依法治县委员会办公室、司法局，市直各部门：现将{y}年全市普法依法治理工作要点印发给你们，请结合实际抓好落实。要深入学习宣传宪法和民法典，落实普法责任制，推进法治乡村建设。", "普法", 2022, 0, false, "in_force", 3},
	{"关于印发《{y}年全市普法依法治理工作要点》的通知", "各县区司法局，市直各部门：现将{y}年全市普法依法治理工作要点印发给你们。要落实七五普法规划，推进谁执法谁普法普法责任制，开展法治文化建设。", "普法", 2019, 0, false, "expired", 3},
	{"临沂市司法局关于印发《临沂市司法鉴定机构执业活动监督检查办法》的通知", "各县区司法局、各司法鉴定机构：为加强司法鉴定执业活动监督，制定本办法。市司法局通过双随机一公开方式对司法鉴定机构开展执业检查，检查结果记入司法鉴定机构诚信档案。", "司法鉴定", 2021, 20, false, "in_force", 11},
	{"临沂市司法局关于开展律师行业突出问题专项治理的实施方案", "各县区司法局、市律师协会：为解决律师行业存在的违规收费、虚假宣传等突出问题，决定开展专项治理，分为动员部署、自查自纠、集中整治、总结提升四个阶段。", "律师管理", 2021, 2, false, "expired", 4},
	{"临沂市司法局关于加强人民调解员队伍建设的意见", "各县区司法局：为加强人民调解员队伍建设，要配齐配强专职人民调解员，每个乡镇（街道）人民调解委员会至少配备二名专职人民调解员，落实人民调解员案件补贴。", "人民调解", 2019, 12, false, "in_force", 1},
	{"临沂市司法局关于进一步做好农民工法律援助工作的通知", "各县区司法局、法律援助中心：要开辟农民工法律援助绿色通道，对农民工申请支付劳动报酬、工伤赔偿的，免予经济困难审查，优先受理、优先指派。", "法律援助", 2020, 8, false, "in_force", 2},
	{"临沂市司法局关于开展行政执法案卷评查工作的通知", "各县区司法局、市直各行政执法部门：为规范行政执法行为，决定开展行政执法案卷评查，重点评查行政处罚、行政许可案卷，评查结果纳入法治政府建设考核。", "行政执法", 2023, 7, false, "in_force", 7},
	{"临沂市司法局关于做好社区矫正对象信息化核查工作的通知", "各县区司法局：要利用社区矫正信息化监管平台，对社区矫正对象开展手机定位、视频点验等信息化核查，发现越界的及时处置。", "社区矫正", 2021, 16, false, "in_force", 4},
	{"临沂市司法局关于印发《临沂市公证机构执业区域规定》的通知", "各县区司法局、各公证机构：公证机构办理涉及不动产的公证事项，由不动产所在地公证机构受理；办理其他公证事项，由当事人住所地、经常居住地、行为地或者事实发生地的公证机构受理。", "公证", 2017, 4, false, "expired", 5},
	{"临沂市司法局关于进一步规范行政复议工作的意见", "各县区司法局：要畅通行政复议申请渠道，规范行政复议受理、审理、决定程序，加强行政复议决定书说理，提高行政复议公信力。", "行政复议", 2018, 9, false, "repealed", 9},
	{"临沂市司法局关于开展{y}年法治政府建设示范创建活动的通知", "各县区司法局：为深入推进法治政府建设，决定开展法治政府建设示范创建活动，创建内容包括依法全面履行政府职能、健全依法决策机制、严格规范公正文明执法等。", "法治政府", 2023, 11, false, "in_force", 7},
	{"临沂市司法局关于加强律师事务所管理的若干规定", "律师事务所应当建立健全执业管理、利益冲突审查、收费与财务管理、投诉查处、年度考核、档案管理等制度，按时参加年度检查考核。", "律师管理", 2019, 3, false, "in_force", 8},
}

func (g *gen) policies() {
	issued := make([]string, len(policies))
	for i, p := range policies {
		rep := strings.NewReplacer("{y}", fmt.Sprint(p.year))
		no := ""
		if p.number > 0 {
			if p.office {
				no = fmt.Sprintf("临司办字〔%d〕%d号", p.year, p.number)
			} else {
				no = fmt.Sprintf("临司发〔%d〕%d号", p.year, p.number)
			}
		}
		pub := "临沂市司法局"
		if p.office {
			pub = "临沂市司法局办公室"
		}
		g.add("xp", doc{Kind: "policy", Title: rep.Replace(p.title), Body: rep.Replace(p.body), DocNo: no,
			Publisher: pub, Topic: p.topic, Validity: p.validity, PublishedOn: g.date(p.year, p.month)})
		issued[i] = g.docs[len(g.docs)-1].PublishedOn
	}
	// Interpretations of some of them, published within days of the policy
	// (政策解读三同步).
	for _, i := range []int{4, 10, 13, 15} {
		p := policies[i]
		day, _ := time.Parse(time.DateOnly, issued[i])
		name := strings.TrimSuffix(strings.TrimPrefix(p.title, "临沂市司法局关于印发《"), "》的通知")
		g.add("xi", doc{Kind: "interpretation", Title: "《" + name + "》解读",
			Body:      "一、制定背景。" + p.body + "二、主要内容。文件明确了工作目标、主要任务和保障措施。三、解读机关：临沂市司法局。",
			Publisher: "临沂市司法局", Topic: p.topic, PublishedOn: day.AddDate(0, 0, 1+g.r.IntN(3)).Format(time.DateOnly)})
	}
}
