-- 双随机一公开 (issue 12): a plan may be corrected or withdrawn until a draw
-- of it is announced (the draw's inputs freeze the plan); a withdrawn plan
-- stays public with its reason. updated_* name the last correction.
ALTER TABLE inspect_plans ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE inspect_plans ADD COLUMN withdrawn_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE inspect_plans ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
ALTER TABLE inspect_plans ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
