package request

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
)

// Demo material: a bureau of justice's usual requests.
var (
	demoSurnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎")
	demoGiven    = []string{"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "玉兰", "红", "志强", "海燕"}
	demoOrgs     = map[string][]string{
		"commercial":     {"临沂鲁商置业有限公司", "山东沂蒙建工集团有限公司", "临沂市兰山区宏达物流有限公司", "临沂华信商贸有限公司", "山东琅琊食品有限公司"},
		"research":       {"临沂大学法学院", "山东省社会科学院法学研究所", "临沂市法学会研究中心"},
		"public_welfare": {"临沂市慈善总会", "沂蒙公益法律服务中心", "临沂市志愿者协会"},
		"legal_service":  {"山东沂蒙律师事务所", "山东临沂正大律师事务所", "临沂市兰山公证处", "山东琅琊司法鉴定所"},
		"other":          {"临沂市兰山区某村民委员会", "临沂市罗庄区某业主委员会", "临沂市个体劳动者协会"},
	}
	demoTopics = []struct{ title, desc string }{
		{"2024年度法律援助经费使用情况", "请提供2024年度法律援助专项经费的预算、支出明细及受援人数统计。"},
		{"临沂市律师事务所年度检查考核结果", "申请公开2024年度全市律师事务所年度检查考核结果名单。"},
		{"某律师事务所行政处罚决定书", "申请公开贵局对山东某律师事务所作出的行政处罚决定书全文。"},
		{"人民调解委员会名单及联系方式", "请提供兰山区各街道人民调解委员会的名单、地址和联系电话。"},
		{"司法鉴定机构登记及年检情况", "申请公开临沂市司法鉴定机构登记名册及2024年度年检结果。"},
		{"公证员执业核准文件", "申请公开本人所在公证处公证员执业核准的相关文件。"},
		{"社区矫正工作经费及人员配备", "请提供2024年社区矫正工作经费预算执行情况和专职工作人员数量。"},
		{"行政复议案件办理情况统计", "申请公开2024年度贵局办理的行政复议案件数量、类型及结果统计。"},
		{"法治政府建设年度报告", "请告知2024年法治政府建设年度报告的公开途径。"},
		{"规范性文件合法性审核意见", "申请公开某规范性文件的合法性审核意见书。"},
		{"基层法律服务工作者执业证核发", "申请公开基层法律服务工作者执业证核发的条件、程序和2024年核发名单。"},
		{"国家统一法律职业资格考试报名数据", "申请公开临沂考区2024年法律职业资格考试报名人数和通过人数。"},
		{"局机关内部会议纪要", "申请公开局党组会议关于人事调整的会议纪要。"},
		{"政府采购合同", "申请公开法律援助服务政府采购项目的合同文本。"},
		{"我本人的信访答复意见", "要求确认贵局此前出具的信访答复意见是否有效，并重新出具一份。"},
	}
)

// LoadDemo gives a demo site a year of requests (≥ 200) across every
// decision row and both applicant kinds, with corrections, consultations,
// extensions, fees, reconsiderations and lawsuits, so that tables 三 and 四 are
// full; some arrive in the previous December (上年结转) and some are answered
// the next January (结转下年度). A few recent open ones fill the desk for
// today. The same seed gives the same year. Every step goes through AddEvent,
// so the ledger's rules hold for the demo as for real requests.
func (s *Service) LoadDemo(ctx context.Context, office *auth.User, siteID int64, depts []int64, year int, today calendar.Date) error {
	cal, err := s.cal(ctx)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(year), 9))
	workday := func(d calendar.Date) calendar.Date {
		for !cal.IsWorkday(d) {
			d = d.AddDays(1)
		}
		return d
	}
	start := calendar.Date{Year: year, Month: 1, Day: 1}
	// Rows: the first 42 cover every decision twice; the rest follow a
	// usual spread (most are disclosed, partly disclosed or not found).
	common := []string{"disclosed", "disclosed", "disclosed", "disclosed", "disclosed", "partially_disclosed", "partially_disclosed",
		"unavailable.1", "unavailable.1", "unavailable.1", "withheld.4", "withheld.6", "withheld.7", "not_handled.1", "not_handled.2",
		"unavailable.2", "withheld.8", "other.3", "not_handled.3", "other.1"}
	const n = 220
	// Reconsiderations (维持, 纠正, 其他, 尚未审结) and lawsuits (direct: 维持,
	// 尚未审结; after a reconsideration: 尚未审结).
	remedies := []string{"rec:upheld", "rec:corrected", "rec:other", "rec:", "law:upheld", "law:", "rec:upheld+law:"}
	for i := range n {
		code := Decisions[i%len(Decisions)].Code()
		if i >= 2*len(Decisions) {
			code = common[rng.IntN(len(common))]
		}
		var received calendar.Date
		switch {
		case i%37 == 5: // arrived the December before: carried into the year
			received = workday(calendar.Date{Year: year - 1, Month: 12, Day: 8 + rng.IntN(15)})
		case i%41 == 7: // arrives late in December: carried into the next year
			received = workday(calendar.Date{Year: year, Month: 12, Day: 10 + rng.IntN(12)})
		default:
			received = workday(start.AddDays(rng.IntN(330)))
		}
		var id int64
		var closed calendar.Date
		if err := s.demoRequest(ctx, cal, rng, office, siteID, depts, i, code, received, today, &id, &closed); err != nil {
			return fmt.Errorf("demo request %d (%s): %w", i, code, err)
		}
		// Remedies for answers of the year's first nine months, so each is
		// filed within the year: every result of table 四 (REFERENCE §2.4).
		if len(remedies) > 0 && closed.Year == year && closed.Month <= 9 && code != "disclosed" && !closed.AddDays(100).After(today) {
			if err := s.demoRemedy(ctx, office, siteID, id, closed, remedies[0]); err != nil {
				return fmt.Errorf("demo remedy %d: %w", i, err)
			}
			remedies = remedies[1:]
		}
	}
	// Open requests of the last weeks for the desk: overdue, due soon, on time.
	for k, back := range []int{25, 19, 17, 12, 6, 2} {
		d := today.AddDays(-back * 7 / 5)
		for !cal.IsWorkday(d) {
			d = d.AddDays(-1)
		}
		in := s.demoInput(rng, 1000+k, "in_person", d, depts)
		if _, _, err := s.Create(ctx, siteID, office, in); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) demoInput(rng *rand.Rand, i int, channel string, received calendar.Date, depts []int64) Input {
	topic := demoTopics[rng.IntN(len(demoTopics))]
	a := Applicant{Kind: "natural_person", IDType: "id_card"}
	if rng.IntN(10) < 3 {
		types := []string{"commercial", "commercial", "research", "public_welfare", "legal_service", "legal_service", "other"}
		t := types[rng.IntN(len(types))]
		names := demoOrgs[t]
		a = Applicant{Kind: "organization", Name: names[rng.IntN(len(names))], OrgType: t,
			CreditCode:          fmt.Sprintf("913713%02d%010d", rng.IntN(100), rng.Int64N(1e10)),
			LegalRepresentative: string(demoSurnames[rng.IntN(len(demoSurnames))]) + demoGiven[rng.IntN(len(demoGiven))],
			ContactPerson:       string(demoSurnames[rng.IntN(len(demoSurnames))]) + demoGiven[rng.IntN(len(demoGiven))]}
	} else {
		a.Name = string(demoSurnames[rng.IntN(len(demoSurnames))]) + demoGiven[rng.IntN(len(demoGiven))]
		a.IDNumber = fmt.Sprintf("3713%02d19%02d%02d%02d%03d%d", rng.IntN(30), 50+rng.IntN(50), 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(1000), rng.IntN(10))
	}
	a.Phone = fmt.Sprintf("13%d%08d", 5+rng.IntN(5), rng.IntN(1e8))
	a.Address = fmt.Sprintf("山东省临沂市兰山区%s路%d号", []string{"金雀山", "沂蒙", "银雀山", "北京", "涑河"}[rng.IntN(5)], 1+rng.IntN(300))
	delivery := []string{"post", "email", "online", "pickup"}[rng.IntN(4)]
	if delivery == "email" {
		a.Email = fmt.Sprintf("applicant%d@example.com", i)
	}
	return Input{Applicant: a, Title: topic.title, Description: topic.desc, Form: []string{"paper", "electronic"}[rng.IntN(2)],
		Delivery: delivery, Channel: channel, ReceivedOn: received, DepartmentID: depts[rng.IntN(len(depts))]}
}

