SET lock_timeout = '3s';
-- VALIDATE takes only a SHARE UPDATE EXCLUSIVE lock: reads and writes go on during the scan.
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_cents_check;
