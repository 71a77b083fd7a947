package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/finance"
	"gongkai/internal/lists"
	"gongkai/internal/lists/enforce"
)

// newListsEnv is the demo site with its lists published and indexed.
func newListsEnv(t *testing.T, e *env) *apiClient {
	t.Helper()
	ctx := context.Background()
	if err := e.srv.LoadListsDemo(ctx, e.site.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Search.ReindexAll(ctx, []int64{e.site.ID}, nil); err != nil {
		t.Fatal(err)
	}
	return newAPIClient(t, e)
}

// upload posts a file to the import endpoint.
func (c *apiClient) upload(t *testing.T, kind, token, name string, file []byte, form map[string]string) apiResp {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	for k, v := range form {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.ts.URL+"/api/v1/lists/"+kind+"/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+c.tokens[token])
	}
	res, err := c.e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return apiResp{status: res.StatusCode, body: string(b), header: res.Header}
}

func (c *apiClient) raw(t *testing.T, path string) []byte {
	t.Helper()
	res, err := c.e.ts.Client().Get(c.e.ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return b
}

type cellsBody struct {
	Error struct {
		Code  string       `json:"code"`
		Cells []lists.Cell `json:"cells"`
	} `json:"error"`
}

type diffBody struct {
	Added   []struct{ Key string } `json:"added"`
	Removed []struct{ Key string } `json:"removed"`
	Changed []struct {
		Key    string
		Fields []lists.FieldChange
	} `json:"changed"`
}

// powerCSV writes rows (raw values by field name) as a power-list CSV with
// the template's header.
func powerCSV(t *testing.T, rows []map[string]string) []byte {
	t.Helper()
	k := lists.PowerList
	var b bytes.Buffer
	b.WriteString("\xEF\xBB\xBF" + strings.Join(k.Headers(), ",") + "\r\n")
	for i, r := range rows {
		cells := []string{fmt.Sprint(i + 1)}
		for _, f := range k.Fields {
			v := r[f.Name]
			if strings.ContainsAny(v, ",\"\n") {
				v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
			}
			cells = append(cells, v)
		}
		b.WriteString(strings.Join(cells, ",") + "\r\n")
	}
	return b.Bytes()
}

func row300() []map[string]string {
	types := []string{"行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认", "行政奖励", "行政裁决", "其他行政权力"}
	var out []map[string]string
	for i := 1; i <= 300; i++ {
		out = append(out, map[string]string{"item_code": fmt.Sprintf("T-%03d", i), "item_name": fmt.Sprintf("测试事项%d", i), "power_type": types[i%10],
			"implementing_body": "临沂市司法局", "basis": "《中华人民共和国律师法》第四十七条", "duties": "1.立案责任", "accountability_cases": "玩忽职守的", "charges_fee": "否"})
	}
	return out
}

func clone(rows []map[string]string) []map[string]string {
	var out []map[string]string
	for _, r := range rows {
		c := map[string]string{}
		for k, v := range r {
			c[k] = v
		}
		out = append(out, c)
	}
	return out
}

func TestListsImportReportAndDiff(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newListsEnv(t, e)
		base := row300()
		r := c.upload(t, "power_list", "office", "base.csv", powerCSV(t, base), map[string]string{"note": "测试基础版本", "publish": "true", "effective_on": "2026-01-01"})
		if r.status != 201 {
			t.Fatalf("base import: %d %s", r.status, r.body)
		}
		var baseEd lists.Edition
		json.Unmarshal([]byte(r.body), &baseEd)
		if baseEd.Rows != 300 || baseEd.Status != "published" || baseEd.Number != 3 {
			t.Fatalf("base edition = %+v", baseEd)
		}

		// The next edition: 2 added, 1 removed, 3 changed, and 5 bad rows.
		next := clone(base)
		next[10]["item_name"] = "测试事项11（名称调整）"
		next[20]["basis"] = "《中华人民共和国律师法》第四十八条"
		next[30]["power_type"] = "行政许可"
		next = append(next[:50], next[51:]...) // T-051 removed
		next = append(next, map[string]string{"item_code": "T-301", "item_name": "新增事项一", "power_type": "行政检查", "implementing_body": "临沂市司法局", "basis": "依据", "duties": "责任", "accountability_cases": "追责"},
			map[string]string{"item_code": "T-302", "item_name": "新增事项二", "power_type": "行政奖励", "implementing_body": "临沂市司法局", "basis": "依据", "duties": "责任", "accountability_cases": "追责"})
		bad := clone(next)
		bad[4]["item_name"] = ""                         // file row 6
		bad[99]["power_type"] = "行政许可证"                  // row 101
		bad[149]["item_name"] = strings.Repeat("长", 201) // row 151
		bad[199]["item_code"] = "T 200"                  // row 201
		bad[249]["item_code"] = bad[248]["item_code"]    // row 251, duplicate of row 250
		before := c.do(t, "GET", "/api/v1/lists/power_list/editions", "", nil, "").body
		r = c.upload(t, "power_list", "office", "bad.csv", powerCSV(t, bad), map[string]string{"note": "调整", "publish": "true"})
		if r.status != 422 {
			t.Fatalf("bad import: %d %s", r.status, clipBody(r.body))
		}
		var cb cellsBody
		json.Unmarshal([]byte(r.body), &cb)
		want := []lists.Cell{{Row: 6, Column: "事项名称"}, {Row: 101, Column: "权力类型"}, {Row: 151, Column: "事项名称"}, {Row: 201, Column: "事项编码"}, {Row: 251, Column: "事项编码"}}
		if cb.Error.Code != "invalid" || len(cb.Error.Cells) != len(want) {
			t.Fatalf("cells = %+v, want %d cells", cb.Error.Cells, len(want))
		}
		for i, w := range want {
			if g := cb.Error.Cells[i]; g.Row != w.Row || g.Column != w.Column || g.Message == "" {
				t.Errorf("cell %d = %+v, want row %d column %s", i, g, w.Row, w.Column)
			}
		}
		mustContain(t, cb.Error.Cells[4].Message, "与第 250 行重复")
		if after := c.do(t, "GET", "/api/v1/lists/power_list/editions", "", nil, "").body; after != before {
			t.Error("a refused file changed the editions")
		}
		var drafts int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM list_editions WHERE status = 'draft'`).Scan(&drafts)
		if drafts != 0 {
			t.Errorf("%d drafts after a refused import", drafts)
		}

		r = c.upload(t, "power_list", "office", "fixed.csv", powerCSV(t, next), map[string]string{"note": "新增 2 项、取消 1 项、变更 3 项", "publish": "true", "effective_on": "2026-06-01"})
		if r.status != 201 {
			t.Fatalf("fixed import: %d %s", r.status, clipBody(r.body))
		}
		var ed lists.Edition
		json.Unmarshal([]byte(r.body), &ed)
		if ed.Added != 2 || ed.Removed != 1 || ed.Changed != 3 || ed.BaseID != baseEd.ID || ed.Rows != 301 {
			t.Fatalf("new edition = %+v", ed)
		}
		var d diffBody
		c.do(t, "GET", fmt.Sprintf("/api/v1/lists/power_list/diff?from=%d&to=%d", baseEd.ID, ed.ID), "", nil, "").decode(t, &d)
		keys := func(xs []struct{ Key string }) string {
			var s []string
			for _, x := range xs {
				s = append(s, x.Key)
			}
			return strings.Join(s, ",")
		}
		if keys(d.Added) != "T-301,T-302" || keys(d.Removed) != "T-051" || len(d.Changed) != 3 {
			t.Fatalf("diff = %+v", d)
		}
		changed := map[string]string{}
		for _, ch := range d.Changed {
			if len(ch.Fields) != 1 {
				t.Errorf("%s: fields %+v", ch.Key, ch.Fields)
				continue
			}
			changed[ch.Key] = ch.Fields[0].Name + ":" + ch.Fields[0].To
		}
		if changed["T-011"] != "item_name:测试事项11（名称调整）" || changed["T-021"] != "basis:《中华人民共和国律师法》第四十八条" || changed["T-031"] != "power_type:license" {
			t.Errorf("changed = %v", changed)
		}
		// The public diff page and the earlier edition stay available.
		page := e.browser().get(fmt.Sprintf("/lists/power_list/diff?from=%d&to=%d", baseEd.ID, ed.ID))
		if page.status != 200 {
			t.Fatalf("diff page: %d", page.status)
		}
		mustContain(t, page.body, "新增 2 项、取消 1 项、变更 3 项", "T-301 新增事项一", "测试事项11（名称调整）")
		old := e.browser().get(fmt.Sprintf("/lists/power_list/editions/%d?q=测试事项51", baseEd.ID))
		mustContain(t, old.body, "历史版本", "测试事项51")
	})
}

func TestListsRoundTrip(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newListsEnv(t, e)
		for _, format := range []string{"csv", "xlsx"} {
			file := c.raw(t, "/api/v1/lists/power_list/export?format="+format)
			if format == "xlsx" {
				// Edited in a spreadsheet: opened and saved again.
				f, err := excelize.OpenReader(bytes.NewReader(file))
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := f.Write(&buf); err != nil {
					t.Fatal(err)
				}
				file = buf.Bytes()
			}
			var cur struct{ Editions []lists.Edition }
			c.do(t, "GET", "/api/v1/lists/power_list/editions", "", nil, "").decode(t, &cur)
			r := c.upload(t, "power_list", "office", "export."+format, file, map[string]string{"note": "原样导入（" + format + "）", "publish": "true"})
			if r.status != 201 {
				t.Fatalf("%s: re-import: %d %s", format, r.status, clipBody(r.body))
			}
			var ed lists.Edition
			json.Unmarshal([]byte(r.body), &ed)
			if ed.Added+ed.Removed+ed.Changed != 0 || ed.Rows != cur.Editions[0].Rows || ed.Rows < 150 {
				t.Errorf("%s: round trip changed the list: %+v (was %d rows)", format, ed, cur.Editions[0].Rows)
			}
		}
		// The template is the export's header row.
		tpl := c.raw(t, "/api/v1/lists/power_list/template?format=csv")
		if got := strings.TrimPrefix(strings.TrimSpace(string(tpl)), "\xEF\xBB\xBF"); got != strings.Join(lists.PowerList.Headers(), ",") {
			t.Errorf("template = %q", got)
		}
	})
}

func TestListsMaxLength(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newListsEnv(t, e)
		// The engine's own kinds; the enforcement kinds have their own
		// maximum-length test (enforce_test.go: their cross-field rules).
		for _, k := range []*lists.Kind{lists.PowerList, lists.DutyBoundary, lists.ProofItems} {
			row := map[string]string{}
			for _, f := range k.Fields {
				switch f.Kind {
				case catalog.Text, catalog.TextArea:
					row[f.Name] = strings.Repeat("法", f.Max)
				case catalog.URL:
					row[f.Name] = "/" + strings.Repeat("a", f.Max-1)
				case catalog.Select:
					row[f.Name] = f.Options[0].Value
				case catalog.Bool:
					row[f.Name] = "1"
				}
			}
			for _, n := range k.Key {
				f, _ := k.Field(n)
				row[n] = strings.Repeat("A", f.Max)
			}
			var file bytes.Buffer
			if err := k.WriteFile(&file, lists.XLSX, []lists.Row{{Values: row}}); err != nil {
				t.Fatal(err)
			}
			r := c.upload(t, k.Code, "office", "max.xlsx", file.Bytes(), map[string]string{"note": strings.Repeat("注", lists.MaxNote), "publish": "true"})
			if r.status != 201 {
				t.Fatalf("%s: max import: %d %s", k.Code, r.status, clipBody(r.body))
			}
			var rows struct {
				Rows []struct{ Fields map[string]string }
			}
			c.do(t, "GET", "/api/v1/lists/"+k.Code+"/rows", "", nil, "").decode(t, &rows)
			if len(rows.Rows) != 1 {
				t.Fatalf("%s: rows = %d", k.Code, len(rows.Rows))
			}
			for _, f := range k.Fields {
				if got, want := rows.Rows[0].Fields[f.Name], row[f.Name]; got != want {
					t.Errorf("%s.%s: stored %d characters, sent %d", k.Code, f.Name, len([]rune(got)), len([]rune(want)))
				}
			}
			// The row page shows the longest values.
			if p := e.browser().get(lists.RowURL(k.Code, rows.Rows[0].Fields[k.Key[0]])); p.status != 200 {
				t.Errorf("%s: row page %d", k.Code, p.status)
			}
			// One character more is refused, naming the cell.
			row["remark"] += "长"
			file.Reset()
			k.WriteFile(&file, lists.CSV, []lists.Row{{Values: row}})
			r = c.upload(t, k.Code, "office", "over.csv", file.Bytes(), map[string]string{"note": "超长"})
			if r.status != 422 {
				t.Fatalf("%s: over-long: %d", k.Code, r.status)
			}
			mustContain(t, r.body, `"row":2`, `"column":"备注"`, "不能超过 1000 个字")
		}
	})
}

func TestListsBadFilesAndAccess(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newListsEnv(t, e)
		good := powerCSV(t, row300()[:3])
		gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes(bytes.TrimPrefix(good, []byte("\xEF\xBB\xBF")))
		if r := c.upload(t, "power_list", "office", "excel.csv", gbk, map[string]string{"note": "GBK"}); r.status != 201 {
			t.Errorf("GBK CSV: %d %s", r.status, r.body)
		}
		for _, tc := range []struct {
			name, file string
			data       []byte
			status     int
			want       string
		}{
			{"binary", "x.csv", []byte("\x00\x01\x02abc"), 422, "不是 CSV 或 XLSX"},
			{"broken xlsx", "x.xlsx", []byte("PK\x03\x04broken"), 422, "XLSX 文件已损坏"},
			{"xlsx name, text", "x.xlsx", []byte("hello"), 422, "不是有效的 XLSX"},
			{"old xls", "x.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0, 0}, 422, ".xls"},
			{"wrong headers", "x.csv", []byte("名称,类型\n甲,乙\n"), 422, `"row":1`},
			{"header only", "x.csv", []byte(strings.Join(lists.PowerList.Headers(), ",") + "\n"), 422, "只有表头"},
			{"empty", "x.csv", nil, 422, "文件是空的"},
			{"bad quote", "x.csv", []byte(strings.Join(lists.PowerList.Headers(), ",") + "\n1,\"A\n"), 422, "格式错误"},
		} {
			r := c.upload(t, "power_list", "office", tc.file, tc.data, map[string]string{"note": "x"})
			if r.status != tc.status || !strings.Contains(r.body, tc.want) {
				t.Errorf("%s: %d %s", tc.name, r.status, r.body)
			}
		}
		if r := c.upload(t, "power_list", "", "x.csv", good, nil); r.status != 401 {
			t.Errorf("no token: %d", r.status)
		}
		if r := c.upload(t, "power_list", "pfk", "x.csv", good, nil); r.status != 403 {
			t.Errorf("other department's editor: %d", r.status)
		}
		if r := c.upload(t, "power_list", "fzk", "x.csv", good, map[string]string{"publish": "true", "note": "x"}); r.status != 403 {
			t.Errorf("editor publishing: %d", r.status)
		}
		if r := c.upload(t, "power_list", "fzk", "x.csv", good, map[string]string{"note": "科室草稿"}); r.status != 201 || !strings.Contains(r.body, `"status":"draft"`) {
			t.Errorf("editor draft: %d %s", r.status, r.body)
		}
		if r := c.upload(t, "nope", "office", "x.csv", good, nil); r.status != 404 {
			t.Errorf("unknown kind: %d", r.status)
		}
		var audits int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'list.import'`).Scan(&audits)
		if audits < 3 {
			t.Errorf("%d list.import audit entries", audits)
		}
		for path, status := range map[string]int{
			"/api/v1/lists/power_list/rows?power_type=nope": 422, "/api/v1/lists/power_list/rows?cursor=zz": 422, "/api/v1/lists/power_list/rows?limit=999": 422,
			"/api/v1/lists/power_list/export?format=pdf": 422, "/api/v1/lists/power_list/diff?from=999999": 404, "/api/v1/lists/power_list/rows?edition=abc": 422,
		} {
			if r := c.do(t, "GET", path, "", nil, ""); r.status != status || !strings.Contains(r.body, `"error"`) {
				t.Errorf("%s: %d %s", path, r.status, r.body)
			}
		}
	})
}

