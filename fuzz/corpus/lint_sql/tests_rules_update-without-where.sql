SET lock_timeout = '2s';

-- expect: update-without-where
UPDATE users SET newsletter = false;

ALTER TABLE orders ADD COLUMN total_cents bigint;
-- expect: update-without-where
UPDATE orders SET total_cents = round(total * 100);

-- Safe: a bounded update (unbatched-backfill judges its WHERE).
UPDATE users SET newsletter = false WHERE id >= 1 AND id < 10001;
-- Safe: a table created earlier in this migration.
CREATE TABLE countries (code text PRIMARY KEY, name text);
UPDATE countries SET name = upper(name);
