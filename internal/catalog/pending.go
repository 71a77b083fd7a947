package catalog

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Pending uploads: files chosen in the item form are stored in the blob
// store and held, by id, for the editor who chose them, while the form
// goes round a step that does not save it (the pickers' 查找 without
// JavaScript, issue 15). The form carries the ids; the save takes the
// files and drops the holds in the save's transaction. Holds nobody came
// back for are purged with their files (PurgePendingUploads).

// PendingUpload is a held file.
type PendingUpload struct {
	ID int64
	Attachment
}

// HoldUploads records stored files as the actor's pending uploads.
func (s *Service) HoldUploads(ctx context.Context, actor *auth.User, siteID int64, files []*Attachment) ([]PendingUpload, error) {
	var out []PendingUpload
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		for _, a := range files {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO pending_uploads (site_id, user_id, blob_key, name, size, mime, sha256, text, text_status, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, siteID, actor.ID, a.BlobKey, a.Name, a.Size, a.MIME, a.SHA256, a.Text, a.TextStatus, store.Now()).Scan(&id); err != nil {
				return errs.Wrap(err, "hold upload")
			}
			out = append(out, PendingUpload{ID: id, Attachment: *a})
		}
		return nil
	})
	return out, err
}

// PendingUploads are the actor's held files among ids (others' and
// unknown ids are left out), in the order given.
func (s *Service) PendingUploads(ctx context.Context, actor *auth.User, siteID int64, ids []int64) ([]PendingUpload, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > MaxAttachments {
		ids = ids[:MaxAttachments]
	}
	ph := make([]string, len(ids))
	args := []any{siteID, actor.ID}
	for i, id := range ids {
		ph[i] = "$" + strconv.Itoa(i+3)
		args = append(args, id)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, blob_key, name, size, mime, sha256, text, text_status FROM pending_uploads
		WHERE site_id = $1 AND user_id = $2 AND id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "pending uploads")
	}
	defer rows.Close()
	byID := map[int64]PendingUpload{}
	for rows.Next() {
		var p PendingUpload
		if err := rows.Scan(&p.ID, &p.BlobKey, &p.Name, &p.Size, &p.MIME, &p.SHA256, &p.Text, &p.TextStatus); err != nil {
			return nil, errs.Wrap(err, "pending upload")
		}
		byID[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "pending uploads")
	}
	var out []PendingUpload
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
			delete(byID, id)
		}
	}
	return out, nil
}

// ReleaseUploads drops the holds of files that were saved with an item
// (the files stay: attachments now name them).
func (s *Service) ReleaseUploads(ctx context.Context, actor *auth.User, siteID int64, held []PendingUpload) error {
	if len(held) == 0 {
		return nil
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, p := range held {
			if _, err := tx.ExecContext(ctx, `DELETE FROM pending_uploads WHERE id = $1 AND site_id = $2 AND user_id = $3`, p.ID, siteID, actor.ID); err != nil {
				return errs.Wrap(err, "release upload")
			}
		}
		return nil
	})
}

// PendingUploadTTL is how long a held file waits for its form.
const PendingUploadTTL = 24 * time.Hour

// PurgePendingUploads removes holds older than PendingUploadTTL and
// deletes their files unless an attachment names them (a save whose
// release failed). It returns how many holds went.
func (s *Service) PurgePendingUploads(ctx context.Context, blobs interface{ Delete(string) error }, now time.Time) (int, error) {
	cutoff := store.FormatTime(now.Add(-PendingUploadTTL))
	rows, err := s.DB.R.QueryContext(ctx, `SELECT p.id, p.blob_key, EXISTS (SELECT 1 FROM attachments a WHERE a.blob_key = p.blob_key)
		FROM pending_uploads p WHERE p.created_at < $1 ORDER BY p.id LIMIT 1000`, cutoff)
	if err != nil {
		return 0, errs.Wrap(err, "stale uploads")
	}
	type stale struct {
		id       int64
		key      string
		attached bool
	}
	var list []stale
	for rows.Next() {
		var x stale
		if err := rows.Scan(&x.id, &x.key, &x.attached); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "stale upload")
		}
		list = append(list, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "stale uploads")
	}
	n := 0
	for _, x := range list {
		if _, err := s.DB.W.ExecContext(ctx, `DELETE FROM pending_uploads WHERE id = $1`, x.id); err != nil {
			return n, errs.Wrap(err, "purge upload")
		}
		n++
		if !x.attached && blobs != nil {
			_ = blobs.Delete(x.key) // already gone is fine
		}
	}
	return n, nil
}
