-- PostgreSQL's search_fts gains token n-grams (search/pg.Vector): every pair
-- and triple of consecutive tokens is a lexeme of its own, without
-- positions, so a phrase of two or three tokens (a word of three or four
-- Han characters) is one GIN lookup with no recheck of the row's tsvector
-- (docs/BENCHMARKS.md, "PostgreSQL site search without rechecks"). Rows
-- written before this format have format 1 and no n-grams; the back end
-- uses the n-grams once no such row is left (`gongkai search reindex`
-- rewrites every row), and the partial index makes that test free.
ALTER TABLE search_fts ADD COLUMN format SMALLINT NOT NULL DEFAULT 1;
CREATE INDEX search_fts_old ON search_fts (id) WHERE format < 2;
