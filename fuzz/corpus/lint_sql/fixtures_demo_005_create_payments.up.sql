-- The foreign keys take a brief SHARE ROW EXCLUSIVE lock on the tables they reference.
SET lock_timeout = '3s';
CREATE TABLE payments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id      bigint NOT NULL REFERENCES orders (id),
    amount_cents  integer NOT NULL,
    provider      text NOT NULL,
    paid_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_order_id_idx ON payments (order_id);
