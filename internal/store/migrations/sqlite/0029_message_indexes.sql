-- Messages at scale (issue 11; docs/BENCHMARKS.md "Messages pages"): the
-- statistics count the published answers too, so their covering index
-- holds published; the public list filters published answers by category,
-- department, answer month and receipt period and orders them by answer
-- date, so its index holds those columns and counts without reading the
-- table (a message row carries its texts and sealed fields).
DROP INDEX messages_site_received;
CREATE INDEX messages_site_received ON messages(site_id, received_on, category, department_id, status, answer_workdays, on_time, rating, published);
DROP INDEX messages_site_public;
CREATE INDEX messages_site_public ON messages(site_id, published, answered_on, category, department_id, received_on);
-- A department's desk (editors see their own department's messages).
CREATE INDEX messages_site_dept_status ON messages(site_id, department_id, status, due_on);
