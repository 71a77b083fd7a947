package catalogue

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/errs"
)

func init() { synthetic.Register("proposals", syntheticProposals) }

// syntheticProposals gives a large site its proposed changes to published
// items (issue 15): one for every 25th published item — far beyond a busy
// bureau's few hundred a year — most of them long published, the rest
// open (waiting for review, returned, approved), so the workbench queues
// and item pages are measured with a realistic backlog.
func syntheticProposals(ctx context.Context, s *synthetic.Site) error {
	db := s.Catalog.DB
	r := s.Rand("proposals")
	rows, err := db.R.QueryContext(ctx, `SELECT id, version FROM items WHERE site_id = $1 AND status = 'published' ORDER BY id`, s.Site.ID)
	if err != nil {
		return errs.Wrap(err, "synthetic proposals")
	}
	type target struct {
		id      int64
		version int
	}
	var picked []target
	n := 0
	for rows.Next() {
		var t target
		if err := rows.Scan(&t.id, &t.version); err != nil {
			rows.Close()
			return errs.Wrap(err, "synthetic proposals")
		}
		if n++; n%25 == 0 {
			picked = append(picked, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "synthetic proposals")
	}
	notes := []string{"更正文字错误", "补充施行日期", "更新联系方式", "补充附件说明", "调整栏目归属"}
	const batch = 200
	for start := 0; start < len(picked); start += batch {
		end := min(start+batch, len(picked))
		var ph []string
		var args []any
		for _, t := range picked[start:end] {
			it, err := s.Catalog.Item(ctx, s.Site.ID, t.id)
			if err != nil {
				return err
			}
			in, err := s.Catalog.InputOf(ctx, it)
			if err != nil {
				return err
			}
			note := notes[r.IntN(len(notes))]
			in.Summary = strings.TrimSpace(in.Summary + "（" + note + "）")
			in.ChangeNote, in.Version = note, 0
			body, _ := json.Marshal(in)
			status := catalog.ProposalPublished
			switch x := r.IntN(100); {
			case x < 8:
				status = catalog.ProposalSubmitted
			case x < 12:
				status = catalog.ProposalReturned
			case x < 15:
				status = catalog.ProposalApproved
			}
			day := s.Today.AddDays(-r.IntN(3 * 365)).String()
			at := day + "T0" + fmt.Sprint(1+r.IntN(8)) + ":00:00Z"
			k := len(args)
			ph = append(ph, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8, k+8))
			args = append(args, s.Site.ID, t.id, status, string(body), note, t.version, "科室编辑", at)
		}
		if _, err := db.W.ExecContext(ctx, `INSERT INTO item_proposals (site_id, item_id, status, input, change_note, base_version, created_name, created_at, updated_at)
			VALUES `+strings.Join(ph, ", "), args...); err != nil {
			return errs.Wrap(err, "synthetic proposals")
		}
		if s.Progress != nil {
			s.Progress("proposals", end, len(picked))
		}
	}
	return nil
}
