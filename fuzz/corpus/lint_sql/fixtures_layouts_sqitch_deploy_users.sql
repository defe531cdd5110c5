-- Deploy shop:users to pg
-- requires: appschema

BEGIN;

CREATE TABLE IF NOT EXISTS shop.users (
    id bigserial PRIMARY KEY,
    name text NOT NULL
);
ALTER TABLE shop.users ADD COLUMN email text;

COMMIT;
