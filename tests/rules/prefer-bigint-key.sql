SET lock_timeout = '2s';

CREATE TABLE customers (
-- expect: prefer-bigint-key:3
  id integer PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE tags (
-- expect: prefer-bigint-key:3
  id smallint GENERATED ALWAYS AS IDENTITY,
  -- Safe: an ordinary int column.
  position int NOT NULL,
  label text,
  PRIMARY KEY (id)
);

CREATE TABLE regions (
-- expect: prefer-bigint-key:3
  code int4,
  name text,
  CONSTRAINT regions_pkey PRIMARY KEY (code)
);

-- expect: prefer-identity:31 (folds prefer-bigint-key)
ALTER TABLE visits ADD COLUMN visit_no serial;

-- Safe: bigint keys.
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL,
  quantity int NOT NULL
);
CREATE TABLE events (id bigserial PRIMARY KEY, kind smallint);
CREATE TABLE countries (code text PRIMARY KEY);
