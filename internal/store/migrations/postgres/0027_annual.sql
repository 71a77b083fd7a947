-- The annual disclosure report (issue 14, 条例第四十九、五十条): per site
-- and year the staff-written text of parts 一, 五 and 六, the staff-entered
-- 行政事业性收费 amount of table 二 (no other fee record exists), the report's
-- status and the catalogue item it was published as. The tables themselves
-- are computed from the records every time; only overrides are stored.
CREATE TABLE annual_reports (
  site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  year        INTEGER NOT NULL,
  part1       TEXT NOT NULL DEFAULT '',
  part5       TEXT NOT NULL DEFAULT '',
  part6       TEXT NOT NULL DEFAULT '',
  -- 行政许可 处理决定数量: every decision (all) or those granting (granted);
  -- which one the template means is UNVERIFIED (RECORDS §2.8), so staff choose.
  licence_basis TEXT NOT NULL DEFAULT 'all',
  status      TEXT NOT NULL DEFAULT 'draft',
  item_id     INTEGER,
  -- The report as published (JSON of annual.Report): the public page, API
  -- and downloads show what was published, not a recount.
  snapshot    TEXT NOT NULL DEFAULT '',
  -- The content as submitted for review; publishing refuses a report that
  -- changed since (the reviewers approved what they saw).
  submitted   TEXT NOT NULL DEFAULT '',
  updated_by  TEXT NOT NULL DEFAULT '',
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (site_id, year)
);
-- A staff correction of one computed cell, only with its reason (audited).
CREATE TABLE annual_overrides (
  site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  year        INTEGER NOT NULL,
  table_code  TEXT NOT NULL,
  row_key     TEXT NOT NULL,
  col_key     TEXT NOT NULL,
  value       TEXT NOT NULL,
  reason      TEXT NOT NULL,
  by_name     TEXT NOT NULL,
  at          TEXT NOT NULL,
  PRIMARY KEY (site_id, year, table_code, row_key, col_key)
);
