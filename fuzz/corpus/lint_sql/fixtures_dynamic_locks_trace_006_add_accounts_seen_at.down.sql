ALTER TABLE accounts DROP COLUMN seen_at;
