-- fixture: no-transaction
SET lock_timeout = '2s';

-- expect: require-concurrent-drop-index:1
DROP INDEX orders_status_idx;

-- expect: require-concurrent-drop-index:1
DROP INDEX IF EXISTS app.orders_user_idx, orders_created_idx CASCADE;

-- Safe: CONCURRENTLY.
DROP INDEX CONCURRENTLY IF EXISTS orders_total_idx;

-- Safe: an index created earlier in the same migration.
CREATE INDEX CONCURRENTLY tmp_idx ON orders (id);
DROP INDEX tmp_idx;
