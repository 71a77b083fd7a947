package catalog

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/sanitize"
	"gongkai/internal/store"
)

// BulkItem is one item for BulkLoad: the item as it stands after its
// workflow (published, or another status), with its links and the records
// of its attachments.
type BulkItem struct {
	// Item is stored as given, except: ID is assigned (and set on Item);
	// published items without an index number get the next one of their
	// publication year (allocateIndexNo's scheme), as do withdrawn ones (they
	// keep the number they had); Publisher defaults to the site's name,
	// Status to published, Disclosure to proactive, Revision to 1 for
	// published and withdrawn items.
	Item *Item
	// Interprets are the policy documents an interpretation explains: items
	// earlier in the same load, or stored ones (by their ID).
	Interprets []*Item
	// Successor, when set, is the document that replaced this one
	// (替代文件; sets Item.SuccessorID): an item earlier in the load or a stored one.
	Successor *Item
	// Attachments are attachment rows (the files themselves are not written;
	// an empty TextStatus is TextPending, for the start-up backfill).
	Attachments []Attachment
}

// BulkOptions tunes BulkLoad.
type BulkOptions struct {
	// TxSize is how many items one transaction holds (default 1,000; larger
	// ones were no faster on SQLite, their pages spill from the cache).
	TxSize int
	// Progress, when set, is called after each transaction with the number
	// of items loaded so far.
	Progress func(done int)
}

// BulkStats counts what BulkLoad wrote.
type BulkStats struct {
	Items, Facets, Links, Attachments int
}

// bulkCols are the items columns BulkLoad writes, in order.
var bulkCols = `id, site_id, column_id, doc_type, department_id, index_no, body, ` + coreColumns("") + `,
	successor_id, fields, status, publish_at, withdrawn_reason, version, revision, clicks, created_by, created_at, updated_at`

const bulkNCols = 31

// bulkRows is how many rows one multi-row INSERT carries: items have 31
// columns, and SQLite binds at most 32,766 parameters (PostgreSQL 65,535).
const bulkRows = 250

