SET lock_timeout = '2s';
-- Runs on an empty table; fails (23502) on one that has rows.
ALTER TABLE accounts ADD COLUMN region text NOT NULL;
