package app

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestStatisticsData (issue 15, seed task 13): a 统计数据 item carries its
// figures as a table — shown as an accessible table with an SVG chart,
// downloadable as CSV, imported in the back office from XLSX or CSV — and
// a table that is not one is refused with its row and column (both
// databases).
func TestStatisticsData(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		cols := c.columnIDs(t)
		item := func(data string, status int) apiResp {
			return c.exec(t, apiScenario{method: "POST", path: "/api/v1/items", token: "office", wantStatus: status, body: apiJSON(map[string]any{
				"column_id": cols["tjsj"], "department": "法制科", "title": "2025年全市司法行政业务数据", "disclosure": "proactive", "publish": true,
				"fields": map[string]string{"period": "2025年", "unit": "件", "data": data}})})
		}
		r := item("项目,2025年,2024年\n法律援助案件,七千,6850\n", 422)
		mustContain(t, r.body, `"data"`, "第 2 行第 2 列“七千”不是数值")
		it := item("项目,2025年,2024年\n法律援助案件,7215,6850\n人民调解纠纷,42310,\n公证业务,\"31,060\",29874\n", 201).item(t)
		page := e.browser().get(fmt.Sprintf("/items/%d", it.ID)).body
		mustContain(t, page, `<caption>2025年全市司法行政业务数据（单位：件）</caption>`, `<th scope="col">2024年</th>`,
			`<th scope="row">人民调解纠纷</th><td>42310</td><td>—</td>`, `role="img"`, "<title id=\"chart-", "条形图：3 个项目，2 组数据（2025年、2024年）",
			fmt.Sprintf(`href="/items/%d/data.csv"`, it.ID), ">31060</text>",
			// The metadata block is compact: two fields to a row.
			`<tr><th scope="row">统计期</th><td>2025年</td><th scope="row">计量单位</th><td>件</td></tr>`)
		mustNotContain(t, page, "作者：") // no empty label
		csv := e.browser().get(fmt.Sprintf("/items/%d/data.csv", it.ID))
		if csv.status != 200 || !strings.HasPrefix(csv.body, "\ufeff项目,2025年,2024年\n") || !strings.Contains(csv.body, `"31,060"`) {
			t.Errorf("csv: %d %q", csv.status, csv.body)
		}
		// The back office imports an XLSX over it: a new revision of the
		// published item; a bad file changes nothing.
		x := excelize.NewFile()
		x.SetSheetRow("Sheet1", "A1", &[]any{"项目", "2025年", "2024年", ""})
		x.SetSheetRow("Sheet1", "A2", &[]any{"法律援助案件", 7300, 6850})
		x.SetSheetRow("Sheet1", "A3", &[]any{"社区矫正对象", 1204, 1189})
		var buf bytes.Buffer
		x.Write(&buf)
		office := e.browser().login("office")
		path := fmt.Sprintf("/admin/items/%d", it.ID)
		mustContain(t, office.get(path).body, `action="/admin/items/`+fmt.Sprint(it.ID)+`/data"`)
		if r := office.multipart(path+"/data", url.Values{}, "file", "业务数据.xlsx", buf.Bytes()); r.status != 303 {
			t.Fatalf("import: %d %s", r.status, clipBody(r.body))
		}
		page = e.browser().get(fmt.Sprintf("/items/%d", it.ID)).body
		mustContain(t, page, `<th scope="row">社区矫正对象</th><td>1204</td><td>1189</td>`, "导入统计表：业务数据.xlsx")
		mustNotContain(t, page, "人民调解纠纷")
		if r := office.multipart(path+"/data", url.Values{}, "file", "坏.csv", []byte("项目\n法律援助案件\n")); r.status != 422 || !strings.Contains(r.body, "统计表至少需要两列") {
			t.Errorf("a one-column file: %d %s", r.status, clipBody(r.body))
		}
		mustContain(t, e.browser().get(fmt.Sprintf("/items/%d", it.ID)).body, `<th scope="row">社区矫正对象</th>`)
		if r := e.browser().login("fzk").multipart(path+"/data", url.Values{}, "file", "x.csv", []byte("a,b\nc,1\n")); r.status != 403 {
			t.Errorf("an editor replaces a published table: %d", r.status)
		}
	})
}
