package finance

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/finance"
	"gongkai/internal/web"
)

// A published report's tables as one download (CSV: the tables one after
// another, each with its title and unit; XLSX: a sheet per table, amounts
// as numbers), and the Atom feed of the newest published reports.

func (s *Feature) reportExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Finance == nil {
			s.ErrorPage(w, r, errNoService)
			return
		}
		id, err := idOf(r)
		var rep *finance.Report
		if err == nil {
			rep, err = s.Finance.Report(r.Context(), web.SiteOf(r).Site.ID, id, true)
		}
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		name := fmt.Sprintf("finance-%d-%s-%d", rep.Year, rep.Kind, rep.ID)
		if format == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"%s.csv\"", name))
			w.Write([]byte("\ufeff"))
			cw := csv.NewWriter(w)
			for i, t := range rep.Tables {
				if i > 0 {
					cw.Write(nil)
				}
				cw.Write([]string{fmt.Sprintf("表%d %s", t.Seq, t.Name), "单位：" + t.Unit})
				cw.WriteAll(append(append([][]string{}, t.Header...), t.Rows...))
			}
			cw.Flush()
			return
		}
		f := excelize.NewFile()
		defer f.Close()
		for i, t := range rep.Tables {
			sheet := fmt.Sprintf("表%d", t.Seq)
			if i == 0 {
				f.SetSheetName("Sheet1", sheet)
			} else {
				f.NewSheet(sheet)
			}
			set := func(x, y int, v any) {
				cell, _ := excelize.CoordinatesToCellName(x+1, y+1)
				f.SetCellValue(sheet, cell, v)
			}
			set(0, 0, t.Name)
			set(len(t.Text)-1, 1, "单位："+t.Unit)
			y := 2
			for _, h := range t.Header {
				for x, v := range h {
					set(x, y, v)
				}
				y++
			}
			for _, row := range t.Rows {
				for x, v := range row {
					if n, err := strconv.ParseFloat(v, 64); err == nil && x < len(t.Text) && !t.Text[x] {
						set(x, y, n)
					} else {
						set(x, y, v)
					}
				}
				y++
			}
			f.SetColWidth(sheet, "A", "B", 30)
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"%s.xlsx\"", name))
		if err := f.Write(w); err != nil {
			s.LogErr(r, err)
		}
	}
}

// feedSize is how many reports the feed carries.
const feedSize = 30

func (s *Feature) feed(w http.ResponseWriter, r *http.Request) {
	if s.Finance == nil {
		s.ErrorPage(w, r, errNoService)
		return
	}
	st := web.SiteOf(r)
	reps, err := s.Finance.Reports(r.Context(), st.Site.ID, finance.Filter{Public: true, Newest: true, Page: 1})
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	base := s.BaseURL(r)
	f := &web.AtomFeed{Title: st.Site.Name + " 财政预决算", ID: base + "/finance", Updated: web.AtomDate(""),
		Links:  []web.AtomLink{{Rel: "self", Href: base + "/finance/feed.xml"}, {Href: base + "/finance"}},
		Author: web.AtomPerson{Name: st.Site.Name}}
	for i, rep := range reps {
		if i >= feedSize {
			break
		}
		if i == 0 {
			f.Updated = web.AtomDate(rep.PublishedOn)
		}
		link := fmt.Sprintf("%s/finance/reports/%d", base, rep.ID)
		f.Entries = append(f.Entries, web.AtomEntry{Title: rep.Title(), ID: link, Link: web.AtomLink{Href: link}, Updated: web.AtomDate(rep.PublishedOn),
			Category: &web.AtomCategory{Term: rep.Kind, Label: rep.KindLabel},
			Summary:  fmt.Sprintf("%s，财政部门 %s 批复，%s 公开。", rep.Title(), rep.ApprovedOn, rep.PublishedOn)})
	}
	s.WriteAtom(w, f)
}
