-- The migration tool wraps this migration in a transaction (the default).
SET lock_timeout = '2s';

-- expect: concurrently-in-transaction:1
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);

-- expect: concurrently-in-transaction:1
DROP INDEX CONCURRENTLY orders_old_idx;

-- expect: concurrently-in-transaction:1
REINDEX (CONCURRENTLY) INDEX orders_user_idx;

-- expect: concurrently-in-transaction:1
ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;

-- Safe: a plain statement in a transaction.
-- mgate:ignore require-concurrent-index
CREATE INDEX orders_total_idx ON orders (total_cents);
