-- Every search vector gets the day lexemes of its document's ID (the
-- publication day, id >> 24): '§yYYYY', '§mYYYYMM', '§dYYYYMMDD', without
-- positions, as search/pg writes them from now on (pg.appendDays). A window
-- of the search's walk ANDs the days it covers into its query, so GIN's scan
-- costs what the window holds instead of every document with the phrase's
-- lexemes (docs/BENCHMARKS.md "PostgreSQL site search: day lexemes",
-- 2026-12-04). One pass over search_fts; at 100,000 items some minutes.
UPDATE search_fts f SET tsv = f.tsv || d.v, title_tsv = f.title_tsv || d.v
FROM (
	SELECT id, array_to_tsvector(ARRAY[
		'§y' || to_char(day, 'YYYY'), '§m' || to_char(day, 'YYYYMM'), '§d' || to_char(day, 'YYYYMMDD')]) AS v
	FROM (SELECT id, date '1970-01-01' + (id >> 24)::int AS day FROM search_fts) s
) d
WHERE d.id = f.id;
-- Then the table in id order (and its indexes rebuilt, compact): a window's
-- days are then neighbouring rows, so GIN's scan of them decodes only the
-- part of the common lexemes' posting trees that points at them. In the
-- order a rebuild leaves (by source, not by day: correlation 0.04 with id at
-- 100,000 items) the newest 30 days' window cost more with the days than
-- without (72–78 against 45–56 ms); clustered, 4.5–8 ms, and an older
-- month's 0.2 ms against 26 ms (docs/BENCHMARKS.md, 2026-12-04). New
-- documents come in day order and keep it. The table is locked while it is
-- rewritten (some minutes at 100,000 items).
CLUSTER search_fts USING search_fts_pkey;
ANALYZE search_fts;
