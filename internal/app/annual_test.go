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
			app := func(received string) int64 { return c.request(t, "office", staffApp("in_person", received), 201).ID }
			ev := func(id int64, body string) { c.event(t, "office", id, body, 201) }
			reply := func(id int64, on, decision string, reason int) {
				r := ""
				if reason != 0 {
					r = fmt.Sprintf(`,"reason":%d`, reason)
				}
				ev(id, fmt.Sprintf(`{"type":"replied","on":%q,"decision":%q%s,"reply":{"investigation":"经查","answer":"答复","policy":"无","law":"条例"}}`, on, decision, r))
			}
			// Carried in from 2020, answered in 2021.
			cin := app("2020-12-28")
			reply(cin, "2021-01-05", "disclosed", 0)
			// New in 2021, one per decision kind.
			dis := app("2021-03-01")
			reply(dis, "2021-03-05", "disclosed", 0)
			part := app("2021-03-02")
			reply(part, "2021-03-08", "partially_disclosed", 0)
			wh := app("2021-03-03")
			reply(wh, "2021-03-09", "withheld", 3)
			un := app("2021-03-04")
			reply(un, "2021-03-10", "unavailable", 1)
			nh := app("2021-03-05")
			reply(nh, "2021-03-11", "not_handled", 2)
			// A fee paid (31 pages: 10 yuan), then disclosed.
			fee := app("2021-04-01")
			ev(fee, `{"type":"fee_notified","on":"2021-04-06","fee_method":"per_page","units":31,"amount":10}`)
			ev(fee, `{"type":"fee_paid","on":"2021-04-08"}`)
			reply(fee, "2021-04-12", "disclosed", 0)
			// Carried into 2022.
			app("2021-12-27")
			// A reconsideration upheld and a lawsuit still pending.
			ev(wh, `{"type":"reconsideration_filed","on":"2021-04-01"}`)
			ev(wh, `{"type":"reconsideration_decided","on":"2021-05-20","result":"upheld"}`)
			ev(un, `{"type":"lawsuit_filed","on":"2021-06-01"}`)

			// Organisations: a commercial enterprise disclosed to, a legal
			// service body withheld from (3. 三安全一稳定).
			orgApp := func(orgType, credit, received string) int64 {
				body := fmt.Sprintf(`{"applicant":{"kind":"organization","name":"临沂某某%s","org_type":%q,"credit_code":%q,"legal_representative":"王某","contact_person":"李某","id_type":"id_card","id_number":"371302199001011234","phone":"13800000000","email":"a@example.cn","address":"临沂市兰山区"},"description":"2021年度律师事务所年度检查结果","form":"electronic","delivery":"email","channel":"in_person","received_on":%q,"department":"法制科"}`, orgType, orgType, credit, received)
				return c.request(t, "office", body, 201).ID
			}
			ent := orgApp("commercial", "91371300MA3C0123XY", "2021-05-06")
			reply(ent, "2021-05-12", "disclosed", 0)
			law := orgApp("legal_service", "31370000MD0123456X", "2021-05-07")
			reply(law, "2021-05-13", "withheld", 3)

			// Policy documents (table 二, 第二十条第（一）项): a 行政规范性文件
			// issued and in force, a 规章 (genre 命令（令）) issued, and an
			// older normative document that lapsed (有效期至) within the year.
			zcwj := e.mustTree(t).BySlug["zcwj"].ID
			policy := func(title, docNo, written, validity, genre string, fields map[string]string) {
				t.Helper()
				body, _ := json.Marshal(map[string]any{"column_id": zcwj, "doc_type": "policy", "department": "法制科", "title": title, "doc_no": docNo,
					"written_on": written, "validity": validity, "genre": genre, "fields": fields, "body": "<p>正文</p>", "disclosure": "proactive", "publish": true})
				if r := c.do(t, "POST", "/api/v1/items", "office", nil, string(body)); r.status != 201 {
					t.Fatalf("policy %s: %d %s", title, r.status, r.body)
				}
			}
			policy("临沂市司法局关于规范公证执业活动的规定", "临司发〔2021〕31号", "2021-05-10", "in_force", "通知", map[string]string{"normative": "1", "reg_no": "LYDR-2021-0150031", "effective_on": "2021-06-10"})
			policy("临沂市法律援助实施办法", "临沂市人民政府令第9号", "2021-06-01", "in_force", "命令（令）", map[string]string{"normative": "0", "effective_on": "2021-07-01"})
			policy("临沂市司法局关于人民调解员补贴的暂行规定", "临司发〔2019〕5号", "2019-03-01", "expired", "通知", map[string]string{"normative": "1", "reg_no": "LYDR-2019-0150005", "effective_on": "2019-04-01", "expires_on": "2021-09-30"})

			r, err := e.srv.Annual.Draft(ctx, e.site.ID, year)
			if err != nil {
				t.Fatal(err)
			}
			delta := func(table, row, col string) int {
				var a, b int
				fmt.Sscan(base.Value(table, row, col), &a)
				fmt.Sscan(r.Value(table, row, col), &b)
				return b - a
			}
			want := map[string]int{"new": 7, "carried_in": 1, "disclosed": 3, "partially_disclosed": 1, "withheld.3": 1, "unavailable.1": 1,
				"not_handled.2": 1, "withheld.1": 0, "other.3": 0, "total": 7, "carried_out": 1}
			for row, n := range want {
				if got := delta("requests", row, "natural_person"); got != n {
					t.Errorf("table 三 %s/natural_person: +%d, want +%d", row, got, n)
				}
			}
			// The organisations: in their own columns and in 总计.
			for _, x := range []struct {
				row, col string
				n        int
			}{{"new", "commercial_enterprise", 1}, {"disclosed", "commercial_enterprise", 1}, {"total", "commercial_enterprise", 1},
				{"new", "legal_service_org", 1}, {"withheld.3", "legal_service_org", 1}, {"total", "legal_service_org", 1},
				{"new", "research_institution", 0}, {"new", "other_org", 0}, {"new", "public_interest_org", 0}} {
				if got := delta("requests", x.row, x.col); got != x.n {
					t.Errorf("table 三 %s/%s: +%d, want +%d", x.row, x.col, got, x.n)
				}
			}
			for row, n := range map[string]int{"new": 2, "disclosed": 1, "withheld.3": 1, "total": 2} {
				if got, want := delta("requests", row, "total")-delta("requests", row, "natural_person"), n; got != want {
					t.Errorf("table 三 %s: 总计 − 自然人 = +%d, want the organisations' +%d", row, got, want)
				}
			}
			// The documents.
			for _, x := range []struct {
				row, col string
				n        int
			}{{"normative", "issued", 1}, {"normative", "in_force", 1}, {"normative", "repealed", 1}, {"rules", "issued", 1}, {"rules", "in_force", 1}, {"rules", "repealed", 0}} {
				if got := delta("proactive", x.row, x.col); got != x.n {
					t.Errorf("table 二 %s/%s: +%d, want +%d", x.row, x.col, got, x.n)
				}
			}
			for col, n := range map[string]int{"reconsideration.upheld": 1, "reconsideration.total": 1, "lawsuit_direct.pending": 1, "lawsuit_direct.total": 1, "lawsuit_after.total": 0} {
				if got := delta("review_litigation", "cases", col); got != n {
					t.Errorf("table 四 %s: +%d, want +%d", col, got, n)
				}
			}
			if !r.OK() {
				t.Fatalf("checks fail on the records: %+v", r.Checks)
			}
			if len(r.Tables.Requests.Rows) != 25 || len(r.Tables.ReviewLitigation.Rows[0].Cells) != 15 || len(r.Tables.Proactive.Blocks) != 4 {
				t.Fatalf("layout: %d rows, %d cells, %d blocks", len(r.Tables.Requests.Rows), len(r.Tables.ReviewLitigation.Rows[0].Cells), len(r.Tables.Proactive.Blocks))
			}
			// The fee: 10 yuan more in part 六 and table 二 (万元).
			var a, b float64
			fmt.Sscan(base.Value("proactive", "fees", "amount"), &a)
			fmt.Sscan(r.Value("proactive", "fees", "amount"), &b)
			if d := b - a; d < 0.00099 || d > 0.00101 {
				t.Errorf("fees: %v → %v", a, b)
			}
			// Enforcement figures: the same ledger as the enforcement page.
			f, err := e.srv.Enforce.AnnualReportFigures(ctx, e.site.ID, year)
			if err != nil {
				t.Fatal(err)
			}
			if r.Value("proactive", "penalty", "decisions") != fmt.Sprint(f.Penalties) || r.Value("proactive", "licence", "decisions") != fmt.Sprint(f.LicenceDecisions) {
				t.Errorf("table 二 decisions: %s %s vs %+v", r.Value("proactive", "penalty", "decisions"), r.Value("proactive", "licence", "decisions"), f)
			}

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
		})
	}
}
