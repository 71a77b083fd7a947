-- The facet counts of a published edition (every combination of its
-- kind's facet values with its row count, JSON with the facets' signature),
-- counted when the edition is published: the first view of a big list
-- after a start or a new edition reads them instead of scanning every
-- row's JSON (internal/lists, facetCombos). Empty: not counted yet (an
-- edition published before this column, or a kind whose counts depend on
-- the day); counted on first view then.
ALTER TABLE list_editions ADD COLUMN facet_counts TEXT NOT NULL DEFAULT '';
