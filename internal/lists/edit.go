package lists

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Editing in the back office, row by row, as an alternative to a file: a
// draft starts as a copy of the current edition; rows are added, changed
// or removed in it; publication is the same as for an imported draft.

// NewDraft creates a draft holding the current edition's rows (none when
// the kind was never published).
func (s *Service) NewDraft(ctx context.Context, siteID int64, k *Kind, actor *auth.User) (*Edition, error) {
	if why, err := s.MayImport(ctx, actor, siteID, k, false); err != nil {
		return nil, err
	} else if why != "" {
		return nil, errs.E(errs.Forbidden, "%s", why)
	}
	cur, err := s.Current(ctx, siteID, k)
	if err != nil {
		return nil, err
	}
	var ed *Edition
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		kindID, _, err := s.ensureKind(ctx, tx, siteID, k)
		if err != nil {
			return err
		}
		var id int64
		rows := 0
		from := "（空白）"
		if cur != nil {
			rows, from = cur.Rows, cur.Label()
		}
		var base int64
		if cur != nil {
			base = cur.ID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO list_editions (site_id, kind_id, status, file_name, row_count, base_id, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, siteID, kindID, Draft, "在线编辑，基于"+from, rows, base, actor.Label(), store.Now()).Scan(&id); err != nil {
			return errs.Wrap(err, "create draft")
		}
		if cur != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO list_rows (edition_id, seq, row_key, title, fields)
				SELECT $1, seq, row_key, title, fields FROM list_rows WHERE edition_id = $2`, id, cur.ID); err != nil {
				return errs.Wrap(err, "copy rows")
			}
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "list.draft", Target: fmt.Sprintf("list_edition:%d", id),
			After: map[string]any{"kind": k.Code, "from": from, "rows": rows}}); err != nil {
			return err
		}
		ed, err = scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionCols+editionFrom+` WHERE e.id = $1`, id))
		return errs.Wrap(err, "read draft")
	})
	return ed, err
}

// draftTx locks and returns a draft of the kind for a change.
func (s *Service) draftTx(ctx context.Context, tx *sql.Tx, siteID int64, k *Kind, id int64) (*Edition, error) {
	e, err := scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionCols+editionFrom+` WHERE k.site_id = $1 AND k.code = $2 AND e.id = $3`, siteID, k.Code, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "%s没有编号为 %d 的版本", k.Name, id)
	}
	if err != nil {
		return nil, errs.Wrap(err, "edition")
	}
	if e.Status != Draft {
		return nil, errs.E(errs.Conflict, "已发布的版本不能修改；请新建草稿")
	}
	// Serialise writers of the draft (SQLite write transactions already are).
	if _, err := tx.ExecContext(ctx, `UPDATE list_editions SET row_count = row_count WHERE id = $1`, id); err != nil {
		return nil, errs.Wrap(err, "lock draft")
	}
	return e, nil
}

// PutRow adds a row to a draft (oldKey "") or replaces the row with
// oldKey. raw holds the form's values by field name; problems are
// returned by field name (errs.Invalid).
func (s *Service) PutRow(ctx context.Context, siteID int64, k *Kind, actor *auth.User, draftID int64, oldKey string, raw map[string]string) (*Row, error) {
	if why, err := s.MayImport(ctx, actor, siteID, k, false); err != nil {
		return nil, err
	} else if why != "" {
		return nil, errs.E(errs.Forbidden, "%s", why)
	}
	vals, bad := k.Validate(raw)
	for _, v := range vals {
		if !cleanText(v) {
			bad[k.Title] = "内容含有无法识别的控制字符"
		}
	}
	if len(bad) > 0 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "提交的内容有误，请按提示修改", Fields: bad}
	}
	row := &Row{Key: k.keyOf(vals), Title: vals[k.Title], Values: vals}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.draftTx(ctx, tx, siteID, k, draftID); err != nil {
			return err
		}
		var clash int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM list_rows WHERE edition_id = $1 AND row_key = $2 AND row_key <> $3`, draftID, row.Key, oldKey).Scan(&clash); err != nil {
			return errs.Wrap(err, "key check")
		}
		if clash > 0 {
			f, _ := k.Field(k.Key[0])
			return &errs.Error{Code: errs.Invalid, Message: "提交的内容有误，请按提示修改", Fields: map[string]string{k.Key[0]: fmt.Sprintf("%s“%s”已在清单中", f.Label, row.Key)}}
		}
		js, _ := json.Marshal(vals)
		var before any
		if oldKey != "" {
			var old string
			err := tx.QueryRowContext(ctx, `SELECT seq, fields FROM list_rows WHERE edition_id = $1 AND row_key = $2`, draftID, oldKey).Scan(&row.Seq, &old)
			if errors.Is(err, sql.ErrNoRows) {
				return errs.E(errs.NotFound, "草稿中没有事项“%s”", oldKey)
			}
			if err != nil {
				return errs.Wrap(err, "old row")
			}
			before = json.RawMessage(old)
			if _, err := tx.ExecContext(ctx, `UPDATE list_rows SET row_key = $1, title = $2, fields = $3 WHERE edition_id = $4 AND row_key = $5`,
				row.Key, row.Title, string(js), draftID, oldKey); err != nil {
				return errs.Wrap(err, "update row")
			}
		} else {
			var n, max int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM list_rows WHERE edition_id = $1`, draftID).Scan(&n, &max); err != nil {
				return errs.Wrap(err, "row count")
			}
			if n >= k.RowLimit() {
				return errs.E(errs.Invalid, "清单最多 %d 项", k.RowLimit())
			}
			row.Seq = max + 1
			if _, err := tx.ExecContext(ctx, `INSERT INTO list_rows (edition_id, seq, row_key, title, fields) VALUES ($1, $2, $3, $4, $5)`,
				draftID, row.Seq, row.Key, row.Title, string(js)); err != nil {
				return errs.Wrap(err, "insert row")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE list_editions SET row_count = row_count + 1 WHERE id = $1`, draftID); err != nil {
				return errs.Wrap(err, "row count")
			}
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "list.row", Target: fmt.Sprintf("list_edition:%d/%s", draftID, row.Key),
			Before: before, After: vals})
	})
	if err != nil {
		return nil, err
	}
	return row, nil
}

