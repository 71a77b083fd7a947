package interact

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
)

// The demo year: messages to 临沂市司法局 in every category, routed to its
// departments (by abbreviation), some transferred, a few late or invalid,
// many rated, and FAQ entries made from answered ones. The texts are
// written for the demo; places and topics are the bureau's own business.

type demoTopic struct {
	cat, dept, title, body, answer, where string
}

var demoTopics = []demoTopic{
	{"legal", "ggk", "申请法律援助需要什么条件", "我母亲在%s务工时受伤，老板不给赔偿，家里经济困难，请问能申请法律援助吗？需要准备哪些材料？",
		"您好！根据《中华人民共和国法律援助法》第三十一条，因经济困难没有委托代理人的，可以就请求工伤事故人身损害赔偿等事项申请法律援助。请携带身份证明、经济困难状况说明表和与案件有关的材料，到%s法律援助中心或公共法律服务中心窗口申请。", ""},
	{"legal", "ggk", "劳动仲裁前能否请法律援助律师", "我在%s一家企业工作三年，被无故辞退，准备申请劳动仲裁，请问仲裁阶段可以申请法律援助律师吗？",
		"您好！劳动争议仲裁阶段可以申请法律援助。请您携带身份证、劳动关系证明和经济困难说明，到%s公共法律服务中心提出申请，符合条件的将在7日内指派律师。", ""},
	{"legal", "fzk", "行政复议申请期限是多久", "我对%s某部门作出的行政处罚不服，请问应当在多长时间内申请行政复议？",
		"您好！根据《中华人民共和国行政复议法》第二十条，公民、法人或者其他组织认为行政行为侵犯其合法权益的，可以自知道或者应当知道该行政行为之日起六十日内提出行政复议申请。具体可咨询%s司法局行政复议窗口。", ""},
	{"legal", "ggk", "遗嘱公证需要本人到场吗", "我父亲年事已高，住在%s，想办理遗嘱公证，请问必须本人到公证处吗？可以上门办理吗？",
		"您好！遗嘱公证应当由遗嘱人本人亲自办理。行动不便的，可以向公证机构申请上门办理，%s各公证处均提供预约上门服务。", ""},
	{"consult", "ggk", "公证处的办公时间和地址", "请问%s公证处周末是否办公？办理学历公证需要预约吗？",
		"您好！%s公证处工作日上午9:00—12:00、下午13:30—17:00办公，周六上午提供预约服务。学历公证可通过“山东公证”小程序预约，也可现场取号办理。", ""},
	{"consult", "ggk", "人民调解员如何申请", "我是%s的退休教师，想参与社区人民调解工作，请问需要什么条件，怎么报名？",
		"您好！感谢您热心公益。人民调解员由人民调解委员会委员和聘任的人员担任，应当公道正派、热心调解工作。请您向所在社区（村）人民调解委员会或%s司法所报名。", ""},
	{"consult", "zfk", "司法鉴定机构名录在哪里查询", "请问在%s能做伤残等级鉴定的司法鉴定机构有哪些？在哪里可以查到名录？",
		"您好！全市司法鉴定机构名录已在本网站“公共法律服务”栏目公开，也可在“中国法律服务网”查询。%s范围内从事法医临床鉴定的机构均可进行伤残等级鉴定。", ""},
	{"consult", "bgs", "律师执业证年度考核时间", "请问今年律师执业年度考核什么时候开始？%s的律师事务所需要提交哪些材料？",
		"您好！年度考核工作通知已在“通知公告”栏目发布。%s律师事务所请按通知要求在规定时间内通过律师管理系统提交执业情况报告和相关材料。", ""},
	{"consult", "ggk", "法律职业资格证书领取", "我通过了法律职业资格考试，户籍在%s，请问证书去哪里领取？需要带什么？",
		"您好！法律职业资格证书由本人携带身份证原件到户籍所在地或报名地司法行政机关领取，%s的考生请到市司法局公共法律服务中心领取。", ""},
	{"suggestion", "pfk", "建议在社区多开展普法讲座", "%s的老年人容易被电信诈骗，建议司法局联合社区多开展防诈骗普法讲座。",
		"您好！感谢您的建议。我局已将防范电信网络诈骗纳入“八五”普法重点内容，将联合%s各街道在社区开展专题普法讲座，欢迎您参加。", ""},
	{"suggestion", "pfk", "建议增加法治文化公园的宣传内容", "%s的法治文化公园很受欢迎，建议增加民法典和未成年人保护方面的展板。",
		"您好！您的建议很好。我局将结合民法典宣传月活动，在%s法治文化公园更新民法典、未成年人保护法等宣传展板。", ""},
	{"suggestion", "bgs", "建议公共法律服务热线延长服务时间", "12348热线晚上经常打不通，建议%s延长人工服务时间。",
		"您好！感谢您的建议。12348公共法律服务热线已实行7×24小时服务，夜间由值班律师接听；高峰时段可能需要等待，我们将增加%s夜间值班人员。", ""},
	{"complaint", "zfk", "投诉某律师收费不规范", "我委托%s某律师事务所的律师代理案件，律师收费后不开发票，还要求额外付费。",
		"您好！您反映的律师收费问题，我局已转请律师协会和相关律师事务所核查。", "律师违法违规执业的投诉由律师事务所所在地县级司法行政机关受理，请携带委托合同、收费凭证等材料到%s司法局律师管理科当面投诉，或拨打12348。"},
	{"complaint", "zfk", "反映基层法律服务所乱收费", "%s某基层法律服务所代写文书收费过高，没有公示收费标准。",
		"您好！我局已责成所在地司法局对该法律服务所收费公示情况进行检查。", "基层法律服务所的投诉由所在地县级司法行政机关受理；涉及价格违法的，可向%s市场监督管理部门（12315）举报。"},
	{"complaint", "zfk", "举报公证员违规办证", "%s某公证处的公证员在当事人未到场的情况下出具了公证书。",
		"您好！您反映的问题我局高度重视，已启动调查程序。", "对公证员违规执业的投诉由公证机构所在地司法行政机关受理；您也可以向%s公证协会投诉，调查结果将书面告知您。"},
	{"error", "bgs", "网站链接打不开", "“%s公共法律服务”栏目中法律援助申请表的下载链接打不开。",
		"您好！感谢您的纠错。经核查，该链接因附件迁移失效，已于当日修复，现可正常下载。", ""},
	{"error", "bgs", "页面有错别字", "“%s”栏目一篇工作动态中“司法鉴定”写成了“司法鉴订”。",
		"您好！感谢您的指正，错别字已更正。我们将加强信息发布前的校对。", ""},
	{"error", "bgs", "联系电话已过期", "“联系我们”页面中%s司法所的电话已停用，打不通。",
		"您好！感谢您的反馈。经核实，该司法所电话已变更，页面信息已更新。", ""},
}

