package execution

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/lists"
)

// The synthetic site's execution tasks, progress entries and proposal
// replies (gongkai seed --synthetic N): N/100 tasks over the six years
// before the build's, each with a progress entry per quarter until done,
// and N/50 suggestions and proposals, most answered and published, with
// their secrecy reviews, further and second replies and co-handlers'
// opinions (addSynthFollowUps). A busy
// city bureau has 10–30 tasks and 50–150 items a year; these are ~100×.

func init() { synthetic.Register("execution", generate) }

var synthUnits = []string{"办公室", "法制科", "普法与依法治理科", "行政执法协调监督科", "公共法律服务管理科"}
var synthDepts = []string{"bgs", "fzk", "pfk", "zfk", "ggk"}

var synthVerbs = []string{"深化", "推进", "完善", "提升", "健全", "优化", "规范", "加强"}
var synthObjects = []string{"法治政府建设", "行政复议体制改革", "公共法律服务体系", "普法责任制", "行政执法监督", "涉企合规指导", "人民调解", "社区矫正信息化", "律师行业管理", "公证服务"}

func generate(ctx context.Context, s *synthetic.Site) error {
	ls := &lists.Service{DB: s.Catalog.DB, Catalog: s.Catalog}
	r := s.Rand("execution")
	last := s.Today.Year - 1
	if last < 2020 {
		last = 2025
	}
	nTasks := max(s.N/100, 8)
	var tasks, progress []map[string]string
	for i := 0; i < nTasks; i++ {
		year := last - i%6
		u := r.IntN(len(synthUnits))
		no := fmt.Sprintf("%d-%04d", year, i/6+1)
		starts := calendar.Date{Year: year, Month: 1 + calendarMonth(r.IntN(3)), Day: 1 + r.IntN(28)}
		due := calendar.Date{Year: year, Month: 12, Day: 31}
		done := ""
		results := ""
		if r.IntN(10) < 8 {
			done = calendar.Date{Year: year, Month: 11 + calendarMonth(r.IntN(2)), Day: 1 + r.IntN(28)}.String()
			results = "任务按期完成，形成制度成果 " + fmt.Sprint(1+r.IntN(9)) + " 项。"
		}
		title := synthVerbs[r.IntN(len(synthVerbs))] + synthObjects[r.IntN(len(synthObjects))]
		tasks = append(tasks, map[string]string{"task_no": no, "year": fmt.Sprint(year), "title": title, "content": "政府工作报告原文：" + title + "。",
			"source": "work_report", "source_item": fmt.Sprintf("%d年市政府工作报告 第%d部分", year, 1+r.IntN(6)), "lead_unit": synthUnits[u], "depts": synthDepts[u],
			"measures": "建立工作台账，明确责任人和完成时限。", "steps": "一季度 制定方案\n二季度 组织实施\n三季度 督导推进\n四季度 总结验收",
			"starts_on": starts.String(), "due": due.String(), "oversight": "纳入督查台账，每季度调度。", "completed_on": done, "results": results, "next_steps": "巩固成果。"})
		for q := 1; q <= 4; q++ {
			on := calendar.Date{Year: year, Month: calendarMonth(q * 3), Day: 25}
			if done != "" && on.String() > done {
				break
			}
			progress = append(progress, map[string]string{"task_no": no, "reported_on": on.String(), "summary": fmt.Sprintf("%s第%d季度进展", title, q),
				"unit": synthUnits[u], "progress": "按计划推进各项措施。", "percent": fmt.Sprint(q * 25), "next_steps": "按计划推进后续步骤。"})
		}
	}
	if _, err := ls.LoadEdition(ctx, s.Site.ID, Tasks, "synthetic", "合成数据", tasks); err != nil {
		return err
	}
	if _, err := ls.LoadEdition(ctx, s.Site.ID, Progress, "synthetic", "合成数据", progress); err != nil {
		return err
	}
	props, cos := synthProposals(r, max(s.N/50, 16), last)
	if _, err := ls.LoadEdition(ctx, s.Site.ID, Proposals, "synthetic", "合成数据", props); err != nil {
		return err
	}
	_, err := ls.LoadEdition(ctx, s.Site.ID, CoOpinions, "synthetic", "合成数据", cos)
	return err
}

// synthCo are the co-handling units of the synthetic items: other
// municipal bodies, and two of the bureau's own sections.
var synthCo = []string{"市财政局", "市人力资源和社会保障局", "市民政局", "市教育局", "法制科", "公共法律服务管理科"}