func (s *Service) demoRequest(ctx context.Context, cal *calendar.Calendar, rng *rand.Rand, office *auth.User, siteID int64, depts []int64, i int, code string, received calendar.Date, today calendar.Date, id *int64, closed *calendar.Date) error {
	channel := []string{"online", "online", "online", "in_person", "post", "fax"}[rng.IntN(6)]
	r, _, err := s.Create(ctx, siteID, office, s.demoInput(rng, i, channel, received, depts))
	if err != nil {
		return err
	}
	*id = r.ID
	day := received
	stopped := false
	add := func(ev Event) error {
		if ev.On.IsZero() {
			ev.On = day
		}
		// Nothing is recorded ahead of today: the rest of the story waits.
		if stopped || ev.On.After(today) {
			stopped = true
			return nil
		}
		day = ev.On
		got, err := s.AddEvent(ctx, office, siteID, r.ID, ev)
		if err == nil && LetterSteps[ev.Type] {
			// The office reviews the step's letter and sends it that day.
			_, err = s.AddEvent(ctx, office, siteID, r.ID, Event{Type: EvLetterSent, On: ev.On, Letter: len(got.Events)})
		}
		return err
	}
	after := func(n int) calendar.Date { return cal.AddWorkdays(day, n) }
	if NeedsConfirmation(channel) {
		if err := add(Event{Type: EvConfirmed, On: after(rng.IntN(2))}); err != nil {
			return err
		}
	}
	received = day
	d, _ := DecisionByCode(code)
	switch {
	case code == "other.1":
		if err := add(Event{Type: EvCorrectionRequested, On: after(1 + rng.IntN(5)), Note: "请写明所需信息的名称、文号或者其他特征性描述", Until: cal.AddWorkdays(day, 15)}); err != nil {
			return err
		}
		return add(Event{Type: EvCorrectionLapsed, On: cal.AddWorkdays(day, 16)})
	case code == "other.2":
		if err := add(Event{Type: EvFeeNotified, On: after(2 + rng.IntN(5)), FeeMethod: FeePerRequest, Units: 15, Amount: FeeForRequest(15)}); err != nil {
			return err
		}
		return add(Event{Type: EvFeeLapsed, On: cal.AddWorkdays(day, FeePayWorkdays+1)})
	}
	if code == "unavailable.3" || i%9 == 4 {
		if err := add(Event{Type: EvCorrectionRequested, On: after(1 + rng.IntN(6)), Note: "请明确所需信息的时间范围和文件名称"}); err != nil {
			return err
		}
		if err := add(Event{Type: EvCorrectionReceived, On: day.AddDays(3 + rng.IntN(10))}); err != nil {
			return err
		}
	}
	if code == "withheld.4" || i%13 == 3 {
		if err := add(Event{Type: EvConsultationStarted, On: after(2 + rng.IntN(5)), Note: "书面征求第三方意见"}); err != nil {
			return err
		}
		if err := add(Event{Type: EvConsultationEnded, On: after(5 + rng.IntN(11))}); err != nil {
			return err
		}
	}
	if i%17 == 2 {
		units := 11 + rng.IntN(30)
		if err := add(Event{Type: EvFeeNotified, On: after(1 + rng.IntN(3)), FeeMethod: FeePerRequest, Units: units, Amount: FeeForRequest(units)}); err != nil {
			return err
		}
		if err := add(Event{Type: EvFeePaid, On: after(1 + rng.IntN(10))}); err != nil {
			return err
		}
	}
	extended := i%11 == 6
	if extended {
		if err := add(Event{Type: EvExtended, On: after(10 + rng.IntN(5)), Days: 5 + rng.IntN(16), Approver: "局政务公开办公室主任", Note: "需调取历史档案，无法在20个工作日内答复"}); err != nil {
			return err
		}
	}
	r2, err := s.Get(ctx, siteID, r.ID)
	if err != nil {
		return err
	}
	due := r2.State.DueOn(day)
	replyOn := after(1 + rng.IntN(8))
	if replyOn.After(due) {
		replyOn = due
	}
	if received.Month == 12 && received.Day >= 8 {
		// Late December: answered in January (carried over, 结转).
		replyOn = due
	}
	if replyOn.Before(day) {
		replyOn = day
	}
	reply := Reply{Investigation: "经检索本机关保存的政府信息，现将有关情况告知如下。", Answer: demoAnswer(d), Policy: "《临沂市司法局政府信息公开指南》", Law: "《中华人民共和国政府信息公开条例》"}
	if err := add(Event{Type: EvReplyDrafted, On: replyOn, Decision: d.Kind, Reason: d.Reason, Reply: reply}); err != nil {
		return err
	}
	if err := add(Event{Type: EvReplied, On: replyOn, Decision: d.Kind, Reason: d.Reason, Reply: reply}); err != nil {
		return err
	}
	if rng.IntN(10) < 8 {
		if err := add(Event{Type: EvDelivered, On: after(rng.IntN(3))}); err != nil {
			return err
		}
	}
	if !stopped {
		*closed = day
	}
	return nil
}

