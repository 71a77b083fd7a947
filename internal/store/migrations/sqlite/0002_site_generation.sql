-- Bumped on every public change so other nodes drop their render caches.
ALTER TABLE sites ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
