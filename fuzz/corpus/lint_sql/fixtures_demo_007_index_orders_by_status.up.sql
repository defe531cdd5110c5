-- Dangerous: a plain CREATE INDEX holds a SHARE lock on orders until the build ends, and
-- every checkout (INSERT INTO orders) waits behind it.
CREATE INDEX orders_status_idx ON orders (status);
