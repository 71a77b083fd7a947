package execution

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/execution"
	"gongkai/internal/web"
)

// Downloads of the yearly overviews: the 总体情况 of the replies and the
// year's tasks with their states, as CSV (UTF-8 with a byte-order mark, for
// spreadsheet programs) and XLSX (figures as numbers).

type sheet struct {
	Name string
	Rows [][]string
}

func writeSheets(w http.ResponseWriter, r *http.Request, s *web.Server, format, file string, sheets []sheet) {
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"%s.csv\"", file))
		w.Write([]byte("\ufeff"))
		cw := csv.NewWriter(w)
		for i, sh := range sheets {
			if i > 0 {
				cw.Write(nil)
				cw.Write([]string{sh.Name})
			}
			cw.WriteAll(sh.Rows)
		}
		cw.Flush()
	default:
		f := excelize.NewFile()
		defer f.Close()
		for i, sh := range sheets {
			if i == 0 {
				f.SetSheetName("Sheet1", sh.Name)
			} else {
				f.NewSheet(sh.Name)
			}
			for y, row := range sh.Rows {
				for x, v := range row {
					cell, _ := excelize.CoordinatesToCellName(x+1, y+1)
					if n, err := strconv.ParseFloat(v, 64); err == nil && y > 0 && (v == "0" || !strings.HasPrefix(v, "0")) {
						f.SetCellValue(sh.Name, cell, n)
					} else {
						f.SetCellValue(sh.Name, cell, v)
					}
				}
			}
			f.SetColWidth(sh.Name, "A", "B", 28)
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"%s.xlsx\"", file))
		if err := f.Write(w); err != nil {
			s.LogErr(r, err)
		}
	}
}

// ProposalSheets are the 总体情况 of a year and its replies.
func ProposalSheets(o *execution.ReplyOverview, rs []*execution.Reply) []sheet {
	ov := [][]string{{"项目", "数量", "占比"}, {"承办建议提案", strconv.Itoa(o.Received), ""}}
	for _, k := range o.ByKind {
		ov = append(ov, []string{"其中：" + k.Label, strconv.Itoa(k.Count), ""})
	}
	ov = append(ov, []string{"已答复", strconv.Itoa(o.Replied), o.ReplyRate}, []string{"按期答复", strconv.Itoa(o.OnTime), o.OnTimeRate},
		[]string{"逾期未答复", strconv.Itoa(o.Overdue), ""})
	for _, c := range o.ByClass {
		ov = append(ov, []string{c.Label, strconv.Itoa(c.Count), c.Share})
	}
	for _, c := range o.Satisfaction {
		ov = append(ov, []string{"代表委员" + c.Label, strconv.Itoa(c.Count), c.Share})
	}
	ov = append(ov, []string{"满意和基本满意", "", o.SatisfiedRate}, []string{"复文已公开", strconv.Itoa(o.Published), ""}, []string{"复文不公开", strconv.Itoa(o.Withheld), ""})
	list := [][]string{{"编号", "类别", "标题", "主办单位", "交办日期", "答复期限", "答复日期", "按期答复", "办理结果分类", "公开方式", "复文公开日期"}}
	for _, r := range rs {
		on := ""
		if r.RepliedOn != "" {
			on = map[bool]string{true: "是", false: "否"}[r.OnTime]
		}
		list = append(list, []string{r.Number, execution.Proposals.Display(r.Values, "kind"), r.Title, r.LeadUnit, r.AssignedOn, r.Due, r.RepliedOn, on,
			execution.Proposals.Display(r.Values, "result_class"), execution.Proposals.Display(r.Values, "publish_mode"), r.PublishedOn})
	}
	return []sheet{{fmt.Sprintf("%d年总体情况", o.Year), ov}, {fmt.Sprintf("%d年办理复文", o.Year), list}}
}

// TaskSheets are the year's tasks with their states.
func TaskSheets(o *execution.TaskOverview) []sheet {
	sum := [][]string{{"状态", "任务数"}}
	for _, st := range o.States {
		sum = append(sum, []string{st.Label, strconv.Itoa(st.Count)})
	}
	sum = append(sum, []string{"合计", strconv.Itoa(o.Total)}, []string{"其中未按期更新进展", strconv.Itoa(o.Stale)})
	list := [][]string{{"任务编号", "任务名称", "任务来源", "牵头单位", "部署日期", "完成时限", "状态", "完成进度（%）", "最近进展", "完成日期"}}
	for _, t := range o.Tasks {
		list = append(list, []string{t.No, t.Title, t.Source, t.LeadUnit, t.StartsOn, t.Due, t.StateLabel, t.Percent, t.LastUpdate, t.Completed})
	}
	return []sheet{{fmt.Sprintf("%d年任务状态", o.Year), sum}, {fmt.Sprintf("%d年任务清单", o.Year), list}}
}

func (s *Feature) proposalsExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		y, err := s.year(r)
		if err == nil {
			err = s.ready()
		}
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		cal, err := s.Calendars.Current(r.Context())
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		ctx, siteID := r.Context(), web.SiteOf(r).Site.ID
		rs, err := s.Execution.Replies(ctx, siteID, y, cal, s.Today(), true)
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		o := execution.OverviewOf(y, rs, s.Today())
		writeSheets(w, r, s.Server, format, fmt.Sprintf("proposals-%d", y), ProposalSheets(o, rs))
	}
}

func (s *Feature) tasksExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		y, err := s.year(r)
		if err == nil {
			err = s.ready()
		}
		var o *execution.TaskOverview
		if err == nil {
			o, err = s.Execution.Overview(r.Context(), web.SiteOf(r).Site.ID, y, s.Today())
		}
		if err != nil {
			s.ErrorPage(w, r, err)
			return
		}
		writeSheets(w, r, s.Server, format, fmt.Sprintf("execution-%d", y), TaskSheets(o))
	}
}
