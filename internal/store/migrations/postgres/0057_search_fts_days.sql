-- Every search vector gets the day lexemes of its document's ID (the
-- publication day, id >> 24): '§yYYYY', '§mYYYYMM', '§dYYYYMMDD', without
-- positions, as search/pg writes them from now on (pg.appendDays). A window
-- of the search's walk ANDs the days it covers into its query, so GIN's scan
-- costs what the window holds instead of every document with the phrase's
-- lexemes (docs/BENCHMARKS.md "PostgreSQL site search: day lexemes in the
-- vectors", 2026-12-04).
--
-- That pays only with the table in id order: a window's days are then
-- neighbouring rows, and GIN decodes only the part of the common lexemes'
-- posting trees that points at them. In the order a rebuild leaves (by
-- source, not by day: correlation 0.04 with id at 100,000 items) the newest
-- 30 days' window cost more with the days than without (72–78 against
-- 45–56 ms); in id order 4.5–8 ms, and an older month's 0.2 ms against
-- 26 ms. So the table is written anew, in id order, and its GIN indexes
-- built after it (compact: an UPDATE of every row doubled them, and slowed
-- every query until a REINDEX). An UPDATE and CLUSTER in this transaction
-- would keep the old row versions too, the transaction's own. New documents
-- come in day order and keep it. Some minutes at 100,000 items, the table
-- locked meanwhile.
CREATE TABLE search_fts_days (
  id         BIGINT PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
  site_id    BIGINT NOT NULL,
  tsv        tsvector NOT NULL,
  title_tsv  tsvector NOT NULL
);
INSERT INTO search_fts_days (id, site_id, tsv, title_tsv)
SELECT id, site_id, tsv || v, title_tsv || v
FROM (
	SELECT f.*, array_to_tsvector(ARRAY[
		'§y' || to_char(day, 'YYYY'), '§m' || to_char(day, 'YYYYMM'), '§d' || to_char(day, 'YYYYMMDD')]) AS v
	FROM (SELECT *, date '1970-01-01' + (id >> 24)::int AS day FROM search_fts) f
) s
ORDER BY id;
DROP TABLE search_fts;
ALTER TABLE search_fts_days RENAME TO search_fts;
ALTER INDEX search_fts_days_pkey RENAME TO search_fts_pkey;
ALTER TABLE search_fts RENAME CONSTRAINT search_fts_days_id_fkey TO search_fts_id_fkey;
CREATE INDEX search_fts_tsv ON search_fts USING gin (tsv);
CREATE INDEX search_fts_title ON search_fts USING gin (title_tsv);
ANALYZE search_fts;
