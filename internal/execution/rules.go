package execution

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
)

// Settings are the rules RECORDS leaves open (UNVERIFIED there), set at
// start-up (cmd/gongkai flags) rather than hard-coded.
type Settings struct {
	// UpdateMonths is the default period within which a task in progress
	// must get a progress entry: no national interval was found (RECORDS
	// §6.2 "Cadence", UNVERIFIED); quarterly is the platform's safe default.
	UpdateMonths int
	// ReplyMonths and DifficultMonths are the reply periods from 交办:
	// 代表法第五十一条 (3 months; 6 for broad or difficult ones), the same in
	// the Shandong 条例 (RECORDS §7.3 [R10][R10a]). The CPPCC rules were not
	// read (UNVERIFIED; practice uses the same 3 months), so both are
	// settings and apply to proposals too.
	ReplyMonths, DifficultMonths int
	// PublishWorkdays is the period for publishing a reply after replying:
	// Anhui's 20 working days (RECORDS §7.3 [R82], a provincial rule).
	PublishWorkdays int
	// SecondReplyMonths is the period for answering again after a
	// dissatisfied evaluation: one month (Shandong 条例, RECORDS §7.3 [R10a]).
	SecondReplyMonths int
	// CoOpinionMonths is the period for a co-handler's opinion to the lead
	// unit: one month from receipt (Shandong 条例, RECORDS §7.3 [R10a]).
	CoOpinionMonths int
	// MisassignedDays is the period within which a wrongly assigned item
	// (交办不当) is reported to the assigning body: 5 days of receipt, in
	// calendar days (日, RECORDS §0.1), between sessions (Shandong 条例,
	// RECORDS §7.3 [R10a], a provincial rule: a setting).
	MisassignedDays int
	// PublishCoOpinionText publishes the co-handlers' opinion texts. An
	// opinion is a consultation letter between units, process information
	// (过程性信息) that 条例第十六条第二款 lets an agency withhold unless a
	// law, regulation or rule requires disclosure (REFERENCE §1.2: "may
	// withhold", optional); the Shandong 条例第二十七条 requires the
	// suggestions, replies and the deputies' feedback public, not the
	// co-handlers' opinions (RECORDS §7.1). Withholding is therefore a
	// choice of the site, off by default.
	PublishCoOpinionText bool
	// Scheme is the result classification (RECORDS §7.4: the letters vary
	// by place): "abc" (Zhejiang), "abcd" (Henan) or "jyb" (甲乙丙, Qinyang).
	Scheme string
}

// Config is the running site's settings (cmd/gongkai sets it before any
// request; tests keep the defaults).
var Config = Settings{UpdateMonths: 3, ReplyMonths: 3, DifficultMonths: 6, PublishWorkdays: 20, SecondReplyMonths: 1, CoOpinionMonths: 1, MisassignedDays: 5, Scheme: "abc"}

// PlannedClasses are, per scheme, the result classes whose reply puts the
// matter in the work plan or under way (RECORDS §7.4: abc's B 部分解决或已
// 列入计划解决; abcd's B 正在解决 and C 已列入规划计划; 甲乙丙's 乙 正在解决以及
// 列入计划): such a reply gives its time frame and is followed by a further
// reply once the work is carried out (RECORDS §7.3 [R10a]).
var PlannedClasses = map[string][]string{"abc": {"B"}, "abcd": {"B", "C"}, "jyb": {"B"}}

// Planned says whether class is a planned class of the configured scheme.
func Planned(class string) bool {
	return class != "" && slices.Contains(PlannedClasses[Config.Scheme], class)
}

// Reviewed says whether a reply passed the secrecy review before
// publication (条例第十七条; RECORDS §7.5 note (b)): reviewer, date and a
// conclusion that allows publication.
func Reviewed(v map[string]string) bool {
	return strings.TrimSpace(v["secrecy_reviewer"]) != "" && v["secrecy_reviewed_on"] != "" &&
		(v["secrecy_result"] == "pass" || v["secrecy_result"] == "partial")
}

