-- Leases (issue 17): a job that must run once per platform, not once per
-- node (the daily self-inspection, the validity sweep, scheduled
-- publishing), runs on the node that holds its lease. A node claims a free
-- or expired lease, or renews its own, in one conditional upsert.
CREATE TABLE leases (
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  -- store.TimeFormat, UTC: sorts as time.
  expires_at TEXT NOT NULL
);
