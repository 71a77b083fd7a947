package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/sanitize"
	"gongkai/internal/store"
)

// Item statuses. The status is a projection of the item's event ledger,
// written in the same transaction as the event.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusReturned  = "returned"
	StatusReviewed  = "reviewed"
	StatusScheduled = "scheduled"
	StatusPublished = "published"
	StatusWithdrawn = "withdrawn"
)

// StatusLabels are the Chinese names of statuses.
var StatusLabels = map[string]string{
	StatusDraft: "草稿", StatusSubmitted: "待审核", StatusReturned: "已退回", StatusReviewed: "审核通过",
	StatusScheduled: "定时发布", StatusPublished: "已发布", StatusWithdrawn: "已撤回",
}

// Item is a piece of government information (政府信息).
type Item struct {
	ID               int64
	SiteID           int64
	ColumnID         int64
	DocType          string
	DepartmentID     int64
	Department       string
	IndexNo          string
	Title            string
	Summary          string
	Body             string
	DocNo            string
	Publisher        string
	Author           string
	WrittenOn        string
	PublishedOn      string
	Disclosure       string
	DisclosureReason string
	Validity         string
	SuccessorID      int64
	Topic            string
	Genre            string
	Keywords         string
	// Fields are the type's scalar values, Lists its multiselect values and
	// Rows its groups' rows, all canonical text (FieldValues is their JSON).
	Fields          map[string]string
	Lists           map[string][]string            `json:",omitempty"`
	Rows            map[string][]map[string]string `json:",omitempty"`
	Status          string
	PublishAt       string
	WithdrawnReason string
	Version         int
	Revision        int
	Clicks          int64
	CreatedBy       int64
	CreatedAt       string
	UpdatedAt       string
}

// Type returns the item's document type declaration.
func (it *Item) Type() *DocType { return DocTypeByCode(it.DocType) }

// Value returns a field's canonical value by name, core or type-specific:
// for a multiselect its values joined by ",", for a group the number of rows
// ("" when none), so templates can test any field for emptiness.
func (it *Item) Value(name string) string {
	if c := coreByName[name]; c != nil {
		return *c.item(it)
	}
	if l, ok := it.Lists[name]; ok {
		return strings.Join(l, ",")
	}
	if r, ok := it.Rows[name]; ok && len(r) > 0 {
		return strconv.Itoa(len(r))
	}
	return it.Fields[name]
}

// List returns a multiselect's values.
func (it *Item) List(name string) []string { return it.Lists[name] }

// Display returns a field's value as staff see it (labels for choices,
// grouped digits and unit for money, persons in full).
func (it *Item) Display(name string) string { return it.display(name, false) }

// PublicDisplay returns a field's value as the public sees it: persons masked.
func (it *Item) PublicDisplay(name string) string { return it.display(name, true) }

func (it *Item) display(name string, public bool) string {
	t := it.Type()
	if t == nil {
		return it.Value(name)
	}
	f, ok := t.Field(name)
	if !ok {
		return it.Value(name)
	}
	switch f.Kind {
	case MultiSelect:
		labels := make([]string, 0, len(it.Lists[name]))
		for _, v := range it.Lists[name] {
			labels = append(labels, OptionLabel(f.Options, v))
		}
		return strings.Join(labels, "、")
	case Group:
		if n := len(it.Rows[name]); n > 0 {
			return fmt.Sprintf("%d 行", n)
		}
		return ""
	}
	return display(f, it.Value(name), public)
}

// Table is a group field's rows ready to show.
type Table struct {
	Field  Field
	Header []string   // the sub-fields' labels
	Cells  [][]string // one row per group row, in display form
}

