package catalog_test

import (
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// penalties are 《行政处罚法》第九条's categories (RECORDS §2.4 处罚类别).
var penalties = []string{"警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级", "吊销许可证件",
	"限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留"}

// recordType declares a field of every kind, shaped like the enforcement
// results that come next (RECORDS §2.4), so the engine is tested on them.
var recordType = &catalog.DocType{
	Code: "test_record", Name: "测试记录",
	Fields: []catalog.Field{
		{Name: "name", Label: "名称", Kind: catalog.Text, Required: true, Max: 200, Facet: true},
		{Name: "notes", Label: "说明", Kind: catalog.TextArea, Max: 5000},
		{Name: "count", Label: "件数", Kind: catalog.Integer, Sortable: true},
		{Name: "ratio", Label: "罚款金额（万元）", Kind: catalog.Decimal, Scale: 6, Unit: "万元", Facet: true},
		{Name: "amount", Label: "金额", Kind: catalog.Money, Sortable: true},
		{Name: "decided_on", Label: "决定日期", Kind: catalog.Date, Sortable: true},
		{Name: "category", Label: "类别", Kind: catalog.Select, Facet: true, Options: []catalog.Option{{"a", "甲类"}, {"b", "乙类"}, {"c", "丙类"}}},
		{Name: "penalties", Label: "处罚类别", Kind: catalog.MultiSelect, MaxItems: 5, Facet: true, Options: optionsOf(penalties...)},
		{Name: "public_flag", Label: "公开", Kind: catalog.Bool, Facet: true},
		{Name: "site_url", Label: "网址", Kind: catalog.URL, Max: 500},
		{Name: "party", Label: "当事人", Kind: catalog.Person, Max: 50},
		{Name: "related", Label: "相关文件", Kind: catalog.Link, Targets: []string{"policy"}},
		{Name: "fines", Label: "罚款明细", Kind: catalog.Group, MaxItems: 3, Sub: []catalog.Field{
			{Name: "party", Label: "当事人", Kind: catalog.Person, Required: true, Max: 50},
			{Name: "amount", Label: "金额", Kind: catalog.Money, Required: true},
			{Name: "paid_on", Label: "缴纳日期", Kind: catalog.Date},
			{Name: "note", Label: "备注", Kind: catalog.Text, Max: 100},
			{Name: "confirmed", Label: "已确认", Kind: catalog.Bool},
		}},
	},
	Meta:     []string{"name", "amount", "penalties", "party"},
	ListCols: []string{"amount"},
	Filters:  []string{"category", "penalties"},
	Deadlines: []catalog.DeadlineSpec{{Rule: "test_record.publish", Title: "决定作出后 7 个工作日内公开", Unit: catalog.Workdays, Days: 7,
		Start: "decided_on", Basis: "国办发〔2018〕118号"}},
}

func init() { catalog.RegisterDocType(recordType) }

func optionsOf(vals ...string) []catalog.Option {
	out := make([]catalog.Option, len(vals))
	for i, v := range vals {
		out[i] = catalog.Option{Value: v, Label: v}
	}
	return out
}

// recordColumn adds a column holding test records.
func (f *fixture) recordColumn() *catalog.Column {
	f.t.Helper()
	c := &catalog.Column{SiteID: f.site.ID, Slug: "records", Name: "测试记录", Kind: catalog.KindList, DocTypes: []string{"test_record"}}
	f.must(f.cat.SaveColumn(f.ctx, f.admin, c))
	return c
}

func (f *fixture) record(col *catalog.Column, title string, fields map[string]string) catalog.Input {
	in := catalog.Input{ColumnID: col.ID, DocType: "test_record", DepartmentID: f.fzk.ID, Title: title, Disclosure: "proactive",
		Fields: map[string]string{"name": title}}
	for k, v := range fields {
		in.Fields[k] = v
	}
	return in
}

// maxValue is a field's longest (or largest) valid value.
func maxValue(f catalog.Field, link string) string {
	switch f.Kind {
	case catalog.Date:
		_, max := f.DateRange()
		return max
	case catalog.Select:
		return f.Options[len(f.Options)-1].Value
	case catalog.Bool:
		return "1"
	case catalog.Integer:
		if f.Max > 0 {
			return strings.Repeat("9", f.Max)
		}
		return strconv.FormatInt(math.MaxInt64, 10)
	case catalog.Money:
		return strings.Repeat("9", catalog.MaxMoneyDigits) + ".99"
	case catalog.Decimal:
		s := strings.Repeat("9", 18-f.Scale)
		if f.Scale > 0 {
			s += "." + strings.Repeat("9", f.Scale)
		}
		return s
	case catalog.URL:
		return "https://example.cn/" + strings.Repeat("a", f.Max-len("https://example.cn/"))
	case catalog.Link:
		return link
	}
	return varied(f.Max)
}

// varied is n characters of text that does not compress: PostgreSQL
// compresses index values, so a repeated character would hide its b-tree
// row limit.
func varied(n int) string {
	r := make([]rune, n)
	x := uint32(12345)
	for i := range r {
		x = x*1664525 + 1013904223
		r[i] = rune(0x4E00 + x>>16%20000)
	}
	return string(r)
}

// TestLongTextNeverFaceted reproduces the PostgreSQL refusal of issue 7:
// a consultation with 1,500 characters of feedback failed with "index row
// size 4536 exceeds btree version 4 maximum 2704 for index
// item_facets_value" when every field went to item_facets.
func TestLongTextNeverFaceted(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		col := &catalog.Column{SiteID: f.site.ID, Slug: "zqyj", Name: "征求意见", Kind: catalog.KindList, DocTypes: []string{"consultation"}}
		f.must(f.cat.SaveColumn(f.ctx, f.admin, col))
		in := catalog.Input{ColumnID: col.ID, DocType: "consultation", DepartmentID: f.fzk.ID, Title: "征求意见", Disclosure: "proactive",
			Fields: map[string]string{"opens_on": "2021-01-01", "closes_on": "2021-02-01", "feedback": varied(1500), "feedback_on": "2021-02-10",
				"channels": varied(500)}}
		it, err := f.cat.Create(f.ctx, f.office, f.site.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if it.Fields["feedback"] != in.Fields["feedback"] {
			t.Errorf("feedback not stored whole")
		}
		var names []string
		rows, err := f.db.R.Query(`SELECT name FROM item_facets WHERE item_id = $1 ORDER BY name`, it.ID)
		f.must(err)
		defer rows.Close()
		for rows.Next() {
			var n string
			f.must(rows.Scan(&n))
			names = append(names, n)
		}
		if !slices.Equal(names, []string{"closes_on", "opens_on"}) {
			t.Errorf("facets = %v, want the two declared dates", names)
		}
	})
}

