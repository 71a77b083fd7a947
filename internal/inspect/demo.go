package inspect

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/lists"
)

// The demo: the 临沂市司法局's 2025 random inspections of law firms and
// notary offices (REFERENCE §8 justice-sector targets and ratios; the
// ratios follow the published examples, Zhengzhou 10% of law firms [S69]
// and notary offices by count). Names and codes are made up; the draw is
// a real one over them, verifiable with scripts/verify-draw.

var demoItems = []map[string]string{
	{"code": "SSJ-LS-01", "category": "律师行业监管", "item": "律师事务所执业活动检查", "target_type": "律师事务所", "item_class": "一般检查事项",
		"inspecting_body": "临沂市司法局", "unit": "律师工作管理科",
		"basis":   "《中华人民共和国律师法》第五十二条；《律师事务所管理办法》第六十三条",
		"content": "律师事务所执业许可条件保持情况、内部管理制度执行情况、律师执业行为规范情况、收费及财务管理情况。", "method": "现场检查、案卷评查"},
	{"code": "SSJ-GZ-01", "category": "公证行业监管", "item": "公证机构执业活动检查", "target_type": "公证机构", "item_class": "一般检查事项",
		"inspecting_body": "临沂市司法局", "unit": "公共法律服务管理科",
		"basis":   "《中华人民共和国公证法》第五条；《公证机构执业管理办法》第三十条",
		"content": "公证机构执业场所、公证员配备、公证程序执行、档案管理和收费情况。", "method": "现场检查、案卷评查"},
	{"code": "SSJ-JC-01", "category": "基层法律服务监管", "item": "基层法律服务所执业活动检查", "target_type": "基层法律服务所", "item_class": "一般检查事项",
		"inspecting_body": "临沂市司法局", "unit": "公共法律服务管理科",
		"basis": "《基层法律服务所管理办法》第二十八条", "content": "基层法律服务所执业登记、业务范围、收费和档案管理情况。", "method": "书面检查、现场检查"},
	{"code": "SSJ-JD-01", "category": "司法鉴定监管", "item": "司法鉴定机构执业活动检查", "target_type": "司法鉴定机构", "item_class": "重点检查事项",
		"inspecting_body": "临沂市司法局", "unit": "公共法律服务管理科",
		"basis":   "《全国人民代表大会常务委员会关于司法鉴定管理问题的决定》第十三条；《司法鉴定机构登记管理办法》第三十七条",
		"content": "司法鉴定机构资质条件、仪器设备、鉴定程序和鉴定文书质量。", "method": "现场检查、案卷评查"},
}

var demoDistricts = []string{"兰山区", "罗庄区", "河东区", "沂南县", "郯城县", "沂水县", "兰陵县", "费县", "平邑县", "莒南县", "蒙阴县", "临沭县"}

var demoFirmNames = []string{"沂蒙", "琅琊", "金雀山", "银雀山", "沂州", "蒙山", "沂河", "祊河", "凤凰岭", "书圣", "泉城路", "启阳",
	"临港", "兴业", "正泰", "德润", "信和", "明鉴", "弘毅", "致远", "诚信", "卓衡", "恒正", "智诚"}

func demoTargets() []map[string]string {
	var out []map[string]string
	for i, n := range demoFirmNames {
		st := "正常"
		if i == 7 {
			st = "已注销" // not drawn: only 正常 targets enter a draw
		}
		out = append(out, map[string]string{"code": fmt.Sprintf("31370000MD%07dX", 410+i*37), "name": "山东" + n + "律师事务所", "target_type": "律师事务所",
			"address": "临沂市" + demoDistricts[i%len(demoDistricts)] + "（示例地址）", "district": demoDistricts[i%len(demoDistricts)], "risk_level": "一般风险", "status": st,
			"source": "山东省律师行业管理信息系统"})
	}
	for i, d := range []string{"兰山区", "罗庄区", "河东区", "沂南县", "郯城县", "沂水县"} {
		out = append(out, map[string]string{"code": fmt.Sprintf("12371300MB%07dY", 280+i*11), "name": "山东省临沂市" + d + "公证处", "target_type": "公证机构",
			"address": "临沂市" + d + "（示例地址）", "district": d, "risk_level": "低风险", "status": "正常", "source": "全国公证管理系统"})
	}
	return out
}

var demoInspectorNames = []string{"王建军", "李红梅", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "孙丽", "周强", "吴敏", "郑浩", "冯雪"}

func demoInspectors(targets []map[string]string) []map[string]string {
	var out []map[string]string
	for i, n := range demoInspectorNames {
		unit := "律师工作管理科"
		if i >= 8 {
			unit = "公共法律服务管理科"
		}
		r := map[string]string{"cert_no": fmt.Sprintf("3713%08d", 25010+i), "name": n, "unit": unit, "category": "司法行政", "specialty": "律师、公证监管", "status": "在岗"}
		if i == 3 {
			r["status"] = "不可用"
			r["remark"] = "2025年借调市委政法委"
		}
		if i == 1 {
			// Her spouse practises at the first firm: she recuses herself.
			r["conflicts"] = targets[0]["code"]
		}
		out = append(out, r)
	}
	return out
}

