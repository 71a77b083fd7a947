package live

import (
	"context"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
)

// DemoYear is the year of the demo's archived interview and held open day.
const DemoYear = 2025

// demoQA is the archived interview's questions: asker, question, the
// answering guest and the answer ("" answer: rejected with the reason in
// guest).
var demoQA = []struct{ asker, q, guest, a string }{
	{"沂河边的老张", "我母亲今年七十二岁，被邻居装修损坏了房屋，想打官司但请不起律师，能申请法律援助吗？", "王建国",
		"可以申请。《山东省法律援助条例》把请求损害赔偿等事项纳入法律援助范围。老年人申请法律援助的，免予核查经济困难状况的情形也在扩大。您可以带上身份证明和相关材料到县区法律援助中心或公共法律服务中心窗口申请，也可以拨打 12348 热线咨询。"},
	{"兰山区居民", "申请法律援助需要准备哪些材料？多长时间能有结果？", "李红梅",
		"一般需要身份证明、经济困难状况说明（符合免核查情形的不需要）、与所申请事项有关的材料。法律援助机构收到申请后，会在法定期限内审查并作出是否给予法律援助的决定，材料不齐全的会一次性告知需要补充的内容。"},
	{"在外务工人员", "我在外地打工被拖欠工资，户口在临沂，可以在临沂申请法律援助吗？", "李红梅",
		"请求支付劳动报酬的，可以向义务人住所地或者劳动合同履行地的法律援助机构申请。您在临沂的用人单位所在地属于临沂的，可以直接在临沂申请；农民工请求支付劳动报酬的，免予核查经济困难状况。"},
	{"网友", "法律援助律师是免费的吗？会不会收取其他费用？", "王建国",
		"法律援助是国家提供的无偿法律服务，法律援助人员不得向受援人收取任何财物。如遇收费情况，请向司法行政部门投诉，电话 0539-8123456。"},
	{"费县网友", "村里能不能就近申请？跑一趟县城不方便。", "李红梅",
		"我市已在乡镇（街道）设立公共法律服务工作站、在村（社区）配备法律顾问，可以就近提出申请，由工作站代为转交。行动不便的老年人、残疾人，可以电话预约上门服务。"},
	{"网友", "你们单位的电话总是打不通，领导的手机号是多少？", "", "与访谈主题无关且涉及他人个人信息"},
	{"罗庄区居民", "法律援助和公证、人民调解有什么区别？离婚纠纷该找哪个？", "王建国",
		"法律援助是为经济困难或特定群体提供的无偿法律服务；人民调解由人民调解委员会免费调解民间纠纷；公证是对法律行为和事实的真实性、合法性予以证明。离婚纠纷可以先申请人民调解，调解不成需要起诉的，符合条件的可以申请法律援助。"},
	{"网友", "广告：专业代理各类诉讼，电话……", "", "广告信息"},
}

