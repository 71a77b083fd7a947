package lists

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"strings"

	"gongkai/internal/errs"
)

// A draft remembers the edition current when it was made (its BaseID).
// Other editions may be published meanwhile: a department posts a progress
// entry of an execution task (AppendRow publishes at once, 谁落实、谁公开),
// or another draft is published. Publishing the older draft as it stands
// would silently drop those changes (the department's post vanished when
// the office published a draft it had opened before the post). So the
// draft is first brought up to the current edition, three ways: what
// changed since the draft's base and that the draft left alone is taken
// over (rows added since are appended, rows changed or removed since
// follow); where the draft changed the same row differently, publication
// is refused naming the rows, nothing is published.

func sameRow(a, b Row) bool { return a.Title == b.Title && maps.Equal(a.Values, b.Values) }

// rebase brings draft id, made from edition base, up to edition cur; it
// returns how many rows it took over.
func (s *Service) rebase(ctx context.Context, tx *sql.Tx, k *Kind, id, base, cur int64) (int, error) {
	byKey := func(edition int64) ([]Row, map[string]Row, error) {
		rows, err := readRows(ctx, tx, edition)
		if err != nil {
			return nil, nil, err
		}
		m := make(map[string]Row, len(rows))
		for _, r := range rows {
			m[r.Key] = r
		}
		return rows, m, nil
	}
	baseRows, was, err := byKey(base)
	if err != nil {
		return 0, err
	}
	curRows, now, err := byKey(cur)
	if err != nil {
		return 0, err
	}
	draftRows, mine, err := byKey(id)
	if err != nil {
		return 0, err
	}
	next := 0
	for _, r := range draftRows {
		next = max(next, r.Seq)
	}
	var clash []string
	var add, put []Row
	var del []string
	for _, c := range curRows {
		b, inBase := was[c.Key]
		d, inDraft := mine[c.Key]
		switch {
		case inBase && sameRow(b, c):
			// Unchanged since the draft was made: the draft's version stands.
		case !inBase && !inDraft:
			add = append(add, c) // published since (a department's post)
		case !inDraft:
			clash = append(clash, c.Key) // changed since, removed in the draft
		case sameRow(d, c):
			// The same change on both sides.
		case inBase && sameRow(d, b):
			put = append(put, c) // changed since, untouched in the draft
		default:
			clash = append(clash, c.Key)
		}
	}
	for _, b := range baseRows {
		if _, kept := now[b.Key]; kept {
			continue
		}
		if d, inDraft := mine[b.Key]; inDraft {
			if sameRow(d, b) {
				del = append(del, b.Key) // removed since, untouched in the draft
			} else {
				clash = append(clash, b.Key)
			}
		}
	}
	if len(clash) > 0 {
		if len(clash) > 5 {
			clash = append(clash[:5], "…")
		}
		return 0, errs.E(errs.Conflict, "本草稿创建后已发布了新版本，其中“%s”与草稿中的修改冲突；请删除本草稿、基于现行版本新建草稿后重新修改", strings.Join(clash, "”“"))
	}
	for _, r := range add {
		next++
		js, err := json.Marshal(r.Values)
		if err != nil {
			return 0, errs.Wrap(err, "row json")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO list_rows (edition_id, seq, row_key, title, fields) VALUES ($1, $2, $3, $4, $5)`,
			id, next, r.Key, r.Title, string(js)); err != nil {
			return 0, errs.Wrap(err, "carry row")
		}
	}
	for _, r := range put {
		js, err := json.Marshal(r.Values)
		if err != nil {
			return 0, errs.Wrap(err, "row json")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE list_rows SET title = $1, fields = $2 WHERE edition_id = $3 AND row_key = $4`, r.Title, string(js), id, r.Key); err != nil {
			return 0, errs.Wrap(err, "carry row")
		}
	}
	for _, key := range del {
		if _, err := tx.ExecContext(ctx, `DELETE FROM list_rows WHERE edition_id = $1 AND row_key = $2`, id, key); err != nil {
			return 0, errs.Wrap(err, "carry removal")
		}
	}
	if n := len(add) + len(put) + len(del); n > 0 {
		if len(draftRows)+len(add)-len(del) > k.RowLimit() {
			return 0, errs.E(errs.Invalid, "清单最多 %d 项", k.RowLimit())
		}
		if _, err := tx.ExecContext(ctx, `UPDATE list_editions SET row_count = (SELECT COUNT(*) FROM list_rows WHERE edition_id = $1) WHERE id = $1`, id); err != nil {
			return 0, errs.Wrap(err, "row count")
		}
		return n, nil
	}
	return 0, nil
}
