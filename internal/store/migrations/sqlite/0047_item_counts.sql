-- What a column page and the catalogue show besides their rows, kept up
-- to date by the database itself (issue 17): the number of items per
-- site, column and status (the pager's 共 N 条), and a column's published
-- years and publishers (the 年份 and 发布机构 filters). At 100,000 items
-- recomputing them per render read every item of the column or of the site
-- (a column page 297 ms, the catalogue 200 ms); now they cost a few rows.
--
-- Triggers, not the application's writes: every path that inserts, edits,
-- publishes, withdraws, moves or deletes an item (the workflow, imports,
-- seed, a site's cascade) changes them in its own transaction, so no page
-- is stale and several nodes need no message. A row whose count falls to 0
-- is deleted. There are no foreign keys: a site's cascade deletes its items
-- (whose triggers empty these rows) in an order the engine chooses.
CREATE TABLE item_counts (
  site_id   INTEGER NOT NULL,
  column_id INTEGER NOT NULL,
  status    TEXT NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (site_id, column_id, status)
) WITHOUT ROWID;

-- Published items only, as the filters offer them; year is the first four
-- characters of published_on (Catalog.Years), items without a date left out.
CREATE TABLE item_years (
  site_id   INTEGER NOT NULL,
  column_id INTEGER NOT NULL,
  year      TEXT NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (site_id, column_id, year)
) WITHOUT ROWID;

-- Published items with a publisher (发布机构) only.
CREATE TABLE item_publishers (
  site_id   INTEGER NOT NULL,
  column_id INTEGER NOT NULL,
  publisher TEXT NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (site_id, column_id, publisher)
) WITHOUT ROWID;

INSERT INTO item_counts (site_id, column_id, status, n)
  SELECT site_id, column_id, status, COUNT(*) FROM items GROUP BY site_id, column_id, status;
INSERT INTO item_years (site_id, column_id, year, n)
  SELECT site_id, column_id, SUBSTR(published_on, 1, 4), COUNT(*) FROM items
  WHERE status = 'published' AND published_on <> '' GROUP BY site_id, column_id, SUBSTR(published_on, 1, 4);
INSERT INTO item_publishers (site_id, column_id, publisher, n)
  SELECT site_id, column_id, publisher, COUNT(*) FROM items
  WHERE status = 'published' AND publisher <> '' GROUP BY site_id, column_id, publisher;

CREATE TRIGGER items_counts_insert AFTER INSERT ON items
BEGIN
  INSERT INTO item_counts (site_id, column_id, status, n) VALUES (NEW.site_id, NEW.column_id, NEW.status, 1)
    ON CONFLICT (site_id, column_id, status) DO UPDATE SET n = n + 1;
  INSERT INTO item_years (site_id, column_id, year, n)
    SELECT NEW.site_id, NEW.column_id, SUBSTR(NEW.published_on, 1, 4), 1 WHERE NEW.status = 'published' AND NEW.published_on <> ''
    ON CONFLICT (site_id, column_id, year) DO UPDATE SET n = n + 1;
  INSERT INTO item_publishers (site_id, column_id, publisher, n)
    SELECT NEW.site_id, NEW.column_id, NEW.publisher, 1 WHERE NEW.status = 'published' AND NEW.publisher <> ''
    ON CONFLICT (site_id, column_id, publisher) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER items_counts_delete AFTER DELETE ON items
BEGIN
  UPDATE item_counts SET n = n - 1 WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND status = OLD.status;
  UPDATE item_years SET n = n - 1 WHERE OLD.status = 'published'
    AND site_id = OLD.site_id AND column_id = OLD.column_id AND year = SUBSTR(OLD.published_on, 1, 4);
  UPDATE item_publishers SET n = n - 1 WHERE OLD.status = 'published'
    AND site_id = OLD.site_id AND column_id = OLD.column_id AND publisher = OLD.publisher;
  DELETE FROM item_counts WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND n <= 0;
  DELETE FROM item_years WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND n <= 0;
  DELETE FROM item_publishers WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND n <= 0;
END;

-- An edit that changes none of the counted columns writes nothing here.
CREATE TRIGGER items_counts_update AFTER UPDATE OF site_id, column_id, status, published_on, publisher ON items
WHEN OLD.site_id <> NEW.site_id OR OLD.column_id <> NEW.column_id OR OLD.status <> NEW.status
  OR OLD.published_on <> NEW.published_on OR OLD.publisher <> NEW.publisher
BEGIN
  UPDATE item_counts SET n = n - 1 WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND status = OLD.status;
  UPDATE item_years SET n = n - 1 WHERE OLD.status = 'published'
    AND site_id = OLD.site_id AND column_id = OLD.column_id AND year = SUBSTR(OLD.published_on, 1, 4);
  UPDATE item_publishers SET n = n - 1 WHERE OLD.status = 'published'
    AND site_id = OLD.site_id AND column_id = OLD.column_id AND publisher = OLD.publisher;
  DELETE FROM item_counts WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND n <= 0;
  DELETE FROM item_years WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND n <= 0;
  DELETE FROM item_publishers WHERE site_id = OLD.site_id AND column_id = OLD.column_id AND n <= 0;
  INSERT INTO item_counts (site_id, column_id, status, n) VALUES (NEW.site_id, NEW.column_id, NEW.status, 1)
    ON CONFLICT (site_id, column_id, status) DO UPDATE SET n = n + 1;
  INSERT INTO item_years (site_id, column_id, year, n)
    SELECT NEW.site_id, NEW.column_id, SUBSTR(NEW.published_on, 1, 4), 1 WHERE NEW.status = 'published' AND NEW.published_on <> ''
    ON CONFLICT (site_id, column_id, year) DO UPDATE SET n = n + 1;
  INSERT INTO item_publishers (site_id, column_id, publisher, n)
    SELECT NEW.site_id, NEW.column_id, NEW.publisher, 1 WHERE NEW.status = 'published' AND NEW.publisher <> ''
    ON CONFLICT (site_id, column_id, publisher) DO UPDATE SET n = n + 1;
END;
