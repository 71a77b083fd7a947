// Package fts5 is the embedded search back end: SQLite FTS5 over the token
// text (search.TokenText) of each document's title, extra and body, beside
// the search_docs rows (migration 0012). It is written in the same
// transaction as the rows, so the index never disagrees with them.
package fts5

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"gongkai/internal/search"
	"gongkai/internal/search/searchsql"
	"gongkai/internal/store"
)

// Index is the FTS5 back end.
type Index struct {
	*searchsql.Index

	tidy tidier
}

var (
	_ search.Backend          = (*Index)(nil)
	_ searchsql.CandidateText = text{}
	_ searchsql.PackedText    = text{}
)

// New returns the FTS5 back end over db (an SQLite database migrated to 0012).
func New(db *store.DB) *Index {
	return &Index{Index: &searchsql.Index{DB: db, Text: text{}}}
}

// Put, Delete, DeleteRef and DeleteKind are searchsql's, then schedule
// TidySmall: each writing transaction leaves a new small segment in both
// full-text tables.

// Put implements search.Backend.
func (x *Index) Put(ctx context.Context, docs ...*search.Document) error {
	err := x.Index.Put(ctx, docs...)
	x.wrote(err)
	return err
}

// Delete implements search.Backend.
func (x *Index) Delete(ctx context.Context, siteID int64, kind string, ref int64) error {
	err := x.Index.Delete(ctx, siteID, kind, ref)
	x.wrote(err)
	return err
}

// DeleteRef implements search.RefDeleter.
func (x *Index) DeleteRef(ctx context.Context, siteID int64, kinds []string, ref int64) error {
	err := x.Index.DeleteRef(ctx, siteID, kinds, ref)
	x.wrote(err)
	return err
}

// DeleteKind implements search.Backend.
func (x *Index) DeleteKind(ctx context.Context, siteID int64, kind string) error {
	err := x.Index.DeleteKind(ctx, siteID, kind)
	x.wrote(err)
	return err
}

type text struct{}

func (text) Name() string { return "fts5" }

// Lock: SQLite has one writer (the one-connection write pool and
// _txlock=immediate), which serialises Puts already.
func (text) Lock(context.Context, *sql.Tx) error { return nil }

func (text) Prepare(d *search.Document) any {
	return [3]string{search.TokenText(d.Title), search.TokenText(d.Extra), search.TokenText(d.Body)}
}

func (text) Index(ctx context.Context, tx *sql.Tx, d *search.Document, prepared any) error {
	t := prepared.([3]string)
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_fts (rowid, title, extra, body) VALUES ($1, $2, $3, $4)`, d.ID, t[0], t[1], t[2]); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_fts_title (rowid, title) VALUES ($1, $2)`, d.ID, t[0]); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_fts_docs (id, site_id, kind, ref, url, title, doc_no, doc_no_key, index_no, publisher, column_id, topic, validity, published_on, year)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		d.ID, d.SiteID, d.Kind, d.Ref, d.URL, d.Title, d.DocNo, search.DocNoKey(d.DocNo), d.IndexNo, d.Publisher, d.ColumnID, d.Topic, d.Validity, d.PublishedOn, d.Year())
	return err
}

// CandidateTable: matches read their candidates from search_fts_docs
// (migration 0041), about 200 bytes a row, not from search_docs, whose rows
// carry the whole text: at 100,000 documents the 800 rows a common word
// reads cost a quarter of the time from the narrow table.
func (text) CandidateTable() string { return "search_fts_docs" }

// Pack implements searchsql.PackedText.
func (text) Pack(exprs []string) string { return strings.Join(exprs, " || char(0) || ") }

// Unindex deletes by rowid (contentless_delete=1).
func (text) Unindex(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts_title WHERE rowid = $1`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM search_fts_docs WHERE id = $1`, id)
	return err
}

func (text) Windowed() bool { return false }

func (text) PlanWindow(context.Context, *sql.Tx) error { return nil }

func (text) EstimateDocs(context.Context, *store.DB) int64 { return 0 }

