package request

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

func init() { synthetic.Register("requests", genSynthetic) }

// SyntheticShare is how many items of the synthetic site go with one
// request: s.N/5 requests (20,000 at 100,000 items, about 2,000 a year over
// 2016–2025 — ten times a busy city bureau's year), plus the last weeks'
// open ones for the desk.
const SyntheticShare = 5

// synthWeights is the spread of decisions in a real bureau's year (most
// disclosed or not found), every row of table 三 present.
var synthWeights = map[string]int{
	"disclosed": 380, "partially_disclosed": 80, "unavailable.1": 180, "unavailable.2": 40, "unavailable.3": 15,
	"withheld.1": 3, "withheld.2": 6, "withheld.3": 4, "withheld.4": 25, "withheld.5": 12, "withheld.6": 20, "withheld.7": 10, "withheld.8": 8,
	"not_handled.1": 35, "not_handled.2": 25, "not_handled.3": 10, "not_handled.4": 6, "not_handled.5": 8,
	"other.1": 30, "other.2": 5, "other.3": 40,
}

// genSynthetic writes the synthetic site's requests with their ledgers and
// notices. Every ledger goes through State.Apply (so it obeys the rules the
// desk does) and the derived columns come from the resulting state; the rows
// go in with multi-row INSERTs. Personal data is sealed with s.DataKey; without
// a key the generator skips itself (the site could not open the records).
func genSynthetic(ctx context.Context, s *synthetic.Site) error {
	if len(s.DataKey) == 0 || s.N < SyntheticShare {
		return nil
	}
	sealer, err := secure.NewSealer(s.DataKey)
	if err != nil {
		return err
	}
	db := s.Catalog.DB
	cal, err := (&calver.Versions{DB: db}).Current(ctx)
	if err != nil {
		return err
	}
	office, err := s.Auth.UserByName(ctx, "office")
	if err != nil {
		return err
	}
	svc := &Service{DB: db, Sealer: sealer, Rules: DefaultRules}
	today := s.Today
	if today.IsZero() {
		today = calendar.Today()
	}
	rng := s.Rand("requests")
	var depts []int64
	for _, id := range s.Departments {
		depts = append(depts, id)
	}
	slices.Sort(depts)
	var codes []string
	var total int
	for _, d := range Decisions {
		codes = append(codes, d.Code())
		total += synthWeights[d.Code()]
	}
	pick := func() string {
		n := rng.IntN(total)
		for _, c := range codes {
			if n -= synthWeights[c]; n < 0 {
				return c
			}
		}
		return codes[0]
	}
	workday := func(d calendar.Date) calendar.Date {
		for !cal.IsWorkday(d) {
			d = d.AddDays(1)
		}
		return d
	}
	n := s.N / SyntheticShare
	tail := max(n/100, 1) // the last weeks': open on the desk
	first, last := 2016, today.Year-1
	years := last - first + 1
	type plan struct {
		received calendar.Date
		code     string
		open     bool // still being handled: no reply yet
	}
	plans := make([]plan, 0, n+tail)
	for i := range n {
		y := first + i*years/n
		start := calendar.Date{Year: y, Month: 1, Day: 1}
		plans = append(plans, plan{workday(start.AddDays(rng.IntN(360))), pick(), false})
	}
	for range tail {
		d := workday(today.AddDays(-1 - rng.IntN(45)))
		if d.After(today) {
			d = today.AddDays(-1)
		}
		plans = append(plans, plan{d, pick(), true})
	}
	// Tracking numbers count per year in order of arrival, as Create's do.
	slices.SortStableFunc(plans, func(a, b plan) int { return a.received.Compare(b.received) })

	var nextID, nextEvent, nextNotice int64
	for _, q := range []struct {
		table string
		p     *int64
	}{{"requests", &nextID}, {"request_events", &nextEvent}, {"request_notices", &nextNotice}} {
		if err := db.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+q.table).Scan(q.p); err != nil {
			return errs.Wrap(err, "synthetic requests: ids")
		}
	}
	perYear := map[int]int{}
	const batch = 1000
	var reqRows, evRows, noteRows [][]any
	flush := func() error {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			if err := bulkInsert(ctx, tx, db.Dialect, "requests", synthReqCols, reqRows); err != nil {
				return err
			}
			if err := bulkInsert(ctx, tx, db.Dialect, "request_events", synthEventCols, evRows); err != nil {
				return err
			}
			return bulkInsert(ctx, tx, db.Dialect, "request_notices", synthNoticeCols, noteRows)
		})
		reqRows, evRows, noteRows = reqRows[:0], evRows[:0], noteRows[:0]
		return err
	}
	remedyPlans := []string{"rec:upheld", "rec:corrected", "rec:upheld", "rec:other", "law:upheld", "rec:upheld+law:upheld", "law:corrected", "rec:"}
	for i, p := range plans {
		nextID++
		id := nextID
		perYear[p.received.Year]++
		tracking := fmt.Sprintf("YSQ%d-%05d", p.received.Year, perYear[p.received.Year])
		channel := []string{"online", "online", "online", "in_person", "post", "fax"}[rng.IntN(6)]
		in := svc.demoInput(rng, i, channel, p.received, depts)
		a := in.Applicant
		sealed := [4]string{}
		for k, v := range []string{a.IDNumber, a.Phone, a.Email, a.Address} {
			if sealed[k], err = sealer.Seal(v); err != nil {
				return err
			}
		}
		code := make([]byte, 10)
		for k := range code {
			code[k] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[rng.IntN(32)]
		}
		g := &synthLedger{st: NewState(cal, DefaultRules, channel, p.received), today: today, day: p.received, cal: cal, open: p.open, rng: rng}
		created := p.received.String() + "T01:00:00Z"
		g.notices = append(g.notices, [2]string{"政府信息公开申请回执", "您的政府信息公开申请已提交，申请编号 " + tracking + "。"})
		g.add(Event{Type: EvAssigned, On: p.received, DepartmentID: in.DepartmentID})
		remedy := ""
		if rng.IntN(100) < 2 && p.code != "disclosed" {
			remedy = remedyPlans[rng.IntN(len(remedyPlans))]
		}
		if err := g.story(rng, p.code, p.open, remedy); err != nil {
			return fmt.Errorf("synthetic request %s (%s): %w", tracking, p.code, err)
		}
		st := g.st
		reqRows = append(reqRows, []any{id, s.Site.ID, tracking, svc.codeHash(tracking, string(code)), channel, p.received.String(), a.Kind, a.Name, a.IDType,
			sealed[0], svc.blind(a), a.OrgType, a.CreditCode, a.LegalRepresentative, a.ContactPerson, sealed[1], sealed[2], sealed[3], in.Title, in.DocNo,
			in.Description, in.Form, in.Delivery, in.DepartmentID, st.Status, dateText(st.Received), dateText(st.DueOn(today)), dateText(st.Closed), st.Result,
			office.ID, created})
		for k, ev := range g.events {
			data, err := json.Marshal(eventDataOf(ev))
			if err != nil {
				return err
			}
			nextEvent++
			evRows = append(evRows, []any{nextEvent, id, k + 1, ev.Type, ev.On.String(), string(data), office.ID, office.Label(), ev.On.String() + "T02:00:00Z"})
		}
		for _, nt := range g.notices {
			nextNotice++
			noteRows = append(noteRows, []any{nextNotice, id, "synthetic", nt[0], nt[1], created, created})
		}
		if len(reqRows) >= batch {
			if err := flush(); err != nil {
				return err
			}
		}
		if s.Progress != nil && i%500 == 0 {
			s.Progress("requests", i, len(plans))
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if s.Progress != nil {
		s.Progress("requests", len(plans), len(plans))
	}
	if db.Dialect == store.Postgres {
		for _, t := range []string{"requests", "request_events", "request_notices"} {
			if _, err := db.W.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
				return errs.Wrap(err, "synthetic requests: sequence")
			}
		}
	}
	return nil
}

