package store

// Read replicas (issue 17, "Several nodes on one PostgreSQL"): PostgreSQL
// hot standbys that public list and detail pages may read from.
//
// The pool behind DB.R and DB.W becomes a routing pool: each of its
// connections holds a connection to the primary and, opened when first
// needed, one to each replica. A query goes to a replica only when all of
// these hold:
//   - its context was marked with ReadReplica (the web kit marks anonymous
//     public GET requests and public API reads; never staff pages);
//   - nothing in that context has written yet (an Exec or a transaction
//     turns the mark off for the rest of the request);
//   - the replica is up, and its replay position, measured within the last
//     two seconds, is at or past the primary's WAL position recorded at the
//     last public change this node has seen (MarkChange, called by the
//     render cache's change-event subscriber before it drops pages) — so a
//     page rendered after a change never shows what was there before;
//   - it has not been behind the primary for longer than Grace.
//
// Otherwise, and whenever the replica fails (down, or a statement a
// standby refuses), the query runs on the primary.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// ReplicaGrace is how long a replica may have been behind the primary and
// still serve (besides being past the last change): bounds the staleness of
// what public pages show that no change event announces.
const ReplicaGrace = 2 * time.Second

// replicaProbeEvery is how often each replica's replay position is read.
const replicaProbeEvery = 200 * time.Millisecond

// replicaMark is carried in a request's context: may read from a replica
// until off.
type replicaMark struct{ off atomic.Bool }

type replicaKey struct{}

// ReadReplica marks ctx: its reads may go to a replica while it is fresh
// enough, until something in ctx writes.
func ReadReplica(ctx context.Context) context.Context {
	return context.WithValue(ctx, replicaKey{}, &replicaMark{})
}

// PrimaryOnly turns ctx's replica mark off: its later reads go to the
// primary (a read right after a write in one request).
func PrimaryOnly(ctx context.Context) {
	if m, ok := ctx.Value(replicaKey{}).(*replicaMark); ok {
		m.off.Store(true)
	}
}

func replicaAllowed(ctx context.Context) bool {
	m, ok := ctx.Value(replicaKey{}).(*replicaMark)
	return ok && !m.off.Load()
}

// replica is one standby and what the probe last saw of it.
type replica struct {
	name      string // host:port, for logs and metrics
	connector driver.Connector
	probe     *sql.DB

	mu         sync.Mutex
	up         bool
	inRecovery bool
	replayLSN  int64
	probedAt   time.Time
	// behindSince is when the replica was first seen behind the
	// primary's position (zero while caught up).
	behindSince time.Time
	lagBytes    int64

	queries atomic.Uint64 // statements served
	next    atomic.Uint64 // round robin among replicas
}

// ReplicaStat is one replica's state, for /metrics.
type ReplicaStat struct {
	Name       string
	Up         bool
	LagBytes   int64
	LagSeconds float64
	Queries    uint64
}

// replicas routes reads of one DB.
type replicas struct {
	primary driver.Connector
	list    []*replica
	// needLSN is the primary's WAL position at the last change seen
	// (MarkChange): a replica serves only once it has replayed past it.
	needLSN    atomic.Int64
	primaryLSN atomic.Int64
	// fallbacks counts marked reads that went to the primary, by reason.
	stale, down, failed atomic.Uint64
	rr                  atomic.Uint64
	stop                context.CancelFunc
	done                chan struct{}
	pool                *sql.DB // the routing pool, for the primary's position
}

// UseReplicas routes marked reads to the PostgreSQL hot standbys at dsns
// (ReadReplica). It replaces the pools behind R and W; call it right after
// Open, before anything uses db. SQLite has no replicas: an error.
func (db *DB) UseReplicas(ctx context.Context, dsns []string) error {
	if len(dsns) == 0 {
		return nil
	}
	if db.Dialect != Postgres {
		return errors.New("read replicas (--db-replica) need PostgreSQL: give the primary with --db postgres://…")
	}
	drv, ok := stdlib.GetDefaultDriver().(driver.DriverContext)
	if !ok {
		return errors.New("pgx driver has no connector")
	}
	pc, err := drv.OpenConnector(db.dsn)
	if err != nil {
		return err
	}
	rs := &replicas{primary: pc, done: make(chan struct{})}
	for _, d := range dsns {
		u, err := url.Parse(d)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			rs.close()
			return fmt.Errorf("--db-replica %q: not a postgres:// URL", redact(d))
		}
		c, err := drv.OpenConnector(d)
		if err != nil {
			rs.close()
			return fmt.Errorf("--db-replica %s: %w", u.Host, err)
		}
		probe := sql.OpenDB(c)
		probe.SetMaxOpenConns(1)
		rs.list = append(rs.list, &replica{name: u.Host, connector: c, probe: probe})
	}
	pool := sql.OpenDB(&routeConnector{rs: rs})
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	rs.pool = pool
	// Changes made before this node started are not announced to it: the
	// replica must first reach where the primary is now.
	fail := func(err error) error {
		rs.close()
		pool.Close()
		return err
	}
	if err := rs.markChange(ctx); err != nil {
		return fail(fmt.Errorf("read the primary's WAL position: %w", err))
	}
	for _, r := range rs.list {
		rs.probeOne(ctx, r)
		if r.up && !r.inRecovery {
			return fail(fmt.Errorf("--db-replica %s is not a standby (pg_is_in_recovery() is false)", r.name))
		}
	}
	old := db.W
	db.R, db.W, db.replicas = pool, pool, rs
	old.Close()
	pctx, stop := context.WithCancel(context.Background())
	rs.stop = stop
	go rs.run(pctx)
	return nil
}

