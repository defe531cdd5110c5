ALTER TABLE accounts DROP COLUMN token;