func demoAnswer(d Decision) string {
	switch d.Kind {
	case "disclosed":
		return "您申请的信息属于公开范围，现予以提供，详见附件。"
	case "partially_disclosed":
		return "您申请的信息中含有不应公开的内容，已作区分处理，现提供可以公开的部分。"
	}
	return "经审查，" + d.Label + "，依法作出本答复。"
}

// demoRemedy records a reconsideration or lawsuit plan ("rec:upheld",
// "law:", "rec:upheld+law:" — a lawsuit after the reconsideration) on a
// closed request.
func (s *Service) demoRemedy(ctx context.Context, office *auth.User, siteID, id int64, closed calendar.Date, plan string) error {
	add := func(ev Event) error {
		_, err := s.AddEvent(ctx, office, siteID, id, ev)
		return err
	}
	after := false
	for _, step := range strings.Split(plan, "+") {
		kind, result, _ := strings.Cut(step, ":")
		if kind == "rec" {
			if err := add(Event{Type: EvReconsiderationFiled, On: closed.AddDays(20)}); err != nil {
				return err
			}
			if result != "" {
				if err := add(Event{Type: EvReconsiderationDone, On: closed.AddDays(70), Result: result}); err != nil {
					return err
				}
			}
			after = true
			continue
		}
		if err := add(Event{Type: EvLawsuitFiled, On: closed.AddDays(85), AfterReconsideration: after}); err != nil {
			return err
		}
		if result != "" {
			if err := add(Event{Type: EvLawsuitDone, On: closed.AddDays(95), Result: result}); err != nil {
				return err
			}
		}
	}
	return nil
}
