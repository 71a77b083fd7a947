package lists

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// Edition statuses.
const (
	Draft     = "draft"
	Published = "published"
)

// EventPublished is the change event of a newly published edition (the
// search index, the render cache and feeds follow it).
const EventPublished = "list.published"

// effectiveField checks an edition's effective date like any date field
// (catalog's kind: the format and the 1900–2100 bounds).
var effectiveField = catalog.Field{Name: "effective_on", Label: "生效日期", Kind: catalog.Date}

// MaxNote is the longest change note (调整说明).
const MaxNote = 1000

// Service keeps the lists of every site.
type Service struct {
	DB      *store.DB
	Catalog *catalog.Service
	Today   func() calendar.Date
}

// Edition is one edition of a list.
type Edition struct {
	ID          int64  `json:"id"`
	SiteID      int64  `json:"-"`
	Kind        string `json:"kind"`
	Number      int    `json:"number"` // 1, 2 … in order of publication; 0 for a draft
	Status      string `json:"status"`
	EffectiveOn string `json:"effective_on"`
	Note        string `json:"note"`
	FileName    string `json:"file_name"`
	Rows        int    `json:"rows"`
	Added       int    `json:"added"`
	Removed     int    `json:"removed"`
	Changed     int    `json:"changed"`
	// BaseID is the edition current when this one was published (0: the
	// first); of a draft, the edition current when it was made (0: none),
	// which publication brings it up to (rebase).
	BaseID      int64  `json:"base_id"`
	CreatedBy   string `json:"created_by"`
	CreatedAt   string `json:"created_at"`
	PublishedBy string `json:"published_by"`
	PublishedAt string `json:"published_at"`
}

// Label names the edition for people.
func (e *Edition) Label() string {
	if e.Status == Draft {
		return fmt.Sprintf("草稿 #%d", e.ID)
	}
	return fmt.Sprintf("第 %d 版", e.Number)
}

// Row is one row of an edition.
type Row struct {
	ID     int64
	Seq    int
	Key    string
	Title  string
	Values map[string]string
}

// Import is what an import asks.
type Import struct {
	File     []byte
	FileName string
	Note     string
	// EffectiveOn is the date the edition takes effect (today when empty).
	EffectiveOn string
	// Publish publishes the edition at once (政务公开办公室 only).
	Publish bool
	// Table, when set, is used instead of File: the rows as a file's cells
	// (header first; Kind.Table writes them), checked the same way. The
	// synthetic generators load ledgers larger than a file upload so.
	Table [][]string
}

