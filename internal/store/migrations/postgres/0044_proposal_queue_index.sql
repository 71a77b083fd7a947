-- The workbench's queue of proposed changes (catalog.Service.ProposalQueue,
-- issue 17) from this index alone, in its order: the rows hold the whole
-- proposed item (input, with its body) before the columns the queue shows,
-- so reading them cost several MB per view at 100,000 items.
CREATE INDEX item_proposals_queue_order ON item_proposals(site_id, status, updated_at, id, item_id, created_name);
