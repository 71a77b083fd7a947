-- The department responsible for keeping a column complete and current
-- (issue 15): the self-inspection names it in the column's findings.
ALTER TABLE columns ADD COLUMN department_id INTEGER REFERENCES departments(id);
