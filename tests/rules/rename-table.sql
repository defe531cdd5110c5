SET lock_timeout = '2s';

-- expect: rename-table:1
ALTER TABLE customers RENAME TO clients;

-- Safe: renaming a table created in the same migration.
CREATE TABLE staging_orders (id bigint);
ALTER TABLE staging_orders RENAME TO imported_orders;

-- Safe: renaming an index or a constraint does not break queries.
ALTER INDEX orders_status_idx RENAME TO orders_state_idx;
