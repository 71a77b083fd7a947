package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Idempotency keys (issue 16 §6): an integrator that times out and retries
// a create must not file the item twice. The key is the client's name for
// one request; the same user sending the same key within KeyLife gets the
// item the first request created. The key's row is written in the
// transaction that creates the item, so there is never a key without its
// item nor, for a keyed request, an item without its key.

// KeyLife is how long an idempotency key is remembered.
const KeyLife = 24 * time.Hour

// MaxKeyLen is the longest idempotency key accepted, in bytes.
const MaxKeyLen = 200

// idemKey is a create's key with the digest of the request it was sent with.
type idemKey struct {
	key, digest string
}

// errKeyTaken: another request with the same key committed first (a
// concurrent double submit); its item is the answer.
var errKeyTaken = errors.New("idempotency key taken")

// CreateItemOnce is CreateItem under the client's idempotency key: the
// first request with the key creates the item; a later one from the same
// user within KeyLife, with the same request, returns that item
// (replayed true) and creates nothing; with another request it is refused
// (Invalid). Concurrent requests with one key create one item.
func (s *Service) CreateItemOnce(ctx context.Context, actor *auth.User, siteID int64, req NewItem, key string) (it *Item, replayed bool, err error) {
	if actor == nil {
		return nil, false, errs.E(errs.Unauthorized, "请先登录")
	}
	if key == "" || len(key) > MaxKeyLen {
		return nil, false, errs.E(errs.Invalid, "Idempotency-Key 应为 1 到 %d 个字符", MaxKeyLen)
	}
	for _, r := range key {
		if r < 0x21 || r > 0x7e {
			return nil, false, errs.E(errs.Invalid, "Idempotency-Key 只能包含可见的 ASCII 字符")
		}
	}
	req.key = nil
	raw, err := json.Marshal(struct {
		Site int64
		Req  NewItem
	}{siteID, req})
	if err != nil {
		return nil, false, errs.Wrap(err, "idempotency digest")
	}
	sum := sha256.Sum256(raw)
	k := &idemKey{key: key, digest: hex.EncodeToString(sum[:])}
	// A retry after the first request committed is answered from the read
	// pool, without taking the writer.
	if it, err := s.replay(ctx, actor, siteID, k); it != nil || err != nil {
		return it, it != nil, err
	}
	req.key = k
	it, err = s.CreateItem(ctx, actor, siteID, req)
	if errors.Is(err, errKeyTaken) {
		it, err = s.replay(ctx, actor, siteID, k)
		if it == nil && err == nil {
			err = errs.Wrap(errKeyTaken, "idempotency key vanished")
		}
		return it, it != nil, err
	}
	return it, false, err
}

// replay returns the item of a live key of actor's, nil if there is none,
// or Invalid when the key was used for another request.
func (s *Service) replay(ctx context.Context, actor *auth.User, siteID int64, k *idemKey) (*Item, error) {
	var digest string
	var itemID int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT request_digest, item_id FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND created_at >= $3`,
		actor.ID, k.key, keyCutoff()).Scan(&digest, &itemID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "idempotency key")
	}
	if digest != k.digest {
		return nil, &errs.Error{Code: errs.Invalid, Message: "该 Idempotency-Key 已用于另一个不同的请求；请为新的请求使用新的键",
			Fields: map[string]string{"idempotency_key": "同一个键只能用于同一个请求（24 小时内）"}}
	}
	return s.Item(ctx, siteID, itemID)
}

// keepKey records k for the item just created, in the creating transaction.
// A live row for the key means a concurrent request with it committed
// first: errKeyTaken rolls this one back. An expired row is taken over.
func (s *Service) keepKey(ctx context.Context, tx *sql.Tx, actor *auth.User, k *idemKey, itemID int64) error {
	if k == nil {
		return nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, idem_key, request_digest, item_id, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id, idem_key) DO UPDATE SET request_digest = excluded.request_digest, item_id = excluded.item_id, created_at = excluded.created_at
		WHERE idempotency_keys.created_at < $6`, actor.ID, k.key, k.digest, itemID, store.Now(), keyCutoff())
	if err != nil {
		return errs.Wrap(err, "idempotency key")
	}
	if n, err := res.RowsAffected(); err != nil {
		return errs.Wrap(err, "idempotency key")
	} else if n == 0 {
		return errKeyTaken
	}
	return nil
}

func keyCutoff() string { return time.Now().Add(-KeyLife).UTC().Format(store.TimeFormat) }

// PruneIdempotencyKeys deletes the keys older than KeyLife at now.
func (s *Service) PruneIdempotencyKeys(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.DB.W.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, now.Add(-KeyLife).UTC().Format(store.TimeFormat))
	if err != nil {
		return 0, errs.Wrap(err, "prune idempotency keys")
	}
	n, _ := res.RowsAffected()
	return n, nil
}
