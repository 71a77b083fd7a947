package consult

import (
	"context"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
)

// The demo's public participation: the 2025 major-decision catalogue, a
// closed legislative consultation of 2025 with its published feedback
// report, and an open one (relative to today) with comments. Wording is
// illustrative demo data, not the bureau's published text.

var demoArticles = []Article{
	{Heading: "适用范围", Body: "本市行政区域内的人民调解活动及其指导、保障，适用本条例。"},
	{Heading: "政府职责", Body: "市、县（区）人民政府应当支持人民调解工作，将人民调解工作经费列入本级财政预算。"},
	{Heading: "组织建设", Body: "村（居）民委员会、企业事业单位根据需要设立人民调解委员会；乡镇（街道）可以设立人民调解委员会。"},
	{Heading: "调解员补贴", Body: "对因从事调解工作致伤致残、生活发生困难的人民调解员，当地人民政府应当提供必要的医疗、生活救助。"},
	{Heading: "监督考核", Body: "司法行政部门应当建立人民调解工作考评和投诉处理制度。"},
}

// LoadDemo fills a freshly loaded demo site, acting as office (the office user).
func (s *Service) LoadDemo(ctx context.Context, office *auth.User, siteID int64, today calendar.Date) error {
	clock := s.Today
	defer func() { s.Today = clock }()
	at := func(d calendar.Date) { s.Today = func() calendar.Date { return d } }
	at(calendar.Date{Year: 2025, Month: 2, Day: 20})
	var ids []int64
	for _, d := range []DecisionInput{
		{Year: 2025, Title: "制定《临沂市人民调解条例》", Department: "法制科", Basis: "《中华人民共和国立法法》；《中华人民共和国人民调解法》", PlannedOn: "2025-11-30"},
		{Year: 2025, Title: "修订临沂市法律援助经济困难标准", Department: "公共法律服务管理科", Basis: "《中华人民共和国法律援助法》第三十四条", PlannedOn: "2025-09-30"},
		{Year: 2025, Title: "临沂市“八五”普法规划中期调整", Department: "普法与依法治理科", Basis: "《重大行政决策程序暂行条例》第三条", PlannedOn: "2025-06-30"},
	} {
		dec, err := s.CreateDecision(ctx, office, siteID, d)
		if err != nil {
			return fmt.Errorf("demo decision: %w", err)
		}
		ids = append(ids, dec.ID)
	}
	at(calendar.Date{Year: 2025, Month: 3, Day: 1})
	closed, err := s.Create(ctx, office, siteID, Input{Title: "关于《临沂市人民调解条例（草案征求意见稿）》公开征求意见", Kind: "legislative", Department: "法制科", DecisionID: ids[0],
		Basis: "《中华人民共和国立法法》《中华人民共和国人民调解法》", Explanation: "为完善人民调解制度，及时化解矛盾纠纷，市司法局起草了本条例草案。",
		Channels: "电子邮箱：lyssfj@ly.shandong.cn；信函：临沂市北城新区北京路8号 市司法局法制科", OpensOn: "2025-03-01", ClosesOn: "2025-03-31", Articles: demoArticles, Publish: true})
	if err != nil {
		return fmt.Errorf("demo consultation: %w", err)
	}
	at(calendar.Date{Year: 2025, Month: 3, Day: 15})
	for i, c := range []CommentInput{
		{Article: 2, Body: "建议明确人民调解工作经费的保障标准。", Contact: "13805390001", PublishConsent: true, Name: "张先生"},
		{Article: 3, Body: "建议企业人民调解委员会的设立条件写得更具体。", Contact: "13805390002", PublishConsent: true},
		{Article: 3, Body: "建议增加行业性、专业性人民调解委员会的规定。", Contact: "13805390003", PublishConsent: true, Name: "李女士"},
		{Article: 4, Body: "建议提高人民调解员的案件补贴标准。", Contact: "13805390004"},
		{Article: 0, Body: "草案整体结构清晰，建议增加在线调解一章。", Contact: "13805390005", PublishConsent: true},
		{Article: 5, Body: "代办各类证件，联系 QQ 123456。", Contact: "13805390006", PublishConsent: true},
	} {
		c.Channel = "online"
		if _, err := s.AddComment(ctx, siteID, closed.ID, c); err != nil {
			return fmt.Errorf("demo comment %d: %w", i+1, err)
		}
	}
	if _, err := s.Moderate(ctx, office, siteID, closed.ID, []int{6}, false, "spam"); err != nil {
		return err
	}
	if _, err := s.Moderate(ctx, office, siteID, closed.ID, []int{1, 2, 3, 4, 5}, true, ""); err != nil {
		return err
	}
	at(calendar.Date{Year: 2025, Month: 4, Day: 10})
	for _, d := range []struct {
		seqs            []int
		outcome, reason string
	}{
		{[]int{1}, "partly", "经费保障写入第二条，具体标准由各级政府按财力确定。"},
		{[]int{2, 3}, "adopted", "已在第三条细化设立条件，并增加行业性、专业性调解组织的规定。"},
		{[]int{4}, "not_adopted", "补贴标准由各县（区）按实际确定，本条例不作统一规定。"},
		{[]int{5}, "adopted", "增设“在线调解”一章。"},
	} {
		if _, err := s.Dispose(ctx, office, siteID, closed.ID, d.seqs, d.outcome, d.reason); err != nil {
			return fmt.Errorf("demo disposition: %w", err)
		}
	}
	if _, err := s.PublishReport(ctx, office, siteID, closed.ID); err != nil {
		return fmt.Errorf("demo report: %w", err)
	}
	at(calendar.Date{Year: 2025, Month: 6, Day: 20})
	if _, err := s.SetDecisionStatus(ctx, office, siteID, ids[2], "adjusted", "根据省级规划调整，中期评估改在2026年进行。"); err != nil {
		return err
	}
	at(calendar.Date{Year: 2025, Month: 11, Day: 20})
	if _, err := s.SetDecisionStatus(ctx, office, siteID, ids[0], "decided", ""); err != nil {
		return err
	}
	// The open one, relative to today.
	at(today)
	open, err := s.Create(ctx, office, siteID, Input{Title: "关于《临沂市司法局行政执法公示办法（征求意见稿）》公开征求意见", Kind: "policy", Department: "行政执法协调监督科",
		Explanation: "为落实行政执法公示制度，起草本办法。", OpensOn: today.AddDays(-10).String(), ClosesOn: today.AddDays(20).String(),
		Articles: []Article{{Body: "行政执法机关应当在执法决定作出之日起7个工作日内公开执法结果。"}, {Body: "公示内容涉及个人隐私的，应当作去标识化处理。"}, {Body: "本办法自发布之日起施行。"}}, Publish: true})
	if err != nil {
		return fmt.Errorf("demo open consultation: %w", err)
	}
	for _, c := range []CommentInput{
		{Article: 1, Body: "建议将公开时限缩短为5个工作日。", Contact: "13905390011", PublishConsent: true},
		{Article: 2, Body: "建议明确去标识化的具体方法。", Contact: "13905390012", PublishConsent: true, Name: "王律师"},
		{Article: 1, Body: "请说明节假日是否计入时限。", Contact: "13905390013"},
	} {
		if _, err := s.AddComment(ctx, siteID, open.ID, c); err != nil {
			return fmt.Errorf("demo open comment: %w", err)
		}
	}
	if _, err = s.Moderate(ctx, office, siteID, open.ID, []int{1, 2}, true, ""); err != nil {
		return err
	}
	if err := s.demoMeetings(ctx, office, siteID, today, ids[1]); err != nil {
		return err
	}
	return s.demoSurvey(ctx, office, siteID, today)
}

