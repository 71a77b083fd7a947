-- 经验报送 (issue 13, seed task 11): departments submit good practice,
-- typical cases, stories and important measures to the office, which rates
-- and selects them, records where each was forwarded upward and whether it
-- was used, and may publish a selected one as a 工作动态 catalogue item
-- (item_id). Internal records: nothing here is public except the published
-- item (through the catalogue) and the yearly counts.
CREATE TABLE practice_submissions (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id        INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  department_id  INTEGER NOT NULL,
  kind           TEXT NOT NULL,
  title          TEXT NOT NULL,
  body           TEXT NOT NULL,
  submitted_on   TEXT NOT NULL,
  year           INTEGER NOT NULL,
  status         TEXT NOT NULL,
  rating         INTEGER NOT NULL DEFAULT 0,
  office_note    TEXT NOT NULL DEFAULT '',
  item_id        INTEGER NOT NULL DEFAULT 0,
  submitted_by   TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL,
  reviewed_by    TEXT NOT NULL DEFAULT '',
  reviewed_at    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX practice_submissions_site ON practice_submissions(site_id, year, department_id);
CREATE TABLE practice_forwards (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id        INTEGER NOT NULL,
  submission_id  INTEGER NOT NULL REFERENCES practice_submissions(id) ON DELETE CASCADE,
  authority      TEXT NOT NULL,
  forwarded_on   TEXT NOT NULL,
  outlet         TEXT NOT NULL DEFAULT '',
  used           INTEGER NOT NULL DEFAULT 0,
  used_note      TEXT NOT NULL DEFAULT '',
  created_by     TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL
);
CREATE INDEX practice_forwards_submission ON practice_forwards(submission_id);
CREATE TABLE practice_files (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  submission_id  INTEGER NOT NULL REFERENCES practice_submissions(id) ON DELETE CASCADE,
  blob_key       TEXT NOT NULL,
  name           TEXT NOT NULL,
  size           INTEGER NOT NULL,
  mime           TEXT NOT NULL,
  sha256         TEXT NOT NULL,
  created_by     TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL
);
CREATE INDEX practice_files_submission ON practice_files(submission_id);