// LoadDemo gives a freshly loaded demo site one archived interview of
// DemoYear with its transcript, an open day held that year with its report,
// an upcoming open day (dated from today, so the demo always has one
// ahead) and the bureau's new-media accounts. actor is the office user.
func (s *Service) LoadDemo(ctx context.Context, actor *auth.User, siteID, deptID int64, today calendar.Date) error {
	iv, err := s.CreateInterview(ctx, actor, siteID, InterviewInput{DepartmentID: deptID,
		Title:    "《山东省法律援助条例》施行一周年在线访谈",
		Topic:    "法律援助的范围、申请条件和办理流程，老年人、农民工等群体如何就近获得法律援助。",
		Guests:   "王建国，临沂市司法局副局长\n李红梅，临沂市法律援助中心主任",
		StartsAt: "2025-06-12T09:30", EndsAt: "2025-06-12T11:00",
		Summary: "2025年6月12日上午，市司法局副局长王建国、市法律援助中心主任李红梅做客在线访谈，围绕《山东省法律援助条例》施行一周年，介绍我市法律援助工作情况，并在线回答网友提问。本次访谈共收到网友提问 8 个，审核通过并回答 6 个。"})
	if err != nil {
		return err
	}
	if _, err := s.Advance(ctx, actor, siteID, iv.ID, Live); err != nil {
		return err
	}
	for _, x := range demoQA {
		q, err := s.Ask(ctx, siteID, iv.ID, QuestionInput{Asker: x.asker, Body: x.q})
		if err != nil {
			return err
		}
		if x.a == "" || x.guest == "" {
			if _, err := s.Moderate(ctx, actor, siteID, iv.ID, q.ID, false, x.a); err != nil {
				return err
			}
			continue
		}
		if _, err := s.Moderate(ctx, actor, siteID, iv.ID, q.ID, true, ""); err != nil {
			return err
		}
		if _, err := s.Answer(ctx, actor, siteID, iv.ID, q.ID, x.guest, x.a); err != nil {
			return err
		}
	}
	for _, to := range []string{Closed, Archived} {
		if _, err := s.Advance(ctx, actor, siteID, iv.ID, to); err != nil {
			return err
		}
	}
	held, err := s.CreateEvent(ctx, actor, siteID, EventInput{DepartmentID: deptID, Kind: "open_day", Title: "2025年“走进司法行政”政府开放日",
		Summary: "邀请市民代表走进市公共法律服务中心，了解法律援助、人民调解、公证服务的办理流程。", Place: "临沂市公共法律服务中心（兰山区北京路 1 号）",
		StartsAt: "2025-09-20T09:00", EndsAt: "2025-09-20T11:30", SignupUntil: "2025-09-18", Capacity: 40})
	if err != nil {
		return err
	}
	if _, err := s.Report(ctx, actor, siteID, held.ID, "9月20日，市司法局举办“走进司法行政”政府开放日活动，36 名市民代表参观了市公共法律服务中心，观摩了人民调解现场，并与工作人员座谈。市民代表就法律援助申请渠道、公证办理时限等提出 12 条意见建议，均已梳理交相关科室办理。"); err != nil {
		return err
	}
	day := today.AddDays(21)
	if _, err := s.CreateEvent(ctx, actor, siteID, EventInput{DepartmentID: deptID, Kind: "open_day", Title: day.String()[:4] + "年“法治护航营商环境”政府开放日",
		Summary: "邀请企业代表和市民代表了解行政执法监督、涉企法律服务工作，现场交流意见建议。", Place: "临沂市司法局（兰山区北京路 1 号）三楼会议室",
		StartsAt: day.String() + "T09:00", EndsAt: day.String() + "T11:30", SignupUntil: today.AddDays(17).String(), Capacity: 30}); err != nil {
		return err
	}
	for i, a := range []AccountInput{
		{Name: "临沂司法", Platform: "wechat", Owner: "临沂市司法局", Operator: "临沂市司法局办公室", AccountID: "gh_lysfj2016", URL: "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=lysfj", FilingNo: "LYXMT-2016-018", FiledOn: "2016-05-10", Interactive: true},
		{Name: "临沂司法", Platform: "weibo", Owner: "临沂市司法局", Operator: "临沂市司法局办公室", AccountID: "linyisifa", URL: "https://weibo.com/linyisifa", FilingNo: "LYXMT-2013-007", FiledOn: "2013-03-01", Interactive: true},
		{Name: "临沂司法", Platform: "douyin", Owner: "临沂市司法局", Operator: "临沂市普法宣传中心", AccountID: "lysfj", URL: "https://www.douyin.com/user/lysfj", FilingNo: "LYXMT-2020-031", FiledOn: "2020-07-15"},
	} {
		a.Sort = i + 1
		if _, err := s.SaveAccount(ctx, actor, siteID, 0, a); err != nil {
			return err
		}
	}
	return nil
}
