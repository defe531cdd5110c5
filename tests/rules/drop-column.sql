SET lock_timeout = '2s';

-- expect: drop-column:1
ALTER TABLE users DROP COLUMN full_name;

-- expect: drop-column:1
ALTER TABLE orders DROP COLUMN IF EXISTS legacy_status, ADD COLUMN status_v2 text;

-- Safe: a column added earlier in the same migration.
ALTER TABLE orders ADD COLUMN tmp int;
ALTER TABLE orders DROP COLUMN tmp;
