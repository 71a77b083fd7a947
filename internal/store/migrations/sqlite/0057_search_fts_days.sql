-- PostgreSQL's 0057 adds day lexemes to the search vectors; FTS5 yields
-- rowids newest first itself and has no counterpart (the migrations keep one
-- number on both engines).
SELECT 1;