// addSynthFollowUps gives a synthetic replied item what follows its reply,
// in shares like the published yearly reports (RECORDS §7.5 [R85][R86]):
// the secrecy review before publication (every published reply); 见面率
// about 90%; a planned (B) reply's further reply once carried out for
// about 80% of them; about 4% found unsatisfactory, most answered again; a
// third with one or two co-handlers, each opinion within the month; about
// 1% reported as wrongly assigned within the 5 days.
func addSynthFollowUps(r interface{ IntN(int) int }, v map[string]string, replied calendar.Date, co []string, cos *[]map[string]string) {
	assigned := calendar.Day(v["assigned_on"])
	v["secrecy_reviewer"], v["secrecy_reviewed_on"], v["secrecy_result"] = "保密员"+fmt.Sprint(1+r.IntN(3)), replied.String(), "pass"
	if r.IntN(10) < 9 {
		v["met"] = "1"
	}
	if Planned(v["result_class"]) {
		due := calendar.Date{Year: replied.Year, Month: 12, Day: 31}
		v["plan_due"] = due.String()
		if r.IntN(10) < 8 {
			on := due.AddDays(-r.IntN(40))
			v["plan_replied_on"], v["plan_reply_text"] = on.String(), "列入计划的事项已落实，现将落实情况答复如下：……"
		}
	}
	if r.IntN(100) < 4 {
		fb := replied.AddDays(10 + r.IntN(20))
		v["satisfaction"], v["feedback_on"], v["feedback"] = "dissatisfied", fb.String(), "希望进一步明确落实时间。"
		if r.IntN(10) < 9 {
			v["second_replied_on"], v["second_reply_text"], v["second_satisfaction"] = fb.AddDays(5+r.IntN(20)).String(), "根据您的反馈意见，经重新研究，现再次答复如下：……", "basic"
		}
	}
	if r.IntN(100) < 1 {
		v["misassigned_on"], v["misassigned_reason"] = assigned.AddDays(1+r.IntN(4)).String(), "部分内容属于其他部门职责，已向交办机关说明，由本机关办理其余部分。"
	}
	if r.IntN(3) == 0 {
		n := 1 + r.IntN(2)
		first := r.IntN(len(co))
		var units []string
		for j := 0; j < n; j++ {
			u := co[(first+j)%len(co)]
			units = append(units, u)
			rec := assigned.AddDays(1 + r.IntN(3))
			*cos = append(*cos, map[string]string{"number": v["number"], "co_unit": u, "received_on": rec.String(),
				"sent_on": rec.AddDays(10 + r.IntN(25)).String(), "opinion": u + "的协办意见：……"})
		}
		v["co_units"] = strings.Join(units, "、")
	}
}

func calendarMonth(n int) time.Month { return time.Month(n) }

// synthProposals are n synthetic suggestions and proposals over the six
// years up to last, with their co-handlers' opinions.
func synthProposals(r *rand.Rand, nProps, last int) (props, cos []map[string]string) {
	kinds := []string{"npc", "cppcc", "npc", "cppcc", "motion"}
	classes := []string{"A", "A", "B", "B", "C"}
	for i := 0; i < nProps; i++ {
		year := last - i%6
		kind := kinds[r.IntN(len(kinds))]
		assigned := calendar.Date{Year: year, Month: 3, Day: 10 + r.IntN(5)}
		replied := AddMonths(assigned, 2).AddDays(r.IntN(40))
		v := map[string]string{"number": fmt.Sprintf("%d-%05d", year, i/6+1), "year": fmt.Sprint(year), "kind": kind, "session": fmt.Sprintf("%d年市人民代表大会会议", year),
			"title":    "关于" + synthObjects[r.IntN(len(synthObjects))] + "的" + map[string]string{"npc": "建议", "cppcc": "提案", "motion": "议案转建议"}[kind],
			"proposer": "代表" + fmt.Sprint(1+r.IntN(500)), "lead_unit": synthUnits[r.IntN(len(synthUnits))], "assigned_on": assigned.String(),
			"replied_on": replied.String(), "reply_no": fmt.Sprintf("复〔%d〕%d号", year, i/6+1), "result_class": classes[r.IntN(len(classes))],
			"publish_mode": "full", "reply_text": "您提出的建议收悉，现答复如下：……", "reply_summary": "已采纳并部署落实。",
			"published_on": replied.AddDays(7).String(), "proposer_consent": "agree", "satisfaction": []string{"satisfied", "basic", "satisfied"}[r.IntN(3)]}
		addSynthFollowUps(r, v, replied, synthCo, &cos)
		props = append(props, v)
	}
	return props, cos
}