// owner returns the kind's row on a site, creating it (with the declared
// owning department) on first use.
func (s *Service) owner(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, siteID int64, k *Kind) (id, dept int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT id, department_id FROM list_kinds WHERE site_id = $1 AND code = $2`, siteID, k.Code).Scan(&id, &dept)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, s.declaredOwner(ctx, siteID, k), nil
	}
	return id, dept, errs.Wrap(err, "list kind")
}

func (s *Service) declaredOwner(ctx context.Context, siteID int64, k *Kind) int64 {
	if k.Owner == "" || s.Catalog == nil {
		return 0
	}
	ds, err := s.Catalog.Departments(ctx, siteID)
	if err != nil {
		return 0
	}
	for _, d := range ds {
		if d.Abbr == k.Owner || d.Name == k.Owner {
			return d.ID
		}
	}
	return 0
}

func (s *Service) ensureKind(ctx context.Context, tx *sql.Tx, siteID int64, k *Kind) (int64, int64, error) {
	id, dept, err := s.owner(ctx, tx, siteID, k)
	if err != nil || id != 0 {
		return id, dept, err
	}
	// Two first imports at once: one inserts, the other finds its row.
	if _, err := tx.ExecContext(ctx, `INSERT INTO list_kinds (site_id, code, department_id, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (site_id, code) DO NOTHING`, siteID, k.Code, dept, store.Now()); err != nil {
		return 0, 0, errs.Wrap(err, "create list kind")
	}
	err = tx.QueryRowContext(ctx, `SELECT id, department_id FROM list_kinds WHERE site_id = $1 AND code = $2`, siteID, k.Code).Scan(&id, &dept)
	return id, dept, errs.Wrap(err, "list kind")
}

// Owner is the department that keeps the kind on the site (0: any editor
// of the office).
func (s *Service) Owner(ctx context.Context, siteID int64, k *Kind) (int64, error) {
	_, dept, err := s.owner(ctx, s.DB.R, siteID, k)
	return dept, err
}

// MayImport says whether u may import the kind on the site ("" when
// allowed, else the refusal): 谁编制、谁负责 (RECORDS §1.6), like the
// catalogue's department rule; publishing is the office's (catalog.Allow).
func (s *Service) MayImport(ctx context.Context, u *auth.User, siteID int64, k *Kind, publish bool) (string, error) {
	if u == nil {
		return "请先登录或提供令牌", nil
	}
	dept, err := s.Owner(ctx, siteID, k)
	if err != nil {
		return "", err
	}
	if !u.CanEditDepartment(dept) {
		return fmt.Sprintf("您无权导入%s（清单由编制科室维护）", k.Name), nil
	}
	if publish && !u.CanPublish() {
		return "只有政务公开办公室可以发布清单；请不勾选“立即发布”，导入为草稿后提交发布", nil
	}
	return "", nil
}

const editionCols = `e.id, e.site_id, k.code, e.number, e.status, e.effective_on, e.note, e.file_name, e.row_count, e.added, e.removed, e.changed, e.base_id, e.created_by, e.created_at, e.published_by, e.published_at`
const editionFrom = ` FROM list_editions e JOIN list_kinds k ON k.id = e.kind_id`

func scanEdition(r interface{ Scan(...any) error }) (*Edition, error) {
	var e Edition
	err := r.Scan(&e.ID, &e.SiteID, &e.Kind, &e.Number, &e.Status, &e.EffectiveOn, &e.Note, &e.FileName, &e.Rows, &e.Added, &e.Removed, &e.Changed, &e.BaseID,
		&e.CreatedBy, &e.CreatedAt, &e.PublishedBy, &e.PublishedAt)
	return &e, err
}

// Editions lists a kind's editions, newest first; drafts only for staff.
func (s *Service) Editions(ctx context.Context, siteID int64, k *Kind, drafts bool) ([]*Edition, error) {
	q := `SELECT ` + editionCols + editionFrom + ` WHERE k.site_id = $1 AND k.code = $2`
	if !drafts {
		q += ` AND e.status = 'published'`
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY e.number DESC, e.id DESC`, siteID, k.Code)
	if err != nil {
		return nil, errs.Wrap(err, "list editions")
	}
	defer rows.Close()
	var out []*Edition
	for rows.Next() {
		e, err := scanEdition(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan edition")
		}
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "list editions")
}

