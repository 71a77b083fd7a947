// Package execution declares the records of 重要部署执行公开 (execution of
// the tasks the municipal 政府工作报告 assigns to the bureau, RECORDS §6)
// and of 建议提案办理 (replies to NPC deputies' suggestions and CPPCC
// members' proposals, RECORDS §7) as list kinds of the list engine
// (internal/lists), and adds what the engine does not know: the state of
// each task (on schedule / late / done) from its dated progress entries,
// the reply deadline of each suggestion counted in calendar months from
// its assignment, the yearly overview (总体情况) computed from the replies,
// and the self-inspection of tasks without an update in their period and of
// late replies. Pages, API, exports (CSV, XLSX), feeds, facets and search of
// the records are the engine's.
package execution

import (
	"regexp"

	"gongkai/internal/catalog"
	"gongkai/internal/lists"
)

// Column slugs of the demo site's columns and the keeping department
// (办公室 coordinates 政务公开; RECORDS §6.1 seed: each responsible section
// publishes, 谁落实、谁公开 — see ARCHITECTURE "Execution and proposals").
const (
	columnTasks     = "zybszx"
	columnProposals = "jytabl"
	owner           = "bgs"
)

var noRE = lists.Pattern{RE: regexp.MustCompile(`^[0-9A-Za-z\p{Han}][0-9A-Za-z\p{Han}_.\-]*$`),
	Message: "编号只能由汉字、字母、数字和“-”“_”“.”组成"}

var yearRE = lists.Pattern{RE: regexp.MustCompile(`^20[0-9]{2}$`), Message: "年度应为四位年份，如 2025"}

// Sources are the 任务来源 of RECORDS §6.2.
var Sources = []catalog.Option{
	{Value: "work_report", Label: "年度政府工作报告"},
	{Value: "plan", Label: "规划"},
	{Value: "major", Label: "重大部署"},
	{Value: "assigned", Label: "上级交办"},
}

