-- API tokens expire, can be revoked and record their last use (issue 16 §7).
-- expires_at, last_used_at and revoked_at are instants in storage format
-- ('' = never/none); revoked_by names who revoked (a login name, or
-- 命令行/系统), revoke_reason why (manual, password, disabled).
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN revoked_by TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN revoke_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX api_tokens_user ON api_tokens(user_id, id);
-- Tokens issued before this version never expired: give them 90 days from
-- the upgrade, so integrations keep working while they are replaced.
UPDATE api_tokens SET expires_at = to_char((now() AT TIME ZONE 'UTC') + interval '90 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') WHERE revoked_at = '';
-- A disabled user's tokens used to come back when the user was enabled
-- again; revoke them now, as disabling does from this version on.
UPDATE api_tokens SET revoked_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), revoked_by = '命令行/系统', revoke_reason = 'disabled'
  WHERE revoked_at = '' AND user_id IN (SELECT id FROM users WHERE disabled <> 0);
