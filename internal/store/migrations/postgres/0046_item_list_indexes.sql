-- Two indexes found by the scale benchmark at 100,000 items (issue 17):
-- the staff item list of every status (Filter.Status "*") ordered by date
-- had no index and sorted the whole site per page (5.3 s cold → under 1 ms);
-- a column's 发布机构 facet read every row of the column for its publisher
-- (290 → 9 ms cold for 13,548 items), now answered from the index alone.
CREATE INDEX items_site_all_pub ON items(site_id, published_on DESC, id DESC);
CREATE INDEX items_column_publisher ON items(site_id, status, column_id, publisher);
