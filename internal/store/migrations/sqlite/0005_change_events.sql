-- The outbox of change events (internal/events): written in the same
-- transaction as the change, delivered in id order to subscribers.
-- AUTOINCREMENT: ids are never reused, even after the newest rows are pruned,
-- so a subscriber's stored position stays meaningful.
CREATE TABLE change_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id     INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  subject_id  INTEGER NOT NULL DEFAULT 0,
  payload     TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL
);
CREATE INDEX change_events_created ON change_events(created_at);
-- The last event delivered to each durable subscriber.
CREATE TABLE event_cursors (
  subscriber  TEXT PRIMARY KEY,
  last_id     INTEGER NOT NULL,
  updated_at  TEXT NOT NULL
);
