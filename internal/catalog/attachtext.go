package catalog

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/blob"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/extract"
)

// The states of an attachment's text (attachments.text_status).
const (
	// TextPending: extraction has not run (files from before it existed);
	// BackfillAttachmentText takes these once.
	TextPending = "pending"
	// TextDone: Text holds the file's text (possibly none).
	TextDone = "done"
	// TextFailed: the file could not be read; the error was logged.
	TextFailed = "failed"
	// TextNone: a type without text (images, legacy .doc, OFD).
	TextNone = "none"
)

const (
	// MaxAttachmentText caps the text kept per file: 1 MB is some 350,000
	// Chinese characters, more than any policy document, and keeps a
	// document the search indexes bounded.
	MaxAttachmentText = 1 << 20
	// ExtractTimeout bounds the extraction of one file.
	ExtractTimeout = 20 * time.Second
)

// Blobs opens stored files by key (blob.Store).
type Blobs interface {
	Open(key string) (blob.File, error)
}

// ExtractText fills a.Text and a.TextStatus from the stored file before the
// attachment is recorded. A failure never fails the upload: it is logged
// and the text stays empty (TextFailed).
func ExtractText(ctx context.Context, blobs Blobs, a *Attachment, log *slog.Logger) {
	a.Text, a.TextStatus = "", TextNone
	if !extract.Supported(a.Name, a.MIME) {
		return
	}
	text, err := extractFile(ctx, blobs, a)
	if err != nil {
		if log != nil {
			log.Warn("attachment text", "name", a.Name, "key", a.BlobKey, "err", err)
		}
		a.TextStatus = TextFailed
		if errors.Is(err, extract.ErrBusy) {
			a.TextStatus = TextPending // not this file's fault: the next start's backfill tries again
		}
		return
	}
	a.Text, a.TextStatus = text, TextDone
}

func extractFile(ctx context.Context, blobs Blobs, a *Attachment) (string, error) {
	f, err := blobs.Open(a.BlobKey)
	if err != nil {
		return "", err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, ExtractTimeout)
	defer cancel()
	return extract.Text(ctx, a.Name, a.MIME, f, info.Size(), MaxAttachmentText)
}

// AttachmentText is the text of one file of an item.
type AttachmentText struct {
	Name string
	Text string
}

// AttachmentTexts returns the names and texts of an item's files in order,
// for the search document of the item.
func (s *Service) AttachmentTexts(ctx context.Context, siteID, itemID int64) ([]AttachmentText, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT a.name, a.text FROM attachments a JOIN items i ON i.id = a.item_id
		WHERE a.item_id = $1 AND i.site_id = $2 ORDER BY a.sort, a.id`, itemID, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "attachment texts")
	}
	defer rows.Close()
	var out []AttachmentText
	for rows.Next() {
		var t AttachmentText
		if err := rows.Scan(&t.Name, &t.Text); err != nil {
			return nil, errs.Wrap(err, "attachment texts")
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// AttachmentTextsOf returns, for the published items of a site among ids
// (every published item when ids is nil) that have files, their files'
// names and texts as "name\ntext" joined by newlines: one query per batch
// of the search rebuild. Items that are not public are left out (nothing
// is indexed that the public may not see), and no item body is read.
func (s *Service) AttachmentTextsOf(ctx context.Context, siteID int64, ids []int64) (map[int64]string, error) {
	args := []any{siteID, StatusPublished}
	var in strings.Builder
	if ids != nil {
		if len(ids) == 0 {
			return map[int64]string{}, nil
		}
		in.WriteString(" AND a.item_id IN (")
		for i, id := range ids {
			if i > 0 {
				in.WriteByte(',')
			}
			args = append(args, id)
			in.WriteString("$" + strconv.Itoa(len(args)))
		}
		in.WriteByte(')')
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT a.item_id, a.name, a.text FROM attachments a JOIN items i ON i.id = a.item_id
		WHERE i.site_id = $1 AND i.status = $2`+in.String()+` ORDER BY a.item_id, a.sort, a.id`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "all attachment texts")
	}
	defer rows.Close()
	out := map[int64]string{}
	var b strings.Builder
	last := int64(0)
	flush := func() {
		if last != 0 {
			out[last] = b.String()
		}
		b.Reset()
	}
	for rows.Next() {
		var id int64
		var name, text string
		if err := rows.Scan(&id, &name, &text); err != nil {
			return nil, errs.Wrap(err, "all attachment texts")
		}
		if id != last {
			flush()
			last = id
		} else {
			b.WriteByte('\n')
		}
		b.WriteString(name)
		b.WriteByte('\n')
		b.WriteString(text)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "all attachment texts")
	}
	flush()
	return out, nil
}

// BackfillAttachmentText extracts the text of the files attached before
// extraction existed (text_status 'pending'), each once: the row leaves
// 'pending' whatever the outcome. Files of published items are announced
// with an item.files event, so the search index takes their text. It
// returns how many files it handled; run at start-up in the background.
func (s *Service) BackfillAttachmentText(ctx context.Context, blobs Blobs, log *slog.Logger) (int, error) {
	type pending struct {
		id, itemID, siteID int64
		a                  Attachment
	}
	done := 0
	for after := int64(0); ; {
		rows, err := s.DB.R.QueryContext(ctx, `SELECT a.id, a.item_id, i.site_id, a.blob_key, a.name, a.mime FROM attachments a
			JOIN items i ON i.id = a.item_id WHERE a.text_status = $1 AND a.id > $2 ORDER BY a.id LIMIT 50`, TextPending, after)
		if err != nil {
			return done, errs.Wrap(err, "pending attachment texts")
		}
		var batch []pending
		for rows.Next() {
			var p pending
			if err := rows.Scan(&p.id, &p.itemID, &p.siteID, &p.a.BlobKey, &p.a.Name, &p.a.MIME); err != nil {
				rows.Close()
				return done, errs.Wrap(err, "pending attachment texts")
			}
			batch = append(batch, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return done, errs.Wrap(err, "pending attachment texts")
		}
		if len(batch) == 0 {
			return done, nil
		}
		for _, p := range batch {
			after = p.id
			if err := ctx.Err(); err != nil {
				return done, err
			}
			// Extraction runs outside the transaction: the single
			// SQLite writer is held only for the update.
			ExtractText(ctx, blobs, &p.a, log)
			if errors.Is(ctx.Err(), context.Canceled) {
				return done, ctx.Err() // shutting down: leave it pending
			}
			var public bool
			err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
				res, err := tx.ExecContext(ctx, `UPDATE attachments SET text = $1, text_status = $2 WHERE id = $3 AND text_status = $4`,
					p.a.Text, p.a.TextStatus, p.id, TextPending)
				if err != nil {
					return errs.Wrap(err, "store attachment text")
				}
				if n, _ := res.RowsAffected(); n == 0 || p.a.Text == "" {
					return nil // another node did it, or nothing to index
				}
				it, err := s.item(ctx, tx, p.siteID, p.itemID)
				if err != nil {
					return err
				}
				if public = it.Public(); public {
					return s.emitItem(ctx, tx, events.ItemFiles, it)
				}
				return nil
			})
			if err != nil {
				return done, err
			}
			if public {
				s.Bus.Committed(ctx)
			}
			done++
		}
	}
}
