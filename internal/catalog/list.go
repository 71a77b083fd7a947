package catalog

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Filter selects items for list pages, the back office and the API.
type Filter struct {
	SiteID int64
	// ColumnIDs restricts to these columns (a group column passes its subtree).
	ColumnIDs []int64
	// Status "" means published only (the public view); "*" means any status.
	Status       string
	DocType      string
	DepartmentID int64
	IndexNo      string
	Year         int
	Publisher    string
	Validity     string
	// Facets filters on type-specific facet fields, name -> value (a bool's
	// false is "0"; a multiselect matches when it holds the value).
	Facets map[string]string
	// Ranges filters numbers, money and dates from/to (inclusive).
	Ranges map[string]Range
	// Sort orders by a Sortable field: "name" ascending, "-name" descending
	// (items without the value last); "" is newest first. Sorted listings
	// are paged by Offset, not Cursor.
	Sort string
	// Query matches title, document number or index number (substring).
	Query string
	// Cursor continues an API listing; Offset is for numbered pages.
	Cursor string
	Offset int
	Limit  int
	// Viewer, when set, leaves out in the query the unpublished items the
	// viewer may not see (CanView), so pages are never short of Limit.
	// Without a Viewer the caller is trusted (the back office's own lists).
	Viewer *auth.User

	plan *queryPlan // how Query is matched, set by List (planQuery)
}

// Page is one page of a listing.
type Page struct {
	Items      []*Item
	Total      int // only counted when asked for (numbered pages)
	NextCursor string
}

// maxQuery bounds a listing's text query: the longest title.
const maxQuery = 200

// where returns the FROM clause its conditions need (items, with the
// department only for the publisher filter, from; behind the candidates of
// a Query when planQuery found some), the WHERE conditions and their
// arguments. A query that reads listCols adds f.departments().
func (f *Filter) where() (from, where string, _ []any, _ error) {
	from = f.from()
	var w []string
	var args []any
	add := func(cond string, v ...any) {
		for _, x := range v {
			args = append(args, x)
			cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(args)), 1)
		}
		w = append(w, cond)
	}
	add("i.site_id = ?", f.SiteID)
	switch f.Status {
	case "":
		add("i.status = ?", StatusPublished)
	case "*":
	default:
		add("i.status = ?", f.Status)
	}
	if u := f.Viewer; u != nil && f.Status != "" {
		// CanView as a condition: published, or of a department u edits or reviews.
		switch {
		case f.viewerSeesAll():
		case u.ServesSite(f.SiteID) && (u.Role == auth.Editor || u.Role == auth.Reviewer) && u.DepartmentID != 0:
			add("(i.status = ? OR i.department_id = ?)", StatusPublished, u.DepartmentID)
		default:
			add("i.status = ?", StatusPublished)
		}
	}
	if len(f.ColumnIDs) > 0 {
		ph := make([]string, len(f.ColumnIDs))
		vals := make([]any, len(f.ColumnIDs))
		for i, id := range f.ColumnIDs {
			ph[i] = "?"
			vals[i] = id
		}
		add("i.column_id IN ("+strings.Join(ph, ", ")+")", vals...)
	}
	if f.DocType != "" {
		add("i.doc_type = ?", f.DocType)
	}
	if f.DepartmentID != 0 {
		add("i.department_id = ?", f.DepartmentID)
	}
	if f.IndexNo != "" {
		add("i.index_no = ?", f.IndexNo)
	}
	if f.Year > 0 {
		add("i.published_on >= ? AND i.published_on < ?", fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-01-01", f.Year+1))
	}
	if f.Publisher != "" {
		add("(i.publisher = ? OR d.name = ?)", f.Publisher, f.Publisher)
	}
	if f.Validity != "" {
		add("i.validity = ?", f.Validity)
	}
	for _, k := range sortedKeys(f.Facets) {
		v := f.Facets[k]
		if v == "" {
			continue
		}
		if fd, ok := FacetField(k); ok {
			// Compare canonical forms: "false" is "0", "1,234.5" is "1234.50".
			if fd.Kind == Bool {
				v = map[string]string{"true": "1", "false": "0"}[v] + strings.TrimLeft(v, "truefals")
			}
			if c, msg := normalize(fd, v); msg == "" {
				v = c
			}
		}
		add("EXISTS (SELECT 1 FROM item_facets x WHERE x.item_id = i.id AND x.name = ? AND x.value = ?)", k, v)
	}
	for _, k := range sortedKeys(f.Ranges) {
		_, lo, hi, err := rangeBounds(k, f.Ranges[k])
		if err != nil {
			return "", "", nil, err
		}
		switch {
		case lo != nil && hi != nil:
			add("EXISTS (SELECT 1 FROM item_facets x WHERE x.item_id = i.id AND x.name = ? AND x.num >= ? AND x.num <= ?)", k, *lo, *hi)
		case lo != nil:
			add("EXISTS (SELECT 1 FROM item_facets x WHERE x.item_id = i.id AND x.name = ? AND x.num >= ?)", k, *lo)
		case hi != nil:
			add("EXISTS (SELECT 1 FROM item_facets x WHERE x.item_id = i.id AND x.name = ? AND x.num <= ?)", k, *hi)
		}
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// The query is matched within a title (at most 200 characters), a
		// 文号 or an index number, so a longer one matches nothing; refused
		// before SQLite's LIKE refuses it as a pattern over 50,000 bytes
		// (a 500 the attack corpus found).
		if utf8.RuneCountInString(q) > maxQuery {
			return "", "", nil, errs.E(errs.Invalid, "检索词不能超过 %d 个字", maxQuery)
		}
		like := "%" + escapeLike(q) + "%"
		// LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's
		// does not, and both engines must answer alike (政务APP, PPP项目).
		match := `(LOWER(i.title) LIKE LOWER(?) ESCAPE '\' OR LOWER(i.doc_no) LIKE LOWER(?) ESCAPE '\' OR i.index_no = ?)`
		switch p := f.plan; {
		case p == nil || p.scan:
			add(match, like, like, q)
		case p.none:
			// No item holds one of the query's pieces: only an exact 索引号
			// can match (the site's unique index answers it).
			add("i.index_no = ?", q)
		default:
			// Driven from the candidates (CROSS JOIN fixes SQLite's join
			// order: with i.id IN (…) it walked items_site_pub, the ORDER
			// BY's index, testing each item against the list), then sorted.
			gram := "g.gram = ?"
			v := []any{p.gram}
			if p.hi != "" {
				gram, v = "g.gram >= ? AND g.gram <= ?", []any{p.gram, p.hi}
			}
			for _, o := range p.other {
				// The other pieces, tested in the primary key: no item row read.
				gram += " AND EXISTS (SELECT 1 FROM item_grams h WHERE h.gram = ? AND h.item_id = g.item_id)"
				v = append(v, o)
			}
			add("i.id = qm.id AND "+match, like, like, q)
			n := len(args)
			for k := range v {
				gram = strings.Replace(gram, "?", "$"+strconv.Itoa(n+k+1), 1)
			}
			args = append(args, v...)
			args = append(args, f.SiteID, q)
			from = fmt.Sprintf(` FROM (SELECT g.item_id AS id FROM item_grams g WHERE %s UNION SELECT x.id FROM items x WHERE x.site_id = $%d AND x.index_no = $%d) qm CROSS JOIN items i`,
				gram, len(args)-1, len(args))
			if f.Publisher != "" {
				from += departmentsJoin
			}
		}
	}
	return from, strings.Join(w, " AND "), args, nil
}