const (
	synthReqCols = `id, site_id, tracking_no, code_hash, channel, submitted_on, applicant_kind, name, id_type, id_number, id_blind, org_type, credit_code,
		legal_representative, contact_person, phone, email, address, title, doc_no, description, form, delivery, department_id, status, received_on, due_on,
		closed_on, result, created_by, created_at`
	synthEventCols  = `id, request_id, seq, type, on_date, data, actor_id, actor_name, created_at`
	synthNoticeCols = `id, request_id, kind, subject, body, created_at, sent_at`
)

// synthLedger builds one request's ledger in memory through State.Apply.
type synthLedger struct {
	st      *State
	cal     *calendar.Calendar
	today   calendar.Date
	day     calendar.Date
	events  []Event
	notices [][2]string
	stopped bool
	open    bool
	rng     *rand.Rand
}

// add applies ev (dated the current day when undated); a step after today
// and everything after it are left out (the story is still running).
func (g *synthLedger) add(ev Event) error {
	if ev.On.IsZero() {
		ev.On = g.day
	}
	if g.stopped || ev.On.After(g.today) {
		g.stopped = true
		return nil
	}
	ev.Seq = len(g.events) + 1
	if err := g.st.Apply(ev, g.today); err != nil {
		return err
	}
	g.day = ev.On
	g.events = append(g.events, ev)
	if subject, body := noticeFor(g.st, ev, g.today); subject != "" {
		g.notices = append(g.notices, [2]string{subject, body})
	}
	// The office reviews each letter and sends it the same day; on the
	// desk's open requests half wait for the review.
	if LetterSteps[ev.Type] && !(g.open && g.rng.IntN(2) == 0) {
		return g.add(Event{Type: EvLetterSent, On: ev.On, Letter: ev.Seq})
	}
	return nil
}

