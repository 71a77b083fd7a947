-- The enforcement decisions' publication ledger (issue 12,
-- internal/lists/enforce/ledger.go) reads, for every version of every
-- decision, the key and five short fields (决定日期, 变更撤销日期, 首次公开日期,
-- 执法类别, 执法机关): with this index it reads them from the index, not each
-- version's whole JSON (52,488 versions on the 100,000-item synthetic
-- site). The expressions are lists.JSONField's, so the query matches them.
-- Rows of other kinds hold '' where they lack a field; every indexed field
-- is bounded (dates, a choice, at most 100 characters).
CREATE INDEX list_rows_ledger ON list_rows(edition_id, row_key,
  COALESCE(json_extract(fields, '$.decided_on'), ''), COALESCE(json_extract(fields, '$.changed_on'), ''),
  COALESCE(json_extract(fields, '$.first_published_on'), ''), COALESCE(json_extract(fields, '$.category'), ''),
  COALESCE(json_extract(fields, '$.body'), ''));
