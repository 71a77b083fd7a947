-- The annual report's table 二 (issue 14) counts the published policy
-- documents by genre, validity and date of writing: with this index the
-- count reads the index alone, not every item's row (the bodies).
CREATE INDEX items_site_doctype ON items(site_id, doc_type, status, genre, validity, written_on);
