SET lock_timeout = '2s';

-- expect: update-without-where:1
UPDATE users SET newsletter = false;

ALTER TABLE orders ADD COLUMN total_cents bigint;
-- expect: slow-statement-under-exclusive-lock:1 (folds update-without-where)
UPDATE orders SET total_cents = round(total * 100);

-- Safe: a bounded update (unbatched-backfill judges its WHERE).
UPDATE users SET newsletter = false WHERE id >= 1 AND id < 10001;
-- Safe: a table created earlier in this migration.
CREATE TABLE countries (code text PRIMARY KEY, name text);
UPDATE countries SET name = upper(name);
-- Safe: a migration tool's own history table (older Alembic offline scripts).
UPDATE alembic_version SET version_num = '4e2d1c';
