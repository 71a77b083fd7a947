-- Public participation (issue 10): consultations (调查征集) with their
-- articles, the public's comments, moderation and dispositions; the yearly
-- major-decision catalogue (重大行政决策事项目录) with its change timeline;
-- meetings (会议公开) with stakeholder applications; online surveys.
--
-- A consultation's public record is a catalogue item of type consultation
-- (item_id): its index number, column, dates and the feedback text the
-- deadline engine checks. These tables hold what the catalogue cannot: the
-- draft's articles, the comments and their dispositions. The feedback
-- report (意见收集和采纳情况) is published as its own catalogue item
-- (report_item_id). Contacts are sealed (internal/secure) and never shown.
CREATE TABLE consultations (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id             INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  item_id             INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  kind                TEXT NOT NULL,
  major               INTEGER NOT NULL DEFAULT 0,
  department_id       INTEGER NOT NULL DEFAULT 0,
  decision_id         INTEGER NOT NULL DEFAULT 0,
  title               TEXT NOT NULL,
  basis               TEXT NOT NULL DEFAULT '',
  explanation         TEXT NOT NULL DEFAULT '',
  channels            TEXT NOT NULL DEFAULT '',
  opens_on            TEXT NOT NULL,
  closes_on           TEXT NOT NULL,
  short_reason        TEXT NOT NULL DEFAULT '',
  report_item_id      INTEGER NOT NULL DEFAULT 0,
  report_published_on TEXT NOT NULL DEFAULT '',
  report_summary      TEXT NOT NULL DEFAULT '',
  created_by          INTEGER NOT NULL DEFAULT 0,
  created_at          TEXT NOT NULL,
  UNIQUE (item_id)
);
CREATE INDEX consultations_site ON consultations (site_id, closes_on);
CREATE TABLE consult_articles (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  consultation_id  INTEGER NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
  seq              INTEGER NOT NULL,
  heading          TEXT NOT NULL DEFAULT '',
  body             TEXT NOT NULL,
  UNIQUE (consultation_id, seq)
);
-- A disposition (采纳/部分采纳/不予采纳 with its reason) answers one comment
-- or a merged group of comments: the comments point at it.
CREATE TABLE consult_dispositions (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  consultation_id  INTEGER NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
  outcome          TEXT NOT NULL,
  reason           TEXT NOT NULL,
  created_by       INTEGER NOT NULL DEFAULT 0,
  created_at       TEXT NOT NULL
);
CREATE TABLE consult_comments (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  consultation_id  INTEGER NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
  seq              INTEGER NOT NULL,
  article_seq      INTEGER NOT NULL DEFAULT 0,
  name             TEXT NOT NULL DEFAULT '',
  contact_sealed   TEXT NOT NULL,
  body             TEXT NOT NULL,
  publish_consent  INTEGER NOT NULL DEFAULT 0,
  channel          TEXT NOT NULL DEFAULT 'online',
  status           TEXT NOT NULL,
  reason           TEXT NOT NULL DEFAULT '',
  moderated_by     INTEGER NOT NULL DEFAULT 0,
  moderated_at     TEXT NOT NULL DEFAULT '',
  disposition_id   INTEGER NOT NULL DEFAULT 0,
  received_at      TEXT NOT NULL,
  UNIQUE (consultation_id, seq)
);
CREATE INDEX consult_comments_status ON consult_comments (consultation_id, status);

-- The yearly catalogue of major administrative decisions (《重大行政决策程序
-- 暂行条例》第三条第三款). decision_events is its timeline: every change, with
-- the fields after it as JSON; decisions holds the current projection.
CREATE TABLE decisions (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id          INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  year             INTEGER NOT NULL,
  seq              INTEGER NOT NULL,
  title            TEXT NOT NULL,
  department_id    INTEGER NOT NULL DEFAULT 0,
  basis            TEXT NOT NULL DEFAULT '',
  planned_on       TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL,
  status_reason    TEXT NOT NULL DEFAULT '',
  links_json       TEXT NOT NULL DEFAULT '{}',
  updated_at       TEXT NOT NULL,
  UNIQUE (site_id, year, seq)
);
CREATE TABLE decision_events (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  decision_id      INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
  action           TEXT NOT NULL,
  note             TEXT NOT NULL DEFAULT '',
  after_json       TEXT NOT NULL,
  actor_name       TEXT NOT NULL DEFAULT '',
  created_at       TEXT NOT NULL
);
CREATE INDEX decision_events_decision ON decision_events (decision_id, id);

-- Meetings (会议公开, seed task 3) with their topics and the public's
-- applications to attend as stakeholders (contacts sealed).
CREATE TABLE meetings (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id          INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  title            TEXT NOT NULL,
  meeting_type     TEXT NOT NULL DEFAULT '',
  held_on          TEXT NOT NULL,
  place            TEXT NOT NULL DEFAULT '',
  apply_until      TEXT NOT NULL DEFAULT '',
  invited          TEXT NOT NULL DEFAULT '',
  decisions_text   TEXT NOT NULL DEFAULT '',
  links_json       TEXT NOT NULL DEFAULT '[]',
  published        INTEGER NOT NULL DEFAULT 0,
  created_at       TEXT NOT NULL
);
CREATE TABLE meeting_topics (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  meeting_id       INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  seq              INTEGER NOT NULL,
  title            TEXT NOT NULL,
  department_id    INTEGER NOT NULL DEFAULT 0,
  public_interest  INTEGER NOT NULL DEFAULT 0,
  stakeholder_plan TEXT NOT NULL DEFAULT '',
  UNIQUE (meeting_id, seq)
);
CREATE TABLE meeting_applications (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  meeting_id       INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  category         TEXT NOT NULL DEFAULT '',
  organisation     TEXT NOT NULL DEFAULT '',
  contact_sealed   TEXT NOT NULL,
  reason           TEXT NOT NULL,
  status           TEXT NOT NULL,
  answer           TEXT NOT NULL DEFAULT '',
  decided_by       INTEGER NOT NULL DEFAULT 0,
  received_at      TEXT NOT NULL
);
CREATE INDEX meeting_applications_meeting ON meeting_applications (meeting_id, status);

-- Online surveys (网上调查): questions as JSON, one answer per person (the
-- voter key is a keyed hash of the contact, never the contact itself).
CREATE TABLE surveys (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id          INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  title            TEXT NOT NULL,
  intro            TEXT NOT NULL DEFAULT '',
  opens_on         TEXT NOT NULL,
  closes_on        TEXT NOT NULL,
  questions_json   TEXT NOT NULL,
  created_at       TEXT NOT NULL
);
CREATE TABLE survey_answers (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  survey_id        INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  voter_key        TEXT NOT NULL,
  answers_json     TEXT NOT NULL,
  received_at      TEXT NOT NULL,
  UNIQUE (survey_id, voter_key)
);