// Current is the kind's current edition (the last published), or nil.
func (s *Service) Current(ctx context.Context, siteID int64, k *Kind) (*Edition, error) {
	e, err := scanEdition(s.DB.R.QueryRowContext(ctx, `SELECT `+editionCols+editionFrom+
		` WHERE k.site_id = $1 AND k.code = $2 AND e.status = 'published' ORDER BY e.number DESC LIMIT 1`, siteID, k.Code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return e, errs.Wrap(err, "current edition")
}

// Edition returns one edition of the kind; public callers see published
// editions only.
func (s *Service) Edition(ctx context.Context, siteID int64, k *Kind, id int64, drafts bool) (*Edition, error) {
	e, err := scanEdition(s.DB.R.QueryRowContext(ctx, `SELECT `+editionCols+editionFrom+` WHERE k.site_id = $1 AND k.code = $2 AND e.id = $3`, siteID, k.Code, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !drafts && e.Status != Published) {
		return nil, errs.E(errs.NotFound, "%s没有编号为 %d 的版本", k.Name, id)
	}
	return e, errs.Wrap(err, "edition")
}

// carryHidden keeps the current edition's rows that are past their
// publicity period (Kind.Until) and absent from the file: no public export
// carries them, so a file built from one cannot mean to delete them, and
// the record outlives its publicity (RECORDS §0.3 lifecycle 2).
func (k *Kind) carryHidden(rows []Row, prior map[string]Row, today calendar.Date) []Row {
	if k.Until == "" || len(prior) == 0 {
		return rows
	}
	in := make(map[string]bool, len(rows))
	for _, r := range rows {
		in[r.Key] = true
	}
	var hidden []Row
	cut := today.String()
	for key, r := range prior {
		if u := r.Values[k.Until]; !in[key] && u != "" && u < cut {
			hidden = append(hidden, r)
		}
	}
	slices.SortFunc(hidden, func(a, b Row) int { return a.Seq - b.Seq })
	for _, r := range hidden {
		r.Seq = len(rows) + 1
		rows = append(rows, r)
	}
	return rows
}

// currentByKey are the current edition's rows by key (nil: none).
func (s *Service) currentByKey(ctx context.Context, siteID int64, k *Kind) (map[string]Row, error) {
	cur, err := s.Current(ctx, siteID, k)
	if err != nil || cur == nil {
		return nil, err
	}
	rows, err := s.Rows(ctx, cur.ID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Row, len(rows))
	for _, r := range rows {
		out[r.Key] = r
	}
	return out, nil
}

// Rows returns an edition's rows in order.
func (s *Service) Rows(ctx context.Context, editionID int64) ([]Row, error) {
	return readRows(ctx, s.DB.R, editionID)
}

// RowKeys returns the row keys of an edition in order, and nothing else:
// the sitemap lists every row's page, and decoding the fields of the
// current editions' 78,602 rows (100k synthetic site) for their keys made
// the sitemap file the server's largest allocation.
func (s *Service) RowKeys(ctx context.Context, editionID int64) ([]string, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT row_key FROM list_rows WHERE edition_id = $1 ORDER BY seq`, editionID)
	if err != nil {
		return nil, errs.Wrap(err, "list row keys")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, errs.Wrap(err, "list row key")
		}
		out = append(out, k)
	}
	return out, errs.Wrap(rows.Err(), "list row keys")
}

// EachRow calls fn with each row of an edition in order, read with a
// cursor (an export of a ledger of tens of thousands of rows never holds
// them all); fn's error stops the reading and is returned.
func (s *Service) EachRow(ctx context.Context, editionID int64, fn func(Row) error) error {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, seq, row_key, title, fields FROM list_rows WHERE edition_id = $1 ORDER BY seq`, editionID)
	if err != nil {
		return errs.Wrap(err, "list rows")
	}
	defer rows.Close()
	for rows.Next() {
		var r Row
		var js string
		if err := rows.Scan(&r.ID, &r.Seq, &r.Key, &r.Title, &js); err != nil {
			return errs.Wrap(err, "scan row")
		}
		if err := json.Unmarshal([]byte(js), &r.Values); err != nil {
			return errs.Wrap(err, "row values")
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return errs.Wrap(rows.Err(), "list rows")
}

// rowQuerier is the database or a transaction.
type rowQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readRows reads an edition's rows in order, from the database or inside
// a transaction.
func readRows(ctx context.Context, q rowQuerier, editionID int64) ([]Row, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, seq, row_key, title, fields FROM list_rows WHERE edition_id = $1 ORDER BY seq`, editionID)
	if err != nil {
		return nil, errs.Wrap(err, "list rows")
	}
	return scanRows(rows)
}

// scanRows reads rows of (id, seq, row_key, title, fields) and closes them.
func scanRows(rows *sql.Rows) ([]Row, error) {
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var js string
		if err := rows.Scan(&r.ID, &r.Seq, &r.Key, &r.Title, &js); err != nil {
			return nil, errs.Wrap(err, "scan row")
		}
		if err := json.Unmarshal([]byte(js), &r.Values); err != nil {
			return nil, errs.Wrap(err, "row values")
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "list rows")
}

// Import validates a file and stores it as a new edition (a draft, or
// published at once). A file with any bad cell is refused whole with the
// report (CellsOf); nothing is stored.
func (s *Service) Import(ctx context.Context, siteID int64, k *Kind, actor *auth.User, in Import) (*Edition, error) {
	if why, err := s.MayImport(ctx, actor, siteID, k, in.Publish); err != nil {
		return nil, err
	} else if why != "" {
		return nil, errs.E(errs.Forbidden, "%s", why)
	}
	v := errs.Validation{}
	in.Note = strings.TrimSpace(strings.ReplaceAll(in.Note, "\r\n", "\n"))
	if utf8.RuneCountInString(in.Note) > MaxNote {
		v.Add("note", fmt.Sprintf("调整说明不能超过 %d 个字", MaxNote))
	}
	if !catalog.CleanText(in.Note) {
		v.Add("note", "调整说明含有无法识别的字符")
	}
	if _, msg := effectiveField.Normalize(in.EffectiveOn); msg != "" {
		v.Add("effective_on", msg)
	}
	if in.Publish && in.Note == "" {
		v.Add("note", "发布新版本时请填写调整说明（如“依据某法修订，新增 2 项、取消 1 项”）")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var prior map[string]Row
	if k.HasPersons() {
		var err error
		if prior, err = s.currentByKey(ctx, siteID, k); err != nil {
			return nil, err
		}
	}
	if k.Until != "" && prior == nil {
		var err error
		if prior, err = s.currentByKey(ctx, siteID, k); err != nil {
			return nil, err
		}
	}
	var p *parsed
	var err error
	if in.Table != nil {
		p, err = k.parseTable(in.Table, CSV, prior)
	} else {
		p, err = k.parseFileWith(in.File, in.FileName, prior)
	}
	if err != nil {
		return nil, err
	}
	p.rows = k.carryHidden(p.rows, prior, s.today())
	name := cleanName(in.FileName)
	var ed *Edition
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		kindID, _, err := s.ensureKind(ctx, tx, siteID, k)
		if err != nil {
			return err
		}
		var id int64
		// A file replaces the list whole: its draft's base is the edition
		// current now, so that a row published online meanwhile (AppendRow)
		// is kept when the draft is published (rebase).
		var base int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM list_editions WHERE kind_id = $1 AND status = 'published'`, kindID).Scan(&base); err != nil {
			return errs.Wrap(err, "current edition")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO list_editions (site_id, kind_id, status, effective_on, note, file_name, row_count, base_id, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			siteID, kindID, Draft, in.EffectiveOn, in.Note, name, len(p.rows), base, actor.Label(), store.Now()).Scan(&id); err != nil {
			return errs.Wrap(err, "create edition")
		}
		if err := insertRows(ctx, tx, id, p.rows); err != nil {
			return err
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "list.import",
			Target: fmt.Sprintf("list_edition:%d", id), After: map[string]any{"kind": k.Code, "rows": len(p.rows), "file": name, "format": p.format, "note": in.Note}}); err != nil {
			return err
		}
		if in.Publish {
			if err := s.publishTx(ctx, tx, siteID, k, actor, id, in.EffectiveOn, in.Note); err != nil {
				return err
			}
		}
		ed, err = scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionCols+editionFrom+` WHERE e.id = $1`, id))
		return errs.Wrap(err, "read edition")
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return ed, nil
}

// cleanName is an uploaded file's name as recorded: valid UTF-8, no
// control characters, at most 200 characters (it is the sender's).
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200])
	}
	return s
}