// TestEveryTypeAtMaximum creates an item of every type with every field,
// core and own, at its maximum length or largest value, on both databases,
// and reads back exactly what was sent. The 5,000-character 征求意见 feedback
// is the value PostgreSQL refused when every field went to item_facets
// ("index row size 4536 exceeds btree version 4 maximum 2704").
func TestEveryTypeAtMaximum(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policy := f.create(f.office, f.input("policy", "被关联的政策文件"))
		link := strconv.FormatInt(policy.ID, 10)
		for _, typ := range catalog.DocTypes() {
			t.Run(typ.Code, func(t *testing.T) {
				f := f.with(t)
				col := &catalog.Column{SiteID: f.site.ID, Slug: "max-" + strings.ReplaceAll(typ.Code, "_", "-"), Name: typ.Name, Kind: catalog.KindList, DocTypes: []string{typ.Code}}
				f.must(f.cat.SaveColumn(f.ctx, f.admin, col))
				in := catalog.Input{ColumnID: col.ID, DocType: typ.Code, DepartmentID: f.fzk.ID, Disclosure: "proactive", Fields: map[string]string{}}
				for _, c := range catalog.CoreFields() {
					if c.Name == "disclosure" || c.Name == "disclosure_reason" {
						continue
					}
					if typ.Has(c.Name) || c.Always {
						*c.InputValue(&in) = maxValue(c.Field, link)
					}
				}
				if in.WrittenOn != "" {
					in.WrittenOn = "2021-06-14" // 成文日期 may not lie after today
				}
				in.PublishedOn = "" // set at publication
				want := map[string]string{}
				for _, fd := range typ.Fields {
					switch {
					case fd.Core:
						if fd.Name == "written_on" {
							continue
						}
						*coreSlot(&in, fd.Name) = maxValue(fd, link)
					case fd.Kind == catalog.MultiSelect:
						n := min(fd.MaxItems, len(fd.Options))
						for _, o := range fd.Options[:n] {
							in.Lists = appendList(in.Lists, fd.Name, o.Value)
						}
					case fd.Kind == catalog.Group:
						for range fd.MaxItems {
							row := map[string]string{}
							for _, sf := range fd.Sub {
								row[sf.Name] = maxValue(sf, link)
							}
							in.Rows = appendRow(in.Rows, fd.Name, row)
						}
					default:
						in.Fields[fd.Name] = maxValue(fd, link)
						want[fd.Name] = maxValue(fd, link)
					}
				}
				if typ.Code == "statistics" {
					// A valid table of exactly the field's 20,000 characters.
					var b strings.Builder
					b.WriteString("项目,数值\n")
					for range 199 {
						b.WriteString(strings.Repeat("项", 97) + ",1\n")
					}
					b.WriteString(strings.Repeat("末", 92) + ",1")
					in.Fields["data"], want["data"] = b.String(), b.String()
				}
				if typ.Code == "consultation" {
					in.Fields["opens_on"], in.Fields["closes_on"] = "2100-11-01", "2100-12-31"
					want["opens_on"], want["closes_on"] = "2100-11-01", "2100-12-31"
				}
				if len(typ.InterpretTargets) > 0 {
					in.Interprets = []int64{f.explainedID()}
				}
				in.Title = strings.Repeat("题", 200)
				in.Summary = strings.Repeat("摘", 500)
				in.Body = "<p>" + strings.Repeat("正", 10000) + "</p>"
				it, err := f.cat.Create(f.ctx, f.fzkEditor, f.site.ID, in)
				if err != nil {
					t.Fatalf("create at maximum: %v (fields %v)", err, errs.FieldsOf(err))
				}
				for _, c := range catalog.CoreFields() {
					if (typ.Has(c.Name) || c.Always) && c.Name != "disclosure" && c.Name != "disclosure_reason" && c.Name != "published_on" {
						if got, sent := c.ItemValue(it), *c.InputValue(&in); got != sent {
							t.Errorf("core %s = %q (%d chars), sent %q", c.Name, clipS(got), len([]rune(got)), clipS(sent))
						}
					}
				}
				for k, v := range want {
					if got := it.Fields[k]; got != v {
						t.Errorf("field %s = %q, sent %q", k, clipS(got), clipS(v))
					}
				}
				for k, v := range in.Lists {
					if !slices.Equal(it.Lists[k], v) {
						t.Errorf("list %s = %v, sent %v", k, it.Lists[k], v)
					}
				}
				for k, rows := range in.Rows {
					if len(it.Rows[k]) != len(rows) {
						t.Fatalf("group %s has %d rows, sent %d", k, len(it.Rows[k]), len(rows))
					}
					for i := range rows {
						for sk, sv := range rows[i] {
							if it.Rows[k][i][sk] != sv {
								t.Errorf("group %s row %d %s = %q, sent %q", k, i, sk, it.Rows[k][i][sk], sv)
							}
						}
					}
				}
				// Long text never goes to the facet table.
				if n := f.count(`SELECT COUNT(*) FROM item_facets WHERE item_id = $1 AND LENGTH(value) > 200`, it.ID); n != 0 {
					t.Errorf("%d facet rows longer than 200 characters", n)
				}
				// The stored JSON stays readable: canonical strings, lists, rows.
				var raw string
				f.must(f.db.R.QueryRow(`SELECT fields FROM items WHERE id = $1`, it.ID).Scan(&raw))
				var back catalog.FieldValues
				if err := json.Unmarshal([]byte(raw), &back); err != nil || len(back.Fields) != len(it.Fields) || len(back.Lists) != len(it.Lists) || len(back.Rows) != len(it.Rows) {
					t.Errorf("stored fields %s do not read back (%v)", clipS(raw), err)
				}
				// One character more than the maximum is refused for every text field.
				for _, fd := range typ.Fields {
					if fd.Max == 0 || fd.Core || fd.Kind == catalog.Integer || fd.Kind == catalog.URL {
						continue
					}
					bad := in
					bad.Fields = map[string]string{}
					for k, v := range in.Fields {
						bad.Fields[k] = v
					}
					bad.Fields[fd.Name] = strings.Repeat("长", fd.Max+1)
					_, err := f.cat.Create(f.ctx, f.fzkEditor, f.site.ID, bad)
					if msg := errs.FieldsOf(err)[fd.Name]; !strings.Contains(msg, "不能超过") {
						t.Errorf("%s over its maximum: message %q (%v)", fd.Name, msg, err)
					}
				}
			})
		}
	})
}