// Table returns a group's rows in display form; public masks persons.
func (it *Item) Table(name string, public bool) *Table {
	t := it.Type()
	if t == nil {
		return nil
	}
	f, ok := t.Field(name)
	if !ok || f.Kind != Group {
		return nil
	}
	tb := &Table{Field: f}
	for _, sf := range f.Sub {
		tb.Header = append(tb.Header, sf.Label)
	}
	for _, row := range it.Rows[name] {
		cells := make([]string, len(f.Sub))
		for i, sf := range f.Sub {
			cells[i] = display(sf, row[sf.Name], public)
		}
		tb.Cells = append(tb.Cells, cells)
	}
	return tb
}

// Public reports whether the public may see the item now.
func (it *Item) Public() bool { return it.Status == StatusPublished }

// Superseded reports whether the item is no longer in force (banner on page).
func (it *Item) Superseded() bool {
	return it.Validity == "amended" || it.Validity == "repealed" || it.Validity == "expired"
}

// NotYetInForce reports whether the item is published before its 施行日期.
func (it *Item) NotYetInForce() bool { return it.Validity == "not_yet" }

// Input is what a form or the API submits to create or edit an item.
type Input struct {
	ColumnID         int64
	DocType          string
	DepartmentID     int64
	IndexNo          string // only for imports: an item keeps the number it had
	Title            string
	Summary          string
	Body             string
	DocNo            string
	Publisher        string
	Author           string
	WrittenOn        string
	PublishedOn      string
	Disclosure       string
	DisclosureReason string
	Validity         string
	SuccessorID      int64
	Topic            string
	Genre            string
	Keywords         string
	// Fields holds scalar values as text (what forms and the API send); a
	// multiselect may also come here as one "a,b" string. Lists holds
	// multiselect values, Rows group rows (see FieldValues and ReadForm).
	Fields map[string]string
	Lists  map[string][]string
	Rows   map[string][]map[string]string
	// Interprets lists the policy documents an interpretation explains.
	Interprets []int64
	// Version is the version the editor started from (0 for new items).
	Version int
	// ChangeNote explains an edit of a published item (required then).
	ChangeNote string
}

func trimInput(in *Input) {
	for _, c := range coreTable {
		p := c.input(in)
		*p = strings.TrimSpace(*p)
	}
	in.IndexNo, in.ChangeNote = strings.TrimSpace(in.IndexNo), strings.TrimSpace(in.ChangeNote)
	// Copies: prepare normalises and drops undeclared values, and the
	// caller's maps must not change under it.
	fields := make(map[string]string, len(in.Fields))
	for k, v := range in.Fields {
		fields[k] = strings.TrimSpace(v)
	}
	in.Fields = fields
	lists := make(map[string][]string, len(in.Lists))
	for k, v := range in.Lists {
		lists[k] = slices.Clone(v)
	}
	in.Lists = lists
	rows := make(map[string][]map[string]string, len(in.Rows))
	for k, rs := range in.Rows {
		for _, r := range rs {
			rows[k] = append(rows[k], maps.Clone(r))
		}
	}
	in.Rows = rows
}

// checked is an input that passed prepare: its findings so far and the
// link values still to look up.
type checked struct {
	v     errs.Validation
	links map[string]linkRef
	t     *DocType
}

