-- Files chosen in the item form and held while the form goes round a step
-- that does not save it (issue 15: the pickers' 查找 without JavaScript, a
-- refused save): the editor's own uploads, by id, until the form is saved
-- with them or they are purged as stale (catalog.PurgePendingUploads).
CREATE TABLE pending_uploads (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL,
  blob_key    TEXT NOT NULL,
  name        TEXT NOT NULL,
  size        INTEGER NOT NULL,
  mime        TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  text        TEXT NOT NULL DEFAULT '',
  text_status TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL
);
CREATE INDEX pending_uploads_age ON pending_uploads (created_at);
