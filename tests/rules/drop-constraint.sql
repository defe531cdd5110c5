SET lock_timeout = '2s';

-- expect: drop-constraint:1
ALTER TABLE orders DROP CONSTRAINT orders_pkey;

-- expect: drop-constraint:1
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_key;

-- expect: drop-constraint:1
ALTER TABLE payments DROP CONSTRAINT payments_amount_positive, ADD COLUMN note text;

-- Safe: a table created earlier in this migration.
CREATE TABLE imports (id bigint CONSTRAINT imports_pkey PRIMARY KEY);
ALTER TABLE imports DROP CONSTRAINT imports_pkey;
-- Safe: adding a constraint.
ALTER TABLE payments ADD CONSTRAINT payments_amount_nonnegative CHECK (amount >= 0) NOT VALID;
