package execution

import (
	"bytes"
	"context"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/lists"
)

// The demo's 2025 execution tasks of the 临沂市司法局 under the city's 2025
// 政府工作报告, their progress, and the suggestions and proposals it
// handled at the 2025 sessions. Names, numbers and texts are illustrative
// demo data, not the bureau's published records.

const (
	demoOversight = "纳入局党组重点工作督查台账，每季度调度一次；纳入年度绩效考核；在门户网站公开进展，接受社会监督（监督电话 0539-8312300）。"
	demoSource    = "2025年临沂市政府工作报告"
)

type demoTask struct {
	no, title, content, item, unit, co, measures, steps, milestones, starts, due, done, results, next string
	progress                                                                                          [][4]string // date, summary, percent, text
}

var demoTasks = []demoTask{
	{"2025-01", "深化法治政府建设示范创建", "深入推进法治政府建设，争创全国法治政府建设示范市。", "第五部分第（一）项", "法治督察科", "各县区司法局",
		"对照示范创建指标体系逐项对标，建立问题清单、责任清单、整改清单。", "3月 制定创建方案\n6月 完成指标自评\n9月 开展第三方评估\n12月 迎接省级评估",
		"2025-03-31 印发创建方案\n2025-06-30 完成指标自评\n2025-12-15 迎接省级评估", "2025-02-20", "2025-12-31", "2025-12-18", "示范创建通过省级评估，形成法治政府建设典型案例 6 个。", "巩固创建成果，开展常态化督察。",
		[][4]string{{"2025-03-28", "印发示范创建工作方案", "25", "印发《临沂市争创全国法治政府建设示范市工作方案》，分解任务 86 项。"},
			{"2025-06-27", "完成指标体系自评", "55", "对照 100 项指标完成自评，形成问题清单 23 项，已整改 15 项。"},
			{"2025-09-26", "第三方评估完成", "80", "委托第三方完成评估，群众满意度 93.6%。"},
			{"2025-12-18", "通过省级评估", "100", "示范创建通过省级评估验收。"}}},
	{"2025-02", "推进行政复议体制改革", "全面落实新修订的行政复议法，发挥行政复议化解行政争议主渠道作用。", "第五部分第（二）项", "行政复议科", "市法院、各县区司法局",
		"推行复议案件繁简分流，建立复议调解和解机制，公开复议决定书。", "3月 出台繁简分流规则\n6月 建成调解和解工作室\n12月 开展复议决定书公开",
		"2025-03-31 出台繁简分流规则\n2025-06-30 建成调解和解工作室", "2025-02-20", "2025-12-31", "2025-12-20", "全年办结复议案件 1126 件，调解和解率 31.2%，纠错率 8.4%。", "推进复议与诉讼衔接。",
		[][4]string{{"2025-04-02", "出台繁简分流规则", "30", "制定《行政复议案件繁简分流工作规则》。"},
			{"2025-07-03", "调解和解工作室投入运行", "60", "在市县两级建成调解和解工作室 13 个。"},
			{"2025-10-09", "三季度进展", "85", "前三季度办结复议案件 842 件。"},
			{"2025-12-20", "全年任务完成", "100", "复议决定书按规定在门户网站公开。"}}},
	{"2025-03", "打造“15分钟公共法律服务圈”", "完善覆盖城乡的公共法律服务体系。", "第六部分第（三）项", "公共法律服务管理科", "各县区司法局、市律师协会",
		"推进公共法律服务中心、工作站、联络点三级平台标准化建设。", "4月 制定建设标准\n8月 完成站点提升\n11月 组织验收",
		"2025-04-30 制定建设标准\n2025-08-31 完成站点提升\n2025-11-30 组织验收", "2025-03-05", "2025-12-31", "2025-11-28", "建成标准化公共法律服务站点 2860 个，群众 15 分钟可达。", "推进站点智能化升级。",
		[][4]string{{"2025-04-25", "印发建设标准", "20", "印发三级平台建设标准。"},
			{"2025-07-30", "站点提升过半", "60", "完成 1700 个站点提升。"},
			{"2025-11-28", "通过验收", "100", "全部站点通过验收。"}}},
	{"2025-04", "开展“八五”普法总结验收", "高质量完成“八五”普法规划各项任务。", "第五部分第（四）项", "普法与依法治理科", "市普法办成员单位",
		"落实“谁执法谁普法”责任制，开展普法责任制履职评议。", "3月 部署总结验收\n9月 开展履职评议\n12月 完成总结验收",
		"2025-03-31 部署总结验收\n2025-09-30 完成履职评议", "2025-03-01", "2025-12-31", "2025-12-25", "评议普法责任单位 56 家，形成“八五”普法总结报告。", "谋划“九五”普法规划。",
		[][4]string{{"2025-03-30", "部署总结验收工作", "20", "印发总结验收工作方案。"},
			{"2025-06-28", "二季度进展", "45", "开展宪法、民法典主题宣传活动 320 场。"},
			{"2025-09-29", "完成履职评议", "75", "56 家单位完成履职评议。"},
			{"2025-12-25", "完成总结验收", "100", "通过省级总结验收。"}}},
	{"2025-05", "提升行政执法质量", "推进严格规范公正文明执法。", "第五部分第（一）项", "行政执法协调监督科", "市直各执法部门",
		"开展行政执法案卷评查和执法监督专项行动，落实行政执法“三项制度”。", "4月 部署专项行动\n8月 完成案卷评查\n11月 通报评查结果",
		"2025-04-30 部署专项行动\n2025-08-31 完成案卷评查", "2025-03-20", "2025-12-31", "2025-11-20", "评查案卷 1420 卷，优秀率 62%，督促整改问题 137 个。", "推进执法监督信息化。",
		[][4]string{{"2025-04-28", "部署执法监督专项行动", "25", "印发专项行动方案。"},
			{"2025-08-29", "完成案卷评查", "70", "评查案卷 1420 卷。"},
			{"2025-11-20", "通报评查结果", "100", "通报评查结果并督促整改。"}}},
	{"2025-06", "推进涉企行政合规指导", "优化法治化营商环境。", "第三部分第（二）项", "法制科", "市工商联、市律师协会",
		"编制涉企合规指引，组织律师开展“法治体检”。", "5月 编制合规指引\n10月 开展法治体检",
		"2025-05-31 编制合规指引\n2025-10-31 开展法治体检", "2025-04-01", "2025-12-31", "2025-12-10", "发布合规指引 12 个领域，为 860 家企业开展“法治体检”。", "建立常态化服务机制。",
		[][4]string{{"2025-05-29", "发布合规指引", "40", "发布 12 个领域合规指引。"},
			{"2025-08-28", "三季度进展", "70", "为 520 家企业开展“法治体检”。"},
			{"2025-12-10", "全年任务完成", "100", "累计服务企业 860 家。"}}},
	{"2025-07", "建设智慧矫正中心", "提升社区矫正信息化水平。", "第六部分第（五）项", "社区矫正管理科", "各县区司法局、市大数据局",
		"建设市级智慧矫正中心，接入县区矫正数据。", "4月 完成方案设计\n9月 完成系统建设\n12月 投入运行",
		"2025-04-30 完成方案设计\n2025-09-30 完成系统建设\n2025-12-31 投入运行", "2025-03-15", "2025-12-31", "", "", "",
		[][4]string{{"2025-04-29", "完成方案设计", "20", "完成建设方案设计并通过专家论证。"},
			{"2025-08-27", "系统建设推进中", "45", "受设备采购延期影响，系统建设进度滞后于计划。"}}},
	{"2025-08", "推进市域社会治理法治保障", "推进矛盾纠纷多元化解，建设一站式调解平台。", "第六部分第（一）项", "人民参与和促进法治科", "市中级法院、市信访局",
		"建设市级矛盾纠纷调处化解中心，完善诉调、访调、警调对接。", "2025年 建成调处化解中心\n2026年 实现县乡全覆盖\n2027年 全面规范运行",
		"2025-10-31 建成市级调处化解中心\n2026-12-31 县乡全覆盖", "2025-05-10", "2027-06-30", "", "", "",
		[][4]string{{"2025-06-30", "启动调处化解中心建设", "10", "完成选址和建设方案。"},
			{"2025-10-30", "市级调处化解中心投入使用", "35", "市级调处化解中心建成并投入使用，入驻单位 12 家。"}}},
}

