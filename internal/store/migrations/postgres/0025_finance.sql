-- 财政预决算 (issue 13, seed task 7): a department's budget or final
-- accounts of a year, as the set of tables imported from its XLSX workbook
-- (each table a grid: header rows, then rows of label cells and amounts),
-- with the explanations (说明, 三公经费) and the approval date from which
-- the 20-day publication deadline runs (预算法第十四条). Procurement records
-- are list kinds (list_* tables).
CREATE TABLE finance_reports (
  id             BIGSERIAL PRIMARY KEY,
  site_id        BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  kind           TEXT NOT NULL,
  year           INTEGER NOT NULL,
  department_id  BIGINT NOT NULL,
  unit_name      TEXT NOT NULL,
  approved_on    TEXT NOT NULL,
  status         TEXT NOT NULL,
  published_at   TEXT NOT NULL DEFAULT '',
  explanation    TEXT NOT NULL DEFAULT '',
  sanshi         TEXT NOT NULL DEFAULT '',
  file_name      TEXT NOT NULL DEFAULT '',
  created_by     TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL,
  UNIQUE (site_id, kind, year, unit_name)
);
CREATE TABLE finance_tables (
  id         BIGSERIAL PRIMARY KEY,
  report_id  BIGINT NOT NULL REFERENCES finance_reports(id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  name       TEXT NOT NULL,
  unit       TEXT NOT NULL,
  grid       TEXT NOT NULL,
  UNIQUE (report_id, seq)
);
