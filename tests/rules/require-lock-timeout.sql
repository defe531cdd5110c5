-- expect: require-lock-timeout:1
ALTER TABLE users ADD COLUMN nickname text;

-- expect: require-lock-timeout:1
CREATE TABLE invoices (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));

-- Safe: SHARE UPDATE EXCLUSIVE does not block reads or writes.
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;

-- Safe: the table is new.
ALTER TABLE invoices ADD COLUMN note text;

SET lock_timeout = '3s';
-- Safe: a lock_timeout is in force.
ALTER TABLE users ADD COLUMN avatar text;

SET lock_timeout = 0;
-- expect: require-lock-timeout:1
DROP TABLE sessions;

SELECT set_config('lock_timeout', '2s', false);
-- Safe: set through set_config.
ALTER TABLE users DROP COLUMN avatar;

RESET lock_timeout;
-- expect: require-lock-timeout:1
TRUNCATE audit_log;
