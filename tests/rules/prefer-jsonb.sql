SET lock_timeout = '2s';

CREATE TABLE webhooks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
-- expect: prefer-jsonb:3
  payload json NOT NULL,
  -- Safe: jsonb.
  headers jsonb
);

-- expect: prefer-jsonb:30
ALTER TABLE users ADD COLUMN settings JSON DEFAULT '{}';

-- expect: prefer-jsonb:35
ALTER TABLE products ALTER COLUMN attributes TYPE json USING attributes::json;

-- Safe: moving to jsonb.
ALTER TABLE orders ALTER COLUMN meta TYPE jsonb USING meta::jsonb;