// Tasks are the execution tasks (RECORDS §6.2: 任务编号、任务名称、任务内容、任务来源、
// 牵头领导、牵头单位、配合单位、执行措施、实施步骤、完成时限、监督方式、取得成效、后续举措;
// the seven elements of the seed task are required). The progress entries
// are the Progress kind; the state is computed (State).
var Tasks = &lists.Kind{
	Code: "execution_tasks", Name: "重要部署执行任务",
	Intro:  "本栏围绕市政府工作报告分解给本机关的任务，按照“谁落实、谁公开”的原则，公开各项任务的执行措施、实施步骤、责任分工、监督方式，以及工作进展、取得成效和后续举措。",
	Basis:  "中办发〔2016〕8号（决策、执行、管理、服务、结果“五公开”）；国办发〔2016〕80号",
	Column: columnTasks, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "task_no", Label: "任务编号", Kind: catalog.Text, Required: true, Max: 40},
		{Name: "year", Label: "年度", Kind: catalog.Text, Required: true, Max: 4, Facet: true},
		{Name: "title", Label: "任务名称", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "content", Label: "任务内容", Kind: catalog.TextArea, Required: true, Max: 5000, Help: "引用政府工作报告的原文"},
		{Name: "source", Label: "任务来源", Kind: catalog.Select, Required: true, Options: Sources, Facet: true},
		{Name: "source_item", Label: "来源条目", Kind: catalog.Text, Max: 200, Help: "如 2025年市政府工作报告 第三部分第（五）项"},
		{Name: "lead_leader", Label: "牵头领导", Kind: catalog.Text, Max: 50},
		{Name: "lead_unit", Label: "牵头单位", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "co_units", Label: "配合单位", Kind: catalog.Text, Max: 500},
		{Name: "depts", Label: "填报科室", Kind: catalog.Text, Max: 200,
			Help: "负责落实、可以填报本任务工作进展的本机关科室（名称或简称，多个用“、”或逗号分隔，如 法制科、pfk）；留空的，按牵头单位名称对应科室"},
		{Name: "measures", Label: "执行措施", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "steps", Label: "实施步骤", Kind: catalog.TextArea, Required: true, Max: 5000, Help: "每行一个步骤，可写明完成时间，将据此生成步骤图"},
		{Name: "milestones", Label: "计划节点", Kind: catalog.TextArea, Max: 2000, Help: "每行一个：日期（YYYY-MM-DD）+ 空格 + 节点内容"},
		{Name: "starts_on", Label: "部署日期", Kind: catalog.Date, Required: true, Sortable: true},
		{Name: "due", Label: "完成时限", Kind: catalog.Date, Required: true, Sortable: true},
		{Name: "oversight", Label: "监督方式", Kind: catalog.TextArea, Required: true, Max: 2000, Help: "督查、考核、社会监督等"},
		{Name: "update_months", Label: "进展更新周期（月）", Kind: catalog.Integer, Help: "留空的，按系统设置（默认每季度）"},
		{Name: "results", Label: "取得成效", Kind: catalog.TextArea, Max: 5000},
		{Name: "next_steps", Label: "后续举措", Kind: catalog.TextArea, Max: 5000},
		{Name: "completed_on", Label: "完成日期", Kind: catalog.Date},
	},
	Key: []string{"task_no"}, Title: "title", Body: "lead_unit",
	ListCols: []string{"year", "source", "lead_unit", "due"},
	Sections: []lists.Section{
		{Title: "任务", Fields: []string{"task_no", "year", "title", "content", "source", "source_item"}},
		{Title: "责任分工", Fields: []string{"lead_leader", "lead_unit", "co_units", "depts"}},
		{Title: "执行措施和实施步骤", Fields: []string{"measures", "steps", "milestones", "starts_on", "due"}},
		{Title: "监督方式", Fields: []string{"oversight", "update_months"}},
		{Title: "成效和后续举措", Fields: []string{"results", "next_steps", "completed_on"}},
	},
	Patterns: map[string]lists.Pattern{"task_no": noRE, "year": yearRE},
	Flow:     "steps",
	Check:    checkTask,
}

// Progress are the dated progress entries of the tasks (RECORDS §6.2
// 工作进展 list<{date, text, percent?}>; platform note: an append-only
// timeline), each by the responsible department.
var Progress = &lists.Kind{
	Code: "execution_progress", Name: "重要部署执行进展",
	Intro:  "本栏按时间顺序公开各项任务的工作进展、取得成效和后续举措，由负责落实的单位填报。",
	Basis:  "“谁落实、谁公开”（临沂市司法局2021年政务公开重点任务第6项）",
	Column: columnTasks, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "task_no", Label: "任务编号", Kind: catalog.Text, Required: true, Max: 40, Facet: true},
		{Name: "reported_on", Label: "进展日期", Kind: catalog.Date, Required: true, Sortable: true},
		{Name: "summary", Label: "进展摘要", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "unit", Label: "填报单位", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "progress", Label: "工作进展", Kind: catalog.TextArea, Required: true, Max: 5000},
		{Name: "percent", Label: "完成进度（%）", Kind: catalog.Integer},
		{Name: "results", Label: "阶段成效", Kind: catalog.TextArea, Max: 5000},
		{Name: "next_steps", Label: "下步举措", Kind: catalog.TextArea, Max: 5000},
	},
	Key: []string{"task_no", "reported_on"}, Title: "summary", Body: "unit",
	ListCols: []string{"task_no", "reported_on", "unit", "percent"},
	Sections: []lists.Section{
		{Title: "进展", Fields: []string{"task_no", "reported_on", "summary", "unit", "percent"}},
		{Title: "内容", Fields: []string{"progress", "results", "next_steps"}},
	},
	Patterns: map[string]lists.Pattern{"task_no": noRE},
	Check:    checkProgress,
}