func (g *synthLedger) after(n int) calendar.Date { return g.cal.AddWorkdays(g.day, n) }

// story is the ledger of a request ending as code (the demo's stories, see
// demoRequest), with a reconsideration or lawsuit plan ("rec:upheld",
// "rec:upheld+law:") after the reply.
func (g *synthLedger) story(rng *rand.Rand, code string, open bool, remedy string) error {
	// steps adds events whose dates depend on the step before (each
	// function is called after the previous event is applied).
	steps := func(evs ...func() Event) error {
		for _, ev := range evs {
			if err := g.add(ev()); err != nil {
				return err
			}
		}
		return nil
	}
	if NeedsConfirmation(g.st.Channel) {
		if err := g.add(Event{Type: EvConfirmed, On: g.after(rng.IntN(2))}); err != nil {
			return err
		}
	}
	switch code {
	case "other.1":
		if err := g.add(Event{Type: EvCorrectionRequested, On: g.after(1 + rng.IntN(5)), Note: "请写明所需信息的名称、文号或者其他特征性描述", Until: g.cal.AddWorkdays(g.day, 15)}); err != nil {
			return err
		}
		return g.add(Event{Type: EvCorrectionLapsed, On: g.cal.AddWorkdays(g.day, 16)})
	case "other.2":
		units := 11 + rng.IntN(20)
		if err := g.add(Event{Type: EvFeeNotified, On: g.after(2 + rng.IntN(5)), FeeMethod: FeePerRequest, Units: units, Amount: FeeForRequest(units)}); err != nil {
			return err
		}
		return g.add(Event{Type: EvFeeLapsed, On: g.cal.AddWorkdays(g.day, FeePayWorkdays+1)})
	}
	if code == "unavailable.3" || rng.IntN(10) == 0 {
		if err := steps(func() Event {
			return Event{Type: EvCorrectionRequested, On: g.after(1 + rng.IntN(6)), Note: "请明确所需信息的时间范围和文件名称", Until: g.cal.AddWorkdays(g.day, 15)}
		},
			func() Event { return Event{Type: EvCorrectionReceived, On: g.day.AddDays(3 + rng.IntN(10))} }); err != nil {
			return err
		}
	}
	if code == "withheld.4" || rng.IntN(15) == 0 {
		if err := steps(func() Event {
			return Event{Type: EvConsultationStarted, On: g.after(2 + rng.IntN(5)), Note: "书面征求第三方意见"}
		},
			func() Event { return Event{Type: EvConsultationEnded, On: g.after(5 + rng.IntN(11))} }); err != nil {
			return err
		}
	}
	if rng.IntN(25) == 0 {
		units := 11 + rng.IntN(30)
		method, amount := FeePerRequest, FeeForRequest(units)
		if rng.IntN(2) == 0 {
			units = 31 + rng.IntN(400)
			method, amount = FeePerPage, FeeForPages(units)
		}
		if err := steps(func() Event {
			return Event{Type: EvFeeNotified, On: g.after(1 + rng.IntN(3)), FeeMethod: method, Units: units, Amount: amount}
		},
			func() Event { return Event{Type: EvFeePaid, On: g.after(1 + rng.IntN(10))} }); err != nil {
			return err
		}
	}
	if rng.IntN(12) == 0 {
		on := g.after(10 + rng.IntN(5))
		if due := g.st.DueOn(g.day); on.After(due) {
			on = due // 条例第三十三条第二款: extended before the period ends
		}
		if err := g.add(Event{Type: EvExtended, On: on, Days: 5 + rng.IntN(16), Approver: "局政务公开办公室主任", Note: "需调取历史档案，无法在20个工作日内答复"}); err != nil {
			return err
		}
	}
	if g.stopped {
		return nil
	}
	d, _ := DecisionByCode(code)
	reply := Reply{Investigation: "经检索本机关保存的政府信息，现将有关情况告知如下。", Answer: demoAnswer(d), Policy: "《临沂市司法局政府信息公开指南》", Law: "《中华人民共和国政府信息公开条例》"}
	if open {
		// On the desk: a third have a draft waiting for the office's review.
		if rng.IntN(3) == 0 {
			return g.add(Event{Type: EvReplyDrafted, Decision: d.Kind, Reason: d.Reason, Reply: reply})
		}
		return nil
	}
	due := g.st.DueOn(g.day)
	replyOn := g.after(1 + rng.IntN(12))
	if replyOn.After(due) {
		replyOn = due
	}
	if replyOn.Before(g.day) {
		replyOn = g.day
	}
	if err := steps(func() Event {
		return Event{Type: EvReplyDrafted, On: replyOn, Decision: d.Kind, Reason: d.Reason, Reply: reply}
	},
		func() Event {
			return Event{Type: EvReplied, On: replyOn, Decision: d.Kind, Reason: d.Reason, Reply: reply}
		}); err != nil {
		return err
	}
	if rng.IntN(10) < 8 {
		if err := g.add(Event{Type: EvDelivered, On: g.after(rng.IntN(3))}); err != nil {
			return err
		}
	}
	if remedy == "" || g.stopped {
		return nil
	}
	closed, after := g.st.Closed, false
	for _, step := range strings.Split(remedy, "+") {
		kind, result, _ := strings.Cut(step, ":")
		filed, done := EvLawsuitFiled, EvLawsuitDone
		offs := [2]int{85, 160}
		if kind == "rec" {
			filed, done, offs = EvReconsiderationFiled, EvReconsiderationDone, [2]int{20, 70}
		}
		if err := g.add(Event{Type: filed, On: closed.AddDays(offs[0]), AfterReconsideration: after && kind == "law"}); err != nil {
			return err
		}
		if result != "" {
			if err := g.add(Event{Type: done, On: closed.AddDays(offs[1]), Result: result}); err != nil {
				return err
			}
		}
		after = true
	}
	return nil
}

