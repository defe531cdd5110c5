SET lock_timeout = '3s';
ALTER TABLE orders DROP CONSTRAINT orders_total_cents_check;
ALTER TABLE orders DROP COLUMN total_cents;
