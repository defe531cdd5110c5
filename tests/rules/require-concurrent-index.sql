-- require-concurrent-index: CREATE INDEX on a table that existed before the migration.
SET lock_timeout = '2s';

-- expect: require-concurrent-index:1
CREATE INDEX orders_status_idx ON orders (status);

-- expect: require-concurrent-index:1
CREATE UNIQUE INDEX IF NOT EXISTS users_email_idx ON public.users (lower(email));

-- Safe: CONCURRENTLY (the migration must not run in a transaction; that is another rule).
-- mgate:ignore concurrently-in-transaction
CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);

-- Safe: a table created earlier in the same migration is empty and unseen by other sessions.
CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint NOT NULL);
CREATE INDEX invoices_order_idx ON invoices (order_id);
CREATE INDEX invoices_order2_idx ON public.invoices (order_id, id);

-- fixture: migration
SET lock_timeout = '2s';
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE visits (id bigint, at date);

-- fixture: migration
SET lock_timeout = '2s';
-- A partitioned table: every partition is built under SHARE (flagged without the CONCURRENTLY
-- fix, which PostgreSQL rejects there).
-- expect: require-concurrent-index:1
CREATE INDEX events_kind_idx ON events (kind);
-- Safe: ON ONLY builds nothing; the partitions' indexes are built CONCURRENTLY and attached.
CREATE INDEX events_at_idx ON ONLY events (at);
-- Safe: ON ONLY on a table mgate does not know is taken as that route.
CREATE INDEX logs_at_idx ON ONLY logs (at);
-- ON ONLY on a table known to be plain builds the whole index.
-- expect: require-concurrent-index:1
CREATE INDEX visits_at_idx ON ONLY visits (at);
-- A partition is a plain table.
-- expect: require-concurrent-index:1
CREATE INDEX events_2024_kind_idx ON events_2024 (kind);
