SET lock_timeout = '2s';

ALTER TABLE orders ALTER COLUMN total TYPE bigint;
-- expect: change-column-type:1 (folds combine-alter-table)
ALTER TABLE orders ALTER COLUMN amount TYPE bigint;

-- Safe: cheap catalog changes in one transaction; the second asks for a lock already held.
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD CONSTRAINT users_nickname_check CHECK (length(nickname) < 50) NOT VALID;

-- Safe: different tables.
ALTER TABLE users ALTER COLUMN age TYPE bigint;
ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;

-- Safe: VALIDATE takes a weaker lock; merged, the scan would run under ACCESS EXCLUSIVE.
ALTER TABLE orders ADD CONSTRAINT orders_quantity_check CHECK (quantity > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_quantity_check;

-- fixture: migration no-transaction
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN bio text;
-- expect: combine-alter-table:1
ALTER TABLE public.users ADD COLUMN avatar_url text;

-- Safe: a table created in this migration.
CREATE TABLE tags (id bigint);
ALTER TABLE tags ADD COLUMN name text;
ALTER TABLE tags ADD COLUMN slug text;
