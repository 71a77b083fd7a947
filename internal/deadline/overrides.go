package deadline

import (
	"fmt"
	"strconv"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// MaxMinimumDays bounds a lengthened minimum period (a consultation open a year).
const MaxMinimumDays = 365

func init() {
	// The catalogue refuses settings whose deadline periods break these rules,
	// whoever saves them (back office, API, command line).
	catalog.RegisterSettingsCheck(func(st *catalog.Settings, v errs.Validation) { checkOverrides(st.DeadlineDays, v) })
}

// OverrideField is the form field (and error key) of a rule's period.
func OverrideField(code string) string { return "deadline_" + code }

// ValidateOverrides checks a site's deadline periods (rule code -> days).
// A site may tighten a rule, never loosen it: a latest-date rule's period
// (条例第二十六条's 20 working days, the seed's 7 days …) may be shortened
// but not lengthened; a minimum period (consultations open ≥ 30 days) may be
// lengthened but not shortened. Fixed-date rules (条例第四十九条) take no
// period. Errors are keyed by OverrideField.
func ValidateOverrides(days map[string]int) error {
	v := errs.Validation{}
	checkOverrides(days, v)
	return v.Err()
}

func checkOverrides(days map[string]int, v errs.Validation) {
	for code, n := range days {
		r := RuleByCode(code)
		field := OverrideField(code)
		switch {
		case r == nil:
			v.Add(field, fmt.Sprintf("未知的期限规则 %q", code))
		case r.Unit == FixedDate:
			v.Add(field, fmt.Sprintf("%s：法定日期不能修改", r.Title))
		case r.Minimum && n < r.Days:
			v.Add(field, fmt.Sprintf("%s：不能少于法定的 %d 日（%s）", r.Title, r.Days, r.Basis))
		case r.Minimum && n > MaxMinimumDays:
			v.Add(field, fmt.Sprintf("%s：期限不能超过 %d 日", r.Title, MaxMinimumDays))
		case !r.Minimum && n < 1:
			v.Add(field, fmt.Sprintf("%s：期限至少为 1 日", r.Title))
		case !r.Minimum && n > r.Days:
			v.Add(field, fmt.Sprintf("%s：只能缩短、不能延长法定的 %d %s（%s）", r.Title, r.Days, unitWord(r.Unit), r.Basis))
		}
	}
}

func unitWord(u Unit) string {
	if u == Workdays {
		return "个工作日"
	}
	return "日"
}

// ParseOverrides reads periods as typed in a form (rule code -> text; ""
// keeps the default), validates them and returns the ones that differ from
// the default, ready for catalog.Settings.DeadlineDays (nil when none).
func ParseOverrides(raw map[string]string) (map[string]int, error) {
	v := errs.Validation{}
	var out map[string]int
	for _, r := range AllRules() {
		text := strings.TrimSpace(raw[r.Code])
		if r.Unit == FixedDate || text == "" {
			continue
		}
		n, err := strconv.Atoi(text)
		if err != nil {
			v.Add(OverrideField(r.Code), r.Title+"：期限应为整数")
			continue
		}
		if n == r.Days {
			continue
		}
		if out == nil {
			out = map[string]int{}
		}
		out[r.Code] = n
	}
	checkOverrides(out, v)
	return out, v.Err()
}
