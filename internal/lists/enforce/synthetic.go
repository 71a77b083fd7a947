package enforce

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gongkai/internal/auth"

	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/lists"
)

func init() { synthetic.Register("enforce", syntheticEnforce) }

// syntheticDecisions is the number of decisions of a synthetic site of n
// items: n/4 over 2016–2025 (25,000 at 100,000 items, some 2,500 a year —
// ten times a busy city bureau's licences, penalties and inspections), at
// most what one edition of the ledger holds (200,000 from 800,000 items).
func syntheticDecisions(n int) int { return min(max(n/4, 40), Decisions.RowLimit()) }

// syntheticGuides is the number of service guides (the demo's ten, then
// copies under other codes): a county-level government's whole catalogue.
func syntheticGuides(n int) int { return min(max(n/500, 10), 400) }

func syntheticEnforce(ctx context.Context, s *synthetic.Site) error {
	svc := lists.SyntheticService(s)
	office, err := lists.SyntheticOffice(ctx, s)
	if err != nil {
		return err
	}
	cal, err := (&calver.Versions{DB: s.Catalog.DB}).Current(ctx)
	if err != nil {
		return err
	}
	r := s.Rand("enforce")
	siteID := s.Site.ID
	for _, m := range demoMatters {
		m["body"], m["remedy"], m["supervision"] = demoBody, demoRemedy, demoSupervision
		if m["category"] == "benefit" {
			m["body"] = "临沂市法律援助中心"
		}
	}
	for _, st := range []struct {
		k    *lists.Kind
		rows []map[string]string
		note string
	}{
		{Bodies, demoBodies, "行政执法主体。"}, {Staff, demoStaff(r), "行政执法人员清单。"}, {Matters, demoMatters, "行政执法事项及流程图。"},
	} {
		if _, err := svc.LoadRows(ctx, siteID, st.k, office, st.rows, "2025-01-02", st.note); err != nil {
			return fmt.Errorf("%s: %w", st.k.Code, err)
		}
	}
	// Decisions over 2016–2025, published as three cumulative editions
	// (end of 2019, 2022 and 2025): the ledger re-imported as it grows.
	n := syntheticDecisions(s.N)
	first := calendar.Day("2016-01-04")
	span := calendar.Day("2025-12-31").Sub(first)
	var all []map[string]string
	cuts := []int{2019, 2022, 2025}
	c := 0
	for i := 0; i < n; i++ {
		d := first.AddDays(i * span / n)
		for c < len(cuts) && d.Year > cuts[c] {
			if err := publishDecisions(ctx, svc, siteID, office, all, cuts[c]); err != nil {
				return err
			}
			c++
		}
		all = append(all, syntheticDecision(r, cal, i, d))
		if s.Progress != nil && i%1000 == 0 {
			s.Progress("行政执法决定", i, n)
		}
	}
	for ; c < len(cuts); c++ {
		if err := publishDecisions(ctx, svc, siteID, office, all, cuts[c]); err != nil {
			return err
		}
	}
	if s.Progress != nil {
		s.Progress("行政执法决定", n, n)
	}
	guides := demoGuides()
	base := len(guides)
	for i := base; i < syntheticGuides(s.N); i++ {
		g := map[string]string{}
		for k, v := range guides[i%base] {
			g[k] = v
		}
		code := fmt.Sprintf("SY-%03d", i+1)
		g["task_code"], g["catalog_code"] = "11371300004325183K"+code, code
		g["name"] = fmt.Sprintf("%s（%s）", guides[i%base]["name"], []string{"兰山区", "罗庄区", "河东区", "沂南县", "郯城县", "沂水县", "兰陵县", "费县", "平邑县", "莒南县", "蒙阴县", "临沭县"}[i%12])
		guides = append(guides, g)
	}
	if _, err := svc.LoadRows(ctx, siteID, Guides, office, guides, "2025-03-01", "政务服务事项办事指南（2025年版）。"); err != nil {
		return err
	}
	_, err = svc.LoadRows(ctx, siteID, Catalog, office, demoCatalog(guides), "2025-03-01", "政务服务事项目录（2025年版）。")
	return err
}

