package practice

import (
	"context"
	"fmt"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
)

// The demo: twenty submissions of the 临沂市司法局's sections through 2025,
// most rated, eleven selected, seven forwarded to the 市委办公室, 市政府办公室
// or 山东省司法厅 (five used), three published as 工作动态. Made up, in the
// usual style of such material.

type demoSub struct {
	dept, kind, day, title, text string
	status                       string
	rating                       int
	forwards                     []demoForward
	publish                      string // publication day, or ""
}

type demoForward struct {
	authority, day, outlet string
	used                   bool
	note                   string
}

var demoSubs = []demoSub{
	{"bgs", "practice", "2025-01-10", "“一窗受理、集成服务”推动政务服务提质增效", "局机关整合窗口资源，实行综合受理、后台分办、统一出件，群众办事等候时间明显缩短。", Selected, 5,
		[]demoForward{{"市政府办公室", "2025-01-20", "《临沂政务信息》", true, "第3期刊发"}}, "2025-01-22"},
	{"fzk", "measure", "2025-01-24", "全面推行行政规范性文件合法性审核机制", "建立起草单位初审、法制科审核、集体审议三道关口，全年审核规范性文件全部按期办结。", Selected, 4,
		[]demoForward{{"山东省司法厅", "2025-02-10", "《山东司法行政信息》", true, "第5期采用"}}, ""},
	{"pfk", "case", "2025-02-18", "“法律明白人”化解邻里纠纷典型案例", "某村“法律明白人”运用民法典相邻关系规定，促成两户就排水问题达成和解。", Selected, 4, nil, ""},
	{"zfk", "practice", "2025-03-05", "行政执法“三项制度”落实情况通报机制", "按季度通报执法公示、全过程记录和法制审核情况，督促执法单位整改问题。", Declined, 2, nil, ""},
	{"ggk", "story", "2025-03-21", "公共法律服务中心窗口工作人员坚守岗位服务群众", "窗口工作人员连续多日延时服务，为农民工讨薪提供法律援助咨询。", Selected, 3, nil, ""},
	{"bgs", "measure", "2025-04-08", "政务公开“五公开”纳入公文办理程序", "在公文拟稿环节明确公开属性，未标注公开属性的公文不予签发。", Selected, 5,
		[]demoForward{{"市政府办公室", "2025-04-18", "政务公开工作简报", true, "全市推广"}, {"山东省司法厅", "2025-04-25", "《山东司法行政信息》", false, ""}}, "2025-04-28"},
	{"fzk", "case", "2025-04-29", "行政复议调解结案典型案例", "通过调解促成行政机关与申请人和解，实质性化解行政争议。", Submitted, 0, nil, ""},
	{"pfk", "practice", "2025-05-16", "“八五”普法中期评估经验做法", "采取群众满意度测评和普法责任清单对账的方式开展中期评估。", Selected, 4,
		[]demoForward{{"市委全面依法治市委员会办公室", "2025-05-30", "《依法治市工作简报》", true, "第6期刊发"}}, ""},
	{"zfk", "measure", "2025-06-10", "推行涉企行政检查“扫码入企”", "执法人员入企检查须扫码登记，企业可在线评价，减少多头检查、重复检查。", Selected, 5,
		[]demoForward{{"山东省司法厅", "2025-06-20", "行政执法监督工作专报", false, ""}}, ""},
	{"ggk", "case", "2025-06-27", "法律援助助力农民工追回劳动报酬", "法律援助律师代理12名农民工劳动报酬纠纷，经仲裁追回欠薪。", Declined, 3, nil, ""},
	{"bgs", "story", "2025-07-15", "驻村第一书记带领群众发展特色产业", "驻村干部协调资金建设果蔬大棚，村集体年收入明显增加。", Submitted, 0, nil, ""},
	{"fzk", "practice", "2025-07-30", "重大行政决策目录化管理", "年初公布重大行政决策事项目录，逐项明确承办单位和完成时限。", Selected, 4, nil, "2025-08-05"},
	{"pfk", "measure", "2025-08-19", "青少年法治教育“开学第一课”", "组织法治副校长走进中小学，开展法治教育进校园活动。", Declined, 2, nil, ""},
	{"zfk", "case", "2025-09-03", "包容审慎监管“首违不罚”典型案例", "对首次轻微违法并及时改正的经营主体依法不予处罚，实施说理式执法。", Selected, 5,
		[]demoForward{{"市政府办公室", "2025-09-15", "《临沂政务信息》", true, "第18期刊发"}}, ""},
	{"ggk", "practice", "2025-09-22", "公证服务“最多跑一次”", "梳理公证事项清单，推行预约办证、上门服务和线上受理。", Submitted, 0, nil, ""},
	{"bgs", "case", "2025-10-14", "依申请公开答复规范化典型做法", "统一答复文书格式，逐项说明依据和救济途径，全年无行政复议纠错。", Selected, 4,
		[]demoForward{{"市政府办公室", "2025-10-24", "政务公开工作简报", false, ""}}, ""},
	{"fzk", "story", "2025-10-30", "复议工作人员耐心释法化解信访积案", "复议工作人员多次上门沟通，推动一起历时三年的信访事项息诉罢访。", Declined, 3, nil, ""},
	{"pfk", "case", "2025-11-12", "民主法治示范村创建典型案例", "某村健全村规民约和村务公开制度，获评省级民主法治示范村。", Submitted, 0, nil, ""},
	{"zfk", "practice", "2025-11-26", "行政执法人员资格动态管理", "建立执法人员信息库，定期清理不在岗人员执法证件。", Submitted, 0, nil, ""},
	{"ggk", "measure", "2025-12-10", "人民调解“线上+线下”联动机制", "依托线上调解平台和村居调解室，实现纠纷就地受理、就地化解。", Selected, 4, nil, ""},
}