func TestListsPublic(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newListsEnv(t, e)
		var kinds struct {
			Kinds []struct {
				Code    string
				Current *lists.Edition
			}
		}
		c.do(t, "GET", "/api/v1/lists", "", nil, "").decode(t, &kinds)
		if len(kinds.Kinds) != len(lists.Kinds()) || kinds.Kinds[0].Code != "power_list" || kinds.Kinds[0].Current.Number != 2 || kinds.Kinds[0].Current.Rows < 150 {
			t.Fatalf("kinds = %+v", kinds)
		}
		cur := kinds.Kinds[0].Current
		if cur.Added != 7 || cur.Removed != 3 || cur.Changed != 3 {
			t.Errorf("demo second edition: %+v", cur)
		}
		// Cursor pagination walks every row once.
		seen, pages, next := map[string]bool{}, 0, ""
		for {
			var p struct {
				Total      int
				NextCursor *string `json:"next_cursor"`
				Rows       []struct{ Key string }
			}
			c.do(t, "GET", "/api/v1/lists/power_list/rows?limit=40&power_type=penalty"+next, "", nil, "").decode(t, &p)
			for _, r := range p.Rows {
				if seen[r.Key] {
					t.Fatalf("row %s twice", r.Key)
				}
				seen[r.Key] = true
			}
			pages++
			if p.NextCursor == nil {
				if len(seen) != p.Total || p.Total < 60 {
					t.Errorf("walked %d of %d penalty rows", len(seen), p.Total)
				}
				break
			}
			next = "&cursor=" + url.QueryEscape(*p.NextCursor)
		}
		if pages < 2 {
			t.Errorf("%d pages", pages)
		}
		b := e.browser()
		list := b.get("/lists/power_list?power_type=license")
		mustContain(t, list.body, "律师执业许可", "第 2 版", "2022-03-01", "行政许可（", "新增 7 项、取消 3 项、变更 3 项")
		mustNotContain(t, list.body, "对律师事务所违法行为的行政处罚")
		// Made-up or over-long parameters neither error nor spoil the cached page.
		if r := b.get("/lists/power_list?utm_source=x&power_type=license"); r.status != 200 || strings.Contains(r.body, "不是可筛选的字段") {
			t.Errorf("unknown parameter: %d", r.status)
		}
		b.get("/lists/power_list?q=" + url.QueryEscape(strings.Repeat("没有", 20)))
		full := b.get("/lists/power_list")
		mustContain(t, full.body, fmt.Sprintf("共 %d 项", cur.Rows))
		row := b.get("/lists/power_list/rows/XK-LS-001")
		if row.status != 200 {
			t.Fatalf("row page: %d", row.status)
		}
		mustContain(t, row.body, "<h1>律师执业许可</h1>", "《中华人民共和国律师法》第五条", "受理责任", "<br>2.审查责任")
		// A row cancelled in the second edition keeps its permanent page.
		if r := b.get("/lists/power_list/rows/CF-FY-TL27-01"); r.status != 410 || !strings.Contains(r.body, "本事项已不在权责清单现行版本") || !strings.Contains(r.body, "《法律援助条例》第二十七条") {
			t.Errorf("removed row: %d", r.status)
		}
		if r := b.get("/lists/power_list/rows/NO-SUCH-ROW"); r.status != 404 {
			t.Errorf("unknown row: %d", r.status)
		}
		mustContain(t, b.get("/lists/power_list/editions").body, "第 1 版", "第 2 版", "新增 7、取消 3、变更 3")
		mustContain(t, b.get("/lists/power_list/feed.xml").body, "<feed", "法律援助法")
		mustContain(t, b.get("/lists/duty_boundary").body, "社区矫正对象监督管理")
		mustContain(t, b.get("/lists/proof_items").body, "无犯罪记录证明")
		mustContain(t, b.get("/lists").body, "权责清单", "职责边界清单", "证明事项实施清单")
		mustContain(t, b.get("/columns/qzqd").body, `href="/lists/power_list"`)
		if r := b.get("/columns/qzqd-list"); !strings.Contains(r.location+r.body, "/lists/power_list") {
			t.Errorf("the 权责清单 column does not lead to the list: %d %s", r.status, r.location)
		}
		// The site search finds list rows by their fields.
		s := c.do(t, "GET", "/api/v1/search?q="+url.QueryEscape("拒绝出庭作证")+"&kind=power_list", "", nil, "")
		mustContain(t, s.body, "/lists/power_list/rows/CF-JD-013-04")
		// Staff pages: the import form and the report of a refused file.
		office := e.browser().login("office")
		mustContain(t, office.get("/admin/lists/power_list").body, "导入模板", "第 2 版")
	})
}

