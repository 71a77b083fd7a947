-- The last self-inspection of each site, stored so that the back office's
-- pages read it instead of re-running the inspection per request (issue 17).
-- compliance_latest holds the run's summary; compliance_findings its
-- findings, replaced as a whole by each run, in the run's order (seq).
CREATE TABLE compliance_latest (
  site_id          BIGINT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  ran_at           TEXT NOT NULL,
  today            TEXT NOT NULL,
  findings         BIGINT NOT NULL,
  vetoes           BIGINT NOT NULL,
  coverage         DOUBLE PRECISION NOT NULL,
  policy_documents BIGINT NOT NULL,
  -- How long the run took, in milliseconds.
  took_ms          BIGINT NOT NULL
);
CREATE TABLE compliance_findings (
  site_id     BIGINT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  seq         BIGINT NOT NULL,
  level       TEXT NOT NULL,
  rule_code   TEXT NOT NULL,
  rule_title  TEXT NOT NULL,
  rule_basis  TEXT NOT NULL,
  message     TEXT NOT NULL,
  department  TEXT NOT NULL,
  link        TEXT NOT NULL,
  due         TEXT NOT NULL,
  provisional BIGINT NOT NULL,
  PRIMARY KEY (site_id, seq)
);
CREATE INDEX compliance_findings_dept ON compliance_findings(site_id, department, seq);
CREATE INDEX compliance_findings_link ON compliance_findings(site_id, link);
-- The workbench's counts per status of a department's items (catalog.StatusCounts).
CREATE INDEX items_site_dept_status ON items(site_id, department_id, status);
