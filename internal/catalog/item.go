package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"sort"
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
	Fields           map[string]string
	Status           string
	PublishAt        string
	WithdrawnReason  string
	Version          int
	Revision         int
	Clicks           int64
	CreatedBy        int64
	CreatedAt        string
	UpdatedAt        string
}

// Type returns the item's document type declaration.
func (it *Item) Type() *DocType { return DocTypeByCode(it.DocType) }

// Value returns a field's value by name, core or type-specific.
func (it *Item) Value(name string) string {
	switch name {
	case "title":
		return it.Title
	case "summary":
		return it.Summary
	case "doc_no":
		return it.DocNo
	case "publisher":
		return it.Publisher
	case "author":
		return it.Author
	case "written_on":
		return it.WrittenOn
	case "published_on":
		return it.PublishedOn
	case "validity":
		return it.Validity
	case "topic":
		return it.Topic
	case "genre":
		return it.Genre
	case "keywords":
		return it.Keywords
	}
	return it.Fields[name]
}

// Display returns a field's value as shown to readers (labels for choices).
func (it *Item) Display(name string) string {
	v := it.Value(name)
	f, ok := it.Type().Field(name)
	if !ok || v == "" {
		return v
	}
	switch f.Kind {
	case Select:
		return OptionLabel(f.Options, v)
	case Bool:
		if v == "1" {
			return "是"
		}
		return "否"
	}
	return v
}

// Public reports whether the public may see the item now.
func (it *Item) Public() bool { return it.Status == StatusPublished }

// Superseded reports whether the item is no longer in force (banner on page).
func (it *Item) Superseded() bool {
	return it.Validity == "amended" || it.Validity == "repealed" || it.Validity == "expired"
}

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
	Fields           map[string]string
	// Interprets lists the policy documents an interpretation explains.
	Interprets []int64
	// Version is the version the editor started from (0 for new items).
	Version int
	// ChangeNote explains an edit of a published item (required then).
	ChangeNote string
}

func trimInput(in *Input) {
	for _, p := range []*string{&in.IndexNo, &in.Title, &in.Summary, &in.DocNo, &in.Publisher, &in.Author, &in.WrittenOn, &in.PublishedOn,
		&in.Disclosure, &in.DisclosureReason, &in.Validity, &in.Topic, &in.Genre, &in.Keywords, &in.ChangeNote} {
		*p = strings.TrimSpace(*p)
	}
	// A copy: validate drops undeclared fields, and the caller's map must
	// not change under it.
	fields := make(map[string]string, len(in.Fields))
	for k, v := range in.Fields {
		fields[k] = strings.TrimSpace(v)
	}
	in.Fields = fields
}

// validate checks in against its document type and column; it also
// sanitises the body. tx is used to check references.
func (s *Service) validate(ctx context.Context, tx *sql.Tx, siteID int64, in *Input) error {
	trimInput(in)
	v := errs.Validation{}
	t := DocTypeByCode(in.DocType)
	if t == nil {
		v.Add("doc_type", "请选择文档类型")
		return v.Err()
	}
	var colSite int64
	var colKind, colTypes string
	err := tx.QueryRowContext(ctx, `SELECT site_id, kind, doc_types FROM columns WHERE id = $1`, in.ColumnID).Scan(&colSite, &colKind, &colTypes)
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
		if err := tx.QueryRowContext(ctx, `SELECT site_id FROM departments WHERE id = $1`, in.DepartmentID).Scan(&dsite); err != nil || dsite != siteID {
			v.Add("department_id", "请选择起草科室")
		}
	} else {
		v.Add("department_id", "请选择起草科室（谁起草谁公开）")
	}
	validateField(v, coreFields["title"], in.Title)
	validateField(v, coreFields["summary"], in.Summary)
	validateField(v, coreFields["publisher"], in.Publisher)
	validateField(v, coreFields["published_on"], in.PublishedOn)
	if in.Fields == nil {
		in.Fields = map[string]string{}
	}
	core := map[string]*string{"doc_no": &in.DocNo, "author": &in.Author, "written_on": &in.WrittenOn, "validity": &in.Validity,
		"topic": &in.Topic, "genre": &in.Genre, "keywords": &in.Keywords}
	declared := map[string]bool{}
	for _, f := range t.Fields {
		declared[f.Name] = true
		if p, ok := core[f.Name]; ok {
			validateField(v, f, *p)
		} else {
			validateField(v, f, in.Fields[f.Name])
		}
	}
	// Values for fields the type does not declare are dropped, not stored.
	for name, p := range core {
		if !declared[name] {
			*p = ""
		}
	}
	for k, val := range in.Fields {
		if !declared[k] || val == "" || (t.fieldKind(k) == Bool && val == "0") {
			delete(in.Fields, k)
		}
	}
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
	if in.PublishedOn != "" && calendar.Valid(in.PublishedOn) && in.PublishedOn > s.today().String() {
		// The 发布日期 is when the public could first read the item; a later
		// date would be false on the page. Scheduled publication sets it.
		v.Add("published_on", "发布日期不能晚于今天；如需以后发布，请留空发布日期并使用定时发布")
	}
	if in.IndexNo != "" && (utf8.RuneCountInString(in.IndexNo) > 60 || strings.ContainsAny(in.IndexNo, " \t\r\n<>\"'")) {
		v.Add("index_no", "索引号格式无效")
	}
	if in.SuccessorID != 0 {
		var ssite int64
		if err := tx.QueryRowContext(ctx, `SELECT site_id FROM items WHERE id = $1`, in.SuccessorID).Scan(&ssite); err != nil || ssite != siteID {
			v.Add("successor_id", "替代文件不存在")
		}
	}
	if len(in.Interprets) > 0 && !t.Interprets {
		in.Interprets = nil
	}
	for _, id := range in.Interprets {
		var isite int64
		var typ string
		if err := tx.QueryRowContext(ctx, `SELECT site_id, doc_type FROM items WHERE id = $1`, id).Scan(&isite, &typ); err != nil || isite != siteID {
			v.Add("interprets", fmt.Sprintf("所解读的文件 %d 不存在", id))
		} else if typ != "policy" {
			v.Add("interprets", "只能关联政策文件")
		}
	}
	in.Body = sanitize.HTML(textToHTML(in.Body))
	if len(in.Body) > 2<<20 {
		v.Add("body", "正文过长（超过 2 MB）")
	}
	if in.Summary == "" {
		in.Summary = clip(sanitize.Text(in.Body), 120)
	}
	return v.Err()
}

