-- Sites (集约化: one deployment, several bodies' sites chosen by host name).
CREATE TABLE sites (
  id          INTEGER PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  org_code    TEXT NOT NULL,
  settings    TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL
);
CREATE TABLE site_hosts (
  host     TEXT PRIMARY KEY,
  site_id  INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE
);
CREATE TABLE departments (
  id       INTEGER PRIMARY KEY,
  site_id  INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  name     TEXT NOT NULL,
  abbr     TEXT NOT NULL,
  sort     INTEGER NOT NULL DEFAULT 0,
  UNIQUE (site_id, abbr),
  UNIQUE (site_id, name)
);
CREATE TABLE columns (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  parent_id   INTEGER REFERENCES columns(id),
  slug        TEXT NOT NULL,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  kind        TEXT NOT NULL DEFAULT 'list',
  doc_types   TEXT NOT NULL DEFAULT '',
  link_url    TEXT NOT NULL DEFAULT '',
  sort        INTEGER NOT NULL DEFAULT 0,
  update_days INTEGER NOT NULL DEFAULT 0,
  hidden      INTEGER NOT NULL DEFAULT 0,
  UNIQUE (site_id, slug)
);
CREATE INDEX columns_parent ON columns(site_id, parent_id, sort);

CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  site_id        INTEGER REFERENCES sites(id) ON DELETE CASCADE,
  name           TEXT NOT NULL UNIQUE,
  display_name   TEXT NOT NULL DEFAULT '',
  password_hash  TEXT NOT NULL,
  role           TEXT NOT NULL,
  department_id  INTEGER REFERENCES departments(id),
  disabled       INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL
);
CREATE TABLE sessions (
  id_hash     TEXT PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL
);
CREATE TABLE api_tokens (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash  TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  revoked_at  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE items (
  id                INTEGER PRIMARY KEY,
  site_id           INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  column_id         INTEGER NOT NULL REFERENCES columns(id),
  doc_type          TEXT NOT NULL,
  department_id     INTEGER REFERENCES departments(id),
  index_no          TEXT,
  title             TEXT NOT NULL,
  summary           TEXT NOT NULL DEFAULT '',
  body              TEXT NOT NULL DEFAULT '',
  doc_no            TEXT NOT NULL DEFAULT '',
  publisher         TEXT NOT NULL DEFAULT '',
  author            TEXT NOT NULL DEFAULT '',
  written_on        TEXT NOT NULL DEFAULT '',
  published_on      TEXT NOT NULL DEFAULT '',
  disclosure        TEXT NOT NULL,
  disclosure_reason TEXT NOT NULL DEFAULT '',
  validity          TEXT NOT NULL DEFAULT '',
  successor_id      INTEGER REFERENCES items(id),
  topic             TEXT NOT NULL DEFAULT '',
  genre             TEXT NOT NULL DEFAULT '',
  keywords          TEXT NOT NULL DEFAULT '',
  fields            TEXT NOT NULL DEFAULT '{}',
  status            TEXT NOT NULL,
  publish_at        TEXT NOT NULL DEFAULT '',
  withdrawn_reason  TEXT NOT NULL DEFAULT '',
  version           INTEGER NOT NULL DEFAULT 1,
  revision          INTEGER NOT NULL DEFAULT 0,
  clicks            INTEGER NOT NULL DEFAULT 0,
  created_by        INTEGER REFERENCES users(id),
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  UNIQUE (site_id, index_no)
);
CREATE INDEX items_column ON items(column_id, status, published_on DESC, id DESC);
CREATE INDEX items_site_pub ON items(site_id, status, published_on DESC, id DESC);
CREATE INDEX items_status ON items(site_id, status, publish_at);

-- Per organisation and year sequence for index numbers; never reused.
CREATE TABLE index_counters (
  site_id  INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  year     INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (site_id, year)
);

-- The item ledger: every workflow step, append-only.
CREATE TABLE item_events (
  id          INTEGER PRIMARY KEY,
  item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  action      TEXT NOT NULL,
  actor_id    INTEGER REFERENCES users(id),
  actor_name  TEXT NOT NULL DEFAULT '',
  comment     TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL
);
CREATE INDEX item_events_item ON item_events(item_id, id);

-- Published versions of an item; revision 1 is the first publication.
CREATE TABLE item_revisions (
  id          INTEGER PRIMARY KEY,
  item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  revision    INTEGER NOT NULL,
  snapshot    TEXT NOT NULL,
  change_note TEXT NOT NULL DEFAULT '',
  actor_name  TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  UNIQUE (item_id, revision)
);

-- Relations between items: an interpretation (政策解读) interprets a policy document.
CREATE TABLE item_links (
  from_id  INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  to_id    INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  kind     TEXT NOT NULL,
  PRIMARY KEY (from_id, to_id, kind)
);
CREATE INDEX item_links_to ON item_links(to_id, kind);

CREATE TABLE attachments (
  id          INTEGER PRIMARY KEY,
  item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  blob_key    TEXT NOT NULL,
  name        TEXT NOT NULL,
  size        INTEGER NOT NULL,
  mime        TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  sort        INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL
);
CREATE INDEX attachments_item ON attachments(item_id, sort);

-- Append-only audit log of staff actions, hash-chained so a silent edit shows.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER,
  actor_id    INTEGER,
  actor_name  TEXT NOT NULL,
  action      TEXT NOT NULL,
  target      TEXT NOT NULL DEFAULT '',
  before_json TEXT NOT NULL DEFAULT '',
  after_json  TEXT NOT NULL DEFAULT '',
  ip          TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX audit_log_site ON audit_log(site_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER item_events_no_update BEFORE UPDATE ON item_events
BEGIN SELECT RAISE(ABORT, 'item_events is append-only'); END;

-- Filterable values of type-specific fields, one row each (portable facets).
CREATE TABLE item_facets (
  item_id  INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  name     TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (item_id, name)
);
CREATE INDEX item_facets_value ON item_facets(name, value, item_id);
