SET lock_timeout = '3s';
-- Dangerous: NOT NULL without a default fails as soon as users has a row.
ALTER TABLE users ADD COLUMN phone text NOT NULL;