func publishDecisions(ctx context.Context, svc *lists.Service, siteID int64, office *auth.User, rows []map[string]string, year int) error {
	_, err := svc.LoadRows(ctx, siteID, Decisions, office, rows, fmt.Sprintf("%d-12-31", year), fmt.Sprintf("行政执法决定（截至%d年底）。", year))
	if err != nil {
		return fmt.Errorf("decisions %d: %w", year, err)
	}
	return nil
}

// syntheticDecision is decision i, made on d: the demo's mix of licences
// to natural persons, organisations' licences, inspections, legal aid and
// penalties.
func syntheticDecision(r *rand.Rand, cal *calendar.Calendar, i int, d calendar.Date) map[string]string {
	seq := fmt.Sprintf("%d%05d", d.Year, i+1)
	id := fmt.Sprintf("371302%04d%02d%02d%03d%d", 1960+r.IntN(45), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000), r.IntN(10))
	var v map[string]string
	switch i % 8 {
	case 0, 1, 2:
		v = map[string]string{"decision_no": "鲁司律许〔" + seq + "〕号", "decision_title": "律师执业许可决定书", "category": "license",
			"party_type": "person", "person_name": demoName(r), "person_id": id, "basis": "《中华人民共和国律师法》第五条、第六条",
			"outcome": "granted", "conclusion": "准予律师执业，颁发律师执业证书。"}
	case 3:
		v = map[string]string{"decision_no": "临司鉴许〔" + seq + "〕号", "decision_title": "司法鉴定机构变更登记决定书", "category": "license",
			"party_type": "legal", "party_name": fmt.Sprintf("临沂市第%d司法鉴定所", 1+i%97), "party_uscc": fmt.Sprintf("52371300MJ%07dX", i%10000000),
			"basis": "《司法鉴定机构登记管理办法》", "outcome": "granted", "conclusion": "准予变更登记。"}
	case 4, 5:
		v = map[string]string{"decision_no": "临司检〔" + seq + "〕号", "decision_title": "行政检查结果", "category": "inspection",
			"party_type": "legal", "party_name": fmt.Sprintf("山东沂蒙第%d律师事务所", 1+i%397), "party_uscc": fmt.Sprintf("31370000MD%07dY", i%10000000),
			"basis": "《律师事务所管理办法》", "outcome": []string{"compliant", "rectify"}[i%2], "conclusion": []string{"未发现违法违规问题。", "档案管理不规范，责令30日内整改。"}[i%2]}
	case 6:
		v = map[string]string{"decision_no": "临援决〔" + seq + "〕号", "decision_title": "给予法律援助决定书", "category": "benefit",
			"party_type": "person", "person_name": demoName(r), "person_id": id, "basis": "《中华人民共和国法律援助法》第四十一条",
			"outcome": "done", "conclusion": "符合法律援助条件，给予法律援助，指派律师承办。"}
	default:
		kind, amount := []string{"warning", "fine", "confiscation", "suspension"}[i/8%4], ""
		if kind == "fine" || kind == "confiscation" {
			amount = fmt.Sprintf("%d000", 2+i%9)
		}
		v = map[string]string{"decision_no": "临司罚决〔" + seq + "〕号", "decision_title": "行政处罚决定书", "category": "penalty",
			"party_type": "person", "person_name": demoName(r), "person_id": id, "facts": "当事人在执业期间私自接受委托、收取费用。",
			"basis": "《中华人民共和国律师法》第四十八条", "outcome": "penalised", "penalty_kind": kind, "amount": amount,
			"conclusion": "依据《中华人民共和国律师法》第四十八条，给予行政处罚。"}
	}
	v["decided_on"] = d.String()
	v["body"] = demoBody
	if v["category"] == "benefit" {
		v["body"] = "临沂市法律援助中心"
	}
	v["first_published_on"] = cal.AddWorkdays(d, 1+r.IntN(4)).String()
	years := 5
	if v["party_type"] == "person" {
		years = 2
	}
	v["publicity_until"] = fmt.Sprintf("%04d-%s", d.Year+years, d.String()[5:])
	if v["publicity_until"][5:] == "02-29" {
		v["publicity_until"] = v["publicity_until"][:5] + "02-28"
	}
	return v
}
