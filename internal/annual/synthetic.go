package annual

import (
	"context"
	"fmt"

	"gongkai/internal/calendar"
	"gongkai/internal/demo"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
	"gongkai/internal/lists/enforce"
	"gongkai/internal/request"
)

func init() { synthetic.Register("annual", generate) }

// SyntheticYears is how many years before last year the synthetic site
// has published reports for; last year's is a draft.
const SyntheticYears = 6

// generate writes the report's own records on a synthetic site (`gongkai
// seed --synthetic N`): for each of the SyntheticYears years before last
// year a report computed from the site's records (the other generators'
// requests, decisions and the items), with its text and an overridden fee
// figure (with its reason), reviewed and published through the workflow as
// staff would; last year's as a draft with its text and override. The
// figures themselves are the records': a report has no volume of its own
// beyond one row a year, so N does not scale it.
func generate(ctx context.Context, s *synthetic.Site) error {
	db := s.Catalog.DB
	today := func() calendar.Date { return s.Today }
	l := &lists.Service{DB: db, Catalog: s.Catalog, Today: today}
	svc := &Service{DB: db, Catalog: s.Catalog, Requests: &request.Service{DB: db, Today: today}, Enforce: &enforce.Service{Lists: l}}
	office, err := s.Auth.UserByName(ctx, demo.Users[1].Name)
	if err != nil {
		return errs.Wrap(err, "synthetic annual: office user")
	}
	rnd := s.Rand("annual")
	last := s.Today.Year - 1
	for year := last - SyntheticYears; year <= last; year++ {
		if s.Progress != nil {
			s.Progress("年度报告", year-(last-SyntheticYears), SyntheticYears+1)
		}
		d, err := svc.Draft(ctx, s.Site.ID, year)
		if err != nil {
			return err
		}
		part1 := fmt.Sprintf("%d年，%s认真贯彻落实《中华人民共和国政府信息公开条例》，全年新收政府信息公开申请%s件，办结%s件。\n\n"+
			"（一）主动公开。全年制发行政规范性文件%s件，现行有效%s件。\n\n（二）政府信息管理。第%d次修订信息发布审核制度，规范性文件统一登记、统一编号、统一发布。",
			year, d.Body, d.Value("requests", "new", "total"), d.Value("requests", "total", "total"),
			d.Value("proactive", "normative", "issued"), d.Value("proactive", "normative", "in_force"), 1+rnd.IntN(5))
		part5 := fmt.Sprintf("%d年存在栏目更新不够及时等问题（共发现%d处），已建立栏目更新提醒和定期检查机制。", year, 2+rnd.IntN(20))
		if err := svc.SaveTexts(ctx, office, s.Site.ID, year, Texts{Part1: part1, Part5: part5, LicenceBasis: LicenceAll}); err != nil {
			return err
		}
		// 行政事业性收费 beyond the 信息处理费 the platform records.
		fee, _ := d.CellKeys("proactive", "fees", colAmount)
		var yuan int64
		if fee != nil {
			var w, f int64
			fmt.Sscanf(fee.Computed, "%d.%d", &w, &f)
			yuan = w*10000 + f
		}
		extra := int64(100 * (1 + rnd.IntN(50)))
		if err := svc.SetOverride(ctx, office, s.Site.ID, year, "proactive", "fees", colAmount, WanYuan(yuan+extra),
			fmt.Sprintf("含本机关代收的公证服务收费%d元（财务科台账），平台只记录信息处理费", extra)); err != nil {
			return err
		}
		if year == last {
			break
		}
		if _, err := svc.Submit(ctx, office, s.Site.ID, year); err != nil {
			return err
		}
		if _, err := svc.Approve(ctx, office, s.Site.ID, year, "数据已核对"); err != nil {
			return err
		}
		if _, err := svc.Publish(ctx, office, s.Site.ID, year); err != nil {
			return err
		}
	}
	return nil
}
