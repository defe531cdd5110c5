SET lock_timeout = '2s';
CREATE TYPE order_status AS ENUM ('new', 'shipped');
CREATE TABLE orders (id bigint PRIMARY KEY, status order_status, note text);

-- fixture: migration
SET lock_timeout = '2s';
ALTER TYPE order_status ADD VALUE 'archived';
-- expect: new-enum-value-in-transaction:1
UPDATE orders SET status = 'archived' WHERE id = 1;
-- expect: new-enum-value-in-transaction:1
SELECT 'archived'::order_status;
-- expect: new-enum-value-in-transaction:1
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'archived';

-- Safe: the label in a column of another type, or cast to another type.
UPDATE orders SET note = 'archived' WHERE id = 1;
SELECT 'archived'::text;

-- Safe: values that existed before.
UPDATE orders SET status = 'shipped' WHERE id = 2;

-- Safe after COMMIT: the value is committed.
COMMIT;
UPDATE orders SET status = 'archived' WHERE id = 3;

-- fixture: migration no-transaction
-- Safe: without a transaction each statement commits on its own.
ALTER TYPE order_status ADD VALUE 'returned';
UPDATE orders SET status = 'returned' WHERE id = 4;
