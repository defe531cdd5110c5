SET lock_timeout = '2s';

-- expect: set-not-null
ALTER TABLE users ALTER COLUMN phone SET NOT NULL;

-- expect: set-not-null
ALTER TABLE public.orders ALTER COLUMN status SET DEFAULT 'pending', ALTER COLUMN status SET NOT NULL;

-- Safe: a column added in the same migration (it has a default, so no NULLs).
ALTER TABLE users ADD COLUMN locale text DEFAULT 'en';
ALTER TABLE users ALTER COLUMN locale SET NOT NULL;

-- Safe: DROP NOT NULL takes the lock but scans nothing.
ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;
