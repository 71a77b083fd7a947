package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongkai/internal/annual"
	"gongkai/internal/errs"
	"gongkai/internal/store/storetest"
)

// TestAnnualReport builds a fixture year (2021) through the API and the
// back office and checks the report's cells, the checks, a broken
// override blocking publication, and publication with its public page,
// JSON and CSV, on both databases.
func TestAnnualReport(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e, c := newRequestEnv(t, string(d))
			ctx := context.Background()
			const year = 2021
			base, err := e.srv.Annual.Draft(ctx, e.site.ID, year)
			if err != nil {
				t.Fatal(err)
			}
			if !base.OK() {
				t.Fatalf("the demo's %d fails a check: %+v", year, base.Checks)
			}
			fx := buildAnnualFixture(t, e, c, year)
			r, err := e.srv.Annual.Draft(ctx, e.site.ID, year)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() {
				t.Fatalf("checks fail on the records: %+v", r.Checks)
			}
			if len(r.Tables.Requests.Rows) != 25 || len(r.Tables.ReviewLitigation.Rows[0].Cells) != 15 || len(r.Tables.Proactive.Blocks) != 4 {
				t.Fatalf("layout: %d rows, %d cells, %d blocks", len(r.Tables.Requests.Rows), len(r.Tables.ReviewLitigation.Rows[0].Cells), len(r.Tables.Proactive.Blocks))
			}
			// Tables 三 and 四: every cell exactly as built (the env's year is
			// quiet: every base cell is 0, checked first), none left at 0.
			for _, tc := range []struct {
				table string
				want  map[string]map[string]int
			}{{"requests", fx.t3}, {"review_litigation", fx.t4}} {
				cells := 0
				for _, row := range r.Table(tc.table).Rows {
					for col := range row.Cells {
						if b := base.Value(tc.table, row.Key, col); b != "0" {
							t.Fatalf("the env's %d is not quiet: %s %s/%s = %s", year, tc.table, row.Key, col, b)
						}
						if got, want := r.Value(tc.table, row.Key, col), fmt.Sprint(tc.want[row.Key][col]); got != want {
							t.Errorf("%s %s/%s = %s, want %s", tc.table, row.Key, col, got, want)
						}
						if tc.want[row.Key][col] == 0 {
							t.Errorf("the fixture leaves %s %s/%s at 0", tc.table, row.Key, col)
						}
						// The drill-down lists exactly the records counted.
						if refs, err := e.srv.Annual.CellRefs(ctx, e.site.ID, year, tc.table, row.Key, col); err != nil || len(refs) != tc.want[row.Key][col] {
							t.Errorf("drill-down %s %s/%s: %d records, want %d (%v)", tc.table, row.Key, col, len(refs), tc.want[row.Key][col], err)
						}
						cells++
					}
				}
				if want := map[string]int{"requests": 25 * 7, "review_litigation": 15}[tc.table]; cells != want {
					t.Errorf("%s: %d cells, want %d", tc.table, cells, want)
				}
			}
			// Table 二: the documents on top of the demo's (现行有效 is the
			// state today), the decisions and the fee exactly.
			t2 := 0
			for _, row := range r.Tables.Proactive.Rows {
				for col := range row.Cells {
					if row.Key == "fees" {
						continue
					}
					var b, got int
					if _, err := fmt.Sscan(base.Value("proactive", row.Key, col), &b); err != nil {
						t.Fatal(err)
					}
					fmt.Sscan(r.Value("proactive", row.Key, col), &got)
					if (row.Key == "licence" || row.Key == "penalty" || row.Key == "coercion") && b != 0 {
						t.Fatalf("the env's %d has enforcement decisions: %s %d", year, row.Key, b)
					}
					if n := fx.t2[row.Key][col]; got != b+n || n == 0 {
						t.Errorf("table 二 %s/%s = %d, want %d + %d (non-zero)", row.Key, col, got, b, n)
					}
					if refs, err := e.srv.Annual.CellRefs(ctx, e.site.ID, year, "proactive", row.Key, col); err != nil ||
						(row.Key == "rules" || row.Key == "normative") && len(refs) != min(got, annual.RefLimit) {
						t.Errorf("drill-down 二 %s/%s: %d records for %d (%v)", row.Key, col, len(refs), got, err)
					}
					t2++
				}
			}
			if t2 != 9 {
				t.Errorf("table 二: %d count cells, want 9", t2)
			}
			if got, want := r.Value("proactive", "fees", "amount"), annual.WanYuan(fx.feeYuan); got != want || base.Value("proactive", "fees", "amount") != "0.0000" {
				t.Errorf("table 二 fees = %s, want %s (base %s)", got, want, base.Value("proactive", "fees", "amount"))
			}
			if p6 := r.Parts[5].Text; !strings.Contains(p6, fmt.Sprintf("共计%d元", fx.feeYuan)) {
				t.Errorf("part 六: %s", p6)
			}
			// The licence basis: granted decisions only.
			br0 := e.browser().login("office")
			if resp := br0.post("/admin/annual/2021/texts", url.Values{"licence_basis": {"granted"}}); resp.status != 303 {
				t.Fatalf("licence basis: %d", resp.status)
			}
			if g, _ := e.srv.Annual.Draft(ctx, e.site.ID, year); g.Value("proactive", "licence", "decisions") != fmt.Sprint(fx.granted) {
				t.Errorf("granted licences: %s, want %d", g.Value("proactive", "licence", "decisions"), fx.granted)
			}
			if resp := br0.post("/admin/annual/2021/texts", url.Values{"licence_basis": {"all"}}); resp.status != 303 {
				t.Fatalf("licence basis: %d", resp.status)
			}
			wh := fx.withheld3

			// The back office: the draft links every number; a broken override.
			br := e.browser().login("office")
			p := br.get(fmt.Sprintf("/admin/annual/%d", year))
			if p.status != 200 || !strings.Contains(p.body, "/admin/annual/2021/cell?col=natural_person&amp;row=new&amp;table=requests") {
				t.Fatalf("draft page: %d %s", p.status, clipBody(p.body))
			}
			cell := br.get("/admin/annual/2021/cell?table=requests&row=withheld.3&col=natural_person")
			if cell.status != 200 || !strings.Contains(cell.body, fmt.Sprintf("/admin/requests/%d", wh)) {
				t.Errorf("drill-down: %d %s", cell.status, clipBody(cell.body))
			}
			// No reason: refused, nothing saved.
			resp := br.post("/admin/annual/2021/overrides", url.Values{"cell": {"requests|new|natural_person"}, "value": {"99"}})
			if resp.status != 422 || !strings.Contains(resp.body, "必须填写理由") {
				t.Errorf("override without reason: %d", resp.status)
			}
			resp = br.post("/admin/annual/2021/overrides", url.Values{"cell": {"requests|new|natural_person"}, "value": {"99"}, "reason": {strings.Repeat("理", annual.MaxReason)}})
			if resp.status != 303 {
				t.Fatalf("override: %d %s", resp.status, clipBody(resp.body))
			}
			r, _ = e.srv.Annual.Draft(ctx, e.site.ID, year)
			if c, _ := r.CellKeys("requests", "new", "natural_person"); c.Override == nil || c.Value != "99" || r.OK() {
				t.Fatalf("override not applied or not caught: %+v %+v", c, r.Checks)
			}
			var audited int
			e.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'annual.override'`).Scan(&audited)
			if audited != 1 {
				t.Errorf("override audited %d times", audited)
			}
			resp = br.post("/admin/annual/2021/submit", nil)
			if resp.status != 409 || !strings.Contains(resp.body, "勾稽关系未通过") {
				t.Fatalf("submit with a failing check: %d %s", resp.status, clipBody(resp.body))
			}
			if resp := br.post("/admin/annual/2021/overrides", url.Values{"cell": {"requests|new|natural_person"}, "clear": {"1"}, "reason": {"核对无误"}}); resp.status != 303 {
				t.Fatalf("clear: %d", resp.status)
			}
			// Texts at their maximum length.
			long := strings.Repeat("字", annual.MaxText)
			if resp := br.post("/admin/annual/2021/texts", url.Values{"part1": {long}, "part5": {"问题与改进"}, "licence_basis": {"all"}}); resp.status != 303 {
				t.Fatalf("texts: %d %s", resp.status, clipBody(resp.body))
			}
			if resp := br.post("/admin/annual/2021/texts", url.Values{"part1": {long + "字"}}); resp.status != 422 {
				t.Errorf("too long: %d", resp.status)
			}
			for _, step := range []string{"submit", "approve", "publish"} {
				if step == "publish" {
					// The catalogue's generic publication would skip the
					// checks: refused for a generated report.
					var itemID int64
					if err := e.db.R.QueryRow(`SELECT item_id FROM annual_reports WHERE site_id = $1 AND year = $2`, e.site.ID, year).Scan(&itemID); err != nil {
						t.Fatal(err)
					}
					office, err := e.au.UserByName(ctx, "office")
					if err != nil {
						t.Fatal(err)
					}
					if _, err := e.cat.Publish(ctx, office, e.site.ID, itemID, time.Time{}); errs.CodeOf(err) != errs.Conflict {
						t.Errorf("generic publication of the report item: %v, want a conflict", err)
					}
				}
				if resp := br.post("/admin/annual/2021/"+step, nil); resp.status != 303 {
					i := strings.Index(resp.body, "role=\"alert\"")
					t.Fatalf("%s: %d %s", step, resp.status, resp.body[max(i, 0):min(len(resp.body), max(i, 0)+600)])
				}
			}
			pub, err := e.srv.Annual.Published(ctx, e.site.ID, year)
			if err != nil || pub == nil || pub.IndexNo == "" || pub.Status != "published" {
				t.Fatalf("published: %+v %v", pub, err)
			}
			// Public page, JSON, CSV.
			page := e.browser().get("/annual-reports/2021")
			if page.status != 200 || !strings.Contains(page.body, `scope="rowgroup" rowspan="22">三、本年度办理结果`) || !strings.Contains(page.body, "<caption>") {
				t.Fatalf("public page: %d %s", page.status, clipBody(page.body))
			}
			j := c.do(t, "GET", "/api/v1/annual-reports/2021", "", nil, "")
			var got struct {
				Year   int    `json:"year"`
				Status string `json:"status"`
				Parts  []any  `json:"parts"`
				Tables struct {
					Requests struct {
						Rows []struct {
							Label string                            `json:"label"`
							Group string                            `json:"group"`
							Cells map[string]struct{ Value string } `json:"cells"`
						} `json:"rows"`
					} `json:"requests"`
				} `json:"tables"`
				Checks []struct {
					Rule string `json:"rule"`
					OK   bool   `json:"ok"`
				} `json:"checks"`
			}
			if err := json.Unmarshal([]byte(j.body), &got); err != nil || j.status != 200 {
				t.Fatalf("api: %d %v", j.status, err)
			}
			rows := got.Tables.Requests.Rows
			if got.Year != 2021 || got.Status != "published" || len(got.Parts) != 6 || len(rows) != 25 || rows[0].Label != "一、本年新收政府信息公开申请数量" ||
				rows[4].Label != "1.属于国家秘密" || rows[4].Group != "（三）不予公开" || rows[23].Label != "（七）总计" || len(rows[0].Cells) != 7 || len(got.Checks) == 0 {
				t.Errorf("api shape: %s", clipBody(j.body))
			}
			if csv := c.do(t, "GET", "/api/v1/annual-reports/2021.csv", "", nil, ""); csv.status != 200 || !strings.Contains(csv.body, "四、结转下年度继续办理") {
				t.Errorf("csv: %d", csv.status)
			}
			if r := c.do(t, "GET", "/api/v1/annual-reports/1999", "", nil, ""); r.status != 422 {
				t.Errorf("bad year: %d", r.status)
			}
			if r := c.do(t, "GET", "/api/v1/annual-reports/2020", "", nil, ""); r.status != 404 {
				t.Errorf("unpublished year: %d", r.status)
			}

			// Withdrawn in the catalogue (a correction): the report is a draft
			// again, gone from the public pages and the API, editable, and its
			// next publication is a new item with its own index number.
			var oldItem int64
			if err := e.db.R.QueryRow(`SELECT item_id FROM annual_reports WHERE site_id = $1 AND year = $2`, e.site.ID, year).Scan(&oldItem); err != nil {
				t.Fatal(err)
			}
			office, err := e.au.UserByName(ctx, "office")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.cat.Withdraw(ctx, office, e.site.ID, oldItem, "表三数字有误，更正后重新发布"); err != nil {
				t.Fatal(err)
			}
			if p, err := e.srv.Annual.Published(ctx, e.site.ID, year); err != nil || p != nil {
				t.Errorf("withdrawn report still published: %v %v", p, err)
			}
			if d, _ := e.srv.Annual.Draft(ctx, e.site.ID, year); d.Status != annual.StDraft || d.ItemID != 0 {
				t.Errorf("withdrawn report: status %s, item %d", d.Status, d.ItemID)
			}
			if p := e.browser().get("/annual-reports/2021"); p.status != 404 {
				t.Errorf("public page after withdrawal: %d", p.status)
			}
			if p := e.browser().get("/annual-reports"); strings.Contains(p.body, "/annual-reports/2021") {
				t.Errorf("index still lists 2021")
			}
			if r := c.do(t, "GET", "/api/v1/annual-reports/2021", "", nil, ""); r.status != 404 {
				t.Errorf("API after withdrawal: %d", r.status)
			}
			if resp := br.post("/admin/annual/2021/texts", url.Values{"part1": {"更正后的总体情况"}, "part5": {"问题与改进"}, "licence_basis": {"all"}}); resp.status != 303 {
				t.Fatalf("texts after withdrawal: %d %s", resp.status, clipBody(resp.body))
			}
			for _, step := range []string{"submit", "approve", "publish"} {
				if resp := br.post("/admin/annual/2021/"+step, nil); resp.status != 303 {
					t.Fatalf("%s after withdrawal: %d %s", step, resp.status, clipBody(resp.body))
				}
			}
			again, err := e.srv.Annual.Published(ctx, e.site.ID, year)
			if err != nil || again == nil || again.ItemID == oldItem || again.IndexNo == "" || again.IndexNo == pub.IndexNo || !strings.Contains(again.Parts[0].Text, "更正后") {
				t.Fatalf("republished: %+v %v (old item %d, %s)", again, err, oldItem, pub.IndexNo)
			}
			if it, err := e.cat.Item(ctx, e.site.ID, oldItem); err != nil || it.Status != "withdrawn" {
				t.Errorf("old item: %+v %v", it, err)
			}
			if p := e.browser().get("/annual-reports/2021"); p.status != 200 || !strings.Contains(p.body, "更正后的总体情况") {
				t.Errorf("public page after republication: %d", p.status)
			}
		})
	}
}
