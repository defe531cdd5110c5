SET lock_timeout = '2s';

-- expect: rename-schema:1
ALTER SCHEMA billing RENAME TO invoicing;

-- Safe: creating a new schema, and renaming other things is other rules' concern.
CREATE SCHEMA IF NOT EXISTS invoicing;
ALTER SCHEMA billing OWNER TO billing_admin;
