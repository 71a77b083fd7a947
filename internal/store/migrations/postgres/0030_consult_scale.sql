-- Public participation at scale (issue 10): the consultation lists select
-- the catalogue's records of one type (doc_type = 'consultation', a few
-- thousand among a hundred thousand items); without this index they read
-- every published item of the site.
CREATE INDEX items_site_doc_type ON items (site_id, doc_type, status);
-- A consultation's dispositions (its feedback report, the desk).
CREATE INDEX consult_dispositions_consultation ON consult_dispositions (consultation_id, id);