// viewerSeesAll reports whether the filter's viewer may see every item
// of the site whatever its status (CanView adds no condition): the
// office, an administrator, a reviewer of no one department.
func (f *Filter) viewerSeesAll() bool {
	u := f.Viewer
	return u != nil && u.ServesSite(f.SiteID) &&
		(u.Role == auth.Admin || u.Role == auth.Office || (u.Role == auth.Reviewer && u.DepartmentID == 0))
}

// from is the FROM of a query that tests the filter's conditions (where)
// and reads no column of the rows: items alone, unless the publisher filter
// names the department. The LEFT JOIN made SQLite read every matching row
// for its department_id where the index alone answers (a column's year
// counted in 105 ms cold instead of 1).
func (f *Filter) from() string {
	if f.Publisher != "" {
		return ` FROM items i` + departmentsJoin
	}
	return ` FROM items i`
}

// departmentsJoin joins an item's department (d), which listCols read.
const departmentsJoin = ` LEFT JOIN departments d ON d.id = i.department_id`

// departments is the join a query over where's FROM adds to read listCols:
// none when the FROM has it already (the publisher filter).
func (f *Filter) departments() string {
	if f.Publisher != "" {
		return ""
	}
	return departmentsJoin
}

// The default order of listings, newest first, and its reverse.
const (
	newest = `i.published_on DESC, i.id DESC`
	oldest = `i.published_on, i.id`
)

