-- Messages (留言, 政民互动; issue 11). messages holds the message as
-- received; status, department, due date, answer and rating are projections
-- of the append-only ledger message_events, refreshed in the transaction of
-- each event (the ledger is the truth). name and contact are sealed
-- (internal/secure, v1:…); code_hash is the keyed hash of the writer's
-- query code, never the code. answer_workdays and on_time are fixed when the
-- answer is released, so the statistics are GROUP BY queries over this table.
CREATE TABLE messages (
  id               INTEGER PRIMARY KEY,
  site_id          INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  tracking_no      TEXT NOT NULL,
  code_hash        TEXT NOT NULL,
  category         TEXT NOT NULL,
  title            TEXT NOT NULL,
  body             TEXT NOT NULL,
  name             TEXT NOT NULL DEFAULT '',
  contact          TEXT NOT NULL DEFAULT '',
  page_url         TEXT NOT NULL DEFAULT '',
  publishable      INTEGER NOT NULL DEFAULT 0,
  received_on      TEXT NOT NULL,
  status           TEXT NOT NULL,
  department_id    INTEGER REFERENCES departments(id),
  due_on           TEXT NOT NULL,
  answer           TEXT NOT NULL DEFAULT '',
  answered_on      TEXT NOT NULL DEFAULT '',
  answer_workdays  INTEGER NOT NULL DEFAULT 0,
  on_time          INTEGER NOT NULL DEFAULT 0,
  published        INTEGER NOT NULL DEFAULT 0,
  rating           TEXT NOT NULL DEFAULT '',
  created_by       INTEGER,
  created_at       TEXT NOT NULL,
  UNIQUE (site_id, tracking_no)
);
-- Covering the statistics' GROUP BY queries (interact/stats.go), so they
-- read the index alone.
CREATE INDEX messages_site_received ON messages(site_id, received_on, category, department_id, status, answer_workdays, on_time, rating);
CREATE INDEX messages_site_status ON messages(site_id, status, due_on);
CREATE INDEX messages_site_public ON messages(site_id, published, answered_on);

-- The ledger: one row per step, append-only (DESIGN principle 2). data is
-- the event's fields as JSON (interact.Event without type and date).
CREATE TABLE message_events (
  id          INTEGER PRIMARY KEY,
  message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  type        TEXT NOT NULL,
  on_date     TEXT NOT NULL,
  data        TEXT NOT NULL DEFAULT '{}',
  actor_id    INTEGER,
  actor_name  TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  UNIQUE (message_id, seq)
);
CREATE TRIGGER message_events_no_update BEFORE UPDATE ON message_events
BEGIN SELECT RAISE(ABORT, 'message_events is append-only'); END;

-- A site's reply periods per category, in working days (configurable per
-- site; the defaults are in internal/interact).
CREATE TABLE message_periods (
  site_id   INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  category  TEXT NOT NULL,
  workdays  INTEGER NOT NULL,
  PRIMARY KEY (site_id, category)
);

-- 常见问题: questions and answers kept by staff, usually built from an
-- answered message (message_id).
CREATE TABLE message_faq (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  message_id  INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  category    TEXT NOT NULL,
  question    TEXT NOT NULL,
  answer      TEXT NOT NULL,
  sort_order  INTEGER NOT NULL DEFAULT 0,
  updated_on  TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX message_faq_site ON message_faq(site_id, sort_order, id);