// prepare is the part of validation that needs no database: limits first
// (checkLimits), then the type's values, disclosure, dates and the body's
// sanitising. It runs before any transaction (issue 16 #4), so neither
// the work on a large input nor a refusal holds the writer; checkRefs then
// does the bounded lookups inside the transaction. An error is returned
// when the input cannot be checked further (limits, unknown type); other
// findings wait in checked so the form shows them all at once.
func (s *Service) prepare(in *Input) (*checked, error) {
	if err := checkLimits(in); err != nil {
		return nil, err
	}
	trimInput(in)
	v := errs.Validation{}
	t := DocTypeByCode(in.DocType)
	if t == nil {
		v.Add("doc_type", "请选择文档类型")
		return nil, v.Err()
	}
	c := &checked{v: v, t: t, links: t.checkValues(in, v)}
	if t.Check != nil {
		t.Check(in, v)
	}
	// Seed task 4: the disclosure attribute is decided when drafting; the
	// non-public ones need a reason, reported with the document for approval.
	switch in.Disclosure {
	case "proactive":
		in.DisclosureReason = ""
	case "on_request", "withheld":
		if in.DisclosureReason == "" {
			v.Add("disclosure_reason", "依申请公开或不予公开的信息必须说明理由")
		} else if utf8.RuneCountInString(in.DisclosureReason) > 500 {
			v.Add("disclosure_reason", "理由不能超过 500 个字")
		}
	default:
		v.Add("disclosure", "请选择公开方式（主动公开、依申请公开或不予公开）")
	}
	if in.WrittenOn != "" && in.PublishedOn != "" && calendar.Valid(in.WrittenOn) && calendar.Valid(in.PublishedOn) && in.PublishedOn < in.WrittenOn {
		v.Add("published_on", "发布日期不能早于成文日期")
	}
	today := s.today().String()
	// The recorded 有效性 follows the dates (issue 15): saved before its
	// 施行日期 a document is 尚未施行, after its 有效期至 失效; SweepValidity
	// moves it on as the days pass.
	in.Validity = t.ValidityOn(in.Validity, func(name string) string { return in.Fields[name] }, s.today())
	if in.PublishedOn != "" && calendar.Valid(in.PublishedOn) && in.PublishedOn > today {
		// The 发布日期 is when the public could first read the item; a later
		// date would be false on the page. Scheduled publication sets it.
		v.Add("published_on", "发布日期不能晚于今天；如需以后发布，请留空发布日期并使用定时发布")
	}
	if in.WrittenOn != "" && calendar.Valid(in.WrittenOn) && in.WrittenOn > today {
		// A document is written before it is published: a 成文日期 in the
		// future is a typing error (issue 16 #10).
		v.Add("written_on", "成文日期不能晚于今天")
	}
	if len(in.Interprets) > 0 && !t.Interprets {
		in.Interprets = nil
	}
	in.Body = sanitize.HTML(textToHTML(in.Body))
	// GB/T 37668-2019: non-text content has a text alternative. Refused at
	// save time, not only found by the self-inspection after publication
	// (issue 15); the self-inspection still finds imported bodies.
	for _, l := range sanitize.Links(in.Body) {
		if l.Tag == "img" && !l.HasAlt {
			v.Add("body", "正文中的图片须填写替代文本（alt），说明图片内容："+clip(l.URL, 100))
			break
		}
	}
	if len(in.Body) > 2<<20 {
		v.Add("body", "正文过长（超过 2 MB）")
	}
	if in.Summary == "" {
		in.Summary = clip(sanitize.Text(in.Body), 120)
	}
	return c, nil
}

