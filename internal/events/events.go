// Package events is the outbox of public changes. A domain package appends
// an Event inside the transaction that makes the change (Append), so the
// event exists exactly when the change does. A Bus delivers the events to
// subscribers in id order, at least once: the render cache, and later the
// search index, the feeds and webhooks.
//
// Two kinds of subscriber:
//   - durable (Subscribe): the position (last delivered id) is stored in
//     event_cursors, so after a crash or restart undelivered events are
//     replayed. A durable subscriber met for the first time starts at the
//     oldest retained event. Handlers must be idempotent: an event may come
//     again after a crash between the handler and the stored position, and,
//     on several nodes sharing one PostgreSQL, every node running the same
//     durable subscriber delivers to its own copy of it (a shared back end
//     such as a PostgreSQL search index sees the event once per node; the
//     position only moves forward).
//   - node-local (SubscribeLocal): in-memory state of one node, such as the
//     render cache. Each node must see every event from its own start on,
//     and nothing before it (its state is empty at start), so the position
//     lives in memory and starts at the newest event when subscribing.
//
// Delivery: after a commit the writer calls Committed, which delivers to
// this node's local subscribers at once (so a page this node serves after a
// publish is never stale) and wakes the durable ones. On PostgreSQL, Append
// also sends a NOTIFY on commit that the other nodes LISTEN for, so they
// wake at once; polling the outbox (PollEvery, 1 s by default) remains the
// fallback (a lost connection, SQLite files shared by two processes) and
// retries failed deliveries with exponential backoff. Each
// subscriber has its own goroutine, so a failing or slow one does not hold
// up the others.
//
// Order: on PostgreSQL, ids are allocated in one order and transactions may
// commit in another, which would let a reader skip an id that commits late.
// Append therefore takes a transaction-scoped advisory lock, so events commit
// in id order (SQLite write transactions are serialised anyway). It takes
// the audit chain's lock (store.AuditLock) before its own, so the two are
// always taken in the same order even when a transaction appends before it
// audits; Append should still be the last statement of its transaction, so
// the locks are held briefly.
package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Kinds of change events.
const (
	ItemPublished = "item.published" // first publication, republication, scheduled publication
	ItemRevised   = "item.revised"   // a published item edited (new revision)
	ItemWithdrawn = "item.withdrawn" // taken off the site
	ItemFiles     = "item.files"     // an attachment of a published item added or removed
	ColumnChanged = "column.changed" // a column created, changed or deleted
	SiteChanged   = "site.changed"   // a site's name or settings changed
	ItemsBulk     = "items.bulk"     // many items changed at once (imports, the synthetic site)
)

// Event is one public change.
type Event struct {
	ID     int64
	SiteID int64
	Kind   string
	// SubjectID is the changed item's or column's id (0 for site changes).
	SubjectID int64
	// Payload is a small JSON object describing the change.
	Payload   json.RawMessage
	CreatedAt string
}

// Payload marshals v for Event.Payload.
func Payload(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}

// appendLock is the advisory lock that orders commits of the outbox on PostgreSQL.
const appendLock = 7263005

// Append writes e in tx; it is committed or rolled back with the change.
func Append(ctx context.Context, tx *sql.Tx, d store.Dialect, e Event) (int64, error) {
	if d == store.Postgres {
		// The audit chain's lock first (reentrant when the transaction
		// audited already): every holder of the outbox lock then holds the
		// audit lock, so a transaction that appends an event before it
		// audits cannot deadlock against one that audits first.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, store.AuditLock); err != nil {
			return 0, errs.Wrap(err, "event lock")
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, appendLock); err != nil {
			return 0, errs.Wrap(err, "event lock")
		}
	}
	if len(e.Payload) == 0 {
		e.Payload = json.RawMessage(`{}`)
	}
	if err := notify(ctx, tx, d); err != nil {
		return 0, errs.Wrap(err, "event notify")
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO change_events (site_id, kind, subject_id, payload, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		e.SiteID, e.Kind, e.SubjectID, string(e.Payload), store.Now()).Scan(&id)
	return id, errs.Wrap(err, "append event")
}

// Since returns up to limit events after id, in order.
func Since(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, after int64, limit int) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, site_id, kind, subject_id, payload, created_at FROM change_events WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, errs.Wrap(err, "read events")
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var p string
		if err := rows.Scan(&e.ID, &e.SiteID, &e.Kind, &e.SubjectID, &p, &e.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "read events")
		}
		e.Payload = json.RawMessage(p)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "read events")
}

