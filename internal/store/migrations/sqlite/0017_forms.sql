-- Public forms' shared parts (internal/captcha, internal/mail).
--
-- captcha_uses: the CAPTCHA challenges that have been answered, by the
-- challenge's random nonce (the challenge itself is a signed token held
-- by the visitor; nothing is written when one is shown). A row counts the
-- attempts on one challenge and marks it solved, so a token is used once
-- and guessed a limited number of times, on every node that shares the
-- database. expires_at (storage format) is the token's own expiry: rows
-- are pruned after it, when the token is refused anyway.
CREATE TABLE captcha_uses (
  nonce       TEXT PRIMARY KEY,
  attempts    INTEGER NOT NULL DEFAULT 0,
  solved      INTEGER NOT NULL DEFAULT 0,
  expires_at  TEXT NOT NULL
);
CREATE INDEX captcha_uses_expires ON captcha_uses(expires_at);

-- mail_outbox: e-mail notices written in the transaction of the change
-- they tell about (a notice exists exactly when its change does) and sent
-- by a background job with retry and backoff. status: pending, sending
-- (claimed by a node until next_attempt_at), sent, failed (gave up after
-- the last attempt). Once sent, the body is cleared and the recipient
-- masked (personal data minimised); last_error never holds the message.
CREATE TABLE mail_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient       TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      TEXT NOT NULL,
  sent_at         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);
