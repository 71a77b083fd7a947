-- FTS5 gathers the terms of a transaction's rows in memory and writes them as
-- one segment at the commit, or earlier when they pass 'hashsize' (default
-- 1 MB). A rebuild writes 500 documents a transaction, several megabytes of
-- terms: with 1 MB it wrote several segments a transaction, each merged
-- again by automerge. 32 MB holds a whole batch, so a rebuild writes one
-- segment a transaction (docs/BENCHMARKS.md "Indexing at 100,000 items",
-- 2026-12-04). The memory is taken only while a transaction writes.
INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', 33554432);
INSERT INTO search_fts_title (search_fts_title, rank) VALUES ('hashsize', 33554432);
