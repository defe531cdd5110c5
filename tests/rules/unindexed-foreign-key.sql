-- An earlier migration: the tables as they are.
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, coupon_id bigint, store_id bigint, created_at timestamptz);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE INDEX orders_created_store_idx ON orders (created_at, store_id);
CREATE INDEX orders_coupon_partial_idx ON orders (coupon_id) WHERE coupon_id IS NOT NULL;

-- fixture: migration
SET lock_timeout = '2s';

-- expect: unindexed-foreign-key:1
ALTER TABLE orders ADD CONSTRAINT orders_store_fk FOREIGN KEY (store_id) REFERENCES stores (id) NOT VALID;

-- Safe: served by indexes from the earlier migration (a partial one serves it too: the check
-- looks up non-null keys only).
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_coupon_fk FOREIGN KEY (coupon_id) REFERENCES coupons (id) NOT VALID;

-- expect: unindexed-foreign-key:1
CREATE TABLE comments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id),
    body text NOT NULL
);

-- Safe: the primary key serves post_id, and the index after the table serves user_id.
CREATE TABLE likes (
    post_id bigint NOT NULL REFERENCES posts (id),
    user_id bigint NOT NULL REFERENCES users (id),
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX likes_user_id_idx ON likes (user_id);

-- Safe: a composite key served by an index with the same leading columns in another order.
CREATE TABLE shipments (
    id bigint PRIMARY KEY,
    order_id bigint,
    line_no int,
    FOREIGN KEY (line_no, order_id) REFERENCES order_lines (line_no, order_id)
);
CREATE INDEX shipments_order_line_idx ON shipments (order_id, line_no, id);

-- expect: unindexed-foreign-key:1
ALTER TABLE likes ADD COLUMN referrer_id bigint REFERENCES users (id);
