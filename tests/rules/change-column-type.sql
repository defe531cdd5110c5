SET lock_timeout = '2s';

-- expect: change-column-type
ALTER TABLE orders ALTER COLUMN total_cents TYPE bigint;

-- expect: change-column-type
ALTER TABLE users ALTER COLUMN email SET DATA TYPE varchar(320) USING email::varchar(320);

-- Safe: a column added in the same migration holds no data yet.
ALTER TABLE orders ADD COLUMN note varchar(100);
ALTER TABLE orders ALTER COLUMN note TYPE text;