// LoadDemo records the demo submissions of site as the office (which may
// submit for any department) and the given departments (abbreviation to
// id). It does nothing when the site has submissions already.
func (s *Service) LoadDemo(ctx context.Context, siteID int64, office *auth.User, depts map[string]int64) error {
	var n int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM practice_submissions WHERE site_id = $1`, siteID).Scan(&n); err != nil || n > 0 {
		return err
	}
	cols, err := s.NewsColumns(ctx, siteID)
	if err != nil {
		return err
	}
	save, saveNow := s.Today, s.Now
	defer func() { s.Today, s.Now = save, saveNow }()
	at := func(day string) {
		d, _ := calendar.Parse(day)
		s.Today = func() calendar.Date { return d }
		t := time.Date(d.Year, d.Month, d.Day, 10, 0, 0, 0, calendar.Beijing)
		s.Now = func() time.Time { return t }
	}
	for _, d := range demoSubs {
		dept, ok := depts[d.dept]
		if !ok {
			return fmt.Errorf("demo practice: no department %q", d.dept)
		}
		at(d.day)
		sub, err := s.Submit(ctx, siteID, office, NewSubmission{DepartmentID: dept, Kind: d.kind, Title: d.title, Body: "<p>" + d.text + "</p>", SubmittedOn: d.day})
		if err != nil {
			return fmt.Errorf("demo practice %q: %w", d.title, err)
		}
		if d.status == Submitted {
			continue
		}
		next, _ := calendar.Parse(d.day)
		at(next.AddDays(3).String())
		if _, err := s.Rate(ctx, siteID, office, sub.ID, Review{Status: d.status, Rating: d.rating}); err != nil {
			return err
		}
		for _, f := range d.forwards {
			at(f.day)
			if _, err := s.AddForward(ctx, siteID, office, sub.ID, NewForward{Authority: f.authority, ForwardedOn: f.day, Outlet: f.outlet, Used: f.used, UsedNote: f.note}); err != nil {
				return err
			}
		}
		if d.publish != "" && len(cols) > 0 {
			at(d.publish)
			if _, err := s.Publish(ctx, siteID, office, sub.ID, cols[0].ID, d.publish); err != nil {
				return fmt.Errorf("demo practice publish %q: %w", d.title, err)
			}
		}
	}
	return nil
}
