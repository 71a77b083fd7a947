package lists

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// loadBatch is how many rows one INSERT of LoadEdition carries (5
// parameters each, well under both databases' limits).
const loadBatch = 400

// LoadEdition publishes rows as the next edition of k on the site in one
// transaction, inserting them in multi-row batches: for synthetic sites
// (internal/demo/synthetic generators), which hold far more rows than an
// import may (MaxRows) and must not take minutes. The rows are trusted
// (generated valid); Derive is applied; no audit entry (a build, not a
// staff action). by names the publisher.
func (s *Service) LoadEdition(ctx context.Context, siteID int64, k *Kind, by, note string, rows []map[string]string) (int64, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		kindID, _, err := s.ensureKind(ctx, tx, siteID, k)
		if err != nil {
			return err
		}
		var number int
		var base int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0), COALESCE(MAX(id), 0) FROM list_editions WHERE kind_id = $1 AND status = 'published'`, kindID).
			Scan(&number, &base); err != nil {
			return errs.Wrap(err, "current edition")
		}
		now := store.Now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO list_editions (site_id, kind_id, number, status, effective_on, note, file_name, row_count, added, base_id,
			created_by, created_at, published_by, published_at) VALUES ($1, $2, $3, 'published', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			siteID, kindID, number+1, now[:10], note, "synthetic", len(rows), len(rows), base, by, now, by, now).Scan(&id); err != nil {
			return errs.Wrap(err, "create edition")
		}
		for i := 0; i < len(rows); i += loadBatch {
			part := rows[i:min(i+loadBatch, len(rows))]
			var q strings.Builder
			q.WriteString(`INSERT INTO list_rows (edition_id, seq, row_key, title, fields) VALUES `)
			args := make([]any, 0, len(part)*5)
			for j, v := range part {
				if k.Derive != nil {
					k.Derive(v)
				}
				js, err := json.Marshal(v)
				if err != nil {
					return errs.Wrap(err, "row json")
				}
				if j > 0 {
					q.WriteString(", ")
				}
				n := len(args)
				fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5)
				args = append(args, id, i+j+1, k.keyOf(v), v[k.Title], string(js))
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return errs.Wrap(err, "insert rows")
			}
		}
		return s.storeFacets(ctx, tx, k, id)
	})
	return id, err
}

// AppendRow publishes, in one transaction, a new edition of k holding the
// current edition's rows and vals (already validated by the caller, who
// also decided the actor may: 谁落实、谁公开 lets a department publish its own
// progress entry of an execution task, internal/execution). The audit
// entry names the caller's action; the change event follows it, as in
// Publish. A row with the same key already published is refused.
func (s *Service) AppendRow(ctx context.Context, siteID int64, k *Kind, actor *auth.User, action, note string, vals map[string]string) (*Edition, error) {
	return s.putPublishedRow(ctx, siteID, k, actor, action, note, vals, false)
}

// PutPublishedRow is AppendRow that replaces a published row with the same
// key (in its place, audited with the row before) instead of refusing it:
// a co-handler's opinion filed after its receipt was recorded
// (internal/execution).
func (s *Service) PutPublishedRow(ctx context.Context, siteID int64, k *Kind, actor *auth.User, action, note string, vals map[string]string) (*Edition, error) {
	return s.putPublishedRow(ctx, siteID, k, actor, action, note, vals, true)
}

func (s *Service) putPublishedRow(ctx context.Context, siteID int64, k *Kind, actor *auth.User, action, note string, vals map[string]string, replace bool) (*Edition, error) {
	key := k.keyOf(vals)
	var ed *Edition
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		kindID, _, err := s.ensureKind(ctx, tx, siteID, k)
		if err != nil {
			return err
		}
		// Publications of one kind are serialised (as publishTx does).
		if _, err := tx.ExecContext(ctx, `UPDATE list_kinds SET department_id = department_id WHERE id = $1`, kindID); err != nil {
			return errs.Wrap(err, "lock list kind")
		}
		var baseID int64
		var number, rows int
		err = tx.QueryRowContext(ctx, `SELECT id, number, row_count FROM list_editions WHERE kind_id = $1 AND status = 'published' ORDER BY number DESC LIMIT 1`, kindID).
			Scan(&baseID, &number, &rows)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "current edition")
		}
		var before map[string]string
		oldSeq := 0
		if baseID != 0 {
			var n int
			var js string
			err := tx.QueryRowContext(ctx, `SELECT seq, fields FROM list_rows WHERE edition_id = $1 AND row_key = $2`, baseID, key).Scan(&oldSeq, &js)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return errs.Wrap(err, "key check")
			default:
				n = 1
				if err := json.Unmarshal([]byte(js), &before); err != nil {
					return errs.Wrap(err, "decode row")
				}
			}
			if n > 0 && !replace {
				f, _ := k.Field(k.Key[len(k.Key)-1])
				return &errs.Error{Code: errs.Conflict, Message: fmt.Sprintf("“%s”已经发布过（%s相同），请改用其他%s", key, f.Label, f.Label),
					Fields: map[string]string{f.Name: f.Label + "与已发布的相同"}}
			}
		}
		now := store.Now()
		added, changed, count := 1, 0, rows+1
		if before != nil {
			added, changed, count = 0, 1, rows
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO list_editions (site_id, kind_id, number, status, effective_on, note, file_name, row_count, added, changed, base_id,
			created_by, created_at, published_by, published_at) VALUES ($1, $2, $3, 'published', $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12) RETURNING id`,
			siteID, kindID, number+1, s.today().String(), note, "在线填报", count, added, changed, baseID, actor.Label(), now).Scan(&id); err != nil {
			return errs.Wrap(err, "create edition")
		}
		if baseID != 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO list_rows (edition_id, seq, row_key, title, fields)
				SELECT $1, seq, row_key, title, fields FROM list_rows WHERE edition_id = $2 AND row_key <> $3`, id, baseID, key); err != nil {
				return errs.Wrap(err, "copy rows")
			}
		}
		js, _ := json.Marshal(vals)
		if before != nil {
			// In the replaced row's place.
			if _, err := tx.ExecContext(ctx, `INSERT INTO list_rows (edition_id, seq, row_key, title, fields) VALUES ($1, $2, $3, $4, $5)`,
				id, oldSeq, key, vals[k.Title], string(js)); err != nil {
				return errs.Wrap(err, "insert row")
			}
		} else if _, err := tx.ExecContext(ctx, `INSERT INTO list_rows (edition_id, seq, row_key, title, fields)
			SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM list_rows WHERE edition_id = $1`, id, key, vals[k.Title], string(js)); err != nil {
			return errs.Wrap(err, "insert row")
		}
		if err := s.storeFacets(ctx, tx, k, id); err != nil {
			return err
		}
		var auditBefore any
		if before != nil {
			auditBefore = before
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: action, Target: fmt.Sprintf("list_edition:%d/%s", id, key),
			Before: auditBefore, After: vals}); err != nil {
			return err
		}
		if _, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: EventPublished, SubjectID: id,
			Payload: events.Payload(map[string]any{"kind": k.Code, "number": number + 1})}); err != nil {
			return err
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

// RowsUnder returns the rows of an edition whose key starts with prefix
// followed by "/" (the rows of a composite key's first part: one execution
// task's progress entries), by the (edition_id, row_key) index.
func (s *Service) RowsUnder(ctx context.Context, editionID int64, prefix string) ([]Row, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, seq, row_key, title, fields FROM list_rows WHERE edition_id = $1 AND row_key > $2 AND row_key < $3 ORDER BY seq`,
		editionID, prefix+"/", prefix+"0")
	if err != nil {
		return nil, errs.Wrap(err, "list rows")
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var js string
		if err := rows.Scan(&r.ID, &r.Seq, &r.Key, &r.Title, &js); err != nil {
			return nil, errs.Wrap(err, "list row")
		}
		if err := json.Unmarshal([]byte(js), &r.Values); err != nil {
			return nil, errs.Wrap(err, "row values")
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "list rows")
}

// RowKey is the key a row with vals has in k.
func RowKey(k *Kind, vals map[string]string) string { return k.keyOf(vals) }