var demoPlaces = []string{"兰山区", "罗庄区", "河东区", "沂南县", "郯城县", "沂水县", "兰陵县", "费县", "平邑县", "莒南县", "蒙阴县", "临沭县"}

var demoNames = []string{"张明", "王丽", "李强", "刘芳", "陈刚", "杨静", "赵伟", "黄敏", "周杰", "吴霞", "徐磊", "孙娜", "马超", "朱琳", "胡军"}

var demoTransferReasons = []string{"该事项属于公共法律服务管理科职责", "涉及律师执业监督，转行政执法协调监督科办理", "属于普法宣传工作，转普法与依法治理科"}

// LoadDemo records the demo year's messages for the site (at least 300)
// through the same service steps as staff would, dated across year, then
// the FAQ. depts maps department abbreviations to ids. It is for a fresh
// demo site and refuses a site that already has messages.
func (s *Service) LoadDemo(ctx context.Context, office *auth.User, siteID int64, depts map[string]int64, year int, today calendar.Date) error {
	var n int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE site_id = $1`, siteID).Scan(&n); err != nil {
		return errs.Wrap(err, "demo messages")
	}
	if n > 0 {
		return nil
	}
	cal, err := s.cal(ctx)
	if err != nil {
		return err
	}
	rnd := rand.New(rand.NewPCG(uint64(year), 11))
	var answered []int64
	day := calendar.Date{Year: year, Month: 1, Day: 2}
	end := calendar.Date{Year: year, Month: 12, Day: 31}
	for i := 0; !day.After(end); i++ {
		// About one message a calendar day, fewer at weekends.
		per := 1
		if day.IsWeekend() {
			per = rnd.IntN(2)
		} else if rnd.IntN(3) == 0 {
			per = 2
		}
		for k := 0; k < per; k++ {
			id, ok, err := s.demoMessage(ctx, office, siteID, depts, cal, rnd, day, today)
			if err != nil {
				return fmt.Errorf("demo message %s: %w", day, err)
			}
			if ok {
				answered = append(answered, id)
			}
		}
		day = day.AddDays(1)
	}
	// The FAQ: one entry for each of the first answered message per topic.
	seen := map[string]bool{}
	for _, id := range answered {
		m, err := s.PublicMessage(ctx, siteID, id)
		if err != nil || seen[m.Title] || len(seen) >= 8 {
			continue
		}
		seen[m.Title] = true
		if _, err := s.SaveFAQ(ctx, office, siteID, FAQ{MessageID: id, Category: m.Category, Question: m.Title, Answer: m.State.Answer, Position: len(seen)}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) demoMessage(ctx context.Context, office *auth.User, siteID int64, depts map[string]int64, cal *calendar.Calendar,
	rnd *rand.Rand, day, today calendar.Date) (int64, bool, error) {
	t := demoTopics[rnd.IntN(len(demoTopics))]
	place := demoPlaces[rnd.IntN(len(demoPlaces))]
	in := Input{Category: t.cat, Title: t.title, Body: fmt.Sprintf(t.body, place), Name: demoNames[rnd.IntN(len(demoNames))],
		Contact: fmt.Sprintf("13%d%08d", 5+rnd.IntN(5), rnd.IntN(100000000)), Publishable: rnd.IntN(5) != 0, ReceivedOn: day}
	if t.cat == "error" {
		in.PageURL = "/columns/ggfw"
	}
	m, _, err := s.Submit(ctx, siteID, office, in)
	if err != nil {
		return 0, false, err
	}
	step := func(ev Event) error {
		if ev.On.After(today) {
			return errStop
		}
		_, err := s.AddEvent(ctx, office, siteID, m.ID, ev)
		return err
	}
	// 4% invalid (duplicates and messages with no question), decided on
	// the day or the next working day.
	if rnd.IntN(25) == 0 {
		reason := []string{"duplicate", "not_question", "abusive"}[rnd.IntN(3)]
		err := step(Event{Type: EvInvalid, On: cal.AddWorkdays(day, rnd.IntN(2)), Reason: reason, Note: "经核实为" + InvalidLabel(reason)})
		return 0, false, ignoreStop(err)
	}
	routeOn := cal.AddWorkdays(day, rnd.IntN(2))
	if err := step(Event{Type: EvRouted, On: routeOn, DepartmentID: depts[t.dept]}); err != nil {
		return 0, false, ignoreStop(err)
	}
	last := routeOn
	if rnd.IntN(10) == 0 {
		to := "ggk"
		if t.dept == "ggk" {
			to = "zfk"
		}
		if err := step(Event{Type: EvTransferred, On: cal.AddWorkdays(routeOn, 1), DepartmentID: depts[to], Reason: demoTransferReasons[rnd.IntN(len(demoTransferReasons))]}); err != nil {
			return 0, false, ignoreStop(err)
		}
		last = cal.AddWorkdays(routeOn, 1)
	}
	// Answer time: mostly within the period; about 1 in 12 late.
	period := m.State.Period
	wd := 1 + rnd.IntN(period)
	if rnd.IntN(12) == 0 {
		wd = period + 1 + rnd.IntN(8)
	}
	ansOn := cal.AddWorkdays(day, wd)
	if ansOn.Before(last) {
		ansOn = last
	}
	answer := fmt.Sprintf(t.answer, place)
	where := ""
	if t.where != "" {
		where = fmt.Sprintf(t.where, place)
	}
	if rnd.IntN(8) == 0 {
		// A draft returned once by the reviewer.
		if err := step(Event{Type: EvDrafted, On: ansOn, Answer: "您好！已收到。", Where: where}); err != nil {
			return 0, false, ignoreStop(err)
		}
		if err := step(Event{Type: EvReviewed, On: ansOn, Approved: false, Note: "答复过于简单，请写明依据和办理途径"}); err != nil {
			return 0, false, ignoreStop(err)
		}
	}
	for _, ev := range []Event{{Type: EvDrafted, On: ansOn, Answer: answer, Where: where}, {Type: EvReviewed, On: ansOn, Approved: true},
		{Type: EvPublished, On: ansOn, Public: true}} {
		if err := step(ev); err != nil {
			return 0, false, ignoreStop(err)
		}
	}
	// Half the writers rate the answer, most of them satisfied.
	if rnd.IntN(2) == 0 {
		rating := "satisfied"
		switch r := rnd.IntN(10); {
		case r == 0:
			rating = "unsatisfied"
		case r < 3:
			rating = "basic"
		}
		if err := s.demoRate(ctx, m.ID, cal.AddWorkdays(ansOn, 1+rnd.IntN(3)), rating, today); err != nil {
			return 0, false, err
		}
	}
	return m.ID, true, nil
}

// demoRate records a rating on a given day (the public path rates today).
func (s *Service) demoRate(ctx context.Context, id int64, on calendar.Date, rating string, today calendar.Date) error {
	if on.After(today) {
		return nil
	}
	return s.rateOn(ctx, id, on, rating, "")
}

var errStop = errs.E(errs.Invalid, "demo: past today")

func ignoreStop(err error) error {
	if err == errStop {
		return nil
	}
	return err
}
