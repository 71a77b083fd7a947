-- Disclosure on request at scale (issue 9; docs/BENCHMARKS.md, "Request
-- pages at 100,000 items"): the 全部申请 view pages by id within a site
-- (without this index SQLite read every request of the site and sorted it),
-- and the desk's per-department counts read only this index.
CREATE INDEX requests_site_id ON requests(site_id, id);
CREATE INDEX requests_site_dept ON requests(site_id, department_id, closed_on);
-- Table 三 of a year reads the requests still open or closed from the year on.
CREATE INDEX requests_site_closed_received ON requests(site_id, closed_on, received_on);