// eventDataOf is what request_events.data holds for ev (insertEvent's).
func eventDataOf(ev Event) eventData {
	d := eventData{Days: ev.Days, Decision: ev.Decision, Reason: ev.Reason, DepartmentID: ev.DepartmentID, Note: ev.Note, Approver: ev.Approver,
		Amount: ev.Amount, FeeMethod: ev.FeeMethod, Units: ev.Units, Until: dateText(ev.Until), Result: ev.Result, AfterReconsideration: ev.AfterReconsideration,
		File: ev.File, FileName: ev.FileName, Letter: ev.Letter}
	if ev.Reply != (Reply{}) {
		r := ev.Reply
		d.Reply = &r
	}
	return d
}

// bulkInsert writes rows into table with multi-row INSERTs of at most
// 30,000 parameters (SQLite binds at most 32,766), with ? placeholders on
// SQLite (see catalog's insertRows) and $N on PostgreSQL.
func bulkInsert(ctx context.Context, tx *sql.Tx, d store.Dialect, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := 30000 / width
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		args := make([]any, 0, len(chunk)*width)
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('(')
			for j := range r {
				if j > 0 {
					q.WriteString(", ")
				}
				if d == store.SQLite {
					q.WriteByte('?')
				} else {
					q.WriteString("$" + strconv.Itoa(len(args)+j+1))
				}
			}
			q.WriteByte(')')
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return errs.Wrap(err, "synthetic insert "+table)
		}
	}
	return nil
}