// demoSurvey: a closed 2025 satisfaction survey with its results.
func (s *Service) demoSurvey(ctx context.Context, office *auth.User, siteID int64, today calendar.Date) error {
	s.Today = func() calendar.Date { return calendar.Date{Year: 2025, Month: 6, Day: 1} }
	sv, err := s.CreateSurvey(ctx, office, siteID, SurveyInput{Title: "2025年公共法律服务满意度网上调查", Intro: "为改进公共法律服务，现开展网上调查，欢迎参与。",
		OpensOn: "2025-06-01", ClosesOn: "2025-06-30", Questions: []Question{
			{Text: "您是否使用过公共法律服务？", Kind: QSingle, Options: []string{"使用过", "没有使用过", "不清楚"}},
			{Text: "您最希望加强哪些服务？", Kind: QMultiple, Options: []string{"法律咨询", "法律援助", "公证", "人民调解"}},
			{Text: "其他意见和建议", Kind: QText}}})
	if err != nil {
		return fmt.Errorf("demo survey: %w", err)
	}
	s.Today = func() calendar.Date { return calendar.Date{Year: 2025, Month: 6, Day: 15} }
	for i := range 24 {
		a := Answer{Choices: map[int][]int{1: {i%3%2 + 1}, 2: {i%4 + 1}}, Texts: map[int]string{}}
		if i%3 == 0 {
			a.Choices[2] = append(a.Choices[2], 2)
		}
		if i%5 == 0 {
			a.Texts[3] = "建议增加夜间和周末服务时间。"
		}
		if err := s.Respond(ctx, siteID, sv.ID, fmt.Sprintf("1380539%04d", i), a); err != nil {
			return fmt.Errorf("demo survey answer: %w", err)
		}
	}
	s.Today = func() calendar.Date { return today }
	return nil
}

