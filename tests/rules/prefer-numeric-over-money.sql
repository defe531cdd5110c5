SET lock_timeout = '2s';

CREATE TABLE invoices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
-- expect: prefer-numeric-over-money:3
  total money NOT NULL,
  -- Safe: numeric with a currency column.
  tax numeric(12, 2) NOT NULL,
  currency text NOT NULL
);

-- expect: prefer-numeric-over-money:31
ALTER TABLE orders ADD COLUMN discount money;
