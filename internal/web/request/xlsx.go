package request

import (
	"fmt"
	"net/http"

	"github.com/xuri/excelize/v2"
)

// statsXLSX exports tables 三 and 四 as a workbook, one sheet each, laid out
// like the report (REFERENCE §2.3, §2.4): row labels, then the numbers.
func (s *Feature) statsXLSX(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadStats(r)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	t3, t4 := "表三 收到和处理申请情况", "表四 复议诉讼情况"
	f.SetSheetName("Sheet1", t3)
	if _, err := f.NewSheet(t4); err != nil {
		s.AdminError(w, r, err)
		return
	}
	set := func(sheet string, col, row int, v any) {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		f.SetCellValue(sheet, cell, v)
	}
	set(t3, 1, 1, fmt.Sprintf("%d年 三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", p.Year))
	for j, c := range p.Columns {
		set(t3, j+2, 2, c.Label)
	}
	for i, row := range p.Rows {
		set(t3, 1, i+3, row.Label)
		for j, c := range p.Columns {
			set(t3, j+2, i+3, p.N(row.Key, c.Code))
		}
	}
	f.SetColWidth(t3, "A", "A", 60)
	set(t4, 1, 1, fmt.Sprintf("%d年 四、政府信息公开行政复议、行政诉讼情况", p.Year))
	for j, res := range p.Results {
		set(t4, j+2, 2, res.Label)
	}
	for i, g := range p.Groups {
		set(t4, 1, i+3, g.Label)
		for j, res := range p.Results {
			set(t4, j+2, i+3, p.M(g.Code, res.Code))
		}
	}
	f.SetColWidth(t4, "A", "A", 24)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"requests-%d.xlsx\"", p.Year))
	if err := f.Write(w); err != nil {
		s.LogErr(r, err)
	}
}
