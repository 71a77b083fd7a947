package practice

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/catalog"
	"gongkai/internal/practice"
	"gongkai/internal/web"
)

// The yearly statistics are public: counts per department only, never a
// submission's text (the records are internal; what is published is the
// 工作动态 items, through the catalogue).

type statsPage struct {
	web.Page
	Stats *practice.Stats
	Years []int
	// News is the 工作动态 column, where the published submissions are.
	News *catalog.Column
}

func (s *Feature) stats(r *http.Request) (*practice.Stats, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	year, err := s.yearOf(r)
	if err != nil {
		return nil, err
	}
	return s.Practice.YearStats(r.Context(), web.SiteOf(r).Site.ID, year)
}

func (s *Feature) publicStats(w http.ResponseWriter, r *http.Request) {
	st, err := s.stats(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	p := &statsPage{Page: s.Page(r, fmt.Sprintf("%d年经验信息报送情况统计", st.Year)), Stats: st}
	if p.Years, err = s.Practice.Years(r.Context(), web.SiteOf(r).Site.ID); err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	if cols, err := s.Practice.NewsColumns(r.Context(), web.SiteOf(r).Site.ID); err == nil && len(cols) > 0 {
		p.News = cols[0]
		p.Column = cols[0]
	}
	s.Render(w, r, http.StatusOK, "public/practice_stats", p)
}

// statsHeader are the export's columns.
var statsHeader = []string{"科室", "报送", "选用", "报送上级", "被采用", "发布为工作动态"}

func statsRows(st *practice.Stats) [][]string {
	out := [][]string{statsHeader}
	row := func(d *practice.DeptStats) []string {
		return []string{d.Department, strconv.Itoa(d.Submitted), strconv.Itoa(d.Selected), strconv.Itoa(d.Forwarded), strconv.Itoa(d.Used), strconv.Itoa(d.Published)}
	}
	for _, d := range st.Departments {
		out = append(out, row(d))
	}
	return append(out, row(&st.Total))
}

func (s *Feature) statsCSV(w http.ResponseWriter, r *http.Request) {
	st, err := s.stats(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"practice-%d.csv\"", st.Year))
	w.Write([]byte("\ufeff")) // so spreadsheet programs read UTF-8
	cw := csv.NewWriter(w)
	cw.WriteAll(statsRows(st))
}

func (s *Feature) statsXLSX(w http.ResponseWriter, r *http.Request) {
	st, err := s.stats(r)
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := fmt.Sprintf("%d年经验信息报送", st.Year)
	f.SetSheetName("Sheet1", sheet)
	for i, row := range statsRows(st) {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if n, err := strconv.Atoi(v); err == nil && i > 0 {
				f.SetCellValue(sheet, cell, n)
			} else {
				f.SetCellValue(sheet, cell, v)
			}
		}
	}
	f.SetColWidth(sheet, "A", "A", 24)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"practice-%d.xlsx\"", st.Year))
	if err := f.Write(w); err != nil {
		s.LogErr(r, err)
	}
}
