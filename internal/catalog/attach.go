package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// Attachment is a file attached to an item, stored in the blob store.
type Attachment struct {
	ID        int64
	ItemID    int64
	BlobKey   string
	Name      string
	Size      int64
	MIME      string
	SHA256    string
	CreatedAt string
	// Text is the plain text inside the file, for the search (set by
	// ExtractText before Attach; not loaded by the listings).
	Text string
	// TextStatus is TextPending, TextDone, TextFailed or TextNone; Attach
	// stores TextPending when it is empty, for the backfill to take.
	TextStatus string
}

// MaxAttachments caps the files of one item.
const MaxAttachments = 20

// Attach records an uploaded file on an item.
func (s *Service) Attach(ctx context.Context, actor *auth.User, siteID, itemID int64, a *Attachment) error {
	var public bool
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		public, err = s.attachTx(ctx, tx, actor, siteID, itemID, a)
		return err
	})
	if err == nil && public {
		s.Bus.Committed(ctx)
	}
	return err
}

// CreateWithFiles stores a new draft with its attachments in one
// transaction (issue 15: files chosen while drafting, before the first
// save); nothing is saved when any part is refused.
func (s *Service) CreateWithFiles(ctx context.Context, actor *auth.User, siteID int64, in Input, files []*Attachment) (*Item, error) {
	c, err := s.prepare(&in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = s.createTx(ctx, tx, actor, siteID, in, c); err != nil {
			return err
		}
		for _, a := range files {
			if _, err := s.attachTx(ctx, tx, actor, siteID, id, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Item(ctx, siteID, id)
}

// attachTx is Attach inside tx; it reports whether the item is public
// (a change event was appended, last).
func (s *Service) attachTx(ctx context.Context, tx *sql.Tx, actor *auth.User, siteID, itemID int64, a *Attachment) (public bool, err error) {
	err = func() error {
		// Lock the item row first (a no-op write; SQLite writers are already
		// serialised) so that concurrent uploads on PostgreSQL count the files
		// one after another and cannot pass MaxAttachments together.
		if _, err := tx.ExecContext(ctx, `UPDATE items SET updated_at = updated_at WHERE id = $1 AND site_id = $2`, itemID, siteID); err != nil {
			return errs.Wrap(err, "lock item")
		}
		it, err := s.item(ctx, tx, siteID, itemID)
		if err != nil {
			return err
		}
		if err := allow(actor, it, ActAttach); err != nil {
			return err
		}
		public = it.Public()
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE item_id = $1`, itemID).Scan(&n); err != nil {
			return errs.Wrap(err, "count attachments")
		}
		if n >= MaxAttachments {
			return errs.E(errs.Invalid, "每条信息最多 %d 个附件", MaxAttachments)
		}
		a.ItemID, a.CreatedAt = itemID, store.Now()
		if a.TextStatus == "" {
			a.TextStatus, a.Text = TextPending, ""
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO attachments (item_id, blob_key, name, size, mime, sha256, sort, created_at, text, text_status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			itemID, a.BlobKey, a.Name, a.Size, a.MIME, a.SHA256, n, a.CreatedAt, a.Text, a.TextStatus).Scan(&a.ID); err != nil {
			return errs.Wrap(err, "insert attachment")
		}
		if err := addEvent(ctx, tx, itemID, actor, "attach", a.Name); err != nil {
			return err
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "item.attach", Target: fmt.Sprintf("item:%d", itemID),
			After: map[string]any{"attachment": a.ID, "name": a.Name, "size": a.Size, "sha256": a.SHA256}}); err != nil {
			return err
		}
		if public {
			return s.emitItem(ctx, tx, events.ItemFiles, it)
		}
		return nil
	}()
	return public, err
}

// Detach removes an attachment from an item; it returns the blob key so the
// caller can delete the file after the transaction.
func (s *Service) Detach(ctx context.Context, actor *auth.User, siteID, itemID, attID int64) (string, error) {
	var key string
	var public bool
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		it, err := s.item(ctx, tx, siteID, itemID)
		if err != nil {
			return err
		}
		if err := allow(actor, it, ActDetach); err != nil {
			return err
		}
		public = it.Public()
		var name string
		err = tx.QueryRowContext(ctx, `SELECT blob_key, name FROM attachments WHERE id = $1 AND item_id = $2`, attID, itemID).Scan(&key, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "附件不存在")
		}
		if err != nil {
			return errs.Wrap(err, "load attachment")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE id = $1`, attID); err != nil {
			return errs.Wrap(err, "delete attachment")
		}
		if err := addEvent(ctx, tx, itemID, actor, "detach", name); err != nil {
			return err
		}
		if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: "item.detach", Target: fmt.Sprintf("item:%d", itemID),
			Before: map[string]any{"attachment": attID, "name": name}}); err != nil {
			return err
		}
		if public {
			return s.emitItem(ctx, tx, events.ItemFiles, it)
		}
		return nil
	})
	if err == nil && public {
		s.Bus.Committed(ctx)
	}
	return key, err
}

