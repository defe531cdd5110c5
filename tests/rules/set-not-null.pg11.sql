-- fixture: pg-version 11
-- Before PostgreSQL 12, SET NOT NULL scans the table even when a valid CHECK proves it.
CREATE TABLE customers (id bigint, email text);
ALTER TABLE customers ADD CONSTRAINT customers_email_not_null CHECK (email IS NOT NULL);

-- fixture: migration
SET lock_timeout = '2s';
-- expect: set-not-null:1
ALTER TABLE customers ALTER COLUMN email SET NOT NULL;
