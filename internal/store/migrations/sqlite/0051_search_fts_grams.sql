-- PostgreSQL's 0051 adds token n-grams to its tsvectors (search/pg). FTS5
-- matches phrases from its own position lists: nothing to do here.
SELECT 1;
