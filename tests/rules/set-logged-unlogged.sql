SET lock_timeout = '2s';

-- expect: set-logged-unlogged:1
ALTER TABLE import_rows SET LOGGED;

-- expect: set-logged-unlogged:1
ALTER TABLE public.page_views SET UNLOGGED;

-- Safe: a table created in this migration.
CREATE UNLOGGED TABLE staging (id bigint);
ALTER TABLE staging SET LOGGED;