// Attachments lists an item's files in order.
func (s *Service) Attachments(ctx context.Context, siteID, itemID int64) ([]Attachment, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT a.id, a.item_id, a.blob_key, a.name, a.size, a.mime, a.sha256, a.created_at FROM attachments a
		JOIN items i ON i.id = a.item_id WHERE a.item_id = $1 AND i.site_id = $2 ORDER BY a.sort, a.id`, itemID, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "attachments")
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.ItemID, &a.BlobKey, &a.Name, &a.Size, &a.MIME, &a.SHA256, &a.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "attachments")
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Attachment loads one attachment with the status of its item.
func (s *Service) Attachment(ctx context.Context, siteID, attID int64) (*Attachment, *Item, error) {
	var a Attachment
	err := s.DB.R.QueryRowContext(ctx, `SELECT a.id, a.item_id, a.blob_key, a.name, a.size, a.mime, a.sha256, a.created_at FROM attachments a
		JOIN items i ON i.id = a.item_id WHERE a.id = $1 AND i.site_id = $2`, attID, siteID).
		Scan(&a.ID, &a.ItemID, &a.BlobKey, &a.Name, &a.Size, &a.MIME, &a.SHA256, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.E(errs.NotFound, "附件不存在")
	}
	if err != nil {
		return nil, nil, errs.Wrap(err, "attachment")
	}
	it, err := s.Item(ctx, siteID, a.ItemID)
	return &a, it, err
}

// Clicks batches page-view counts in memory; Flush writes them in one
// transaction. Views never cost a write each (DESIGN principle 6).
type Clicks struct {
	mu      sync.Mutex
	pending map[int64]int64
}

// Add counts one view of item id.
func (c *Clicks) Add(id int64) {
	c.mu.Lock()
	if c.pending == nil {
		c.pending = map[int64]int64{}
	}
	c.pending[id]++
	c.mu.Unlock()
}

// Pending returns the not-yet-flushed views of id.
func (c *Clicks) Pending(id int64) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pending[id]
}

// Flush writes the pending counts; on failure they are kept for the next try.
func (s *Service) FlushClicks(ctx context.Context, c *Clicks) error {
	c.mu.Lock()
	batch := c.pending
	c.pending = nil
	c.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// Update in id order so two nodes flushing the same items cannot deadlock.
		ids := make([]int64, 0, len(batch))
		for id := range batch {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE items SET clicks = clicks + $1 WHERE id = $2`, batch[id], id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		c.mu.Lock()
		if c.pending == nil {
			c.pending = map[int64]int64{}
		}
		for id, n := range batch {
			c.pending[id] += n
		}
		c.mu.Unlock()
		return errs.Wrap(err, "flush clicks")
	}
	return nil
}
