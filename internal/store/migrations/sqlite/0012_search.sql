-- The site search index (issue 8): one row per public record in
-- search_docs, its tokens (search.TokenText of title, extra and body) in the
-- full-text table search_fts. id is the search.Document ID: the publication
-- day shifted left by search.OrderBits plus a sequence (search.OrderBase), so
-- a descending id scan yields the most recent matches first. The small
-- columns come first and the long texts last, so reading the filter and
-- facet columns of a row never touches the pages that hold its body.
-- The index is derived data: no foreign keys to the records it describes.
CREATE TABLE search_docs (
  id            INTEGER PRIMARY KEY,
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

-- FTS5 over the token text (bigrams separated by spaces, so unicode61 splits
-- exactly where search.Tokens does). Contentless: the texts live in
-- search_docs already; contentless_delete lets a row be deleted by rowid
-- (it needs the per-row sizes, so columnsize stays on). detail=full keeps
-- positions for phrases. prefix = '1' indexes every token's first character,
-- so a lone Han character of a query ("年" → 年*) is one doclist, not the
-- merge of every bigram it begins.
CREATE VIRTUAL TABLE search_fts USING fts5(
  title, extra, body,
  content = '', contentless_delete = 1, detail = full, prefix = '1',
  tokenize = 'unicode61 remove_diacritics 0'
);
-- The titles again, alone: title-first retrieval asks for the most recent
-- title matches, and a column filter on search_fts would walk every match of
-- a common word to find the few in titles; here the doclists are short.
CREATE VIRTUAL TABLE search_fts_title USING fts5(
  title,
  content = '', contentless_delete = 1, detail = full, prefix = '1',
  tokenize = 'unicode61 remove_diacritics 0'
);
-- automerge 8 (default 4): segments merge later, so a rebuild writes each
-- posting fewer times (measured at 100k: 455 → 536 items/s); queries over more
-- segments cost more until Optimize ('optimize', 21 s at 100k) after a rebuild.
INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 8);
INSERT INTO search_fts_title (search_fts_title, rank) VALUES ('automerge', 8);

-- A per-site counter bumped by every change of the index, in the changing
-- transaction: a node may keep answers of its own while the counter it read
-- with them is current (several nodes share one PostgreSQL).
CREATE TABLE search_state (
  site_id     BIGINT PRIMARY KEY,
  generation  BIGINT NOT NULL
);
