package enforce

import (
	"net/http"
	"strconv"

	"gongkai/internal/lists/enforce"
	"gongkai/internal/web"
)

// ledgerRow is one decision as the staff ledger shows it.
type ledgerRow struct {
	*enforce.Entry
	// Status is the publication's state in words; Late marks a problem.
	Status string
	Late   bool
	// Why explains the due day (the working days counted, holidays and
	// make-up days skipped: calendar.ExplainAddWorkdays).
	Why      string
	Withdraw string
}

type ledgerPage struct {
	web.AdminPage
	Rows     []ledgerRow
	Late     int
	Calendar string
	// Total decisions are recorded; Rows shows every problem (at most
	// ledgerProblems) and the ledgerRecent newest others.
	Total int
}

// The ledger page's bounds: a ledger of years holds tens of thousands of
// decisions, of which staff act on the problems and the latest.
const (
	ledgerProblems = 500
	ledgerRecent   = 200
)

// adminLedger is the publication ledger of the enforcement decisions: the
// due day of each (118号: 7 or 20 working days), when it was published,
// and its withdrawal (3 days), on the calendar in force.
func (s *Feature) adminLedger(w http.ResponseWriter, r *http.Request) {
	if s.Enforce == nil || s.Calendars == nil {
		s.AdminError(w, r, errNoService)
		return
	}
	cal, err := s.Calendars.Current(r.Context())
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	p := &ledgerPage{AdminPage: s.AdminPage(r, "行政执法决定公开台账"), Calendar: cal.Version()}
	led, err := s.Enforce.Ledger(r.Context(), p.Site.ID, cal)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	today := s.Today()
	for i := len(led) - 1; i >= 0; i-- { // newest first
		e := led[i]
		n := enforce.OtherDays
		if e.Category == "license" || e.Category == "penalty" {
			n = enforce.LicencePenaltyDays
		}
		row := ledgerRow{Entry: e}
		switch {
		case e.Overdue(today):
			row.Status, row.Late = "未公开，已逾期 "+itoa(cal.WorkdaysBetween(e.Due, today))+" 个工作日", true
		case e.PublishedOn.IsZero():
			row.Status = "未公开，剩余 " + itoa(cal.WorkdaysBetween(today, e.Due)) + " 个工作日"
		case e.Late():
			row.Status, row.Late = "逾期 "+itoa(cal.WorkdaysBetween(e.Due, e.PublishedOn))+" 个工作日公开", true
		default:
			row.Status = "按时公开"
		}
		if !e.ChangedOn.IsZero() {
			row.Withdraw = e.ChangedOn.String() + " 变更或撤销，应于 " + e.WithdrawDue.String() + " 前撤回"
			if e.WithdrawLate(today) {
				row.Withdraw += "（逾期）"
				row.Late = true
			} else if !e.WithdrawnOn.IsZero() {
				row.Withdraw += "，已于 " + e.WithdrawnOn.String() + " 撤回"
			}
		}
		p.Total++
		if row.Late {
			p.Late++
		}
		if (row.Late && p.Late <= ledgerProblems) || (!row.Late && p.Total-p.Late <= ledgerRecent) {
			row.Why = cal.ExplainAddWorkdays(e.DecidedOn, n).Summary
			p.Rows = append(p.Rows, row)
		}
	}
	s.Render(w, r, http.StatusOK, "admin/enforce_ledger", p)
}

func itoa(n int) string { return strconv.Itoa(n) }
