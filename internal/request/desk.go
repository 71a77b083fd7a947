package request

import (
	"slices"

	"gongkai/internal/calendar"
)

// DueSoonWorkdays: an open request with this many working days left or
// fewer is due soon (the desk and the self-inspection list it early).
const DueSoonWorkdays = 5

// Urgency classifies an open request for the desk: overdue, due soon, on
// time, waiting (clock not running), or closed.
func (r *Request) Urgency(today calendar.Date) string {
	st := r.State
	switch {
	case !st.Open():
		return "closed"
	case st.DueOn(today).IsZero():
		return "waiting"
	case st.Overdue(today):
		return "overdue"
	case st.Left(today) <= DueSoonWorkdays:
		return "soon"
	}
	return "ok"
}

var urgencyRank = map[string]int{"overdue": 0, "soon": 1, "ok": 2, "waiting": 3, "closed": 4}

// SortByDue orders requests overdue first, then due soon, then by due date;
// waiting and closed ones last, newest first.
func SortByDue(rs []*Request, today calendar.Date) {
	slices.SortStableFunc(rs, func(a, b *Request) int {
		ua, ub := urgencyRank[a.Urgency(today)], urgencyRank[b.Urgency(today)]
		if ua != ub {
			return ua - ub
		}
		if ua <= 2 {
			if c := a.State.DueOn(today).Compare(b.State.DueOn(today)); c != 0 {
				return c
			}
		}
		return int(b.ID - a.ID)
	})
}
