package catalog

import (
	"bytes"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"gongkai/internal/errs"
)

// fuzzFields declares one field of every scalar kind, as outside input
// (forms, the API, imports) reaches normalize.
var fuzzFields = []Field{
	{Name: "text", Label: "文本", Kind: Text, Max: 20},
	{Name: "textarea", Label: "多行", Kind: TextArea, Max: 200},
	{Name: "integer", Label: "整数", Kind: Integer, Max: 12},
	{Name: "decimal", Label: "小数", Kind: Decimal, Scale: 3},
	{Name: "decimal6", Label: "罚款金额", Kind: Decimal, Scale: MaxDecimalScale},
	{Name: "money", Label: "金额", Kind: Money},
	{Name: "wan", Label: "金额（万元）", Kind: Money, Unit: "万元"},
	{Name: "date", Label: "日期", Kind: Date},
	{Name: "select", Label: "类别", Kind: Select, Options: []Option{{"a", "甲"}, {"b", "乙"}}},
	{Name: "bool", Label: "是否", Kind: Bool},
	{Name: "url", Label: "网址", Kind: URL, Max: 200},
	{Name: "person", Label: "姓名", Kind: Person, Max: 30},
	{Name: "link", Label: "关联", Kind: Link},
}

// fuzzType holds a multiselect and a group besides the scalars.
var fuzzType = &DocType{Code: "fuzz", Name: "模糊测试", Fields: append(append([]Field{}, fuzzFields...),
	Field{Name: "tags", Label: "标签", Kind: MultiSelect, MaxItems: 3, Options: []Option{{"x", "子"}, {"y", "丑"}, {"z", "寅"}, {"w", "卯"}}},
	Field{Name: "fines", Label: "罚款", Kind: Group, MaxItems: 4, Sub: []Field{
		{Name: "party", Label: "当事人", Kind: Person, Max: 30},
		{Name: "amount", Label: "金额", Kind: Money},
		{Name: "on", Label: "日期", Kind: Date},
		{Name: "count", Label: "次数", Kind: Integer},
	}})}

// FuzzNormalize: every kind either refuses a value with a message or
// returns a canonical form that normalises to itself; number and date
// canonical forms have their sortable facet key; money and decimals read
// back what they display.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"1,234.5", "１，２３４．５", "-0.00", "1234.56 元", "12 万元", "999999999999999.99", "1e5", "0x10",
		"2021-06-14", "2021-02-29", "0001-01-01", "9999-12-31", "甲", "b", "1", "0", "https://www.gov.cn/", "/a", "javascript:alert(1)",
		"张  三", "110101199003077777", "#42", "-7", "+1", "00012", "9223372036854775808", "a\r\nb", " \t", "\x00", "\xff"} {
		f.Add(uint8(len(s)), s)
	}
	for i := range fuzzFields {
		f.Add(uint8(i), "1,234.5")
	}
	f.Fuzz(func(t *testing.T, kind uint8, val string) {
		fd := fuzzFields[int(kind)%len(fuzzFields)]
		c, msg := normalize(fd, val)
		if msg != "" {
			if c != "" {
				t.Errorf("%s %q: refused (%s) but returned %q", fd.Kind, val, msg, c)
			}
			return
		}
		if again, msg := normalize(fd, c); again != c || msg != "" {
			t.Errorf("%s: normalize(%q) = %q, but normalize(%q) = %q, %q: not idempotent", fd.Kind, val, c, c, again, msg)
		}
		if c == "" {
			return
		}
		if fd.Max > 0 && fd.Kind != Integer && utf8.RuneCountInString(c) > fd.Max {
			t.Errorf("%s %q: canonical %q longer than %d", fd.Kind, val, c, fd.Max)
		}
		switch fd.Kind {
		case Integer, Decimal, Money, Date:
			if _, ok := facetKey(fd, c); !ok {
				t.Errorf("%s %q: canonical %q has no facet key", fd.Kind, val, c)
			}
		}
		switch fd.Kind {
		case Money, Decimal:
			if back, msg := normalize(fd, display(fd, c, false)); back != c || msg != "" {
				t.Errorf("%s: %q displays as %q, which reads back as %q, %q", fd.Kind, c, display(fd, c, false), back, msg)
			}
			if frac := strings.SplitN(c, ".", 2); fd.scale() > 0 && (len(frac) != 2 || len(frac[1]) != fd.scale()) {
				t.Errorf("%s: canonical %q lacks %d fraction digits", fd.Kind, c, fd.scale())
			}
		case Select:
			if c != "a" && c != "b" {
				t.Errorf("select %q: canonical %q is not an option", val, c)
			}
		case Bool:
			if c != "0" && c != "1" {
				t.Errorf("bool %q: canonical %q", val, c)
			}
		case URL:
			if u, err := url.Parse(c); err != nil || !((u.Scheme == "http" || u.Scheme == "https") && u.Host != "" || u.Scheme == "" && strings.HasPrefix(c, "/")) {
				t.Errorf("url %q accepted as %q", val, c)
			}
		}
	})
}