// Schemes are the classification schemes of RECORDS §7.4.
var Schemes = map[string][]catalog.Option{
	"abc": {
		{Value: "A", Label: "A类（已经解决或基本解决）"},
		{Value: "B", Label: "B类（部分解决或已列入计划解决）"},
		{Value: "C", Label: "C类（因受条件限制留作参考或不可行）"},
	},
	"abcd": {
		{Value: "A", Label: "A类（已解决或基本解决）"},
		{Value: "B", Label: "B类（正在解决或有关工作已启动）"},
		{Value: "C", Label: "C类（已列入规划计划逐步解决）"},
		{Value: "D", Label: "D类（因条件限制暂时难以解决、留作参考）"},
	},
	"jyb": {
		{Value: "A", Label: "甲类（已经解决或基本解决）"},
		{Value: "B", Label: "乙类（正在解决以及列入计划逐步解决）"},
		{Value: "C", Label: "丙类（暂时不能解决）"},
	},
}

// ResultClasses are the options of the configured scheme.
func ResultClasses() []catalog.Option { return Schemes[Config.Scheme] }

// UseScheme switches the classification scheme (at start-up, before
// serving): the proposals' result_class options follow it.
func UseScheme(code string) error {
	opts, ok := Schemes[code]
	if !ok {
		return fmt.Errorf("unknown result classification scheme %q (abc, abcd, jyb)", code)
	}
	Config.Scheme = code
	for i := range Proposals.Fields {
		if Proposals.Fields[i].Name == "result_class" {
			Proposals.Fields[i].Options = opts
		}
	}
	return nil
}

// AddMonths is the last day of a period of n calendar months starting
// after d: the day with the same number n months later, or the month's
// last day when it has none (民法典第二百零二条). RECORDS §7.5 note (a):
// the reply clock runs in calendar months, not working days.
func AddMonths(d calendar.Date, n int) calendar.Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return calendar.Date{Year: first.Year(), Month: first.Month(), Day: min(d.Day, last)}
}

// ReplyDue is the last day to reply to an item assigned on assigned: 3
// months (6 when difficult), moved to the next working day when it is a
// day off (民法典第二百零三条, calendar.AddDays).
func ReplyDue(cal *calendar.Calendar, assigned calendar.Date, difficult bool) calendar.Date {
	n := Config.ReplyMonths
	if difficult {
		n = Config.DifficultMonths
	}
	d := AddMonths(assigned, n)
	if cal != nil {
		d = cal.AddDays(d, 0)
	}
	return d
}

// PublishDue is the last day to publish a reply sent on replied.
func PublishDue(cal *calendar.Calendar, replied calendar.Date) calendar.Date {
	return cal.AddWorkdays(replied, Config.PublishWorkdays)
}

// UpdateDue is the last day for a task's next progress entry after last.
func UpdateDue(task map[string]string, last calendar.Date) calendar.Date {
	n := Config.UpdateMonths
	if m := atoi(task["update_months"]); m > 0 {
		n = m
	}
	return AddMonths(last, n)
}

func checkTask(v map[string]string) map[string]string {
	bad := map[string]string{}
	if v["due"] < v["starts_on"] {
		bad["due"] = "完成时限不能早于部署日期"
	}
	if c := v["completed_on"]; c != "" && c < v["starts_on"] {
		bad["completed_on"] = "完成日期不能早于部署日期"
	}
	if c := v["completed_on"]; c != "" && v["results"] == "" {
		bad["results"] = "任务已完成的，请填写取得成效"
	}
	if m := v["update_months"]; m != "" && (atoi(m) < 1 || atoi(m) > 12) {
		bad["update_months"] = "进展更新周期应在 1 到 12 个月之间"
	}
	for i, l := range lines(v["milestones"]) {
		if _, _, ok := milestone(l); !ok {
			bad["milestones"] = fmt.Sprintf("第 %d 行应以日期（YYYY-MM-DD）开头，后接空格和节点内容", i+1)
			break
		}
	}
	return bad
}

