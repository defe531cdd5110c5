ALTER TABLE accounts DROP COLUMN region;
DROP FUNCTION region_exists(text);
DROP TABLE regions;
