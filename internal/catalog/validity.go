package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// SweepValidity moves the recorded 有效性 of documents on with the days: a
// document whose 施行日期 has come is 有效, one whose 有效期至 has passed
// 失效 (国办发〔2017〕47号: marked on the document itself). Each change is
// a ledger entry and an audit entry by the system and, for a published
// item, a change event, so pages, lists, filters, the API and the search
// agree. It reads only the documents of types that declare the dates and
// are recorded in force or not yet in force; run it when the day changes.
// It returns the number of items changed.
func (s *Service) SweepValidity(ctx context.Context, today calendar.Date) (int, error) {
	var types []any
	for _, t := range DocTypes() {
		if t.ValidFrom != "" || t.ValidUntil != "" {
			types = append(types, t.Code)
		}
	}
	if len(types) == 0 {
		return 0, nil
	}
	type row struct {
		id, siteID, columnID int64
		docType, indexNo     string
		status, validity     string
		version              int
		fields               FieldValues
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, site_id, column_id, doc_type, COALESCE(index_no, ''), status, validity, version, COALESCE(fields, '') FROM items
		WHERE doc_type IN (`+placeholders(1, len(types))+`) AND validity IN ('in_force', 'not_yet') AND status <> 'withdrawn'`, types...)
	if err != nil {
		return 0, errs.Wrap(err, "validity sweep")
	}
	var due []row
	for rows.Next() {
		var r row
		var fields string
		if err := rows.Scan(&r.id, &r.siteID, &r.columnID, &r.docType, &r.indexNo, &r.status, &r.validity, &r.version, &fields); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "validity sweep")
		}
		if fields != "" {
			if err := json.Unmarshal([]byte(fields), &r.fields); err != nil {
				rows.Close()
				return 0, errs.Wrap(err, "validity sweep fields")
			}
		}
		next := DocTypeByCode(r.docType).ValidityOn(r.validity, func(name string) string { return r.fields.Fields[name] }, today)
		if next != r.validity {
			r.validity = next
			due = append(due, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "validity sweep")
	}
	n := 0
	for _, r := range due {
		changed := false
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			// The version guards against an edit in between: that edit
			// derived the validity itself.
			res, err := tx.ExecContext(ctx, `UPDATE items SET validity = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4`,
				r.validity, store.Now(), r.id, r.version)
			if err != nil {
				return errs.Wrap(err, "validity sweep")
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			changed = true
			note := fmt.Sprintf("有效性按日期变为“%s”（%s）", OptionLabel(Validities, r.validity), today)
			if err := addEvent(ctx, tx, r.id, nil, "validity", note); err != nil {
				return err
			}
			if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: r.siteID, Action: "item.validity", Target: fmt.Sprintf("item:%d", r.id),
				After: map[string]any{"validity": r.validity, "on": today.String()}}); err != nil {
				return err
			}
			if r.status != StatusPublished {
				return nil
			}
			return s.emitItem(ctx, tx, events.ItemRevised, &Item{ID: r.id, SiteID: r.siteID, ColumnID: r.columnID, DocType: r.docType, Status: r.status, IndexNo: r.indexNo})
		})
		if err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	if n > 0 {
		s.Bus.Committed(ctx)
	}
	return n, nil
}
