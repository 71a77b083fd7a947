-- The catalogue's q= filter (GET /api/v1/items?q=, the staff item list's
-- 检索, the item pickers; catalog.Filter.Query) found its matches by
-- testing LIKE '%q%' on every item of the site: 0.9 s p50 at 100,000 items
-- (issue 17). item_grams holds, per item, every two-character piece of its
-- lowered title and 文号 (and each field's last character alone), so the
-- candidates of a query are the items holding its rarest piece; the LIKE
-- then runs on those only (catalog/list.go, queryPlan). One-character
-- queries read the pieces that start with the character (a range of the
-- primary key). Kept by triggers, so every path that writes items
-- (the app, seed, import, the sqlite3 shell) keeps it; no foreign key (its
-- check would need a second index on item_id): the delete and update
-- triggers find the old pieces from the old row, by the primary key.
--
-- gram_positions numbers the characters of a field (SQLite allows no
-- recursive query inside a trigger); titles are at most 200 characters and
-- 文号 100, so 2,000 leaves room.
CREATE TABLE gram_positions (n INTEGER PRIMARY KEY);
WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < 2000)
INSERT INTO gram_positions (n) SELECT n FROM p;

CREATE TABLE item_grams (
  gram     TEXT NOT NULL,
  item_id  INTEGER NOT NULL,
  PRIMARY KEY (gram, item_id)
) WITHOUT ROWID;

CREATE TRIGGER items_grams_insert AFTER INSERT ON items BEGIN
  INSERT OR IGNORE INTO item_grams (gram, item_id)
    SELECT substr(lower(NEW.title), n, 2), NEW.id FROM gram_positions WHERE n <= length(NEW.title)
    UNION SELECT substr(lower(NEW.doc_no), n, 2), NEW.id FROM gram_positions WHERE n <= length(NEW.doc_no);
END;
CREATE TRIGGER items_grams_update AFTER UPDATE OF title, doc_no ON items
WHEN OLD.title IS NOT NEW.title OR OLD.doc_no IS NOT NEW.doc_no BEGIN
  DELETE FROM item_grams WHERE item_id = OLD.id AND gram IN (
    SELECT substr(lower(OLD.title), n, 2) FROM gram_positions WHERE n <= length(OLD.title)
    UNION SELECT substr(lower(OLD.doc_no), n, 2) FROM gram_positions WHERE n <= length(OLD.doc_no));
  INSERT OR IGNORE INTO item_grams (gram, item_id)
    SELECT substr(lower(NEW.title), n, 2), NEW.id FROM gram_positions WHERE n <= length(NEW.title)
    UNION SELECT substr(lower(NEW.doc_no), n, 2), NEW.id FROM gram_positions WHERE n <= length(NEW.doc_no);
END;
CREATE TRIGGER items_grams_delete AFTER DELETE ON items BEGIN
  DELETE FROM item_grams WHERE item_id = OLD.id AND gram IN (
    SELECT substr(lower(OLD.title), n, 2) FROM gram_positions WHERE n <= length(OLD.title)
    UNION SELECT substr(lower(OLD.doc_no), n, 2) FROM gram_positions WHERE n <= length(OLD.doc_no));
END;

-- The backfill (100,000 items: see docs/BENCHMARKS.md, 2026-12-03 "q=").
INSERT OR IGNORE INTO item_grams (gram, item_id)
  SELECT substr(lower(i.title), p.n, 2), i.id FROM items i JOIN gram_positions p ON p.n <= length(i.title)
  UNION SELECT substr(lower(i.doc_no), p.n, 2), i.id FROM items i JOIN gram_positions p ON p.n <= length(i.doc_no);
