package interact

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// The synthetic messages (`gongkai seed --synthetic N`): N/2 messages over
// the ten years before the build's day and the current year up to it, in
// every category and department, with their ledgers — routed, sometimes
// transferred, drafts sent back, answered (about 1 in 12 late), invalid
// (1 in 25), rated (half of the answered), the last weeks' still open —
// written in multi-row batches. Every message's derived columns come from
// Replay over its own ledger, as AddEvent's project does, so the
// statistics reconcile with the ledgers. The writers' names and contacts
// are sealed with the site's data key; without one the generator skips
// itself (as the public form refuses messages).

func init() { synthetic.Register("messages", genMessages) }

// synthBatch is the messages of one multi-row INSERT (21 parameters a
// message). Batches stay near 2,000 parameters: SQLite looks each $N name
// up in a list, so a statement's preparation grows with the square of its
// parameters (10,000 made the generator 10 times slower).
const synthBatch = 100

type synthMessage struct {
	tracking, category, title, body, name, contact, pageURL string
	publishable                                             bool
	received                                                calendar.Date
	evs                                                     []Event
	st                                                      *State
}

func genMessages(ctx context.Context, s *synthetic.Site) error {
	if s.DataKey == nil || s.N <= 0 {
		return nil
	}
	sealer, err := secure.NewSealer(s.DataKey)
	if err != nil {
		return err
	}
	db := s.Catalog.DB
	svc := &Service{DB: db, Sealer: sealer}
	siteID := s.Site.ID
	cal := calendar.Default()
	rnd := s.Rand("messages")
	total := s.N / 2
	today := s.Today
	if today.IsZero() {
		today = calendar.Today()
	}
	first := calendar.Date{Year: today.Year - 10, Month: 1, Day: 1}
	span := today.Sub(first) + 1
	days := make([]int, total)
	for i := range days {
		days[i] = rnd.IntN(span)
	}
	slices.Sort(days)
	depts := s.Departments
	deptIDs := make([]int64, 0, len(depts))
	for _, id := range depts {
		deptIDs = append(deptIDs, id)
	}
	slices.Sort(deptIDs)
	periods := map[string]int{}
	for _, c := range Categories {
		periods[c.Code] = c.Workdays
	}
	seqOf := map[int]int{}
	batch := make([]*synthMessage, 0, synthBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := insertSynth(ctx, svc, siteID, batch)
		batch = batch[:0]
		return err
	}
	for i, d := range days {
		day := first.AddDays(d)
		t := demoTopics[rnd.IntN(len(demoTopics))]
		place := demoPlaces[rnd.IntN(len(demoPlaces))]
		seqOf[day.Year]++
		m := &synthMessage{tracking: fmt.Sprintf("LY%d-%05d", day.Year, seqOf[day.Year]), category: t.cat, title: t.title,
			body: fmt.Sprintf(t.body, place), name: demoNames[rnd.IntN(len(demoNames))],
			contact: fmt.Sprintf("13%d%08d", 5+rnd.IntN(5), rnd.IntN(100000000)), publishable: rnd.IntN(5) != 0, received: day}
		if t.cat == "error" {
			m.pageURL = "/columns/ggfw"
		}
		// A department of the topic, or (1 in 3) any other, so that every
		// department answers every category somewhere.
		dept := depts[t.dept]
		if rnd.IntN(3) == 0 {
			dept = deptIDs[rnd.IntN(len(deptIDs))]
		}
		synthLedger(m, cal, rnd.IntN, periods[t.cat], dept, deptIDs, today, t, place)
		st, err := Replay(cal, m.category, m.received, m.evs)
		if err != nil {
			return fmt.Errorf("synthetic message %s: %w", m.tracking, err)
		}
		m.st = st
		batch = append(batch, m)
		if len(batch) == synthBatch {
			if err := flush(); err != nil {
				return err
			}
			if s.Progress != nil {
				s.Progress("messages", i+1, total)
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if s.Progress != nil {
		s.Progress("messages", total, total)
	}
	// A few FAQ entries, as the demo keeps.
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM message_faq WHERE site_id = $1`, siteID).Scan(&n); err != nil || n > 0 {
		return errs.Wrap(err, "synthetic faq")
	}
	for i, t := range demoTopics[:8] {
		_, err := db.W.ExecContext(ctx, `INSERT INTO message_faq (site_id, category, question, answer, sort_order, updated_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			siteID, t.cat, t.title, fmt.Sprintf(t.answer, "临沂市"), i+1, today.String(), store.Now())
		if err != nil {
			return errs.Wrap(err, "synthetic faq")
		}
	}
	return nil
}

// synthLedger writes m's steps, stopping at today (a step after it has not
// happened yet, so the last weeks' messages are still open).
func synthLedger(m *synthMessage, cal *calendar.Calendar, intN func(int) int, period int, dept int64, deptIDs []int64, today calendar.Date, t demoTopic, place string) {
	day := m.received
	m.evs = []Event{{Type: EvReceived, On: day, Period: period, ActorName: "留言人"}}
	add := func(ev Event) bool {
		if ev.On.After(today) {
			return false
		}
		if ev.ActorName == "" {
			ev.ActorName = "政务公开办公室"
		}
		m.evs = append(m.evs, ev)
		return true
	}
	if intN(25) == 0 {
		reason := []string{"duplicate", "not_question", "abusive"}[intN(3)]
		add(Event{Type: EvInvalid, On: cal.AddWorkdays(day, intN(2)), Reason: reason, Note: "经核实为" + InvalidLabel(reason)})
		return
	}
	routeOn := cal.AddWorkdays(day, intN(2))
	if !add(Event{Type: EvRouted, On: routeOn, DepartmentID: dept}) {
		return
	}
	last := routeOn
	if intN(10) == 0 {
		to := deptIDs[intN(len(deptIDs))]
		if to == dept {
			to = deptIDs[(slices.Index(deptIDs, to)+1)%len(deptIDs)]
		}
		last = cal.AddWorkdays(routeOn, 1)
		if !add(Event{Type: EvTransferred, On: last, DepartmentID: to, From: dept, Reason: demoTransferReasons[intN(len(demoTransferReasons))]}) {
			return
		}
	}
	wd := 1 + intN(period)
	if intN(12) == 0 {
		wd = period + 1 + intN(8)
	}
	ansOn := cal.AddWorkdays(day, wd)
	if ansOn.Before(last) {
		ansOn = last
	}
	where := ""
	if t.where != "" {
		where = fmt.Sprintf(t.where, place)
	}
	if intN(8) == 0 {
		if !add(Event{Type: EvDrafted, On: ansOn, Answer: "您好！已收到。", Where: where}) ||
			!add(Event{Type: EvReviewed, On: ansOn, Note: "答复过于简单，请写明依据和办理途径"}) {
			return
		}
	}
	if !add(Event{Type: EvDrafted, On: ansOn, Answer: fmt.Sprintf(t.answer, place), Where: where}) ||
		!add(Event{Type: EvReviewed, On: ansOn, Approved: true}) ||
		!add(Event{Type: EvPublished, On: ansOn, Public: m.publishable}) {
		return
	}
	if intN(2) == 0 {
		rating := "satisfied"
		switch r := intN(10); {
		case r == 0:
			rating = "unsatisfied"
		case r < 3:
			rating = "basic"
		}
		add(Event{Type: EvRated, On: cal.AddWorkdays(ansOn, 1+intN(3)), Rating: rating, ActorName: "留言人"})
	}
}

// insertSynth writes a batch of messages and their ledgers in one
// transaction: one multi-row INSERT of the messages (RETURNING their ids by
// tracking number), then the events in multi-row INSERTs.
func insertSynth(ctx context.Context, svc *Service, siteID int64, batch []*synthMessage) error {
	now := store.Now()
	return svc.DB.Tx(ctx, func(tx *sql.Tx) error {
		var b strings.Builder
		b.WriteString(`INSERT INTO messages (site_id, tracking_no, code_hash, category, title, body, name, contact, page_url, publishable, received_on,
			status, department_id, due_on, answer, answered_on, answer_workdays, on_time, published, rating, created_at) VALUES `)
		args := make([]any, 0, len(batch)*21)
		for i, m := range batch {
			name, err := svc.Sealer.Seal(m.name)
			if err != nil {
				return err
			}
			contact, err := svc.Sealer.Seal(m.contact)
			if err != nil {
				return err
			}
			st := m.st
			var answered, answer string
			workdays, onTime, published := 0, 0, 0
			if st.Status == StAnswered {
				answered, answer, workdays, onTime, published = st.Answered.String(), st.Answer, st.Workdays, boolInt(st.OnTime()), boolInt(st.Public)
			}
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("(")
			for k := range 21 {
				if k > 0 {
					b.WriteString(",")
				}
				b.WriteString("$" + strconv.Itoa(len(args)+k+1))
			}
			b.WriteString(")")
			// The query code is not kept anywhere (nobody will ask): a
			// code the writer never received, hashed as Submit does.
			args = append(args, siteID, m.tracking, svc.codeHash(m.tracking, secure.NewQueryCode(8)), m.category, m.title, m.body, name, contact,
				m.pageURL, boolInt(m.publishable), m.received.String(), st.Status, nullID(st.DepartmentID), st.Due.String(), answer, answered,
				workdays, onTime, published, st.Rating, now)
		}
		b.WriteString(" RETURNING id, tracking_no")
		rows, err := tx.QueryContext(ctx, b.String(), args...)
		if err != nil {
			return errs.Wrap(err, "synthetic messages")
		}
		ids := map[string]int64{}
		for rows.Next() {
			var id int64
			var no string
			if err := rows.Scan(&id, &no); err != nil {
				rows.Close()
				return errs.Wrap(err, "synthetic messages")
			}
			ids[no] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "synthetic messages")
		}
		// The ledgers: 8 parameters an event.
		const per = 250
		b.Reset()
		args = args[:0]
		n := 0
		flush := func() error {
			if n == 0 {
				return nil
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO message_events (message_id, seq, type, on_date, data, actor_id, actor_name, created_at) VALUES `+b.String(), args...)
			b.Reset()
			args, n = args[:0], 0
			return errs.Wrap(err, "synthetic message events")
		}
		for _, m := range batch {
			for i, ev := range m.evs {
				data, err := json.Marshal(eventData{Period: ev.Period, DepartmentID: ev.DepartmentID, From: ev.From, Reason: ev.Reason, Note: ev.Note,
					Answer: ev.Answer, Where: ev.Where, Approved: ev.Approved, Public: ev.Public, Rating: ev.Rating})
				if err != nil {
					return err
				}
				if n > 0 {
					b.WriteString(",")
				}
				k := len(args)
				fmt.Fprintf(&b, "($%d,$%d,$%d,$%d,$%d,NULL,$%d,$%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7)
				args = append(args, ids[m.tracking], i+1, ev.Type, ev.On.String(), string(data), ev.ActorName, now)
				n++
				if n == per {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		return flush()
	})
}