func (t *DocType) fieldKind(name string) FieldKind {
	f, _ := t.Field(name)
	return f.Kind
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

const itemCols = `i.id, i.site_id, i.column_id, i.doc_type, COALESCE(i.department_id, 0), COALESCE(d.name, ''), COALESCE(i.index_no, ''), i.title, i.summary, i.body,
	i.doc_no, i.publisher, i.author, i.written_on, i.published_on, i.disclosure, i.disclosure_reason, i.validity, COALESCE(i.successor_id, 0),
	i.topic, i.genre, i.keywords, i.fields, i.status, i.publish_at, i.withdrawn_reason, i.version, i.revision, i.clicks, COALESCE(i.created_by, 0),
	i.created_at, i.updated_at`

const itemFrom = ` FROM items i LEFT JOIN departments d ON d.id = i.department_id`

// listCols are itemCols without the body, for listings (bodies can be large
// and lists never show them).
var listCols = strings.Replace(itemCols, "i.body,", "'' AS body,", 1)

func scanItem(row interface{ Scan(...any) error }) (*Item, error) {
	var it Item
	var fields string
	err := row.Scan(&it.ID, &it.SiteID, &it.ColumnID, &it.DocType, &it.DepartmentID, &it.Department, &it.IndexNo, &it.Title, &it.Summary, &it.Body,
		&it.DocNo, &it.Publisher, &it.Author, &it.WrittenOn, &it.PublishedOn, &it.Disclosure, &it.DisclosureReason, &it.Validity, &it.SuccessorID,
		&it.Topic, &it.Genre, &it.Keywords, &fields, &it.Status, &it.PublishAt, &it.WithdrawnReason, &it.Version, &it.Revision, &it.Clicks, &it.CreatedBy,
		&it.CreatedAt, &it.UpdatedAt)
	if err != nil {
		return nil, err
	}
	it.Fields = map[string]string{}
	if err := json.Unmarshal([]byte(fields), &it.Fields); err != nil {
		return nil, fmt.Errorf("item %d fields: %w", it.ID, err)
	}
	return &it, nil
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
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.createTx(ctx, tx, actor, siteID, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Item(ctx, siteID, id)
}

// createTx stores a new draft inside tx.
func (s *Service) createTx(ctx context.Context, tx *sql.Tx, actor *auth.User, siteID int64, in Input) (id int64, err error) {
	if actor == nil || !actor.ServesSite(siteID) {
		return 0, errs.E(errs.Forbidden, "您没有本站点的权限")
	}
	if actor.Role == auth.Editor && in.DepartmentID == 0 {
		in.DepartmentID = actor.DepartmentID
	}
	if actor.Role == auth.Reviewer {
		return 0, errs.E(errs.Forbidden, "审核人不能起草信息")
	}
	if err := s.validate(ctx, tx, siteID, &in); err != nil {
		return 0, err
	}
	if !actor.CanEditDepartment(in.DepartmentID) {
		return 0, errs.E(errs.Forbidden, "只能起草本科室的信息（谁起草谁公开）")
	}
	if in.IndexNo != "" && !actor.CanPublish() {
		return 0, errs.E(errs.Forbidden, "只有政务公开办公室可以导入带索引号的信息")
	}
	now := store.Now()
	fields, _ := json.Marshal(in.Fields)
	var indexNo any
	if in.IndexNo != "" {
		indexNo = in.IndexNo
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO items (site_id, column_id, doc_type, department_id, index_no, title, summary, body, doc_no, publisher, author,
		written_on, published_on, disclosure, disclosure_reason, validity, successor_id, topic, genre, keywords, fields, status, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $24) RETURNING id`,
		siteID, in.ColumnID, in.DocType, in.DepartmentID, indexNo, in.Title, in.Summary, in.Body, in.DocNo, in.Publisher, in.Author,
		in.WrittenOn, in.PublishedOn, in.Disclosure, in.DisclosureReason, in.Validity, nullID(in.SuccessorID), in.Topic, in.Genre, in.Keywords,
		string(fields), StatusDraft, actor.ID, now).Scan(&id)
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
	if err := writeFacets(ctx, tx, id, in.Fields); err != nil {
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
	var wasLive bool
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
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
		if err := s.validate(ctx, tx, siteID, &in); err != nil {
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
		fields, _ := json.Marshal(in.Fields)
		res, err := tx.ExecContext(ctx, `UPDATE items SET column_id = $1, doc_type = $2, department_id = $3, index_no = $4, title = $5, summary = $6, body = $7,
			doc_no = $8, publisher = $9, author = $10, written_on = $11, published_on = $12, disclosure = $13, disclosure_reason = $14, validity = $15,
			successor_id = $16, topic = $17, genre = $18, keywords = $19, fields = $20, version = version + 1, updated_at = $21
			WHERE id = $22 AND version = $23`,
			in.ColumnID, in.DocType, in.DepartmentID, nullString(in.IndexNo), in.Title, in.Summary, in.Body,
			in.DocNo, in.Publisher, in.Author, in.WrittenOn, in.PublishedOn, in.Disclosure, in.DisclosureReason, in.Validity,
			nullID(in.SuccessorID), in.Topic, in.Genre, in.Keywords, string(fields), store.Now(), id, in.Version)
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
		if err := writeFacets(ctx, tx, id, in.Fields); err != nil {
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
		if !live {
			return nil
		}
		now, err := s.item(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		return s.emitItem(ctx, tx, events.ItemRevised, now)
	})
	if err != nil {
		return nil, err
	}
	if wasLive {
		s.Bus.Committed(ctx)
	}
	return s.Item(ctx, siteID, id)
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
	f := make(map[string]string, len(it.Fields))
	for k, v := range it.Fields {
		f[k] = v
	}
	return &Input{ColumnID: it.ColumnID, DocType: it.DocType, DepartmentID: it.DepartmentID, IndexNo: it.IndexNo, Title: it.Title, Summary: it.Summary,
		Body: it.Body, DocNo: it.DocNo, Publisher: it.Publisher, Author: it.Author, WrittenOn: it.WrittenOn, PublishedOn: it.PublishedOn,
		Disclosure: it.Disclosure, DisclosureReason: it.DisclosureReason, Validity: it.Validity, SuccessorID: it.SuccessorID, Topic: it.Topic,
		Genre: it.Genre, Keywords: it.Keywords, Fields: f, Interprets: interprets, Version: it.Version}
}

// auditView is the item as recorded in the audit log: every field, the
// body by length and hash only to keep the log small.
func auditView(in *Input) map[string]any {
	m := map[string]any{"column_id": in.ColumnID, "doc_type": in.DocType, "department_id": in.DepartmentID, "title": in.Title, "doc_no": in.DocNo,
		"publisher": in.Publisher, "written_on": in.WrittenOn, "published_on": in.PublishedOn, "disclosure": in.Disclosure,
		"disclosure_reason": in.DisclosureReason, "validity": in.Validity, "topic": in.Topic, "genre": in.Genre, "fields": in.Fields,
		"body_chars": utf8.RuneCountInString(in.Body)}
	if in.IndexNo != "" {
		m["index_no"] = in.IndexNo
	}
	if len(in.Interprets) > 0 {
		m["interprets"] = in.Interprets
	}
	return m
}

func writeFacets(ctx context.Context, tx *sql.Tx, id int64, fields map[string]string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM item_facets WHERE item_id = $1`, id); err != nil {
		return errs.Wrap(err, "facets")
	}
	for _, f := range facetRows(fields) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO item_facets (item_id, name, value) VALUES ($1, $2, $3)`, id, f[0], f[1]); err != nil {
			return errs.Wrap(err, "facets")
		}
	}
	return nil
}

// facetRows are the (name, value) rows of item_facets for an item's
// fields, in name order; writeFacets and BulkLoad share it.
func facetRows(fields map[string]string) [][2]string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([][2]string, len(keys))
	for i, k := range keys {
		out[i] = [2]string{k, fields[k]}
	}
	return out
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