func (s *Service) committed(ctx context.Context) {
	if s.Catalog != nil && s.Catalog.Bus != nil {
		s.Catalog.Bus.Committed(ctx)
	}
}

// Publish publishes a draft as the kind's new current edition, with its
// effective date (today when empty) and change note. Only the office
// publishes (catalog: CanPublish).
func (s *Service) Publish(ctx context.Context, siteID int64, k *Kind, actor *auth.User, id int64, effectiveOn, note string) (*Edition, error) {
	if actor == nil || !actor.CanPublish() {
		return nil, errs.E(errs.Forbidden, "只有政务公开办公室可以发布清单")
	}
	note = strings.TrimSpace(note)
	v := errs.Validation{}
	if _, msg := effectiveField.Normalize(effectiveOn); msg != "" {
		v.Add("effective_on", msg)
	}
	if utf8.RuneCountInString(note) > MaxNote {
		v.Add("note", fmt.Sprintf("调整说明不能超过 %d 个字", MaxNote))
	}
	if !catalog.CleanText(note) {
		v.Add("note", "调整说明含有无法识别的字符")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var ed *Edition
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.publishTx(ctx, tx, siteID, k, actor, id, effectiveOn, note); err != nil {
			return err
		}
		var err error
		ed, err = scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionCols+editionFrom+` WHERE e.id = $1`, id))
		return errs.Wrap(err, "read edition")
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return ed, nil
}

