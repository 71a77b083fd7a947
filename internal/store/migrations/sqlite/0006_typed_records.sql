-- Typed records (issue 7 §4). item_facets holds only the fields a type
-- declares as facets (long text never: PostgreSQL's b-tree refused rows
-- over 2,704 bytes), one row per value (a multiselect has several), with a
-- sortable integer for numbers, money (×10^scale) and dates (YYYYMMDD) so
-- range filters and sorting are exact on both engines.
CREATE TEMP TABLE facets_kept AS
  SELECT f.item_id, f.name, f.value FROM item_facets f JOIN items i ON i.id = f.item_id
  WHERE (i.doc_type = 'policy' AND f.name IN ('normative', 'effective_on'))
    OR (i.doc_type = 'interpretation' AND f.name = 'form')
    OR (i.doc_type IN ('appointment', 'plan') AND f.name = 'kind')
    OR (i.doc_type IN ('plan', 'statistics') AND f.name = 'period')
    OR (i.doc_type = 'consultation' AND f.name IN ('opens_on', 'closes_on'))
    OR (i.doc_type = 'annual_report' AND f.name = 'report_year');
DROP TABLE item_facets;
CREATE TABLE item_facets (
  item_id  INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
  name     TEXT NOT NULL,
  value    TEXT NOT NULL,
  num      BIGINT,
  PRIMARY KEY (item_id, name, value)
);
-- The facets the shipped types declare at this version.
INSERT INTO item_facets (item_id, name, value) SELECT item_id, name, value FROM facets_kept;
DROP TABLE facets_kept;
CREATE INDEX item_facets_value ON item_facets(name, value, item_id);
CREATE INDEX item_facets_num ON item_facets(name, num, item_id);
-- A false bool is a facet row too, so fields.normative=0 finds it.
INSERT INTO item_facets (item_id, name, value)
  SELECT id, 'normative', '0' FROM items
  WHERE doc_type = 'policy' AND id NOT IN (SELECT item_id FROM item_facets WHERE name = 'normative');
UPDATE item_facets SET num = CAST(REPLACE(value, '-', '') AS BIGINT) WHERE name IN ('effective_on', 'opens_on', 'closes_on');
UPDATE item_facets SET num = CAST(value AS BIGINT) WHERE name = 'report_year';

-- 条例第二十条: which statutory category a column publishes (compliance
-- checks columns by this code, no longer by their Chinese names). Existing
-- columns get the code their usual name implies.
ALTER TABLE columns ADD COLUMN duty TEXT NOT NULL DEFAULT '';
UPDATE columns SET duty = 'art20.1' WHERE name = '政策文件';
UPDATE columns SET duty = 'art20.2' WHERE name IN ('机构职能', '机构设置', '领导信息');
UPDATE columns SET duty = 'art20.3' WHERE name = '计划规划';
UPDATE columns SET duty = 'art20.4' WHERE name = '统计数据';
UPDATE columns SET duty = 'art20.5' WHERE name IN ('政务服务事项目录', '办事指南');
UPDATE columns SET duty = 'art20.6' WHERE name = '行政执法公示';
UPDATE columns SET duty = 'art20.7' WHERE name = '财政预决算';
UPDATE columns SET duty = 'art20.9' WHERE name = '政府采购';
