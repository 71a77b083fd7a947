-- The day of the last publicity sweep per site and list kind
-- (lists.SweepPublicity): a start finds the rows whose publicity ended
-- since that day, not every row that ever ended (which made each start
-- re-index the kind's whole search source).
CREATE TABLE list_publicity_sweeps (
  site_id INTEGER NOT NULL,
  kind    TEXT NOT NULL,
  -- YYYY-MM-DD, China's calendar day of the sweep.
  day     TEXT NOT NULL,
  PRIMARY KEY (site_id, kind)
);