func TestListsBackOfficeImport(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		newListsEnv(t, e)
		b := e.browser().login("fzk")
		post := func(file []byte, note string) resp {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			mw.WriteField("csrf", b.csrf)
			mw.WriteField("note", note)
			fw, _ := mw.CreateFormFile("file", "list.csv")
			fw.Write(file)
			mw.Close()
			req, _ := http.NewRequest("POST", e.ts.URL+"/admin/lists/power_list/import", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Origin", e.ts.URL)
			return b.do(req)
		}
		b.get("/admin/lists/power_list")
		rows := row300()[:5]
		rows[2]["power_type"] = "许可"
		r := post(powerCSV(t, rows), "科室调整")
		if r.status != 422 {
			t.Fatalf("bad file: %d", r.status)
		}
		mustContain(t, r.body, "错误报告（共 1 处", "第 4 行", "权力类型", "请从列表中选择权力类型")
		rows[2]["power_type"] = "行政许可"
		r = post(powerCSV(t, rows), "科室调整")
		if r.status != http.StatusSeeOther || !strings.Contains(r.location, "/admin/lists/power_list/editions/") {
			t.Fatalf("good file: %d %s", r.status, r.location)
		}
		page := b.get(r.location)
		mustContain(t, page.body, "草稿", "新增 5 项", "草稿须由政务公开办公室核对后发布")
		// The office publishes the draft; the public list shows it.
		office := e.browser().login("office")
		office.get(r.location)
		pub := office.post(strings.TrimSuffix(strings.Split(r.location, "?")[0], "/")+"/publish", url.Values{"effective_on": {"2026-12-01"}, "note": {"科室调整"}})
		if pub.status != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", pub.status, clipBody(pub.body))
		}
		mustContain(t, e.browser().get("/lists/power_list").body, "共 5 项", "科室调整")
	})
}

