-- require-concurrent-index: CREATE INDEX on a table that existed before the migration.
SET lock_timeout = '2s';

-- expect: require-concurrent-index
CREATE INDEX orders_status_idx ON orders (status);

-- expect: require-concurrent-index
CREATE UNIQUE INDEX IF NOT EXISTS users_email_idx ON public.users (lower(email));

-- Safe: CONCURRENTLY (the migration must not run in a transaction; that is another rule).
-- mgate:ignore concurrently-in-transaction
CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);

-- Safe: a table created earlier in the same migration is empty and unseen by other sessions.
CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint NOT NULL);
CREATE INDEX invoices_order_idx ON invoices (order_id);
CREATE INDEX invoices_order2_idx ON public.invoices (order_id, id);