// order returns the ORDER BY of a listing and the join its sort needs.
func (f *Filter) order(args []any) (join, order string, _ []any, err error) {
	if f.Sort == "" {
		return "", newest, args, nil
	}
	name, desc := strings.TrimPrefix(f.Sort, "-"), strings.HasPrefix(f.Sort, "-")
	fd, ok := FacetField(name)
	if !ok || !fd.Sortable {
		return "", "", nil, &errs.Error{Code: errs.Invalid, Message: "排序字段无效", Fields: map[string]string{"sort": "该字段不能排序"}}
	}
	args = append(args, name)
	join = fmt.Sprintf(` LEFT JOIN item_facets srt ON srt.item_id = i.id AND srt.name = $%d`, len(args))
	key := "srt.value"
	if fd.Ranged() {
		key = "srt.num"
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	// Items without the value last on both engines (SQLite sorts NULL first
	// ascending, PostgreSQL last).
	return join, fmt.Sprintf(`CASE WHEN %s IS NULL THEN 1 ELSE 0 END, %s %s, %s`, key, key, dir, newest), args, nil
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// ErrBadCursor is returned for a cursor the server did not issue.
var ErrBadCursor = errs.E(errs.Invalid, "cursor 参数无效")

func encodeCursor(it *Item) string {
	return base64.RawURLEncoding.EncodeToString([]byte(it.PublishedOn + "|" + strconv.FormatInt(it.ID, 10)))
}

func decodeCursor(c string) (date string, id int64, err error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", 0, ErrBadCursor
	}
	date, idStr, ok := strings.Cut(string(b), "|")
	id, err = strconv.ParseInt(idStr, 10, 64)
	if !ok || err != nil || (date != "" && !calendar.Valid(date)) {
		return "", 0, ErrBadCursor
	}
	return date, id, nil
}

// List returns items newest first (publication date, then id). withTotal
// also counts all matches, for numbered pages.
func (s *Service) List(ctx context.Context, f Filter, withTotal bool) (*Page, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	var err error
	if f.Sort != "" && f.Cursor != "" {
		return nil, &errs.Error{Code: errs.Invalid, Message: "按字段排序时请用页码翻页，不能使用 cursor", Fields: map[string]string{"cursor": "排序时不能使用 cursor"}}
	}
	if f.plan, err = s.planQuery(ctx, f.Query); err != nil {
		return nil, err
	}
	from, where, args, err := f.where()
	if err != nil {
		return nil, err
	}
	page := &Page{}
	if withTotal {
		if page.Total, err = s.count(ctx, f, from, where, args); err != nil {
			return nil, err
		}
	}
	if f.Cursor != "" {
		date, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		// A row value, not (published_on < $x OR (published_on = $x AND
		// id < $y)): PostgreSQL serves it from the index's order, the OR
		// form filtered 30,400 rows for one page at 100k (53 → 0.25 ms).
		args = append(args, date, id)
		n := len(args)
		where += fmt.Sprintf(" AND (i.published_on, i.id) < ($%d, $%d)", n-1, n)
	}
	join, order, args, err := f.order(args)
	if err != nil {
		return nil, err
	}
	// The rows wanted, [Offset, end): the page and one more, to know
	// whether another follows.
	limit, offset, reverse := f.Limit+1, f.Offset, false
	if withTotal && f.Sort == "" && f.Cursor == "" && f.Offset > page.Total/2 {
		// A deep page is read from the other end, oldest first, and turned
		// round: the last page skips nothing instead of every newer row
		// (OFFSET reads and drops each one; 13,540 rows for a column's
		// last page at 100k). The order is total (ids are unique), so the
		// rows are those the OFFSET would give.
		end := min(f.Offset+f.Limit+1, page.Total)
		if end <= f.Offset {
			return page, nil
		}
		limit, offset, reverse = end-f.Offset, page.Total-end, true
		order = oldest
	}
	args = append(args, limit, offset)
	page1 := fmt.Sprintf(` ORDER BY %s LIMIT $%d OFFSET $%d`, order, len(args)-1, len(args))
	q := `SELECT ` + listCols + from + f.departments() + join + ` WHERE ` + where + page1
	if offset > 0 && f.Sort == "" {
		// The rows skipped are found by their ids alone, in the index
		// that orders them, and only the page's rows are read: OFFSET
		// drops each skipped row after reading it (and its department),
		// a table read per row (page 330 of a column's 659 at 100k:
		// 365 ms cold, 42 ms warm → 13 and 0.4 ms).
		q = `SELECT ` + listCols + ` FROM (SELECT i.id` + from + ` WHERE ` + where + page1 + `) k
			CROSS JOIN items i LEFT JOIN departments d ON d.id = i.department_id WHERE i.id = k.id ORDER BY ` + order
	}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list items")
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan item")
		}
		page.Items = append(page.Items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "list items")
	}
	if reverse {
		slices.Reverse(page.Items)
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		if f.Sort == "" {
			page.NextCursor = encodeCursor(page.Items[f.Limit-1])
		}
	}
	return page, nil
}

