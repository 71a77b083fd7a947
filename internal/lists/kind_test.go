package lists

import (
	"bytes"
	"strings"
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
)

func TestCheckRefusesBadDeclarations(t *testing.T) {
	ok := func() *Kind {
		return &Kind{Code: "x_list", Name: "测试清单", Key: []string{"code"}, Title: "code",
			Fields: []catalog.Field{{Name: "code", Label: "编号", Kind: catalog.Text, Required: true, Max: 10}}}
	}
	if err := check(ok()); err != nil {
		t.Fatalf("good declaration refused: %v", err)
	}
	for name, mutate := range map[string]func(k *Kind){
		"optional key": func(k *Kind) { k.Fields[0].Required = false },
		"label twice": func(k *Kind) {
			k.Fields = append(k.Fields, catalog.Field{Name: "y", Label: "编号", Kind: catalog.Text, Max: 5})
		},
		"seq label": func(k *Kind) { k.Fields[0].Label = SeqHeader },
		"group kind": func(k *Kind) {
			k.Fields = append(k.Fields, catalog.Field{Name: "g", Label: "组", Kind: catalog.Group, Sub: k.Fields[:1]})
		},
		"person title": func(k *Kind) {
			k.Fields = append(k.Fields, catalog.Field{Name: "p", Label: "人", Kind: catalog.Person, Max: 5})
			k.Title = "p"
		},
		"person key": func(k *Kind) {
			k.Fields = append(k.Fields, catalog.Field{Name: "p", Label: "人", Kind: catalog.Person, Max: 5, Required: true})
			k.Key = []string{"p"}
		},
		"link key": func(k *Kind) {
			k.Fields = append(k.Fields, catalog.Field{Name: "l", Label: "链", Kind: catalog.Link, Required: true})
			k.Key = []string{"l"}
		},
		"flow not textarea": func(k *Kind) { k.Flow = "code" },
		"complete unknown":  func(k *Kind) { k.Complete = []string{"nope"} },
		"unknown column":    func(k *Kind) { k.ListCols = []string{"nope"} },
		"bad code":          func(k *Kind) { k.Code = "X" },
	} {
		k := ok()
		mutate(k)
		if err := check(k); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestParseReportsEveryCell(t *testing.T) {
	k := ProofItems
	head := strings.Join(k.Headers(), ",")
	// Row 2: commitment item without its 42号 texts; row 3: bad URL; row 4: extra cell without header.
	file := head + "\n" +
		"1,ZM-1,名称,事项,依据,甲,乙,/guide,是,,,,\n" +
		"2,ZM-2,名称,事项,依据,甲,乙,ftp://x,否,,,,\n" +
		"3,ZM-3,名称,事项,依据,甲,乙,/g,否,,,,,多余\n"
	_, err := k.parseFile([]byte(file), "p.csv")
	ce, ok := CellsOf(err)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, c := range ce.Cells {
		got = append(got, c.Column)
	}
	if strings.Join(got, "|") != "证明义务和证明内容|不实承诺的法律责任|办理指南|N 列" {
		t.Errorf("cells = %+v", ce.Cells)
	}
}

func TestPublicHidesRowsPastUntil(t *testing.T) {
	k := &Kind{Code: "decisions", Name: "测试决定", Key: []string{"no"}, Title: "no", Until: "offline_on",
		Fields: []catalog.Field{{Name: "no", Label: "决定书文号", Kind: catalog.Text, Required: true, Max: 50},
			{Name: "offline_on", Label: "公示截止日期", Kind: catalog.Date}}}
	if err := check(k); err != nil {
		t.Fatal(err)
	}
	rows := []Row{{Key: "a", Values: map[string]string{"offline_on": "2026-11-30"}}, {Key: "b", Values: map[string]string{"offline_on": "2026-12-01"}},
		{Key: "c", Values: map[string]string{}}}
	got := k.Public(rows, calendar.Date{Year: 2026, Month: 12, Day: 1})
	if len(got) != 2 || got[0].Key != "b" || got[1].Key != "c" {
		t.Errorf("public rows = %+v", got)
	}
	bad := *k
	bad.Until = "no"
	if check(&bad) == nil {
		t.Error("a non-date Until was accepted")
	}
}

func TestCSVFormulaGuardRoundTrips(t *testing.T) {
	k := DutyBoundary
	row := Row{Values: map[string]string{"code": "BJ-1", "boundary_item": "=HYPERLINK(\"http://x\")", "departments": "@甲", "lead_department": "+乙", "lead_duties": "-丙"}}
	var b strings.Builder
	if err := k.WriteFile(&b, CSV, []Row{row}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), ",=HYPERLINK") || !strings.Contains(b.String(), "'=HYPERLINK") {
		t.Errorf("formula not guarded: %s", b.String())
	}
	p, err := k.parseFile([]byte(b.String()), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range row.Values {
		if got := p.rows[0].Values[n]; got != want {
			t.Errorf("%s: %q after the round trip, want %q", n, got, want)
		}
	}
	if _, err := k.parseFile([]byte(strings.Repeat(",", MaxColumns+1)+"\n"), "x.csv"); err == nil || !strings.Contains(err.Error(), "列") {
		t.Errorf("too many columns: %v", err)
	}
}

// Every scalar kind a list may carry survives an export and an import, in
// both formats, in its canonical form.
func TestEveryKindRoundTrips(t *testing.T) {
	k := &Kind{Code: "all_kinds", Name: "全部类型", Key: []string{"code"}, Title: "name",
		Fields: []catalog.Field{
			{Name: "code", Label: "编号", Kind: catalog.Text, Required: true, Max: 20},
			{Name: "name", Label: "名称", Kind: catalog.Text, Max: 50},
			{Name: "text", Label: "说明", Kind: catalog.TextArea, Max: 500},
			{Name: "n", Label: "数量", Kind: catalog.Integer},
			{Name: "d", Label: "比例", Kind: catalog.Decimal, Scale: 3},
			{Name: "m", Label: "金额", Kind: catalog.Money, Unit: "万元"},
			{Name: "on", Label: "日期", Kind: catalog.Date},
			{Name: "ok", Label: "是否", Kind: catalog.Bool},
			{Name: "u", Label: "网址", Kind: catalog.URL, Max: 200},
			{Name: "e", Label: "类别", Kind: catalog.Select, Options: []catalog.Option{{Value: "a", Label: "甲类"}, {Value: "b", Label: "乙类"}}},
		}}
	if err := check(k); err != nil {
		t.Fatal(err)
	}
	in := map[string]string{"code": "007", "name": "=SUM(A1)", "text": "第一行\n第二行，含\"引号\"", "n": "-12", "d": "1234.5", "m": "１，２３４．５ 万元",
		"on": "2021-06-14", "ok": "是", "u": "https://www.linyi.gov.cn/a?b=1", "e": "乙类"}
	want := map[string]string{"code": "007", "name": "=SUM(A1)", "text": "第一行\n第二行，含\"引号\"", "n": "-12", "d": "1234.500", "m": "1234.50",
		"on": "2021-06-14", "ok": "1", "u": "https://www.linyi.gov.cn/a?b=1", "e": "b"}
	vals, bad := k.Validate(map[string]string{"code": in["code"], "name": in["name"], "text": in["text"], "n": in["n"], "d": in["d"], "m": in["m"],
		"on": in["on"], "ok": fromCell(catalog.Field{Kind: catalog.Bool}, in["ok"]), "u": in["u"], "e": in["e"]})
	if len(bad) > 0 {
		t.Fatalf("bad = %v", bad)
	}
	for n, w := range want {
		if vals[n] != w {
			t.Errorf("canonical %s = %q, want %q", n, vals[n], w)
		}
	}
	for _, format := range []string{CSV, XLSX} {
		var b bytes.Buffer
		if err := k.WriteFile(&b, format, []Row{{Values: vals}}); err != nil {
			t.Fatal(err)
		}
		p, err := k.parseFile(b.Bytes(), "x."+format)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		for n, w := range want {
			if got := p.rows[0].Values[n]; got != w {
				t.Errorf("%s: %s = %q after the round trip, want %q", format, n, got, w)
			}
		}
	}
}

func TestControlCharacterIsACell(t *testing.T) {
	head := strings.Join(DutyBoundary.Headers(), ",")
	_, err := DutyBoundary.parseFile([]byte(head+"\n1,BJ-1,事项\x01,甲,甲,职责,,,,,\n"), "x.csv")
	ce, ok := CellsOf(err)
	if !ok || len(ce.Cells) != 1 || ce.Cells[0].Row != 2 || ce.Cells[0].Column != "职责事项" {
		t.Fatalf("err = %v %+v", err, ce)
	}
	if got := cleanName("a\x00b\xffc.csv"); got != "abc.csv" {
		t.Errorf("cleanName = %q", got)
	}
}
