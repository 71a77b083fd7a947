-- What a column page and the catalogue show besides their rows, kept up
-- to date by the database itself (issue 17): the number of items per
-- site, column and status (the pager's 共 N 条), and a column's published
-- years and publishers (the 年份 and 发布机构 filters). At 100,000 items
-- recomputing them per render read every item of the column or of the site
-- (a column page 297 ms, the catalogue 200 ms); now they cost a few rows.
--
-- A trigger, not the application's writes: every path that inserts, edits,
-- publishes, withdraws, moves or deletes an item (the workflow, imports,
-- seed, a site's cascade) changes them in its own transaction, so no page
-- is stale and several nodes need no message. A row whose count falls to 0
-- is deleted. There are no foreign keys: a site's cascade deletes its items
-- (whose trigger empties these rows) in an order the engine chooses.
CREATE TABLE item_counts (
  site_id   BIGINT NOT NULL,
  column_id BIGINT NOT NULL,
  status    TEXT NOT NULL,
  n         BIGINT NOT NULL,
  PRIMARY KEY (site_id, column_id, status)
);

-- Published items only, as the filters offer them; year is the first four
-- characters of published_on (Catalog.Years), items without a date left out.
CREATE TABLE item_years (
  site_id   BIGINT NOT NULL,
  column_id BIGINT NOT NULL,
  year      TEXT NOT NULL,
  n         BIGINT NOT NULL,
  PRIMARY KEY (site_id, column_id, year)
);

-- Published items with a publisher (发布机构) only.
CREATE TABLE item_publishers (
  site_id   BIGINT NOT NULL,
  column_id BIGINT NOT NULL,
  publisher TEXT NOT NULL,
  n         BIGINT NOT NULL,
  PRIMARY KEY (site_id, column_id, publisher)
);

INSERT INTO item_counts (site_id, column_id, status, n)
  SELECT site_id, column_id, status, COUNT(*) FROM items GROUP BY site_id, column_id, status;
INSERT INTO item_years (site_id, column_id, year, n)
  SELECT site_id, column_id, SUBSTR(published_on, 1, 4), COUNT(*) FROM items
  WHERE status = 'published' AND published_on <> '' GROUP BY site_id, column_id, SUBSTR(published_on, 1, 4);
INSERT INTO item_publishers (site_id, column_id, publisher, n)
  SELECT site_id, column_id, publisher, COUNT(*) FROM items
  WHERE status = 'published' AND publisher <> '' GROUP BY site_id, column_id, publisher;

CREATE FUNCTION item_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE item_counts SET n = n - 1 WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND status = OLD.status;
    IF OLD.status = 'published' THEN
      UPDATE item_years SET n = n - 1 WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND year = SUBSTR(OLD.published_on, 1, 4);
      UPDATE item_publishers SET n = n - 1 WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND publisher = OLD.publisher;
    END IF;
    DELETE FROM item_counts WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND n <= 0;
    DELETE FROM item_years WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND n <= 0;
    DELETE FROM item_publishers WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND n <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO item_counts (site_id, column_id, status, n) VALUES (NEW.site_id, NEW.column_id, NEW.status, 1)
      ON CONFLICT (site_id, column_id, status) DO UPDATE SET n = item_counts.n + 1;
    IF NEW.status = 'published' AND NEW.published_on <> '' THEN
      INSERT INTO item_years (site_id, column_id, year, n) VALUES (NEW.site_id, NEW.column_id, SUBSTR(NEW.published_on, 1, 4), 1)
        ON CONFLICT (site_id, column_id, year) DO UPDATE SET n = item_years.n + 1;
    END IF;
    IF NEW.status = 'published' AND NEW.publisher <> '' THEN
      INSERT INTO item_publishers (site_id, column_id, publisher, n) VALUES (NEW.site_id, NEW.column_id, NEW.publisher, 1)
        ON CONFLICT (site_id, column_id, publisher) DO UPDATE SET n = item_publishers.n + 1;
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER items_counts_insert_delete AFTER INSERT OR DELETE ON items
FOR EACH ROW EXECUTE FUNCTION item_counts_change();
-- An edit that changes none of the counted columns writes nothing here.
CREATE TRIGGER items_counts_update AFTER UPDATE OF site_id, column_id, status, published_on, publisher ON items
FOR EACH ROW WHEN (OLD.site_id <> NEW.site_id OR OLD.column_id <> NEW.column_id OR OLD.status <> NEW.status
  OR OLD.published_on <> NEW.published_on OR OLD.publisher <> NEW.publisher)
EXECUTE FUNCTION item_counts_change();