// ProposalKinds are the 类别 of RECORDS §7.5.
var ProposalKinds = []catalog.Option{
	{Value: "npc", Label: "人大代表建议"},
	{Value: "cppcc", Label: "政协委员提案"},
	{Value: "motion", Label: "议案转建议"},
}

// PublishModes are the 公开方式 of RECORDS §7.5 (全文 / 摘要 / 不公开;
// 国办发〔2014〕46号: summaries first, then full text [R81]).
var PublishModes = []catalog.Option{
	{Value: "full", Label: "全文公开"},
	{Value: "summary", Label: "摘要公开"},
	{Value: "withheld", Label: "不公开"},
}

// Consents are the proposer's answer on publication (Guangdong practice,
// RECORDS §7.2 [R84]).
var Consents = []catalog.Option{
	{Value: "agree", Label: "同意公开"},
	{Value: "disagree", Label: "不同意公开"},
	{Value: "not_asked", Label: "未征求"},
}

// Satisfactions are the 满意度 of the Shandong 征询意见表 (RECORDS §7.5).
var Satisfactions = []catalog.Option{
	{Value: "satisfied", Label: "满意"},
	{Value: "basic", Label: "基本满意"},
	{Value: "dissatisfied", Label: "不满意"},
}

// SecrecyResults are the conclusions of the secrecy review before
// publication (条例第十七条: review under the State Secrets Law before
// disclosure; 第十四、十五条 and RECORDS §7.2: partial disclosure when only
// parts touch secrets).
var SecrecyResults = []catalog.Option{
	{Value: "pass", Label: "同意公开"},
	{Value: "partial", Label: "删除不宜公开的内容后公开"},
	{Value: "refuse", Label: "不得公开"},
}

