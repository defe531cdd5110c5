SET lock_timeout = '2s';

-- expect: stored-generated-column:1
ALTER TABLE orders ADD COLUMN total_with_tax numeric GENERATED ALWAYS AS (total * 1.2) STORED;

-- expect: stored-generated-column:1
ALTER TABLE public.users ADD COLUMN email_domain text GENERATED ALWAYS AS (split_part(email, '@', 2)) STORED;

-- Safe: a plain nullable column, filled later in batches.
ALTER TABLE orders ADD COLUMN total_with_vat numeric;

-- Safe: a table created in this migration.
CREATE TABLE line_items (qty int, price numeric, amount numeric GENERATED ALWAYS AS (qty * price) STORED);
ALTER TABLE line_items ADD COLUMN doubled numeric GENERATED ALWAYS AS (amount * 2) STORED;
