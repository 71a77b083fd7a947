-- The site search's candidate rows (issue 8): the columns a match returns
-- and filters on, without title-sized neighbours' bodies. search_docs rows
-- hold the whole text (about 10 KB each at 100,000 documents), so each of
-- the 800 rows a common word's match reads by rowid was a page of its own
-- outside the page cache; this copy is about 200 bytes a row and the FTS5
-- back end joins it instead (docs/BENCHMARKS.md "Site search", 2026-12-03).
-- Written beside search_fts by fts5.Index/Unindex, in the same transaction;
-- part of the engine-specific full-text side (the schema-parity test leaves
-- search_fts* out; PostgreSQL keeps its bodies TOASTed out of the heap row).
CREATE TABLE search_fts_docs (
  id            INTEGER PRIMARY KEY,
  site_id       BIGINT NOT NULL,
  kind          TEXT NOT NULL,
  ref           BIGINT NOT NULL,
  url           TEXT NOT NULL,
  title         TEXT NOT NULL,
  doc_no        TEXT NOT NULL,
  doc_no_key    TEXT NOT NULL,
  index_no      TEXT NOT NULL,
  publisher     TEXT NOT NULL,
  column_id     BIGINT NOT NULL,
  topic         TEXT NOT NULL,
  validity      TEXT NOT NULL,
  published_on  TEXT NOT NULL,
  year          INTEGER NOT NULL
);
INSERT INTO search_fts_docs (id, site_id, kind, ref, url, title, doc_no, doc_no_key, index_no, publisher, column_id, topic, validity, published_on, year)
  SELECT id, site_id, kind, ref, url, title, doc_no, doc_no_key, index_no, publisher, column_id, topic, validity, published_on, year FROM search_docs;