// checkRefs completes validation inside tx: the column, department,
// successor, links and interpreted documents exist on the site. Its work
// is bounded by prepare's limits: a handful of single-row lookups, one per
// link value (at most a group's rows), and one query for all interpreted
// documents.
func (s *Service) checkRefs(ctx context.Context, tx *sql.Tx, siteID int64, in *Input, c *checked) error {
	v, t := c.v, c.t
	var colSite int64
	var colKind, colTypes string
	err := tx.QueryRowContext(ctx, `SELECT site_id, kind, doc_types FROM columns WHERE id = $1`, in.ColumnID).Scan(&colSite, &colKind, &colTypes)
	if missing(err) != nil {
		return errs.Wrap(err, "check column")
	}
	switch {
	case err != nil || colSite != siteID:
		v.Add("column_id", "请选择所属栏目")
	case colKind != KindList:
		v.Add("column_id", "该栏目不能直接发布信息，请选择其下级栏目")
	case !(&Column{DocTypes: strings.Split(colTypes, ",")}).Holds(in.DocType):
		v.Add("column_id", fmt.Sprintf("该栏目不收录“%s”类信息", t.Name))
	}
	if in.DepartmentID != 0 {
		var dsite int64
		err := tx.QueryRowContext(ctx, `SELECT site_id FROM departments WHERE id = $1`, in.DepartmentID).Scan(&dsite)
		if missing(err) != nil {
			return errs.Wrap(err, "check department")
		}
		if err != nil || dsite != siteID {
			v.Add("department_id", "请选择起草科室")
		}
	} else {
		v.Add("department_id", "请选择起草科室（谁起草谁公开）")
	}
	for _, key := range slices.Sorted(maps.Keys(c.links)) {
		l := c.links[key]
		var lsite int64
		var typ string
		err := tx.QueryRowContext(ctx, `SELECT site_id, doc_type FROM items WHERE id = $1`, l.id).Scan(&lsite, &typ)
		if missing(err) != nil {
			return errs.Wrap(err, "check link")
		}
		if err != nil || lsite != siteID {
			v.Add(key, fmt.Sprintf("%s：信息 %s 不存在", l.f.Label, l.id))
		} else if len(l.f.Targets) > 0 && !slices.Contains(l.f.Targets, typ) {
			v.Add(key, fmt.Sprintf("%s只能关联%s", l.f.Label, typeNames(l.f.Targets)))
		}
	}
	if in.IndexNo != "" && (utf8.RuneCountInString(in.IndexNo) > 60 || strings.ContainsAny(in.IndexNo, " \t\r\n<>\"'")) {
		v.Add("index_no", "索引号格式无效")
	}
	if in.SuccessorID < 0 {
		v.Add("successor_id", "替代文件应填写其信息编号（正整数）")
	} else if in.SuccessorID != 0 {
		var ssite int64
		err := tx.QueryRowContext(ctx, `SELECT site_id FROM items WHERE id = $1`, in.SuccessorID).Scan(&ssite)
		if missing(err) != nil {
			return errs.Wrap(err, "check successor")
		}
		if err != nil || ssite != siteID {
			v.Add("successor_id", "替代文件不存在")
		}
	}
	if err := checkInterprets(ctx, tx, siteID, t, in.Interprets, v); err != nil {
		return err
	}
	return v.Err()
}

