SET lock_timeout = '2s';

-- expect: cluster:1
CLUSTER orders USING orders_created_at_idx;

-- expect: cluster:1
CLUSTER public.orders;

-- Safe: CLUSTER ON only records the index for a later CLUSTER; it rewrites nothing.
ALTER TABLE orders CLUSTER ON orders_created_at_idx;

-- Safe: a table created in this migration.
CREATE TABLE archive (id bigint PRIMARY KEY);
CLUSTER archive USING archive_pkey;
