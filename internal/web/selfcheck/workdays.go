package selfcheck

import (
	"net/http"
	"reflect"
	"strconv"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

// apiExplanation is a deadline computation as the API shows it.
type apiExplanation struct {
	Start    string   `json:"start"`
	End      string   `json:"end"`
	N        int      `json:"n"`
	Summary  string   `json:"summary"`
	Basis    string   `json:"basis"`
	Warnings []string `json:"warnings"`
	// Provisional: a year of the count has no holiday notice yet.
	Provisional bool      `json:"provisional"`
	Steps       []apiStep `json:"steps"`
}

type apiStep struct {
	Date    string `json:"date"`
	Kind    string `json:"kind"`
	Counted bool   `json:"counted"`
	Note    string `json:"note"`
}

// Schemas ties the workdays API's Go types to their OpenAPI schemas
// (checked by the scenario tests in internal/app).
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(apiExplanation{}), Schema: "#/components/schemas/WorkdayExplanation"},
		{Type: reflect.TypeOf(apiStep{}), Schema: "#/components/schemas/WorkdayExplanation/properties/steps/items"},
	}
}

func toAPIExplanation(e calendar.Explanation) apiExplanation {
	out := apiExplanation{Start: e.Start.String(), End: e.End.String(), N: e.N, Summary: e.Summary, Basis: e.Basis, Warnings: e.Warnings, Provisional: e.Provisional, Steps: []apiStep{}}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	for _, s := range e.Steps {
		out.Steps = append(out.Steps, apiStep{Date: s.Date.String(), Kind: s.Kind.String(), Counted: s.Counted, Note: s.Note})
	}
	return out
}

func queryDate(r *http.Request, name string, v errs.Validation) calendar.Date {
	d, err := calendar.Parse(r.URL.Query().Get(name))
	if err != nil {
		v.Add(name, name+" 应为 YYYY-MM-DD 格式的日期")
	}
	return d
}

func queryDays(r *http.Request, v errs.Validation) int {
	n, err := strconv.Atoi(r.URL.Query().Get("days"))
	if err != nil || n < 0 || n > 3660 {
		v.Add("days", "days 应为 0 到 3660 之间的整数")
	}
	return n
}

// apiWorkdays answers the working-day questions of `gongkai workdays`:
// add (N working days), days (N calendar days), between, is.
func (s *Feature) apiWorkdays(w http.ResponseWriter, r *http.Request) {
	cal, err := s.Calendar.Current(r.Context())
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	v := errs.Validation{}
	op := r.PathValue("op")
	switch op {
	case "add", "days":
		d, n := queryDate(r, "date", v), queryDays(r, v)
		if err := v.Err(); err != nil {
			s.APIError(w, r, err)
			return
		}
		var e calendar.Explanation
		if op == "add" {
			e = cal.ExplainAddWorkdays(d, n)
		} else {
			e = cal.ExplainAddDays(d, n)
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"date": d.String(), "days": n, "due": e.End.String(), "calendar_version": cal.Version(),
			"provisional": e.Provisional, "explanation": toAPIExplanation(e)})
	case "between":
		a, b := queryDate(r, "from", v), queryDate(r, "to", v)
		if err := v.Err(); err != nil {
			s.APIError(w, r, err)
			return
		}
		if b.Sub(a) > 36500 {
			s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "日期范围过大（不超过 100 年）", Fields: map[string]string{"to": "日期范围过大"}})
			return
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"from": a.String(), "to": b.String(), "workdays": cal.WorkdaysBetween(a, b), "calendar_version": cal.Version(),
			"provisional": cal.Provisional(a, b)})
	case "is":
		d := queryDate(r, "date", v)
		if err := v.Err(); err != nil {
			s.APIError(w, r, err)
			return
		}
		k := cal.Kind(d)
		web.WriteJSON(w, http.StatusOK, map[string]any{"date": d.String(), "workday": k.IsWorkday(), "kind": k.String(), "note": cal.Label(d),
			"known_year": cal.Known(d.Year), "provisional": cal.Provisional(d, d), "calendar_version": cal.Version()})
	default:
		s.APIError(w, r, errs.E(errs.NotFound, "没有这个接口：workdays/%s（可用 add、days、between、is）", op))
	}
}