func checkProgress(v map[string]string) map[string]string {
	bad := map[string]string{}
	if p := v["percent"]; p != "" && (atoi(p) < 0 || atoi(p) > 100) {
		bad["percent"] = "完成进度应在 0 到 100 之间"
	}
	return bad
}

func checkProposal(v map[string]string) map[string]string {
	bad := map[string]string{}
	if r := v["replied_on"]; r != "" {
		if r < v["assigned_on"] {
			bad["replied_on"] = "答复日期不能早于交办日期"
		}
		if v["result_class"] == "" {
			bad["result_class"] = "已答复的，请选择办理结果分类"
		}
		if v["publish_mode"] == "" {
			bad["publish_mode"] = "已答复的，请选择公开方式（办理复文与公开同步审查）"
		}
	} else {
		for _, n := range []string{"reply_no", "result_class", "reply_text", "reply_summary", "published_on"} {
			if v[n] != "" {
				bad[n] = "尚未答复的，请先填写答复日期"
				break
			}
		}
	}
	switch v["publish_mode"] {
	case "full":
		if v["reply_text"] == "" {
			bad["reply_text"] = "全文公开的，请填写复文全文"
		}
	case "summary":
		if v["reply_summary"] == "" {
			bad["reply_summary"] = "摘要公开的，请填写复文摘要"
		}
	case "withheld":
		if strings.TrimSpace(v["withhold_reason"]) == "" {
			// Guangdong practice (RECORDS §7.2): reasons when not published.
			bad["withhold_reason"] = "不公开的，请说明理由"
		}
		if v["published_on"] != "" {
			bad["published_on"] = "不公开的复文没有公开日期"
		}
	}
	if v["withhold_reason"] != "" && v["publish_mode"] != "withheld" {
		bad["withhold_reason"] = "只有不公开的复文填写不公开理由"
	}
	if p := v["published_on"]; p != "" && p < v["replied_on"] {
		bad["published_on"] = "公开日期不能早于答复日期"
	}
	if d := v["reply_due"]; d != "" && d < v["assigned_on"] {
		bad["reply_due"] = "答复期限不能早于交办日期"
	}
	checkPlan(v, bad)
	checkMisassigned(v, bad)
	checkSecrecy(v, bad)
	// 再次答复: only after a dissatisfied evaluation of the reply (RECORDS §7.3).
	if f := v["feedback_on"]; f != "" {
		if v["satisfaction"] == "" {
			bad["satisfaction"] = "填写了收到反馈日期的，请选择满意度"
		}
		if r := v["replied_on"]; r != "" && f < r {
			bad["feedback_on"] = "收到反馈日期不能早于答复日期"
		}
	}
	if v["second_replied_on"] != "" || v["second_reply_text"] != "" || v["second_satisfaction"] != "" {
		switch {
		case v["satisfaction"] != "dissatisfied":
			bad["second_replied_on"] = "代表委员对答复不满意的，才需再次答复"
		case v["feedback_on"] == "":
			bad["feedback_on"] = "再次答复的，请填写收到反馈日期"
		case v["second_replied_on"] == "":
			bad["second_replied_on"] = "请填写再次答复日期"
		case v["second_replied_on"] < v["feedback_on"]:
			bad["second_replied_on"] = "再次答复日期不能早于收到反馈日期"
		}
	}
	return bad
}

