package finance

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"gongkai/internal/demo/synthetic"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
	"gongkai/internal/store"
)

// The synthetic site's finance information (gongkai seed --synthetic N):
// the budget and final accounts of the bureau and N/5,000 subordinate
// units for each of the twelve years before the build's, each with the
// full set of tables (parsed once per kind and year from the demo's
// workbook), and N/4 procurement notices, N/20 intentions and N/10
// public-resource transactions. A busy city bureau publishes one budget,
// one final accounts and some tens of notices a year.

func init() { synthetic.Register("finance", generate) }

func generate(ctx context.Context, s *synthetic.Site) error {
	svc := &Service{DB: s.Catalog.DB, Catalog: s.Catalog}
	ls := &lists.Service{DB: s.Catalog.DB, Catalog: s.Catalog}
	r := s.Rand("finance")
	last := s.Today.Year
	if last < 2020 {
		last = 2026
	}
	dept := s.Departments["bgs"]
	units := []string{demoUnit}
	for i := 1; i <= max(s.N/5000, 1); i++ {
		units = append(units, fmt.Sprintf("临沂市司法局直属单位%02d", i))
	}
	now := store.Now()
	err := svc.DB.Tx(ctx, func(tx *sql.Tx) error {
		for year := last - 12; year < last; year++ {
			for _, kind := range []string{Budget, Final} {
				if kind == Final && year >= last-1 {
					continue // last year's final accounts are approved in the summer
				}
				wb, err := demoWorkbook(kind, year)
				if err != nil {
					return err
				}
				tables, err := ParseWorkbook(bytes.NewReader(wb))
				if err != nil {
					return err
				}
				var grids []string
				for _, t := range tables {
					js, _ := json.Marshal(t)
					grids = append(grids, string(js))
				}
				expl, sanshi := demoExplanation(kind, year)
				approved := fmt.Sprintf("%d-02-%02d", year, 3+r.IntN(10))
				if kind == Final {
					approved = fmt.Sprintf("%d-08-%02d", year+1, 3+r.IntN(10))
				}
				pub := approved[:8] + fmt.Sprintf("%02d", 20+r.IntN(5)) + "T04:00:00Z"
				for _, unit := range units {
					var id int64
					if err := tx.QueryRowContext(ctx, `INSERT INTO finance_reports (site_id, kind, year, department_id, unit_name, approved_on, status, published_at,
					explanation, sanshi, file_name, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
						s.Site.ID, kind, year, dept, unit, approved, Published, pub, strings.ReplaceAll(expl, demoUnit, unit), sanshi, "synthetic.xlsx", "synthetic", now).Scan(&id); err != nil {
						return errs.Wrap(err, "synthetic report")
					}
					var q strings.Builder
					q.WriteString(`INSERT INTO finance_tables (report_id, seq, name, unit, grid) VALUES `)
					var args []any
					for i, t := range tables {
						if i > 0 {
							q.WriteString(", ")
						}
						n := len(args)
						fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5)
						args = append(args, id, t.Seq, t.Name, t.Unit, grids[i])
					}
					if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
						return errs.Wrap(err, "synthetic tables")
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	methods := []string{"open_tender", "consultation", "inquiry", "framework"}
	cats := []string{"goods", "services", "works"}
	var notices, intentions, txs []map[string]string
	for i := 0; i < max(s.N/4, 20); i++ {
		year := last - 1 - i%10
		proj := fmt.Sprintf("LYCG%d-%05d", year, i/20)
		typ := []string{"tender", "result", "contract"}[i%3]
		day := fmt.Sprintf("%d-%02d-%02d", year, 1+r.IntN(12), 1+r.IntN(28))
		m := map[string]string{"notice_no": fmt.Sprintf("%s-%d", proj, i), "project_no": proj, "project_name": "法律服务项目采购" + fmt.Sprint(i%997),
			"notice_type": typ, "method": methods[r.IntN(len(methods))], "category": cats[r.IntN(len(cats))], "purchaser": units[r.IntN(len(units))],
			"agency": "临沂市公共资源交易服务中心", "budget_wan": fmt.Sprintf("%d.00", 10+r.IntN(500)), "notice_date": day, "source_url": "http://www.ccgp-shandong.gov.cn/"}
		if typ != "tender" {
			m["supplier"], m["amount_wan"], m["decided_on"] = "临沂某某服务有限公司", fmt.Sprintf("%d.50", 9+r.IntN(400)), day
		}
		notices = append(notices, m)
	}
	for i := 0; i < max(s.N/20, 8); i++ {
		year := last - 1 - i%10
		month := 2 + r.IntN(10)
		intentions = append(intentions, map[string]string{"code": fmt.Sprintf("YX%d-%05d", year, i), "project_name": "公共法律服务采购意向" + fmt.Sprint(i%503),
			"demand_summary": "购买法律服务，服务期一年。", "budget_wan": fmt.Sprintf("%d.00", 10+r.IntN(300)), "expected_month": fmt.Sprintf("%d-%02d", year, month),
			"category": cats[r.IntN(len(cats))], "unit": units[r.IntN(len(units))], "first_published_on": fmt.Sprintf("%d-%02d-01", year, month-1)})
	}
	for i := 0; i < max(s.N/10, 3); i++ {
		year := last - 1 - i%10
		txs = append(txs, map[string]string{"code": fmt.Sprintf("JY%d-%05d", year, i), "project_name": "公共法律服务设施工程" + fmt.Sprint(i%709),
			"tx_type": []string{"construction", "asset", "property"}[r.IntN(3)], "stage": []string{"announcement", "result"}[r.IntN(2)],
			"tenderer": units[r.IntN(len(units))], "platform": "临沂市公共资源交易平台", "published_on": fmt.Sprintf("%d-%02d-%02d", year, 1+r.IntN(12), 1+r.IntN(28))})
	}
	for _, st := range []struct {
		k    *lists.Kind
		rows []map[string]string
	}{{Notices, notices}, {Intentions, intentions}, {Transactions, txs}} {
		if _, err := ls.LoadEdition(ctx, s.Site.ID, st.k, "synthetic", "合成数据", st.rows); err != nil {
			return err
		}
	}
	return nil
}