func coreSlot(in *catalog.Input, name string) *string {
	c, _ := catalog.CoreFieldByName(name)
	return c.InputValue(in)
}

func appendList(m map[string][]string, k, v string) map[string][]string {
	if m == nil {
		m = map[string][]string{}
	}
	m[k] = append(m[k], v)
	return m
}

func appendRow(m map[string][]map[string]string, k string, row map[string]string) map[string][]map[string]string {
	if m == nil {
		m = map[string][]map[string]string{}
	}
	m[k] = append(m[k], row)
	return m
}

func clipS(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// TestRecordEdgeValues stores each kind's edge values and checks their
// canonical and display forms.
func TestRecordEdgeValues(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		col := f.recordColumn()
		policy := f.create(f.office, f.input("policy", "政策"))
		tests := []struct {
			name, field, sent, canon, display string
		}{
			{"max integer", "count", "9223372036854775807", "9223372036854775807", "9223372036854775807"},
			{"min integer", "count", "-9223372036854775808", "-9223372036854775808", "-9223372036854775808"},
			{"integer with separators", "count", "1,234", "1234", "1234"},
			{"full-width integer", "count", "１２３", "123", "123"},
			{"zero", "count", "-0", "0", "0"},
			{"money with separators", "amount", "1,234.56", "1234.56", "1,234.56 元"},
			{"money one decimal", "amount", "1234.5", "1234.50", "1,234.50 元"},
			{"money with unit", "amount", "88 元", "88.00", "88.00 元"},
			{"money many digits", "amount", "999,999,999,999,999.99", "999999999999999.99", "999,999,999,999,999.99 元"},
			{"negative money", "amount", "-1000000", "-1000000.00", "-1,000,000.00 元"},
			{"money leading zeros", "amount", "000.10", "0.10", "0.10 元"},
			{"negative zero money", "amount", "-0.00", "0.00", "0.00 元"},
			{"decimal full scale", "ratio", "0.000001", "0.000001", "0.000001 万元"},
			{"decimal largest", "ratio", "999999999999.999999", "999999999999.999999", "999,999,999,999.999999 万元"},
			{"decimal trailing zeros", "ratio", "1.500000000", "1.500000", "1.500000 万元"},
			{"first day of a year", "decided_on", "2021-01-01", "2021-01-01", "2021-01-01"},
			{"last day of a year", "decided_on", "2020-12-31", "2020-12-31", "2020-12-31"},
			{"leap day", "decided_on", "2024-02-29", "2024-02-29", "2024-02-29"},
			// The kind takes 0001-01-01 … 9999-12-31; an undeclared range is
			// 1900 … 2100 (TestDateBounds has the refusals).
			{"earliest date", "decided_on", catalog.DefaultMinDate, catalog.DefaultMinDate, catalog.DefaultMinDate},
			{"latest date", "decided_on", catalog.DefaultMaxDate, catalog.DefaultMaxDate, catalog.DefaultMaxDate},
			{"enum by value", "category", "b", "b", "乙类"},
			{"enum by label", "category", "丙类", "c", "丙类"},
			{"bool", "public_flag", "1", "1", "是"},
			{"site path", "site_url", "/items/1", "/items/1", "/items/1"},
			{"person spaces", "party", "  张  三丰 ", "张 三丰", "张 三丰"},
			{"link", "related", strconv.FormatInt(policy.ID, 10), strconv.FormatInt(policy.ID, 10), strconv.FormatInt(policy.ID, 10)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				it := f.create(f.fzkEditor, f.record(col, tt.name, map[string]string{tt.field: tt.sent}))
				if got := it.Fields[tt.field]; got != tt.canon {
					t.Errorf("stored %q, want %q", got, tt.canon)
				}
				if got := it.Display(tt.field); got != tt.display {
					t.Errorf("display %q, want %q", got, tt.display)
				}
			})
		}
		t.Run("multiselect", func(t *testing.T) {
			f := f.with(t)
			in := f.record(col, "多选", nil)
			in.Lists = map[string][]string{"penalties": {"罚款", "警告", "罚款", " ", "行政拘留", "责令关闭", "限制从业"}}
			it := f.create(f.fzkEditor, in)
			want := []string{"警告", "罚款", "责令关闭", "限制从业", "行政拘留"} // declaration order, no duplicates
			if !slices.Equal(it.List("penalties"), want) {
				t.Errorf("penalties = %v, want %v", it.List("penalties"), want)
			}
			if got := it.Display("penalties"); got != "警告、罚款、责令关闭、限制从业、行政拘留" {
				t.Errorf("display = %q", got)
			}
			if n := f.count(`SELECT COUNT(*) FROM item_facets WHERE item_id = $1 AND name = 'penalties'`, it.ID); n != 5 {
				t.Errorf("penalty facet rows = %d, want 5", n)
			}
			// Sent as one string through Fields (forms of scalar-only clients).
			in = f.record(col, "多选字符串", map[string]string{"penalties": "罚款、警告"})
			if it := f.create(f.fzkEditor, in); !slices.Equal(it.List("penalties"), []string{"警告", "罚款"}) || it.Fields["penalties"] != "" {
				t.Errorf("penalties from a string = %v (fields %v)", it.List("penalties"), it.Fields)
			}
		})
		t.Run("group", func(t *testing.T) {
			f := f.with(t)
			in := f.record(col, "分组", nil)
			in.Rows = map[string][]map[string]string{"fines": {
				{"party": "张三", "amount": "1,000", "paid_on": "2021-12-31", "confirmed": "1"},
				{"party": "", "amount": "", "note": " ", "confirmed": "0"}, // blank row: dropped
				{"party": "370102199001011234", "amount": "0.5", "note": "分期"},
			}}
			it := f.create(f.fzkEditor, in)
			rows := it.Rows["fines"]
			if len(rows) != 2 || rows[0]["amount"] != "1000.00" || rows[1]["amount"] != "0.50" || rows[0]["confirmed"] != "1" || rows[1]["confirmed"] != "" {
				t.Fatalf("rows = %v", rows)
			}
			if it.Value("fines") != "2" || it.Display("fines") != "2 行" {
				t.Errorf("value %q, display %q", it.Value("fines"), it.Display("fines"))
			}
			staff, public := it.Table("fines", false), it.Table("fines", true)
			if !slices.Equal(staff.Header, []string{"当事人", "金额", "缴纳日期", "备注", "已确认"}) {
				t.Errorf("header = %v", staff.Header)
			}
			if staff.Cells[0][0] != "张三" || staff.Cells[0][1] != "1,000.00 元" || staff.Cells[0][4] != "是" || staff.Cells[1][0] != "370102199001011234" {
				t.Errorf("staff cells = %v", staff.Cells)
			}
			if public.Cells[0][0] != "张*" || public.Cells[1][0] != "370***********1234" {
				t.Errorf("public cells = %v", public.Cells)
			}
		})
		t.Run("person masked publicly", func(t *testing.T) {
			f := f.with(t)
			it := f.create(f.fzkEditor, f.record(col, "当事人", map[string]string{"party": "张三丰"}))
			if it.Display("party") != "张三丰" || it.PublicDisplay("party") != "张**" {
				t.Errorf("staff %q, public %q", it.Display("party"), it.PublicDisplay("party"))
			}
			if n := f.count(`SELECT COUNT(*) FROM item_facets WHERE item_id = $1 AND name = 'party'`, it.ID); n != 0 {
				t.Errorf("a person went to the facet table")
			}
		})
		t.Run("edit keeps typed values", func(t *testing.T) {
			f := f.with(t)
			in := f.record(col, "修改", map[string]string{"amount": "5"})
			in.Lists = map[string][]string{"penalties": {"警告"}}
			in.Rows = map[string][]map[string]string{"fines": {{"party": "李四", "amount": "2"}}}
			it := f.create(f.fzkEditor, in)
			edit, err := f.cat.InputOf(f.ctx, it)
			f.must(err)
			edit.Fields["amount"] = "6.5"
			it, err = f.cat.Update(f.ctx, f.fzkEditor, f.site.ID, it.ID, edit)
			f.must(err)
			if it.Fields["amount"] != "6.50" || !slices.Equal(it.List("penalties"), []string{"警告"}) || it.Rows["fines"][0]["party"] != "李四" {
				t.Errorf("after edit: fields %v lists %v rows %v", it.Fields, it.Lists, it.Rows)
			}
		})
	})
}