// checkPlan: a planned reply gives its time frame; the reply after the
// work is carried out comes after the first reply (RECORDS §7.3, §7.4).
func checkPlan(v, bad map[string]string) {
	planned := v["replied_on"] != "" && Planned(v["result_class"])
	if planned && v["plan_due"] == "" {
		bad["plan_due"] = "答复为列入计划（正在解决）的，请填写答复中承诺的计划完成时间"
	}
	if !planned && (v["plan_due"] != "" || v["plan_replied_on"] != "" || v["plan_reply_text"] != "") {
		bad["plan_due"] = "只有答复为列入计划（正在解决）的建议提案，才填写计划完成时间和落实后答复"
		return
	}
	if p := v["plan_due"]; p != "" && p < v["replied_on"] {
		bad["plan_due"] = "计划完成时间不能早于答复日期"
	}
	switch on := v["plan_replied_on"]; {
	case on == "" && v["plan_reply_text"] != "":
		bad["plan_replied_on"] = "填写了落实情况答复的，请填写落实后答复日期"
	case on != "" && on < v["replied_on"]:
		bad["plan_replied_on"] = "落实后答复日期不能早于首次答复日期"
	case on != "" && strings.TrimSpace(v["plan_reply_text"]) == "":
		bad["plan_reply_text"] = "请填写落实情况答复"
	}
}

// checkMisassigned: a report of a wrong assignment has its reason and
// comes after the assignment. Whether it came within MisassignedDays
// (RECORDS §7.3 [R10a]) needs the calendar (a period ending on a day off
// runs to the next working day, 民法典第二百零三条), which a row check does
// not have: the deadline engine judges it (RuleMisassigned), and the
// self-inspection reports a late one — the date is a fact to record, not
// refuse.
func checkMisassigned(v, bad map[string]string) {
	on := v["misassigned_on"]
	if on == "" {
		if v["misassigned_reason"] != "" || v["reassigned"] == "1" {
			bad["misassigned_on"] = "填写了交办不当理由或改交办的，请填写提出交办不当日期"
		}
		return
	}
	if v["reassigned"] == "1" && v["replied_on"] != "" {
		bad["reassigned"] = "已改交其他单位办理的，本机关不再答复；已答复的请选“否”"
	}
	if strings.TrimSpace(v["misassigned_reason"]) == "" {
		bad["misassigned_reason"] = "请说明交办不当的理由"
	}
	a := calendar.Day(v["assigned_on"])
	switch d := calendar.Day(on); {
	case a.IsZero():
	case d.Before(a):
		bad["misassigned_on"] = "提出交办不当日期不能早于交办日期"
	}
}

// checkSecrecy: a reply is published only after the secrecy review
// (条例第十七条; RECORDS §7.5 note (b)); one the review refuses is withheld.
func checkSecrecy(v, bad map[string]string) {
	any := v["secrecy_reviewer"] != "" || v["secrecy_reviewed_on"] != "" || v["secrecy_result"] != ""
	if any {
		for _, n := range []string{"secrecy_reviewer", "secrecy_reviewed_on", "secrecy_result"} {
			if strings.TrimSpace(v[n]) == "" {
				bad[n] = "保密审查应记录审查人、审查日期和审查结论"
			}
		}
	}
	if v["publish_mode"] != "withheld" && v["published_on"] != "" && !Reviewed(v) {
		bad["published_on"] = "复文公开前应当进行保密审查，请填写保密审查人、审查日期和审查结论（同意公开或删除不宜公开的内容后公开）"
	}
	if v["secrecy_result"] == "refuse" && v["publish_mode"] != "" && v["publish_mode"] != "withheld" {
		bad["publish_mode"] = "保密审查结论为不得公开的，公开方式应为不公开"
	}
	if r, p := v["secrecy_reviewed_on"], v["published_on"]; r != "" && p != "" && r > p {
		bad["secrecy_reviewed_on"] = "保密审查日期不能晚于公开日期"
	}
}

// SecondReplyDue is the last day to answer again an item whose reply the
// deputy found unsatisfactory (feedback received on feedback): one
// calendar month (RECORDS §7.3 [R10a]), moved off a day off by cal.
func SecondReplyDue(cal *calendar.Calendar, feedback calendar.Date) calendar.Date {
	d := AddMonths(feedback, Config.SecondReplyMonths)
	if cal != nil {
		d = cal.AddDays(d, 0)
	}
	return d
}