// BulkLoad stores many items at once, for imports and the synthetic site
// of benchmarks (`gongkai seed --synthetic`): multi-row INSERTs inside large
// transactions instead of the per-item workflow. It checks what the
// workflow would (type, column, department, field values) but runs no
// workflow step: items arrive in their final status. It writes the items,
// their facets, interpretation links, attachment rows, one ledger event and
// the first revision of each published item, moves the index-number
// counters past every number used, audits the load once, and reports one
// public change at the end.
//
// Ids are assigned here (from the largest stored id on), so a load must not
// run beside other writers of items: on PostgreSQL each transaction locks
// the items table against them.
func (s *Service) BulkLoad(ctx context.Context, actor *auth.User, siteID int64, items iter.Seq[*BulkItem], opt BulkOptions) (BulkStats, error) {
	var st BulkStats
	if actor != nil && !actor.CanManageSite() {
		return st, errs.E(errs.Forbidden, "只有系统管理员可以批量导入信息")
	}
	if opt.TxSize <= 0 {
		opt.TxSize = 1000
	}
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return st, err
	}
	tree, err := s.Tree(ctx, siteID)
	if err != nil {
		return st, err
	}
	depts, err := s.Departments(ctx, siteID)
	if err != nil {
		return st, err
	}
	abbr := map[int64]string{}
	for _, d := range depts {
		abbr[d.ID] = d.Abbr
	}
	siteAbbr := site.Settings.DeptAbbr
	if siteAbbr == "" {
		siteAbbr = "gk"
	}
	var actorID any
	if actor != nil {
		actorID = actor.ID
	}
	b := &bulkLoader{s: s, ctx: ctx, site: site, tree: tree, abbr: abbr, siteAbbr: siteAbbr, actorID: actorID, now: store.Now()}
	if s.DB.Dialect == store.SQLite {
		// The write pool is one connection: give it a larger page cache and
		// fewer, larger checkpoints for the load, then the usual settings
		// again. Both are safe (durability is unchanged).
		if _, err := s.DB.W.ExecContext(ctx, `PRAGMA cache_size = -65536`); err == nil {
			defer s.DB.W.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -16000`)
		}
		if _, err := s.DB.W.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 16384`); err == nil {
			defer s.DB.W.ExecContext(context.WithoutCancel(ctx), `PRAGMA wal_autocheckpoint = 1000`)
		}
	}

	var batch []*BulkItem
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := s.DB.Tx(ctx, func(tx *sql.Tx) error { return b.load(tx, batch, &st) }); err != nil {
			return err
		}
		batch = batch[:0]
		if opt.Progress != nil {
			opt.Progress(st.Items)
		}
		return nil
	}
	n := 0
	for bi := range items {
		n++
		if err := b.check(n, bi); err != nil {
			return st, err
		}
		batch = append(batch, bi)
		if len(batch) >= opt.TxSize {
			if err := flush(); err != nil {
				return st, err
			}
		}
	}
	if err := flush(); err != nil {
		return st, err
	}
	if st.Items == 0 {
		return st, nil
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if s.DB.Dialect == store.Postgres {
			// Explicit ids do not move the identity sequence.
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('items', 'id'), (SELECT MAX(id) FROM items))`); err != nil {
				return errs.Wrap(err, "bulk sequence")
			}
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "items.bulk_load", Target: fmt.Sprintf("site:%d", siteID),
			After: map[string]any{"items": st.Items, "links": st.Links, "attachments": st.Attachments}}); err != nil {
			return err
		}
		// One event for the whole load: subscribers (the render cache, the
		// search index) rebuild what they hold of the site.
		_, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: events.ItemsBulk,
			Payload: events.Payload(map[string]int{"items": st.Items})})
		return err
	})
	if err != nil {
		return st, err
	}
	s.Bus.Committed(ctx)
	return st, nil
}

type bulkLoader struct {
	s        *Service
	ctx      context.Context
	site     *Site
	tree     *Tree
	abbr     map[int64]string
	siteAbbr string
	actorID  any
	now      string
}

// check validates and completes one item before it is queued; n counts from 1.
func (b *bulkLoader) check(n int, bi *BulkItem) error {
	it := bi.Item
	fail := func(format string, args ...any) error {
		return errs.E(errs.Invalid, "第 %d 条信息（%s）：%s", n, it.Title, fmt.Sprintf(format, args...))
	}
	if it == nil {
		return errs.E(errs.Invalid, "第 %d 条信息为空", n)
	}
	t := DocTypeByCode(it.DocType)
	if t == nil {
		return fail("文档类型 %q 不存在", it.DocType)
	}
	c := b.tree.ByID[it.ColumnID]
	switch {
	case c == nil:
		return fail("栏目 %d 不属于本站点", it.ColumnID)
	case c.Kind != KindList || !c.Holds(it.DocType):
		return fail("栏目“%s”不收录“%s”类信息", c.Name, t.Name)
	}
	if _, ok := b.abbr[it.DepartmentID]; !ok {
		return fail("起草科室 %d 不属于本站点", it.DepartmentID)
	}
	if it.Status == "" {
		it.Status = StatusPublished
	}
	if _, ok := StatusLabels[it.Status]; !ok {
		return fail("状态 %q 无效", it.Status)
	}
	if it.Disclosure == "" {
		it.Disclosure = "proactive"
	}
	if it.Publisher == "" {
		it.Publisher = b.site.Name
	}
	if it.Fields == nil {
		it.Fields = map[string]string{}
	}
	if it.Summary == "" {
		it.Summary = clip(sanitize.Text(it.Body), 120)
	}
	v := errs.Validation{}
	for k := range it.Fields {
		if !t.Has(k) {
			v.Add(k, "该类型没有此字段")
		}
	}
	// The per-item path's checks and canonical forms (link fields are not
	// looked up here: a load may link to items later in itself).
	in := inputOf(it, nil)
	t.checkValues(in, v)
	for _, c := range coreTable {
		*c.item(it) = *c.input(in)
	}
	it.Fields, it.Lists, it.Rows = in.Fields, in.Lists, in.Rows
	if err := v.Err(); err != nil {
		return fail("%s", errs.MessageOf(err))
	}
	if wentLive(it) {
		if it.Disclosure != "proactive" {
			return fail("只有主动公开的信息可以在网站发布")
		}
		if it.PublishedOn == "" {
			return fail("已发布的信息须有发布日期")
		}
		if it.Revision == 0 {
			it.Revision = 1
		}
	}
	if len(bi.Interprets) > 0 && !t.Interprets {
		return fail("只有解读类信息可以关联所解读的文件")
	}
	for _, p := range bi.Interprets {
		if !slices.Contains(t.InterpretTargets, p.DocType) {
			return fail("只能关联%s", typeNames(t.InterpretTargets))
		}
	}
	if len(bi.Attachments) > MaxAttachments {
		return fail("每条信息最多 %d 个附件", MaxAttachments)
	}
	if it.Version == 0 {
		it.Version = 1
	}
	if it.CreatedAt == "" {
		it.CreatedAt = b.now
	}
	if it.UpdatedAt == "" {
		it.UpdatedAt = it.CreatedAt
	}
	return nil
}

// wentLive reports whether an item has been published (and so has an index
// number and a first revision): published and withdrawn items.
func wentLive(it *Item) bool { return it.Status == StatusPublished || it.Status == StatusWithdrawn }

// load writes one transaction's items.
func (b *bulkLoader) load(tx *sql.Tx, batch []*BulkItem, st *BulkStats) error {
	ctx := b.ctx
	if b.s.DB.Dialect == store.Postgres {
		// Ids are taken from MAX(id) on: keep other writers of items out.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE items IN EXCLUSIVE MODE`); err != nil {
			return errs.Wrap(err, "bulk lock")
		}
	}
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM items`).Scan(&next); err != nil {
		return errs.Wrap(err, "bulk ids")
	}
	// The year counters of the site's index numbers, moved on in memory and
	// written back once.
	counters := map[int]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT year, last_seq FROM index_counters WHERE site_id = $1`, b.site.ID)
	if err != nil {
		return errs.Wrap(err, "bulk counters")
	}
	for rows.Next() {
		var y int
		var seq int64
		if err := rows.Scan(&y, &seq); err != nil {
			rows.Close()
			return errs.Wrap(err, "bulk counters")
		}
		counters[y] = seq
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return errs.Wrap(err, "bulk counters")
	}
	touched := map[int]bool{}
	for _, bi := range batch {
		it := bi.Item
		next++
		it.ID, it.SiteID = next, b.site.ID
		if it.IndexNo == "" && wentLive(it) {
			year, _ := strconv.Atoi(it.PublishedOn[:4])
			counters[year]++
			touched[year] = true
			a := b.abbr[it.DepartmentID]
			if a == "" {
				a = b.siteAbbr
			}
			it.IndexNo = fmt.Sprintf("%s/%s/%04d-%07d", b.site.OrgCode, a, year, counters[year])
		} else if m := indexNoRE.FindStringSubmatch(it.IndexNo); m != nil && m[1] == b.site.OrgCode {
			year, _ := strconv.Atoi(m[2])
			seq, _ := strconv.ParseInt(m[3], 10, 64)
			if seq > counters[year] {
				counters[year] = seq
				touched[year] = true
			}
		}
	}

	items := make([][]any, 0, len(batch))
	var facets, links, atts, events, revs [][]any
	for _, bi := range batch {
		it := bi.Item
		if p := bi.Successor; p != nil {
			if p.ID == 0 || p.SiteID != it.SiteID {
				return errs.E(errs.Invalid, "信息“%s”的替代文件“%s”不在本站点，或在本次导入中排在更后的批次", it.Title, p.Title)
			}
			it.SuccessorID = p.ID
		}
		fields, err := json.Marshal(it.Values())
		if err != nil {
			return errs.Wrap(err, "bulk fields")
		}
		row := []any{it.ID, it.SiteID, it.ColumnID, it.DocType, it.DepartmentID, nullString(it.IndexNo), it.Body}
		for _, c := range coreTable {
			row = append(row, *c.item(it))
		}
		items = append(items, append(row, nullID(it.SuccessorID), string(fields), it.Status, it.PublishAt, it.WithdrawnReason, it.Version, it.Revision,
			it.Clicks, b.actorID, it.CreatedAt, it.UpdatedAt))
		for _, f := range facetRows(it.Type(), inputOf(it, nil)) {
			facets = append(facets, []any{it.ID, f.name, f.value, f.num})
		}
		seen := map[int64]bool{}
		for _, p := range bi.Interprets {
			if p.ID == 0 || p.SiteID != it.SiteID {
				return errs.E(errs.Invalid, "信息“%s”所解读的文件“%s”不在本站点，或在本次导入中排在更后的批次", it.Title, p.Title)
			}
			if p.ID == it.ID || seen[p.ID] {
				continue
			}
			seen[p.ID] = true
			links = append(links, []any{it.ID, p.ID, "interprets"})
		}
		for i, a := range bi.Attachments {
			if a.CreatedAt == "" {
				a.CreatedAt = it.CreatedAt
			}
			if a.TextStatus == "" {
				a.TextStatus = TextPending // the start-up backfill extracts it
			}
			atts = append(atts, []any{it.ID, a.BlobKey, a.Name, a.Size, a.MIME, a.SHA256, i, a.CreatedAt, a.TextStatus})
		}
		action := "create"
		if wentLive(it) {
			action = "publish"
			snap := *it
			snap.Clicks = 0
			// Unescaped HTML: bodies are most of the bytes, and \u003c
			// would quadruple every tag (json.Unmarshal reads both).
			var js bytes.Buffer
			enc := json.NewEncoder(&js)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(&snap); err != nil {
				return errs.Wrap(err, "bulk snapshot")
			}
			revs = append(revs, []any{it.ID, it.Revision, strings.TrimSuffix(js.String(), "\n"), "批量导入", "批量导入", it.CreatedAt})
		}
		events = append(events, []any{it.ID, action, b.actorID, "批量导入", "批量导入", it.CreatedAt})
	}
	for _, w := range []struct {
		table, cols string
		rows        [][]any
	}{
		{"items", bulkCols, items},
		{"item_facets", "item_id, name, value, num", facets},
		{"item_links", "from_id, to_id, kind", links},
		{"attachments", "item_id, blob_key, name, size, mime, sha256, sort, created_at, text_status", atts},
		{"item_events", "item_id, action, actor_id, actor_name, comment, created_at", events},
		{"item_revisions", "item_id, revision, snapshot, change_note, actor_name, created_at", revs},
	} {
		if err := insertRows(ctx, tx, b.s.DB.Dialect, w.table, w.cols, w.rows); err != nil {
			if store.IsUniqueViolation(err) && w.table == "items" {
				return errs.E(errs.Conflict, "批量导入的索引号与已有信息重复")
			}
			return err
		}
	}
	for y := range touched {
		if _, err := tx.ExecContext(ctx, `INSERT INTO index_counters (site_id, year, last_seq) VALUES ($1, $2, $3)
			ON CONFLICT (site_id, year) DO UPDATE SET last_seq = CASE WHEN index_counters.last_seq < $3 THEN $3 ELSE index_counters.last_seq END`,
			b.site.ID, y, counters[y]); err != nil {
			return errs.Wrap(err, "bulk counters")
		}
	}
	st.Items += len(items)
	st.Facets += len(facets)
	st.Links += len(links)
	st.Attachments += len(atts)
	return nil
}

// insertRows writes rows into table with multi-row INSERTs of at most
// bulkRows rows (and never more than 30,000 parameters). On SQLite the
// placeholders are plain ?: SQLite looks every $N up in a list, which made
// parsing a statement of thousands of them quadratic (half the load time).
func insertRows(ctx context.Context, tx *sql.Tx, d store.Dialect, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := min(bulkRows*bulkNCols/width, 30000/width)
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
					q.WriteByte('$')
					q.WriteString(strconv.Itoa(len(args) + j + 1))
				}
			}
			q.WriteByte(')')
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return errs.Wrap(err, "bulk insert "+table)
		}
	}
	return nil
}
