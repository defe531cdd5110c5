ALTER TABLE accounts DROP COLUMN full_name;
ALTER TABLE accounts ADD COLUMN name text;