// redact drops a password from a DSN for a message.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	return u.Redacted()
}

// HasReplicas reports whether UseReplicas configured read replicas.
func (db *DB) HasReplicas() bool { return db.replicas != nil }

// MarkChange records the primary's WAL position as one every replica must
// reach before serving again: call it when a public change becomes known,
// before dropping cached pages. Without replicas it does nothing.
func (db *DB) MarkChange(ctx context.Context) error {
	if db.replicas == nil {
		return nil
	}
	return db.replicas.markChange(ctx)
}

func (rs *replicas) markChange(ctx context.Context) error {
	var lsn int64
	if err := rs.pool.QueryRowContext(ctx, `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint`).Scan(&lsn); err != nil {
		// Position unknown: no replica serves until the probe reads the
		// primary's position again (run), which is past this change.
		rs.needLSN.Store(math.MaxInt64)
		return err
	}
	for {
		cur := rs.needLSN.Load()
		if lsn <= cur || rs.needLSN.CompareAndSwap(cur, lsn) {
			return nil
		}
	}
}

// run probes the replicas until stopped.
func (rs *replicas) run(ctx context.Context) {
	defer close(rs.done)
	t := time.NewTicker(replicaProbeEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var lsn int64
		qctx, cancel := context.WithTimeout(ctx, time.Second)
		if err := rs.pool.QueryRowContext(qctx, `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint`).Scan(&lsn); err == nil {
			rs.primaryLSN.Store(lsn)
			rs.needLSN.CompareAndSwap(math.MaxInt64, lsn)
		}
		cancel()
		for _, r := range rs.list {
			rs.probeOne(ctx, r)
		}
	}
}

// probeOne reads a replica's replay position.
func (rs *replicas) probeOne(ctx context.Context, r *replica) {
	qctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var inRecovery bool
	var lsn sql.NullInt64
	err := r.probe.QueryRowContext(qctx, `SELECT pg_is_in_recovery(), pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint`).Scan(&inRecovery, &lsn)
	now := time.Now()
	primary := rs.primaryLSN.Load()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.probedAt = now
	if err != nil {
		r.up = false
		return
	}
	r.up, r.inRecovery, r.replayLSN = true, inRecovery, lsn.Int64
	r.lagBytes = max(primary-lsn.Int64, 0)
	if lsn.Int64 >= primary {
		r.behindSince = time.Time{}
	} else if r.behindSince.IsZero() {
		r.behindSince = now
	}
}

// usable reports whether r may serve a read now, and if not why.
func (rs *replicas) usable(r *replica) (ok bool, down bool) {
	need := rs.needLSN.Load()
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.up || !r.inRecovery {
		return false, true
	}
	now := time.Now()
	if now.Sub(r.probedAt) > 2*time.Second || r.replayLSN < need {
		return false, false
	}
	if !r.behindSince.IsZero() && now.Sub(r.behindSince) > ReplicaGrace {
		return false, false
	}
	return true, false
}

func (rs *replicas) setDown(r *replica) {
	r.mu.Lock()
	r.up = false
	r.mu.Unlock()
}

// pick returns the index of a replica that may serve ctx's read, or -1.
func (rs *replicas) pick(ctx context.Context) int {
	if !replicaAllowed(ctx) {
		return -1
	}
	n := len(rs.list)
	start := int(rs.rr.Add(1) % uint64(n))
	sawDown, sawStale := false, false
	for i := range n {
		k := (start + i) % n
		ok, down := rs.usable(rs.list[k])
		if ok {
			return k
		}
		sawDown = sawDown || down
		sawStale = sawStale || !down
	}
	if sawStale {
		rs.stale.Add(1)
	} else if sawDown {
		rs.down.Add(1)
	}
	return -1
}

// ReplicaStats describes the replicas and the reads they did not take
// (by reason: stale, down, failed); nil without replicas.
func (db *DB) ReplicaStats() (stats []ReplicaStat, fallbacks map[string]uint64) {
	rs := db.replicas
	if rs == nil {
		return nil, nil
	}
	now := time.Now()
	for _, r := range rs.list {
		r.mu.Lock()
		st := ReplicaStat{Name: r.name, Up: r.up && r.inRecovery, LagBytes: r.lagBytes, Queries: r.queries.Load()}
		if !r.behindSince.IsZero() {
			st.LagSeconds = now.Sub(r.behindSince).Seconds()
		}
		r.mu.Unlock()
		stats = append(stats, st)
	}
	return stats, map[string]uint64{"stale": rs.stale.Load(), "down": rs.down.Load(), "failed": rs.failed.Load()}
}