func TestListsSelfInspection(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newListsEnv(t, e)
		stale := func() map[string]string {
			rep, err := e.srv.Compliance.Run(context.Background(), e.site.ID, testDay)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, f := range rep.Findings {
				if f.Rule.Code == lists.RuleStale.Code {
					out[f.Link] = f.Due
				}
			}
			return out
		}
		// On 2026-12-01 every demo list is more than a year old.
		got := stale()
		if got["/admin/lists/power_list"] != "2023-03-01" || got["/admin/lists/duty_boundary"] != "2022-06-30" || got["/admin/lists/proof_items"] != "2022-12-20" {
			t.Fatalf("stale findings = %v", got)
		}
		// Confirming the power list (its export imported back, effective today) clears it.
		file := c.raw(t, "/api/v1/lists/power_list/export?format=csv")
		if r := c.upload(t, "power_list", "office", "confirm.csv", file, map[string]string{"note": "年度确认，内容无变化", "publish": "true"}); r.status != 201 {
			t.Fatalf("confirm: %d %s", r.status, r.body)
		}
		if got := stale(); got["/admin/lists/power_list"] != "" || len(got) != 2 {
			t.Errorf("after confirmation: %v", got)
		}
	})
}

func TestListsRowEditing(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newListsEnv(t, e)
		if r := e.browser().login("pfk").post("/admin/lists/power_list/drafts", nil); r.status != 403 {
			t.Errorf("other department's editor made a draft: %d", r.status)
		}
		b := e.browser().login("fzk")
		r := b.post("/admin/lists/power_list/drafts", nil)
		if r.status != http.StatusSeeOther {
			t.Fatalf("new draft: %d %s", r.status, clipBody(r.body))
		}
		draft := r.location
		page := b.get(draft)
		var cur struct{ Editions []lists.Edition }
		c.do(t, "GET", "/api/v1/lists/power_list/editions", "", nil, "").decode(t, &cur)
		mustContain(t, page.body, fmt.Sprintf("草稿中的事项（%d）", cur.Editions[0].Rows), "XK-LS-001")
		// Change a row.
		edit := b.get(draft + "/rows/XK-LS-001")
		mustContain(t, edit.body, `value="律师执业许可"`, `<option value="license" selected>`)
		form := url.Values{}
		for _, f := range lists.PowerList.Fields {
			form.Set(f.Name, "")
		}
		for _, m := range regexpAll(`name="([a-z_]+)" value="([^"]*)"`, edit.body) {
			form.Set(m[1], htmlUnescape(m[2]))
		}
		for _, m := range regexpAll(`(?s)name="([a-z_]+)" rows="6"[^>]*>(.*?)</textarea>`, edit.body) {
			form.Set(m[1], htmlUnescape(m[2]))
		}
		form.Del("charges_fee") // an unchecked checkbox is not sent
		form.Set("power_type", "license")
		form.Set("promised_time_limit", "5个工作日")
		if r := b.post(draft+"/rows/XK-LS-001", form); r.status != http.StatusSeeOther {
			t.Fatalf("save row: %d %s", r.status, clipBody(r.body))
		}
		// A bad new row: the form comes back with the field's message.
		bad := url.Values{"item_code": {"XK-LS-001"}, "item_name": {"新事项"}, "power_type": {"license"}, "implementing_body": {"临沂市司法局"},
			"basis": {"依据"}, "duties": {"责任"}, "accountability_cases": {"追责"}}
		r = b.post(draft+"/rows", bad)
		if r.status != 422 {
			t.Fatalf("duplicate key: %d", r.status)
		}
		mustContain(t, r.body, `href="#f-item_code"`, "事项编码“XK-LS-001”已在清单中", `aria-describedby="e-item_code"`)
		bad.Set("item_code", "XK-LS-999")
		if r := b.post(draft+"/rows", bad); r.status != http.StatusSeeOther {
			t.Fatalf("new row: %d %s", r.status, clipBody(r.body))
		}
		if r := b.post(draft+"/rows/QT-TJ-002/delete", nil); r.status != http.StatusSeeOther {
			t.Fatalf("delete row: %d", r.status)
		}
		mustContain(t, b.get(draft).body, "新增 1 项、取消 1 项、变更 1 项", "承诺时限")
		office := e.browser().login("office")
		office.get(draft)
		if r := office.post(draft+"/publish", url.Values{"note": {"在线调整"}, "effective_on": {"2026-12-01"}}); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", r.status, clipBody(r.body))
		}
		var d diffBody
		c.do(t, "GET", "/api/v1/lists/power_list/diff", "", nil, "").decode(t, &d)
		if len(d.Added) != 1 || d.Added[0].Key != "XK-LS-999" || len(d.Removed) != 1 || d.Removed[0].Key != "QT-TJ-002" ||
			len(d.Changed) != 1 || len(d.Changed[0].Fields) != 1 || d.Changed[0].Fields[0].Name != "promised_time_limit" {
			t.Errorf("diff = %+v", d)
		}
	})
}