// Neighbours returns the previous (newer) and next (older) published items
// of the same column, as the seed's 上一条/下一条 show them.
func (s *Service) Neighbours(ctx context.Context, it *Item) (prev, next *Item, err error) {
	// Row values, as the cursor (List): PostgreSQL filtered the OR form
	// over the column's index, half the column per neighbour (zcwj at
	// 100k: 451 and 795 ms → 0.09 and 0.05 ms).
	prev, err = s.neighbour(ctx, it, `(i.published_on, i.id) > ($3, $4) ORDER BY i.published_on, i.id`)
	if err != nil {
		return nil, nil, err
	}
	next, err = s.neighbour(ctx, it, `(i.published_on, i.id) < ($3, $4) ORDER BY i.published_on DESC, i.id DESC`)
	return prev, next, err
}

func (s *Service) neighbour(ctx context.Context, it *Item, cond string) (*Item, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+listCols+itemFrom+` WHERE i.column_id = $1 AND i.status = $2 AND `+cond+` LIMIT 1`,
		it.ColumnID, StatusPublished, it.PublishedOn, it.ID)
	if err != nil {
		return nil, errs.Wrap(err, "neighbour")
	}
	defer rows.Close()
	if rows.Next() {
		n, err := scanItem(rows)
		return n, errs.Wrap(err, "neighbour")
	}
	return nil, rows.Err()
}

// Interprets returns the ids of the policy documents an interpretation explains.
func (s *Service) Interprets(ctx context.Context, itemID int64) ([]int64, error) {
	ids, err := store.Int64s(ctx, s.DB.R, `SELECT to_id FROM item_links WHERE from_id = $1 AND kind = 'interprets' ORDER BY to_id`, itemID)
	return ids, errs.Wrap(err, "links")
}

// Related returns the items linked to it in either direction: for a policy
// document its interpretations (相关解读), for an interpretation the documents
// it explains (相关文件). publicOnly keeps only published ones.
func (s *Service) Related(ctx context.Context, it *Item, publicOnly bool) ([]*Item, error) {
	// Driven from item_links (its primary key leads with from_id, and
	// item_links_to serves to_id): the OR inside a join condition made the
	// planner walk every item of the site (issue 17: 0.5 s at 100,000).
	// So did `i.id IN (…)`: SQLite preferred items_site_pub (site, status,
	// and the ORDER BY for free) and tested every published item against
	// the list (9 ms CPU, 28 ms at 100,000). CROSS JOIN fixes SQLite's join
	// order, the links first, then items by primary key (0.04 ms);
	// PostgreSQL plans it freely.
	q := `SELECT ` + listCols + ` FROM (
			SELECT to_id AS rid FROM item_links WHERE from_id = $1 AND kind = 'interprets'
			UNION SELECT from_id FROM item_links WHERE to_id = $1 AND kind = 'interprets') r
		CROSS JOIN items i LEFT JOIN departments d ON d.id = i.department_id
		WHERE i.id = r.rid AND i.site_id = $2`
	args := []any{it.ID, it.SiteID}
	if publicOnly {
		q += ` AND i.status = $3`
		args = append(args, StatusPublished)
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY i.published_on DESC, i.id DESC`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "related")
	}
	defer rows.Close()
	var out []*Item
	for rows.Next() {
		r, err := scanItem(rows)
		if err != nil {
			return nil, errs.Wrap(err, "related")
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LastPublished returns the newest publication date per column of a site.
func (s *Service) LastPublished(ctx context.Context, siteID int64) (map[int64]string, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT column_id, MAX(published_on) FROM items WHERE site_id = $1 AND status = $2 GROUP BY column_id`, siteID, StatusPublished)
	if err != nil {
		return nil, errs.Wrap(err, "last published")
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var d string
		if err := rows.Scan(&id, &d); err != nil {
			return nil, errs.Wrap(err, "last published")
		}
		out[id] = d
	}
	return out, rows.Err()
}

// Referrers are the items whose public pages may show itemID because of a
// link between them: interpretations and what they interpret (both ways),
// and the documents it replaces (their 替代文件 is itemID). A change of the
// item drops their cached pages (the render cache, issue 17).
func (s *Service) Referrers(ctx context.Context, itemID int64) ([]int64, error) {
	ids, err := store.Int64s(ctx, s.DB.R, `SELECT to_id FROM item_links WHERE from_id = $1
		UNION SELECT from_id FROM item_links WHERE to_id = $1
		UNION SELECT id FROM items WHERE successor_id = $1`, itemID)
	return ids, errs.Wrap(err, "referrers")
}
