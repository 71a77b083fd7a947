package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
)

// The SQLite driver prepares (parses and plans) every query anew: on an
// uncached item page that was a third of the CPU (issue 17). SQLite's
// connections here keep their prepared read statements instead, keyed by
// the SQL text, and bind new arguments to them: database/sql hands a
// connection to one caller at a time, and a statement still being read
// (a query inside a loop over another of the same text, in one
// transaction) is never lent twice.

// stmtCacheSize bounds the statements one connection keeps. The pages'
// queries are a few hundred texts; a prepared statement is some kilobytes
// of SQLite memory.
const stmtCacheSize = 128

// cachingDriverName is the registered name of the caching SQLite driver.
const cachingDriverName = "sqlite-stmtcache"

func init() {
	db, err := sql.Open("sqlite", "")
	if err != nil {
		panic(err)
	}
	d := db.Driver()
	db.Close()
	sql.Register(cachingDriverName, cachingDriver{d})
}

type cachingDriver struct{ d driver.Driver }

func (d cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.d.Open(name)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Conn: c}, nil
}

// inner is what the SQLite driver's connection implements besides
// driver.Conn.
type inner interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type cachingConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	st   driver.Stmt
	busy bool // a Rows of it is open
}

func (c *cachingConn) in() inner { return c.Conn.(inner) }

func (c *cachingConn) BeginTx(ctx context.Context, o driver.TxOptions) (driver.Tx, error) {
	return c.in().BeginTx(ctx, o)
}

func (c *cachingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.in().PrepareContext(ctx, q)
}

func (c *cachingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return c.in().ExecContext(ctx, q, args)
}

func (c *cachingConn) Ping(ctx context.Context) error { return c.in().Ping(ctx) }

func (c *cachingConn) ResetSession(ctx context.Context) error { return c.in().ResetSession(ctx) }

func (c *cachingConn) IsValid() bool { return c.in().IsValid() }

// cacheable: one statement (a script is prepared statement by statement).
func cacheable(q string) bool { return !strings.Contains(q, ";") }

func (c *cachingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	e := c.stmts[q]
	if e == nil && cacheable(q) {
		if len(c.stmts) >= stmtCacheSize {
			c.evict()
		}
		st, err := c.in().PrepareContext(ctx, q)
		if err != nil {
			return nil, err
		}
		if c.stmts == nil {
			c.stmts = map[string]*cachedStmt{}
		}
		e = &cachedStmt{st: st}
		c.stmts[q] = e
	}
	if e == nil || e.busy {
		return c.in().QueryContext(ctx, q, args)
	}
	rows, err := e.st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.drop(q, e)
		return nil, err
	}
	e.busy = true
	return &cachedRows{Rows: rows, c: c, q: q, e: e}, nil
}

// evict closes the statements not in use (start over when full).
func (c *cachingConn) evict() {
	for q, e := range c.stmts {
		if !e.busy {
			e.st.Close()
			delete(c.stmts, q)
		}
	}
}

func (c *cachingConn) drop(q string, e *cachedStmt) {
	if c.stmts[q] == e {
		delete(c.stmts, q)
	}
	e.st.Close()
}

func (c *cachingConn) Close() error {
	for q, e := range c.stmts {
		e.st.Close()
		delete(c.stmts, q)
	}
	return c.Conn.Close()
}

// cachedRows gives the statement back when the rows are closed; after an
// error the statement is finalised rather than kept.
type cachedRows struct {
	driver.Rows
	c    *cachingConn
	q    string
	e    *cachedStmt
	done bool
}

func (r *cachedRows) Close() error {
	if r.done {
		return nil
	}
	r.done = true
	err := r.Rows.Close()
	r.e.busy = false
	if err != nil {
		r.c.drop(r.q, r.e)
	}
	return err
}