// demoDepts are the demo site's departments that report each task's
// progress (谁落实、谁公开): the lead unit's section where the demo site has
// it, else 法制科, which coordinates the bureau's rule-of-law tasks.
var demoDepts = map[string]string{"普法与依法治理科": "pfk", "行政执法协调监督科": "zfk", "公共法律服务管理科": "ggk", "法制科": "fzk"}

func demoTaskRows() (tasks, progress []map[string]string) {
	for _, t := range demoTasks {
		depts := demoDepts[t.unit]
		if depts == "" {
			depts = "fzk"
		}
		tasks = append(tasks, map[string]string{"task_no": t.no, "year": "2025", "title": t.title, "content": t.content, "source": "work_report",
			"source_item": demoSource + " " + t.item, "lead_leader": "（演示）分管副局长", "lead_unit": t.unit, "co_units": t.co, "depts": depts, "measures": t.measures,
			"steps": t.steps, "milestones": t.milestones, "starts_on": t.starts, "due": t.due, "oversight": demoOversight,
			"results": t.results, "next_steps": t.next, "completed_on": t.done})
		for _, p := range t.progress {
			progress = append(progress, map[string]string{"task_no": t.no, "reported_on": p[0], "summary": p[1], "unit": t.unit, "percent": p[2],
				"progress": p[3], "next_steps": "按计划推进后续步骤。"})
		}
	}
	return
}

