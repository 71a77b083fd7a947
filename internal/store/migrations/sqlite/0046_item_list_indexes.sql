-- Indexes found by the scale benchmark at 100,000 items (issue 17).
--
-- The date-ordered listings carry the title, 文号 and 索引号, the columns
-- the catalogue's q= filter (GET /api/v1/items?q=, the staff item list's
-- 检索) tests with LIKE: SQLite tests them in the index and reads a table
-- row only for a match, so a q= that matches little no longer reads every
-- item's row, body and all (no match at 100k: 282 ms warm and 2.1 s cold
-- → 61–73 ms). Titles are at most 200 characters and 文号 100, well within
-- PostgreSQL's limit on an index row.
DROP INDEX items_site_pub;
CREATE INDEX items_site_pub ON items(site_id, status, published_on DESC, id DESC, title, doc_no, index_no);
-- The staff item list of every status (Filter.Status "*") had no index for
-- its order and sorted the whole site per page (5.3 s cold → under 1 ms).
CREATE INDEX items_site_all_pub ON items(site_id, published_on DESC, id DESC, title, doc_no, index_no);
-- A column's 发布机构 facet read every row of the column for its publisher
-- (290 → 9 ms cold for 13,548 items); now answered from the index alone.
CREATE INDEX items_column_publisher ON items(site_id, status, column_id, publisher);