// LoadDemo publishes the registries and carries out the 2025 plans: plans
// made in the first quarter (Guangyuan 2020: "当年一季度制定当年检查初步计划",
// RECORDS §5.2), the draw announced with its seed committed, drawn days
// later, and every result published within the period.
func (s *Service) LoadDemo(ctx context.Context, siteID int64, office *auth.User) error {
	targets := demoTargets()
	steps := []struct {
		k    *lists.Kind
		rows []map[string]string
		on   string
		note string
	}{
		{lists.InspectItems, demoItems, "2025-01-20", "临沂市司法局随机抽查事项清单（2025年版）。"},
		{lists.InspectTargets, targets, "2025-02-28", "检查对象名录库按2025年2月底执业登记数据更新。"},
		{lists.Inspectors, demoInspectors(targets), "2025-02-28", "执法检查人员名录库按2025年执法证件年审结果更新。"},
	}
	for _, st := range steps {
		var rs []lists.Row
		for _, r := range st.rows {
			rs = append(rs, lists.Row{Values: r})
		}
		var buf bytes.Buffer
		if err := st.k.WriteFile(&buf, lists.CSV, rs); err != nil {
			return err
		}
		if _, err := s.Lists.Import(ctx, siteID, st.k, office, lists.Import{File: buf.Bytes(), FileName: st.k.Name + ".csv", Note: st.note, EffectiveOn: st.on, Publish: true}); err != nil {
			return fmt.Errorf("demo %s: %w", st.k.Code, err)
		}
	}
	ds, err := s.Catalog.Departments(ctx, siteID)
	if err != nil {
		return err
	}
	var dept int64
	for _, d := range ds {
		if d.Abbr == "zfk" {
			dept = d.ID
		}
	}
	on := func(day string) *Service {
		c := *s
		c.Today = func() calendar.Date { return calendar.Day(day) }
		// 09:30 in Beijing on that day.
		d := calendar.Day(day)
		c.Now = func() time.Time { return time.Date(d.Year, d.Month, d.Day, 9, 30, 0, 0, calendar.Beijing) }
		return &c
	}
	plans := []struct {
		plan     NewPlan
		drawOn   string
		resultOn string
		days     []string
	}{
		{NewPlan{Year: 2025, Title: "2025年度律师事务所执业活动“双随机”抽查", DepartmentID: dept, ItemKey: "SSJ-LS-01", RatioPercent: 20, InspectorsPerTarget: 2,
			StartsOn: "2025-04-01", EndsOn: "2025-10-31", Frequency: "每年一次", Content: "按20%比例抽取律师事务所，检查执业许可条件保持、内部管理、执业行为和收费情况。"},
			"2025-03-28", "", []string{"2025-05-13", "2025-05-20", "2025-06-10", "2025-06-24", "2025-09-16"}},
		{NewPlan{Year: 2025, Title: "2025年度公证机构执业活动“双随机”抽查", DepartmentID: dept, ItemKey: "SSJ-GZ-01", Count: 2, InspectorsPerTarget: 2,
			StartsOn: "2025-05-01", EndsOn: "2025-11-30", Frequency: "每年一次", Content: "抽取2家公证机构，检查公证程序执行、档案管理和收费情况。"},
			"2025-04-25", "", []string{"2025-09-23", "2025-09-29"}},
	}
	for _, pl := range plans {
		p, err := on("2025-03-10").CreatePlan(ctx, siteID, office, pl.plan)
		if err != nil {
			return fmt.Errorf("demo plan: %w", err)
		}
		d, err := on(pl.drawOn).Announce(ctx, siteID, office, p.ID, Announce{Method: MethodCommit, Witnesses: "市司法局机关纪委、律师协会代表"})
		if err != nil {
			return fmt.Errorf("demo draw: %w", err)
		}
		if d, err = on(calendar.Day(pl.drawOn).AddDays(3).String()).Perform(ctx, siteID, office, d.ID, ""); err != nil {
			return fmt.Errorf("demo draw: %w", err)
		}
		for i, t := range d.Outcome.Targets {
			day := pl.days[i%len(pl.days)]
			res := NewResult{TargetKey: t.Key, Conclusion: "no_problem", InspectedOn: day}
			if i == 1 {
				res.Conclusion, res.Detail, res.FollowUp = "corrected", "律师执业档案归档不及时。", "已责令限期整改，整改情况已书面报告。"
			}
			// Published a week after the inspection: within the period.
			if _, err := on(calendar.Day(day).AddDays(7).String()).RecordResult(ctx, siteID, office, d.ID, res); err != nil {
				return fmt.Errorf("demo result: %w", err)
			}
		}
	}
	return nil
}
