-- Deploy shop:orders to pg
-- requires: users

BEGIN;

CREATE TABLE shop.orders (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES shop.users (id)
);

COMMIT;
