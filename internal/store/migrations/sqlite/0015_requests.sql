-- Disclosure on request (依申请公开, issue 9; 条例第二十七条至第四十五条).
-- requests holds the application as received; its status, dates and result
-- are derived from the append-only ledger request_events and refreshed in
-- the same transaction as each event (the ledger is the truth). id_number,
-- phone, email and address are sealed (internal/secure, v1:…); id_blind is
-- their keyed hash for "requests of this applicant" (fees per month);
-- code_hash is the keyed hash of the applicant's query code, never the code.
CREATE TABLE requests (
  id                    INTEGER PRIMARY KEY,
  site_id               INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  tracking_no           TEXT NOT NULL,
  code_hash             TEXT NOT NULL,
  channel               TEXT NOT NULL,
  submitted_on          TEXT NOT NULL,
  applicant_kind        TEXT NOT NULL,
  name                  TEXT NOT NULL,
  id_type               TEXT NOT NULL DEFAULT '',
  id_number             TEXT NOT NULL DEFAULT '',
  id_blind              TEXT NOT NULL DEFAULT '',
  org_type              TEXT NOT NULL DEFAULT '',
  credit_code           TEXT NOT NULL DEFAULT '',
  legal_representative  TEXT NOT NULL DEFAULT '',
  contact_person        TEXT NOT NULL DEFAULT '',
  phone                 TEXT NOT NULL DEFAULT '',
  email                 TEXT NOT NULL DEFAULT '',
  address               TEXT NOT NULL DEFAULT '',
  title                 TEXT NOT NULL DEFAULT '',
  doc_no                TEXT NOT NULL DEFAULT '',
  description           TEXT NOT NULL,
  form                  TEXT NOT NULL,
  delivery              TEXT NOT NULL,
  id_copy               TEXT NOT NULL DEFAULT '',
  id_copy_name          TEXT NOT NULL DEFAULT '',
  department_id         INTEGER REFERENCES departments(id),
  status                TEXT NOT NULL,
  received_on           TEXT NOT NULL DEFAULT '',
  due_on                TEXT NOT NULL DEFAULT '',
  closed_on             TEXT NOT NULL DEFAULT '',
  result                TEXT NOT NULL DEFAULT '',
  created_by            INTEGER,
  created_at            TEXT NOT NULL,
  erased_at             TEXT NOT NULL DEFAULT '',
  UNIQUE (site_id, tracking_no)
);
CREATE INDEX requests_site_status ON requests(site_id, status, due_on);
CREATE INDEX requests_site_received ON requests(site_id, received_on);
CREATE INDEX requests_site_closed ON requests(site_id, closed_on);
CREATE INDEX requests_blind ON requests(site_id, id_blind, submitted_on);

-- The clock ledger: one row per step, append-only (DESIGN principle 2).
-- data is the event's fields as JSON (request.Event without type and date).
CREATE TABLE request_events (
  id          INTEGER PRIMARY KEY,
  request_id  INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  type        TEXT NOT NULL,
  on_date     TEXT NOT NULL,
  data        TEXT NOT NULL DEFAULT '{}',
  actor_id    INTEGER,
  actor_name  TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  UNIQUE (request_id, seq)
);
CREATE INDEX request_events_type ON request_events(type, on_date);

-- Notices to the applicant (受理回执, 补正告知, 延期告知, 收费通知, 答复):
-- shown on the status page; sent_at is set by a mailer when one sends it.
CREATE TABLE request_notices (
  id          INTEGER PRIMARY KEY,
  request_id  INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  sent_at     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_notices_request ON request_notices(request_id, id);
CREATE INDEX request_notices_unsent ON request_notices(id) WHERE sent_at = '';
CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