// Handler receives one event. An error (or a panic) means "not delivered":
// the event comes again after a backoff, and later events wait for it.
type Handler func(ctx context.Context, e Event) error

// Bus delivers the outbox to subscribers.
type Bus struct {
	db  *store.DB
	log *slog.Logger

	// PollEvery is how often the outbox is read for other nodes' events.
	PollEvery time.Duration
	// RetryBase is the first wait after a failed delivery; it doubles up to RetryMax.
	RetryBase, RetryMax time.Duration
	// Batch is how many events are read at once.
	Batch int
	// NoListen turns off LISTEN/NOTIFY on PostgreSQL (polling only).
	NoListen bool

	mu      sync.Mutex
	subs    []*subscriber
	running context.Context
}

type subscriber struct {
	name    string
	fn      Handler
	durable bool
	inline  bool // durable, and delivered inside Committed too
	wake    chan struct{}

	mu     sync.Mutex // one delivery at a time
	pos    int64
	loaded bool
}

// NewBus returns a Bus over db; log may be nil.
func NewBus(db *store.DB, log *slog.Logger) *Bus {
	if log == nil {
		log = slog.Default()
	}
	return &Bus{db: db, log: log, PollEvery: time.Second, RetryBase: 500 * time.Millisecond, RetryMax: time.Minute, Batch: 200}
}

// Subscribe adds a durable subscriber: its position is stored under name,
// and it resumes there after a restart (see the package comment).
func (b *Bus) Subscribe(name string, fn Handler) {
	b.add(&subscriber{name: name, fn: fn, durable: true, wake: make(chan struct{}, 1)})
}

// SubscribeInline adds a durable subscriber that Committed also delivers
// to before it returns, so what it maintains (the search index) reflects a
// change on this node as soon as the change's request ends; replay after a
// crash and the polling on other nodes work as for Subscribe.
func (b *Bus) SubscribeInline(name string, fn Handler) {
	b.add(&subscriber{name: name, fn: fn, durable: true, inline: true, wake: make(chan struct{}, 1)})
}

