package calendar

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gongkai/internal/errs"
)

// NoticeWarnFrom is the month from which a missing notice for the next year
// is warned about: the State Council's notice usually comes out in November
// or December (REFERENCE §9.2: 2020-11-25, 2021-10-25, 2022-12-08,
// 2023-10-25, 2024-11-12, 2025-11-04).
const NoticeWarnFrom = time.November

// MissingNotice returns a warning for staff when the calendar lacks the
// holiday notice of today's year, or, from NoticeWarnFrom, of the next
// year; "" when nothing is missing.
func (c *Calendar) MissingNotice(today Date) string {
	if !c.Known(today.Year) {
		return fmt.Sprintf("本年度（%d年）放假通知尚未录入，当前按%s推算法定节假日，相关期限均为暂定。请在“节假日安排”中录入通知。", today.Year, StatutoryBasis)
	}
	if today.Month >= NoticeWarnFrom && !c.Known(today.Year+1) {
		return fmt.Sprintf("%d年度放假通知尚未录入：跨入%d年的期限暂按法定节假日推算（暂定）。国务院办公厅通知发布后，请在“节假日安排”中录入。", today.Year+1, today.Year+1)
	}
	return ""
}

// ParseDates reads a list of dates as staff type them into a form: dates
// (2027-01-01) and ranges (2027-02-05 至 2027-02-11, also with ~ or －),
// separated by new lines, commas, 、 or spaces. The result is sorted and
// without repeats. A bad entry is an errs.Invalid naming it.
func ParseDates(s string) ([]Date, error) {
	s = strings.NewReplacer("至", " ~ ", "－", " ~ ", "～", " ~ ", "到", " ~ ", "~", " ~ ").Replace(s)
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\t' || r == '\u3000'
	})
	var out []Date
	for i := 0; i < len(fields); i++ {
		a, err := Parse(fields[i])
		if err != nil {
			return nil, errs.E(errs.Invalid, "“%s”不是有效日期（应为 2027-01-01 这样的格式）", clipText(fields[i]))
		}
		if i+2 < len(fields) && fields[i+1] == "~" {
			b, err := Parse(fields[i+2])
			if err != nil {
				return nil, errs.E(errs.Invalid, "“%s”不是有效日期（应为 2027-01-01 这样的格式）", clipText(fields[i+2]))
			}
			if b.Before(a) || b.Sub(a) > 31 {
				return nil, errs.E(errs.Invalid, "日期范围 %s 至 %s 无效（结束日不能早于开始日，且不超过 31 天）", a, b)
			}
			for d := a; !d.After(b); d = d.AddDays(1) {
				out = append(out, d)
			}
			i += 2
			continue
		}
		if i+1 < len(fields) && fields[i+1] == "~" {
			return nil, errs.E(errs.Invalid, "日期范围不完整，应为“开始日期 至 结束日期”")
		}
		out = append(out, a)
	}
	slices.SortFunc(out, Date.Compare)
	return slices.Compact(out), nil
}

func clipText(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}
