SET lock_timeout = '2s';

-- expect: truncate-table:1
TRUNCATE sessions;

-- expect: truncate-table:1
TRUNCATE TABLE orders, order_items RESTART IDENTITY CASCADE;

-- Safe: a table created earlier in this migration.
CREATE TABLE import_buffer (id bigint, payload jsonb);
TRUNCATE import_buffer;
-- Safe: deleting in batches.
DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() LIMIT 1000);
