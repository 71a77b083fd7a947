-- Column pages filter by site, status and column together; this index lets
-- the planner walk one column's newest items instead of the whole site's.
CREATE INDEX items_site_column ON items(site_id, status, column_id, published_on DESC, id DESC);
