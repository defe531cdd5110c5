SET lock_timeout = '2s';

ALTER TABLE orders ADD COLUMN region text;
-- expect: slow-statement-under-exclusive-lock:1
UPDATE orders SET region = 'eu';

-- expect: slow-statement-under-exclusive-lock:1
CREATE INDEX orders_region_idx ON orders (region);

-- expect: slow-statement-under-exclusive-lock:1
DELETE FROM public.orders WHERE region IS NULL;

-- expect: slow-statement-under-exclusive-lock:1
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_check;

-- expect: slow-statement-under-exclusive-lock:1
SELECT count(*) FROM orders WHERE region IS NULL;

-- Safe: rows named by key are found through the key's index.
UPDATE orders SET region = 'us' WHERE id = 42;
DELETE FROM orders WHERE id IN (1, 2);
SELECT region FROM orders WHERE id = 7;
-- Safe: no table.
SELECT set_config('statement_timeout', '10s', true);

-- Safe: this transaction holds only SHARE on users (from the index build): reads go on.
CREATE INDEX users_email_idx ON users (email);
UPDATE users SET email = lower(email);

-- fixture: migration no-transaction
-- Safe: outside a transaction the ACCESS EXCLUSIVE lock ends with its statement.
ALTER TABLE payments ADD COLUMN note text;
UPDATE payments SET note = '';
CREATE INDEX CONCURRENTLY payments_note_idx ON payments (note);

-- Safe: a table created in this transaction.
BEGIN;
CREATE TABLE drafts (id int);
ALTER TABLE drafts ADD COLUMN title text;
UPDATE drafts SET title = '';
COMMIT;

BEGIN;
LOCK TABLE payments;
-- expect: slow-statement-under-exclusive-lock:1
UPDATE payments SET note = 'none' WHERE note = '';
COMMIT;
