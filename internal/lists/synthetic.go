package lists

import (
	"context"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/demo/synthetic"
)

func init() { synthetic.Register("lists", syntheticLists) }

// SyntheticPowerRows is the size of the synthetic site's 权责清单: several
// times the largest real list (Shandong's 2023 licensing list, 717 items:
// RECORDS §1.1).
const SyntheticPowerRows = 2000

// SyntheticService is the lists service of a synthetic site, dated on its day.
func SyntheticService(s *synthetic.Site) *Service {
	return &Service{DB: s.Catalog.DB, Catalog: s.Catalog, Today: func() calendar.Date { return s.Today }}
}

// SyntheticOffice is the office user the generators act as.
func SyntheticOffice(ctx context.Context, s *synthetic.Site) (*auth.User, error) {
	return s.Auth.UserByName(ctx, "office")
}

// LoadRows publishes rows (values by field name) as a new edition through
// the import's checks, without a file (Import.Table).
func (s *Service) LoadRows(ctx context.Context, siteID int64, k *Kind, actor *auth.User, rows []map[string]string, on, note string) (*Edition, error) {
	return s.Import(ctx, siteID, k, actor, Import{Table: k.Table(rows), FileName: k.Name + ".csv", Note: note, EffectiveOn: on, Publish: true})
}

var synthVerbs = []string{"律师执业", "公证机构设立", "司法鉴定机构登记", "基层法律服务工作者执业", "法律援助", "人民调解员", "仲裁委员会登记", "社区矫正", "法律职业资格", "律师事务所分所设立"}

// syntheticPowerRow is row i of the synthetic power list in edition ed
// (0, 1, 2): a tenth of the rows change wording between editions.
func syntheticPowerRow(i, ed int) map[string]string {
	pt := PowerTypes[i%len(PowerTypes)]
	verb := synthVerbs[(i/len(PowerTypes))%len(synthVerbs)]
	limit := fmt.Sprintf("%d个工作日", 10+i%20)
	if ed > 0 && i%10 == ed {
		limit = fmt.Sprintf("%d个工作日（压缩后）", 5+i%10)
	}
	fee := "0"
	if i%7 == 0 {
		fee = "1"
	}
	body := []string{"临沂市司法局", "临沂市法律援助中心", "临沂市公证协会（受委托）"}[i%3]
	return map[string]string{
		"item_code": fmt.Sprintf("371300-SFJ-%s-%04d", []string{"XK", "CF", "QZ", "ZS", "JF", "JC", "QR", "JL", "CJ", "QT"}[i%len(PowerTypes)], i+1),
		"item_name": fmt.Sprintf("对%s的%s（第%d项）", verb, pt.Label, i+1), "sub_item_name": fmt.Sprintf("%s事项子项%d", verb, 1+i%4),
		"power_type": pt.Value, "implementing_body": body, "handling_unit": []string{"律师工作管理科", "公共法律服务管理科", "法制科", "行政执法协调监督科"}[i%4],
		"basis":           fmt.Sprintf("《中华人民共和国律师法》第%d条；《山东省法律援助条例》第%d条", 1+i%60, 1+i%40),
		"level_and_scope": "市级", "legal_time_limit": "20个工作日", "promised_time_limit": limit, "charges_fee": fee,
		"duties":               "1.受理责任：公示应当提交的材料，一次性告知补正材料。\n2.审查责任：对申请材料进行审查。\n3.决定责任：作出决定并说明理由。\n4.送达责任：制发并送达文书。\n5.事后监管责任：加强监督检查。",
		"accountability_cases": "因不履行或不正确履行行政职责，有下列情形的，行政机关及相关工作人员应承担相应责任：对符合条件的申请不予受理的；违反法定程序的；索取或收受他人财物的。",
		"supervision_phone":    fmt.Sprintf("0539-83%05d", (i*7919)%100000),
	}
}

func syntheticLists(ctx context.Context, s *synthetic.Site) error {
	svc := SyntheticService(s)
	office, err := SyntheticOffice(ctx, s)
	if err != nil {
		return err
	}
	siteID := s.Site.ID
	// Three editions: 2021 (1,800 rows), 2023 (50 removed, 250 added, a
	// tenth reworded) and 2025 (another tenth reworded).
	eds := []struct {
		from, to int
		on, note string
	}{
		{0, SyntheticPowerRows - 200, "2021-04-12", "权责清单（2021年版）。"},
		{50, SyntheticPowerRows, "2023-03-01", "依据机构改革调整：取消 50 项，新增 250 项，压缩部分承诺时限。"},
		{50, SyntheticPowerRows + 50, "2025-03-01", "2025年动态调整：压缩部分承诺时限。"},
	}
	for ed, e := range eds {
		var rows []map[string]string
		for i := e.from; i < e.to; i++ {
			rows = append(rows, syntheticPowerRow(i, ed))
		}
		if _, err := svc.LoadRows(ctx, siteID, PowerList, office, rows, e.on, e.note); err != nil {
			return fmt.Errorf("power list: %w", err)
		}
		if s.Progress != nil {
			s.Progress("权责清单", ed+1, len(eds))
		}
	}
	if _, err := svc.LoadRows(ctx, siteID, DutyBoundary, office, demoBoundaries, "2021-06-30", "职责边界清单（2021年版）。"); err != nil {
		return err
	}
	_, err = svc.LoadRows(ctx, siteID, ProofItems, office, demoProofs, "2021-12-20", "证明事项实施清单。")
	return err
}
