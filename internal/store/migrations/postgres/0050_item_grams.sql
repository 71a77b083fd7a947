-- The catalogue's q= filter (GET /api/v1/items?q=, the staff item list's
-- 检索, the item pickers; catalog.Filter.Query) found its matches by
-- testing LIKE '%q%' on every item of the site: 0.9 s p50 at 100,000 items
-- (issue 17). item_grams holds, per item, every two-character piece of its
-- lowered title and 文号 (and each field's last character alone), so the
-- candidates of a query are the items holding its rarest piece; the LIKE
-- then runs on those only (catalog/list.go, queryPlan). One-character
-- queries read the pieces that start with the character (a range of the
-- primary key, hence COLLATE "C": byte order, whatever the database's
-- collation). Kept by a trigger, so every path that writes items keeps it;
-- no foreign key (its check would need a second index on item_id): the
-- trigger finds the old pieces from the old row, by the primary key.
-- The same table on both engines, and no extension: pg_trgm would serve
-- LIKE for three characters or more only, and only where the database's
-- LC_CTYPE classifies Chinese characters as letters (not under "C").
--
-- gram_positions numbers the characters of a field, as on SQLite (where a
-- trigger may not use a recursive query).
CREATE TABLE gram_positions (n BIGINT PRIMARY KEY);
INSERT INTO gram_positions (n) SELECT generate_series(1, 2000);

CREATE TABLE item_grams (
  gram     TEXT COLLATE "C" NOT NULL,
  item_id  BIGINT NOT NULL,
  PRIMARY KEY (gram, item_id)
);

CREATE FUNCTION item_grams_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    IF TG_OP = 'UPDATE' AND OLD.title IS NOT DISTINCT FROM NEW.title AND OLD.doc_no IS NOT DISTINCT FROM NEW.doc_no THEN
      RETURN NULL;
    END IF;
    DELETE FROM item_grams WHERE item_id = OLD.id AND gram IN (
      SELECT substr(lower(OLD.title), n::int, 2) FROM gram_positions WHERE n <= length(OLD.title)
      UNION SELECT substr(lower(OLD.doc_no), n::int, 2) FROM gram_positions WHERE n <= length(OLD.doc_no));
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO item_grams (gram, item_id)
      SELECT substr(lower(NEW.title), n::int, 2), NEW.id FROM gram_positions WHERE n <= length(NEW.title)
      UNION SELECT substr(lower(NEW.doc_no), n::int, 2), NEW.id FROM gram_positions WHERE n <= length(NEW.doc_no)
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER items_grams AFTER INSERT OR DELETE OR UPDATE OF title, doc_no ON items
FOR EACH ROW EXECUTE FUNCTION item_grams_sync();

-- The backfill (100,000 items: see docs/BENCHMARKS.md, 2026-12-03 "q=").
INSERT INTO item_grams (gram, item_id)
  SELECT substr(lower(i.title), p.n::int, 2), i.id FROM items i JOIN gram_positions p ON p.n <= length(i.title)
  UNION SELECT substr(lower(i.doc_no), p.n::int, 2), i.id FROM items i JOIN gram_positions p ON p.n <= length(i.doc_no);
-- Statistics for the planner at once, not at autovacuum's next visit.
ANALYZE item_grams;
