package lists

import (
	"bytes"
	"strings"
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
)

// personKind is a kind with the person and link field kinds.
func personKind(t *testing.T) *Kind {
	k := &Kind{Code: "p_list", Name: "测试", Key: []string{"no"}, Title: "title", Until: "until",
		Fields: []catalog.Field{
			{Name: "no", Label: "编号", Kind: catalog.Text, Required: true, Max: 20},
			{Name: "title", Label: "名称", Kind: catalog.Text, Required: true, Max: 20},
			{Name: "name", Label: "姓名", Kind: catalog.Person, Max: 20},
			{Name: "id_no", Label: "证件号码", Kind: catalog.Person, Max: 18},
			{Name: "doc", Label: "依据文件", Kind: catalog.Link},
			{Name: "until", Label: "公示截止", Kind: catalog.Date},
		}}
	if err := check(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestPublicMasksPersons(t *testing.T) {
	k := personKind(t)
	rows := []Row{
		{Key: "A", Values: map[string]string{"no": "A", "title": "甲", "name": "张三丰", "id_no": "370102199001011234", "doc": "12"}},
		{Key: "B", Values: map[string]string{"no": "B", "title": "乙", "name": "李四", "until": "2025-06-30"}},
	}
	got := k.Public(rows, calendar.Day("2025-07-01"))
	if len(got) != 1 || got[0].Key != "A" {
		t.Fatalf("public rows = %+v, want A only (B's period ended 2025-06-30)", got)
	}
	if v := got[0].Values; v["name"] != "张**" || v["id_no"] != "370***********1234" {
		t.Errorf("masked = %q %q", v["name"], v["id_no"])
	}
	if rows[0].Values["id_no"] != "370102199001011234" {
		t.Error("Public changed the stored row")
	}
	if d := k.Display(got[0].Values, "id_no"); d != "370***********1234" {
		t.Errorf("display of a masked value masks again: %q", d)
	}
	if d := k.Display(rows[0].Values, "name"); d != "张**" {
		t.Errorf("display of a person = %q", d)
	}
	if d := k.Display(rows[0].Values, "doc"); d != "/items/12" {
		t.Errorf("display of a link = %q", d)
	}
	// A text search over public rows cannot find a row by its ID number.
	if m := k.Match(got, Query{Q: "199001011234"}); len(m) != 0 {
		t.Errorf("search by ID number matched %d rows", len(m))
	}
}

func TestMaskedExportImportsBack(t *testing.T) {
	k := personKind(t)
	stored := []Row{{Key: "A", Values: map[string]string{"no": "A", "title": "甲", "name": "张三丰", "id_no": "370102199001011234", "doc": "12"}}}
	var buf bytes.Buffer
	if err := k.WriteFile(&buf, CSV, k.Public(stored, calendar.Day("2025-01-01"))); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "199001011234") || strings.Contains(buf.String(), "三丰") {
		t.Fatalf("export carries the unmasked values:\n%s", buf.String())
	}
	prior := map[string]Row{"A": stored[0]}
	p, err := k.parseFileWith(buf.Bytes(), "x.csv", prior)
	if err != nil {
		t.Fatal(err)
	}
	if v := p.rows[0].Values; v["name"] != "张三丰" || v["id_no"] != "370102199001011234" || v["doc"] != "12" {
		t.Errorf("restored = %+v", v)
	}
	// A masked value that masks nothing in the current edition is refused by cell.
	_, err = k.parseFileWith(buf.Bytes(), "x.csv", nil)
	ce, ok := CellsOf(err)
	if !ok || len(ce.Cells) != 2 || ce.Cells[0].Row != 2 || ce.Cells[0].Column != "姓名" {
		t.Fatalf("err = %v %+v", err, ce)
	}
}

func TestMaskedLeaksNothing(t *testing.T) {
	for in, want := range map[string]string{
		"张三丰":                "张**",
		"张**":                "张**",                // already masked
		"370***********1234": "370***********1234", // already masked
		"370102199001011234": "370***********1234",
		// A "*" in a value is no licence to show it: too much around it.
		"37010219900101*":  "3**************",
		"张*三丰":             "张***",
		"370102*199001011": "3***************",
	} {
		if got := Masked(in); got != want {
			t.Errorf("Masked(%q) = %q, want %q", in, got, want)
		}
	}
}
