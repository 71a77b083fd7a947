package practice

import (
	"context"
	"database/sql"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Edit changes a submission's kind, title, text and date: its department's
// editors (and the office) while the office has not reviewed it yet; once
// rated or selected the record is the office's (a changed text would not be
// the one reviewed). The department stays. Audited with before and after.
func (s *Service) Edit(ctx context.Context, siteID int64, actor *auth.User, id int64, in NewSubmission) (*Submission, error) {
	if err := mayAct(actor, siteID); err != nil {
		return nil, err
	}
	var out *Submission
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE practice_submissions SET item_id = item_id WHERE id = $1 AND site_id = $2`, id, siteID); err != nil {
			return errs.Wrap(err, "lock practice")
		}
		old, err := s.get(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		if !MayView(actor, old.DepartmentID) {
			return errNotFound
		}
		if !actor.CanEditDepartment(old.DepartmentID) {
			return errs.E(errs.Forbidden, "只有报送科室的编辑和政务公开办公室可以修改经验材料")
		}
		if old.Status != Submitted {
			return errs.E(errs.Conflict, "办公室已审核这份材料（%s），不能再修改；如需更正请联系政务公开办公室", old.StatusLabel)
		}
		in.DepartmentID = old.DepartmentID
		sub, err := s.check(ctx, siteID, in)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE practice_submissions SET kind = $1, title = $2, body = $3, submitted_on = $4, year = $5 WHERE id = $6 AND site_id = $7 AND status = $8`,
			sub.Kind, sub.Title, sub.Body, sub.SubmittedOn, sub.Year, id, siteID, Submitted); err != nil {
			return errs.Wrap(err, "edit practice")
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "practice.edit", Target: fmt.Sprintf("practice:%d", id),
			Before: map[string]any{"kind": old.Kind, "title": old.Title, "body": old.Body, "submitted_on": old.SubmittedOn},
			After:  map[string]any{"kind": sub.Kind, "title": sub.Title, "body": sub.Body, "submitted_on": sub.SubmittedOn}}); err != nil {
			return err
		}
		out, err = s.get(ctx, tx, siteID, id)
		return err
	})
	return out, err
}

// Blobs copies stored files (the blob store, set at start-up): a
// submission's attachments go with the 工作动态 item published from it as
// copies under new keys, so detaching one from the item never removes the
// submission's file.
type Blobs interface {
	Copy(ctx context.Context, key, name string) (newKey string, err error)
	Delete(key string) error
}

// copyFiles copies a submission's files for an item (nil when none or no
// store); on an error the copies made are removed.
func (s *Service) copyFiles(ctx context.Context, files []*File) ([]catalog.Attachment, error) {
	if s.Blobs == nil || len(files) == 0 {
		return nil, nil
	}
	var out []catalog.Attachment
	for _, f := range files {
		key, err := s.Blobs.Copy(ctx, f.BlobKey, f.Name)
		if err != nil {
			s.dropCopies(out)
			return nil, errs.Wrap(err, "copy attachment")
		}
		out = append(out, catalog.Attachment{BlobKey: key, Name: f.Name, Size: f.Size, MIME: f.MIME, SHA256: f.SHA256})
	}
	return out, nil
}

func (s *Service) dropCopies(as []catalog.Attachment) {
	for _, a := range as {
		s.Blobs.Delete(a.BlobKey)
	}
}

// attachTx records the copies on the new item, in the publication's
// transaction (the text extraction's backfill reads them later).
func attachTx(ctx context.Context, tx *sql.Tx, itemID int64, as []catalog.Attachment) error {
	now := store.Now()
	for i, a := range as {
		if _, err := tx.ExecContext(ctx, `INSERT INTO attachments (item_id, blob_key, name, size, mime, sha256, sort, created_at, text, text_status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9)`,
			itemID, a.BlobKey, a.Name, a.Size, a.MIME, a.SHA256, i, now, catalog.TextPending); err != nil {
			return errs.Wrap(err, "attach copy")
		}
	}
	return nil
}

// StoreBlobs is Blobs over the blob store.
func StoreBlobs(b *blob.Store) Blobs { return storeBlobs{b} }

type storeBlobs struct{ b *blob.Store }

func (s storeBlobs) Copy(ctx context.Context, key, name string) (string, error) {
	f, err := s.b.Open(key)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	nb, err := s.b.Put(ctx, f, name, st.Size()+1)
	if err != nil {
		return "", err
	}
	return nb.Key, nil
}

func (s storeBlobs) Delete(key string) error { return s.b.Delete(key) }