type demoProposal struct {
	no, kind, title, proposer, unit, assigned, replied, class, mode, published string
	sat                                                                        string
}

const (
	demoNPC   = "临沂市第十九届人民代表大会第五次会议"
	demoCPPCC = "政协临沂市第十四届委员会第五次会议"
)

var demoProposals = []demoProposal{
	{"19-5-0012", "npc", "关于加强农村法律顾问队伍建设的建议", "王建国", "公共法律服务管理科", "2025-03-10", "2025-05-28", "A", "full", "2025-06-10", "satisfied"},
	{"19-5-0047", "npc", "关于推进社区矫正对象就业帮扶的建议", "李海燕", "社区矫正管理科", "2025-03-10", "2025-06-05", "B", "full", "2025-06-20", "satisfied"},
	{"19-5-0063", "npc", "关于完善行政复议便民措施的建议", "张明", "行政复议科", "2025-03-10", "2025-05-30", "A", "full", "2025-06-12", "satisfied"},
	{"19-5-0088", "npc", "关于加强涉企执法监督的建议", "刘晓东等5人", "行政执法协调监督科", "2025-03-10", "2025-06-06", "A", "full", "2025-06-25", "basic"},
	{"19-5-0102", "npc", "关于设立劳动争议法律援助工作站的建议", "陈丽", "法律援助中心", "2025-03-10", "2025-06-09", "A", "full", "2025-06-30", "satisfied"},
	{"19-5-0131", "npc", "关于加大青少年法治教育投入的建议", "杨志强", "普法与依法治理科", "2025-03-10", "2025-06-10", "B", "summary", "2025-06-30", "satisfied"},
	{"19-5-0156", "npc", "关于建设市级公共法律服务综合体的建议", "赵静", "公共法律服务管理科", "2025-03-10", "2025-06-16", "C", "full", "2025-07-04", "basic"},
	{"19-5-0170", "npc", "关于规范基层法律服务收费的建议", "黄伟", "公共法律服务管理科", "2025-03-10", "2025-06-03", "A", "withheld", "", "satisfied"},
	{"14-5-0021", "cppcc", "关于推进“枫桥式”司法所建设的提案", "周秀英", "基层工作科", "2025-03-12", "2025-06-04", "A", "full", "2025-06-18", "satisfied"},
	{"14-5-0039", "cppcc", "关于发挥律师在信访工作中作用的提案", "民革临沂市委员会", "律师工作科", "2025-03-12", "2025-06-11", "B", "full", "2025-07-01", "satisfied"},
	{"14-5-0054", "cppcc", "关于加强公证服务民营企业的提案", "吴磊", "公共法律服务管理科", "2025-03-12", "2025-05-26", "A", "full", "2025-06-09", "satisfied"},
	{"14-5-0077", "cppcc", "关于完善人民调解员补贴保障的提案", "徐洁", "人民参与和促进法治科", "2025-03-12", "2025-06-12", "B", "full", "2025-07-02", "basic"},
	{"14-5-0093", "cppcc", "关于推进司法鉴定行业规范发展的提案", "孙刚", "公共法律服务管理科", "2025-03-12", "2025-06-10", "A", "full", "2025-06-27", "satisfied"},
	{"14-5-0115", "cppcc", "关于建立涉外法律服务人才库的提案", "九三学社临沂市委员会", "律师工作科", "2025-03-12", "2025-06-13", "C", "full", "2025-07-03", "basic"},
	{"14-5-0128", "cppcc", "关于加强老年人法律援助的提案", "胡玉兰", "法律援助中心", "2025-03-12", "2025-06-20", "A", "full", "2025-07-10", "satisfied"},
	{"19-5-0190", "motion", "关于制定《临沂市公共法律服务条例》的议案转建议", "朱军等10人", "法制科", "2025-03-10", "2025-06-09", "B", "full", "2025-07-25", "satisfied"},
}

