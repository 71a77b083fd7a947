-- 双随机、一公开 (issue 12): yearly random-inspection plans, verifiable draws
-- and their published results. The item list and the two registries are
-- list kinds (list_* tables, internal/lists/kinds_inspect.go); a draw
-- freezes the registries' published editions into its inputs (rows and
-- SHA-256, with the plan and the announced randomness) when it is
-- announced, and stores the revealed randomness and the result when it is
-- carried out. inputs is the canonical JSON the public verification file
-- carries; nothing in it changes after the announcement.
CREATE TABLE inspect_settings (
  site_id          INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  result_days      INTEGER NOT NULL,
  result_workdays  INTEGER NOT NULL DEFAULT 0,
  max_per_year     INTEGER NOT NULL DEFAULT 0,
  updated_by       TEXT NOT NULL DEFAULT '',
  updated_at       TEXT NOT NULL
);
CREATE TABLE inspect_plans (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id                INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  year                   INTEGER NOT NULL,
  title                  TEXT NOT NULL,
  department_id          INTEGER NOT NULL,
  item_key               TEXT NOT NULL,
  item_name              TEXT NOT NULL,
  target_type            TEXT NOT NULL,
  target_count           INTEGER NOT NULL DEFAULT 0,
  ratio_percent          INTEGER NOT NULL DEFAULT 0,
  inspectors_per_target  INTEGER NOT NULL,
  starts_on              TEXT NOT NULL,
  ends_on                TEXT NOT NULL,
  frequency              TEXT NOT NULL DEFAULT '',
  content                TEXT NOT NULL DEFAULT '',
  created_by             TEXT NOT NULL DEFAULT '',
  created_at             TEXT NOT NULL
);
CREATE INDEX inspect_plans_year ON inspect_plans(site_id, year);
CREATE TABLE inspect_draws (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id        INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  plan_id        INTEGER NOT NULL REFERENCES inspect_plans(id) ON DELETE CASCADE,
  status         TEXT NOT NULL,
  method         TEXT NOT NULL,
  seed           TEXT NOT NULL DEFAULT '',
  revealed       TEXT NOT NULL DEFAULT '',
  witnesses      TEXT NOT NULL DEFAULT '',
  inputs         TEXT NOT NULL DEFAULT '',
  inputs_sha256  TEXT NOT NULL DEFAULT '',
  result         TEXT NOT NULL DEFAULT '',
  announced_by   TEXT NOT NULL DEFAULT '',
  announced_at   TEXT NOT NULL,
  drawn_by       TEXT NOT NULL DEFAULT '',
  drawn_at       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inspect_draws_plan ON inspect_draws(plan_id);
-- One announced (not yet drawn) draw per plan at a time (internal/inspect Announce).
CREATE UNIQUE INDEX inspect_draws_pending ON inspect_draws(plan_id) WHERE status = 'announced';
CREATE TABLE inspect_results (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id       INTEGER NOT NULL,
  draw_id       INTEGER NOT NULL REFERENCES inspect_draws(id) ON DELETE CASCADE,
  target_key    TEXT NOT NULL,
  target_name   TEXT NOT NULL,
  conclusion    TEXT NOT NULL,
  detail        TEXT NOT NULL DEFAULT '',
  follow_up     TEXT NOT NULL DEFAULT '',
  inspected_on  TEXT NOT NULL,
  published_on  TEXT NOT NULL,
  recorded_by   TEXT NOT NULL DEFAULT '',
  recorded_at   TEXT NOT NULL,
  UNIQUE (draw_id, target_key)
);