// Proposals are the suggestions and proposals with their replies (RECORDS
// §7.5). Proposers' names are published (they appear in reply titles);
// their contact details are no field at all (RECORDS §7.2). reply_due is
// derived from assigned_on (ReplyDue); a withheld reply shows no text.
var Proposals = &lists.Kind{
	Code: "proposal_replies", Name: "建议提案办理复文",
	Intro:  "本栏公开本机关承办的人大代表建议、政协委员提案的办理复文和办理结果。涉及国家秘密、商业秘密、个人隐私的内容不予公开；代表委员的联系方式不予公开。",
	Basis:  "国办发〔2014〕46号；《中华人民共和国全国人民代表大会和地方各级人民代表大会代表法》第五十一条；《山东省人民代表大会代表建议、批评和意见办理工作条例》第二十七条",
	Column: columnProposals, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "number", Label: "编号", Kind: catalog.Text, Required: true, Max: 40},
		{Name: "year", Label: "年度", Kind: catalog.Text, Required: true, Max: 4, Facet: true},
		{Name: "kind", Label: "类别", Kind: catalog.Select, Required: true, Options: ProposalKinds, Facet: true},
		{Name: "session", Label: "届次会议", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "title", Label: "标题", Kind: catalog.Text, Required: true, Max: 200},
		{Name: "proposer", Label: "提出人", Kind: catalog.Text, Required: true, Max: 200, Help: "领衔代表或提案者姓名；不得填写联系方式"},
		{Name: "lead_unit", Label: "主办单位", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "co_units", Label: "协办单位", Kind: catalog.Text, Max: 500},
		{Name: "assigned_on", Label: "交办日期", Kind: catalog.Date, Required: true, Sortable: true},
		{Name: "difficult", Label: "涉及面广、处理难度大", Kind: catalog.Bool, Help: "经交办机关同意延长至六个月内答复的，选“是”"},
		{Name: "reply_due", Label: "答复期限", Kind: catalog.Date, Help: "留空的，按交办日期自动计算"},
		{Name: "replied_on", Label: "答复日期", Kind: catalog.Date, Sortable: true},
		{Name: "reply_no", Label: "复文文号", Kind: catalog.Text, Max: 100},
		{Name: "result_class", Label: "办理结果分类", Kind: catalog.Select, Options: ResultClasses(), Facet: true},
		{Name: "reply_summary", Label: "复文摘要", Kind: catalog.TextArea, Max: 5000},
		{Name: "reply_text", Label: "复文全文", Kind: catalog.TextArea, Max: 50000},
		{Name: "publish_mode", Label: "公开方式", Kind: catalog.Select, Options: PublishModes, Facet: true},
		{Name: "withhold_reason", Label: "不公开理由", Kind: catalog.TextArea, Max: 1000},
		{Name: "proposer_consent", Label: "代表委员对公开的意见", Kind: catalog.Select, Options: Consents},
		{Name: "satisfaction", Label: "满意度", Kind: catalog.Select, Options: Satisfactions, Facet: true},
		{Name: "feedback", Label: "代表委员反馈意见", Kind: catalog.TextArea, Max: 2000},
		{Name: "published_on", Label: "复文公开日期", Kind: catalog.Date},
		// 解读 (RECORDS §7.2, §7.5 interpretation: replies on important
		// policies or major reforms come with interpretation material [R82][R84]).
		{Name: "interpretation", Label: "解读材料", Kind: catalog.Link, Help: "本站信息编号（涉及重要政策、重大改革的复文，请同步发布解读材料）"},
		// 再次答复 (RECORDS §7.5 second_reply, §7.3: a dissatisfied deputy's
		// item is re-handled and answered again within one month [R10a]).
		{Name: "feedback_on", Label: "收到反馈日期", Kind: catalog.Date, Help: "收到代表委员征询意见表的日期；不满意的，自该日起1个月内再次答复"},
		{Name: "second_replied_on", Label: "再次答复日期", Kind: catalog.Date},
		{Name: "second_reply_text", Label: "再次答复内容", Kind: catalog.TextArea, Max: 50000},
		{Name: "second_satisfaction", Label: "再次答复满意度", Kind: catalog.Select, Options: Satisfactions},
		// 列入计划: a reply that puts the matter in the work plan gives the
		// plan and its time frame (Shandong 条例第十八条, RECORDS §7.4), and
		// the unit replies again once the work is carried out (RECORDS §7.3
		// "Items in progress or planned: reply again after they are carried
		// out" [R10a]); the promised date is that reply's deadline.
		{Name: "plan_due", Label: "计划完成时间", Kind: catalog.Date, Help: "答复为列入计划（正在解决）的，填写答复中承诺的完成时间；落实后应再次答复"},
		{Name: "plan_replied_on", Label: "落实后答复日期", Kind: catalog.Date},
		{Name: "plan_reply_text", Label: "落实情况答复", Kind: catalog.TextArea, Max: 50000},
		// 交办不当 (RECORDS §7.3 [R10a]: a wrongly assigned item is reported
		// to the assigning body within 5 days of receipt, no self-transfer;
		// Shandong 条例, a provincial rule: Settings.MisassignedDays).
		{Name: "misassigned_on", Label: "提出交办不当日期", Kind: catalog.Date, Help: "认为不属于本机关职责的，应自收到之日起5日内向交办机关说明，不得自行转办"},
		{Name: "misassigned_reason", Label: "交办不当理由", Kind: catalog.TextArea, Max: 2000},
		{Name: "reassigned", Label: "交办机关已改交其他单位办理", Kind: catalog.Bool, Help: "交办机关同意并改交其他单位的，选“是”：本机关不再承担答复期限，不计入承办件数"},
		// 见面率 (RECORDS §7.5 总体情况 [R85][R86]): whether the unit met the
		// deputy or member face to face while handling the item.
		{Name: "met", Label: "与代表委员见面沟通", Kind: catalog.Bool, Help: "办理过程中与代表委员当面沟通的，选“是”（计入见面率）"},
		// 保密审查 before publication (条例第十七条, REFERENCE §1.2; RECORDS
		// §7.5 platform note (b); 国办发〔2014〕46号: 办理复文与公开同步审查).
		{Name: "secrecy_reviewer", Label: "保密审查人", Kind: catalog.Text, Max: 50},
		{Name: "secrecy_reviewed_on", Label: "保密审查日期", Kind: catalog.Date},
		{Name: "secrecy_result", Label: "保密审查结论", Kind: catalog.Select, Options: SecrecyResults},
	},
	Key: []string{"number"}, Title: "title", Body: "lead_unit",
	ListCols: []string{"kind", "session", "proposer", "result_class", "replied_on"},
	Sections: []lists.Section{
		{Title: "建议提案", Fields: []string{"number", "year", "kind", "session", "title", "proposer"}},
		{Title: "办理", Fields: []string{"lead_unit", "co_units", "assigned_on", "difficult", "reply_due", "replied_on"}},
		{Title: "复文", Fields: []string{"reply_no", "result_class", "reply_summary", "reply_text", "publish_mode", "withhold_reason", "published_on", "interpretation"}},
		{Title: "代表委员意见", Fields: []string{"proposer_consent", "satisfaction", "feedback", "feedback_on"}},
		{Title: "再次答复", Fields: []string{"second_replied_on", "second_reply_text", "second_satisfaction"}},
		{Title: "列入计划事项的落实", Fields: []string{"plan_due", "plan_replied_on", "plan_reply_text"}},
		{Title: "交办和沟通", Fields: []string{"misassigned_on", "misassigned_reason", "reassigned", "met"}},
		{Title: "保密审查", Fields: []string{"secrecy_reviewer", "secrecy_reviewed_on", "secrecy_result"}},
	},
	Patterns: map[string]lists.Pattern{"number": noRE, "year": yearRE},
	Check:    checkProposal,
	Derive:   deriveProposal,
	Redact:   redactProposal,
}