func (s *Service) publishTx(ctx context.Context, tx *sql.Tx, siteID int64, k *Kind, actor *auth.User, id int64, effectiveOn, note string) error {
	e, err := scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionCols+editionFrom+` WHERE k.site_id = $1 AND k.code = $2 AND e.id = $3`, siteID, k.Code, id))
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "%s没有编号为 %d 的版本", k.Name, id)
	}
	if err != nil {
		return errs.Wrap(err, "edition")
	}
	if e.Status != Draft {
		return errs.E(errs.Conflict, "该版本已经发布")
	}
	// Publications of one kind are serialised (the next number, the base
	// edition): on PostgreSQL by the kind's row lock; SQLite write
	// transactions already are.
	if _, err := tx.ExecContext(ctx, `UPDATE list_kinds SET department_id = department_id WHERE site_id = $1 AND code = $2`, siteID, k.Code); err != nil {
		return errs.Wrap(err, "lock list kind")
	}
	if err := tx.QueryRowContext(ctx, `SELECT status FROM list_editions WHERE id = $1`, id).Scan(&e.Status); err != nil {
		return errs.Wrap(err, "edition status")
	}
	if e.Status != Draft {
		return errs.E(errs.Conflict, "该版本已经发布")
	}
	if note == "" {
		note = e.Note
	}
	if note == "" {
		return &errs.Error{Code: errs.Invalid, Message: "发布新版本时请填写调整说明", Fields: map[string]string{"note": "请填写调整说明"}}
	}
	if effectiveOn == "" {
		effectiveOn = e.EffectiveOn
	}
	if effectiveOn == "" {
		effectiveOn = s.today().String()
	}
	var baseID int64
	var number int
	err = tx.QueryRowContext(ctx, `SELECT e.id, e.number FROM list_editions e JOIN list_kinds k ON k.id = e.kind_id
		WHERE k.site_id = $1 AND k.code = $2 AND e.status = 'published' ORDER BY e.number DESC LIMIT 1`, siteID, k.Code).Scan(&baseID, &number)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return errs.Wrap(err, "current edition")
	}
	carried := 0
	if e.BaseID != 0 && baseID != 0 && e.BaseID != baseID {
		if carried, err = s.rebase(ctx, tx, k, id, e.BaseID, baseID); err != nil {
			return err
		}
	}
	var d Diff
	if baseID != 0 {
		if d, err = diffEditions(ctx, tx, k, baseID, id, false, calendar.Date{}); err != nil {
			return err
		}
	}
	now := store.Now()
	if _, err := tx.ExecContext(ctx, `UPDATE list_editions SET status = 'published', number = $1, effective_on = $2, note = $3, added = $4, removed = $5, changed = $6,
		base_id = $7, published_by = $8, published_at = $9 WHERE id = $10`,
		number+1, effectiveOn, note, len(d.Added), len(d.Removed), len(d.Changed), baseID, actor.Label(), now, id); err != nil {
		return errs.Wrap(err, "publish edition")
	}
	if err := s.storeFacets(ctx, tx, k, id); err != nil {
		return err
	}
	if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "list.publish", Target: fmt.Sprintf("list_edition:%d", id),
		After: map[string]any{"kind": k.Code, "number": number + 1, "effective_on": effectiveOn, "note": note, "added": len(d.Added), "removed": len(d.Removed), "changed": len(d.Changed),
			"rebased": carried}}); err != nil {
		return err
	}
	_, err = events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: EventPublished, SubjectID: id,
		Payload: events.Payload(map[string]any{"kind": k.Code, "number": number + 1})})
	return err
}

