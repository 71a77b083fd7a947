package lists

import (
	"bytes"
	"strings"
	"testing"

	"gongkai/internal/errs"
)

// FuzzParseFile: any bytes under any name give rows or a user-facing
// error (never a panic, never an internal error), and accepted rows
// export and import back unchanged.
func FuzzParseFile(f *testing.F) {
	head := strings.Join(PowerList.Headers(), ",")
	f.Add([]byte(head+"\n1,A-1,名称,,行政许可,临沂市司法局,,依据,,,,否,责任,,追责,,\n"), "a.csv")
	f.Add([]byte(head+"\n\"unterminated\n"), "b.csv")
	f.Add([]byte("PK\x03\x04garbage"), "c.xlsx")
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0}, "d.xls")
	f.Add([]byte("\xb2\xe2\xca\xd4,\xc3\xfb\xb3\xc6\n"), "gbk.csv")
	var x bytes.Buffer
	PowerList.WriteFile(&x, XLSX, nil)
	f.Add(x.Bytes(), "t.xlsx")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		p, err := PowerList.parseFile(data, name)
		if err != nil {
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("%v: not a user-facing error", err)
			}
			return
		}
		var out bytes.Buffer
		if err := PowerList.WriteFile(&out, CSV, p.rows); err != nil {
			t.Fatal(err)
		}
		q, err := PowerList.parseFile(out.Bytes(), "again.csv")
		if err != nil {
			t.Fatalf("an export does not import back: %v", err)
		}
		if d := PowerList.diff(p.rows, q.rows); !d.Empty() || len(q.rows) != len(p.rows) {
			t.Fatalf("the round trip changed the rows: %+v", d)
		}
	})
}