// CoOpinions are the co-handling units' opinions on the items (主办/协办:
// RECORDS §7.5 lead_unit, co_units; §7.3: a co-handler sends its opinion
// to the lead unit within one month of receipt [R10a]), recorded by the
// co-handling unit itself (FileCoOpinion). The opinion is a working
// document between the units, process information that 条例第十六条第二款
// lets withhold (optional: Settings.PublishCoOpinionText): by default the
// public sees which units co-handled an item and when they answered, not
// the text (redactCoOpinion); the reply letter is what is published.
var CoOpinions = &lists.Kind{
	Code: "proposal_co_opinions", Name: "建议提案协办意见",
	Intro:  coOpinionIntro[false],
	Basis:  "《山东省人民代表大会代表建议、批评和意见办理工作条例》：协办单位应当自收到建议之日起一个月内将协办意见告知主办单位",
	Column: columnProposals, Owner: owner, UpdateDays: 365,
	Fields: []catalog.Field{
		{Name: "number", Label: "建议提案编号", Kind: catalog.Text, Required: true, Max: 40, Facet: true},
		{Name: "co_unit", Label: "协办单位", Kind: catalog.Text, Required: true, Max: 100, Facet: true},
		{Name: "received_on", Label: "协办单位收到日期", Kind: catalog.Date, Required: true},
		{Name: "sent_on", Label: "送主办单位日期", Kind: catalog.Date},
		{Name: "opinion", Label: "协办意见", Kind: catalog.TextArea, Max: 20000, Help: "不对外公开"},
	},
	Key: []string{"number", "co_unit"}, Title: "co_unit", Body: "co_unit",
	ListCols: []string{"number", "received_on", "sent_on"},
	Sections: []lists.Section{
		{Title: "协办", Fields: []string{"number", "co_unit", "received_on", "sent_on"}},
	},
	Patterns: map[string]lists.Pattern{"number": noRE},
	Check:    checkCoOpinion,
	Redact:   redactCoOpinion,
}

func init() {
	lists.Register(Tasks)
	lists.Register(Progress)
	lists.Register(Proposals)
	lists.Register(CoOpinions)
}