func (rs *replicas) close() {
	if rs.stop != nil {
		rs.stop()
		<-rs.done
	}
	for _, r := range rs.list {
		r.probe.Close()
	}
}

// routeConnector makes the routing pool's connections.
type routeConnector struct{ rs *replicas }

func (c *routeConnector) Connect(ctx context.Context) (driver.Conn, error) {
	p, err := c.rs.primary.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &routeConn{rs: c.rs, primary: p, reps: make([]driver.Conn, len(c.rs.list))}, nil
}

func (c *routeConnector) Driver() driver.Driver { return c.rs.primary.Driver() }

// routeConn is one connection of the routing pool: the primary's, and a
// replica's per replica once one was used. database/sql uses a connection
// from one goroutine at a time, so no lock.
type routeConn struct {
	rs      *replicas
	primary driver.Conn
	reps    []driver.Conn
}

var (
	_ driver.ConnBeginTx         = (*routeConn)(nil)
	_ driver.ExecerContext       = (*routeConn)(nil)
	_ driver.QueryerContext      = (*routeConn)(nil)
	_ driver.ConnPrepareContext  = (*routeConn)(nil)
	_ driver.Pinger              = (*routeConn)(nil)
	_ driver.SessionResetter     = (*routeConn)(nil)
	_ driver.NamedValueChecker   = (*routeConn)(nil)
	_ driver.QueryerContext      = (*stdlib.Conn)(nil)
	_ driver.ExecerContext       = (*stdlib.Conn)(nil)
	_ driver.ConnBeginTx         = (*stdlib.Conn)(nil)
	_ driver.ConnPrepareContext  = (*stdlib.Conn)(nil)
	_ driver.SessionResetter     = (*stdlib.Conn)(nil)
	_ driver.NamedValueChecker   = (*stdlib.Conn)(nil)
	_ driver.Pinger              = (*stdlib.Conn)(nil)
	_ interface{ Close() error } = (*stdlib.Conn)(nil)
)

// Conn is the primary's pgx connection (LISTEN, in internal/events).
func (c *routeConn) Conn() *pgx.Conn { return c.primary.(*stdlib.Conn).Conn() }

func (c *routeConn) Prepare(query string) (driver.Stmt, error) { return c.primary.Prepare(query) }

func (c *routeConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	PrimaryOnly(ctx)
	return c.primary.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *routeConn) Close() error {
	err := c.primary.Close()
	for i, r := range c.reps {
		if r != nil {
			r.Close()
			c.reps[i] = nil
		}
	}
	return err
}

func (c *routeConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *routeConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	PrimaryOnly(ctx)
	return c.primary.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *routeConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	PrimaryOnly(ctx)
	return c.primary.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *routeConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if k := c.rs.pick(ctx); k >= 0 {
		r := c.rs.list[k]
		rows, err := c.onReplica(ctx, k, query, args)
		if err == nil {
			r.queries.Add(1)
			return rows, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		// A standby that is gone, or a statement it refuses (a write
		// with RETURNING): the primary answers, and this context stays
		// there.
		c.rs.failed.Add(1)
		if c.reps[k] != nil {
			c.reps[k].Close()
			c.reps[k] = nil
		}
		if !isReadOnlyRefusal(err) {
			c.rs.setDown(r)
		}
		PrimaryOnly(ctx)
	}
	return c.primary.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c *routeConn) onReplica(ctx context.Context, k int, query string, args []driver.NamedValue) (driver.Rows, error) {
	if c.reps[k] == nil {
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		conn, err := c.rs.list[k].connector.Connect(cctx)
		cancel()
		if err != nil {
			return nil, err
		}
		c.reps[k] = conn
	}
	return c.reps[k].(driver.QueryerContext).QueryContext(ctx, query, args)
}

// isReadOnlyRefusal: SQLSTATE 25006, read_only_sql_transaction.
func isReadOnlyRefusal(err error) bool {
	return err != nil && strings.Contains(err.Error(), "SQLSTATE 25006")
}

func (c *routeConn) Ping(ctx context.Context) error {
	return c.primary.(driver.Pinger).Ping(ctx)
}

func (c *routeConn) ResetSession(ctx context.Context) error {
	for i, r := range c.reps {
		if r == nil {
			continue
		}
		if err := r.(driver.SessionResetter).ResetSession(ctx); err != nil {
			r.Close()
			c.reps[i] = nil
		}
	}
	return c.primary.(driver.SessionResetter).ResetSession(ctx)
}

func (c *routeConn) CheckNamedValue(v *driver.NamedValue) error {
	return c.primary.(driver.NamedValueChecker).CheckNamedValue(v)
}
