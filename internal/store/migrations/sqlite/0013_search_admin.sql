-- Search administration (issue 8): each site's synonym table and best bets,
-- the query log and the clicks on results, for the analytics.
--
-- search_sites marks a site whose synonym table was seeded with the default
-- table (internal/search/data/synonyms.txt): it is seeded once, the first
-- time it is read, so deleting every group does not bring the defaults back.
CREATE TABLE search_sites (
  site_id             INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  synonyms_seeded_at  TEXT NOT NULL
);
-- A synonym group: terms (normalised, separated by a newline) mean the same
-- (one_way = 0), or the first term also finds the others but not the other
-- way round (one_way = 1: 双随机 => 双随机一公开).
CREATE TABLE search_synonyms (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  terms       TEXT NOT NULL,
  one_way     INTEGER NOT NULL DEFAULT 0,
  note        TEXT NOT NULL DEFAULT '',
  updated_by  TEXT NOT NULL DEFAULT '',
  updated_at  TEXT NOT NULL
);
CREATE INDEX search_synonyms_site ON search_synonyms(site_id, id);
-- A best bet (推荐结果): for a normalised query, a search document
-- (doc_kind, doc_ref) or a local URL with its title, at a position, until
-- an optional end date (YYYY-MM-DD, inclusive).
CREATE TABLE search_best_bets (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  query       TEXT NOT NULL,
  doc_kind    TEXT NOT NULL DEFAULT '',
  doc_ref     INTEGER NOT NULL DEFAULT 0,
  url         TEXT NOT NULL DEFAULT '',
  title       TEXT NOT NULL DEFAULT '',
  position    INTEGER NOT NULL DEFAULT 1,
  ends_on     TEXT NOT NULL DEFAULT '',
  note        TEXT NOT NULL DEFAULT '',
  updated_by  TEXT NOT NULL DEFAULT '',
  updated_at  TEXT NOT NULL
);
CREATE INDEX search_best_bets_query ON search_best_bets(site_id, query);
-- The query log: one row per search asked from the public pages and the
-- API (normalised query, results found), and whether a result was opened.
-- Kept about 400 days (search.Service.PruneQueryLog).
CREATE TABLE search_queries (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  query       TEXT NOT NULL,
  total       INTEGER NOT NULL DEFAULT 0,
  clicked     INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL
);
CREATE INDEX search_queries_site ON search_queries(site_id, created_at);
CREATE INDEX search_queries_created ON search_queries(created_at);
-- Clicks on results (GET /search/go): which result of which search.
CREATE TABLE search_clicks (
  id          INTEGER PRIMARY KEY,
  site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  query_id    INTEGER NOT NULL REFERENCES search_queries(id) ON DELETE CASCADE,
  url         TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX search_clicks_query ON search_clicks(query_id);
