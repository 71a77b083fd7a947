-- SQLite's 0041 adds search_fts_docs, a narrow copy of the search's
-- candidate columns for its FTS5 back end (whose search_docs rows hold the
-- whole text in the table b-tree). PostgreSQL keeps long bodies TOASTed out
-- of the heap row, so its back end reads search_docs itself: nothing to do.
SELECT 1;
