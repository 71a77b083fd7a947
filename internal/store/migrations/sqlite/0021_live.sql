-- Online interviews (在线访谈), open days and similar events (开放日, 网络问政,
-- 电视问政) and the body's new-media accounts (政务新媒体); issue 11,
-- internal/interact/live. seq on an interview counts its public changes
-- (a question approved or answered, the status moved): every node's
-- live broadcaster polls it, so answers reach open pages on any node.
CREATE TABLE live_interviews (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id           INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  department_id     INTEGER NOT NULL DEFAULT 0,
  title             TEXT NOT NULL,
  topic             TEXT NOT NULL DEFAULT '',
  guests            TEXT NOT NULL DEFAULT '',
  starts_at         TEXT NOT NULL,
  ends_at           TEXT NOT NULL DEFAULT '',
  status            TEXT NOT NULL,
  summary           TEXT NOT NULL DEFAULT '',
  video_url         TEXT NOT NULL DEFAULT '',
  video_captions    TEXT NOT NULL DEFAULT '',
  video_transcript  TEXT NOT NULL DEFAULT '',
  seq               INTEGER NOT NULL DEFAULT 0,
  created_by        TEXT NOT NULL DEFAULT '',
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  archived_at       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX live_interviews_site ON live_interviews(site_id, starts_at);
CREATE TABLE live_images (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  interview_id  INTEGER NOT NULL REFERENCES live_interviews(id) ON DELETE CASCADE,
  blob_key      TEXT NOT NULL,
  mime          TEXT NOT NULL DEFAULT '',
  alt           TEXT NOT NULL,
  created_at    TEXT NOT NULL
);
CREATE INDEX live_images_interview ON live_images(interview_id);
CREATE TABLE live_questions (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  interview_id    INTEGER NOT NULL REFERENCES live_interviews(id) ON DELETE CASCADE,
  asker           TEXT NOT NULL DEFAULT '',
  contact_sealed  TEXT NOT NULL DEFAULT '',
  contact_masked  TEXT NOT NULL DEFAULT '',
  body            TEXT NOT NULL,
  status          TEXT NOT NULL,
  reason          TEXT NOT NULL DEFAULT '',
  answer          TEXT NOT NULL DEFAULT '',
  answered_by     TEXT NOT NULL DEFAULT '',
  moderated_by    TEXT NOT NULL DEFAULT '',
  created_at      TEXT NOT NULL,
  moderated_at    TEXT NOT NULL DEFAULT '',
  answered_at     TEXT NOT NULL DEFAULT '',
  seq             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX live_questions_interview ON live_questions(interview_id, seq);
CREATE TABLE live_events (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id        INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  department_id  INTEGER NOT NULL DEFAULT 0,
  kind           TEXT NOT NULL,
  title          TEXT NOT NULL,
  summary        TEXT NOT NULL DEFAULT '',
  place          TEXT NOT NULL DEFAULT '',
  starts_at      TEXT NOT NULL,
  ends_at        TEXT NOT NULL DEFAULT '',
  signup_until   TEXT NOT NULL DEFAULT '',
  capacity       INTEGER NOT NULL DEFAULT 0,
  taken          INTEGER NOT NULL DEFAULT 0,
  status         TEXT NOT NULL,
  report         TEXT NOT NULL DEFAULT '',
  created_by     TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  CHECK (taken >= 0 AND (capacity = 0 OR taken <= capacity))
);
CREATE INDEX live_events_site ON live_events(site_id, starts_at);
CREATE TABLE live_signups (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id      INTEGER NOT NULL REFERENCES live_events(id) ON DELETE CASCADE,
  name_sealed   TEXT NOT NULL,
  name_masked   TEXT NOT NULL,
  phone_sealed  TEXT NOT NULL,
  phone_masked  TEXT NOT NULL,
  phone_blind   TEXT NOT NULL,
  note          TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  UNIQUE (event_id, phone_blind)
);
CREATE TABLE live_accounts (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id      INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  platform     TEXT NOT NULL,
  owner        TEXT NOT NULL,
  operator     TEXT NOT NULL DEFAULT '',
  account_id   TEXT NOT NULL DEFAULT '',
  url          TEXT NOT NULL,
  filing_no    TEXT NOT NULL DEFAULT '',
  filed_on     TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL,
  interactive  INTEGER NOT NULL DEFAULT 0,
  sort         INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX live_accounts_site ON live_accounts(site_id, sort);
