package request

import (
	"context"
	"database/sql"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// ErasedName replaces a natural person's name when the retention period ends.
const ErasedName = "（已删除）"

// Purge erases the personal data of requests closed more than
// Service.RetentionYears years before today (个人信息保护法第十九条、第四十七条:
// kept no longer than the purpose needs, then deleted): the ID number,
// contact data, representatives and the ID copy, and a natural person's
// name. The request, its ledger and the statistics stay. The retention
// period itself is the agency's archive rule (UNVERIFIED, so configured:
// GONGKAI_REQUEST_RETENTION_YEARS); 0 keeps everything. It returns the blob
// keys of the ID copies to delete.
func (s *Service) Purge(ctx context.Context, today calendar.Date) (keys []string, err error) {
	if s.RetentionYears <= 0 {
		return nil, nil
	}
	cutoff := calendar.Date{Year: today.Year - s.RetentionYears, Month: today.Month, Day: today.Day}.AddDays(0)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, site_id, tracking_no, id_copy FROM requests WHERE erased_at = '' AND closed_on <> '' AND closed_on < $1`, cutoff.String())
		if err != nil {
			return errs.Wrap(err, "purge select")
		}
		type victim struct {
			id, site int64
			no, key  string
		}
		var vs []victim
		for rows.Next() {
			var v victim
			if err := rows.Scan(&v.id, &v.site, &v.no, &v.key); err != nil {
				rows.Close()
				return errs.Wrap(err, "purge scan")
			}
			vs = append(vs, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "purge")
		}
		for _, v := range vs {
			if _, err := tx.ExecContext(ctx, `UPDATE requests SET id_number = '', id_blind = '', phone = '', email = '', address = '',
				legal_representative = '', contact_person = '', id_copy = '', id_copy_name = '',
				name = CASE WHEN applicant_kind = 'natural_person' THEN $1 ELSE name END, erased_at = $2 WHERE id = $3`, ErasedName, store.Now(), v.id); err != nil {
				return errs.Wrap(err, "purge update")
			}
			if v.key != "" {
				keys = append(keys, v.key)
			}
			if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: v.site, Action: "request.purge", Target: v.no,
				After: map[string]any{"retention_years": s.RetentionYears, "cutoff": cutoff.String()}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("purge requests: %w", err)
	}
	return keys, nil
}

// MonthRank returns the rank of r among the requests of the same applicant
// (same ID or credit code) received in r's calendar month, for the fee
// counted per request (办法第四条: 同一申请人一个自然月内累计).
func (s *Service) MonthRank(ctx context.Context, r *Request) (int, error) {
	var blind string
	if err := s.DB.R.QueryRowContext(ctx, `SELECT id_blind FROM requests WHERE id = $1`, r.ID).Scan(&blind); err != nil {
		return 0, errs.Wrap(err, "month rank")
	}
	if blind == "" {
		return 1, nil
	}
	month := fmt.Sprintf("%04d-%02d-", r.Submitted.Year, int(r.Submitted.Month))
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests WHERE site_id = $1 AND id_blind = $2 AND submitted_on LIKE $3 AND id <= $4`,
		r.SiteID, blind, month+"%", r.ID).Scan(&n)
	return n, errs.Wrap(err, "month rank")
}