func demoProposalRows() []map[string]string {
	var out []map[string]string
	for _, p := range demoProposals {
		session := demoNPC
		if p.kind == "cppcc" {
			session = demoCPPCC
		}
		v := map[string]string{"number": p.no, "year": "2025", "kind": p.kind, "session": session, "title": p.title, "proposer": p.proposer,
			"lead_unit": p.unit, "co_units": "", "assigned_on": p.assigned, "replied_on": p.replied, "reply_no": "临司复〔2025〕" + p.no[len(p.no)-3:] + "号",
			"result_class": p.class, "publish_mode": p.mode, "published_on": p.published, "proposer_consent": "agree", "satisfaction": p.sat}
		name := p.proposer
		text := fmt.Sprintf("%s：\n\n您提出的《%s》收悉。我局高度重视，经认真研究，现答复如下：\n一、基本情况。……\n二、下一步工作。……\n\n感谢您对司法行政工作的关心和支持。\n\n临沂市司法局\n%s",
			name, p.title, p.replied)
		switch p.mode {
		case "full":
			v["reply_text"] = text
			v["reply_summary"] = "我局已采纳相关意见并部署落实。"
		case "summary":
			v["reply_summary"] = "我局将青少年法治教育纳入年度普法计划，增加专项经费，并在全市中小学推广法治副校长制度。"
		case "withheld":
			v["reply_summary"] = "复文涉及具体收费主体的经营信息。"
			v["withhold_reason"] = "复文涉及第三方商业秘密，经保密审查和征求代表意见，不予公开。"
			v["proposer_consent"] = "disagree"
		}
		// 保密审查 before publication (条例第十七条), done with the draft (46号:
		// 办理复文与公开同步审查); the withheld one was refused.
		v["secrecy_reviewer"], v["secrecy_reviewed_on"], v["secrecy_result"] = "（演示）办公室保密员", p.replied, "pass"
		if p.mode == "withheld" {
			v["secrecy_result"] = "refuse"
		}
		// 见面率: most units met the deputy or member (RECORDS §7.5).
		if p.no[len(p.no)-1] != '7' {
			v["met"] = "1"
		}
		if Planned(p.class) {
			// A planned reply gives its time frame; most were carried out
			// and answered again within the year (RECORDS §7.3).
			v["plan_due"] = "2025-12-31"
			if p.no != "19-5-0190" {
				v["plan_replied_on"] = "2025-12-" + map[bool]string{true: "19", false: "26"}[p.kind == "npc"]
				v["plan_reply_text"] = fmt.Sprintf("%s：\n\n我局在《%s》的答复中列入计划的事项已落实完毕，现将落实情况答复如下：……\n\n临沂市司法局", p.proposer, p.title)
			}
		}
		if p.no == "19-5-0156" {
			v["co_units"] = "市财政局、市自然资源和规划局"
			v["feedback"] = "对答复基本满意，希望尽快列入规划。"
		}
		if p.no == "14-5-0115" {
			// Dissatisfied, then answered again within the month (RECORDS §7.3).
			v["satisfaction"], v["feedback_on"] = "dissatisfied", "2025-06-27"
			v["feedback"] = "希望明确人才库建设的时间表。"
			v["co_units"] = "市商务局"
			v["second_replied_on"], v["second_satisfaction"] = "2025-07-18", "satisfied"
			v["second_reply_text"] = "九三学社临沂市委员会：\n\n根据您的反馈意见，我局会同市商务局重新研究，明确于2025年底前建成涉外法律服务人才库，首批入库律师不少于30名。\n\n临沂市司法局\n2025-07-18"
		}
		out = append(out, v)
	}
	// 交办不当 (RECORDS §7.3): one item reported to the assigning body within
	// 5 days as outside the bureau's duties, and re-assigned.
	out = append(out, map[string]string{"number": "19-5-0201", "year": "2025", "kind": "npc", "session": demoNPC, "title": "关于优化城区公交线路的建议",
		"proposer": "马超", "lead_unit": "办公室", "assigned_on": "2025-03-10", "misassigned_on": "2025-03-13", "reassigned": "1",
		"misassigned_reason": "建议内容属于交通运输部门职责，已于收到之日起5日内向市人大常委会代表工作机构说明，经同意改由市交通运输局办理。"})
	return out
}