// TestRecordValidationMessages sends one bad value of each kind and checks
// the Chinese message on the field's input name.
func TestRecordValidationMessages(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		col := f.recordColumn()
		news := f.create(f.office, f.input("news", "动态"))
		otherCol := &catalog.Column{SiteID: f.otherSite.ID, Slug: "zcwj", Name: "政策", Kind: catalog.KindList, DocTypes: []string{"policy"}}
		f.must(f.cat.SaveColumn(f.ctx, nil, otherCol))
		otherDept := &catalog.Department{SiteID: f.otherSite.ID, Name: "他处", Abbr: "tc"}
		f.must(f.cat.CreateDepartment(f.ctx, nil, otherDept))
		foreign, err := f.cat.Create(f.ctx, f.otherSiteOffice, f.otherSite.ID, catalog.Input{ColumnID: otherCol.ID, DocType: "policy", DepartmentID: otherDept.ID,
			Title: "别站政策", Disclosure: "proactive", WrittenOn: "2021-01-01", Validity: "in_force"})
		f.must(err)
		rows := func(n int) []map[string]string {
			var out []map[string]string
			for i := range n {
				out = append(out, map[string]string{"party": "王五", "amount": strconv.Itoa(i + 1)})
			}
			return out
		}
		tests := []struct {
			name   string
			edit   func(in *catalog.Input)
			field  string
			prefix string
		}{
			{"required text", func(in *catalog.Input) { in.Fields["name"] = " " }, "name", "请填写名称"},
			{"text too long", func(in *catalog.Input) { in.Fields["name"] = strings.Repeat("名", 201) }, "name", "名称不能超过 200 个字"},
			{"textarea too long", func(in *catalog.Input) { in.Fields["notes"] = strings.Repeat("说", 5001) }, "notes", "说明不能超过 5000 个字"},
			{"integer letters", func(in *catalog.Input) { in.Fields["count"] = "12a" }, "count", "件数应为整数"},
			{"integer decimal", func(in *catalog.Input) { in.Fields["count"] = "1.5" }, "count", "件数应为整数"},
			{"integer overflow", func(in *catalog.Input) { in.Fields["count"] = "9223372036854775808" }, "count", "件数超出范围"},
			{"decimal letters", func(in *catalog.Input) { in.Fields["ratio"] = "abc" }, "ratio", "罚款金额（万元）应为数字"},
			{"decimal too precise", func(in *catalog.Input) { in.Fields["ratio"] = "1.1234567" }, "ratio", "罚款金额（万元）最多保留 6 位小数"},
			{"decimal too large", func(in *catalog.Input) { in.Fields["ratio"] = "1234567890123" }, "ratio", "罚款金额（万元）数值过大"},
			{"money too precise", func(in *catalog.Input) { in.Fields["amount"] = "1.234" }, "amount", "金额最多保留 2 位小数"},
			{"money bad separators", func(in *catalog.Input) { in.Fields["amount"] = "1,23.4" }, "amount", "金额格式无效，应为金额"},
			{"money too large", func(in *catalog.Input) { in.Fields["amount"] = "1" + strings.Repeat("0", 15) }, "amount", "金额数值过大（整数部分不能超过 15 位）"},
			{"money float notation", func(in *catalog.Input) { in.Fields["amount"] = "1e6" }, "amount", "金额格式无效，应为金额"},
			{"date not a day", func(in *catalog.Input) { in.Fields["decided_on"] = "2021-02-29" }, "decided_on", "决定日期格式应为"},
			{"date slashes", func(in *catalog.Input) { in.Fields["decided_on"] = "2021/3/1" }, "decided_on", "决定日期格式应为"},
			{"enum unknown", func(in *catalog.Input) { in.Fields["category"] = "d" }, "category", "请从列表中选择类别"},
			{"multiselect unknown", func(in *catalog.Input) { in.Lists = map[string][]string{"penalties": {"警告", "批评教育"}} }, "penalties", "处罚类别的选项“批评教育”无效"},
			{"multiselect too many", func(in *catalog.Input) { in.Lists = map[string][]string{"penalties": penalties[:6]} }, "penalties", "处罚类别最多选择 5 项"},
			{"bool", func(in *catalog.Input) { in.Fields["public_flag"] = "2" }, "public_flag", "公开取值无效"},
			{"url scheme", func(in *catalog.Input) { in.Fields["site_url"] = "ftp://example.cn" }, "site_url", "网址应为 http(s)://"},
			{"person too long", func(in *catalog.Input) { in.Fields["party"] = strings.Repeat("人", 51) }, "party", "当事人不能超过 50 个字"},
			{"link not a number", func(in *catalog.Input) { in.Fields["related"] = "第一号" }, "related", "相关文件应为信息编号"},
			{"link unknown", func(in *catalog.Input) { in.Fields["related"] = "999999" }, "related", "相关文件：信息 999999 不存在"},
			{"link other site", func(in *catalog.Input) { in.Fields["related"] = strconv.FormatInt(foreign.ID, 10) }, "related", "不存在"},
			{"link wrong type", func(in *catalog.Input) { in.Fields["related"] = strconv.FormatInt(news.ID, 10) }, "related", "相关文件只能关联政策文件"},
			{"group too many rows", func(in *catalog.Input) { in.Rows = map[string][]map[string]string{"fines": rows(4)} }, "fines", "罚款明细最多 3 行"},
			{"group bad cell", func(in *catalog.Input) {
				r := rows(2)
				r[1]["amount"] = "一百"
				in.Rows = map[string][]map[string]string{"fines": r}
			}, "fines.1.amount", "罚款明细第 2 行的金额格式无效，应为金额"},
			{"group missing cell", func(in *catalog.Input) {
				in.Rows = map[string][]map[string]string{"fines": {{"amount": "5"}}}
			}, "fines.0.party", "请填写罚款明细第 1 行的当事人"},
			{"group bad date", func(in *catalog.Input) {
				r := rows(1)
				r[0]["paid_on"] = "2021-13-01"
				in.Rows = map[string][]map[string]string{"fines": r}
			}, "fines.0.paid_on", "罚款明细第 1 行的缴纳日期格式应为"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				in := f.record(col, tt.name, nil)
				tt.edit(&in)
				before := f.rowCounts()
				_, err := f.cat.Create(f.ctx, f.fzkEditor, f.site.ID, in)
				wantField(t, err, errs.Invalid, tt.field)
				if msg := errs.FieldsOf(err)[tt.field]; !strings.HasPrefix(msg, tt.prefix) && !strings.Contains(msg, tt.prefix) {
					t.Errorf("message %q, want %q", msg, tt.prefix)
				}
				f.unchanged(t, before)
			})
		}
	})
}