// DeleteRow removes a row from a draft.
func (s *Service) DeleteRow(ctx context.Context, siteID int64, k *Kind, actor *auth.User, draftID int64, key string) error {
	if why, err := s.MayImport(ctx, actor, siteID, k, false); err != nil {
		return err
	} else if why != "" {
		return errs.E(errs.Forbidden, "%s", why)
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.draftTx(ctx, tx, siteID, k, draftID); err != nil {
			return err
		}
		var old string
		err := tx.QueryRowContext(ctx, `SELECT fields FROM list_rows WHERE edition_id = $1 AND row_key = $2`, draftID, key).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "草稿中没有事项“%s”", key)
		}
		if err != nil {
			return errs.Wrap(err, "row")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM list_rows WHERE edition_id = $1 AND row_key = $2`, draftID, key); err != nil {
			return errs.Wrap(err, "delete row")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE list_editions SET row_count = row_count - 1 WHERE id = $1`, draftID); err != nil {
			return errs.Wrap(err, "row count")
		}
		return auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "list.row_delete", Target: fmt.Sprintf("list_edition:%d/%s", draftID, key),
			Before: json.RawMessage(old)})
	})
}

// Row returns one row of an edition by key.
func (s *Service) Row(ctx context.Context, editionID int64, key string) (*Row, error) {
	var r Row
	var js string
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, seq, row_key, title, fields FROM list_rows WHERE edition_id = $1 AND row_key = $2`, editionID, key).
		Scan(&r.ID, &r.Seq, &r.Key, &r.Title, &js)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "没有事项“%s”", key)
	}
	if err != nil {
		return nil, errs.Wrap(err, "row")
	}
	return &r, errs.Wrap(json.Unmarshal([]byte(js), &r.Values), "row values")
}

// LastWith returns the newest published edition that lists key, with the
// row as it stood there (a row removed since keeps its permanent page).
func (s *Service) LastWith(ctx context.Context, siteID int64, k *Kind, key string) (*Edition, *Row, error) {
	var id int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT e.id FROM list_rows r JOIN list_editions e ON e.id = r.edition_id JOIN list_kinds k ON k.id = e.kind_id
		WHERE k.site_id = $1 AND k.code = $2 AND e.status = 'published' AND r.row_key = $3 ORDER BY e.number DESC LIMIT 1`, siteID, k.Code, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.E(errs.NotFound, "%s中没有事项“%s”", k.Name, key)
	}
	if err != nil {
		return nil, nil, errs.Wrap(err, "edition with row")
	}
	e, err := s.Edition(ctx, siteID, k, id, false)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.Row(ctx, id, key)
	return e, r, err
}

// ImageUsed reports whether an image field of some row of the kind holds
// key: in a published edition, or (staff) in any edition of the site. The
// image route serves only such files, so a blob key typed into an
// imported file cannot expose another record's attachment.
func (s *Service) ImageUsed(ctx context.Context, siteID int64, k *Kind, key string, drafts bool) (bool, error) {
	if len(k.Images) == 0 || !imagePattern.RE.MatchString(key) {
		return false, nil
	}
	q := `SELECT r.fields FROM list_rows r JOIN list_editions e ON e.id = r.edition_id JOIN list_kinds k ON k.id = e.kind_id
		WHERE k.site_id = $1 AND k.code = $2 AND r.fields LIKE $3`
	args := []any{siteID, k.Code, "%" + key + "%"}
	if !drafts {
		q += ` AND e.status = $4`
		args = append(args, Published)
	}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return false, errs.Wrap(err, "image rows")
	}
	defer rows.Close()
	for rows.Next() {
		var js string
		var vals map[string]string
		if err := rows.Scan(&js); err != nil {
			return false, errs.Wrap(err, "image row")
		}
		if json.Unmarshal([]byte(js), &vals) != nil {
			continue
		}
		for f := range k.Images {
			if vals[f] == key {
				return true, nil
			}
		}
	}
	return false, errs.Wrap(rows.Err(), "image rows")
}
