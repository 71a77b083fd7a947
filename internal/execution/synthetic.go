package execution

import (
	"context"
	"fmt"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/lists"
)

// The synthetic site's execution tasks, progress entries and proposal
// replies (gongkai seed --synthetic N): N/100 tasks over the six years
// before the build's, each with a progress entry per quarter until done,
// and N/50 suggestions and proposals, most answered and published. A busy
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
	nProps := max(s.N/50, 16)
	kinds := []string{"npc", "cppcc", "npc", "cppcc", "motion"}
	classes := []string{"A", "A", "B", "B", "C"}
	var props []map[string]string
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
		props = append(props, v)
	}
	_, err := ls.LoadEdition(ctx, s.Site.ID, Proposals, "synthetic", "合成数据", props)
	return err
}

func calendarMonth(n int) time.Month { return time.Month(n) }