// Compile writes an FTS5 query. Every token is a quoted string (a quote
// inside doubled), so nothing in it is FTS5 syntax; tokens are joined with
// "+" into a phrase, a prefix token takes "*" after its string; a title
// phrase is restricted with the column filter "title : ( … )".
func (text) Compile(q *searchsql.Query, must [][]searchsql.Phrase, not []searchsql.Phrase, titleOnly bool) (join, cond, order string) {
	var nots []string
	for _, p := range not {
		nots = append(nots, phrase(p, false))
	}
	notExpr := strings.Join(nots, " OR ")
	if len(must) == 0 {
		if notExpr == "" {
			return "", "", ""
		}
		return "", "d.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH " + q.Arg(notExpr) + ")", ""
	}
	if !titleOnly {
		titleOnly = allTitle(must)
	}
	var clauses []string
	for _, cl := range must {
		var ps []string
		for _, p := range cl {
			ps = append(ps, phrase(p, titleOnly))
		}
		clauses = append(clauses, "("+strings.Join(ps, " OR ")+")")
	}
	expr := strings.Join(clauses, " AND ")
	if titleOnly {
		// Every phrase in the title: the titles' own table, newest first;
		// excluded words are looked up anywhere.
		cond = "search_fts_title MATCH " + q.Arg(expr)
		if notExpr != "" {
			cond += " AND d.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH " + q.Arg(notExpr) + ")"
		}
		return " JOIN search_fts_title f ON f.rowid = d.id", cond, "f.rowid"
	}
	if notExpr != "" {
		expr = "(" + expr + ") NOT (" + notExpr + ")"
	}
	// The FTS table drives the join, newest rowid first, so LIMIT stops the
	// scan early; search_docs is read by primary key per match.
	return " JOIN search_fts f ON f.rowid = d.id", "search_fts MATCH " + q.Arg(expr), "f.rowid"
}

// allTitle reports whether every phrase of must is restricted to the title.
func allTitle(must [][]searchsql.Phrase) bool {
	for _, cl := range must {
		for _, p := range cl {
			if !p.Title {
				return false
			}
		}
	}
	return true
}

func phrase(p searchsql.Phrase, titleOnly bool) string {
	var b strings.Builder
	for i, t := range p.Tokens {
		if i > 0 {
			b.WriteString(" + ")
		}
		b.WriteString(`"` + strings.ReplaceAll(t.Text, `"`, `""`) + `"`)
		if t.Prefix {
			b.WriteString(" *")
		}
	}
	if p.Title || titleOnly {
		return "title : (" + b.String() + ")"
	}
	return "(" + b.String() + ")"
}

