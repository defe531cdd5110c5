-- Deploy shop:users to pg
-- requires: appschema

BEGIN;

CREATE TABLE shop.users (
    id bigserial PRIMARY KEY,
    name text NOT NULL
);

COMMIT;
