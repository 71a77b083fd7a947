-- The trigger-kept counts (0047 item_counts, item_years, item_publishers;
-- 0048 item_status_counts) are written at commit, not at each statement
-- (issue 17, API create + publish p95 236 ms at 100,000 items): every
-- publish of a column adds to the same count rows, and a row trigger held
-- their locks from the item's INSERT to the end of the transaction — its
-- submit and publish steps, the events, the search documents — so the
-- publishes of one column queued one whole transaction behind another.
-- As deferred constraint triggers they run when the transaction commits,
-- and a row is held from there to the commit's end only.
--
-- And both sides of a change are applied in one order (the lesser key
-- first), as item_status_counts already was: two opposite moves between
-- two columns at the same moment no longer deadlock on item_counts.
CREATE FUNCTION item_counts_add(s BIGINT, c BIGINT, st TEXT, d TEXT, pub TEXT, k BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF k < 0 THEN
    UPDATE item_counts SET n = n + k WHERE site_id = s AND column_id = c AND status = st;
    DELETE FROM item_counts WHERE site_id = s AND column_id = c AND status = st AND n <= 0;
    IF st = 'published' THEN
      UPDATE item_years SET n = n + k WHERE site_id = s AND column_id = c AND year = SUBSTR(d, 1, 4);
      DELETE FROM item_years WHERE site_id = s AND column_id = c AND year = SUBSTR(d, 1, 4) AND n <= 0;
      UPDATE item_publishers SET n = n + k WHERE site_id = s AND column_id = c AND publisher = pub;
      DELETE FROM item_publishers WHERE site_id = s AND column_id = c AND publisher = pub AND n <= 0;
    END IF;
  ELSE
    INSERT INTO item_counts (site_id, column_id, status, n) VALUES (s, c, st, k)
      ON CONFLICT (site_id, column_id, status) DO UPDATE SET n = item_counts.n + k;
    IF st = 'published' AND d <> '' THEN
      INSERT INTO item_years (site_id, column_id, year, n) VALUES (s, c, SUBSTR(d, 1, 4), k)
        ON CONFLICT (site_id, column_id, year) DO UPDATE SET n = item_years.n + k;
    END IF;
    IF st = 'published' AND pub <> '' THEN
      INSERT INTO item_publishers (site_id, column_id, publisher, n) VALUES (s, c, pub, k)
        ON CONFLICT (site_id, column_id, publisher) DO UPDATE SET n = item_publishers.n + k;
    END IF;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION item_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM item_counts_add(NEW.site_id, NEW.column_id, NEW.status, NEW.published_on, NEW.publisher, 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM item_counts_add(OLD.site_id, OLD.column_id, OLD.status, OLD.published_on, OLD.publisher, -1);
  ELSIF ROW(OLD.site_id, OLD.column_id, OLD.status, OLD.published_on, OLD.publisher) < ROW(NEW.site_id, NEW.column_id, NEW.status, NEW.published_on, NEW.publisher) THEN
    PERFORM item_counts_add(OLD.site_id, OLD.column_id, OLD.status, OLD.published_on, OLD.publisher, -1);
    PERFORM item_counts_add(NEW.site_id, NEW.column_id, NEW.status, NEW.published_on, NEW.publisher, 1);
  ELSE
    PERFORM item_counts_add(NEW.site_id, NEW.column_id, NEW.status, NEW.published_on, NEW.publisher, 1);
    PERFORM item_counts_add(OLD.site_id, OLD.column_id, OLD.status, OLD.published_on, OLD.publisher, -1);
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER items_counts_insert_delete ON items;
DROP TRIGGER items_counts_update ON items;
DROP TRIGGER item_status_counts_insert_delete ON items;
DROP TRIGGER item_status_counts_update ON items;

CREATE CONSTRAINT TRIGGER items_counts_insert_delete AFTER INSERT OR DELETE ON items
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION item_counts_change();
CREATE CONSTRAINT TRIGGER items_counts_update AFTER UPDATE OF site_id, column_id, status, published_on, publisher ON items
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (OLD.site_id <> NEW.site_id OR OLD.column_id <> NEW.column_id OR OLD.status <> NEW.status
  OR OLD.published_on <> NEW.published_on OR OLD.publisher <> NEW.publisher)
EXECUTE FUNCTION item_counts_change();
CREATE CONSTRAINT TRIGGER item_status_counts_insert_delete AFTER INSERT OR DELETE ON items
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION item_status_counts_keep();
CREATE CONSTRAINT TRIGGER item_status_counts_update AFTER UPDATE OF site_id, department_id, status ON items
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (OLD.site_id IS DISTINCT FROM NEW.site_id OR OLD.department_id IS DISTINCT FROM NEW.department_id OR OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION item_status_counts_keep();
