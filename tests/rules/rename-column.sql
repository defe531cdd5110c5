SET lock_timeout = '2s';

-- expect: rename-column:1
ALTER TABLE products RENAME COLUMN title TO name;

-- expect: rename-column:1
ALTER TABLE public.users RENAME full_name TO display_name;

-- Safe: a column added in the same migration.
ALTER TABLE products ADD COLUMN subtitle text;
ALTER TABLE products RENAME COLUMN subtitle TO tagline;
