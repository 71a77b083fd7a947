-- The annual report's table 二 (issue 14) counts the published policy
-- documents by genre, validity and date of writing: with this index the
-- count reads the index alone, not every item's row (the bodies).
CREATE INDEX items_site_doctype ON items(site_id, doc_type, status, genre, validity, written_on);
-- And the documents repealed or lapsed in a year, by their end date (有效期至
-- in the fields, else the last change), without reading the documents.
CREATE INDEX items_policy_end ON items(site_id, doc_type, status, validity, genre, ((fields::json->>'expires_on')), updated_at);