// FuzzFieldValues: any JSON body's "fields" object either is refused with
// an invalid error or decodes to values that encode and decode to the same
// text; the values then validate to a canonical form that validates to
// itself without messages.
func FuzzFieldValues(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"integer": 2025, "bool": true, "money": "1,234.5"}`,
		`{"tags": ["x", "子", "x"], "fines": [{"party": "某公司", "amount": 12.5, "on": "2021-06-14"}, {}]}`,
		`{"tags": "x、y;z", "fines": [{"amount": {"a": 1}}]}`, `{"tags": [], "fines": [[]]}`, `{"a": [1, {"b": "c"}]}`,
		`{"date": "2021-02-30", "select": "乙", "link": "#7", "url": "https://x.example/?a=1"}`, `{"text": "\u0000\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fv FieldValues
		if err := json.Unmarshal(b, &fv); err != nil {
			if json.Valid(b) && errs.CodeOf(err) != errs.Invalid {
				t.Errorf("valid JSON %q refused without an invalid error: %v", b, err)
			}
			return
		}
		once, err := json.Marshal(fv)
		if err != nil {
			t.Fatalf("marshal %+v: %v", fv, err)
		}
		var fv2 FieldValues
		if err := json.Unmarshal(once, &fv2); err != nil {
			t.Fatalf("own encoding %s does not decode: %v", once, err)
		}
		twice, _ := json.Marshal(fv2)
		var fv3 FieldValues
		if err := json.Unmarshal(twice, &fv3); err != nil {
			t.Fatalf("own encoding %s does not decode: %v", twice, err)
		}
		if thrice, _ := json.Marshal(fv3); !bytes.Equal(twice, thrice) {
			t.Errorf("encoding not stable: %s then %s", twice, thrice)
		}

		var in Input
		in.SetValues(fv)
		v := errs.Validation{}
		fuzzType.validateValues(&in, v)
		if len(v) > 0 {
			return
		}
		first := FieldValues{Fields: in.Fields, Lists: in.Lists, Rows: in.Rows}
		again := Input{Fields: cloneMap(in.Fields), Lists: in.Lists, Rows: in.Rows}
		v2 := errs.Validation{}
		fuzzType.validateValues(&again, v2)
		if len(v2) > 0 || !reflect.DeepEqual(first, FieldValues{Fields: again.Fields, Lists: again.Lists, Rows: again.Rows}) {
			t.Errorf("validation not idempotent on %s:\n once  %+v\n twice %+v %v", b, first, again, v2)
		}
		if l := len(in.Lists["tags"]); l > 3 {
			t.Errorf("multiselect kept %d values, MaxItems is 3", l)
		}
		if l := len(in.Rows["fines"]); l > 4 {
			t.Errorf("group kept %d rows, MaxItems is 4", l)
		}
	})
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// FuzzFilterWhere: whatever a visitor puts in a list filter, the SQL text is
// built from the code's own fragments only (values go to arguments, one per
// placeholder), and range bounds on facets are refused as invalid rather
// than compared as text.
func FuzzFilterWhere(f *testing.F) {
	f.Add("LY-2021-01", "政务APP' OR 1=1 --", "amount", "1,000", "2e3", "$1", int64(3))
	f.Add("", "100%_\\", "written_on", "2021-02-29", "2021-01-01", "?", int64(0))
	f.Add("x", "", "no_such_field", "", "1", "'; DROP TABLE items; --", int64(-1))
	f.Add("", "", "effective_on", "2021-01-01", "2020-12-31", "1", int64(0))
	f.Add("", "", "normative", "", "", "false", int64(0))
	f.Fuzz(func(t *testing.T, indexNo, query, facet, from, to, value string, col int64) {
		flt := Filter{SiteID: 1, IndexNo: indexNo, Query: query, Publisher: value, Validity: value, DocType: value,
			Facets: map[string]string{facet: value, "x" + facet: from}, Ranges: map[string]Range{facet: {From: from, To: to}}}
		if col != 0 {
			flt.ColumnIDs = []int64{col, col + 1}
		}
		_, where, args, err := flt.where()
		if err != nil {
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("where: %v, want an invalid error", err)
			}
			return
		}
		own := strings.ReplaceAll(where, `ESCAPE '\'`, "")
		if strings.ContainsAny(own, "';") || strings.Contains(own, "--") {
			t.Fatalf("SQL holds text from outside: %s", where)
		}
		if n := strings.Count(where, "$"); n != len(args) {
			t.Fatalf("%d placeholders, %d arguments: %s", n, len(args), where)
		}
	})
}