// TestFacetsAndRanges filters and sorts on declared facets on both databases.
func TestFacetsAndRanges(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		col := f.recordColumn()
		mk := func(title string, fields map[string]string, pens ...string) *catalog.Item {
			in := f.record(col, title, fields)
			if len(pens) > 0 {
				in.Lists = map[string][]string{"penalties": pens}
			}
			it := f.create(f.fzkEditor, in)
			it, err := f.cat.Submit(f.ctx, f.fzkEditor, f.site.ID, it.ID)
			f.must(err)
			return it
		}
		small := mk("小额", map[string]string{"amount": "100", "count": "-5", "decided_on": "2020-12-31", "ratio": "0.000001", "category": "a"}, "警告")
		mid := mk("中额", map[string]string{"amount": "1,234.56", "count": "0", "decided_on": "2021-01-01", "public_flag": "1", "category": "b"}, "警告", "罚款")
		big := mk("巨额", map[string]string{"amount": "999,999,999,999,999.99", "count": "9223372036854775807", "decided_on": "2021-12-31", "ratio": "999999999999.999999"}, "罚款")
		none := mk("无金额", map[string]string{})
		ids := func(p *catalog.Page) []int64 {
			var out []int64
			for _, it := range p.Items {
				out = append(out, it.ID)
			}
			return out
		}
		list := func(t *testing.T, fl catalog.Filter) []int64 {
			t.Helper()
			fl.SiteID, fl.Status, fl.ColumnIDs = f.site.ID, "*", []int64{col.ID}
			p, err := f.cat.List(f.ctx, fl, true)
			if err != nil {
				t.Fatalf("list %+v: %v", fl, err)
			}
			return ids(p)
		}
		set := func(its ...*catalog.Item) []int64 {
			var out []int64
			for _, it := range its {
				out = append(out, it.ID)
			}
			slices.Sort(out)
			return out
		}
		sorted := func(xs []int64) []int64 { slices.Sort(xs); return xs }
		tests := []struct {
			name string
			fl   catalog.Filter
			want []int64
		}{
			{"money range", catalog.Filter{Ranges: map[string]catalog.Range{"amount": {From: "1,000", To: "1234.56"}}}, set(mid)},
			{"money from", catalog.Filter{Ranges: map[string]catalog.Range{"amount": {From: "1234.57"}}}, set(big)},
			{"money to", catalog.Filter{Ranges: map[string]catalog.Range{"amount": {To: "100.00"}}}, set(small)},
			{"integer range with negatives", catalog.Filter{Ranges: map[string]catalog.Range{"count": {From: "-5", To: "0"}}}, set(small, mid)},
			{"integer max", catalog.Filter{Ranges: map[string]catalog.Range{"count": {From: "9223372036854775807"}}}, set(big)},
			{"decimal range", catalog.Filter{Ranges: map[string]catalog.Range{"ratio": {From: "0.000001", To: "0.000001"}}}, set(small)},
			{"date range across a year edge", catalog.Filter{Ranges: map[string]catalog.Range{"decided_on": {From: "2020-12-31", To: "2021-01-01"}}}, set(small, mid)},
			{"date year", catalog.Filter{Ranges: map[string]catalog.Range{"decided_on": {From: "2021-01-01", To: "2021-12-31"}}}, set(mid, big)},
			{"multiselect value", catalog.Filter{Facets: map[string]string{"penalties": "罚款"}}, set(mid, big)},
			{"two values of a multiselect", catalog.Filter{Facets: map[string]string{"penalties": "警告"}, Ranges: map[string]catalog.Range{"amount": {From: "1000"}}}, set(mid)},
			{"bool true", catalog.Filter{Facets: map[string]string{"public_flag": "1"}}, set(mid)},
			{"bool false", catalog.Filter{Facets: map[string]string{"public_flag": "0"}}, set(small, big, none)},
			{"enum", catalog.Filter{Facets: map[string]string{"category": "b"}}, set(mid)},
			{"money equality in another spelling", catalog.Filter{Facets: map[string]string{"amount": "1234.560"}}, set(mid)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := sorted(list(t, tt.fl)); !slices.Equal(got, tt.want) {
					t.Errorf("ids = %v, want %v", got, tt.want)
				}
			})
		}
		t.Run("sorting", func(t *testing.T) {
			for _, c := range []struct {
				sort string
				want []int64
			}{
				{"amount", []int64{small.ID, mid.ID, big.ID, none.ID}},
				{"-amount", []int64{big.ID, mid.ID, small.ID, none.ID}},
				{"count", []int64{small.ID, mid.ID, big.ID, none.ID}},
				{"-decided_on", []int64{big.ID, mid.ID, small.ID, none.ID}},
			} {
				if got := list(t, catalog.Filter{Sort: c.sort}); !slices.Equal(got, c.want) {
					t.Errorf("sort %s: %v, want %v", c.sort, got, c.want)
				}
			}
			fl := catalog.Filter{SiteID: f.site.ID, Status: "*", Sort: "-amount", Limit: 2}
			p, err := f.cat.List(f.ctx, fl, false)
			f.must(err)
			if p.NextCursor != "" || len(p.Items) != 2 || p.Items[0].ID != big.ID {
				t.Errorf("sorted page: %v, cursor %q", ids(p), p.NextCursor)
			}
			fl.Offset = 2
			if p, err = f.cat.List(f.ctx, fl, false); err != nil || len(p.Items) != 2 || p.Items[0].ID != small.ID {
				t.Errorf("second sorted page: %v (%v)", p, err)
			}
		})
		t.Run("bad filters", func(t *testing.T) {
			for _, c := range []struct {
				fl          catalog.Filter
				field, want string
			}{
				{catalog.Filter{Ranges: map[string]catalog.Range{"amount": {From: "很多"}}}, "amount.from", "金额格式无效，应为金额"},
				{catalog.Filter{Ranges: map[string]catalog.Range{"decided_on": {To: "2021-02-30"}}}, "decided_on.to", "决定日期格式应为"},
				{catalog.Filter{Ranges: map[string]catalog.Range{"count": {From: "5", To: "1"}}}, "count.to", "件数的结束值不能小于起始值"},
				{catalog.Filter{Ranges: map[string]catalog.Range{"category": {From: "a"}}}, "category", "该字段不能按范围筛选"},
				{catalog.Filter{Ranges: map[string]catalog.Range{"notes": {From: "a"}}}, "notes", "该字段不能按范围筛选"},
				{catalog.Filter{Sort: "notes"}, "sort", "该字段不能排序"},
				{catalog.Filter{Sort: "amount", Cursor: "x"}, "cursor", "排序时不能使用 cursor"},
			} {
				c.fl.SiteID = f.site.ID
				_, err := f.cat.List(f.ctx, c.fl, false)
				if errs.CodeOf(err) != errs.Invalid || !strings.Contains(errs.FieldsOf(err)[c.field], c.want) {
					t.Errorf("%+v: %v %v, want %s: %s", c.fl, err, errs.FieldsOf(err), c.field, c.want)
				}
			}
		})
		t.Run("policy normative=0", func(t *testing.T) {
			f := f.with(t)
			normative := f.input("policy", "规范性文件")
			normative.Fields = map[string]string{"normative": "1", "reg_no": "LYDR-2021-0010001"}
			yes := f.create(f.office, normative)
			no := f.create(f.office, f.input("policy", "非规范性文件"))
			for v, want := range map[string]int64{"1": yes.ID, "0": no.ID} {
				p, err := f.cat.List(f.ctx, catalog.Filter{SiteID: f.site.ID, Status: "*", DocType: "policy", Facets: map[string]string{"normative": v}}, false)
				f.must(err)
				if got := ids(p); !slices.Equal(got, []int64{want}) {
					t.Errorf("normative=%s: %v, want [%d]", v, got, want)
				}
			}
		})
		t.Run("rebuild", func(t *testing.T) {
			f := f.with(t)
			before := f.count(`SELECT COUNT(*) FROM item_facets`)
			if _, err := f.db.W.Exec(`DELETE FROM item_facets`); err != nil {
				t.Fatal(err)
			}
			n, err := f.cat.RebuildFacets(f.ctx, f.site.ID)
			f.must(err)
			if after := f.count(`SELECT COUNT(*) FROM item_facets`); after != before || n == 0 {
				t.Errorf("rebuilt %d items: %d facet rows, had %d", n, after, before)
			}
		})
	})
}