// LoadDemo publishes the demo's tasks, progress and replies on a site
// through the import itself, as actor (the office).
func LoadDemo(ctx context.Context, s *lists.Service, siteID int64, actor *auth.User) error {
	tasks, progress := demoTaskRows()
	steps := []struct {
		k    *lists.Kind
		rows []map[string]string
		on   string
		note string
	}{
		{Tasks, tasks, "2025-03-01", "2025年市政府工作报告分解我局任务。"},
		{Progress, progress, "2025-12-31", "2025年重要部署执行进展。"},
		{Proposals, demoProposalRows(), "2025-07-31", "2025年建议提案办理复文。"},
		{CoOpinions, []map[string]string{
			{"number": "19-5-0156", "co_unit": "市财政局", "received_on": "2025-03-12", "sent_on": "2025-04-08", "opinion": "（演示）市财政局将在年度预算中统筹安排综合体建设资金。"},
			{"number": "19-5-0156", "co_unit": "市自然资源和规划局", "received_on": "2025-03-12", "sent_on": "2025-04-10", "opinion": "（演示）建议在城市更新片区中选址。"},
			{"number": "14-5-0115", "co_unit": "市商务局", "received_on": "2025-03-14", "sent_on": "2025-04-11", "opinion": "（演示）可依托市外经贸企业名录筛选涉外法律服务需求。"},
		}, "2025-07-31", "2025年建议提案协办意见。"},
	}
	for _, st := range steps {
		var rows []lists.Row
		for _, v := range st.rows {
			rows = append(rows, lists.Row{Values: v})
		}
		var buf bytes.Buffer
		if err := st.k.WriteFile(&buf, lists.CSV, rows); err != nil {
			return err
		}
		if _, err := s.Import(ctx, siteID, st.k, actor, lists.Import{File: buf.Bytes(), FileName: st.k.Name + ".csv", Note: st.note, EffectiveOn: st.on, Publish: true}); err != nil {
			return fmt.Errorf("demo %s: %w", st.k.Code, err)
		}
	}
	return nil
}
