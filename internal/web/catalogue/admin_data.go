package catalogue

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
)

// maxDataFile bounds a statistics table upload (a table of 200 rows is a
// few KB; an XLSX with styles some tens).
const maxDataFile = 2 << 20

// importData replaces a statistics item's table with an uploaded CSV or
// XLSX file (its first sheet), through the same save as the form: the
// table is checked (catalog.ParseDataTable), a published item gets a new
// revision with the change note, and a bad file changes nothing.
func (s *Feature) importData(w http.ResponseWriter, r *http.Request) {
	p := &itemAdminPage{AdminPage: s.AdminPage(r, "导入统计表")}
	it := s.loadItem(w, r)
	if it == nil {
		return
	}
	d := it.Type().Data
	if d == nil {
		s.AdminError(w, r, errs.E(errs.Invalid, "该类信息没有统计表"))
		return
	}
	fail := func(msg string) {
		p.Error = msg
		s.showItemWith(w, r, p, http.StatusUnprocessableEntity)
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		fail("请选择要导入的 CSV 或 XLSX 文件")
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxDataFile+1))
	if err != nil || len(data) > maxDataFile {
		fail("文件过大（统计表文件不超过 2 MB）")
		return
	}
	rows, err := lists.ReadTable(data, hdr.Filename)
	if err != nil {
		fail(errs.MessageOf(err))
		return
	}
	in, err := s.Catalog.InputOf(r.Context(), it)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	in.Fields[d.Table] = catalog.DataCSV(trimTable(rows))
	in.Version = it.Version
	if it.Status == catalog.StatusPublished {
		in.ChangeNote = "导入统计表：" + cleanFileName(hdr.Filename)
	}
	if _, err := s.Catalog.Update(r.Context(), p.User, p.Site.ID, it.ID, in); err != nil {
		s.LogErr(r, err)
		msg := errs.MessageOf(err)
		if f := errs.FieldsOf(err)[d.Table]; f != "" {
			msg = f
		}
		if errs.CodeOf(err) == errs.Forbidden || errs.CodeOf(err) == errs.Conflict {
			s.AdminError(w, r, err)
			return
		}
		fail("文件未导入：" + msg)
		return
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(it.ID, 10)+"?done=saved", http.StatusSeeOther)
}

// trimTable drops the empty rows and the empty trailing columns a
// spreadsheet leaves around a table.
func trimTable(rows [][]string) [][]string {
	var out [][]string
	width := 0
	for _, row := range rows {
		n := len(row)
		for n > 0 && strings.TrimSpace(row[n-1]) == "" {
			n--
		}
		if n == 0 {
			continue
		}
		width = max(width, n)
		out = append(out, row[:n])
	}
	for i, row := range out {
		for len(row) < width {
			row = append(row, "")
		}
		out[i] = row
	}
	return out
}
