-- The render cache (issue 17) asks, on every change of an item, which
-- documents it replaces (catalog.Service.Referrers): served by this index
-- instead of a scan of every item.
CREATE INDEX items_successor ON items(successor_id) WHERE successor_id IS NOT NULL;
