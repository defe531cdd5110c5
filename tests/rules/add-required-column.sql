SET lock_timeout = '2s';

-- expect: add-required-column:1
ALTER TABLE users ADD COLUMN phone text NOT NULL;

-- expect: add-required-column:1
ALTER TABLE orders ADD COLUMN region text, ADD COLUMN currency char(3) NOT NULL;

-- Safe: a default fills the existing rows (a constant one without a rewrite).
ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en';
-- Safe: identity and serial columns fill themselves.
ALTER TABLE events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
-- Safe: nullable.
ALTER TABLE users ADD COLUMN nickname text;
-- Safe: a table created in the same migration has no rows.
CREATE TABLE carts (id bigint PRIMARY KEY);
ALTER TABLE carts ADD COLUMN user_id bigint NOT NULL;