func regexpAll(re, s string) [][]string { return regexp.MustCompile(re).FindAllStringSubmatch(s, -1) }

func htmlUnescape(s string) string { return html.UnescapeString(s) }

func TestListsConcurrentPublication(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		file := powerCSV(t, row300()[:20])
		const n = 4
		done := make(chan int, n)
		for i := 0; i < n; i++ {
			go func(i int) {
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				fw, _ := mw.CreateFormFile("file", "x.csv")
				fw.Write(file)
				mw.WriteField("note", fmt.Sprint("并发 ", i))
				mw.WriteField("publish", "true")
				mw.Close()
				req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/lists/power_list/import", &body)
				req.Header.Set("Content-Type", mw.FormDataContentType())
				req.Header.Set("Authorization", "Bearer "+c.tokens["office"])
				res, err := e.ts.Client().Do(req)
				if err != nil {
					done <- 0
					return
				}
				res.Body.Close()
				done <- res.StatusCode
			}(i)
		}
		for i := 0; i < n; i++ {
			if st := <-done; st != 201 {
				t.Errorf("concurrent import: %d", st)
			}
		}
		var eds struct{ Editions []lists.Edition }
		c.do(t, "GET", "/api/v1/lists/power_list/editions", "", nil, "").decode(t, &eds)
		seen := map[int]bool{}
		for _, ed := range eds.Editions {
			seen[ed.Number] = true
		}
		if len(eds.Editions) != n || !seen[1] || !seen[n] || len(seen) != n {
			t.Errorf("editions after concurrent publication: %+v", eds.Editions)
		}
	})
}

