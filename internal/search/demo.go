package search

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// demoQueries are what visitors of a justice bureau's site search for, with
// how often (relative) and how often they open a result. Some find nothing
// the bureau holds (驾照, 公积金) and some find results nobody opens: the
// analytics page has something true to show in every list.
var demoQueries = []struct {
	q      string
	weight int
	opens  float64
}{
	{"法律援助", 40, 0.8}, {"怎么申请法律援助", 18, 0.75}, {"公证", 25, 0.7}, {"公证处电话", 10, 0.6},
	{"律师事务所", 20, 0.7}, {"律所年检", 8, 0.8}, {"社区矫正", 15, 0.65}, {"行政复议", 16, 0.7},
	{"人民调解", 12, 0.6}, {"司法鉴定", 10, 0.7}, {"政府信息公开", 14, 0.7}, {"依申请公开", 8, 0.6},
	{"权责清单", 9, 0.7}, {"qzqd", 2, 0.5}, {"双随机", 6, 0.6}, {"法律职业资格", 9, 0.8},
	{"年报", 7, 0.7}, {"政务公开工作年度报告", 5, 0.8}, {"临司发〔2021〕12号", 3, 0.9}, {"普法", 8, 0.5},
	{"招聘", 6, 0.6}, {"社区娇正", 2, 0.5}, {"放管服", 3, 0.4},
	{"通知", 6, 0}, {"工作动态", 4, 0}, // results, but too vague to open
	{"驾照", 3, 0}, {"公积金查询", 3, 0}, {"社保缴费", 2, 0}, {"房产证办理", 2, 0}, // not the bureau's
}

// LoadDemo gives a demo site a year of searches before today (their totals
// are what the index answers now) and best bets for its commonest
// questions. It expects the site's index to be built.
func (s *Service) LoadDemo(ctx context.Context, actor *auth.User, siteID int64, today calendar.Date) error {
	totals := map[string]int{}
	firstURL := map[string]string{}
	for _, dq := range demoQueries {
		res, err := s.Search(ctx, &Request{SiteID: siteID, Q: dq.q, Limit: 1})
		if err != nil {
			return err
		}
		totals[dq.q] = res.Total
		if len(res.Hits) > 0 {
			firstURL[dq.q] = res.Hits[0].URL
		}
	}
	sum := 0
	for _, dq := range demoQueries {
		sum += dq.weight
	}
	r := rand.New(rand.NewPCG(uint64(siteID), 2026))
	start := time.Date(today.Year, time.Month(today.Month), today.Day, 0, 0, 0, 0, calendar.Beijing).AddDate(-1, 0, 0)
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		for day := start; day.Before(start.AddDate(1, 0, 0)); day = day.AddDate(0, 0, 1) {
			n := 6 + r.IntN(10)
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				n = 1 + r.IntN(4)
			}
			for range n {
				k := r.IntN(sum)
				var i int
				for i = range demoQueries {
					if k -= demoQueries[i].weight; k < 0 {
						break
					}
				}
				dq := demoQueries[i]
				at := day.Add(time.Duration(8*3600+r.IntN(12*3600)) * time.Second)
				clicked := 0
				if totals[dq.q] > 0 && r.Float64() < dq.opens {
					clicked = 1
				}
				var id int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO search_queries (site_id, query, total, clicked, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
					siteID, NormalizeQuery(dq.q), totals[dq.q], clicked, store.FormatTime(at)).Scan(&id); err != nil {
					return errs.Wrap(err, "demo searches")
				}
				if clicked == 1 {
					if _, err := tx.ExecContext(ctx, `INSERT INTO search_clicks (site_id, query_id, url, created_at) VALUES ($1, $2, $3, $4)`,
						siteID, id, firstURL[dq.q], store.FormatTime(at.Add(20*time.Second))); err != nil {
						return errs.Wrap(err, "demo clicks")
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Best bets: the guide people look for first, and the pages that
	// answer the commonest questions.
	bets := []BestBet{
		{Query: "政府信息公开", URL: "/xxgk/guide", Title: "政府信息公开指南", Position: 1, Note: "最常检索的问题：指向公开指南"},
		{Query: "依申请公开", URL: "/xxgk/guide", Title: "政府信息公开指南（依申请公开怎样提出）", Position: 1},
	}
	if res, err := s.Search(ctx, &Request{SiteID: siteID, Q: "法律援助", Kinds: []string{"guide"}, Limit: 1}); err == nil && len(res.Hits) > 0 {
		h := res.Hits[0]
		bets = append(bets, BestBet{Query: "法律援助", Kind: h.Kind, Ref: h.Ref, Position: 1, Note: "办事指南置顶"})
	} else if res, err := s.Search(ctx, &Request{SiteID: siteID, Q: "法律援助", Limit: 1}); err == nil && len(res.Hits) > 0 {
		h := res.Hits[0]
		bets = append(bets, BestBet{Query: "法律援助", Kind: h.Kind, Ref: h.Ref, Position: 1})
	}
	for i := range bets {
		bets[i].SiteID = siteID
		if err := s.SaveBestBet(ctx, actor, &bets[i]); err != nil {
			return err
		}
	}
	return nil
}