// demoMeetings: a 2025 bureau meeting held with two accepted stakeholders
// and one declined, and an upcoming one taking applications.
func (s *Service) demoMeetings(ctx context.Context, office *auth.User, siteID int64, today calendar.Date, decision int64) error {
	at := func(d calendar.Date) { s.Today = func() calendar.Date { return d } }
	at(calendar.Date{Year: 2025, Month: 8, Day: 20})
	held, err := s.CreateMeeting(ctx, office, siteID, MeetingInput{Title: "2025年第8次局长办公会议", MeetingType: "bureau", HeldOn: "2025-09-05", ApplyUntil: "2025-09-01",
		Place: "市司法局三楼会议室", Invited: "临沂日报社记者1名；山东某大学法学院教授1名",
		Decisions: "一、原则通过《临沂市法律援助经济困难标准（修订稿）》，由公共法律服务管理科根据列席代表意见修改后按程序报批。\n二、同意开展公证服务质量专项检查。",
		Topics: []Topic{{Title: "修订临沂市法律援助经济困难标准", Department: "公共法律服务管理科", PublicInterest: true, StakeholderPlan: "邀请受援人代表2名、律师代表1名列席"},
			{Title: "公证服务质量专项检查方案", Department: "公共法律服务管理科"}},
		Links: []Link{{Kind: "final_document", Title: "重大行政决策事项目录", URL: fmt.Sprintf("/decisions/%d", decision)}}, Publish: true})
	if err != nil {
		return fmt.Errorf("demo meeting: %w", err)
	}
	// The decision's chain: discussed at the meeting, then decided.
	at(calendar.Date{Year: 2025, Month: 9, Day: 5})
	if _, err := s.LinkDecision(ctx, office, siteID, decision, Link{Kind: "meeting", Title: held.Title, URL: fmt.Sprintf("/meetings/%d", held.ID)}); err != nil {
		return fmt.Errorf("demo decision link: %w", err)
	}
	at(calendar.Date{Year: 2025, Month: 9, Day: 10})
	if _, err := s.SetDecisionStatus(ctx, office, siteID, decision, "decided", ""); err != nil {
		return fmt.Errorf("demo decision status: %w", err)
	}
	at(calendar.Date{Year: 2025, Month: 8, Day: 25})
	var apps []int64
	for _, a := range []ApplicationInput{
		{Name: "孙立华", Category: "stakeholder", Organisation: "兰山区受援群众", Contact: "13805391001", Reason: "曾申请法律援助，希望就经济困难标准提出意见。"},
		{Name: "周建国", Category: "expert", Organisation: "山东某律师事务所", Contact: "13805391002", Reason: "长期承办法律援助案件。"},
		{Name: "吴敏", Category: "public", Contact: "13805391003", Reason: "关注此事。"},
	} {
		app, err := s.Apply(ctx, siteID, held.ID, a)
		if err != nil {
			return fmt.Errorf("demo application: %w", err)
		}
		apps = append(apps, app.ID)
	}
	for i, d := range []struct {
		accept bool
		answer string
	}{{true, ""}, {true, ""}, {false, "本次列席名额已满，欢迎通过意见征集页面提出书面意见。"}} {
		if _, err := s.Decide(ctx, office, siteID, held.ID, apps[i], d.accept, d.answer); err != nil {
			return fmt.Errorf("demo decision on an application: %w", err)
		}
	}
	at(today)
	_, err = s.CreateMeeting(ctx, office, siteID, MeetingInput{Title: "局长办公会议（公共法律服务事项）", MeetingType: "bureau", HeldOn: today.AddDays(14).String(),
		ApplyUntil: today.AddDays(7).String(), Place: "市司法局三楼会议室",
		Topics: []Topic{{Title: "村（社区）法律顾问服务规范", Department: "公共法律服务管理科", PublicInterest: true, StakeholderPlan: "邀请村（社区）代表2名列席"}}, Publish: true})
	return err
}
