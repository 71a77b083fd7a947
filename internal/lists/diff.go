package lists

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
)

// Diff is the difference between two editions: rows added, removed and
// changed (matched by key), with the changed fields.
type Diff struct {
	Added   []Row
	Removed []Row
	Changed []Change
}

// Change is a row present in both editions with different values.
type Change struct {
	Key    string
	Title  string
	From   Row
	To     Row
	Fields []FieldChange
}

// FieldChange is one changed field, in canonical values.
type FieldChange struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Empty reports whether the editions hold the same rows.
func (d Diff) Empty() bool { return len(d.Added)+len(d.Removed)+len(d.Changed) == 0 }

func (k *Kind) diff(from, to []Row) Diff {
	var d Diff
	old := make(map[string]Row, len(from))
	for _, r := range from {
		old[r.Key] = r
	}
	now := make(map[string]bool, len(to))
	for _, r := range to {
		now[r.Key] = true
		o, ok := old[r.Key]
		if !ok {
			d.Added = append(d.Added, r)
			continue
		}
		var fc []FieldChange
		for _, f := range k.Fields {
			if a, b := o.Values[f.Name], r.Values[f.Name]; a != b {
				fc = append(fc, FieldChange{Name: f.Name, Label: f.Label, From: a, To: b})
			}
		}
		if len(fc) > 0 {
			d.Changed = append(d.Changed, Change{Key: r.Key, Title: r.Title, From: o, To: r, Fields: fc})
		}
	}
	for _, r := range from {
		if !now[r.Key] {
			d.Removed = append(d.Removed, r)
		}
	}
	slices.SortStableFunc(d.Removed, func(a, b Row) int { return a.Seq - b.Seq })
	return d
}

// Diff compares two editions' rows.
func (k *Kind) Diff(from, to []Row) Diff { return k.diff(from, to) }

// DiffEditions compares two stored editions in the database: rows whose
// stored values are the same text in both (most rows of a revised list)
// are matched by key in SQL and never read; only the added, removed and
// differing rows are decoded and compared field by field. With public,
// both sides are as the public sees them on today (Kind.PublicRow: rows
// past their publicity period are absent, persons masked), as Diff of
// Kind.Public of both editions' rows gives — TestListsDiffInDatabase
// checks that it equals that.
func (s *Service) DiffEditions(ctx context.Context, k *Kind, fromID, toID int64, public bool, today calendar.Date) (Diff, error) {
	return diffEditions(ctx, s.DB.R, k, fromID, toID, public, today)
}

func diffEditions(ctx context.Context, q rowQuerier, k *Kind, fromID, toID int64, public bool, today calendar.Date) (Diff, error) {
	var d Diff
	keep := func(r Row) (Row, bool) {
		if !public {
			return r, true
		}
		return k.PublicRow(r, today)
	}
	decode := func(js string, r *Row) error {
		return errs.Wrap(json.Unmarshal([]byte(js), &r.Values), "row values")
	}
	// The rows of to that from lacks or holds with other values, in to's
	// order: added and changed.
	rows, err := q.QueryContext(ctx, `SELECT b.id, b.seq, b.row_key, b.title, b.fields, a.id, a.seq, a.title, a.fields
		FROM list_rows b LEFT JOIN list_rows a ON a.edition_id = $1 AND a.row_key = b.row_key
		WHERE b.edition_id = $2 AND (a.id IS NULL OR a.fields <> b.fields) ORDER BY b.seq`, fromID, toID)
	if err != nil {
		return d, errs.Wrap(err, "diff rows")
	}
	defer rows.Close()
	for rows.Next() {
		var b, a Row
		var bjs string
		var aID, aSeq sql.NullInt64
		var aTitle, ajs sql.NullString
		if err := rows.Scan(&b.ID, &b.Seq, &b.Key, &b.Title, &bjs, &aID, &aSeq, &aTitle, &ajs); err != nil {
			return d, errs.Wrap(err, "scan diff row")
		}
		if err := decode(bjs, &b); err != nil {
			return d, err
		}
		b, inTo := keep(b)
		inFrom := false
		if aID.Valid {
			a = Row{ID: aID.Int64, Seq: int(aSeq.Int64), Key: b.Key, Title: aTitle.String}
			if err := decode(ajs.String, &a); err != nil {
				return d, err
			}
			a, inFrom = keep(a)
		}
		switch {
		case inTo && inFrom:
			var fc []FieldChange
			for _, f := range k.Fields {
				if x, y := a.Values[f.Name], b.Values[f.Name]; x != y {
					fc = append(fc, FieldChange{Name: f.Name, Label: f.Label, From: x, To: y})
				}
			}
			if len(fc) > 0 {
				d.Changed = append(d.Changed, Change{Key: b.Key, Title: b.Title, From: a, To: b, Fields: fc})
			}
		case inTo:
			d.Added = append(d.Added, b)
		case inFrom:
			d.Removed = append(d.Removed, a)
		}
	}
	if err := rows.Err(); err != nil {
		return d, errs.Wrap(err, "diff rows")
	}
	rows.Close()
	// The rows of from that to lacks.
	gone, err := q.QueryContext(ctx, `SELECT a.id, a.seq, a.row_key, a.title, a.fields FROM list_rows a
		WHERE a.edition_id = $1 AND NOT EXISTS (SELECT 1 FROM list_rows b WHERE b.edition_id = $2 AND b.row_key = a.row_key) ORDER BY a.seq`, fromID, toID)
	if err != nil {
		return d, errs.Wrap(err, "diff rows")
	}
	removed, err := scanRows(gone)
	if err != nil {
		return d, err
	}
	for _, r := range removed {
		if r, ok := keep(r); ok {
			d.Removed = append(d.Removed, r)
		}
	}
	slices.SortStableFunc(d.Removed, func(a, b Row) int { return a.Seq - b.Seq })
	return d, nil
}