// SubscribeLocal adds a node-local subscriber: it receives every event
// committed from now on, on this node, and nothing older.
func (b *Bus) SubscribeLocal(ctx context.Context, name string, fn Handler) error {
	var last int64
	if err := b.db.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM change_events`).Scan(&last); err != nil {
		return errs.Wrap(err, "events start")
	}
	b.add(&subscriber{name: name, fn: fn, wake: make(chan struct{}, 1), pos: last, loaded: true})
	return nil
}

func (b *Bus) add(s *subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, x := range b.subs {
		// Two durable subscribers of one name would share one stored position.
		if s.durable && x.durable && x.name == s.name {
			panic("events: durable subscriber " + s.name + " registered twice")
		}
	}
	b.subs = append(b.subs, s)
	if b.running != nil {
		go b.loop(b.running, s)
	}
}

func (b *Bus) subscribers() []*subscriber {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*subscriber(nil), b.subs...)
}

// Notify wakes every subscriber's delivery (events were committed).
func (b *Bus) Notify() {
	for _, s := range b.subscribers() {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// Committed is called after a transaction that appended events has
// committed: local subscribers get the events before it returns, durable
// ones are woken. Errors are logged; polling retries them.
func (b *Bus) Committed(ctx context.Context) {
	if b == nil {
		return
	}
	for _, s := range b.subscribers() {
		if !s.durable || s.inline {
			if err := b.deliver(ctx, s); err != nil {
				b.log.Warn("event delivery", "subscriber", s.name, "err", err)
			}
		}
	}
	b.Notify()
}

// Deliver runs one delivery pass over every subscriber now and returns
// their errors joined (for tests and one-shot commands; Run does this
// continuously).
func (b *Bus) Deliver(ctx context.Context) error {
	var all []error
	for _, s := range b.subscribers() {
		all = append(all, b.deliver(ctx, s))
	}
	return errors.Join(all...)
}

// Run delivers until ctx ends: at once (replaying what a durable
// subscriber missed), after every Notify, and every PollEvery.
func (b *Bus) Run(ctx context.Context) {
	b.mu.Lock()
	if b.running != nil {
		b.mu.Unlock()
		panic("events: Bus.Run called twice")
	}
	b.running = ctx
	subs := append([]*subscriber(nil), b.subs...)
	b.mu.Unlock()
	var wg sync.WaitGroup
	if b.db.Dialect == store.Postgres && !b.NoListen {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.listen(ctx)
		}()
	}
	for _, s := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.loop(ctx, s)
		}()
	}
	wg.Wait()
}

func (b *Bus) loop(ctx context.Context, s *subscriber) {
	fails := 0
	for {
		err := b.deliver(ctx, s)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			fails++
			wait := b.RetryBase << min(fails-1, 20)
			if wait > b.RetryMax || wait <= 0 {
				wait = b.RetryMax
			}
			b.log.Warn("event delivery failed; retrying", "subscriber", s.name, "attempt", fails, "retry_in", wait, "err", err)
			// Wake-ups are ignored while backing off.
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			continue
		}
		fails = 0
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-time.After(b.PollEvery):
		}
	}
}

// deliver hands s every event after its position, in order.
func (b *Bus) deliver(ctx context.Context, s *subscriber) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		if err := b.load(ctx, s); err != nil {
			return err
		}
	}
	for {
		evs, err := Since(ctx, b.db.R, s.pos, b.Batch)
		if err != nil {
			return err
		}
		start := s.pos
		for _, e := range evs {
			if err := call(ctx, s.fn, e); err != nil {
				return errors.Join(fmt.Errorf("subscriber %s, event %d (%s): %w", s.name, e.ID, e.Kind, err), b.save(ctx, s, start))
			}
			s.pos = e.ID
		}
		if err := b.save(ctx, s, start); err != nil {
			return err
		}
		if len(evs) < b.Batch {
			return nil
		}
	}
}

func call(ctx context.Context, fn Handler, e Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return fn(ctx, e)
}

func (b *Bus) load(ctx context.Context, s *subscriber) error {
	err := b.db.R.QueryRowContext(ctx, `SELECT last_id FROM event_cursors WHERE subscriber = $1`, s.name).Scan(&s.pos)
	if errors.Is(err, sql.ErrNoRows) {
		s.pos = 0
		_, err = b.db.W.ExecContext(ctx, `INSERT INTO event_cursors (subscriber, last_id, updated_at) VALUES ($1, 0, $2) ON CONFLICT (subscriber) DO NOTHING`,
			s.name, store.Now())
	}
	if err != nil {
		return errs.Wrap(err, "event cursor")
	}
	s.loaded = true
	return nil
}

// save stores a durable subscriber's position if it moved since start.
func (b *Bus) save(ctx context.Context, s *subscriber, start int64) error {
	if !s.durable || s.pos == start {
		return nil
	}
	// Only forward: another node running the same subscriber may be ahead.
	_, err := b.db.W.ExecContext(context.WithoutCancel(ctx), `UPDATE event_cursors SET last_id = $1, updated_at = $2 WHERE subscriber = $3 AND last_id < $1`,
		s.pos, store.Now(), s.name)
	return errs.Wrap(err, "event cursor")
}

// Position returns a durable subscriber's stored position (0 if none).
func Position(ctx context.Context, db *store.DB, name string) (int64, error) {
	var id int64
	err := db.R.QueryRowContext(ctx, `SELECT last_id FROM event_cursors WHERE subscriber = $1`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, errs.Wrap(err, "event cursor")
}

// Forget removes a retired durable subscriber's position, which would
// otherwise keep Prune from removing the events it has not seen.
func Forget(ctx context.Context, db *store.DB, name string) error {
	_, err := db.W.ExecContext(ctx, `DELETE FROM event_cursors WHERE subscriber = $1`, name)
	return errs.Wrap(err, "forget subscriber")
}

// Retention is how long events are kept by default (Prune).
const Retention = 30 * 24 * time.Hour

// Prune deletes events created before cutoff that every durable subscriber
// has passed, and returns how many went.
func Prune(ctx context.Context, db *store.DB, cutoff time.Time) (int64, error) {
	res, err := db.W.ExecContext(ctx, `DELETE FROM change_events WHERE created_at < $1
		AND id <= (SELECT COALESCE(MIN(last_id), 9223372036854775807) FROM event_cursors)`, store.FormatTime(cutoff))
	if err != nil {
		return 0, errs.Wrap(err, "prune events")
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// Advance moves a durable subscriber's stored position forward to id (a
// rebuild that covered every event up to id); it never moves it back.
func Advance(ctx context.Context, db *store.DB, name string, id int64) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO event_cursors (subscriber, last_id, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (subscriber) DO UPDATE SET last_id = excluded.last_id, updated_at = excluded.updated_at WHERE event_cursors.last_id < excluded.last_id`,
		name, id, store.Now())
	return errs.Wrap(err, "event cursor")
}

// Last returns the id of the newest event (0 if none).
func Last(ctx context.Context, db *store.DB) (int64, error) {
	var id int64
	err := db.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM change_events`).Scan(&id)
	return id, errs.Wrap(err, "newest event")
}
