-- Proposed changes to published items (issue 15): a department's editor
-- proposes a new revision of its published item; the proposal goes through
-- review while the published version stays online, and the office applies
-- it as the item's next revision. One open proposal per item.
CREATE TABLE item_proposals (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id      INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  item_id      INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  -- submitted, returned, approved; then published or discarded (closed).
  status       TEXT NOT NULL,
  -- The proposed catalog.Input as JSON.
  input        TEXT NOT NULL,
  change_note  TEXT NOT NULL,
  -- The item's version the proposal was made against.
  base_version INTEGER NOT NULL,
  version      INTEGER NOT NULL DEFAULT 1,
  comment      TEXT NOT NULL DEFAULT '',
  created_by   INTEGER,
  created_name TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX item_proposals_open ON item_proposals (item_id) WHERE status IN ('submitted', 'returned', 'approved');
CREATE INDEX item_proposals_queue ON item_proposals (site_id, status);
-- The item form's document pickers search the newest published documents
-- of a type (catalog.LookupItems): an index to find them without a scan.
CREATE INDEX items_type_pub ON items (site_id, doc_type, status, published_on, id);