func TestListsDraftPublishedThroughAPI(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newListsEnv(t, e)
		r := c.upload(t, "power_list", "fzk", "draft.csv", powerCSV(t, row300()[:12]), map[string]string{"note": "科室草稿", "effective_on": "2026-12-15"})
		if r.status != 201 {
			t.Fatalf("draft: %d %s", r.status, r.body)
		}
		var d lists.Edition
		json.Unmarshal([]byte(r.body), &d)
		pub := fmt.Sprintf("/api/v1/lists/power_list/editions/%d/publish", d.ID)
		if r := c.do(t, "GET", "/api/v1/lists/power_list/editions?drafts=true", "", nil, ""); r.status != 401 {
			t.Errorf("drafts without a token: %d", r.status)
		}
		if r := c.do(t, "GET", "/api/v1/lists/power_list/editions?drafts=true", "pfk", nil, ""); r.status != 403 {
			t.Errorf("drafts for another department: %d", r.status)
		}
		mustContain(t, c.do(t, "GET", "/api/v1/lists/power_list/editions?drafts=true", "fzk", nil, "").body, `"status":"draft"`)
		mustNotContain(t, c.do(t, "GET", "/api/v1/lists/power_list/editions", "", nil, "").body, `"status":"draft"`)
		if r := c.do(t, "POST", pub, "fzk", nil, `{}`); r.status != 403 {
			t.Errorf("editor publishing: %d", r.status)
		}
		if r := c.do(t, "POST", pub, "office", nil, `{"effective_on":"2026-13-01"}`); r.status != 422 || !strings.Contains(r.body, "effective_on") {
			t.Errorf("bad date: %d %s", r.status, r.body)
		}
		r = c.do(t, "POST", pub, "office", nil, `{}`)
		if r.status != 200 || !strings.Contains(r.body, `"effective_on":"2026-12-15"`) || !strings.Contains(r.body, `"number":3`) {
			t.Fatalf("publish: %d %s", r.status, r.body)
		}
		if r := c.do(t, "POST", pub, "office", nil, `{}`); r.status != 409 {
			t.Errorf("publishing twice: %d", r.status)
		}
	})
}

