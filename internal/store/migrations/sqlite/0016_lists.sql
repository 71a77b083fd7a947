-- Structured lists (issue 12: 权责清单, 职责边界清单, 证明事项清单 …). A list kind
-- is declared in code (internal/lists); list_kinds holds a site's instance
-- of it (the owning department). Each import makes an edition (draft, then
-- published with its effective date and change note); published editions
-- are never changed or deleted (RECORDS §1.6 (a)). list_rows holds an
-- edition's rows: the key that identifies a row across editions, the title,
-- and the typed values as a JSON object of canonical texts (catalog field
-- kinds). added/removed/changed count the difference from the edition that
-- was current when this one was published.
CREATE TABLE list_kinds (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id        INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  code           TEXT NOT NULL,
  department_id  INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL,
  UNIQUE (site_id, code)
);
CREATE TABLE list_editions (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id       INTEGER NOT NULL,
  kind_id       INTEGER NOT NULL REFERENCES list_kinds(id) ON DELETE CASCADE,
  number        INTEGER NOT NULL DEFAULT 0,
  status        TEXT NOT NULL,
  effective_on  TEXT NOT NULL DEFAULT '',
  note          TEXT NOT NULL DEFAULT '',
  file_name     TEXT NOT NULL DEFAULT '',
  row_count     INTEGER NOT NULL DEFAULT 0,
  added         INTEGER NOT NULL DEFAULT 0,
  removed       INTEGER NOT NULL DEFAULT 0,
  changed       INTEGER NOT NULL DEFAULT 0,
  base_id       INTEGER NOT NULL DEFAULT 0,
  created_by    TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  published_by  TEXT NOT NULL DEFAULT '',
  published_at  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX list_editions_kind ON list_editions(kind_id, status, number);
CREATE TABLE list_rows (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  edition_id  INTEGER NOT NULL REFERENCES list_editions(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  row_key     TEXT NOT NULL,
  title       TEXT NOT NULL,
  fields      TEXT NOT NULL,
  UNIQUE (edition_id, row_key)
);
CREATE INDEX list_rows_seq ON list_rows(edition_id, seq);
