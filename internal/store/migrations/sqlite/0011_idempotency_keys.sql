-- Idempotency keys of API creates (issue 16 §6): a client that retries
-- POST /api/v1/items with the same Idempotency-Key gets the item the first
-- request created instead of a duplicate. Keys are per user; the row is
-- written in the transaction that creates the item, so a key exists exactly
-- when its item does. request_digest is the SHA-256 of the request as the
-- domain read it, so the same key with another request can be refused.
-- created_at is an instant in storage format; a key is live for 24 hours.
-- The text is the same on both engines.
CREATE TABLE idempotency_keys (
  user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  idem_key        TEXT NOT NULL,
  request_digest  TEXT NOT NULL,
  item_id         BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
