SET lock_timeout = '2s';

CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
-- expect: prefer-timestamptz:3
  happened_at timestamp NOT NULL,
-- expect: prefer-timestamptz:3
  recorded_at timestamp(3) without time zone,
  -- Safe: with a time zone.
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamp with time zone,
  day date
);

-- expect: prefer-timestamptz:31
ALTER TABLE orders ADD COLUMN shipped_at TIMESTAMP;
