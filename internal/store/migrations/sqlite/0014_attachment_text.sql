-- The text inside attachments (issue 8: "the text inside PDF and DOCX
-- attachments, extracted at upload"), for the site search. text is plain
-- text, at most catalog.MaxAttachmentText bytes. text_status says whether
-- extraction has run: 'pending' (files uploaded before this migration, or
-- attached without extraction: the start-up backfill takes them once),
-- 'done' (text holds what the file has, possibly nothing), 'failed' (the
-- file could not be read; the error was logged), 'none' (a type without
-- text: images, legacy .doc, OFD). The text is the same on both engines.
ALTER TABLE attachments ADD COLUMN text TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN text_status TEXT NOT NULL DEFAULT 'pending';
CREATE INDEX attachments_text_pending ON attachments(id) WHERE text_status = 'pending';
