-- Bumped on every public change so other nodes drop their render caches.
ALTER TABLE sites ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;