func deriveProposal(v map[string]string) {
	if v["reply_due"] == "" {
		if d := calendar.Day(v["assigned_on"]); !d.IsZero() {
			// Without the calendar here: the day-off move is applied when
			// the deadline is evaluated (Service.Proposals).
			v["reply_due"] = min(AddMonths(d, months(v)).String(), catalog.DefaultMaxDate)
		}
	}
}

func months(v map[string]string) int {
	if v["difficult"] == "1" {
		return Config.DifficultMonths
	}
	return Config.ReplyMonths
}

// redactProposal: a withheld reply shows neither text nor summary, a
// summary-only reply no full text (国办发〔2014〕46号; RECORDS §7.2); the
// reason for withholding stays public.
// A reply without a passed secrecy review shows no text at all (条例第十七条).
func redactProposal(v map[string]string) map[string]string {
	mode := v["publish_mode"]
	if !Reviewed(v) {
		mode = "withheld"
	}
	switch mode {
	case "withheld":
		delete(v, "reply_text")
		delete(v, "reply_summary")
		delete(v, "second_reply_text")
		delete(v, "plan_reply_text")
	case "summary":
		// The further replies are full texts: published with full-text replies.
		delete(v, "reply_text")
		delete(v, "second_reply_text")
		delete(v, "plan_reply_text")
	}
	return v
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// milestone splits a "YYYY-MM-DD text" line.
func milestone(l string) (calendar.Date, string, bool) {
	day, text, _ := strings.Cut(l, " ")
	d, err := calendar.Parse(day)
	if err != nil || strings.TrimSpace(text) == "" {
		return calendar.Date{}, "", false
	}
	return d, strings.TrimSpace(text), true
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 1e6 {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	if s == "" {
		return 0
	}
	return n
}

func checkCoOpinion(v map[string]string) map[string]string {
	bad := map[string]string{}
	if d := v["sent_on"]; d != "" {
		if d < v["received_on"] {
			bad["sent_on"] = "送主办单位日期不能早于收到日期"
		}
		if strings.TrimSpace(v["opinion"]) == "" {
			bad["opinion"] = "已送主办单位的，请填写协办意见"
		}
	} else if v["opinion"] != "" {
		bad["sent_on"] = "填写了协办意见的，请填写送主办单位日期"
	}
	return bad
}

// redactCoOpinion: the public sees the units and dates, not the opinion
// (CoOpinions).
func redactCoOpinion(v map[string]string) map[string]string {
	if !Config.PublishCoOpinionText {
		delete(v, "opinion")
	}
	return v
}

// PublishCoOpinions sets Settings.PublishCoOpinionText (at start-up,
// before serving) and the co-opinion list's introduction with it.
func PublishCoOpinions(on bool) {
	Config.PublishCoOpinionText = on
	CoOpinions.Intro = coOpinionIntro[on]
}

var coOpinionIntro = map[bool]string{
	false: "本栏公开本机关主办的建议提案的协办单位及其向主办单位提出协办意见的时间。协办意见由主办单位在答复中统筹吸收，意见原文属于办理过程中的工作文书，不予公开。",
	true:  "本栏公开本机关主办的建议提案的协办单位、其向主办单位提出协办意见的时间和协办意见。协办意见由主办单位在答复中统筹吸收。",
}

// MisassignedDue is the last day to report a wrong assignment of an item
// assigned on assigned (MisassignedDays calendar days), moved off a day
// off by cal (民法典第二百零三条).
func MisassignedDue(cal *calendar.Calendar, assigned calendar.Date) calendar.Date {
	d := assigned.AddDays(Config.MisassignedDays)
	if cal != nil {
		d = cal.AddDays(d, 0)
	}
	return d
}

// CoOpinionDue is the last day for a co-handler's opinion on an item it
// received on received: one calendar month (RECORDS §7.3 [R10a]), moved
// off a day off by cal.
func CoOpinionDue(cal *calendar.Calendar, received calendar.Date) calendar.Date {
	d := AddMonths(received, Config.CoOpinionMonths)
	if cal != nil {
		d = cal.AddDays(d, 0)
	}
	return d
}
