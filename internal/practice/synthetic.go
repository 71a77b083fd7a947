package practice

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gongkai/internal/demo/synthetic"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// The synthetic site's good-practice submissions (gongkai seed --synthetic
// N): N/30 over the ten years before the build's, from every department,
// rated and selected like the demo's, a third of the selected ones
// forwarded upward. A city bureau's sections send some tens a year.

func init() { synthetic.Register("practice", generate) }

const synthBatch = 200

func generate(ctx context.Context, s *synthetic.Site) error {
	r := s.Rand("practice")
	last := s.Today.Year
	if last < 2020 {
		last = 2026
	}
	var depts []int64
	for _, abbr := range []string{"bgs", "fzk", "pfk", "zfk", "ggk"} {
		if id := s.Departments[abbr]; id != 0 {
			depts = append(depts, id)
		}
	}
	if len(depts) == 0 {
		return nil
	}
	n := max(s.N/30, 20)
	now := store.Now()
	return s.Catalog.DB.Tx(ctx, func(tx *sql.Tx) error {
		for i := 0; i < n; i += synthBatch {
			var q strings.Builder
			q.WriteString(`INSERT INTO practice_submissions (site_id, department_id, kind, title, body, submitted_on, year, status, rating, office_note, submitted_by, created_at, reviewed_by, reviewed_at) VALUES `)
			var args []any
			for j := i; j < min(i+synthBatch, n); j++ {
				year := last - 1 - j%10
				status, rating := Submitted, 0
				switch x := r.IntN(10); {
				case x < 5:
					status, rating = Selected, 3+r.IntN(3)
				case x < 8:
					status, rating = Declined, 1+r.IntN(3)
				}
				if j > i {
					q.WriteString(", ")
				}
				k := len(args)
				fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8, k+9, k+10, k+11, k+12, k+13, k+14)
				kind := Kinds[r.IntN(len(Kinds))]
				reviewer := ""
				if status != Submitted {
					reviewer = "synthetic"
				}
				args = append(args, s.Site.ID, depts[r.IntN(len(depts))], kind.Value, fmt.Sprintf("%s：基层法治建设经验第 %d 篇", kind.Label, j+1),
					"某科室结合工作实际，建立工作机制，取得明显成效。", fmt.Sprintf("%d-%02d-%02d", year, 1+r.IntN(12), 1+r.IntN(28)), year, status, rating, "",
					"synthetic", now, reviewer, now)
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return errs.Wrap(err, "synthetic submissions")
			}
		}
		// A third of the selected ones forwarded upward, half of those used.
		_, err := tx.ExecContext(ctx, `INSERT INTO practice_forwards (site_id, submission_id, authority, forwarded_on, outlet, used, used_note, created_by, created_at)
			SELECT site_id, id, '市政府办公室', submitted_on, '《临沂政务信息》', id % 2, '', 'synthetic', created_at FROM practice_submissions
			WHERE site_id = $1 AND status = $2 AND id % 3 = 0`, s.Site.ID, Selected)
		return errs.Wrap(err, "synthetic forwards")
	})
}
