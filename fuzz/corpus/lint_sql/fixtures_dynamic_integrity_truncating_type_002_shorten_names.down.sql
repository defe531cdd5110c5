ALTER TABLE accounts ALTER COLUMN name TYPE text;
