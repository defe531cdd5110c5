SET lock_timeout = '2s';

-- expect: require-not-valid:1
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total_cents >= 0);

-- expect: require-not-valid:1
ALTER TABLE payments ADD CONSTRAINT payments_user_fkey FOREIGN KEY (user_id) REFERENCES users (id);

-- expect: require-not-valid:1
ALTER TABLE payments
    ADD COLUMN note text,
    ADD CHECK (amount_cents > 0);

-- Safe: NOT VALID, then VALIDATE (in a later migration).
ALTER TABLE orders ADD CONSTRAINT orders_qty_check CHECK (quantity > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_qty_check;

-- Safe: a table created in the same migration is empty.
CREATE TABLE refunds (id bigint PRIMARY KEY, payment_id bigint);
ALTER TABLE refunds ADD CONSTRAINT refunds_payment_fkey FOREIGN KEY (payment_id) REFERENCES payments (id);

-- fixture: migration
SET lock_timeout = '2s';
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, user_id bigint, amount numeric)
  PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- fixture: migration
SET lock_timeout = '2s';
-- A partitioned table: flagged; NOT VALID works for a CHECK, not for a foreign key (no fix).
-- expect: require-not-valid:1
ALTER TABLE events ADD CONSTRAINT events_amount_check CHECK (amount > 0);
-- expect: require-not-valid:1
ALTER TABLE events ADD CONSTRAINT events_user_fkey FOREIGN KEY (user_id) REFERENCES users (id);
-- Safe: the recommended route, NOT VALID on each partition.
ALTER TABLE events_2024 ADD CONSTRAINT events_2024_user_fkey FOREIGN KEY (user_id)
  REFERENCES users (id) NOT VALID;
