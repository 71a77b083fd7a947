-- Working-day calendars as imported by administrators. Each row is a whole
-- calendar (embedded data plus imports) under its content hash; the newest
-- row is in force. Old versions stay so earlier due dates stay explainable.
CREATE TABLE calendar_versions (
  id          INTEGER PRIMARY KEY,
  version     TEXT NOT NULL UNIQUE,
  data        TEXT NOT NULL,
  note        TEXT NOT NULL DEFAULT '',
  actor_name  TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL
);

-- Due dates as computed, pinned to the calendar version used. A calendar
-- change does not move them until someone recomputes on purpose.
CREATE TABLE deadlines (
  item_id           INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  rule              TEXT NOT NULL,
  start_on          TEXT NOT NULL,
  due_on            TEXT NOT NULL,
  calendar_version  TEXT NOT NULL,
  computed_at       TEXT NOT NULL,
  PRIMARY KEY (item_id, rule)
);

-- Self-inspection runs and their findings, for the trend chart.
CREATE TABLE compliance_runs (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  ran_at      TEXT NOT NULL,
  findings    INTEGER NOT NULL,
  vetoes      INTEGER NOT NULL,
  report      TEXT NOT NULL
);
CREATE INDEX compliance_runs_site ON compliance_runs(site_id, ran_at);
