SET lock_timeout = '2s';

ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
-- expect: validate-in-same-transaction:1
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;

ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
-- expect: validate-in-same-transaction:1
ALTER TABLE public.orders VALIDATE CONSTRAINT orders_user_fk;

-- Safe: a constraint added NOT VALID by an earlier migration.
ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_check;

-- Safe: a table created in this migration.
CREATE TABLE refunds (id bigint, amount bigint);
ALTER TABLE refunds ADD CONSTRAINT refunds_amount_check CHECK (amount > 0) NOT VALID;
ALTER TABLE refunds VALIDATE CONSTRAINT refunds_amount_check;

-- fixture: migration no-transaction
-- Safe: outside a transaction each statement commits, and its lock ends, on its own.
ALTER TABLE payments ADD CONSTRAINT payments_amount_check CHECK (amount >= 0) NOT VALID;
ALTER TABLE payments VALIDATE CONSTRAINT payments_amount_check;

BEGIN;
ALTER TABLE payments ADD CONSTRAINT payments_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
COMMIT;
ALTER TABLE payments VALIDATE CONSTRAINT payments_user_fk;

BEGIN;
ALTER TABLE payments ADD CONSTRAINT payments_currency_check CHECK (currency <> '') NOT VALID;
-- expect: validate-in-same-transaction:1
ALTER TABLE payments VALIDATE CONSTRAINT payments_currency_check;
COMMIT;
