package inspect

import (
	"context"
	"fmt"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/lists"
)

func init() { synthetic.Register("inspect", syntheticInspect) }

// syntheticTargetTypes are the registry's kinds of targets with their
// share of it and the plan's ratio (REFERENCE §8: law firms 10–20%).
var syntheticTargetTypes = []struct {
	item, label, prefix string
	share, ratio        int
}{
	{"SSJ-LS-01", "律师事务所", "31370000MD", 60, 5},
	{"SSJ-GZ-01", "公证机构", "12371300MB", 10, 20},
	{"SSJ-JC-01", "基层法律服务所", "52371300MC", 20, 10},
	{"SSJ-JD-01", "司法鉴定机构", "52371300MJ", 10, 20},
}

// syntheticInspect builds ten years (2016–2025) of 双随机一公开 on a
// synthetic site: the item list, a targets registry growing to n/30 rows
// (3,333 at 100,000 items: every law firm, notary, legal-service office
// and appraisal body of a province's largest city several times over)
// republished every year, n/150 inspectors, and each year one plan an
// item, drawn (public-figure method, so the build stays deterministic)
// with every drawn target's result.
// syntheticSizes is the size of the targets registry and of the inspectors'
// list of a synthetic site of n items: n/30 and n/150, at most what one
// edition of each list holds (so a site of 1,000,000 items can be built).
func syntheticSizes(n int) (targets, inspectors int) {
	return min(max(n/30, 40), lists.InspectTargets.RowLimit()), min(max(n/150, 12), lists.Inspectors.RowLimit())
}

func syntheticInspect(ctx context.Context, s *synthetic.Site) error {
	ls := lists.SyntheticService(s)
	office, err := lists.SyntheticOffice(ctx, s)
	if err != nil {
		return err
	}
	r := s.Rand("inspect")
	siteID := s.Site.ID
	dept := s.Departments["zfk"]
	base := &Service{DB: s.Catalog.DB, Catalog: s.Catalog, Lists: ls, Calendar: &calver.Versions{DB: s.Catalog.DB}}
	on := func(d calendar.Date) *Service {
		c := *base
		c.Today = func() calendar.Date { return d }
		c.Now = func() time.Time { return time.Date(d.Year, d.Month, d.Day, 9, 30, 0, 0, calendar.Beijing) }
		c.Lists = &lists.Service{DB: ls.DB, Catalog: ls.Catalog, Today: c.Today}
		return &c
	}
	if _, err := on(calendar.Day("2016-01-10")).Lists.LoadRows(ctx, siteID, lists.InspectItems, office, demoItems, "2016-01-10", "随机抽查事项清单。"); err != nil {
		return err
	}
	nTargets, nInspectors := syntheticSizes(s.N)
	var inspectors []map[string]string
	for i := 0; i < nInspectors; i++ {
		st := "active"
		if i%17 == 5 {
			st = "unavailable"
		}
		inspectors = append(inspectors, map[string]string{"cert_no": fmt.Sprintf("3713%08d", 10000+i), "name": demoInspectorNames[i%len(demoInspectorNames)] + fmt.Sprint(i/len(demoInspectorNames)+1),
			"unit": []string{"律师工作管理科", "公共法律服务管理科", "行政执法协调监督科"}[i%3], "category": "司法行政", "specialty": "律师、公证、鉴定监管", "status": st})
	}
	if _, err := on(calendar.Day("2016-01-10")).Lists.LoadRows(ctx, siteID, lists.Inspectors, office, inspectors, "2016-01-10", "执法检查人员名录库。"); err != nil {
		return err
	}
	for year := 2016; year <= 2025; year++ {
		// The registry as of February: it grows from 70% to the full size.
		size := nTargets * (70 + 3*(year-2016)) / 100
		var targets []map[string]string
		for i := 0; i < size; i++ {
			t := syntheticTargetTypes[pick(i)]
			st := "active"
			if i%41 == 7 {
				st = "closed"
			}
			d := demoDistricts[i%len(demoDistricts)]
			targets = append(targets, map[string]string{"code": fmt.Sprintf("%s%07dX", t.prefix, i), "name": fmt.Sprintf("山东%s第%d%s", demoFirmNames[i%len(demoFirmNames)], i+1, t.label),
				"target_type": t.label, "address": "临沂市" + d + "（示例地址）", "district": d, "risk_level": []string{"low", "medium", "high"}[i%3], "status": st, "source": "行业管理信息系统"})
		}
		feb := calendar.Day(fmt.Sprintf("%d-02-28", year))
		if _, err := on(feb).Lists.LoadRows(ctx, siteID, lists.InspectTargets, office, targets, feb.String(), fmt.Sprintf("检查对象名录库按%d年2月底执业登记数据更新。", year)); err != nil {
			return fmt.Errorf("targets %d: %w", year, err)
		}
		for n, t := range syntheticTargetTypes {
			p, err := on(calendar.Day(fmt.Sprintf("%d-03-10", year))).CreatePlan(ctx, siteID, office, NewPlan{Year: year, Title: fmt.Sprintf("%d年度%s执业活动“双随机”抽查", year, t.label),
				DepartmentID: dept, ItemKey: t.item, RatioPercent: t.ratio, InspectorsPerTarget: 2, StartsOn: fmt.Sprintf("%d-04-01", year), EndsOn: fmt.Sprintf("%d-11-30", year),
				Frequency: "每年一次", Content: fmt.Sprintf("按%d%%比例抽取%s，检查执业许可条件保持、内部管理和执业行为。", t.ratio, t.label)})
			if err != nil {
				return fmt.Errorf("plan %d: %w", year, err)
			}
			ann := calendar.Day(fmt.Sprintf("%d-03-%02d", year, 20+n))
			d, err := on(ann).Announce(ctx, siteID, office, p.ID, Announce{Method: MethodBeacon, Source: "上海证券交易所上证综合指数当日收盘点位",
				Date: ann.AddDays(3).String(), Witnesses: "市司法局机关纪委、行业协会代表"})
			if err != nil {
				return fmt.Errorf("announce %d: %w", year, err)
			}
			figure := fmt.Sprintf("%d.%02d", 2800+r.IntN(800), r.IntN(100))
			if d, err = on(ann.AddDays(4)).Perform(ctx, siteID, office, d.ID, figure); err != nil {
				return fmt.Errorf("perform %d: %w", year, err)
			}
			for i, tg := range d.Outcome.Targets {
				day := calendar.Day(fmt.Sprintf("%d-%02d-%02d", year, 5+i%6, 1+i%27))
				res := NewResult{TargetKey: tg.Key, Conclusion: "no_problem", InspectedOn: day.String()}
				if i%5 == 1 {
					res.Conclusion, res.Detail, res.FollowUp = "corrected", "执业档案归档不及时。", "已责令限期整改，整改情况已书面报告。"
				}
				if _, err := on(day.AddDays(7)).RecordResult(ctx, siteID, office, d.ID, res); err != nil {
					return fmt.Errorf("result %d: %w", year, err)
				}
			}
		}
		if s.Progress != nil {
			s.Progress("双随机抽查", year-2015, 10)
		}
	}
	return nil
}

// pick is the target type of registry row i by the types' shares (in
// tenths, interleaved so that a small registry has every type).
func pick(i int) int {
	n := i % 10
	for t, tt := range syntheticTargetTypes {
		if n < tt.share/10 {
			return t
		}
		n -= tt.share / 10
	}
	return 0
}