func TestFieldValuesJSON(t *testing.T) {
	var fv catalog.FieldValues
	in := `{"year": 2025, "flag": true, "off": false, "gone": null, "amount": "1,234.5", "tags": ["a", "b"], "rows": [{"n": 1, "ok": true}], "empty": []}`
	if err := json.Unmarshal([]byte(in), &fv); err != nil {
		t.Fatal(err)
	}
	if fv.Fields["year"] != "2025" || fv.Fields["flag"] != "1" || fv.Fields["off"] != "0" || fv.Fields["amount"] != "1,234.5" || len(fv.Fields) != 4 {
		t.Errorf("fields = %v", fv.Fields)
	}
	if !slices.Equal(fv.Lists["tags"], []string{"a", "b"}) || fv.Rows["rows"][0]["n"] != "1" || fv.Rows["rows"][0]["ok"] != "1" {
		t.Errorf("lists %v rows %v", fv.Lists, fv.Rows)
	}
	out, _ := json.Marshal(catalog.FieldValues{Fields: map[string]string{"a": "1"}, Lists: map[string][]string{"b": {"x"}},
		Rows: map[string][]map[string]string{"c": {{"d": "e"}}}})
	if string(out) != `{"a":"1","b":["x"],"c":[{"d":"e"}]}` {
		t.Errorf("marshal = %s", out)
	}
	for _, bad := range []string{`[]`, `{"a": {"b": 1}}`, `{"a": ["x", {"b": "c"}]}`, `{"a": [{"b": "c"}, "x"]}`, `{"a": [{"b": [1]}]}`, `{"a": [[1]]}`} {
		if err := json.Unmarshal([]byte(bad), &fv); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestReadForm(t *testing.T) {
	form := url.Values{
		"title": {"标题"}, "name": {"名称"}, "amount": {"1,000"},
		"penalties":     {"警告", "罚款"},
		"fines.1.party": {"李四"}, "fines.1.amount": {"2"},
		"fines.0.party": {"张三"}, "fines.0.amount": {"1"}, "fines.0.confirmed": {"1"},
		"fines.x.party":  {"无效行号"},
		"fines.99.party": {"超出行数"},
	}
	var in catalog.Input
	recordType.ReadForm(form, &in)
	if in.Fields["name"] != "名称" || in.Fields["amount"] != "1,000" || in.Fields["public_flag"] != "0" {
		t.Errorf("fields = %v", in.Fields)
	}
	if !slices.Equal(in.List("penalties"), []string{"警告", "罚款"}) {
		t.Errorf("penalties = %v", in.List("penalties"))
	}
	rows := in.GroupRows("fines")
	if len(rows) != 2 || rows[0]["party"] != "张三" || rows[0]["confirmed"] != "1" || rows[1]["party"] != "李四" || rows[1]["confirmed"] != "0" {
		t.Errorf("rows = %v", rows)
	}
	var p catalog.Input
	catalog.DocTypeByCode("policy").ReadForm(url.Values{"doc_no": {"临司发〔2021〕1号"}, "written_on": {"2021-01-01"}}, &p)
	if p.DocNo != "临司发〔2021〕1号" || p.WrittenOn != "2021-01-01" || p.Fields["normative"] != "0" {
		t.Errorf("policy form: %+v", p)
	}
}

func TestParseDecimal(t *testing.T) {
	for _, c := range []struct {
		in    string
		scale int
		want  string
		ok    bool
	}{
		{"1,234.56", 2, "1234.56", true}, {"1234.5", 2, "1234.50", true}, {"+7", 0, "7", true}, {".5", 2, "", false},
		{"1,2345", 2, "", false}, {"12,345,678", 0, "12345678", true}, {"-0", 2, "0.00", true}, {"0.10", 1, "0.1", true},
		{"1.05", 1, "", false}, {"", 2, "", false}, {"1 234", 2, "1234.00", true}, {"１，２３４．５", 2, "1234.50", true},
	} {
		got, err := catalog.ParseDecimal(c.in, c.scale, 15)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseDecimal(%q, %d) = %q, %v", c.in, c.scale, got, err)
		}
	}
	if got := catalog.GroupThousands("-1234567.50"); got != "-1,234,567.50" {
		t.Errorf("GroupThousands = %q", got)
	}
}

// TestDeclarationsRefused: declarations that cannot work panic at registration.
func TestDeclarationsRefused(t *testing.T) {
	for name, typ := range map[string]*catalog.DocType{
		"long text facet":  {Code: "x1", Name: "x", Fields: []catalog.Field{{Name: "a", Label: "a", Kind: catalog.TextArea, Max: 5000, Facet: true}}},
		"wide text facet":  {Code: "x2", Name: "x", Fields: []catalog.Field{{Name: "a", Label: "a", Kind: catalog.Text, Max: 1000, Facet: true}}},
		"person facet":     {Code: "x3", Name: "x", Fields: []catalog.Field{{Name: "a", Label: "a", Kind: catalog.Person, Max: 20, Facet: true}}},
		"facet kind clash": {Code: "x4", Name: "x", Fields: []catalog.Field{{Name: "amount", Label: "a", Kind: catalog.Integer, Facet: true}}},
		"filter not facet": {Code: "x5", Name: "x", Fields: []catalog.Field{{Name: "a", Label: "a", Kind: catalog.Text, Max: 5}}, Filters: []string{"a"}},
		"nested group": {Code: "x6", Name: "x", Fields: []catalog.Field{{Name: "g", Label: "g", Kind: catalog.Group, Sub: []catalog.Field{
			{Name: "h", Label: "h", Kind: catalog.Group, Sub: []catalog.Field{{Name: "i", Label: "i", Kind: catalog.Integer}}}}}}},
		"deadline start not a date": {Code: "x7", Name: "x", Fields: []catalog.Field{{Name: "a", Label: "a", Kind: catalog.Text, Max: 5}},
			Deadlines: []catalog.DeadlineSpec{{Rule: "r", Title: "t", Basis: "b", Unit: catalog.Workdays, Days: 1, Start: "a"}}},
		"too fine a scale": {Code: "x8", Name: "x", Fields: []catalog.Field{{Name: "a", Label: "a", Kind: catalog.Decimal, Scale: 7}}},
		"code twice":       {Code: "policy", Name: "x"},
		"text without max": {Code: "x9", Name: "x", Fields: []catalog.Field{{Name: "a", Label: "a", Kind: catalog.Text}}},
		"shadows a core":   {Code: "x10", Name: "x", Fields: []catalog.Field{{Name: "doc_no", Label: "a", Kind: catalog.Text, Max: 5}}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("registered")
				}
			}()
			catalog.RegisterDocType(typ)
		})
	}
}
