-- The site search index (issue 8): one row per public record in
-- search_docs (the same columns as on SQLite), its tokens in search_fts as a
-- tsvector built by the application from search.TokenText (title weight A,
-- extra B, body D), so PostgreSQL's parser never sees raw Chinese. id is the
-- search.Document ID (publication day << search.OrderBits, plus a sequence),
-- so a descending id scan yields the most recent matches first.
-- The index is derived data: no foreign keys to the records it describes.
CREATE TABLE search_docs (
  id            BIGINT PRIMARY KEY,
  site_id       BIGINT NOT NULL,
  kind          TEXT NOT NULL,
  ref           BIGINT NOT NULL,
  published_on  TEXT NOT NULL DEFAULT '',
  year          INTEGER NOT NULL DEFAULT 0,
  column_id     BIGINT NOT NULL DEFAULT 0,
  validity      TEXT NOT NULL DEFAULT '',
  publisher     TEXT NOT NULL DEFAULT '',
  topic         TEXT NOT NULL DEFAULT '',
  doc_no        TEXT NOT NULL DEFAULT '',
  doc_no_key    TEXT NOT NULL DEFAULT '',
  index_no      TEXT NOT NULL DEFAULT '',
  url           TEXT NOT NULL DEFAULT '',
  title         TEXT NOT NULL DEFAULT '',
  extra         TEXT NOT NULL DEFAULT '',
  body          TEXT NOT NULL DEFAULT '',
  UNIQUE (site_id, kind, ref)
);
CREATE INDEX search_docs_site ON search_docs(site_id, id);
CREATE INDEX search_docs_kind ON search_docs(site_id, kind, id);

-- The full-text side (the counterpart of SQLite's FTS5 table; the schema
-- parity test leaves search_fts* out). title_tsv holds the title alone, so
-- title-first retrieval needs no recheck of weights over every match of a
-- common word.
CREATE TABLE search_fts (
  id         BIGINT PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
  site_id    BIGINT NOT NULL,
  tsv        tsvector NOT NULL,
  title_tsv  tsvector NOT NULL
);
CREATE INDEX search_fts_tsv ON search_fts USING gin (tsv);
CREATE INDEX search_fts_title ON search_fts USING gin (title_tsv);

-- A per-site counter bumped by every change of the index, in the changing
-- transaction: a node may keep answers of its own while the counter it read
-- with them is current (several nodes share one PostgreSQL).
CREATE TABLE search_state (
  site_id     BIGINT PRIMARY KEY,
  generation  BIGINT NOT NULL
);