// checkInterprets looks up the interpreted documents in one query (at most
// MaxInterprets ids, checked in prepare).
func checkInterprets(ctx context.Context, tx *sql.Tx, siteID int64, t *DocType, ids []int64, v errs.Validation) error {
	if len(ids) == 0 {
		return nil
	}
	uniq := slices.Compact(slices.Sorted(slices.Values(ids)))
	args := make([]any, len(uniq))
	for i, id := range uniq {
		args[i] = id
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, site_id, doc_type FROM items WHERE id IN (`+placeholders(1, len(uniq))+`)`, args...)
	if err != nil {
		return errs.Wrap(err, "interpreted documents")
	}
	defer rows.Close()
	type found struct {
		site int64
		typ  string
	}
	got := map[int64]found{}
	for rows.Next() {
		var id int64
		var f found
		if err := rows.Scan(&id, &f.site, &f.typ); err != nil {
			return errs.Wrap(err, "interpreted documents")
		}
		got[id] = f
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "interpreted documents")
	}
	for _, id := range ids {
		f, ok := got[id]
		if !ok || f.site != siteID {
			v.Add("interprets", fmt.Sprintf("所解读的文件 %d 不存在", id))
		} else if !slices.Contains(t.InterpretTargets, f.typ) {
			v.Add("interprets", "只能关联"+typeNames(t.InterpretTargets))
		}
	}
	return nil
}

// checkValues normalises and checks in's core fields (every type's, and
// those the type declares; the others are dropped) and its type-specific
// values; it returns the link values still to check against the database.
// Create, Update and BulkLoad share it.
func (t *DocType) checkValues(in *Input, v errs.Validation) map[string]linkRef {
	declared := map[string]Field{}
	for _, f := range t.Fields {
		declared[f.Name] = f
	}
	for _, c := range coreTable {
		if c.Name == "disclosure" || c.Name == "disclosure_reason" {
			continue // checked together in prepare
		}
		f, ok := declared[c.Name]
		if !ok && !c.Always {
			*c.input(in) = ""
			continue
		}
		if !ok {
			f = c.Field
		}
		p := c.input(in)
		canon, msg := normalize(f, *p)
		switch {
		case msg != "":
			v.Add(f.Name, msg)
		case canon == "" && f.Required:
			v.Add(f.Name, fmt.Sprintf("请填写%s", f.Label))
		default:
			*p = canon
		}
	}
	return t.validateValues(in, v)
}

// typeNames names document types for messages: "政策文件或规章".
func typeNames(codes []string) string {
	names := make([]string, 0, len(codes))
	for _, c := range codes {
		if t := DocTypeByCode(c); t != nil {
			names = append(names, t.Name)
		} else {
			names = append(names, c)
		}
	}
	return strings.Join(names, "或")
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// ErrNoItem is returned for an unknown item.
var ErrNoItem = errs.E(errs.NotFound, "信息不存在或已删除")

// itemCols are the columns every item query reads: the fixed ones, the
// core fields (from coreTable, in its order), then workflow state.
var itemCols = `i.id, i.site_id, i.column_id, i.doc_type, COALESCE(i.department_id, 0), COALESCE(d.name, ''), COALESCE(i.index_no, ''), i.body, ` +
	coreColumns("i.") + `, COALESCE(i.successor_id, 0), i.fields, i.status, i.publish_at, i.withdrawn_reason, i.version, i.revision, i.clicks,
	COALESCE(i.created_by, 0), i.created_at, i.updated_at`

const itemFrom = ` FROM items i LEFT JOIN departments d ON d.id = i.department_id`

// listCols are itemCols without the body, for listings (bodies can be large
// and lists never show them).
var listCols = strings.Replace(itemCols, "i.body,", "'' AS body,", 1)

func scanItem(row interface{ Scan(...any) error }) (*Item, error) {
	var it Item
	var fields string
	dest := []any{&it.ID, &it.SiteID, &it.ColumnID, &it.DocType, &it.DepartmentID, &it.Department, &it.IndexNo, &it.Body}
	for _, c := range coreTable {
		dest = append(dest, c.item(&it))
	}
	dest = append(dest, &it.SuccessorID, &fields, &it.Status, &it.PublishAt, &it.WithdrawnReason, &it.Version, &it.Revision, &it.Clicks,
		&it.CreatedBy, &it.CreatedAt, &it.UpdatedAt)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	var fv FieldValues
	if err := json.Unmarshal([]byte(fields), &fv); err != nil {
		return nil, fmt.Errorf("item %d fields: %w", it.ID, err)
	}
	it.Fields, it.Lists, it.Rows = fv.Fields, fv.Lists, fv.Rows
	return &it, nil
}

// valuesJSON is the stored form of an input's type-specific values.
func valuesJSON(in *Input) string {
	b, _ := json.Marshal(FieldValues{Fields: in.Fields, Lists: in.Lists, Rows: in.Rows})
	return string(b)
}

// coreArgs returns the input's core values in coreTable order.
func coreArgs(in *Input) []any {
	out := make([]any, len(coreTable))
	for i, c := range coreTable {
		out[i] = *c.input(in)
	}
	return out
}

// placeholders returns "$from, …, $(from+n-1)".
func placeholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ph, ", ")
}

// coreAssignments returns "col = $from, …" for an UPDATE.
func coreAssignments(from int) string {
	as := make([]string, len(coreTable))
	for i := range coreTable {
		as[i] = coreTable[i].Column + " = $" + strconv.Itoa(from+i)
	}
	return strings.Join(as, ", ")
}

// Item loads an item of a site.
func (s *Service) Item(ctx context.Context, siteID, id int64) (*Item, error) {
	return s.item(ctx, s.DB.R, siteID, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Service) item(ctx context.Context, q querier, siteID, id int64) (*Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemCols+itemFrom+` WHERE i.id = $1 AND i.site_id = $2`, id, siteID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoItem
	}
	if err != nil {
		return nil, errs.Wrap(err, "load item")
	}
	return it, nil
}

// Create stores a new draft.
func (s *Service) Create(ctx context.Context, actor *auth.User, siteID int64, in Input) (*Item, error) {
	c, err := s.prepare(&in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.createTx(ctx, tx, actor, siteID, in, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Item(ctx, siteID, id)
}

// createTx stores a new draft inside tx; in has been through prepare (c).
func (s *Service) createTx(ctx context.Context, tx *sql.Tx, actor *auth.User, siteID int64, in Input, c *checked) (id int64, err error) {
	if actor == nil || !actor.ServesSite(siteID) {
		return 0, errs.E(errs.Forbidden, "您没有本站点的权限")
	}
	if actor.Role == auth.Editor && in.DepartmentID == 0 {
		in.DepartmentID = actor.DepartmentID
	}
	if actor.Role == auth.Reviewer {
		return 0, errs.E(errs.Forbidden, "审核人不能起草信息")
	}
	if err := s.checkRefs(ctx, tx, siteID, &in, c); err != nil {
		return 0, err
	}
	if !actor.CanEditDepartment(in.DepartmentID) {
		return 0, errs.E(errs.Forbidden, "只能起草本科室的信息（谁起草谁公开）")
	}
	if in.IndexNo != "" && !actor.CanPublish() {
		return 0, errs.E(errs.Forbidden, "只有政务公开办公室可以导入带索引号的信息")
	}
	now := store.Now()
	var indexNo any
	if in.IndexNo != "" {
		indexNo = in.IndexNo
	}
	// $1–$6 fixed, then the core fields, then the rest.
	n := len(coreTable)
	args := append([]any{siteID, in.ColumnID, in.DocType, in.DepartmentID, indexNo, in.Body}, coreArgs(&in)...)
	args = append(args, nullID(in.SuccessorID), valuesJSON(&in), StatusDraft, actor.ID, now)
	err = tx.QueryRowContext(ctx, `INSERT INTO items (site_id, column_id, doc_type, department_id, index_no, body, `+coreColumns("")+`,
		successor_id, fields, status, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, `+placeholders(7, n)+`, `+placeholders(7+n, 5)+`, $`+strconv.Itoa(11+n)+`) RETURNING id`,
		args...).Scan(&id)
	if store.IsUniqueViolation(err) {
		return 0, &errs.Error{Code: errs.Conflict, Message: "索引号已被其他信息使用", Fields: map[string]string{"index_no": "索引号已被其他信息使用"}}
	}
	if err != nil {
		return 0, errs.Wrap(err, "insert item")
	}
	if in.IndexNo != "" {
		if err := s.reserveIndexNo(ctx, tx, siteID, in.IndexNo); err != nil {
			return 0, err
		}
	}
	if err := writeFacets(ctx, tx, id, DocTypeByCode(in.DocType), &in); err != nil {
		return 0, err
	}
	if err := writeLinks(ctx, tx, id, in.Interprets); err != nil {
		return 0, err
	}
	if err := addEvent(ctx, tx, id, actor, "create", ""); err != nil {
		return 0, err
	}
	return id, auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "item.create", Target: fmt.Sprintf("item:%d", id), After: auditView(&in)})
}

// Update edits an item. Editors edit drafts and returned items of their
// department; the office edits anything. Editing a published item needs a
// change note and creates a new revision. A stale Version is refused.
func (s *Service) Update(ctx context.Context, actor *auth.User, siteID, id int64, in Input) (*Item, error) {
	return s.UpdateWith(ctx, actor, siteID, id, in, nil)
}

// UpdateWith is Update with with(tx) run in the same transaction after the
// item is written and audited, before its change event (a capability's own
// rows that must change with the record's text, or not at all).
func (s *Service) UpdateWith(ctx context.Context, actor *auth.User, siteID, id int64, in Input, with func(tx *sql.Tx) error) (*Item, error) {
	c, err := s.prepare(&in)
	if err != nil {
		return nil, err
	}
	var wasLive bool
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		wasLive, err = s.updateTx(ctx, tx, actor, siteID, id, in, c, with)
		return err
	})
	if err != nil {
		return nil, err
	}
	if wasLive {
		s.Bus.Committed(ctx)
	}
	return s.Item(ctx, siteID, id)
}

// updateTx is UpdateWith inside tx; in has been through prepare (c); with
// may be nil. It reports whether the item was live (a change event was
// appended, last).
func (s *Service) updateTx(ctx context.Context, tx *sql.Tx, actor *auth.User, siteID, id int64, in Input, c *checked, with func(tx *sql.Tx) error) (wasLive bool, err error) {
	err = func() error {
		old, err := s.item(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		act := ActEdit
		if old.Status == StatusPublished {
			act = ActRevise
		}
		if err := allow(actor, old, act); err != nil {
			return err
		}
		if in.Version != old.Version {
			return errs.E(errs.Conflict, "该信息已被他人修改（当前版本 %d，您编辑的是版本 %d）。请重新打开后再修改，以免覆盖他人的修改", old.Version, in.Version)
		}
		if actor.Role == auth.Editor {
			in.DepartmentID = old.DepartmentID
		}
		newIndexNo := old.IndexNo == "" && in.IndexNo != ""
		if !newIndexNo {
			in.IndexNo = old.IndexNo // index numbers never change
		} else if !actor.CanPublish() {
			// As in Create: only the office imports an item with its old number.
			return errs.E(errs.Forbidden, "只有政务公开办公室可以导入带索引号的信息")
		}
		if err := s.checkRefs(ctx, tx, siteID, &in, c); err != nil {
			return err
		}
		if !actor.CanEditDepartment(in.DepartmentID) {
			return errs.E(errs.Forbidden, "只能把信息归属到本科室")
		}
		live := old.Status == StatusPublished
		wasLive = live
		if live && in.Disclosure != "proactive" {
			return errs.E(errs.Invalid, "已发布的信息不能改为依申请公开或不予公开；请先撤回")
		}
		if live && in.ChangeNote == "" {
			return &errs.Error{Code: errs.Invalid, Message: "修改已发布的信息须填写修改说明", Fields: map[string]string{"change_note": "请填写修改说明（将显示在历史版本中）"}}
		}
		if in.PublishedOn == "" {
			in.PublishedOn = old.PublishedOn
		}
		n := len(coreTable)
		args := append([]any{in.ColumnID, in.DocType, in.DepartmentID, nullString(in.IndexNo), in.Body}, coreArgs(&in)...)
		args = append(args, nullID(in.SuccessorID), valuesJSON(&in), store.Now(), id, in.Version)
		res, err := tx.ExecContext(ctx, `UPDATE items SET column_id = $1, doc_type = $2, department_id = $3, index_no = $4, body = $5, `+coreAssignments(6)+`,
			successor_id = $`+strconv.Itoa(6+n)+`, fields = $`+strconv.Itoa(7+n)+`, version = version + 1, updated_at = $`+strconv.Itoa(8+n)+`
			WHERE id = $`+strconv.Itoa(9+n)+` AND version = $`+strconv.Itoa(10+n), args...)
		if newIndexNo && store.IsUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Message: "索引号已被其他信息使用", Fields: map[string]string{"index_no": "索引号已被其他信息使用"}}
		}
		if err != nil {
			return errs.Wrap(err, "update item")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "该信息已被他人修改，请重新打开后再修改")
		}
		if newIndexNo {
			if err := s.reserveIndexNo(ctx, tx, siteID, in.IndexNo); err != nil {
				return err
			}
		}
		if err := writeFacets(ctx, tx, id, DocTypeByCode(in.DocType), &in); err != nil {
			return err
		}
		if err := writeLinks(ctx, tx, id, in.Interprets); err != nil {
			return err
		}
		action := "edit"
		if live {
			action = "revise"
			if err := s.snapshot(ctx, tx, siteID, id, actor, in.ChangeNote); err != nil {
				return err
			}
		}
		if err := addEvent(ctx, tx, id, actor, action, in.ChangeNote); err != nil {
			return err
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "item." + action, Target: fmt.Sprintf("item:%d", id),
			Before: auditView(inputOf(old, nil)), After: auditView(&in)}); err != nil {
			return err
		}
		if with != nil {
			if err := with(tx); err != nil {
				return err
			}
		}
		if !live {
			return nil
		}
		now, err := s.item(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		return s.emitItemFrom(ctx, tx, events.ItemRevised, now, old.PublishedOn)
	}()
	return wasLive, err
}

// InputOf returns the editable input of an item (for edit forms).
func (s *Service) InputOf(ctx context.Context, it *Item) (Input, error) {
	links, err := s.Interprets(ctx, it.ID)
	if err != nil {
		return Input{}, err
	}
	return *inputOf(it, links), nil
}

func inputOf(it *Item, interprets []int64) *Input {
	in := &Input{ColumnID: it.ColumnID, DocType: it.DocType, DepartmentID: it.DepartmentID, IndexNo: it.IndexNo, Body: it.Body,
		SuccessorID: it.SuccessorID, Fields: maps.Clone(it.Fields), Interprets: interprets, Version: it.Version}
	if in.Fields == nil {
		in.Fields = map[string]string{}
	}
	for _, c := range coreTable {
		*c.input(in) = *c.item(it)
	}
	for k, v := range it.Lists {
		if in.Lists == nil {
			in.Lists = map[string][]string{}
		}
		in.Lists[k] = slices.Clone(v)
	}
	for k, rs := range it.Rows {
		if in.Rows == nil {
			in.Rows = map[string][]map[string]string{}
		}
		for _, r := range rs {
			in.Rows[k] = append(in.Rows[k], maps.Clone(r))
		}
	}
	return in
}

// auditView is the item as recorded in the audit log: every field, the
// body by length and hash only to keep the log small.
func auditView(in *Input) map[string]any {
	m := map[string]any{"column_id": in.ColumnID, "doc_type": in.DocType, "department_id": in.DepartmentID,
		"fields": FieldValues{Fields: in.Fields, Lists: in.Lists, Rows: in.Rows}, "body_chars": utf8.RuneCountInString(in.Body)}
	for _, c := range coreTable {
		if c.Name == "summary" {
			continue
		}
		m[c.Name] = *c.input(in)
	}
	if in.IndexNo != "" {
		m["index_no"] = in.IndexNo
	}
	if len(in.Interprets) > 0 {
		m["interprets"] = in.Interprets
	}
	return m
}

func writeLinks(ctx context.Context, tx *sql.Tx, id int64, interprets []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM item_links WHERE from_id = $1 AND kind = 'interprets'`, id); err != nil {
		return errs.Wrap(err, "links")
	}
	seen := map[int64]bool{}
	for _, to := range interprets {
		if seen[to] || to == id {
			continue
		}
		seen[to] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO item_links (from_id, to_id, kind) VALUES ($1, $2, 'interprets')`, id, to); err != nil {
			return errs.Wrap(err, "links")
		}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// textToHTML turns a body pasted as plain text (no tags) into paragraphs,
// one per line, so editors need not write HTML.
func textToHTML(body string) string {
	if strings.Contains(body, "<") || strings.TrimSpace(body) == "" {
		return body
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			b.WriteString("<p>" + html.EscapeString(line) + "</p>\n")
		}
	}
	return b.String()
}

// missing returns err unless it is sql.ErrNoRows: a reference that is not
// there is the user's mistake (a message on the field), a failed query is
// not (an internal error).
func missing(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}
