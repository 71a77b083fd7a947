-- The enforcement decisions' publication ledger (issue 12,
-- internal/lists/enforce/ledger.go) reads, for every version of every
-- decision, the key and five short fields (决定日期, 变更撤销日期, 首次公开日期,
-- 执法类别, 执法机关): the same index as on SQLite (lists.JSONField's
-- expressions). Every indexed field is bounded (dates, a choice, at most
-- 100 characters), well under a b-tree row's 2,704 bytes.
CREATE INDEX list_rows_ledger ON list_rows(edition_id, row_key,
  (COALESCE(fields::jsonb ->> 'decided_on', '')), (COALESCE(fields::jsonb ->> 'changed_on', '')),
  (COALESCE(fields::jsonb ->> 'first_published_on', '')), (COALESCE(fields::jsonb ->> 'category', '')),
  (COALESCE(fields::jsonb ->> 'body', '')));