// DeleteDraft removes a draft (published editions are kept for ever).
func (s *Service) DeleteDraft(ctx context.Context, siteID int64, k *Kind, actor *auth.User, id int64) error {
	if why, err := s.MayImport(ctx, actor, siteID, k, false); err != nil {
		return err
	} else if why != "" {
		return errs.E(errs.Forbidden, "%s", why)
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		e, err := scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionCols+editionFrom+` WHERE k.site_id = $1 AND k.code = $2 AND e.id = $3`, siteID, k.Code, id))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "%s没有编号为 %d 的版本", k.Name, id)
		}
		if err != nil {
			return errs.Wrap(err, "edition")
		}
		if e.Status != Draft {
			return errs.E(errs.Conflict, "已发布的版本不能删除（历史版本须长期保留）")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM list_rows WHERE edition_id = $1`, id); err != nil {
			return errs.Wrap(err, "delete rows")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM list_editions WHERE id = $1`, id); err != nil {
			return errs.Wrap(err, "delete edition")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "list.delete_draft", Target: fmt.Sprintf("list_edition:%d", id),
			Before: map[string]any{"kind": k.Code, "rows": e.Rows, "note": e.Note}})
	})
}

// Stale is a list not republished within its kind's period.
type Stale struct {
	Kind *Kind
	// Last is the current edition's effective date.
	Last string
	// Due is the date by which the list should have been confirmed.
	Due string
}

// StaleLists returns the site's published lists whose current edition is
// older than their UpdateDays on today (for the self-inspection).
func (s *Service) StaleLists(ctx context.Context, siteID int64, today calendar.Date) ([]Stale, error) {
	var out []Stale
	for _, k := range Kinds() {
		if k.UpdateDays == 0 {
			continue
		}
		e, err := s.Current(ctx, siteID, k)
		if err != nil {
			return nil, err
		}
		if e == nil {
			// A kind the site has never published is not reported: not
			// every site keeps every list (a 区县 bureau has no 证明事项
			// list of its own); the deadline of a first publication is
			// the seed's, not a period.
			continue
		}
		last := calendar.Day(e.EffectiveOn)
		if last.IsZero() {
			continue
		}
		if due := last.AddDays(k.UpdateDays); today.Sub(due) > 0 {
			out = append(out, Stale{Kind: k, Last: e.EffectiveOn, Due: due.String()})
		}
	}
	return out, nil
}

func (s *Service) today() calendar.Date {
	if s.Today != nil {
		return s.Today()
	}
	return calendar.Today()
}

// rowBatch is the rows one INSERT carries (5 parameters a row: within
// SQLite's 32,766 and PostgreSQL's 65,535 parameters).
const rowBatch = 500

// insertRows stores an edition's rows in multi-row INSERTs (an edition of
// tens of thousands of rows is a few dozen statements, not one a row).
func insertRows(ctx context.Context, tx *sql.Tx, editionID int64, rows []Row) error {
	for start := 0; start < len(rows); start += rowBatch {
		batch := rows[start:min(start+rowBatch, len(rows))]
		var q strings.Builder
		q.WriteString(`INSERT INTO list_rows (edition_id, seq, row_key, title, fields) VALUES `)
		args := make([]any, 0, 5*len(batch))
		for i, r := range batch {
			if i > 0 {
				q.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5)
			js, _ := json.Marshal(r.Values)
			args = append(args, editionID, r.Seq, r.Key, r.Title, string(js))
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return errs.Wrap(err, "insert rows")
		}
	}
	return nil
}
