SET lock_timeout = '2s';

-- expect: unbatched-backfill
UPDATE users SET plan = 'free' WHERE plan = 'trial';

ALTER TABLE orders ADD COLUMN currency text;
-- expect: unbatched-backfill
UPDATE orders SET currency = 'EUR' WHERE currency IS NULL;

-- expect: unbatched-backfill
UPDATE payments SET status = 'expired' WHERE created_at < '2020-01-01';

-- Safe: key-range batches.
UPDATE users SET plan = 'free' WHERE plan = 'trial' AND id >= 1 AND id < 10001;
UPDATE users SET plan = 'free' WHERE plan = 'trial' AND id BETWEEN 10001 AND 20000;
-- Safe: a LIMIT batch.
UPDATE orders SET currency = 'EUR'
WHERE id IN (SELECT id FROM orders WHERE currency IS NULL LIMIT 1000);
-- Safe: targeted fixes of named rows.
UPDATE users SET plan = 'free' WHERE id = 42;
UPDATE users SET plan = 'free' WHERE id IN (1, 2, 3);
-- Safe: a table created earlier in this migration.
CREATE TABLE imports (id bigint, state text);
UPDATE imports SET state = 'new' WHERE state IS NULL;

-- A bound inside an OR, a NOT IN, or a join on id names no batch.
-- expect: unbatched-backfill
UPDATE users SET plan = 'free' WHERE plan = 'trial' OR id = 42;
-- expect: unbatched-backfill
UPDATE users SET plan = 'free' WHERE id NOT IN (1, 2);
-- expect: unbatched-backfill
UPDATE orders o SET currency = u.currency FROM users u WHERE o.user_id = u.id;