// IndexBytes sums the pages of the FTS5 shadow tables and search_docs.
func (text) IndexBytes(ctx context.Context, db *store.DB) (int64, error) {
	var n sql.NullInt64
	err := db.R.QueryRowContext(ctx, `SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search%'`).Scan(&n)
	if err != nil {
		var pages, size int64
		if err := db.R.QueryRowContext(ctx, `SELECT page_count, page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&pages, &size); err != nil {
			return 0, err
		}
		return pages * size, nil
	}
	return n.Int64, nil
}

// mergeStep is the pages of work one merge step does: a step is one short
// write transaction, so other writers (a publication) wait for one step,
// not for the whole merge.
const mergeStep = 2000

// Optimize merges the FTS5 segments into one (after a rebuild: the index is
// written with automerge 8, which makes loading faster and queries over many
// segments slower — 33 segments after a rebuild of 100,000 documents, each
// sought for every token of every query). It merges incrementally ('merge'
// with a negative page count, which merges whatever the segments' levels) in
// steps of mergeStep pages until a step changes nothing, instead of one
// 'optimize' that holds the writer for the whole 20 s.
func (x *Index) Optimize(ctx context.Context) error {
	for _, t := range []string{"search_fts", "search_fts_title"} {
		if err := x.setDeleteMerge(ctx, t, defaultDeleteMerge); err != nil {
			return err
		}
		for {
			done, err := x.mergeOnce(ctx, t)
			if err != nil {
				return fmt.Errorf("search: merge %s: %w", t, err)
			}
			if done {
				break
			}
		}
	}
	return nil
}

// defaultDeleteMerge is FTS5's 'deletemerge' (a segment is merged once
// this percentage of its rows are deleted).
const defaultDeleteMerge = 10

// BeginRebuild prepares the tables for a rebuild (search.Service.ReindexAll):
// 'deletemerge' 0. A rebuild deletes every row of the large segment the
// last Optimize left; once 10 % of a segment's rows are deleted, automerge
// merges that whole segment (gigabytes at 100,000 documents) to purge them,
// which the final Optimize does anyway. (Seen at 100,000: a tenth of the
// way into the rebuild its CPU per document tripled; docs/BENCHMARKS.md,
// 2026-12-04.) Optimize sets it back; a rebuild that stops before leaves
// the deleted rows in their segments until the next Optimize (queries skip
// them), nothing worse.
func (x *Index) BeginRebuild(ctx context.Context) error {
	for _, t := range []string{"search_fts", "search_fts_title"} {
		if err := x.setDeleteMerge(ctx, t, 0); err != nil {
			return err
		}
	}
	return nil
}

func (x *Index) setDeleteMerge(ctx context.Context, t string, pct int) error {
	if _, err := x.DB.W.ExecContext(ctx, `INSERT INTO `+t+` (`+t+`, rank) VALUES ('deletemerge', $1)`, pct); err != nil {
		return fmt.Errorf("search: %s deletemerge: %w", t, err)
	}
	return nil
}

// TidyDelay is how long after the last write the small segments are merged
// (writes come in bursts: a publication's events, a backfill, a rebuild).
var TidyDelay = 2 * time.Second

// tidier schedules TidySmall after writes: one timer, reset by each write.
type tidier struct {
	mu    sync.Mutex
	timer *time.Timer
	run   sync.Mutex // held by TidySmall
	set   bool       // usermerge written (under run)
}

func (x *Index) wrote(err error) {
	if err != nil || TidyDelay < 0 {
		return
	}
	x.tidy.mu.Lock()
	defer x.tidy.mu.Unlock()
	if x.tidy.timer == nil {
		x.tidy.timer = time.AfterFunc(TidyDelay, func() { x.TidySmall(context.Background()) })
		return
	}
	x.tidy.timer.Reset(TidyDelay)
}

// TidySmall merges the small segments that writes leave in both full-text
// tables, never the large one of a rebuild. Every token of a query is
// sought in every segment: at 100,000 items, with 13 one-transaction
// segments beside the rebuild's (what a first serve's start-up jobs wrote),
// these seeks were 29 % of the server's CPU under random item pages (their
// related records read search_fts_title), 17 % after merging them (150 ms).
// The page's CPU as a whole did not move measurably (4.4 ms both, one
// quieter A/B run; docs/BENCHMARKS.md, h-crawl). FTS5's automerge (8, set
// for rebuilds) waits for eight segments on a level. 'merge' with a positive
// page count merges only the levels that hold usermerge (here 2) segments or
// more, so the rebuild's segment, alone on its level, is left alone: the
// cost is that of the small segments. Best effort: an error (the database
// closed under a timer) is dropped, the next write tries again.
func (x *Index) TidySmall(ctx context.Context) error {
	x.tidy.run.Lock() // a timer may fire while the last run still works
	defer x.tidy.run.Unlock()
	for _, t := range []string{"search_fts_title", "search_fts"} {
		if !x.tidy.set {
			if _, err := x.DB.W.ExecContext(ctx, `INSERT INTO `+t+` (`+t+`, rank) VALUES ('usermerge', 2)`); err != nil {
				return fmt.Errorf("search: usermerge %s: %w", t, err)
			}
		}
		for {
			done, err := x.mergeStep(ctx, t, mergeStep)
			if err != nil {
				return fmt.Errorf("search: merge %s: %w", t, err)
			}
			if done {
				break
			}
		}
	}
	x.tidy.set = true
	return nil
}

// mergeOnce runs one merge step of table t and reports whether there was
// nothing left to merge (the FTS5 documentation: fewer than 2 changes).
func (x *Index) mergeOnce(ctx context.Context, t string) (bool, error) {
	return x.mergeStep(ctx, t, -mergeStep)
}

// mergeStep runs 'merge' with page count n (negative: whatever the levels;
// positive: the levels with usermerge segments or more).
func (x *Index) mergeStep(ctx context.Context, t string, n int) (bool, error) {
	conn, err := x.DB.W.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var before, after int64
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
		return false, err
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO `+t+` (`+t+`, rank) VALUES ('merge', $1)`, n); err != nil {
		return false, err
	}
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
		return false, err
	}
	return after-before < 2, nil
}
