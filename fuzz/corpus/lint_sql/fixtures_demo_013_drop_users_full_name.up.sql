SET lock_timeout = '3s';
-- Dangerous: code that still reads users.full_name breaks the moment this commits.
ALTER TABLE users DROP COLUMN full_name;
