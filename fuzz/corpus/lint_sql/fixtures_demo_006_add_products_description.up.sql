SET lock_timeout = '3s';
-- A constant default is stored in the catalog since PostgreSQL 11: no table rewrite.
ALTER TABLE products ADD COLUMN description text NOT NULL DEFAULT '';
