-- The application's transaction: it updates an account, then one of its orders.
BEGIN;
UPDATE accounts SET name = name WHERE id = 1;
UPDATE orders SET note = note WHERE id = 1;
COMMIT;
