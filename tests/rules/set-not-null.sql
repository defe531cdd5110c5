SET lock_timeout = '2s';

-- expect: set-not-null:1
ALTER TABLE users ALTER COLUMN phone SET NOT NULL;

-- expect: set-not-null:1
ALTER TABLE public.orders ALTER COLUMN status SET DEFAULT 'pending', ALTER COLUMN status SET NOT NULL;

-- Safe: a column added in the same migration (it has a default, so no NULLs).
ALTER TABLE users ADD COLUMN locale text DEFAULT 'en';
ALTER TABLE users ALTER COLUMN locale SET NOT NULL;

-- Safe: DROP NOT NULL takes the lock but scans nothing.
ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;

-- fixture: migration
CREATE TABLE customers (id bigint, email text, phone text, fax text);

-- fixture: migration
SET lock_timeout = '2s';
ALTER TABLE customers ADD CONSTRAINT customers_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE customers ADD CONSTRAINT customers_phone_not_null CHECK (phone IS NOT NULL) NOT VALID;

-- fixture: migration
SET lock_timeout = '2s';
ALTER TABLE customers VALIDATE CONSTRAINT customers_email_not_null;

-- fixture: migration
SET lock_timeout = '2s';
-- Safe (PostgreSQL 12+): the validated CHECK (email IS NOT NULL) proves it without a scan.
ALTER TABLE customers ALTER COLUMN email SET NOT NULL;
ALTER TABLE customers DROP CONSTRAINT customers_email_not_null;

-- expect: set-not-null:1
ALTER TABLE customers ALTER COLUMN phone SET NOT NULL;