// TestColumnPagesLinkCapabilities: a column's page links straight to the
// structured lists and capability pages declared for it (lists.Kind.Column,
// the enforcement and inspection features), and the navigation reaches
// those no link sub-column already shows.
func TestColumnPagesLinkCapabilities(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.browser()
		for _, sc := range []struct {
			column string
			want   []string
		}{
			{"qzqd", []string{"结构化清单和查询", `href="/lists/power_list"`}},
			{"zzbjqd", []string{`href="/lists/duty_boundary"`}},
			{"xzzfgs", []string{`href="/lists/enforcement_bodies"`, `href="/lists/enforcement_staff"`, `href="/lists/enforcement_matters"`,
				`href="/lists/enforcement_decisions"`, `href="/enforce/figures"`, `href="/enforce/certificates"`}},
			{"zmsxqd", []string{`href="/lists/proof_items"`}},
			{"zwfwsx", []string{`href="/lists/service_catalog"`}},
			{"bszn", []string{`href="/lists/service_guides"`}},
			{"ssjygk", []string{`href="/inspect"`, `href="/lists/inspection_items"`, `href="/lists/inspection_targets"`, `href="/lists/inspectors"`}},
		} {
			r := b.get("/columns/" + sc.column)
			if r.status != 200 {
				t.Fatalf("/columns/%s: %d", sc.column, r.status)
			}
			mustContain(t, r.body, sc.want...)
		}
		// A column with no capability pages has no such block.
		mustNotContain(t, b.get("/columns/zcwj").body, "结构化清单和查询")
		// The side navigation of any column of the group lists the pages
		// that no link sub-column points to (the 双随机 registries), once.
		nav := b.get("/columns/zcwj").body
		mustContain(t, nav, `<li><a href="/lists/inspection_targets">检查对象名录库</a></li>`)
		// (A link sub-column's entry goes straight to its page: once.)
		if n := strings.Count(nav, `href="/lists/power_list"`); n != 1 {
			t.Errorf("the power list is linked %d times from the navigation, want once (its link sub-column)", n)
		}
		if n := strings.Count(nav, `href="/inspect"`); n != 1 {
			t.Errorf("/inspect linked %d times from the navigation, want once (its link sub-column)", n)
		}
	})
}

// TestListsPublicRowsInDatabase: the database path of the public rows
// (filters, counts, pages) gives what reading the whole edition and
// matching in memory gives, for the enforcement decisions (publicity
// periods, masked persons, withdrawn decisions redacted) and the power
// list (a yes/no facet), with and without words.
func TestListsPublicRowsInDatabase(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.srv.LoadListsDemo(ctx, e.site.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.srv.LoadEnforceDemo(ctx, e.site.ID, testDay); err != nil {
			t.Fatal(err)
		}
		ls := e.srv.Lists
		for _, sc := range []struct {
			k      *lists.Kind
			facets map[string]string
			q      string
		}{
			{enforce.Decisions, nil, ""},
			{enforce.Decisions, map[string]string{"category": "penalty"}, ""},
			{enforce.Decisions, map[string]string{"category": "penalty", "party_type": "person"}, ""},
			{enforce.Decisions, map[string]string{"party_type": "legal"}, "律师事务所"},
			{enforce.Decisions, nil, "撤回"},
			{enforce.Decisions, nil, "行政处罚"}, // a choice's label: matched in memory
			{lists.PowerList, map[string]string{"charges_fee": "0"}, ""},
			{lists.PowerList, map[string]string{"power_type": "license", "charges_fee": "否"}, ""},
			{lists.PowerList, nil, "律师 执业"},
		} {
			cur, err := ls.Current(ctx, e.site.ID, sc.k)
			if err != nil || cur == nil {
				t.Fatal(cur, err)
			}
			q, err := sc.k.Normalize(lists.Query{Facets: sc.facets, Q: sc.q})
			if err != nil {
				t.Fatal(err)
			}
			all, err := ls.Rows(ctx, cur.ID)
			if err != nil {
				t.Fatal(err)
			}
			all = sc.k.Public(all, testDay)
			want := sc.k.Match(all, q)
			wantFacets := sc.k.FacetCounts(all, q)
			var got []lists.Row
			for off := 0; ; off += 7 {
				page, err := ls.PublicRows(ctx, sc.k, cur.ID, q, testDay, off, 0, 7)
				if err != nil {
					t.Fatal(err)
				}
				if page.All != len(all) || page.Total != len(want) {
					t.Fatalf("%s %v %q: all %d total %d, want %d %d", sc.k.Code, sc.facets, sc.q, page.All, page.Total, len(all), len(want))
				}
				if off == 0 && fmt.Sprint(page.Facets) != fmt.Sprint(wantFacets) {
					t.Errorf("%s %v %q: facets\n%v\nwant\n%v", sc.k.Code, sc.facets, sc.q, page.Facets, wantFacets)
				}
				got = append(got, page.Rows...)
				if len(page.Rows) < 7 {
					break
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s %v %q: %d rows differ from the in-memory match (%d)", sc.k.Code, sc.facets, sc.q, len(got), len(want))
			}
			if len(want) == 0 && sc.q == "" {
				t.Errorf("%s %v: nothing matched (the case tests nothing)", sc.k.Code, sc.facets)
			}
		}
	})
}

