package annual

import (
	"context"
	"fmt"
	"strings"

	"gongkai/internal/errs"
)

// RefLimit is how many records the drill-down of a number lists; the
// number itself says how many there are.
const RefLimit = 500

// CellRefs returns the records behind a computed figure (the drill-down),
// at most RefLimit of them, read for that cell only: Draft counts in the
// database and never loads the records.
func (s *Service) CellRefs(ctx context.Context, siteID int64, year int, table, row, col string) ([]Ref, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	switch table {
	case "proactive":
		switch row {
		case "rules", "normative":
			if col == colRepealed {
				m, err := s.lapsed(ctx, siteID, year, RefLimit)
				return m[row], err
			}
			cond, args := `i.validity = 'in_force'`, []any{siteID, GenreRule}
			if col == colIssued {
				cond, args = `i.written_on >= $3 AND i.written_on <= $4`, append(args, from, to)
			}
			kind := `i.genre = $2`
			if row == "normative" {
				kind = `i.genre <> $2`
			}
			rows, err := s.DB.R.QueryContext(ctx, `SELECT i.id, i.title, i.doc_no FROM items i WHERE `+policyWhere+` AND `+kind+` AND `+cond+
				fmt.Sprintf(` ORDER BY i.id LIMIT %d`, RefLimit), args...)
			if err != nil {
				return nil, errs.Wrap(err, "drill-down")
			}
			defer rows.Close()
			var out []Ref
			for rows.Next() {
				var id int64
				var title, docNo string
				if err := rows.Scan(&id, &title, &docNo); err != nil {
					return nil, errs.Wrap(err, "drill-down")
				}
				out = append(out, itemRef(id, title, docNo))
			}
			return out, errs.Wrap(rows.Err(), "drill-down")
		case "fees":
			f, err := s.fees(ctx, siteID, year)
			return f.refs, err
		}
		// The enforcement figures link to the decisions' ledger.
		r, err := s.Draft(ctx, siteID, year)
		if err != nil {
			return nil, err
		}
		if c, ok := r.CellKeys(table, row, col); ok {
			return c.Refs, nil
		}
		return nil, nil
	case "requests":
		return s.requestRefs(ctx, siteID, from, to, row, col)
	case "review_litigation":
		t4, err := s.Requests.Remedies(ctx, siteID, year)
		if err != nil {
			return nil, err
		}
		g, res, _ := strings.Cut(col, ".")
		var out []Ref
		for _, r := range t4.Cells[g][res] {
			if len(out) == RefLimit {
				break
			}
			out = append(out, Ref{Kind: "request", ID: r.ID, Label: r.TrackingNo, URL: fmt.Sprintf("/admin/requests/%d", r.ID)})
		}
		return out, nil
	}
	return nil, nil
}

// requestRefs lists the requests of a cell of table 三 (the conditions of
// requestCounts for one row and column).
func (s *Service) requestRefs(ctx context.Context, siteID int64, from, to, row, col string) ([]Ref, error) {
	where := []string{`site_id = $1`, `received_on <> ''`, `received_on <= $2`, `(closed_on = '' OR closed_on >= $3)`}
	args := []any{siteID, to, from}
	closed := `closed_on <> '' AND closed_on <= $2`
	switch row {
	case "new":
		where = append(where, `received_on >= $3`)
	case "carried_in":
		where = append(where, `received_on < $3`)
	case "carried_out":
		where = append(where, `NOT (`+closed+`)`)
	case "total":
		where = append(where, closed)
	default:
		args = append(args, row)
		where = append(where, closed, fmt.Sprintf(`result = $%d`, len(args)))
	}
	switch col {
	case "total":
	case "natural_person":
		where = append(where, `applicant_kind = 'natural_person'`)
	default:
		code := ""
		for c, k := range requestColumn {
			if k == col && c != "natural_person" && c != "total" {
				code = c
			}
		}
		args = append(args, code)
		where = append(where, `applicant_kind <> 'natural_person'`, fmt.Sprintf(`org_type = $%d`, len(args)))
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, tracking_no FROM requests WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY id LIMIT %d`, RefLimit), args...)
	if err != nil {
		return nil, errs.Wrap(err, "drill-down")
	}
	defer rows.Close()
	var out []Ref
	for rows.Next() {
		var r Ref
		if err := rows.Scan(&r.ID, &r.Label); err != nil {
			return nil, errs.Wrap(err, "drill-down")
		}
		r.Kind, r.URL = "request", fmt.Sprintf("/admin/requests/%d", r.ID)
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "drill-down")
}
