-- PostgreSQL only (its 0055 writes the trigger-kept counts at commit, in
-- key order): SQLite has one writer at a time, so its count triggers
-- neither queue concurrent publishes nor deadlock. Kept so that both
-- engines list the same migrations.
SELECT 1;