// TestListsYearFacetInDatabase: a date field's facet has one option per
// year (not per day), counted in the database as in memory, and a year
// filter in the database (substr of the canonical date) keeps the rows
// and counts the in-memory match keeps, alone and with another facet; a
// value that is no year is refused naming the field.
func TestListsYearFacetInDatabase(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.srv.LoadEnforceDemo(ctx, e.site.ID, testDay); err != nil {
			t.Fatal(err)
		}
		if err := e.srv.LoadFinanceDemo(ctx, e.site.ID); err != nil {
			t.Fatal(err)
		}
		ls := e.srv.Lists
		for _, sc := range []struct {
			k           *lists.Kind
			date, other string
		}{
			{enforce.Decisions, "decided_on", "category"},
			{finance.Notices, "notice_date", "notice_type"},
			{finance.Transactions, "published_on", "stage"},
		} {
			cur, err := ls.Current(ctx, e.site.ID, sc.k)
			if err != nil || cur == nil {
				t.Fatal(sc.k.Code, cur, err)
			}
			all, err := ls.Rows(ctx, cur.ID)
			if err != nil {
				t.Fatal(err)
			}
			all = sc.k.Public(all, testDay)
			years := sc.k.FacetCounts(all, lists.Query{})[sc.date]
			if len(years) == 0 {
				t.Fatalf("%s: no year in the %s facet", sc.k.Code, sc.date)
			}
			sum := 0
			for _, y := range years {
				if len(y.Value) != 4 || y.Label != y.Value+"年" {
					t.Errorf("%s: facet option %+v is not a year", sc.k.Code, y)
				}
				sum += y.Count
			}
			if sum != len(all) {
				t.Errorf("%s: the years count %d rows, the edition has %d", sc.k.Code, sum, len(all))
			}
			other := sc.k.FacetCounts(all, lists.Query{})[sc.other]
			if len(other) == 0 {
				t.Fatalf("%s: no value of %s", sc.k.Code, sc.other)
			}
			var cases []map[string]string
			for _, y := range years {
				cases = append(cases, map[string]string{sc.date: y.Value}, map[string]string{sc.date: y.Value + "年", sc.other: other[0].Value})
			}
			cases = append(cases, map[string]string{sc.date: "1999"})
			for _, facets := range cases {
				q, err := sc.k.Normalize(lists.Query{Facets: facets})
				if err != nil {
					t.Fatal(err)
				}
				want := sc.k.Match(all, q)
				wantFacets := sc.k.FacetCounts(all, q)
				var got []lists.Row
				for off := 0; ; off += 5 {
					page, err := ls.PublicRows(ctx, sc.k, cur.ID, q, testDay, off, 0, 5)
					if err != nil {
						t.Fatal(err)
					}
					if page.All != len(all) || page.Total != len(want) {
						t.Fatalf("%s %v: all %d total %d, want %d %d", sc.k.Code, facets, page.All, page.Total, len(all), len(want))
					}
					if off == 0 && fmt.Sprint(page.Facets) != fmt.Sprint(wantFacets) {
						t.Errorf("%s %v: facets\n%v\nwant\n%v", sc.k.Code, facets, page.Facets, wantFacets)
					}
					got = append(got, page.Rows...)
					if len(page.Rows) < 5 {
						break
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s %v: %d rows differ from the in-memory match (%d)", sc.k.Code, facets, len(got), len(want))
				}
				for _, r := range got {
					if !strings.HasPrefix(r.Values[sc.date], q.Facets[sc.date]) {
						t.Errorf("%s %v: row %s dated %s", sc.k.Code, facets, r.Key, r.Values[sc.date])
					}
				}
			}
			// The first year alone matches what it counts.
			q, _ := sc.k.Normalize(lists.Query{Facets: map[string]string{sc.date: years[0].Value}})
			if n := len(sc.k.Match(all, q)); n != years[0].Count {
				t.Errorf("%s: year %s counts %d, matches %d", sc.k.Code, years[0].Value, years[0].Count, n)
			}
			if _, err := sc.k.Normalize(lists.Query{Facets: map[string]string{sc.date: "2024-05-01"}}); errs.FieldsOf(err)[sc.date] == "" {
				t.Errorf("%s: a full date as the year filter: %v", sc.k.Code, err)
			}
		}
		// Over HTTP: the page offers years, and a year narrows the list.
		b := e.browser()
		r := b.get("/lists/procurement_notices")
		mustContain(t, r.body, `<select id="l-notice_date" name="notice_date"><option`, `年（`)
		if strings.Count(r.body, "<option") > 60 {
			t.Errorf("the notices page has %d options", strings.Count(r.body, "<option"))
		}
		r = b.get("/lists/procurement_notices?notice_date=20x")
		mustContain(t, r.body, `aria-describedby="e-notice_date"`, "应为四位年份，如 2025")
	})
}
