-- SQLite's 0056 sets FTS5's in-memory term buffer; PostgreSQL has no
-- counterpart (the migrations keep one number on both engines).
SELECT 1;
