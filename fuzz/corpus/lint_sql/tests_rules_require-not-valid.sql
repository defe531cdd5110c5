SET lock_timeout = '2s';

-- expect: require-not-valid
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total_cents >= 0);

-- expect: require-not-valid
ALTER TABLE payments ADD CONSTRAINT payments_user_fkey FOREIGN KEY (user_id) REFERENCES users (id);

-- expect: require-not-valid
ALTER TABLE payments
    ADD COLUMN note text,
    ADD CHECK (amount_cents > 0);

-- Safe: NOT VALID, then VALIDATE (in a later migration).
ALTER TABLE orders ADD CONSTRAINT orders_qty_check CHECK (quantity > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_qty_check;

-- Safe: a table created in the same migration is empty.
CREATE TABLE refunds (id bigint PRIMARY KEY, payment_id bigint);
ALTER TABLE refunds ADD CONSTRAINT refunds_payment_fkey FOREIGN KEY (payment_id) REFERENCES payments (id);
